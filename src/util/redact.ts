/**
 * Redaction of secrets. A finding never carries a clear secret: parsers call these at parse time,
 * so every later channel (summary, log, annotations, outputs, SARIF, artifact copy) is safe by
 * construction.
 */
import { MultiMatcher } from './multi-match.js';

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

const byLength = (a: string, b: string): number => b.length - a.length;

/** Up to this many secrets, `includes` each is as fast as one pass over the text (measured: 10-50). */
const FEW_SECRETS = 32;

/** More secrets than this overlapping in one span of text: the span is masked whole. */
const MAX_SECRETS_PER_SPAN = 64;

/** `[start, end)` of each occurrence of `s` in `text` (flat), overlapping ones included. */
function occurrences(text: string, s: string): number[] {
  const out: number[] = [];
  for (let at = text.indexOf(s); at !== -1; at = text.indexOf(s, at + 1)) out.push(at, at + s.length);
  return out;
}

/** Sorted, disjoint spans (flat) with `more` (flat, sorted by start) merged in, in place. */
function mergeSpans(spans: number[], more: number[]): void {
  if (more.length === 0) return;
  const all: Array<[number, number]> = [];
  for (let i = 0; i < spans.length; i += 2) all.push([spans[i] as number, spans[i + 1] as number]);
  for (let i = 0; i < more.length; i += 2) all.push([more[i] as number, more[i + 1] as number]);
  all.sort((a, b) => a[0] - b[0]);
  spans.length = 0;
  for (const [start, end] of all) {
    const n = spans.length;
    if (n > 0 && start < (spans[n - 1] as number)) spans[n - 1] = Math.max(spans[n - 1] as number, end);
    else spans.push(start, end);
  }
}

/**
 * A list of secrets prepared once (deduplicated, 4 characters or more, longest first) and searched
 * for all at once, for scrubbing many strings: one pass of a multi-string matcher (multi-match.ts)
 * finds which secrets a string holds, whatever their number. Testing each secret with `includes`
 * made the scrub findings x secrets (80k findings and 1,000 gitleaks secrets: 19 s); a regular
 * expression of the secrets as alternatives was still linear in the secrets per character (50,000
 * secrets: 6 s per 2,000 strings). A few secrets (most runs' known secrets) are looked for one by one.
 */
export class SecretScrubber {
  readonly secrets: readonly string[];
  private readonly rank = new Map<string, number>();
  private readonly matcher: MultiMatcher | undefined;

  constructor(secrets: Iterable<string>, min = 4) {
    this.secrets = [...new Set(secrets)].filter((s) => s.length >= Math.max(4, min) && s !== 'REDACTED').sort(byLength);
    this.secrets.forEach((s, i) => this.rank.set(s, i));
    if (this.secrets.length > FEW_SECRETS) this.matcher = new MultiMatcher(this.secrets);
  }

  has(text: string): boolean {
    return this.matcher ? this.matcher.has(text) : this.secrets.some((s) => text.includes(s));
  }

  /**
   * `text` with every secret redacted, as redactIn with the whole list (longest first; `first`, a
   * finding's own secret, ahead of the others of its length), given only the secrets it holds.
   */
  scrub(text: string, first?: string): string {
    const own = first !== undefined && first.length >= 4 && first !== 'REDACTED' && text.includes(first) ? first : undefined;
    if (!this.matcher) {
      const found = this.secrets.filter((s) => text.includes(s));
      if (own !== undefined && !found.includes(own)) found.push(own);
      return found.length === 0 ? text : redactIn(text, found.sort(this.order(own)));
    }
    // Many secrets: only the spans where they occur are redacted, each with the secrets it holds.
    // redactIn over the whole text costs a pass per secret found, and a copy holding thousands of
    // planted secrets made that quadratic (20,000 in a 3.6 MB copy: 48 s).
    const spans = this.matcher.spans(text);
    if (own !== undefined) mergeSpans(spans, occurrences(text, own));
    if (spans.length === 0) return text;
    let out = '';
    let last = 0;
    for (let i = 0; i < spans.length; i += 2) {
      const start = spans[i] as number;
      const end = spans[i + 1] as number;
      const part = text.slice(start, end);
      // Every secret the span holds, overlapping and nested ones too: a longer secret overlapping
      // another can mask it first and leave a shorter one whole, which redactIn then replaces.
      const found = this.matcher.find(part).map((k) => this.secrets[k] as string);
      if (own !== undefined && part.includes(own) && !found.includes(own)) found.push(own);
      // A span of more secrets than that (planted, overlapping one another) is masked whole: the
      // pass per secret would be quadratic again, and nothing of it is shown either way.
      out += text.slice(last, start) + (found.length > MAX_SECRETS_PER_SPAN ? redactSecret(part) : redactIn(part, found.sort(this.order(own))));
      last = end;
    }
    return out + text.slice(last);
  }

  /** Longest first; `own` ahead of the others of its length; then the list's order. */
  private order(own: string | undefined): (a: string, b: string) => number {
    return (a, b) => b.length - a.length || (a === own ? -1 : b === own ? 1 : (this.rank.get(a) ?? 0) - (this.rank.get(b) ?? 0));
  }

  /**
   * Every string of `value`, nested objects and arrays included, scrubbed. Objects and arrays are
   * changed in place (own keys only, a `__proto__` key too) and returned; a string comes back scrubbed.
   */
  scrubDeep(value: unknown, first?: string): unknown {
    if (this.secrets.length === 0 && first === undefined) return value;
    const walk = (v: unknown, depth: number): unknown => {
      if (typeof v === 'string') return this.scrub(v, first);
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
}

/**
 * A secret as a JSON file may hold it: as it is, JSON-escaped (`"`, `\\`, controls), and as Python's
 * json.dumps writes it by default (non-ASCII as \\uXXXX, as Bandit and pip-audit write JSON).
 */
export function secretForms(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1);
  const ascii = json.replace(/[^\x20-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [s, json, ascii];
}

/**
 * Every string of `value`, nested objects and arrays included, with each of `secrets` (4 characters
 * or more, longest first) redacted. Objects and arrays are changed in place (own keys only, a
 * `__proto__` key too) and returned; a string comes back scrubbed. For many values and one list,
 * build a SecretScrubber once.
 */
export function scrubDeep(value: unknown, secrets: Iterable<string>): unknown {
  return new SecretScrubber(secrets).scrubDeep(value);
}

/**
 * Scrub known secret values (see ParsedReport.knownSecrets) from every string of `values` in place
 * (scrubDeep): what one tool revealed (a gitleaks secret, a secret-scan match) must not survive in
 * another tool's finding that quotes the same line. Secrets shorter than MIN_KNOWN_SECRET are left.
 */
export function scrubKnownSecrets(values: object[], secrets: Iterable<string>): void {
  const scrubber = new SecretScrubber(secrets, MIN_KNOWN_SECRET);
  if (scrubber.secrets.length > 0) for (const v of values) scrubber.scrubDeep(v);
}
