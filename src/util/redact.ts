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
 * A redacted form that shows the shape, never the value: the first 2 characters of a secret of 12
 * or more characters when they are letters or digits (a quote, a backslash or `&` there would
 * start an escape the mask breaks in a report's copy), then a fixed mask, and the length.
 */
export function redactSecret(secret: string): string {
  if (secret === '' || secret === 'REDACTED') return 'REDACTED';
  const head = secret.length >= 12 && /^[A-Za-z0-9]{2}/.test(secret) ? secret.slice(0, 2) : '';
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
  private readonly matcher: MultiMatcher | undefined;

  constructor(secrets: Iterable<string>, min = 4) {
    this.secrets = [...new Set(secrets)].filter((s) => s.length >= Math.max(4, min) && s !== 'REDACTED').sort(byLength);
    if (this.secrets.length > FEW_SECRETS) this.matcher = new MultiMatcher(this.secrets);
    const starts = new Set(this.secrets.map((x) => x[0] as string));
    this.starts = starts.size <= 4 ? [...starts] : undefined;
  }

  has(text: string): boolean {
    if (!this.mayHold(text)) return false;
    return this.matcher ? this.matcher.has(text) : this.secrets.some((s) => text.includes(s));
  }

  /**
   * `text` with every secret it holds redacted (`first`, a finding's own secret, counts even when
   * shorter than the list's minimum). Each run of overlapping occurrences is masked as one span:
   * masking the longer of two secrets that partly overlap would otherwise leave the other's tail
   * in clear. Text cut short (`…` at an end, as snippets are capped before other reports' secrets
   * are known) also loses an end that is the start (or the end) of a secret.
   */
  scrub(text: string, first?: string): string {
    const own = first !== undefined && first.length >= 4 && first !== 'REDACTED' && text.includes(first) ? first : undefined;
    if (own === undefined && !this.mayHold(text)) return text;
    const spans = this.spans(text);
    if (own !== undefined) mergeSpans(spans, occurrences(text, own));
    const cut = this.cutEnds(text);
    if (cut.length > 0) mergeSpans(spans, cut);
    if (spans.length === 0) return text;
    let out = '';
    let last = 0;
    for (let i = 0; i < spans.length; i += 2) {
      const start = spans[i] as number;
      const end = spans[i + 1] as number;
      out += text.slice(last, start) + redactSecret(text.slice(start, end));
      last = end;
    }
    return out + text.slice(last);
  }

  /**
   * Where the secrets occur in `text`: sorted, disjoint `[start, end)` spans (flat), each the union
   * of occurrences that overlap.
   */
  spans(text: string): number[] {
    if (this.matcher) return this.matcher.spans(text);
    const spans: number[] = [];
    for (const s of this.secrets) if (text.includes(s)) mergeSpans(spans, occurrences(text, s));
    return spans;
  }

  /** The code units every secret starts with, when they are few (else undefined); see mayHold. */
  private readonly starts: string[] | undefined;

  /**
   * False when `text` cannot hold a secret (nor the cut end of one): shorter than 4, or without
   * any of the few code units the secrets start with. Most strings of 80,000 findings are paths,
   * rule ids and links: the quoted passwords Bandit reveals all start with a quote, and a string
   * without one is passed over at the cost of an indexOf or two.
   */
  private mayHold(text: string): boolean {
    if (text.length < 4) return false;
    if (this.starts === undefined || text.endsWith('…') || text.startsWith('…')) return true;
    for (const c of this.starts) if (text.includes(c)) return true;
    return false;
  }

  /** Secrets by their first and by their last 4 characters (for cutEnds), built when first needed. */
  private ends: { heads: Map<string, string[]>; tails: Map<string, string[]>; longest: number } | undefined;

  /**
   * The spans (flat) of a cut text's ends that are part of a secret: before a final `…`, the start
   * of one (4 characters or more, not the whole: whole ones are found anyway); after a leading `…`,
   * the end of one.
   */
  private cutEnds(text: string): number[] {
    const atEnd = text.endsWith('…');
    const atStart = text.startsWith('…');
    if ((!atEnd && !atStart) || this.secrets.length === 0) return [];
    if (!this.ends) {
      const heads = new Map<string, string[]>();
      const tails = new Map<string, string[]>();
      const add = (m: Map<string, string[]>, k: string, s: string) => {
        const list = m.get(k);
        if (list) list.push(s);
        else m.set(k, [s]);
      };
      for (const s of this.secrets) {
        add(heads, s.slice(0, 4), s);
        add(tails, s.slice(-4), s);
      }
      this.ends = { heads, tails, longest: this.secrets[0]?.length ?? 0 };
    }
    const { heads, tails, longest } = this.ends;
    const out: number[] = [];
    if (atEnd) {
      const body = text.length - 1;
      // The longest cut secret first: the earliest start whose rest is a secret's beginning.
      for (let i = Math.max(0, body - longest + 1); i + 4 <= body; i++) {
        const rest = text.slice(i, body);
        if (heads.get(rest.slice(0, 4))?.some((s) => s.length > rest.length && s.startsWith(rest))) {
          out.push(i, body);
          break;
        }
      }
    }
    if (atStart) {
      const from = 1;
      for (let j = Math.min(text.length, from + longest - 1); j - from >= 4; j--) {
        const head = text.slice(from, j);
        if (tails.get(head.slice(-4))?.some((s) => s.length > head.length && s.endsWith(head))) {
          out.unshift(from, j);
          break;
        }
      }
    }
    return out;
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
 * A secret as a report file may hold it: as it is, JSON-escaped (`"`, `\\`, controls), as Python's
 * json.dumps writes it by default (non-ASCII and DEL as \\uXXXX, as Bandit and pip-audit write JSON),
 * and XML-escaped (mutmut 2's junitxml quotes source lines: `&amp;` in text, quotes too in attributes).
 */
export function secretForms(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1);
  const ascii = json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const xmlText = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const xmlAttr = xmlText.replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  return [...new Set([s, json, ascii, xmlText, xmlAttr, xmlText.replace(/"/g, '&quot;')])];
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

/**
 * Scrubs secrets from a file's bytes as they stream past (a report's copy for the artifact), so a
 * 70 MB copy is never one string: the bytes are searched for each form's UTF-8 bytes (a Latin-1
 * view is one character per byte), and the last bytes of each piece, where a form may begin that
 * the next piece completes, are held back until it comes. Each run of overlapping occurrences is
 * replaced by a mask with its length in characters (no head: see take).
 */
/** A scrubber of `forms` as their UTF-8 bytes read one character per byte (for StreamScrubber). */
export function byteForms(forms: Iterable<string>): SecretScrubber {
  return new SecretScrubber([...forms].map((f) => Buffer.from(f, 'utf8').toString('latin1')));
}

export class StreamScrubber {
  private readonly scrubber: SecretScrubber;
  /** Bytes held back at the end of a piece: one less than the longest form. */
  private readonly keep: number;
  private carry: Buffer = Buffer.alloc(0);
  /** How many bytes at the start of `carry` were written already (the end of a masked run). */
  private written = 0;

  /**
   * `forms`: the secrets as they may appear, or a scrubber byteForms prepared once for several
   * files (building the matcher for thousands of forms costs more than a small copy's scan).
   */
  constructor(forms: Iterable<string> | SecretScrubber) {
    this.scrubber = forms instanceof SecretScrubber ? forms : byteForms(forms);
    this.keep = Math.max(0, (this.scrubber.secrets[0]?.length ?? 0) - 1);
  }

  /** The scrubbed bytes that can be written now (a form cut by the piece's end waits for the next). */
  push(piece: Buffer): Buffer[] {
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, piece]) : piece;
    return this.take(buf, false);
  }

  /** The rest, once the last piece was pushed. */
  end(): Buffer[] {
    const buf = this.carry;
    this.carry = Buffer.alloc(0);
    return this.take(buf, true);
  }

  /**
   * Writes `buf` up to `cut` (its end but the held-back bytes), a run that reaches past it
   * masked to its end. The held-back bytes are searched again with the next piece; the ones a
   * masked run already covered are not written again, and a run that goes on into the next piece
   * is masked on from there (one run of overlapping secrets across pieces: two masks, no clear
   * byte). At most `keep` bytes are ever held back, so the work stays linear.
   */
  private take(buf: Buffer, last: boolean): Buffer[] {
    const text = buf.toString('latin1');
    const spans = this.scrubber.spans(text);
    const cut = last ? text.length : Math.max(0, text.length - this.keep);
    const out: Buffer[] = [];
    let at = this.written;
    for (let i = 0; i < spans.length; i += 2) {
      const start = spans[i] as number;
      const end = spans[i + 1] as number;
      if (start >= cut) break;
      if (start > at) out.push(buf.subarray(at, start));
      const from = Math.max(start, at);
      // No head shown (where a piece ends decides whether a run is masked in one part or two, and
      // a copy needs no hint); a run that began in a piece already written goes on as `more`.
      const chars = buf.toString('utf8', from, end).length;
      if (end > from) out.push(Buffer.from(`****(redacted, ${chars} ${from > start ? 'more' : 'chars'})`, 'utf8'));
      at = Math.max(at, end);
    }
    if (cut > at) {
      out.push(buf.subarray(at, cut));
      at = cut;
    }
    if (!last) {
      this.carry = Buffer.from(buf.subarray(cut));
      this.written = at - cut;
    }
    return out;
  }
}
