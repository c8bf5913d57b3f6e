/**
 * Redaction of secrets. A finding never carries a clear secret: parsers call these at parse time,
 * so every later channel (summary, log, annotations, outputs, SARIF, artifact copy) is safe by
 * construction.
 */
// node:crypto is loaded when the first secret is hashed, not at start-up (~10 ms to load).
const createHash = (algorithm: string) => process.getBuiltinModule('node:crypto').createHash(algorithm);

/** Short, non-reversible hash used to tell secrets apart (dedup keys, fingerprints). */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 12);
}

/**
 * A redacted form that shows the shape, never the value: at most the first 2 characters of a secret
 * of 12 or more characters, then a fixed mask, and the length.
 */
export function redactSecret(secret: string): string {
  if (secret === '' || secret === 'REDACTED') return 'REDACTED';
  const head = secret.length >= 12 ? secret.slice(0, 2) : '';
  return `${head}****(redacted, ${secret.length} chars)`;
}

/** Replace every occurrence of each secret in `text` with its redacted form. */
export function redactIn(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s === 'REDACTED' || s.length < 4) continue;
    out = out.split(s).join(redactSecret(s));
  }
  return out;
}

/**
 * Shortest secret scrubbed from text it was not found in (other findings, other reports' copies).
 * A 4-character secret is redacted where gitleaks found it, but scrubbed everywhere it would turn
 * every `test` or `main` in a path into a mask.
 */
export const MIN_KNOWN_SECRET = 8;

/** Set an own data property, even for a key named `__proto__` (no prototype setter involved). */
export function setOwn(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Every string of `value`, nested objects and arrays included, with each of `secrets` (4 characters
 * or more, longest first) redacted. Objects and arrays are changed in place (own keys only, a
 * `__proto__` key too) and returned; a string comes back scrubbed.
 */
export function scrubDeep(value: unknown, secrets: Iterable<string>): unknown {
  const list = [...new Set(secrets)].filter((s) => s.length >= 4 && s !== 'REDACTED').sort((a, b) => b.length - a.length);
  if (list.length === 0) return value;
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return list.some((s) => v.includes(s)) ? redactIn(v, list) : v;
    if (v === null || typeof v !== 'object' || depth >= 64) return v;
    for (const k of Object.keys(v)) {
      const before = (v as Record<string, unknown>)[k];
      const after = walk(before, depth + 1);
      if (after !== before) setOwn(v, k, after);
    }
    return v;
  };
  return walk(value, 0);
}

/**
 * Scrub known secret values (see ParsedReport.knownSecrets) from every string of `values` in place
 * (scrubDeep): what one tool revealed (a gitleaks secret, a secret-scan match) must not survive in
 * another tool's finding that quotes the same line. Secrets shorter than MIN_KNOWN_SECRET are left.
 */
export function scrubKnownSecrets(values: object[], secrets: Iterable<string>): void {
  const list = [...secrets].filter((s) => s.length >= MIN_KNOWN_SECRET);
  if (list.length > 0) for (const v of values) scrubDeep(v, list);
}
