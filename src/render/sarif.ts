/**
 * SARIF 2.1.0 for GitHub code scanning, pure: GateResult -> one SARIF log with a run per tool.
 *
 * - A run for every tool whose reports were read (`ok`, even with no findings: an empty run tells
 *   code scanning the tool found nothing, which closes fixed alerts). A tool whose report is missing
 *   or broken gets no run unless it still has findings (then `executionSuccessful: false`), so a
 *   broken report never closes alerts by looking clean.
 * - Rules carry id, name, short description, help link (absolute http(s) only), tags (`security` and
 *   `external/cwe/cwe-N` for the security tools) and `security-severity`, the score code scanning
 *   ranks security alerts by: the resolved CVSS base score when the severity came from one
 *   (pip-audit lookups), else by severity band: critical 9.5, high 8.0, medium 5.5, low 2.0
 *   (GitHub's bands: ≥9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low); info and unknown
 *   get none. A rule's score is the highest of its results. Hygiene tools (deptry, vulture, mutmut)
 *   are tagged `maintainability` and get no security-severity.
 * - `level` follows the disposition: block -> error, warn -> warning, info -> note; waived findings
 *   are kept as `note` with an accepted external suppression (the waiver id and owner).
 * - `partialFingerprints["securityGate/v1"]` is the finding's fingerprint (stable across runs).
 * - Every result has a physical location (code scanning needs one): the finding's file made
 *   repository-relative (`%SRCROOT%`, percent-encoded), region start line ≥ 1; findings without a
 *   file (pip-audit packages) are placed at `dependencyFile` if given, else the report file they came
 *   from, line 1, plus a logical location naming the package.
 * - Messages are built from the (parse-time redacted) title, package and policy reason; snippets are
 *   never copied, so no secret-scan or gitleaks text beyond the redacted title reaches the file.
 * - Code scanning's limits: at most 25,000 results per run — the most severe are kept and the cut is
 *   written in `run.properties["securityGate/cut"]` and returned.
 */
/* eslint-disable no-control-regex -- control characters in report text are stripped on purpose */
import { TOOL_LABELS, type Severity, type ToolId } from '../reports/model.js';
import type { EvaluatedFinding, GateResult, ToolResult } from '../policy/result.js';
import { clip, encodeUriComponentSafe } from '../util/escape.js';
import { firstByPriority, packageLine, toRepoPath, type PathOptions } from './annotations.js';
import { messageLevel, ruleDocUrl, whereText } from './common.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** Code scanning's hard limit of results per run. */
export const MAX_RESULTS_PER_RUN = 25_000;
/** Code scanning keeps at most 20 tags per rule (10 shown). */
const MAX_TAGS = 10;
export const FINGERPRINT_KEY = 'securityGate/v1';

export const SECURITY_TOOLS: ReadonlySet<ToolId> = new Set<ToolId>(['bandit', 'pip-audit', 'gitleaks', 'secret-scan']);

export const TOOL_INFO_URI: Partial<Record<ToolId, string>> = {
  bandit: 'https://github.com/PyCQA/bandit',
  'pip-audit': 'https://github.com/pypa/pip-audit',
  gitleaks: 'https://github.com/gitleaks/gitleaks',
  deptry: 'https://github.com/fpgmaas/deptry',
  vulture: 'https://github.com/jendrikseipp/vulture',
  mutmut: 'https://github.com/boxed/mutmut',
};

/** Severity band -> security-severity score (documented above). */
export const SEVERITY_SCORE: Partial<Record<Severity, number>> = { critical: 9.5, high: 8.0, medium: 5.5, low: 2.0 };

export interface SarifOptions extends PathOptions {
  /** Tool versions to name in the driver when the result has none. */
  toolVersions?: Partial<Record<ToolId, string>>;
  /** Results kept per run (25,000: code scanning's limit). */
  maxResultsPerRun?: number;
  /** Repository-relative file where findings without a file are placed (e.g. `requirements.txt`). */
  dependencyFile?: string;
  /** The gate's own version, recorded in run properties. */
  gateVersion?: string;
}

// A small typed subset of SARIF 2.1.0 (what this renderer writes).
export interface SarifMessage {
  text: string;
}
export interface SarifRegion {
  startLine: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}
export interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: SarifRegion };
  logicalLocations?: Array<{ name: string; fullyQualifiedName?: string; kind?: string }>;
}
export interface SarifRule {
  id: string;
  name?: string;
  shortDescription: SarifMessage;
  fullDescription?: SarifMessage;
  helpUri?: string;
  help?: { text: string; markdown?: string };
  properties: { tags: string[]; 'security-severity'?: string; precision?: string };
}
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: 'error' | 'warning' | 'note';
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: 'external'; status: 'accepted'; justification?: string }>;
  properties: Record<string, string | number | boolean | string[]>;
}
export interface SarifRun {
  tool: { driver: { name: string; version?: string; informationUri?: string; rules: SarifRule[] } };
  invocations: Array<{
    executionSuccessful: boolean;
    toolExecutionNotifications?: Array<{ level: 'error' | 'warning' | 'note'; message: SarifMessage }>;
  }>;
  columnKind: 'utf16CodeUnits';
  results: SarifResult[];
  properties: Record<string, unknown>;
}
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

export interface SarifCut {
  tool: ToolId;
  total: number;
  kept: number;
  dropped: number;
}

export interface SarifRender {
  sarif: SarifLog;
  /** Runs whose results were cut to the limit. */
  cut: SarifCut[];
}

function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/** SARIF message text: `[` and `]` start embedded links, so literal ones are backslash-escaped. */
function sarifText(text: string, max: number): string {
  return clip(oneLine(text), max).replace(/[[\]]/g, (c) => `\\${c}`);
}

function toolLabel(tool: ToolId): string {
  return Object.prototype.hasOwnProperty.call(TOOL_LABELS, tool) ? TOOL_LABELS[tool] : String(tool);
}

/** Percent-encodes each path segment: a valid relative URI reference. */
export function pathToUri(path: string): string {
  // Unreserved characters (which encodeURIComponent keeps) and the separators: nothing to encode.
  if (/^[A-Za-z0-9._~/-]*$/.test(path)) return path;
  return path
    .split('/')
    .map((s) => encodeUriComponentSafe(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/** The security-severity score of one finding (one decimal), or undefined. */
export function securitySeverity(f: EvaluatedFinding): number | undefined {
  if (!SECURITY_TOOLS.has(f.tool)) return undefined;
  const cvss = f.severitySource?.cvss?.score;
  if (typeof cvss === 'number' && Number.isFinite(cvss) && cvss > 0 && cvss <= 10) return Math.round(cvss * 10) / 10;
  return SEVERITY_SCORE[f.effectiveSeverity];
}

function levelOf(f: EvaluatedFinding): SarifResult['level'] {
  return f.disposition === 'block' ? 'error' : f.disposition === 'warn' ? 'warning' : 'note';
}

const PRECISION: Record<string, number> = { low: 1, medium: 2, high: 3 };
const PRECISION_WORD = ['', 'low', 'medium', 'high'];

function validInt(n: number | undefined): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : undefined;
}

/** A run's memo of what it works out per file and per text: big runs repeat both in thousands of results. */
interface RunMemo {
  /** A finding's path -> its repository path (undefined: none) and that path's URI. */
  files: Map<string, { file: string; uri: string } | undefined>;
  /** Title -> reason -> message, for findings whose message depends on nothing else. */
  messages: Map<string, Map<string, string>>;
  /** The report's rule id -> the rule id written. */
  ruleIds: Map<string, string>;
}

function fileOf(path: string, opts: SarifOptions, memo: RunMemo): { file: string; uri: string } | undefined {
  if (memo.files.has(path)) return memo.files.get(path);
  const file = toRepoPath(path, opts);
  const known = file === undefined ? undefined : { file, uri: pathToUri(file) };
  memo.files.set(path, known);
  return known;
}

function locationOf(f: EvaluatedFinding, opts: SarifOptions, memo: RunMemo): SarifLocation {
  const known = f.location ? fileOf(f.location.path, opts, memo) : undefined;
  let region: SarifRegion = { startLine: 1 };
  let uri: string;
  if (known !== undefined) {
    uri = known.uri;
    const loc = f.location!;
    const line = validInt(loc.line);
    if (line !== undefined) {
      region = { startLine: line };
      const end = validInt(loc.endLine);
      if (end !== undefined && end > line) region.endLine = end;
      const col = validInt(loc.column);
      if (col !== undefined) {
        region.startColumn = col;
        const endCol = validInt(loc.endColumn);
        if (endCol !== undefined && (region.endLine !== undefined || endCol > col)) region.endColumn = endCol;
      }
    }
  } else {
    uri = pathToUri(
      (f.package && opts.dependencyFile ? toRepoPath(opts.dependencyFile, { workspace: opts.workspace }) : undefined) ??
        toRepoPath(f.sourceFile, { workspace: opts.workspace }) ??
        'requirements.txt',
    );
  }
  const out: SarifLocation = { physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region } };
  if (f.package) {
    const name = clip(oneLine(f.package.name), 200);
    out.logicalLocations = [
      { name, fullyQualifiedName: f.package.version ? `${name}==${clip(oneLine(f.package.version), 100)}` : name, kind: 'package' },
    ];
  } else if (known === undefined && f.location) {
    out.logicalLocations = [{ name: clip(oneLine(f.location.path), 300), kind: 'file' }];
  }
  return out;
}

function messageOf(f: EvaluatedFinding, memo: RunMemo): string {
  if (f.package || f.disposition === 'waived') return buildMessage(f);
  let byReason = memo.messages.get(f.title);
  if (!byReason) memo.messages.set(f.title, (byReason = new Map()));
  let text = byReason.get(f.reason);
  if (text === undefined) byReason.set(f.reason, (text = buildMessage(f)));
  return text;
}

function buildMessage(f: EvaluatedFinding): string {
  const parts = [f.title];
  const pkg = packageLine(f);
  if (pkg) parts.push(pkg);
  const action = f.disposition === 'waived' ? `waived (${f.waiver?.id ?? 'waiver'})` : f.disposition;
  parts.push(`Policy: ${f.reason}${f.disposition === 'waived' ? ` · ${action}` : ''}`);
  return sarifText(parts.join(' - '), 2000);
}

function ruleShortText(f: EvaluatedFinding): string {
  if (f.tool === 'pip-audit') {
    const t = f.title && f.title !== f.ruleId ? f.title : `Known vulnerability ${f.ruleId}`;
    return sarifText(t, 300);
  }
  // a descriptive rule name (deptry, vulture, mutmut, gitleaks) describes the rule; else the first title
  if (f.ruleName && /\s/.test(f.ruleName.trim())) return sarifText(f.ruleName, 300);
  return sarifText(f.title || f.ruleName || f.ruleId, 300);
}

function buildRun(t: ToolResult, opts: SarifOptions, max: number): { run: SarifRun; cut?: SarifCut } {
  const kept = firstByPriority([t], max);
  const total = t.findings.length;
  const dropped = total - kept.length;
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const ruleScore = new Map<string, number>();
  const rulePrecision = new Map<string, number>();
  const security = SECURITY_TOOLS.has(t.tool);
  const results: SarifResult[] = [];
  const memo: RunMemo = { files: new Map(), messages: new Map(), ruleIds: new Map() };

  for (const f of kept) {
    let ruleId = memo.ruleIds.get(f.ruleId);
    if (ruleId === undefined) memo.ruleIds.set(f.ruleId, (ruleId = clip(oneLine(f.ruleId || 'unknown'), 255)));
    let idx = ruleIndex.get(ruleId);
    if (idx === undefined) {
      idx = rules.length;
      ruleIndex.set(ruleId, idx);
      const tags = security ? ['security'] : ['maintainability'];
      const rule: SarifRule = { id: ruleId, shortDescription: { text: ruleShortText(f) }, properties: { tags } };
      // SARIF's `name` is an identifier (`assert_used`); descriptive names go to the short description
      if (f.ruleName && f.ruleName !== f.ruleId && /^[A-Za-z0-9_.:/-]{1,100}$/.test(f.ruleName)) rule.name = f.ruleName;
      const help = ruleDocUrl(f);
      if (help) {
        rule.helpUri = help;
        rule.help = { text: `Documentation: ${help}`, markdown: `[Documentation for ${ruleId.replace(/[^A-Za-z0-9._:-]/g, '')}](${help})` };
      }
      rules.push(rule);
    }
    const rule = rules[idx]!;
    if (typeof f.cwe === 'number' && Number.isInteger(f.cwe) && f.cwe > 0) {
      const tag = `external/cwe/cwe-${f.cwe}`;
      if (!rule.properties.tags.includes(tag) && rule.properties.tags.length < MAX_TAGS) rule.properties.tags.push(tag);
    }
    const score = securitySeverity(f);
    if (score !== undefined && score > (ruleScore.get(ruleId) ?? 0)) {
      ruleScore.set(ruleId, score);
      rule.properties['security-severity'] = score.toFixed(1);
    }
    const prec = f.confidence ? PRECISION[f.confidence] : undefined;
    if (prec !== undefined && prec > (rulePrecision.get(ruleId) ?? 0)) {
      rulePrecision.set(ruleId, prec);
      rule.properties.precision = PRECISION_WORD[prec]!;
    }

    const props: SarifResult['properties'] = {
      severity: f.severity,
      effectiveSeverity: f.effectiveSeverity,
      disposition: f.disposition,
      phase2Action: f.phase2Action,
    };
    if (f.confidence && f.confidence !== 'undefined') props.confidence = f.confidence;
    if (f.package) {
      props.package = clip(oneLine(f.package.name), 200);
      if (f.package.version) props.packageVersion = clip(oneLine(f.package.version), 100);
      const fixes = f.package.fixVersions?.filter((v) => typeof v === 'string' && v !== '').map((v) => clip(oneLine(v), 100));
      if (fixes && fixes.length > 0) props.fixVersions = fixes;
    }
    if (f.aliases && f.aliases.length > 0) props.aliases = [...f.aliases].sort().slice(0, 20).map((a) => clip(oneLine(a), 100));
    const r: SarifResult = {
      ruleId,
      ruleIndex: idx,
      level: levelOf(f),
      message: { text: messageOf(f, memo) },
      locations: [locationOf(f, opts, memo)],
      partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint || `${t.tool}:${ruleId}:${whereText(f)}` },
      properties: props,
    };
    if (f.disposition === 'waived') {
      const w = f.waiver;
      r.suppressions = [
        {
          kind: 'external',
          status: 'accepted',
          ...(w ? { justification: clip(oneLine(`${w.id} · owner ${w.owner} · expires ${w.expires} · ${w.reasonCategory}`), 500) } : {}),
        },
      ];
    }
    results.push(r);
  }

  const notifications: Array<{ level: 'error' | 'warning' | 'note'; message: SarifMessage }> = [];
  const level = { error: 'error', warn: 'warning', info: 'note' } as const;
  for (const m of t.messages.slice(0, 20)) notifications.push({ level: level[messageLevel(t)], message: { text: sarifText(m, 1000) } });
  for (const e of t.scanErrors.slice(0, 20)) {
    notifications.push({ level: 'warning', message: { text: sarifText(`${e.path ? `${e.path}: ` : ''}${e.message}`, 1000) } });
  }
  const version = t.toolVersion ?? opts.toolVersions?.[t.tool];
  const driver: SarifRun['tool']['driver'] = { name: toolLabel(t.tool), rules };
  if (version) driver.version = clip(oneLine(version), 100);
  const info = TOOL_INFO_URI[t.tool];
  if (info) driver.informationUri = info;
  const properties: Record<string, unknown> = { 'securityGate/phase': t.phase, 'securityGate/status': t.status };
  if (opts.gateVersion) properties['securityGate/version'] = opts.gateVersion;
  let cut: SarifCut | undefined;
  if (dropped > 0) {
    cut = { tool: t.tool, total, kept: kept.length, dropped };
    properties['securityGate/cut'] = {
      total,
      kept: kept.length,
      dropped,
      reason: `GitHub code scanning accepts at most ${max} results per run: the ${kept.length} most severe were kept (blocking first); the result JSON in the artifact has all ${total}.`,
    };
  }
  const run: SarifRun = {
    tool: { driver },
    invocations: [{ executionSuccessful: t.status === 'ok', ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
    columnKind: 'utf16CodeUnits',
    results,
    properties,
  };
  return cut ? { run, cut } : { run };
}

export function renderSarif(result: GateResult, opts: SarifOptions = {}): SarifRender {
  const max = Math.max(1, Math.min(opts.maxResultsPerRun ?? MAX_RESULTS_PER_RUN, MAX_RESULTS_PER_RUN));
  const runs: SarifRun[] = [];
  const cut: SarifCut[] = [];
  for (const t of result.tools) {
    if (t.status !== 'ok' && t.findings.length === 0) continue;
    const r = buildRun(t, opts, max);
    runs.push(r.run);
    if (r.cut) cut.push(r.cut);
  }
  return { sarif: { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs }, cut };
}

/** One line for the summary / log about the cut, or undefined. */
export function describeSarifCut(cut: readonly SarifCut[]): string | undefined {
  if (cut.length === 0) return undefined;
  return `SARIF: ${cut.map((c) => `${toolLabel(c.tool)} ${c.kept} of ${c.total} results kept (${c.dropped} less severe left out)`).join('; ')} — code scanning accepts at most ${MAX_RESULTS_PER_RUN} results per run.`;
}

/** The SARIF file's text (2-space JSON, final newline) and the cut, for the shell to write. */
export function renderSarifText(result: GateResult, opts: SarifOptions = {}): { text: string; cut: SarifCut[] } {
  const { sarif, cut } = renderSarif(result, opts);
  return { text: `${JSON.stringify(sarif, null, 2)}\n`, cut };
}
