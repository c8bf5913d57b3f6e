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
