/**
 * Bandit JSON (`bandit -f json`), versions 1.6 .. 1.9 (FORMATS.md 1.1).
 *
 * - Counts come from `results` only, never from `metrics._totals` (CLI filters do not apply to it).
 * - Pre-1.7 results have 10 keys (no col_offset / end_col_offset / issue_cwe); 1.7.5+ have 13.
 * - Dedup key: filename + line_number + col_offset + test_id + issue_severity (two results at one
 *   place that disagree on the severity are both kept: a LOW first never hides a HIGH). Only
 *   applied when `col_offset` is present: without it (< 1.7.1) two hits of one test on one line cannot be told apart and are
 *   both real (DefectDojo's many_vulns.json has such a pair), so both are kept.
 * - Snippets are capped and redacted (B105-B107 and anything that looks like a secret); the
 *   B105-B107 message quotes the password, so the title is redacted too.
 *
 * Performance: big reports are read in pieces (json-stream.ts: `results` one element at a time),
 * each result checked by hand-written code in one pass: the 70 MB / 80k-result reports must parse
 * in about 1.5x a bare JSON.parse and never be held as one string.
 */
import { normalizePath, type Finding, type ParsedReport, type ScanError } from '../model.js';
import {
  expectArray,
  expectObject,
  isJsonObject,
  jsonPath,
  JsonShapeError,
  jsonReportParser,
  optArray,
  optObject,
  optString,
  typeName,
  type JsonObject,
  type JsonStreamSpec,
  type StreamingReader,
} from '../json.js';
import {
  banditConfidence,
  banditReport,
  banditSeverity,
  capTitle,
  DuplicateIndex,
  FingerprintMaker,
  looksLikeSecret,
  PasswordTracker,
  PASSWORD_TESTS,
  safeHelpUri,
  safeSnippet,
  safeTitle,
  SNIPPET_MAX,
  versionFromMoreInfo,
} from './common.js';

const FORMAT = 'bandit-json';

function bad(i: number, key: string, expected: string, value: unknown): never {
  throw new JsonShapeError(
    `$.results[${i}].${key}`,
    value === undefined ? `missing (expected ${expected})` : `expected ${expected}, got ${typeName(value)}`,
  );
}

/** Counter from `metrics._totals` (older reports write floats such as `205.0`). */
function counter(totals: JsonObject, key: string): number | undefined {
  const v = Object.hasOwn(totals, key) ? totals[key] : undefined;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new JsonShapeError(jsonPath('$.metrics._totals', key), `expected a number, got ${typeName(v)}`);
  return Math.round(v);
}

/** The fields read from each result. */
const RESULT_FIELDS = [
  'code',
  'col_offset',
  'end_col_offset',
  'filename',
  'issue_confidence',
  'issue_cwe',
  'issue_severity',
  'issue_text',
  'line_number',
  'line_range',
  'more_info',
  'test_id',
  'test_name',
] as const;

/*
 * Own-property reads without 13 Object.hasOwn calls per result (80k results): a plain read of a key
 * the object does not own can only find what its prototype chain holds. When a result's prototype
 * is Object.prototype (always so for JSON.parse output, `__proto__` keys included) and
 * Object.prototype holds none of RESULT_FIELDS (checked once per report), a plain read IS an own
 * read. Otherwise (a polluted Object.prototype, another prototype) the result's own fields are first
 * copied to a null-prototype object with Object.hasOwn.
 */
// module-level copies of builtins used per result (a global lookup is slow in vm contexts such as jest)
const getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.hasOwn;
const isInteger = Number.isInteger;
const isArray = Array.isArray;
const OBJECT_PROTOTYPE = Object.prototype;

function objectPrototypeIsClean(): boolean {
  for (const k of RESULT_FIELDS) if (k in Object.prototype) return false;
  return true;
}

function ownFields(r: JsonObject): JsonObject {
  const o = Object.create(null) as JsonObject;
  for (const k of RESULT_FIELDS) if (Object.hasOwn(r, k)) o[k] = r[k];
  return o;
}

/** errors[] and metrics of the top level (what a report says besides its results). */
function readTopLevel(root: JsonObject): { scanErrors: ScanError[]; stats: Record<string, number> } {
  // errors[] -> scanErrors
  const scanErrors: ScanError[] = [];
  const errors = optArray(root, 'errors', '$') ?? [];
  for (let i = 0; i < errors.length; i++) {
    const e = expectObject(errors[i], () => `$.errors[${i}]`);
    const filename = optString(e, 'filename', () => `$.errors[${i}]`);
    const reason = optString(e, 'reason', () => `$.errors[${i}]`) ?? 'could not be scanned';
    scanErrors.push(filename === undefined ? { message: reason } : { path: normalizePath(filename), message: reason });
  }

  // metrics -> stats (loc, nosec, skippedTests, files)
  const stats: Record<string, number> = {};
  const metrics = optObject(root, 'metrics', '$');
  if (metrics) {
    let files = 0;
    for (const k in metrics) if (Object.hasOwn(metrics, k) && k !== '_totals') files++;
    stats.files = files;
    const totals = optObject(metrics, '_totals', '$.metrics');
    if (totals) {
      const loc = counter(totals, 'loc');
      const nosec = counter(totals, 'nosec');
      const skipped = counter(totals, 'skipped_tests');
      if (loc !== undefined) stats.loc = loc;
      if (nosec !== undefined) stats.nosec = nosec;
      if (skipped !== undefined) stats.skippedTests = skipped;
    }
  }
  return { scanErrors, stats };
}

/**
 * The results of one report, one at a time (the same code for a parsed tree and for a report read
 * in pieces): checks each result, drops duplicates, builds the findings, and notes which results
 * the artifact's copy has to redact.
 */
class BanditResults {
  readonly findings: Finding[] = [];
  private readonly seen = new DuplicateIndex();
  private readonly fingerprints = new FingerprintMaker();
  private readonly cleanProto = objectPrototypeIsClean();
  private readonly redact: number[] = [];
  private count = 0;
  private duplicates = 0;
  private toolVersion: string | undefined;
  private versionLooked = false;
  private lastFilename: string | undefined;
  private lastPath = '';

  constructor(private readonly file: string) {}

  add(r: unknown, i: number): void {
    this.count++;
    if (!isJsonObject(r)) throw new JsonShapeError(`$.results[${i}]`, `expected an object, got ${typeName(r)}`);
    const o = this.cleanProto && getPrototypeOf(r) === OBJECT_PROTOTYPE ? r : ownFields(r);

    const filename = o.filename;
    if (typeof filename !== 'string') bad(i, 'filename', 'a string', filename);
    const testId = o.test_id;
    if (typeof testId !== 'string') bad(i, 'test_id', 'a string', testId);
    const rawSeverity = o.issue_severity;
    if (typeof rawSeverity !== 'string') bad(i, 'issue_severity', 'a string', rawSeverity);
    const rawConfidence = o.issue_confidence;
    if (rawConfidence !== undefined && typeof rawConfidence !== 'string') bad(i, 'issue_confidence', 'a string', rawConfidence);
    const text = o.issue_text;
    if (typeof text !== 'string') bad(i, 'issue_text', 'a string', text);
    const line = o.line_number;
    if (typeof line !== 'number' || !isInteger(line)) bad(i, 'line_number', 'an integer', line);

    let code = o.code;
    if (code === null) code = undefined;
    if (code !== undefined && typeof code !== 'string') bad(i, 'code', 'a string', code);
    let testName = o.test_name;
    if (testName === null) testName = undefined;
    if (testName !== undefined && typeof testName !== 'string') bad(i, 'test_name', 'a string', testName);
    let moreInfo = o.more_info;
    if (moreInfo === null) moreInfo = undefined;
    if (moreInfo !== undefined && typeof moreInfo !== 'string') bad(i, 'more_info', 'a string', moreInfo);

    let col = o.col_offset;
    if (col === null) col = undefined;
    if (col !== undefined && (typeof col !== 'number' || !isInteger(col))) bad(i, 'col_offset', 'an integer', col);
    let endCol = o.end_col_offset;
    if (endCol === null) endCol = undefined;
    if (endCol !== undefined && (typeof endCol !== 'number' || !isInteger(endCol))) bad(i, 'end_col_offset', 'an integer', endCol);

    let endLine: number | undefined;
    const range = o.line_range;
    if (range !== undefined && range !== null) {
      if (!isArray(range)) bad(i, 'line_range', 'an array', range);
      if (range.length > 0) {
        const last = range[range.length - 1] as unknown;
        if (typeof last !== 'number' || !isInteger(last)) {
          throw new JsonShapeError(`$.results[${i}].line_range[${range.length - 1}]`, `expected an integer, got ${typeName(last)}`);
        }
        if (last > line) endLine = last;
      }
    }

    let cwe: number | undefined;
    const cweObj = o.issue_cwe;
    if (cweObj !== undefined && cweObj !== null) {
      if (!isJsonObject(cweObj)) bad(i, 'issue_cwe', 'an object', cweObj);
      const id = hasOwn(cweObj, 'id') ? cweObj.id : undefined;
      if (id !== undefined && id !== null) {
        if (typeof id !== 'number' || !isInteger(id)) {
          throw new JsonShapeError(`$.results[${i}].issue_cwe.id`, `expected an integer, got ${typeName(id)}`);
        }
        if (id > 0) cwe = id;
      }
    }

    // Results the artifact's copy rewrites (redact.ts: B105-B107, or code that looks like a secret;
    // the snippet is checked capped, so a longer code is checked whole), duplicates included: they
    // are in the file too. A superset is harmless (the copy re-checks), a miss would leak.
    const snippet = safeSnippet(testId, code);
    if (snippet === null || PASSWORD_TESTS.has(testId) || (code !== undefined && code.length > SNIPPET_MAX && looksLikeSecret(code))) this.redact.push(i);
    this.passwords.note(i, filename, testId, text, code !== undefined && code.length > SNIPPET_MAX);

    // dedup (only when the column is known, see the header)
    if (col !== undefined && this.seen.seen(filename, line, col, testId, rawSeverity)) {
      this.duplicates++;
      this.passwords.duplicate(i);
      return;
    }

    if (filename !== this.lastFilename) {
      this.lastFilename = filename;
      this.lastPath = normalizePath(filename);
    }
    if (!this.versionLooked && moreInfo !== undefined) {
      this.versionLooked = true;
      this.toolVersion = versionFromMoreInfo(moreInfo);
    }

    const title = safeTitle(testId, text);
    const column = col === undefined ? undefined : col + 1;
    let endColumn: number | undefined;
    if (endCol !== undefined && endCol > 0 && (endLine !== undefined || col === undefined || endCol > col)) endColumn = endCol + 1;

    const lastPath = this.lastPath;
    const helpUri = safeHelpUri(moreInfo);
    this.passwords.kept(i);
    this.findings.push({
      tool: 'bandit',
      ruleId: this.intern(testId),
      ruleName: testName === undefined ? undefined : this.intern(testName),
      title: this.intern(capTitle(title)),
      severity: banditSeverity(rawSeverity),
      rawSeverity: this.intern(rawSeverity),
      confidence: banditConfidence(rawConfidence),
      location: { path: lastPath, line: line > 0 ? line : undefined, endLine, column, endColumn },
      helpUri: helpUri === undefined ? undefined : this.intern(helpUri),
      cwe,
      snippet: snippet === null ? undefined : snippet,
      fingerprint: this.fingerprints.fromCode(testId, lastPath, code, line, text),
      sourceFile: this.file,
      extra: snippet === null ? { snippetRedacted: true } : undefined,
    });
  }

  /**
   * One copy of each repeated text (rule ids and names, severities, messages, links): every result
   * of a big report is parsed into fresh strings, and keeping 80,000 copies of the same few hundred
   * texts costs memory and garbage-collection time.
   */
  private readonly texts = new Map<string, string>();
  private readonly passwords = new PasswordTracker();

  private intern(s: string): string {
    const known = this.texts.get(s);
    if (known !== undefined) return known;
    if (this.texts.size < 50_000) this.texts.set(s, s);
    return s;
  }

  finish(top: { scanErrors: ScanError[]; stats: Record<string, number> }): ParsedReport {
    return banditReport({ format: FORMAT, toolVersion: this.toolVersion, findings: this.findings, ...top, duplicates: this.duplicates, arrays: 1, elements: this.count, redact: this.redact, passwords: this.passwords });
  }
}

export function parseBanditJsonValue(value: unknown, file: string): ParsedReport {
  const root = expectObject(value, '$');
  const results = expectArray(Object.hasOwn(root, 'results') ? root.results : undefined, '$.results');
  const top = readTopLevel(root);
  const reader = new BanditResults(file);
  for (let i = 0; i < results.length; i++) reader.add(results[i], i);
  return reader.finish(top);
}

/**
 * The same, for a report read in pieces (json-stream.ts): the results arrive first, then the rest.
 * The top level is checked before a bad result is reported, as the one-piece parse does.
 */
const banditStream: JsonStreamSpec = {
  path: ['results'],
  start(file: string): StreamingReader {
    const reader = new BanditResults(file);
    return {
      element: (value, index) => reader.add(value, index),
      finish: (skeleton) => reader.finish(readTopLevel(expectObject(skeleton, '$'))),
    };
  },
};

/** Top-level check on a parsed value: an object with a `results` array and Bandit's other keys. */
export function looksLikeBanditJson(value: unknown): boolean {
  if (!isJsonObject(value)) return false;
  const results = Object.hasOwn(value, 'results') ? value.results : undefined;
  if (!Array.isArray(results)) return false;
  if (Object.hasOwn(value, 'runs') || Object.hasOwn(value, 'bomFormat')) return false;
  if (Object.hasOwn(value, 'metrics') || Object.hasOwn(value, 'generated_at')) return true;
  const first: unknown = results[0];
  if (isJsonObject(first) && Object.hasOwn(first, 'test_id')) return true;
  // Bandit writes exactly errors, generated_at, metrics and results. Without the two only Bandit
  // writes and without a Bandit result, a key it never writes is another tool's report (Semgrep
  // JSON: errors, results, paths, version, …), not a clean Bandit scan.
  for (const k in value) if (Object.hasOwn(value, k) && k !== 'errors' && k !== 'results') return false;
  return Object.hasOwn(value, 'errors');
}

export const banditJsonParser = jsonReportParser({
  tool: 'bandit',
  format: FORMAT,
  label: 'Bandit JSON (bandit -f json)',
  sniff: (head) => /^\s*\{/.test(head) && /"(?:results|generated_at|errors|metrics)"\s*:/.test(head) && !/"runs"\s*:/.test(head),
  detectValue: looksLikeBanditJson,
  parseValue: parseBanditJsonValue,
  stream: banditStream,
});
