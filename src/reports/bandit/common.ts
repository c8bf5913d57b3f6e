/**
 * What the Bandit JSON and SARIF parsers share: severity/confidence words, secret redaction of
 * snippets and messages, fingerprints, the version in `more_info` URLs, the report they build.
 *
 * Fingerprint (documented choice): `bandit:<test_id>:<path>:<h>` where `<h>` is a 53-bit hash
 * (cyrb53, 14 hex digits) of the test id and the flagged source line's text (trimmed, WITHOUT its
 * line number), so a finding keeps its identity when lines above it move. When the line text is
 * unknown or blank (empty `code`), `<h>` hashes the issue text instead. The n-th repeat of the same key in one report gets `:<n>` appended (n >= 2),
 * in report order, so identical lines stay distinct. JSON and SARIF of one scan give the same
 * fingerprints (SARIF `region.snippet.text` is the flagged line).
 */
import { withKnownSecrets, type Confidence, type Finding, type ParsedReport, type RawRedaction, type ScanError, type Severity } from '../model.js';
import { redactSecret, SecretScrubber } from '../../util/redact.js';

/** Longest finding title kept (a longer one is cut and ends in `…`). */
const MAX_TITLE = 1000;

export function capTitle(title: string): string {
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title;
}

/** What a Bandit reader found, JSON or SARIF, as the report both build. */
export interface BanditReading {
  format: string;
  toolVersion: string | undefined;
  findings: Finding[];
  scanErrors: ScanError[];
  stats: Record<string, number>;
  duplicates: number;
  /** What the artifact's copy must redact (ParsedReport.rawRedaction): arrays of results, results, and which. */
  arrays: number;
  elements: number;
  redact: number[];
  /** The B105-B107 passwords the report revealed, and the results of their files (PasswordTracker). */
  passwords: PasswordTracker;
}

/**
 * The passwords B105-B107 results quote (passwordLiterals), and which results' copies must be
 * rewritten with them scrubbed (RawRedaction.secrets): the artifact's copy is then not searched
 * byte by byte for them (70 MB and hundreds of forms took longer than the run's own read). A
 * result is rewritten when its code may quote a password: it shares a file with one (Bandit's
 * context lines quote the lines next to it); its snippet held one (the same password in another
 * file); its code was longer than the snippet, or it is a duplicate (no snippet of its own was
 * checked).
 */
export class PasswordTracker {
  readonly literals = new Set<string>();
  private readonly fileIds = new Map<string, number>();
  /** File id of each result, by its ordinal (results are numbered across arrays, in file order). */
  private readonly fileOf: number[] = [];
  private readonly withPassword = new Set<number>();
  /** Ordinal of each finding, in the order they were kept. */
  private readonly findingOrdinal: number[] = [];
  /** Results whose code was not all checked: longer than a snippet, or duplicates. */
  private readonly unchecked: number[] = [];

  /** Records result `ordinal` of `file`: its B105-B107 message, and whether its code is longer than a snippet. */
  note(ordinal: number, file: string, testId: string, text: string, longCode: boolean): void {
    let id = this.fileIds.get(file);
    if (id === undefined) this.fileIds.set(file, (id = this.fileIds.size));
    this.fileOf[ordinal] = id;
    if (longCode) this.unchecked.push(ordinal);
    const lits = passwordLiterals(testId, text);
    if (lits.length === 0) return;
    for (const l of lits) this.literals.add(l);
    this.withPassword.add(id);
  }

  /** Result `ordinal` became the next finding. */
  kept(ordinal: number): void {
    this.findingOrdinal.push(ordinal);
  }

  /** Result `ordinal` was a duplicate (no finding). */
  duplicate(ordinal: number): void {
    this.unchecked.push(ordinal);
  }

  /**
   * The report's own passwords (MIN_KNOWN_SECRET or longer) out of every finding's snippet and
   * title; the ordinals of the results the copy must rewrite (none when there is no password).
   */
  scrub(findings: Finding[]): { literals: string[]; rewrite: number[] } {
    const literals = [...this.literals];
    const scrubber = new SecretScrubber(literals);
    if (scrubber.secrets.length === 0) return { literals: [], rewrite: [] };
    const rewrite = new Set<number>(this.unchecked);
    findings.forEach((f, k) => {
      const snippet = f.snippet === undefined ? undefined : scrubber.scrub(f.snippet);
      const title = scrubber.scrub(f.title);
      if (snippet === f.snippet && title === f.title) return;
      if (snippet !== undefined) f.snippet = snippet;
      f.title = title;
      const ordinal = this.findingOrdinal[k];
      if (ordinal !== undefined) rewrite.add(ordinal);
    });
    this.fileOf.forEach((id, ordinal) => {
      if (this.withPassword.has(id)) rewrite.add(ordinal);
    });
    return { literals, rewrite: [...rewrite] };
  }
}

export function banditReport(r: BanditReading): ParsedReport {
  r.stats.duplicates = r.duplicates;
  const { literals, rewrite } = r.passwords.scrub(r.findings);
  const indices = rewrite.length > 0 ? [...new Set([...r.redact, ...rewrite])].sort((a, b) => a - b) : r.redact;
  const rawRedaction: RawRedaction = { format: r.format, arrays: r.arrays, elements: r.elements, indices };
  // Not enumerable, like knownSecrets: no JSON.stringify, spread or structured clone carries them.
  if (literals.length > 0) Object.defineProperty(rawRedaction, 'secrets', { value: literals, enumerable: false });
  return withKnownSecrets({
    tool: 'bandit',
    format: r.format,
    toolVersion: r.toolVersion,
    findings: r.findings,
    skipped: [],
    scanErrors: r.scanErrors,
    stats: r.stats,
    rawRedaction,
  }, literals);
}

/** Bandit tests whose `code` and message hold a hard-coded password. */
export const PASSWORD_TESTS: ReadonlySet<string> = new Set(['B105', 'B106', 'B107']);

/** Longest snippet kept on a finding (the big reports have 80k results). */
export const SNIPPET_MAX = 300;

/** HIGH/MEDIUM/LOW -> high/medium/low, UNDEFINED -> info, anything else -> unknown (fail closed). */
export function banditSeverity(raw: string): Severity {
  switch (raw) {
    case 'HIGH':
      return 'high';
    case 'MEDIUM':
      return 'medium';
    case 'LOW':
      return 'low';
    case 'UNDEFINED':
      return 'info';
    default: {
      const u = raw.toUpperCase();
      if (u !== raw && (u === 'HIGH' || u === 'MEDIUM' || u === 'LOW' || u === 'UNDEFINED')) return banditSeverity(u);
      return 'unknown';
    }
  }
}

export function banditConfidence(raw: string | undefined): Confidence | undefined {
  switch (raw) {
    case 'HIGH':
    case 'high':
      return 'high';
    case 'MEDIUM':
    case 'medium':
      return 'medium';
    case 'LOW':
    case 'low':
      return 'low';
    case 'UNDEFINED':
    case 'undefined':
      return 'undefined';
    default:
      return undefined;
  }
}

/**
 * Does this code look like it holds a secret? Assignments of a quoted literal to a password/secret/
 * token/key-like name, private-key headers, well-known token prefixes (AWS, GitHub, Slack, OpenAI,
 * Stripe, GitLab, Google, npm, PyPI) and URLs with a password (`postgres://user:pw@host`).
 * Deliberately broad: a false positive only hides a snippet. Runs on every snippet of a report
 * (80,000 on the big one): the URL test starts at `://`, not at every word, which cost twice as much.
 *
 * Linear in the text: it also runs on a whole `code` (a long line of the code under review, so
 * attacker-chosen) and on the raw report's copy. A run that may start anywhere inside a long word
 * must be bounded, or every start scans to the word's end: the name after a keyword is at most 64
 * characters, and a JWT starts where a base64url run starts. Unbounded, `auth` or `eyJ-` repeated
 * over 100 KB took 5 s in the CLI, 1 MB minutes.
 */
const SECRET_HINT =
  /(?:pass(?:word|wd|phrase)?|pwd|secret|token|api_?key|apikey|access_?key|private_?key|credential|auth)[\w-]{0,64}["']?\s*[:=]\s*[rbuf]{0,2}["'][^"'\s]{3,}|-----BEGIN [A-Z ]*PRIVATE KEY|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{20,}|\bxox[abprs]-[A-Za-z0-9-]{10,}|\bsk-[A-Za-z0-9_-]{20,}|(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ|\b[rs]k_(?:live|test)_[A-Za-z0-9]{10,}|\bgithub_pat_[A-Za-z0-9_]{20,}|\bglpat-[A-Za-z0-9_-]{20}|\bAIza[0-9A-Za-z_-]{35}|\bnpm_[A-Za-z0-9]{36}|\bpypi-AgE[A-Za-z0-9_-]{20,}|hooks\.slack\.com\/services\/T[A-Za-z0-9/]+|:\/\/[^\s/:@'"]+:[^\s/@'"]{3,}@/i;

export function looksLikeSecret(code: string): boolean {
  return SECRET_HINT.test(code);
}

/**
 * Cap a snippet at SNIPPET_MAX characters, cutting at a line end when one is near. A short code is
 * returned as it is (trailing newline included): no copy for the 80k-result reports.
 */
export function capSnippet(code: string): string {
  if (code.length <= SNIPPET_MAX) return code;
  const nl = code.lastIndexOf('\n', SNIPPET_MAX - 1);
  return `${code.slice(0, nl > SNIPPET_MAX / 2 ? nl + 1 : SNIPPET_MAX - 1)}…`;
}

/**
 * The snippet a finding may carry: undefined when there is none, null when it must be redacted
 * (B105-B107, or the code looks like a secret), else the capped code.
 */
export function safeSnippet(testId: string, code: string | undefined): string | null | undefined {
  if (code === undefined || code === '') return undefined;
  if (PASSWORD_TESTS.has(testId)) return null;
  const s = capSnippet(code);
  return looksLikeSecret(s) ? null : s;
}

const PASSWORD_MESSAGE = /^(Possible hardcoded password: )'([\s\S]*)'$/;

/** The issue text with a hard-coded password (B105-B107 quote it) replaced by its redacted form. */
export function safeTitle(testId: string, text: string): string {
  return PASSWORD_TESTS.has(testId) ? passwordTitle(text) : text;
}

/**
 * The password a B105-B107 message quotes, as the code may hold it: in double and in single
 * quotes, as written (also what a raw string `r"…"` holds) and with backslashes, quotes and line
 * breaks escaped. Known secrets (ParsedReport.knownSecrets): Bandit's context lines put the same
 * line into the neighbouring results' code (`if password == "…":` above a B602), and other reports
 * quote it too (mutmut's source lines). Quoted, so a password such as `password` masks that
 * literal, not every word and path that contains it.
 */
export function passwordLiterals(testId: string, text: string): string[] {
  if (!PASSWORD_TESTS.has(testId)) return [];
  const pw = PASSWORD_MESSAGE.exec(text)?.[2];
  if (pw === undefined || pw.length < MIN_PASSWORD) return [];
  const out = new Set<string>();
  for (const q of ['"', "'"]) {
    if (!pw.includes(q) && !/[\r\n]/.test(pw)) out.add(`${q}${pw}${q}`);
    const escaped = pw.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
    out.add(`${q}${escaped}${q}`);
  }
  return [...out];
}

/**
 * Shortest password scrubbed from the report's other results (counted before quoting or escaping).
 * Shorter ones are left (their own finding still hides them): real reports flag `'POST'`,
 * `'Pass'`, `'root'` and `'with'` as passwords hundreds of times, and masking those literals in
 * every snippet would hide the code a reviewer needs for the sake of 4-character passwords.
 */
export const MIN_PASSWORD = 6;

/** A B105-B107 message with the password it quotes redacted (the whole message when its form is unknown). */
export function passwordTitle(text: string): string {
  const m = PASSWORD_MESSAGE.exec(text);
  if (m) return `${m[1]}'${redactSecret(m[2] ?? '')}'`;
  return 'Possible hardcoded password (message redacted: it may contain the secret)';
}

/** `https://bandit.readthedocs.io/en/1.9.4/plugins/…` -> `1.9.4` (undefined for `/en/latest/`). */
export function versionFromMoreInfo(url: string | undefined): string | undefined {
  if (!url) return undefined;
  // One run of version characters (digits and dots included): nested optional runs of the same
  // characters backtracked quadratically on a long `/en/1.111…` without the closing slash.
  const m = /\/en\/(\d+\.\d[a-z0-9.+-]*)\//i.exec(url);
  return m?.[1];
}

/** Keep only http(s) links (a report could carry `javascript:` or other schemes). */
export function safeHelpUri(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return url.startsWith('https://') || url.startsWith('http://') ? url : undefined;
}

/**
 * Where the text of line `line` starts in Bandit's `code` ("<lineno> <text>\n" per line): the index
 * just after "<lineno> ", or -1 when that line is not in the code. Allocation-free (hot loop).
 */
export function flaggedLineStart(code: string, line: number): number {
  const n = code.length;
  let pos = 0;
  while (pos < n) {
    let num = 0;
    let p = pos;
    while (p < n) {
      const c = code.charCodeAt(p);
      if (c < 0x30 || c > 0x39) break;
      num = num * 10 + (c - 0x30);
      p++;
    }
    if (p > pos && num === line) {
      if (p >= n || code.charCodeAt(p) === 0x0a) return p;
      if (code.charCodeAt(p) === 0x20) return p + 1;
    }
    const nl = code.indexOf('\n', p);
    if (nl === -1) break;
    pos = nl + 1;
  }
  return -1;
}

/** The text of line `line` in Bandit's `code`, without its number (undefined when absent). */
export function flaggedLineText(code: string, line: number): string | undefined {
  const start = flaggedLineStart(code, line);
  if (start < 0) return undefined;
  let end = code.indexOf('\n', start);
  if (end === -1) end = code.length;
  return code.slice(start, end);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0x0c;
}

const HEX = '0123456789abcdef';
// Module-level copies of the builtins used per character / per result: a global lookup is slow in
// vm contexts (jest) and these never change.
const imul = Math.imul;
const fromCharCode = String.fromCharCode;

/**
 * 53-bit hash (cyrb53) of `prefix`, a 0 separator, and `text[start, end)` with surrounding
 * whitespace trimmed, as 14 hex digits; no substring is made. Not for security: it tells lines
 * apart, stably across runs and machines.
 */
export function hashLine(prefix: string, text: string, start: number, end: number): string {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    h1 = imul(h1 ^ c, 2654435761);
    h2 = imul(h2 ^ c, 1597334677);
  }
  h1 = imul(h1, 2654435761);
  h2 = imul(h2, 1597334677);
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    h1 = imul(h1 ^ c, 2654435761);
    h2 = imul(h2 ^ c, 1597334677);
  }
  h1 = imul(h1 ^ (h1 >>> 16), 2246822507) ^ imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = imul(h2 ^ (h2 >>> 16), 2246822507) ^ imul(h1 ^ (h1 >>> 13), 3266489909);
  h2 &= 0x1fffff; // 21 + 32 = 53 bits
  // one flat string, no number-to-string conversion (hot loop)
  return fromCharCode(
    HEX.charCodeAt((h2 >>> 20) & 15),
    HEX.charCodeAt((h2 >>> 16) & 15),
    HEX.charCodeAt((h2 >>> 12) & 15),
    HEX.charCodeAt((h2 >>> 8) & 15),
    HEX.charCodeAt((h2 >>> 4) & 15),
    HEX.charCodeAt(h2 & 15),
    HEX.charCodeAt((h1 >>> 28) & 15),
    HEX.charCodeAt((h1 >>> 24) & 15),
    HEX.charCodeAt((h1 >>> 20) & 15),
    HEX.charCodeAt((h1 >>> 16) & 15),
    HEX.charCodeAt((h1 >>> 12) & 15),
    HEX.charCodeAt((h1 >>> 8) & 15),
    HEX.charCodeAt((h1 >>> 4) & 15),
    HEX.charCodeAt(h1 & 15),
  );
}

interface FileFingerprints {
  /** `bandit:<test>:<path>:` per test id */
  prefixes: Map<string, string>;
  /** how often each line hash was seen */
  counts: Map<string, number>;
}

/**
 * Assigns fingerprints, numbering repeats of the same (path, test, line text) within one report.
 * Per-file maps: the `bandit:<test>:<path>:` prefix is built once per file and test.
 */
export class FingerprintMaker {
  private readonly byPath = new Map<string, FileFingerprints>();
  private lastPath: string | undefined;
  private last: FileFingerprints | undefined;

  /** JSON: the flagged line is found in Bandit's `code`; `fallback` (the issue text) when it is not. */
  fromCode(testId: string, path: string, code: string | undefined, line: number, fallback: string): string {
    const start = code ? flaggedLineStart(code, line) : -1;
    if (code && start >= 0) {
      let end = code.indexOf('\n', start);
      if (end === -1) end = code.length;
      const h = hashLine(testId, code, start, end);
      if (h !== emptyLineHash(testId)) return this.finish(testId, path, h);
    }
    return this.finish(testId, path, hashLine(testId, fallback, 0, fallback.length));
  }

  /** SARIF: `lineText` is `region.snippet.text` (the flagged line). */
  fromText(testId: string, path: string, lineText: string | undefined, fallback: string): string {
    if (lineText !== undefined) {
      const h = hashLine(testId, lineText, 0, lineText.length);
      if (h !== emptyLineHash(testId)) return this.finish(testId, path, h);
    }
    return this.finish(testId, path, hashLine(testId, fallback, 0, fallback.length));
  }

  private finish(testId: string, path: string, h: string): string {
    let f = this.last;
    if (path !== this.lastPath || f === undefined) {
      f = this.byPath.get(path);
      if (f === undefined) {
        f = { prefixes: new Map(), counts: new Map() };
        this.byPath.set(path, f);
      }
      this.lastPath = path;
      this.last = f;
    }
    let prefix = f.prefixes.get(testId);
    if (prefix === undefined) {
      prefix = `bandit:${testId}:${path}:`;
      f.prefixes.set(testId, prefix);
    }
    const n = f.counts.get(h);
    if (n === undefined) {
      f.counts.set(h, 1);
      return prefix + h;
    }
    f.counts.set(h, n + 1);
    return `${prefix}${h}:${n + 1}`;
  }
}

const emptyHashes = new Map<string, string>();

/** Hash of a blank line for a test id (a blank flagged line falls back to the issue text). */
function emptyLineHash(testId: string): string {
  let h = emptyHashes.get(testId);
  if (h === undefined) {
    h = hashLine(testId, '', 0, 0);
    emptyHashes.set(testId, h);
  }
  return h;
}

/**
 * Exact-duplicate detector on (path, line, column, test id): per-file maps keyed by a number made
 * of line and column, holding the test id(s) seen there.
 */
export class DuplicateIndex {
  // One test id per (line, column) as a plain string (the usual case); a set once there are more: a
  // hostile report of thousands of test ids on one position made an array's includes quadratic.
  private readonly byPath = new Map<string, Map<number, string | Set<string>>>();
  private lastPath: string | undefined;
  private lastMap: Map<number, string | Set<string>> | undefined;

  /**
   * True when this (path, line, column, test id, severity) was seen before; records it otherwise.
   * The severity is part of the key: two results at one place that disagree on it are both kept, so
   * a LOW listed first never hides a HIGH behind it (fail closed; the policy sees the HIGH).
   */
  seen(path: string, line: number, column: number, testId: string, severity = ''): boolean {
    if (severity !== '') testId = `${testId}\u0000${severity}`;
    let m = this.lastMap;
    if (path !== this.lastPath || m === undefined) {
      m = this.byPath.get(path);
      if (m === undefined) {
        m = new Map<number, string | Set<string>>();
        this.byPath.set(path, m);
      }
      this.lastPath = path;
      this.lastMap = m;
    }
    // line * 4096 + column stays a small integer (cheap Map key) for lines < 262144; a column past
    // 4095 gets its own key space (negative) so no two (line, column) pairs share a key
    const key = column >= 0 && column < 4096 ? line * 4096 + column : -(line * 1048576 + column) - 1;
    const prev = m.get(key);
    if (prev === undefined) {
      m.set(key, testId);
      return false;
    }
    if (typeof prev === 'string') {
      if (prev === testId) return true;
      m.set(key, new Set([prev, testId]));
      return false;
    }
    if (prev.has(testId)) return true;
    prev.add(testId);
    return false;
  }
}
