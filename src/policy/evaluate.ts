/**
 * The policy, pure: tool inputs (parsed reports or the reason there are none) + settings + now ->
 * GateResult. No I/O, no clock, no environment.
 */
import picomatch from 'picomatch';
import { thresholdsFor, usesChangeScopes, type ActionMap, type Settings, type ToolThresholds } from '../config/schema.js';
import {
  TOOL_IDS,
  TOOL_LABELS,
  severityRank,
  type Finding,
  type ParsedReport,
  type Severity,
  type ToolId,
} from '../reports/model.js';
import {
  RESULT_SCHEMA_VERSION,
  type Action,
  type DispositionCounts,
  type EvaluatedFinding,
  type FileRead,
  type GateResult,
  type Phase,
  type SeverityCounts,
  type ToolResult,
  type ToolStatus,
  type Verdict,
} from './result.js';
import { pushAll } from '../util/lists.js';

/** What the gate knows about one tool before the policy runs. */
export interface ToolInput {
  tool: ToolId;
  /** `missing`: the input was set but matched no file. `error`: a file could not be read or parsed. */
  status: ToolStatus;
  messages: string[];
  files: FileRead[];
  reports: ParsedReport[];
  /**
   * Paths findings name that are not inside the repository (`../src/x.py`, another machine's
   * absolute path, `<stdin>`), kept as written: they count as in a critical path and, when the
   * change is asked for, in the change (fail closed), and a notice says so.
   */
  outsidePaths?: Set<string>;
}

/** What stands for the critical-path glob of a path outside the repository. */
export const OUTSIDE_REPOSITORY = 'outside the repository: fail closed';
/** ... and of a finding without a file, from a tool whose findings name one. */
const NO_FILE = 'no file named: fail closed';
const NAMES_FILES: ReadonlySet<ToolId> = new Set<ToolId>(['bandit', 'gitleaks', 'vulture', 'secret-scan']);

/** The change under review, as far as the policy needs it. */
export interface ChangeScope {
  known: boolean;
  /** Plain words when unknown. */
  reason?: string;
  isTouched(path: string): boolean;
}

export interface WaiverMatch {
  id: string;
  owner: string;
  expires: string;
  reasonCategory: string;
}

export interface EvaluateOptions {
  settings: Settings;
  now: Date;
  change?: ChangeScope;
  /** Waivers hook: returns the waiver that applies to a finding, if any. */
  waive?: (f: EvaluatedFinding) => WaiverMatch | undefined;
  /** The severity lookup already said how many pip-audit severities are unknown and why (no second notice). */
  unknownExplained?: boolean;
  /** Extra tool-level checks (e.g. mutmut: an empty run is an error). Returns messages that make the tool `error`. */
  toolChecks?: Partial<Record<ToolId, (t: ToolInput, findings: Finding[]) => string[]>>;
}

export function basePhase(settings: Settings, now: Date): Phase {
  if (settings.phase === '2') return 2;
  if (settings.phase === '1') return 1;
  const from = settings['phase-2-from'];
  return from !== undefined && now.toISOString().slice(0, 10) >= from ? 2 : 1;
}

export function phaseOf(tool: ToolId, settings: Settings, now: Date): Phase {
  return settings['phase-2-tools'].includes(tool) ? 2 : basePhase(settings, now);
}

/** Compiles the critical-path globs once; returns the first glob that matches a path. */
export function criticalPathMatcher(globs: string[]): (path: string) => string | undefined {
  // picomatch's own matcher builds a result object per call; its regex alone answers the same for
  // the POSIX paths findings carry (18,000 files x 15 default globs on the big report).
  const compiled = globs.map((g) => {
    const re = picomatch.makeRe(g, { dot: true, nocase: false });
    return { g, m: (path: string) => path !== '' && (path === g || re.test(path)) };
  });
  // Not memoized: evaluate asks once per run of findings in one file, and a map of 18,000 paths
  // cost more than the regexes it saved.
  return (path) => compiled.find((c) => c.m(path))?.g;
}

function lookup(t: ToolThresholds, sev: Severity, critical: boolean, inChange: boolean | undefined): { action?: Action; scope: string } {
  const pick = (m: ActionMap | undefined) => m?.[sev];
  if (critical && pick(t['critical-path'])) return { action: pick(t['critical-path']), scope: 'critical-path' };
  if (inChange === true && pick(t.changed)) return { action: pick(t.changed), scope: 'changed' };
  if (inChange === false && pick(t.unchanged)) return { action: pick(t.unchanged), scope: 'unchanged' };
  return { action: pick(t.default), scope: 'default' };
}

/** What the policy decides for a finding. */
interface Outcome {
  effective: Severity;
  action: Action;
  phase2Action: Action;
  reason: string;
}

/** What the policy needs to know of a path, and its outcomes by severity and raw severity. */
interface PathFacts {
  critical: string | undefined;
  inChange: boolean | undefined;
  /** inChange is not a fact but fail closed: no path to match (or one outside the repository). */
  assumed?: 'no-path' | 'outside';
  /** The path is outside the repository. */
  outside?: boolean;
  outcomes: Map<Severity, Map<string | undefined, Outcome>>;
}

const SEV_WORD: Record<Severity, string> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  info: 'info',
  unknown: 'unknown',
};

function emptySeverity(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 };
}
function emptyCounts(): DispositionCounts {
  return { block: 0, warn: 0, info: 0, waived: 0, wouldBlock: 0 };
}

export function evaluate(inputs: ToolInput[], opts: EvaluateOptions): GateResult {
  const { settings, now } = opts;
  const isCritical = criticalPathMatcher(settings['critical-paths']);
  const unknownAs = settings['unknown-severity'] as Severity;
  const notices: string[] = [];
  const tools: ToolResult[] = [];

  const ordered = [...inputs].sort((a, b) => TOOL_IDS.indexOf(a.tool) - TOOL_IDS.indexOf(b.tool));
  for (const input of ordered) {
    const phase = phaseOf(input.tool, settings, now);
    const thresholds = thresholdsFor(settings, input.tool);
    // Phase 1's own `changed`/`unchanged` scopes too (they were looked up without the change).
    const usesChange = usesChangeScopes(thresholds);
    const raw = input.reports.length === 1 ? (input.reports[0] as ParsedReport).findings : input.reports.flatMap((r) => r.findings);
    const messages = [...input.messages];
    let status = input.status;
    const extra = opts.toolChecks?.[input.tool]?.(input, raw) ?? [];
    if (extra.length > 0) {
      status = 'error';
      pushAll(messages, extra);
    }

    const findings: EvaluatedFinding[] = [];
    let unknownMapped = 0;
    let outsideFindings = 0;
    // What the policy decides for a finding depends only on its path's facts (critical path, in the
    // change) and its severities: worked out once per combination. A big report lists a file's
    // findings one after another, so the facts are worked out when the path changes.
    const outcomesByFacts = new Map<string, PathFacts['outcomes']>();
    const factsOf = (path: string | undefined): PathFacts => {
      const outside = path !== undefined && input.outsidePaths?.has(path) === true;
      // Without a path inside the repository, the change cannot be matched: counted as new (fail
      // closed), as when the change is unknown; not recorded as a fact (inChange).
      const assumed = opts.change && (path === undefined || outside) ? (outside ? 'outside' : 'no-path') : undefined;
      // A tool whose findings name files, with one that names none (a SARIF result without a
      // location): where it is cannot be matched with the critical paths either (fail closed).
      const critical = outside ? OUTSIDE_REPOSITORY : path === undefined ? (NAMES_FILES.has(input.tool) ? NO_FILE : undefined) : isCritical(path);
      const inChange = !opts.change ? undefined : assumed || !opts.change.known ? true : opts.change.isTouched(path as string);
      const key = `${critical ?? ''}|${inChange ?? ''}|${assumed ?? ''}`;
      let outcomes = outcomesByFacts.get(key);
      if (outcomes === undefined) outcomesByFacts.set(key, (outcomes = new Map()));
      return { critical, inChange, assumed, outside, outcomes };
    };
    const outcomeOf = (f: Finding, critical: string | undefined, inChange: boolean | undefined, assumed: PathFacts['assumed']): Outcome => {
      // Fail closed: a severity nobody could establish (pip-audit's, when the lookups fail) or a
      // word the tool never writes (Bandit `CRITICAL`, `" HIGH"`) counts as unknown-severity.
      const effective: Severity = f.severity === 'unknown' ? unknownAs : f.severity;
      const changeFact = usesChange ? inChange : undefined;
      const p2 = lookup(thresholds, effective, critical !== undefined, changeFact);
      const phase2Action: Action = p2.action ?? 'info';
      let action = phase2Action;
      if (phase === 1) {
        const p1 = thresholds['phase-1'] ? lookup(thresholds['phase-1'], effective, critical !== undefined, changeFact).action : undefined;
        action = p1 ?? action;
        if (action === 'block') action = 'warn';
      }
      return { effective, action, phase2Action, reason: reasonFor(input.tool, f, effective, phase2Action, p2.scope, critical, inChange, opts.change, assumed) };
    };
    let lastPath: string | undefined;
    let facts = factsOf(undefined);
    const noPath = facts;
    for (const f of raw) {
      const path = f.location?.path;
      if (path === undefined) facts = noPath;
      else if (path !== lastPath) facts = factsOf(path);
      lastPath = path;
      const { critical, inChange, assumed } = facts;
      if (facts.outside) outsideFindings++;
      let bySeverity = facts.outcomes.get(f.severity);
      if (bySeverity === undefined) facts.outcomes.set(f.severity, (bySeverity = new Map()));
      let o = bySeverity.get(f.rawSeverity);
      if (o === undefined) bySeverity.set(f.rawSeverity, (o = outcomeOf(f, critical, inChange, assumed)));
      const { effective, phase2Action, reason } = o;
      if (effective !== f.severity) unknownMapped++;
      const ef: EvaluatedFinding = {
        ...f,
        disposition: o.action,
        phase2Action,
        effectiveSeverity: effective,
        reason,
      };
      // Recorded only when the change is known; unknown counts as new for the policy, not as a fact.
      if (inChange !== undefined && opts.change?.known && assumed === undefined) ef.inChange = inChange;
      const w = opts.waive?.(ef);
      if (w) {
        ef.disposition = 'waived';
        ef.waiver = w;
      }
      findings.push(ef);
    }
    // Blocking first, then most severe, then by path and line. The keys are computed once per
    // finding (a comparator working them out costs seconds' worth of calls on 80k findings).
    const keyed = findings.map((f) => ({ f, rank: dispRank(f.disposition) * 8 + severityRank(f.effectiveSeverity), where: f.location?.path ?? f.package?.name ?? '', line: f.location?.line ?? 0 }));
    keyed.sort((a, b) => b.rank - a.rank || compareText(a.where, b.where) || a.line - b.line);
    for (let i = 0; i < keyed.length; i++) findings[i] = (keyed[i] as (typeof keyed)[number]).f;

    const severity = emptySeverity();
    const counts = emptyCounts();
    for (const f of findings) {
      severity[f.severity]++;
      counts[f.disposition]++;
      if (f.phase2Action === 'block' && f.disposition !== 'waived') counts.wouldBlock++;
    }
    if (unknownMapped > 0 && !(opts.unknownExplained && input.tool === 'pip-audit')) {
      notices.push(
        input.tool === 'pip-audit'
          ? `${TOOL_LABELS[input.tool]}: ${unknownMapped} ${unknownMapped === 1 ? 'vulnerability has' : 'vulnerabilities have'} no known severity and ${unknownMapped === 1 ? 'is' : 'are'} treated as ${unknownAs} (unknown-severity; fail closed).`
          : `${TOOL_LABELS[input.tool]}: ${unknownMapped} ${unknownMapped === 1 ? 'finding has a severity' : 'findings have severities'} the tool does not define and ${unknownMapped === 1 ? 'is' : 'are'} treated as ${unknownAs} (unknown-severity; fail closed).`,
      );
    }
    if (outsideFindings > 0 && input.outsidePaths) {
      const n = outsideFindings;
      const example = [...input.outsidePaths][0] as string;
      notices.push(
        `${TOOL_LABELS[input.tool]}: ${n} ${n === 1 ? 'finding names a path' : 'findings name paths'} the gate cannot place in the repository (such as ${JSON.stringify(clipText(example))}): counted as in a critical path${opts.change ? ' and in the change' : ''} (fail closed). Run the scanner from the repository's root on relative paths (an absolute path from another machine cannot be placed), or set scan-root to the directory it ran in.`,
      );
    }
    const reports = input.reports;
    // Files the scanner could not read (Bandit `errors`: a syntax it cannot parse) hide whatever
    // they hold: never a pass. One in a critical path (or outside the repository) is an error of
    // the scan, as a broken report is (fail closed: a pull request cannot hide a critical file's
    // findings by making it unreadable to the scanner); the others make the verdict warn.
    const scanErrors = reports.flatMap((r) => r.scanErrors);
    const critical = scanErrors.filter((e) => e.path !== undefined && (input.outsidePaths?.has(e.path) === true || isCritical(e.path) !== undefined));
    if (critical.length > 0) {
      const e = critical[0] as (typeof critical)[number];
      const where = input.outsidePaths?.has(e.path as string) ? 'that the gate cannot place in the repository' : 'in a critical path';
      status = 'error';
      messages.push(
        `${TOOL_LABELS[input.tool]} could not scan ${critical.length === 1 ? 'a file' : `${critical.length} files`} in a critical path or outside the repository, such as ${JSON.stringify(clipText(e.path as string))} (${where}: ${clipText(e.message)}): what ${critical.length === 1 ? 'it holds' : 'they hold'} is unknown (fail closed).`,
      );
    }
    const stats: Record<string, number> = {};
    if (critical.length > 0) stats.notScannedCritical = critical.length;
    // Counters add up across files; a score (a ratio) cannot, so the lowest one is kept.
    for (const r of reports) for (const [k, v] of Object.entries(r.stats)) stats[k] = k === 'score' ? Math.min(stats[k] ?? v, v) : (stats[k] ?? 0) + v;
    const versions = [...new Set(reports.map((r) => r.toolVersion).filter((v): v is string => !!v))];
    const tr: ToolResult = {
      tool: input.tool,
      phase,
      status,
      messages,
      files: input.files,
      findings,
      skipped: reports.flatMap((r) => r.skipped),
      scanErrors,
      stats,
      severity,
      counts,
    };
    if (status === 'missing') tr.missingAs = settings['on-missing-report'];
    if (versions.length > 0) tr.toolVersion = versions.join(', ');
    tools.push(tr);
  }

  if (opts.change && !opts.change.known && tools.some((t) => usesChangeScopes(thresholdsFor(settings, t.tool)))) {
    const reason = opts.change.reason ?? 'no reason given.';
    notices.push(`The change under review is unknown: ${reason}${/fail closed/i.test(reason) ? '' : `${/[.!?]$/.test(reason) ? '' : '.'} Every finding counts as new (fail closed).`}`);
  }

  const onMissing = settings['on-missing-report'];
  const isErrorTool = (t: ToolResult) => t.status === 'error' || (t.status === 'missing' && onMissing === 'error');
  const totals = { ...emptyCounts(), findings: 0 };
  for (const t of tools) {
    totals.findings += t.findings.length;
    for (const k of DISPOSITION_KEYS) totals[k] += t.counts[k];
  }
  let verdict: Verdict;
  if (tools.some(isErrorTool)) verdict = 'error';
  else if (tools.some((t) => t.phase === 2 && t.counts.block > 0)) verdict = 'block';
  else if (totals.warn > 0 || totals.wouldBlock > 0 || tools.some((t) => (t.status === 'missing' && onMissing === 'warn') || t.scanErrors.length > 0)) verdict = 'warn';
  else verdict = 'pass';
  // Block, or an error in a phase-2 tool. Fail closed: blocks in a phase-2 tool still fail the gate
  // when another (phase-1) tool's error made the verdict `error`.
  const shouldFail = verdict === 'block' || tools.some((t) => t.phase === 2 && (isErrorTool(t) || t.counts.block > 0));

  const base = basePhase(settings, now);
  const result: GateResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    generatedAt: now.toISOString(),
    verdict,
    shouldFail,
    headline: '',
    phase: {
      setting: settings.phase,
      base,
      phase2Tools: settings['phase-2-tools'],
      ...(settings['phase-2-from'] ? { phase2From: settings['phase-2-from'] } : {}),
    },
    tools,
    totals,
    notices,
  };
  return result;
}

/** Untrusted text quoted in a message: clipped (renderers escape it). */
function clipText(s: string, max = 120): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

const DISPOSITION_KEYS = ['block', 'warn', 'info', 'waived', 'wouldBlock'] as const;

/** Code-unit order: deterministic and cheap (localeCompare loads ICU collation, slow on 80k findings). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function dispRank(d: EvaluatedFinding['disposition']): number {
  return d === 'block' ? 3 : d === 'warn' ? 2 : d === 'info' ? 1 : 0;
}

function reasonFor(
  tool: ToolId,
  f: Finding,
  effective: Severity,
  action: Action,
  scope: string,
  critical: string | undefined,
  inChange: boolean | undefined,
  change: ChangeScope | undefined,
  assumed?: PathFacts['assumed'],
): string {
  const sev = f.rawSeverity && tool === 'bandit' ? f.rawSeverity : SEV_WORD[effective];
  const parts: string[] = [];
  if (f.severity === 'unknown' && effective !== 'unknown') parts.push(`severity unknown, treated as ${effective} (unknown-severity)`);
  else parts.push(`${TOOL_LABELS[tool]} ${sev}`);
  if (scope === 'critical-path' && critical) parts.push(`in a critical path (${critical})`);
  else if (critical && tool === 'bandit') parts.push(`in a critical path (${critical})`);
  if (scope === 'changed') {
    parts.push(
      assumed === 'no-path'
        ? 'no file to match with the change: counted as new'
        : assumed === 'outside'
          ? 'not matched with the change: counted as new'
          : change && !change.known
            ? 'change unknown: counted as new'
            : 'in a file this change touches',
    );
  }
  else if (inChange === false && (tool === 'deptry' || tool === 'vulture')) parts.push('existing debt: file not touched');
  return `${parts.join(' ')} -> ${action}`;
}
