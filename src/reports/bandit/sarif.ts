/**
 * Bandit SARIF 2.1.0 (`bandit -f sarif`, built-in formatter >= 1.7.8, FORMATS.md 1.2) and the older
 * microsoft `bandit-sarif-formatter` layout (driver with only name + rules, no levels, no columns).
 *
 * - Severity from `properties.issue_severity`, else from `level` (else the rule's
 *   `defaultConfiguration.level`, SARIF 3.27.10): error -> high, note -> low,
 *   none -> info, warning or absent (SARIF's default, Bandit omits it for MEDIUM) -> medium.
 * - Confidence from `properties.issue_confidence`, else the rule's `precision` (which Bandit takes
 *   from the FIRST issue of that rule, so it is only a fallback).
 * - CWE from the rule tag `external/cwe/cwe-<id>`.
 * - `invocations[].toolConfigurationNotifications` -> scanErrors.
 * - Refused (fail closed): a run that is not Bandit's (every run's `tool.driver.name`; a merged
 *   SARIF's other tools are not Bandit findings), a run without `results` (SARIF: the tool produced
 *   none, it did not complete; Bandit always writes the array) and `executionSuccessful: false`.
 * - URIs are %-decoded; `file://` URIs become paths.
 * - Fingerprints match the JSON parser's (same flagged-line hash), dedup key
 *   uri + startLine + startColumn + ruleId + severity (only when a column is present).
 */
import { sarifResultNeedsRedaction } from './redact.js';
import { normalizePath, type Finding, type ParsedReport, type ScanError, type Severity } from '../model.js';
import {
  expectArray,
  expectObject,
  isJsonObject,
  jsonReportParser,
  optArray,
  optBoolean,
  optInteger,
  optObject,
  optString,
  optNumber,
  JsonShapeError,
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
  safeHelpUri,
  safeSnippet,
  PasswordTracker,
  safeTitle,
  SNIPPET_MAX,
  versionFromMoreInfo,
} from './common.js';

const FORMAT = 'bandit-sarif';

/** A SARIF artifact URI as a repository path: `file://` stripped, %-escapes decoded, `/` separators. */
export function sarifUriToPath(uri: string): string {
  let s = uri;
  if (/^file:/i.test(s)) {
    s = s.replace(/^file:(?:\/\/[^/]*)?/i, '');
    if (/^\/[A-Za-z]:[/\\]/.test(s)) s = s.slice(1);
  }
  if (s.includes('%')) {
    try {
      s = decodeURIComponent(s);
    } catch {
      // malformed escape: keep the text as it is
    }
  }
  return normalizePath(s);
}

function levelSeverity(level: string | undefined): Severity {
  switch (level) {
    case 'error':
      return 'high';
    case 'note':
      return 'low';
    case 'none':
      return 'info';
    case undefined:
    case 'warning':
      return 'medium';
    default:
      return 'unknown';
  }
}

interface RuleInfo {
  id: string;
  name?: string;
  helpUri?: string;
  cwe?: number;
  precision?: string;
  /** `defaultConfiguration.level`: the level of a result of this rule that gives none (SARIF 3.27.10). */
  defaultLevel?: string;
}

function readRule(rule: JsonObject, path: string): RuleInfo {
  const id = optString(rule, 'id', path) ?? '';
  const info: RuleInfo = { id, name: optString(rule, 'name', path), helpUri: optString(rule, 'helpUri', path) };
  const defaults = optObject(rule, 'defaultConfiguration', path);
  if (defaults) info.defaultLevel = optString(defaults, 'level', `${path}.defaultConfiguration`);
  const props = optObject(rule, 'properties', path);
  if (props) {
    info.precision = optString(props, 'precision', `${path}.properties`);
    const tags = optArray(props, 'tags', `${path}.properties`) ?? [];
    for (const t of tags) {
      if (typeof t !== 'string') continue;
      const m = /^external\/cwe\/cwe-(\d+)$/i.exec(t);
      if (m) info.cwe = Number(m[1]);
    }
  }
  return info;
}

function text(obj: JsonObject | undefined, key: string, path: string): string | undefined {
  if (!obj) return undefined;
  const m = optObject(obj, key, path);
  return m ? optString(m, 'text', `${path}.${key}`) : undefined;
}

/** One run's context for its results: the rules its results name. */
interface RunContext {
  path: string;
  rules: RuleInfo[];
  rulesById: Map<string, RuleInfo>;
}

/**
 * A Bandit SARIF report, run by run, result by result (the same code for a parsed tree and for a
 * report read in pieces): `beginRun(k)` reads run k's rules, notifications and metrics, and checks
 * its `results` is an array; then `result()` for each of its results; then `finish()`. Runs must be
 * begun in order, so errors come in the order of the file.
 */
class SarifReader {
  private readonly findings: Finding[] = [];
  private readonly scanErrors: ScanError[] = [];
  private readonly stats: Record<string, number> = {};
  private readonly fingerprints = new FingerprintMaker();
  private readonly seen = new DuplicateIndex();
  private readonly runs: unknown[];
  private readonly contexts: RunContext[] = [];
  private duplicates = 0;
  private toolVersion: string | undefined;
  // What the artifact's copy must redact (redact.ts), numbered across runs, duplicates included.
  private readonly redact: number[] = [];
  private readonly passwords = new PasswordTracker();
  private arrays = 0;
  private ordinal = 0;
  /** Runs begun so far. */
  begun = 0;
  /**
   * The first run the report cannot be read from (another tool's, failed, without results): thrown
   * by finish(), so a report read in pieces and one read whole give the same first error (a broken
   * result later in the file is found first either way).
   */
  private problem: JsonShapeError | undefined;

  private refuse(where: string, reason: string): void {
    this.problem ??= new JsonShapeError(where, reason);
  }

  constructor(
    private readonly file: string,
    root: unknown,
  ) {
    this.runs = expectArray(Object.hasOwn(expectObject(root, '$'), 'runs') ? (root as JsonObject).runs : undefined, '$.runs');
  }

  get runCount(): number {
    return this.runs.length;
  }

  /** Run k's metadata; returns its results (an empty list when it has none). */
  beginRun(k: number): unknown[] {
    this.begun = k + 1;
    const stats = this.stats;
    const scanErrors = this.scanErrors;
    const runPath = `$.runs[${k}]`;
    const run = expectObject(this.runs[k], runPath);
    const tool = optObject(run, 'tool', runPath);
    const driver = tool ? optObject(tool, 'driver', `${runPath}.tool`) : undefined;
    // Every run must be Bandit's: the format is recognised by the first run's driver only, and a
    // merged SARIF's other runs (another tool's results, levels and rules) are not Bandit findings.
    const driverName = driver ? optString(driver, 'name', `${runPath}.tool.driver`) : undefined;
    if (driverName?.toLowerCase() !== 'bandit') {
      this.refuse(`${runPath}.tool.driver.name`, driverName === undefined ? 'missing (expected "Bandit"): a run of another tool, or of none' : `expected "Bandit", got ${JSON.stringify(driverName.slice(0, 60))}: a run of another tool is not read as Bandit's`);
    }
    const rules: RuleInfo[] = [];
    const rulesById = new Map<string, RuleInfo>();
    if (driver) {
      const dPath = `${runPath}.tool.driver`;
      this.toolVersion ??= optString(driver, 'version', dPath) ?? optString(driver, 'semanticVersion', dPath);
      const rawRules = optArray(driver, 'rules', dPath) ?? [];
      for (let j = 0; j < rawRules.length; j++) {
        const rule = readRule(expectObject(rawRules[j], `${dPath}.rules[${j}]`), `${dPath}.rules[${j}]`);
        rules.push(rule);
        if (rule.id && !rulesById.has(rule.id)) rulesById.set(rule.id, rule);
        this.toolVersion ??= versionFromMoreInfo(rule.helpUri);
      }
    }

    // invocations[].toolConfigurationNotifications -> scanErrors
    const invocations = optArray(run, 'invocations', runPath) ?? [];
    for (let j = 0; j < invocations.length; j++) {
      const invPath = `${runPath}.invocations[${j}]`;
      const inv = expectObject(invocations[j], invPath);
      // SARIF: a run whose invocation did not succeed has no complete results (fail closed).
      if (optBoolean(inv, 'executionSuccessful', invPath) === false) {
        this.refuse(`${invPath}.executionSuccessful`, 'false: the run failed, so its results are not complete');
      }
      const notes = optArray(inv, 'toolConfigurationNotifications', invPath) ?? [];
      for (let n = 0; n < notes.length; n++) {
        const notePath = `${invPath}.toolConfigurationNotifications[${n}]`;
        const note = expectObject(notes[n], notePath);
        const message = text(note, 'message', notePath) ?? 'could not be scanned';
        const locs = optArray(note, 'locations', notePath);
        let path: string | undefined;
        const loc0: unknown = locs?.[0];
        if (isJsonObject(loc0)) {
          const phys = optObject(loc0, 'physicalLocation', `${notePath}.locations[0]`);
          const art = phys ? optObject(phys, 'artifactLocation', `${notePath}.locations[0].physicalLocation`) : undefined;
          const uri = art ? optString(art, 'uri', `${notePath}.locations[0].physicalLocation.artifactLocation`) : undefined;
          if (uri !== undefined) path = sarifUriToPath(uri);
        }
        scanErrors.push(path === undefined ? { message } : { path, message });
      }
    }

    // properties.metrics -> stats
    const props = optObject(run, 'properties', runPath);
    const metrics = props ? optObject(props, 'metrics', `${runPath}.properties`) : undefined;
    if (metrics) {
      let files = 0;
      for (const key in metrics) if (Object.hasOwn(metrics, key) && key !== '_totals') files++;
      stats.files = (stats.files ?? 0) + files;
      const totals = optObject(metrics, '_totals', `${runPath}.properties.metrics`);
      if (totals) {
        const tPath = `${runPath}.properties.metrics._totals`;
        const loc = optNumber(totals, 'loc', tPath);
        const nosec = optNumber(totals, 'nosec', tPath);
        const skipped = optNumber(totals, 'skipped_tests', tPath);
        if (loc !== undefined) stats.loc = (stats.loc ?? 0) + Math.round(loc);
        if (nosec !== undefined) stats.nosec = (stats.nosec ?? 0) + Math.round(nosec);
        if (skipped !== undefined) stats.skippedTests = (stats.skippedTests ?? 0) + Math.round(skipped);
      }
    }

    // SARIF: `results` absent or null means the tool produced no results (it failed), `[]` that it
    // found nothing; Bandit always writes the array. Not read as a clean run.
    const rawResults = optArray(run, 'results', runPath);
    if (rawResults) this.arrays++;
    else this.refuse(`${runPath}.results`, 'missing (expected an array; a run without results did not complete)');
    this.contexts[k] = { path: runPath, rules, rulesById };
    return rawResults ?? [];
  }

  /** Result `i` of run `k` (begun). */
  result(value: unknown, i: number, k: number): void {
    const { path: runPath, rules, rulesById } = this.contexts[k] as RunContext;
    const rPath = `${runPath}.results[${i}]`;
    const r = expectObject(value, rPath);
    const at = this.ordinal++;
    const ruleIndex = optInteger(r, 'ruleIndex', rPath);
    let ruleId = optString(r, 'ruleId', rPath);
    const byIndex = ruleIndex !== undefined && ruleIndex >= 0 ? rules[ruleIndex] : undefined;
    ruleId ??= byIndex?.id;
    if (!ruleId) throw new JsonShapeError(`${rPath}.ruleId`, 'missing (expected a string, or a ruleIndex into tool.driver.rules)');
    const rule = byIndex && byIndex.id === ruleId ? byIndex : rulesById.get(ruleId);
    const message = text(r, 'message', rPath);
    if (message === undefined) throw new JsonShapeError(`${rPath}.message.text`, 'missing (expected a string)');
    const level = optString(r, 'level', rPath);
    const rProps = optObject(r, 'properties', rPath);
    const issueSeverity = rProps ? optString(rProps, 'issue_severity', `${rPath}.properties`) : undefined;
    const issueConfidence = rProps ? optString(rProps, 'issue_confidence', `${rPath}.properties`) : undefined;

    let path: string | undefined;
    let startLine: number | undefined;
    let endLine: number | undefined;
    let startColumn: number | undefined;
    let endColumn: number | undefined;
    let lineText: string | undefined;
    let context: string | undefined;
    const locs = optArray(r, 'locations', rPath);
    const loc0: unknown = locs?.[0];
    if (loc0 !== undefined) {
      const lPath = `${rPath}.locations[0]`;
      const loc = expectObject(loc0, lPath);
      const phys = optObject(loc, 'physicalLocation', lPath);
      if (phys) {
        const pPath = `${lPath}.physicalLocation`;
        const art = optObject(phys, 'artifactLocation', pPath);
        const uri = art ? optString(art, 'uri', `${pPath}.artifactLocation`) : undefined;
        if (uri !== undefined) path = sarifUriToPath(uri);
        const region = optObject(phys, 'region', pPath);
        if (region) {
          const gPath = `${pPath}.region`;
          startLine = optInteger(region, 'startLine', gPath);
          endLine = optInteger(region, 'endLine', gPath);
          startColumn = optInteger(region, 'startColumn', gPath);
          endColumn = optInteger(region, 'endColumn', gPath);
          lineText = text(region, 'snippet', gPath);
        }
        const ctx = optObject(phys, 'contextRegion', pPath);
        if (ctx) context = text(ctx, 'snippet', `${pPath}.contextRegion`);
      }
    }

    if (sarifResultNeedsRedaction(r, ruleId)) this.redact.push(at);
    // Code the finding's snippet does not show (past its cap, a region's line outside the context,
    // another location's snippets) is not checked for the report's passwords: its copy is rewritten.
    const shown = context ?? lineText ?? '';
    const unchecked = shown.length > SNIPPET_MAX || (lineText !== undefined && !shown.includes(lineText)) || (locs !== undefined && locs.length > 1);
    this.passwords.note(at, path ?? '', ruleId, message, unchecked);

    if (startColumn !== undefined && this.seen.seen(path ?? '', startLine ?? 0, startColumn, ruleId, issueSeverity ?? level ?? rule?.defaultLevel ?? '')) {
      this.duplicates++;
      this.passwords.duplicate(at);
      return;
    }

    const snippet = safeSnippet(ruleId, context ?? lineText);
    const title = safeTitle(ruleId, message);
    const confidence = banditConfidence(issueConfidence) ?? banditConfidence(rule?.precision);
    this.passwords.kept(at);
    this.findings.push({
      tool: 'bandit',
      ruleId,
      ruleName: rule?.name,
      title: capTitle(title),
      severity: issueSeverity !== undefined ? banditSeverity(issueSeverity) : levelSeverity(level ?? rule?.defaultLevel),
      rawSeverity: issueSeverity ?? level ?? rule?.defaultLevel ?? 'warning',
      confidence,
      location:
        path === undefined
          ? undefined
          : {
              path,
              line: startLine !== undefined && startLine > 0 ? startLine : undefined,
              endLine: endLine !== undefined && startLine !== undefined && endLine > startLine ? endLine : undefined,
              column: startColumn,
              endColumn: endColumn !== undefined && endColumn > 1 ? endColumn : undefined,
            },
      helpUri: safeHelpUri(rule?.helpUri),
      cwe: rule?.cwe,
      snippet: snippet === null ? undefined : snippet,
      fingerprint: this.fingerprints.fromText(ruleId, path ?? '', lineText, message),
      sourceFile: this.file,
      extra: snippet === null ? { snippetRedacted: true } : undefined,
    });
  }

  finish(): ParsedReport {
    if (this.problem) throw this.problem;
    const { toolVersion, findings, scanErrors, stats, duplicates, arrays } = this;
    return banditReport({ format: FORMAT, toolVersion, findings, scanErrors, stats, duplicates, arrays, elements: this.ordinal, redact: this.redact, passwords: this.passwords });
  }
}

export function parseBanditSarifValue(value: unknown, file: string): ParsedReport {
  const reader = new SarifReader(file, value);
  for (let k = 0; k < reader.runCount; k++) {
    const results = reader.beginRun(k);
    for (let i = 0; i < results.length; i++) reader.result(results[i], i, k);
  }
  return reader.finish();
}

/**
 * The same, for a report read in pieces (json-stream.ts), in two passes: the rest of the document
 * first (the runs' rules, which a result needs and which may come after the results), then the
 * results one by one. Runs are begun in file order before their first result, so a bad run is
 * reported where the one-piece parse reports it.
 */
const banditSarifStream: JsonStreamSpec = {
  path: ['runs', null, 'results'],
  skeletonFirst: true,
  // Any SARIF: the driver's name may come after the results (sorted keys); the skeleton decides.
  sniff: (head) => /^\s*\{/.test(head) && /"runs"\s*:/.test(head),
  start(file: string, skeleton?: unknown): StreamingReader {
    const reader = new SarifReader(file, skeleton);
    // Streamed array n is the results of the n-th run whose `results` is an array.
    const runOfArray: number[] = [];
    const runs = (skeleton as { runs: unknown[] }).runs;
    for (let k = 0; k < runs.length; k++) {
      const run = runs[k];
      if (isJsonObject(run) && Object.hasOwn(run, 'results') && Array.isArray(run.results)) runOfArray.push(k);
    }
    return {
      element: (value, index, array) => {
        const k = runOfArray[array];
        if (k === undefined) throw new JsonShapeError('$.runs', 'the results do not match the runs');
        while (reader.begun <= k) reader.beginRun(reader.begun);
        reader.result(value, index, k);
      },
      finish: () => {
        while (reader.begun < reader.runCount) reader.beginRun(reader.begun);
        return reader.finish();
      },
    };
  },
};

/** The `tool.driver.name` of the first SARIF run, if the value is SARIF. */
export function sarifDriverName(value: unknown): string | undefined {
  if (!isJsonObject(value)) return undefined;
  const runs = Object.hasOwn(value, 'runs') ? value.runs : undefined;
  if (!Array.isArray(runs)) return undefined;
  const run: unknown = runs[0];
  if (!isJsonObject(run)) return '';
  const tool = Object.hasOwn(run, 'tool') ? run.tool : undefined;
  if (!isJsonObject(tool)) return '';
  const driver = Object.hasOwn(tool, 'driver') ? tool.driver : undefined;
  if (!isJsonObject(driver)) return '';
  const name = Object.hasOwn(driver, 'name') ? driver.name : undefined;
  return typeof name === 'string' ? name : '';
}

export function looksLikeBanditSarif(value: unknown): boolean {
  return sarifDriverName(value)?.toLowerCase() === 'bandit';
}

export const banditSarifParser = jsonReportParser({
  tool: 'bandit',
  format: FORMAT,
  label: 'Bandit SARIF (bandit -f sarif)',
  sniff: (head) => /"runs"\s*:/.test(head) && /"name"\s*:\s*"bandit"/i.test(head),
  detectValue: looksLikeBanditSarif,
  parseValue: parseBanditSarifValue,
  stream: banditSarifStream,
});
