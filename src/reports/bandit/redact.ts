/**
 * The redacted copy of a Bandit report that goes into the uploaded artifact.
 *
 * Bandit's B105-B107 results quote the hard-coded password twice: in `code` and in `issue_text`
 * ("Possible hardcoded password: '<secret>'"); SARIF has it in the region snippets and the message.
 * The parsers redact both on the finding (see common.ts), but the raw report copy would carry them
 * into the artifact in clear. `redactBanditReport(content)` returns the report in the SAME format
 * (JSON or SARIF, same indentation style) with:
 * - the `code` / snippet of a B105-B107 result, or of any result whose code looks like a secret
 *   (`looksLikeSecret`, as the parsers decide), replaced by a fixed note;
 * - the B105-B107 message passed through `safeTitle` (the quoted password redacted).
 *
 * Fail closed: text that is not a Bandit JSON or SARIF report (unparsable, truncated, another shape)
 * is replaced by `WITHHELD_BANDIT_REPORT`. An empty file stays empty. Pure; never throws.
 */
import { isBlank, isJsonObject, parseJsonBounded, stripBom, type JsonObject } from '../json.js';
import { JsonArraySplitter, StreamAbort } from '../json-stream.js';
import type { RawRedaction } from '../model.js';
import { looksLikeSecret, passwordTitle, PASSWORD_TESTS, safeTitle } from './common.js';
import { SecretScrubber, setOwn } from '../../util/redact.js';

export const WITHHELD_BANDIT_REPORT =
  'security-gate: this Bandit report was withheld from the artifact because it could not be parsed, so hard-coded passwords in it (B105-B107) could not be redacted.\n';

export const REDACTED_CODE = '(redacted by security-gate: this code may hold a secret)';

class CannotRedact extends Error {}

function ownValue(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function mustHide(testId: string, code: unknown): boolean {
  return PASSWORD_TESTS.has(testId) || (typeof code === 'string' && looksLikeSecret(code));
}

function redactJsonResult(r: JsonObject): void {
  const testId = typeof ownValue(r, 'test_id') === 'string' ? (r['test_id'] as string) : '';
  const code = ownValue(r, 'code');
  if (mustHide(testId, code) && typeof code === 'string' && code !== '') setOwn(r, 'code', REDACTED_CODE);
  const text = ownValue(r, 'issue_text');
  if (typeof text === 'string') setOwn(r, 'issue_text', safeTitle(testId, text));
}

function snippets(result: JsonObject): JsonObject[] {
  const out: JsonObject[] = [];
  const locs = ownValue(result, 'locations');
  if (locs === undefined || locs === null) return out;
  if (!Array.isArray(locs)) throw new CannotRedact();
  for (const loc of locs) {
    if (!isJsonObject(loc)) throw new CannotRedact();
    const pl = ownValue(loc, 'physicalLocation');
    if (pl === undefined || pl === null) continue;
    if (!isJsonObject(pl)) throw new CannotRedact();
    for (const rk of ['region', 'contextRegion']) {
      const region = ownValue(pl, rk);
      if (region === undefined || region === null) continue;
      if (!isJsonObject(region)) throw new CannotRedact();
      const sn = ownValue(region, 'snippet');
      if (sn === undefined || sn === null) continue;
      if (!isJsonObject(sn)) throw new CannotRedact();
      out.push(sn);
    }
  }
  return out;
}

function sarifHides(testId: string, sns: JsonObject[]): boolean {
  return PASSWORD_TESTS.has(testId) || sns.some((s) => typeof ownValue(s, 'text') === 'string' && looksLikeSecret(s['text'] as string));
}

/**
 * Whether the artifact's copy rewrites this SARIF result (see redactSarifResult): a B105-B107 rule,
 * or a snippet of any of its locations that looks like a secret. A result the redactor could not
 * read counts as one to rewrite (the copy is then withheld).
 */
export function sarifResultNeedsRedaction(r: JsonObject, ruleId: string): boolean {
  try {
    return sarifHides(ruleId, snippets(r));
  } catch (e) {
    if (e instanceof CannotRedact) return true;
    throw e;
  }
}

/**
 * `force`: the parser found this result to redact (it knows the rule of a result that names it only
 * by `ruleIndex`): hide its snippets, and redact its message as a password's when the rule is unnamed.
 */
function redactSarifResult(r: JsonObject, force = false): void {
  const testId = typeof ownValue(r, 'ruleId') === 'string' ? (r['ruleId'] as string) : '';
  const sns = snippets(r);
  const hide = force || sarifHides(testId, sns);
  if (hide) for (const s of sns) if (typeof ownValue(s, 'text') === 'string') setOwn(s, 'text', REDACTED_CODE);
  const message = ownValue(r, 'message');
  if (isJsonObject(message) && typeof ownValue(message, 'text') === 'string') {
    const text = message['text'] as string;
    setOwn(message, 'text', force && testId === '' ? passwordTitle(text) : safeTitle(testId, text));
  }
}

function redactValue(value: unknown): void {
  if (!isJsonObject(value)) throw new CannotRedact();
  const results = ownValue(value, 'results');
  const runs = ownValue(value, 'runs');
  if (Array.isArray(results)) {
    for (const r of results) if (isJsonObject(r)) redactJsonResult(r);
    else throw new CannotRedact();
    return;
  }
  if (Array.isArray(runs)) {
    for (const run of runs) {
      if (!isJsonObject(run)) throw new CannotRedact();
      const rs = ownValue(run, 'results');
      if (rs === undefined || rs === null) continue;
      if (!Array.isArray(rs)) throw new CannotRedact();
      for (const r of rs) if (isJsonObject(r)) redactSarifResult(r);
      else throw new CannotRedact();
    }
    return;
  }
  throw new CannotRedact();
}

function indentOf(text: string): string | number {
  const m = /^[[{][ \t]*\r?\n([ \t]+)\S/.exec(text);
  if (m) return m[1] as string;
  return text.trim().includes('\n') ? 1 : 0;
}

/** See the file comment. */
export function redactBanditReport(content: string): string {
  const text = stripBom(content);
  if (isBlank(text)) return content;
  try {
    const value = parseJsonBounded(text);
    redactValue(value);
    const indent = indentOf(text.trimStart());
    let out = indent === 0 ? JSON.stringify(value) : JSON.stringify(value, null, indent);
    if (/\r?\n$/.test(text)) out += '\n';
    return out;
  } catch {
    return WITHHELD_BANDIT_REPORT;
  }
}

/**
 * The redacted copy of a Bandit report (JSON or SARIF), in pieces: the file's bytes as they are,
 * except the results at `redaction.indices` (those the parser found quoting a secret, see
 * ParsedReport.rawRedaction), which are parsed, redacted as above and written back as JSON in the
 * file's indentation. `push` returns the output pieces for a chunk (valid until the next push).
 * `end()` is false when the file no longer reads as it did when it was parsed (it does not split,
 * or holds another number of results): the caller then withholds the copy (fail closed).
 */
export class BanditReportRedactor {
  private readonly splitter: JsonArraySplitter;
  private readonly wanted: ReadonlySet<number>;
  private out: Buffer[] = [];
  private chunk: Buffer = Buffer.alloc(0);
  /** Start of the bytes of the current chunk not yet in `out` (they pass as they are). */
  private runStart = 0;
  /** Bytes of an element to redact held back (not output) because it continues in the next chunk. */
  private heldBytes = 0;
  private gapText = '';
  private failed = false;
  private elements = 0;

  constructor(private readonly redaction: RawRedaction) {
    this.wanted = new Set(redaction.indices);
    const sarif = redaction.format === 'bandit-sarif';
    if (!sarif && redaction.format !== 'bandit-json') throw new Error(`BanditReportRedactor: unknown format ${redaction.format}`);
    const base = sarif ? (v: JsonObject) => redactSarifResult(v, true) : redactJsonResult;
    // The report's own passwords, out of every string of the results that share a file with one.
    const own = redaction.secrets && redaction.secrets.length > 0 ? new SecretScrubber(redaction.secrets) : undefined;
    const rewrite = own ? (v: JsonObject) => (base(v), own.scrubDeep(v)) : base;
    this.splitter = new JsonArraySplitter(sarif ? ['runs', null, 'results'] : ['results'], {
      text: () => {},
      gap: (buf, start, end) => {
        if (this.wanted.has(this.elements)) this.gapText += buf.toString('latin1', start, end);
      },
      element: (buf, start, end) => {
        // Results are numbered across runs, in file order, as the parser numbered them.
        const ordinal = this.elements++;
        if (!this.wanted.has(ordinal)) return;
        const gap = this.gapText;
        this.gapText = '';
        let value: unknown;
        try {
          value = parseJsonBounded(buf.toString('utf8', start, end));
        } catch {
          throw new StreamAbort('a result to redact is not valid JSON');
        }
        if (!isJsonObject(value)) throw new StreamAbort('a result to redact is not an object');
        try {
          rewrite(value);
        } catch (e) {
          if (e instanceof CannotRedact) throw new StreamAbort('a result to redact has an unexpected shape');
          throw e;
        }
        // Indented like the element: the whitespace before it on its line, one level per half of it.
        const nl = gap.lastIndexOf('\n');
        const prefix = nl < 0 ? '' : gap.slice(nl + 1);
        const text = nl < 0 ? JSON.stringify(value) : JSON.stringify(value, null, prefix.slice(0, Math.max(1, prefix.length >> 1))).replace(/\n/g, `\n${prefix}`);
        if (buf === this.chunk) {
          // Within this chunk: what came before it passes as it is.
          if (start > this.runStart) this.out.push(buf.subarray(this.runStart, start));
          this.runStart = end;
        } else {
          // It began in an earlier chunk (buf is its bytes joined): the held-back start is dropped.
          this.runStart = end - this.heldBytes;
          this.heldBytes = 0;
        }
        this.out.push(Buffer.from(text));
      },
    });
  }

  /** The output for the next chunk of the file, in order (valid until the next push). */
  push(chunk: Buffer): Buffer[] {
    this.out = [];
    if (this.failed) return this.out;
    this.chunk = chunk;
    this.runStart = 0;
    try {
      this.splitter.push(chunk);
    } catch (e) {
      if (!(e instanceof StreamAbort)) throw e;
      this.failed = true;
      return [];
    }
    if (this.splitter.inElement && this.wanted.has(this.elements)) {
      // An element to redact continues in the next chunk: hold back its bytes.
      const s = this.splitter.elementStart;
      const from = s < 0 ? 0 : s;
      if (from > this.runStart) this.out.push(chunk.subarray(this.runStart, from));
      this.heldBytes += chunk.length - from;
      return this.out;
    }
    if (this.runStart < chunk.length) this.out.push(this.runStart === 0 ? chunk : chunk.subarray(this.runStart));
    return this.out;
  }

  /** False when the copy must be withheld (the file no longer reads as it did when parsed). */
  end(): boolean {
    if (this.failed) return false;
    try {
      this.splitter.end();
    } catch (e) {
      if (!(e instanceof StreamAbort)) throw e;
      return false;
    }
    return this.splitter.streamedArrays === this.redaction.arrays && this.elements === this.redaction.elements;
  }
}
