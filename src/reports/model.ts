/**
 * The normalized model every parser produces and every later stage consumes.
 * Pure types and tiny helpers only: no I/O.
 */

/** Tools the gate knows, in the order they are shown. */
export const TOOL_IDS = ['bandit', 'pip-audit', 'gitleaks', 'deptry', 'vulture', 'mutmut', 'secret-scan'] as const;
export type ToolId = (typeof TOOL_IDS)[number];

export const TOOL_LABELS: Record<ToolId, string> = {
  bandit: 'Bandit',
  'pip-audit': 'pip-audit',
  gitleaks: 'gitleaks',
  deptry: 'deptry',
  vulture: 'vulture',
  mutmut: 'mutmut',
  'secret-scan': 'secret scan (added lines)',
};

/**
 * Severity, ordered from least to most severe; thresholds compare positions.
 * `unknown` is a severity nobody could establish (pip-audit without a lookup): the policy maps it
 * through `unknown-severity` (fail closed: high by default) and the summary says so.
 */
export const SEVERITIES = ['unknown', 'info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Most severe first. */
export function compareSeverityDesc(a: Severity, b: Severity): number {
  return severityRank(b) - severityRank(a);
}

export const CONFIDENCES = ['undefined', 'low', 'medium', 'high'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export interface Location {
  /** Repository-relative POSIX path where known (parsers normalise `\` to `/` and strip a leading `./`). */
  path: string;
  line?: number;
  endLine?: number;
  column?: number;
  endColumn?: number;
}

export interface PackageRef {
  name: string;
  version?: string;
  fixVersions?: string[];
}

/** Where a severity came from (pip-audit's is looked up; Bandit's is the tool's own). */
export interface SeveritySource {
  /** `tool` (the report said so), `github`, `osv`, `cvss`, `default` (unknown-severity applied), `none`. */
  kind: 'tool' | 'github' | 'osv' | 'default' | 'none';
  /** Advisory id that answered (GHSA-…, PYSEC-…), if any. */
  advisory?: string;
  cvss?: { version: string; score: number; vector: string };
  /** Why the severity is unknown: offline, not-found, rate-limited, timed-out, error, off. */
  unknownReason?: string;
  detail?: string;
}

export interface Finding {
  tool: ToolId;
  /** Rule / test / advisory id: `B101`, `GHSA-…`, `DEP001`, `generic-api-key`, `unused-function`. */
  ruleId: string;
  /** Human rule name: `assert_used`, `hashlib`, … */
  ruleName?: string;
  /** One-line message, untrusted text. */
  title: string;
  severity: Severity;
  /** The tool's own word for the severity, e.g. `MEDIUM`. */
  rawSeverity?: string;
  confidence?: Confidence;
  location?: Location;
  package?: PackageRef;
  aliases?: string[];
  helpUri?: string;
  cwe?: number;
  /** Redacted code or match context (never a clear secret). */
  snippet?: string;
  /** Stable identity across runs: tool + rule + place (+ secret hash), no line shifts where avoidable. */
  fingerprint: string;
  /** Report file the finding came from (workspace-relative). */
  sourceFile: string;
  severitySource?: SeveritySource;
  /** Tool-specific extras that renderers may show (small, JSON-safe). */
  extra?: Record<string, string | number | boolean | null>;
}

export interface ScanError {
  path?: string;
  message: string;
}

export interface SkippedItem {
  name: string;
  reason: string;
}

/** What one parser returns for one file. */
export interface ParsedReport {
  tool: ToolId;
  /** e.g. `bandit-json`, `bandit-sarif`, `pip-audit-json`, `pip-audit-cyclonedx`. */
  format: string;
  toolVersion?: string;
  findings: Finding[];
  /** Items the tool did not check (pip-audit skipped dependencies): shown, never findings. */
  skipped: SkippedItem[];
  /** Files the tool could not scan (Bandit `errors[]`). */
  scanErrors: ScanError[];
  /** Small counters shown in the summary: `dependencies`, `loc`, `nosec`, `killed`, … */
  stats: Record<string, number>;
  /**
   * For the artifact's copy of the raw report (Bandit JSON and SARIF): how many results the file
   * holds and which of them (0-based in file order across runs, duplicates included) quote a secret
   * and must be rewritten. The copy checks the counts again and withholds the report when they differ.
   */
  rawRedaction?: RawRedaction;
  /**
   * Secret values this report revealed (gitleaks `Secret`, the secret scan's matches), raw. Kept in
   * memory only, to scrub them from every other finding and from the artifact's report copies;
   * never written anywhere (a non-enumerable property: JSON.stringify and spreads skip it).
   */
  knownSecrets?: string[];
}

/**
 * Attaches the secret values a report revealed (ParsedReport.knownSecrets) as a non-enumerable
 * property: no JSON.stringify, spread or structured clone of the report carries them.
 */
export function withKnownSecrets<T extends ParsedReport>(report: T, secrets: Iterable<string>): T {
  const list = [...new Set(secrets)];
  if (list.length > 0) Object.defineProperty(report, 'knownSecrets', { value: list, enumerable: false });
  return report;
}

/** See ParsedReport.rawRedaction. */
export interface RawRedaction {
  /** The report's format (`bandit-json`, `bandit-sarif`): where its results are. */
  format: string;
  /** Arrays of results (SARIF: one per run that has `results`). */
  arrays: number;
  elements: number;
  indices: number[];
  /**
   * Secret values the report revealed itself (Bandit's passwords, quoted): scrubbed from the
   * results at `indices` as they are rewritten, so the copy is not searched again for them.
   * Memory only, not enumerable like ParsedReport.knownSecrets (a job for another thread names
   * them itself: RedactedCopyJob).
   */
  secrets?: string[];
}

/** A report file the gate read, for the artifact: workspace-relative path, and what its copy must redact. */
export interface ReportRef {
  tool: ToolId;
  path: string;
  rawRedaction?: RawRedaction;
  /** Refused before it was read (MAX_TOTAL_REPORT_BYTES): its copy is never read whole either. */
  notRead?: true;
  /** Why its copy is withheld whatever it holds (a note replaces it; with redact-artifacts only). */
  withheld?: string;
}

/** A report that could not be understood. `where` is a JSON path (`$.results[3].line_number`) or `line 12`. */
export class ReportParseError extends Error {
  constructor(
    readonly tool: ToolId,
    readonly file: string,
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${tool}: ${file}: ${where ? `${where}: ` : ''}${reason}`);
    this.name = 'ReportParseError';
  }
}

export interface ReportParser {
  tool: ToolId;
  format: string;
  /** Cheap sniff on the first bytes / parsed value: does this look like my format? */
  detect(content: string): boolean;
  /** Pure: content in, report out; throws ReportParseError with the place. */
  parse(content: string, file: string): ParsedReport;
}

/** Normalise a path from a report to a POSIX, repository-relative form. */
export function normalizePath(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}
