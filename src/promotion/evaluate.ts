/**
 * The promotion policy, made measurable (pure: run history in, report out; no I/O, no clock).
 *
 * "Observe at least `window` runs on the branch where the tool executed; the latest `stable-runs`
 * runs where it executed are consecutive, meet the baseline and never regress", plus operational
 * readiness (Justfile recipes, every active waiver has an owner). Each criterion carries its
 * evidence (run ids, numbers, dates, links). A run without data is never a pass: it does not count
 * as an execution and it breaks a consecutive stretch.
 */
import { TOOL_IDS, TOOL_LABELS, type ToolId } from '../reports/model.js';
import type { History, RequestStats, RunRecord, StopReason } from './history.js';
import type { RunToolData } from './result-read.js';
import { clip } from '../util/escape.js';
import { firstAndMore } from '../util/lists.js';

export const PROMOTION_REPORT_SCHEMA_VERSION = 1;
export const PROMOTION_REPORT_KIND = 'security-gate-promotion-report';

export interface RunRef {
  id: number;
  number: number;
  attempt: number;
  createdAt: string;
  url?: string;
}

export interface EvidenceRun extends RunRef {
  /** The number the criterion looked at in this run (baseline count, active findings…). */
  value?: number;
  note?: string;
}

export type CriterionId = 'executed-in-window' | 'stable-consecutive' | 'stable-baseline' | 'stable-no-regression' | 'justfile-recipes' | 'waiver-owners';

export interface Criterion {
  id: CriterionId;
  label: string;
  met: boolean;
  /** Plain words: what was found. */
  detail: string;
  evidence: EvidenceRun[];
}

export interface ToolMetrics {
  runsExamined: number;
  runsWithData: number;
  runsExecuted: number;
  /** Share of examined runs in which the tool ran (0..1). */
  scanCoverage: number | null;
  /** Mean hours from a finding's first run to the first later run without it (same fingerprint). */
  meanTimeToFixHours: number | null;
  findingsFixed: number;
  /** Findings still present in the latest run where the tool executed. */
  findingsOpen: number;
  distinctFindings: number;
  waivedFindings: number;
  /** Waived distinct findings / distinct findings. */
  waiverRate: number | null;
  falsePositives: number;
  /** Distinct findings waived as false positives / distinct findings. */
  falsePositiveRate: number | null;
}

export type TimelineState = 'executed' | 'not-executed' | 'absent' | 'no-data';

export interface TimelineEntry {
  runId: number;
  runNumber: number;
  createdAt: string;
  state: TimelineState;
  /** Baseline count (executed runs). */
  baseline?: number;
  /** Active (not waived) findings (executed runs). */
  active?: number;
  note?: string;
}

export interface ToolPromotion {
  tool: ToolId;
  label: string;
  ready: boolean;
  /** `ready` or `not ready, because …`. */
  verdict: string;
  /** Why it is not ready, one line per unmet criterion. */
  reasons: string[];
  baseline: string;
  criteria: Criterion[];
  metrics: ToolMetrics;
  /** One entry per examined run, newest first. */
  timeline: TimelineEntry[];
}

export interface RunEntry extends RunRef {
  conclusion: string | null;
  event?: string;
  headSha?: string;
  data: 'ok' | 'no-data';
  reason?: string;
  tools?: Array<{ tool: ToolId; status: string }>;
}

export interface JustfileCheck {
  path: string;
  found: boolean;
  /** Why it could not be read, when not found. */
  error?: string;
  recipes: string[];
}

export interface PromotionReport {
  schemaVersion: typeof PROMOTION_REPORT_SCHEMA_VERSION;
  kind: typeof PROMOTION_REPORT_KIND;
  generatedAt: string;
  source: { repository: string; workflow: string; branch: string; events: string[]; artifactName: string; resultFile: string; serverUrl: string };
  policy: { window: number; stableRuns: number; maxRuns: number; strict: boolean; tools: ToolId[] | null; justfile: string; justfileRecipes: string[] };
  verdict: { headline: string; ready: ToolId[]; notReady: ToolId[] };
  collection: { runsExamined: number; runsWithData: number; stoppedBecause: StopReason; skipped: History['skipped'] };
  runs: RunEntry[];
  tools: ToolPromotion[];
  operational: { justfile: { path: string; found: boolean; error?: string; recipes: Array<{ name: string; present: boolean }> } };
  requests: RequestStats;
  notices: string[];
}

export interface EvaluateInput {
  history: History;
  requests: RequestStats;
  source: PromotionReport['source'];
  window: number;
  stableRuns: number;
  maxRuns: number;
  strict: boolean;
  tools?: ToolId[];
  justfile: JustfileCheck;
  requiredRecipes: string[];
  now: Date;
}

interface Baseline {
  description: string;
  /** What must be 0 in every run of the stable stretch. */
  count(t: RunToolData): number;
  unit: string;
}

const active = (t: RunToolData) => t.counts.block + t.counts.warn + t.counts.info;
const sumSeverity = (t: RunToolData) => Object.values(t.severity).reduce((a, b) => a + b, 0);
// New in the change as the gate counted them: every finding when the run did not know the change,
// and one it could not place in the repository when it did (no path, or a path outside it).
const newInChange = (t: RunToolData) =>
  t.findings.filter((f) => (f.inChange === true || (f.inChange === undefined && (!t.changeKnown || f.unplaced === true))) && f.disposition !== 'waived').length;
// HIGH as the gate treated it: a severity Bandit does not define counts as unknown-severity (high by
// default). A result without effective severities counts its unknowns as high (fail closed).
const banditHigh = (t: RunToolData) =>
  t.findings.every((f) => f.effectiveSeverity !== undefined)
    ? t.findings.filter((f) => f.effectiveSeverity === 'high' || f.effectiveSeverity === 'critical').length
    : t.severity.high + t.severity.critical + t.severity.unknown;

/** The team's baselines. Waivers count only where the policy says "after valid waivers". */
export const BASELINES: Record<ToolId, Baseline> = {
  bandit: { description: 'Bandit HIGH = 0', count: banditHigh, unit: 'HIGH' },
  'pip-audit': { description: 'pip-audit vulnerabilities = 0', count: sumSeverity, unit: 'vulnerabilities' },
  gitleaks: { description: 'gitleaks active secrets = 0 (after valid waivers)', count: active, unit: 'active secrets' },
  deptry: { description: 'deptry: no new findings in touched modules', count: newInChange, unit: 'new findings in touched modules' },
  vulture: { description: 'vulture: no new findings in touched modules', count: newInChange, unit: 'new findings in touched modules' },
  mutmut: { description: 'mutmut smoke ran', count: () => 0, unit: '' },
  'secret-scan': { description: 'secrets in added lines = 0 (after valid waivers)', count: active, unit: 'active secrets' },
};

const ref = (r: RunRecord): RunRef => ({ id: r.run.id, number: r.run.number, attempt: r.run.attempt, createdAt: r.run.createdAt, ...(r.run.url ? { url: r.run.url } : {}) });
const label = (r: RunRecord | RunRef) => `run #${'run' in r ? r.run.number : r.number}`;
const round = (n: number, d = 4) => Math.round(n * 10 ** d) / 10 ** d;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

interface Obs {
  index: number;
  record: RunRecord;
  state: TimelineState;
  data?: RunToolData;
  note?: string;
}

function observe(records: RunRecord[], tool: ToolId): Obs[] {
  return records.map((record, index) => {
    if (record.data.kind !== 'ok') return { index, record, state: 'no-data', note: record.data.reason };
    const data = record.data.result.tools.find((t) => t.tool === tool);
    if (!data) return { index, record, state: 'absent', note: 'not in this run\'s result' };
    if (data.status !== 'ok') return { index, record, state: 'not-executed', data, note: `${data.status}${data.messages[0] ? `: ${data.messages[0]}` : ''}` };
    return { index, record, state: 'executed', data };
  });
}

function gapNote(o: Obs, tool: ToolId): string {
  switch (o.state) {
    case 'no-data':
      return `${label(o.record)}${o.record.run.conclusion && o.record.run.conclusion !== 'success' ? ` (${o.record.run.conclusion})` : ''} has no data (${o.note})`;
    case 'absent':
      return `${TOOL_LABELS[tool]} is not in ${label(o.record)}'s result`;
    default:
      return `${TOOL_LABELS[tool]} did not execute in ${label(o.record)} (${o.note})`;
  }
}

function metricsFor(obs: Obs[]): ToolMetrics {
  const executed = obs.filter((o) => o.state === 'executed');
  const chrono = [...executed].reverse();
  const open = new Map<string, number>();
  const fixes: number[] = [];
  const distinct = new Set<string>();
  const waived = new Set<string>();
  const fps = new Set<string>();
  for (const o of chrono) {
    const at = Date.parse(o.record.run.createdAt);
    const present = new Set(o.data!.findings.map((f) => f.fingerprint));
    for (const [fp, since] of open) {
      if (!present.has(fp)) {
        if (Number.isFinite(at) && Number.isFinite(since)) fixes.push((at - since) / 3_600_000);
        open.delete(fp);
      }
    }
    for (const f of o.data!.findings) {
      if (!open.has(f.fingerprint)) open.set(f.fingerprint, at);
      distinct.add(f.fingerprint);
      if (f.disposition === 'waived') {
        waived.add(f.fingerprint);
        if (f.waiver?.reasonCategory && /false[\s_-]*positive/i.test(f.waiver.reasonCategory)) fps.add(f.fingerprint);
      }
    }
  }
  const rate = (n: number) => (distinct.size === 0 ? null : round(n / distinct.size));
  return {
    runsExamined: obs.length,
    runsWithData: obs.filter((o) => o.state !== 'no-data').length,
    runsExecuted: executed.length,
    scanCoverage: obs.length === 0 ? null : round(executed.length / obs.length),
    meanTimeToFixHours: fixes.length === 0 ? null : round(fixes.reduce((a, b) => a + b, 0) / fixes.length, 2),
    findingsFixed: fixes.length,
    findingsOpen: open.size,
    distinctFindings: distinct.size,
    waivedFindings: waived.size,
    waiverRate: rate(waived.size),
    falsePositives: fps.size,
    falsePositiveRate: rate(fps.size),
  };
}

function evaluateTool(tool: ToolId, input: EvaluateInput, justfileCriterion: Criterion): ToolPromotion {
  const obs = observe(input.history.records, tool);
  const executed = obs.filter((o) => o.state === 'executed');
  const baseline = BASELINES[tool];
  const ev = (o: Obs, value?: number, note?: string): EvidenceRun => ({ ...ref(o.record), ...(value !== undefined ? { value } : {}), ...(note ? { note } : {}) });
  const criteria: Criterion[] = [];

  // 1. Executed in at least `window` runs.
  criteria.push({
    id: 'executed-in-window',
    label: `executed in at least ${input.window} runs`,
    met: executed.length >= input.window,
    detail: `executed in ${executed.length} of ${plural(obs.length, 'run')} examined${executed.length >= input.window ? '' : ` (needs ${input.window})`}`,
    evidence: executed.map((o) => ev(o)),
  });

  // 2. The latest `stable-runs` executed runs are consecutive.
  const stretch = executed.slice(0, input.stableRuns);
  const enough = stretch.length === input.stableRuns;
  const first = stretch[0];
  const last = stretch.at(-1);
  const gaps = first && last ? obs.slice(first.index, last.index + 1).filter((o) => o.state !== 'executed') : [];
  // The stretch must reach the newest run examined: a tool that stopped running is not ready, however
  // good its past, and a newer run without data proves nothing (so less data can never make a tool ready).
  const stopped = first ? obs.slice(0, first.index) : [];
  const breaks = [...stopped, ...gaps];
  const list = (xs: Obs[]) => firstAndMore(xs, 3, { show: (g) => gapNote(g, tool), more: (k) => `and ${k} more` }).join('; ');
  criteria.push({
    id: 'stable-consecutive',
    label: `latest ${input.stableRuns} runs where it executed are consecutive, up to the newest run`,
    met: enough && breaks.length === 0,
    detail: !enough
      ? `only ${plural(stretch.length, 'run')} where it executed (needs ${input.stableRuns})`
      : breaks.length === 0
        ? `${label(last!.record)} to ${label(first!.record)}, no gap`
        : [stopped.length > 0 ? `newer runs without it: ${list(stopped)}` : '', gaps.length > 0 ? `broken: ${list(gaps)}` : ''].filter(Boolean).join('; '),
    evidence: [...stretch.map((o) => ev(o)), ...breaks.map((g) => ev(g, undefined, gapNote(g, tool)))].sort((a, b) => b.number - a.number || b.id - a.id),
  });

  // 3. Each run of the stretch meets the baseline. A run where the tool could not scan some files
  // (the gate's scan errors: "never a pass") cannot show it: what those files hold is unknown.
  const counts = stretch.map((o) => ({ o, n: baseline.count(o.data!), unscanned: o.data!.notScanned }));
  const failing = counts.filter((c) => c.n > 0 || c.unscanned > 0);
  const why = (c: (typeof counts)[number]) =>
    [c.n > 0 ? `${c.n} ${baseline.unit}` : '', c.unscanned > 0 ? `${plural(c.unscanned, 'file')} not scanned` : ''].filter(Boolean).join(', ');
  criteria.push({
    id: 'stable-baseline',
    label: `meets the baseline (${baseline.description}) in those runs`,
    met: enough && failing.length === 0,
    detail: !enough
      ? `cannot tell: only ${plural(stretch.length, 'run')} where it executed`
      : failing.length === 0
        ? `met in all ${input.stableRuns} runs`
        : `not met in ${failing.map((f) => `${label(f.o.record)} (${why(f)})`).join(', ')}`,
    evidence: counts.map((c) => ev(c.o, c.n, c.unscanned > 0 ? `${plural(c.unscanned, 'file')} not scanned` : undefined)),
  });

  // 4. No regression inside the stretch: the active-finding count never rises, run to run.
  const chrono = [...stretch].reverse().map((o) => ({ o, n: active(o.data!) }));
  const rises: string[] = [];
  for (let i = 1; i < chrono.length; i++) {
    const a = chrono[i - 1]!;
    const b = chrono[i]!;
    if (b.n > a.n) rises.push(`active findings rose from ${a.n} (${label(a.o.record)}) to ${b.n} (${label(b.o.record)})`);
  }
  criteria.push({
    id: 'stable-no-regression',
    label: 'never regresses in those runs (active findings do not rise run to run)',
    met: enough && rises.length === 0,
    detail: !enough ? `cannot tell: only ${plural(stretch.length, 'run')} where it executed` : rises.length === 0 ? `active findings ${chrono.map((c) => c.n).join(' → ')}` : rises.join('; '),
    evidence: [...chrono].reverse().map((c) => ev(c.o, c.n)),
  });

  // 5. Operational: the Justfile recipes (same for every tool).
  criteria.push(justfileCriterion);

  // 6. Operational: every active waiver (applied in the latest run where it executed) has an owner.
  const latest = executed[0];
  if (!latest) {
    criteria.push({ id: 'waiver-owners', label: 'every active waiver has an owner', met: false, detail: 'cannot tell: no run where it executed', evidence: [] });
  } else {
    const waived = latest.data!.findings.filter((f) => f.disposition === 'waived');
    const ownerless = waived.filter((f) => !f.waiver?.owner?.trim());
    // Named from an old artifact: shortened, or one crafted id would fill the log and the reports.
    const ids = [...new Set(ownerless.map((f) => clip(f.waiver?.id ?? `(no waiver record: ${f.fingerprint})`, 200)))];
    criteria.push({
      id: 'waiver-owners',
      label: 'every active waiver has an owner',
      met: ownerless.length === 0,
      detail:
        waived.length === 0
          ? `no active waiver in ${label(latest.record)}`
          : ownerless.length === 0
            ? `${plural(waived.length, 'waived finding')} in ${label(latest.record)}, every waiver has an owner`
            : `${plural(ownerless.length, 'waived finding')} in ${label(latest.record)} without an owner: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`,
      evidence: [ev(latest, ownerless.length)],
    });
  }

  const reasons = criteria.filter((c) => !c.met).map((c) => `${c.label}: ${c.detail}`);
  const ready = reasons.length === 0;
  return {
    tool,
    label: TOOL_LABELS[tool],
    ready,
    verdict: ready ? 'ready' : `not ready, because ${reasons.join('; ')}`,
    reasons,
    baseline: baseline.description,
    criteria,
    metrics: metricsFor(obs),
    timeline: obs.map((o) => ({
      runId: o.record.run.id,
      runNumber: o.record.run.number,
      createdAt: o.record.run.createdAt,
      state: o.state,
      ...(o.state === 'executed' ? { baseline: baseline.count(o.data!), active: active(o.data!) } : {}),
      ...(o.note ? { note: o.note } : {}),
    })),
  };
}

function justfileCriterion(j: JustfileCheck, required: string[]): { criterion: Criterion; recipes: Array<{ name: string; present: boolean }> } {
  const recipes = required.map((name) => ({ name, present: j.recipes.includes(name) }));
  const missing = recipes.filter((r) => !r.present).map((r) => r.name);
  return {
    recipes,
    criterion: {
      id: 'justfile-recipes',
      label: `the Justfile has the local recipes (${required.join(', ')})`,
      met: j.found && missing.length === 0,
      detail: !j.found ? (j.error ? `${j.path}: ${j.error}` : `no Justfile at ${j.path}`) : missing.length === 0 ? `${j.path} defines all ${required.length}` : `${j.path} lacks ${missing.join(', ')}`,
      evidence: [],
    },
  };
}

/** The whole report. Pure. */
export function evaluatePromotion(input: EvaluateInput): PromotionReport {
  const { records } = input.history;
  const seen = new Set<ToolId>();
  const unknown = new Set<string>();
  for (const r of records) {
    if (r.data.kind !== 'ok') continue;
    for (const t of r.data.result.tools) seen.add(t.tool);
    for (const u of r.data.result.unknownTools) unknown.add(u);
  }
  const tools = input.tools ?? TOOL_IDS.filter((t) => seen.has(t));
  const jf = justfileCriterion(input.justfile, input.requiredRecipes);
  const results = tools.map((t) => evaluateTool(t, input, jf.criterion));
  const ready = results.filter((r) => r.ready).map((r) => r.tool);
  const notReady = results.filter((r) => !r.ready).map((r) => r.tool);
  const withData = records.filter((r) => r.data.kind === 'ok').length;

  const notices: string[] = [];
  const noData = records.length - withData;
  if (noData > 0) notices.push(`${plural(noData, 'run')} of ${records.length} examined had no data (expired or missing artifact, or unreadable result): they prove nothing, and a stretch of evidence cannot reach across them.`);
  if (input.history.stoppedBecause === 'max-runs') notices.push(`Stopped after max-runs (${input.maxRuns}) runs before every tool had ${input.window} runs where it executed.`);
  if (input.history.stoppedBecause === 'no-more-runs') notices.push(`The workflow has only ${records.length} completed run(s) on ${input.source.branch} (window ${input.window}).`);
  const sk = input.history.skipped;
  const was = (n: number) => (n === 1 ? 'was' : 'were');
  if (sk.inProgress > 0) notices.push(`${plural(sk.inProgress, 'run')} not completed yet ${was(sk.inProgress)} skipped.`);
  if (sk.duplicates > 0) notices.push(`${plural(sk.duplicates, 'repeated run id')} in the listing (re-runs or page shifts) counted once.`);
  if (sk.pullRequest > 0) notices.push(`${plural(sk.pullRequest, 'pull-request run')} (or runs from another repository) ${was(sk.pullRequest)} skipped: only the branch's own runs count.`);
  if (sk.otherBranch > 0) notices.push(`${plural(sk.otherBranch, 'run')} of another branch in the listing ${was(sk.otherBranch)} skipped.`);
  if (sk.otherEvent > 0) notices.push(`${plural(sk.otherEvent, 'run')} of another event (not ${input.source.events.join(', ')}) ${was(sk.otherEvent)} skipped: such runs may check out a pull request's code.`);
  if (unknown.size > 0) notices.push(`Result files name tools this version does not know (ignored): ${[...unknown].sort().join(', ')}.`);
  for (const t of input.tools ?? []) if (!seen.has(t)) notices.push(`${TOOL_LABELS[t]} was asked for but appears in no examined run.`);
  if (tools.length === 0) notices.push('No tool to judge: no examined run had a readable result.');

  const headline =
    tools.length === 0
      ? 'No tool can be judged: no readable gate result in the examined runs'
      : ready.length === 0
        ? `No tool is ready for phase 2 (${tools.length} judged)`
        : `${ready.length} of ${tools.length} tools ready for phase 2: ${ready.map((t) => TOOL_LABELS[t]).join(', ')}`;

  return {
    schemaVersion: PROMOTION_REPORT_SCHEMA_VERSION,
    kind: PROMOTION_REPORT_KIND,
    generatedAt: input.now.toISOString(),
    source: input.source,
    policy: {
      window: input.window,
      stableRuns: input.stableRuns,
      maxRuns: input.maxRuns,
      strict: input.strict,
      tools: input.tools ?? null,
      justfile: input.justfile.path,
      justfileRecipes: input.requiredRecipes,
    },
    verdict: { headline, ready, notReady },
    collection: { runsExamined: records.length, runsWithData: withData, stoppedBecause: input.history.stoppedBecause, skipped: input.history.skipped },
    runs: records.map((r) => ({
      ...ref(r),
      conclusion: r.run.conclusion,
      ...(r.run.event ? { event: r.run.event } : {}),
      ...(r.run.headSha ? { headSha: r.run.headSha } : {}),
      data: r.data.kind,
      ...(r.data.kind === 'no-data' ? { reason: r.data.reason } : { tools: r.data.result.tools.map((t) => ({ tool: t.tool, status: t.status })) }),
    })),
    tools: results,
    operational: { justfile: { path: input.justfile.path, found: input.justfile.found, ...(input.justfile.error ? { error: input.justfile.error } : {}), recipes: jf.recipes } },
    requests: input.requests,
    notices,
  };
}
