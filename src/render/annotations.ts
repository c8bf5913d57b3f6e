/**
 * File/line annotations, pure: GateResult -> the list of annotations to show, within GitHub's caps.
 *
 * GitHub shows at most 10 annotations of each kind (error, warning, notice) per step and 50 per job.
 * The budget goes to blockers first, then phase-1 findings that would block in phase 2, then other
 * warnings, then info; inside each group most severe first. When anything is left out, the last
 * annotation is one notice that says how many more there are and where to see them (that notice's
 * slot is reserved, so it always fits).
 *
 * Modes (the `annotations` setting):
 * - `none`: nothing.
 * - `blocking`: blocking findings only (errors).
 * - `all` (default): blocking findings (errors) and warnings (warnings) first; info findings become
 *   notices only with the budget that is left (they never displace an error or a warning).
 * Waived findings never get an annotation.
 *
 * Paths from reports are made repository-relative POSIX paths (`toRepoPath`); a finding whose path
 * lies outside the repository keeps its annotation without a `file`.
 */
/* eslint-disable no-control-regex -- control characters in report text are stripped on purpose */
import { toRepoPath, type PathOptions } from '../util/paths.js';
import { TOOL_LABELS, type ToolId } from '../reports/model.js';
import type { EvaluatedFinding, GateResult, ToolResult } from '../policy/result.js';
import { clip, escapeCommandData, escapeCommandProperty, showInvisible } from '../util/escape.js';
import { fixText, mostSevere, ruleText, sortMostSevereFirst, whereText } from './common.js';

/** Longest path put in an annotation's `file=` (PATH_MAX is 4096; longer ones go without a file). */
const MAX_FILE_PROPERTY = 4096;

export type AnnotationMode = 'blocking' | 'all' | 'none';
export const ANNOTATION_MODES: readonly AnnotationMode[] = ['blocking', 'all', 'none'];
export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title: string;
  /** Repository-relative POSIX path; absent when unknown or outside the repository. */
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
}

export interface PlanOptions extends PathOptions {
  mode: AnnotationMode;
  /** Slots already used by the caller's own annotations in this step (e.g. a fallback notice). */
  reserved?: { notice?: number; job?: number };
  /** Annotations of one kind GitHub shows per step (10). */
  perKindCap?: number;
  /** Annotations GitHub shows per job (50). */
  perJobCap?: number;
  /** Where the full list is (the run's URL), named in the overflow notice. */
  detailsUrl?: string;
  /** Words naming where the full list is, default "the job summary and the security-gate-reports artifact". */
  detailsWhere?: string;
}

/** GitHub's display caps for workflow-command annotations. */
export const PER_KIND_CAP = 10;
export const PER_JOB_CAP = 50;
/** Longest title and message (characters) an annotation carries. */
export const TITLE_MAX = 200;
export const MESSAGE_MAX = 4000;

export { toRepoPath, type PathOptions } from '../util/paths.js';
// Paths: see src/util/paths.ts (shared with the engine, which normalises every finding once).


// ---------------------------------------------------------------------------------------------
// Priority

/** 0 blocks, 1 would block in phase 2, 2 warns, 3 info, 4 waived. */
export function priorityOf(f: EvaluatedFinding, tool?: Pick<ToolResult, 'phase'>): number {
  if (f.disposition === 'block') return 0;
  if (f.disposition === 'waived') return 4;
  if (f.disposition === 'warn') return f.phase2Action === 'block' && (tool?.phase ?? 1) === 1 ? 1 : 2;
  return 3;
}

/** Every finding of the result (or of one tool), blockers first, then most severe first. */
export function findingsByPriority(tools: readonly ToolResult[]): EvaluatedFinding[] {
  return firstByPriority(tools, Number.POSITIVE_INFINITY);
}

/**
 * The first `k` of findingsByPriority, without sorting the findings that come after them (SARIF
 * keeps 25,000 of a big report's 80,000).
 */
export function firstByPriority(tools: readonly ToolResult[], k: number): EvaluatedFinding[] {
  const groups: EvaluatedFinding[][] = [[], [], [], [], []];
  for (const t of tools) for (const f of t.findings) groups[priorityOf(f, t)]!.push(f);
  const out: EvaluatedFinding[] = [];
  for (const g of groups) {
    const room = k - out.length;
    if (room <= 0) break;
    for (const f of g.length <= room ? sortMostSevereFirst(g) : mostSevere(g, room)) out.push(f);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text

/** One line, no control characters. */
/** One line; control characters dropped, bidi overrides shown as `[U+202E]` (no Trojan-Source titles). */
function oneLine(text: string): string {
  return showInvisible(text.replace(/\r\n|\r|\n/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' '));
}

/** Keeps newlines, drops other control characters (ANSI escapes and the like), shows bidi overrides. */
function multiLine(text: string): string {
  return showInvisible(text.replace(/\r\n|\r/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, ' '));
}

function toolLabel(tool: ToolId): string {
  return Object.prototype.hasOwnProperty.call(TOOL_LABELS, tool) ? TOOL_LABELS[tool] : String(tool);
}

/** `B324 hashlib`; a long rule name (gitleaks puts its description there) is left to the message. */
function shortRuleText(f: EvaluatedFinding): string {
  return f.ruleName && f.ruleName.length > 60 ? f.ruleId : ruleText(f);
}

function annotationTitle(f: EvaluatedFinding): string {
  return clip(oneLine(`${toolLabel(f.tool)} ${shortRuleText(f)} (${f.effectiveSeverity.toUpperCase()})`), TITLE_MAX);
}

/** `urllib3 1.26.5 → fixed in 1.26.18`, without repeating the package when the title names it. */
export function packageLine(f: EvaluatedFinding): string | undefined {
  if (!f.package) return undefined;
  const fix = fixText(f);
  const fixed = fix ? `fixed in ${fix}` : 'no fixed version known';
  const where = whereText(f);
  return f.title.includes(where) ? fixed.charAt(0).toUpperCase() + fixed.slice(1) : `${where} → ${fixed}`;
}

function annotationMessage(f: EvaluatedFinding, prio: number, located: boolean): string {
  const lines: string[] = [clip(oneLine(f.title), 500)];
  const pkg = packageLine(f);
  if (pkg) {
    lines.push(clip(oneLine(pkg), 300));
  } else if (!located) {
    lines.push(clip(oneLine(`at ${whereText(f)}`), 300));
  }
  const head = prio === 0 ? 'Blocks' : prio === 1 ? 'Would block in phase 2' : prio === 2 ? 'Warning' : 'Info';
  lines.push(clip(oneLine(`${head}: ${f.reason}`), 400));
  return clip(multiLine(lines.join('\n')), MESSAGE_MAX);
}

function levelOf(prio: number): AnnotationLevel {
  return prio === 0 ? 'error' : prio <= 2 ? 'warning' : 'notice';
}

// ---------------------------------------------------------------------------------------------
// Planning

/** One annotation per finding the mode selects, in priority order (not capped). */
export function annotationCandidates(result: GateResult, opts: PathOptions & { mode: AnnotationMode }): Annotation[] {
  return topAnnotationCandidates(result, opts, Number.POSITIVE_INFINITY).candidates;
}

/**
 * The first `limit` candidates of each priority (the same order as annotationCandidates), and how
 * many more each level has. With `limit` = the per-job cap, capAnnotations gives the same plan as
 * with every candidate, without building 80,000 of them for a big report to show fifty.
 */
export function topAnnotationCandidates(
  result: GateResult,
  opts: PathOptions & { mode: AnnotationMode },
  limit: number,
): { candidates: Annotation[]; beyond: Record<AnnotationLevel, number> } {
  const beyond: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  if (opts.mode === 'none') return { candidates: [], beyond };
  const out: Annotation[] = [];
  // groups[prio]: the findings of each priority
  const groups: EvaluatedFinding[][] = [[], [], [], []];
  for (const t of result.tools) {
    for (const f of t.findings) {
      const prio = priorityOf(f, t);
      if (prio === 4) continue;
      if (opts.mode === 'blocking' && prio !== 0) continue;
      groups[prio]!.push(f);
    }
  }
  // Memoized per path: a big report has many findings per file.
  const repoPaths = new Map<string, string | undefined>();
  const repoPath = (raw: string): string | undefined => {
    let p = repoPaths.get(raw);
    if (p === undefined && !repoPaths.has(raw)) repoPaths.set(raw, (p = toRepoPath(raw, opts)));
    return p;
  };
  for (const [prio, g] of groups.entries()) {
    const chosen = limit >= g.length ? sortMostSevereFirst(g) : mostSevere(g, limit);
    beyond[levelOf(prio)] += g.length - chosen.length;
    for (const f of chosen) {
      const path = f.location ? repoPath(f.location.path) : undefined;
      // A path holding bidi overrides (a Trojan-Source file name) is not put in `file=`, where it
      // would be shown as it is: the annotation goes without a file, its message shows the path escaped.
      // Nor a path longer than any real one (a report naming a 20 MiB "file" made a 20 MiB log line).
      const file = path !== undefined && path.length <= MAX_FILE_PROPERTY && showInvisible(path) === path ? path : undefined;
      // Title and message are built on first read: a big report has tens of thousands of candidates
      // and the caps show about fifty of them.
      const located = file !== undefined;
      let title: string | undefined;
      let message: string | undefined;
      const a: Annotation = {
        level: levelOf(prio),
        get title() {
          return (title ??= annotationTitle(f));
        },
        get message() {
          return (message ??= annotationMessage(f, prio, located));
        },
      };
      if (file !== undefined) {
        a.file = file;
        const loc = f.location!;
        const line = validLine(loc.line);
        if (line !== undefined) {
          a.line = line;
          const end = validLine(loc.endLine);
          if (end !== undefined && end > line) a.endLine = end;
          else {
            // columns only on a one-line range (the runner rejects them otherwise)
            const col = validLine(loc.column);
            if (col !== undefined) {
              a.col = col;
              const endCol = validLine(loc.endColumn);
              if (endCol !== undefined && endCol > col) a.endColumn = endCol;
            }
          }
        }
      }
      out.push(a);
    }
  }
  return { candidates: out, beyond };
}

/**
 * A line GitHub can place: a whole number from 1 to 2^31-1 (a report's `1e21` became `line=1e+21`
 * in a workflow command and `start_line: 1e21` in a Checks batch, which GitHub may refuse whole).
 */
function validLine(n: number | undefined): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 0x7fffffff ? n : undefined;
}

export interface AnnotationPlan {
  annotations: Annotation[];
  /** Annotations the mode selected (before the caps). */
  eligible: number;
  /** Selected but not shown, per level. */
  omitted: Record<AnnotationLevel, number>;
}

const LEVEL_WORDS: Record<AnnotationLevel, [string, string]> = {
  error: ['blocking finding', 'blocking findings'],
  warning: ['warning', 'warnings'],
  notice: ['info finding', 'info findings'],
};

/** Applies the caps to candidates that are already in priority order; adds the overflow notice. */
export function capAnnotations(
  candidates: readonly Annotation[],
  opts: {
    perKindCap?: number;
    perJobCap?: number;
    detailsUrl?: string;
    detailsWhere?: string;
    reserved?: { notice?: number; job?: number };
    /** Candidates left out before the caps (topAnnotationCandidates): counted as omitted. */
    beyond?: Record<AnnotationLevel, number>;
  },
): AnnotationPlan {
  const beyond = opts.beyond ?? { error: 0, warning: 0, notice: 0 };
  const eligible = candidates.length + beyond.error + beyond.warning + beyond.notice;
  const perKind = opts.perKindCap ?? PER_KIND_CAP;
  const perJob = Math.max(0, (opts.perJobCap ?? PER_JOB_CAP) - (opts.reserved?.job ?? 0));
  const noticeCap = Math.max(0, perKind - (opts.reserved?.notice ?? 0));
  const take = (kindCap: Record<AnnotationLevel, number>, jobCap: number) => {
    const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
    const shown: Annotation[] = [];
    const omitted: Record<AnnotationLevel, number> = { ...beyond };
    for (const a of candidates) {
      if (used[a.level] < kindCap[a.level] && shown.length < jobCap) {
        used[a.level]++;
        shown.push(a);
      } else omitted[a.level]++;
    }
    return { shown, omitted };
  };
  const full = take({ error: perKind, warning: perKind, notice: noticeCap }, perJob);
  const cut = full.omitted.error + full.omitted.warning + full.omitted.notice;
  if (cut === 0) return { annotations: full.shown, eligible, omitted: full.omitted };
  // No room for the overflow line: show what fits.
  if (noticeCap < 1 || perJob < 1) return { annotations: full.shown, eligible, omitted: full.omitted };
  // Reserve one notice slot and one job slot for the overflow line.
  const capped = take({ error: perKind, warning: perKind, notice: noticeCap - 1 }, perJob - 1);
  const o = capped.omitted;
  const total = o.error + o.warning + o.notice;
  const parts = (['error', 'warning', 'notice'] as const)
    .filter((l) => o[l] > 0)
    .map((l) => `${o[l]} ${o[l] === 1 ? LEVEL_WORDS[l][0] : LEVEL_WORDS[l][1]}`);
  const where = opts.detailsWhere ?? 'the job summary and the security-gate-reports artifact (result JSON, SARIF)';
  const url = opts.detailsUrl ? ` ${oneLine(opts.detailsUrl)}` : '';
  const overflow: Annotation = {
    level: 'notice',
    title: clip(`security-gate: ${total} more ${total === 1 ? 'finding' : 'findings'} not annotated`, TITLE_MAX),
    message: clip(
      `${parts.join(', ')} not shown as annotations: GitHub shows at most ${perKind} annotations of each kind per step and ${perJob} per job, and the most severe were shown first. ` +
        `See every finding in ${where}.${url}`,
      MESSAGE_MAX,
    ),
  };
  return { annotations: [...capped.shown, overflow], eligible, omitted: o };
}

/** The annotations to emit as workflow commands, capped, most severe first, ending with the overflow notice if any. */
export function planAnnotationsDetailed(result: GateResult, opts: PlanOptions): AnnotationPlan {
  const { candidates, beyond } = topAnnotationCandidates(result, opts, opts.perJobCap ?? PER_JOB_CAP);
  return capAnnotations(candidates, { ...opts, beyond });
}

export function planAnnotations(result: GateResult, opts: PlanOptions): Annotation[] {
  return planAnnotationsDetailed(result, opts).annotations;
}

// ---------------------------------------------------------------------------------------------
// Workflow command text (identical to @actions/core's escaping; used for goldens and the CLI)

/** `@actions/core` AnnotationProperties for `core.error/warning/notice(message, properties)`. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

export function toCoreProperties(a: Annotation): AnnotationProperties {
  const p: AnnotationProperties = { title: a.title };
  if (a.file !== undefined) p.file = a.file;
  if (a.line !== undefined) p.startLine = a.line;
  if (a.endLine !== undefined) p.endLine = a.endLine;
  if (a.col !== undefined) p.startColumn = a.col;
  if (a.endColumn !== undefined) p.endColumn = a.endColumn;
  return p;
}

/**
 * The `::error file=…,line=…,title=…::message` line the runner reads, escaped by the runner's rules
 * (properties: `%` `\r` `\n` `:` `,`; message: `%` `\r` `\n`), so untrusted text cannot end the
 * command or start another one. Same output as `core.error(message, toCoreProperties(a))`.
 */
export function formatAnnotationCommand(a: Annotation): string {
  const props: Array<[string, string | number | undefined]> = [
    ['title', a.title],
    ['file', a.file],
    ['line', a.line],
    ['endLine', a.endLine],
    ['col', a.col],
    ['endColumn', a.endColumn],
  ];
  const kv = props.filter(([, v]) => v !== undefined && v !== '' && v !== 0).map(([k, v]) => `${k}=${escapeCommandProperty(String(v))}`);
  return `::${a.level}${kv.length > 0 ? ` ${kv.join(',')}` : ''}::${escapeCommandData(a.message)}`;
}
