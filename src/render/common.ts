/**
 * Shared bits of the renderers (summary Markdown, terminal text): words for verdicts and severities,
 * finding labels, the order "most severe first", rule documentation links and the one headline.
 * Pure: everything returned here is PLAIN, UNESCAPED text; each renderer escapes for its channel.
 */
import { TOOL_IDS, TOOL_LABELS, severityRank, type Severity, type ToolId } from '../reports/model.js';
import type { EvaluatedFinding, GateResult, ToolResult, Verdict } from '../policy/result.js';
import { safeHttpUrl } from '../util/escape.js';

/** Default number of findings listed per section. */
export const DEFAULT_MAX_LISTED = 50;

/**
 * The longest "reproduce locally" command shown. A longer one is not shown at all (with a word why):
 * cut, it ran with other settings than CI (a flag's value ended mid-glob) or not at all (an open
 * quote), and the reader copies it. It is long only when a policy names very many globs or logins.
 */
export const REPRODUCE_MAX_CHARS = 20_000;

/** Why a command over REPRODUCE_MAX_CHARS is not shown. */
export function reproduceTooLong(command: string): string {
  return `the command is ${command.length.toLocaleString('en-US')} characters long, too long to show; run the CLI with the workflow's inputs and --policy-file`;
}

/** Longest piece of untrusted text shown in one place (characters, before escaping). */
export const CLIP = { where: 160, rule: 100, title: 160, reason: 200, message: 300, version: 40, notice: 400 } as const;

export const VERDICT_EMOJI: Record<Verdict, string> = { pass: '✅', warn: '🟡', block: '🔴', error: '⛔' };

export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🔵',
  info: '⚪',
  unknown: '❔',
};

/** Severity columns shown in the counts tables, most severe first (info/unknown only when present). */
export const SEVERITY_COLUMNS = ['critical', 'high', 'medium', 'low', 'unknown', 'info'] as const;

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Tool label (`Bandit`, `pip-audit`); an id the model does not know (a result file from elsewhere)
 * is reduced to `[A-Za-z0-9._-]`, so the headline stays plain text safe for logs and Markdown.
 */
export function toolName(tool: string): string {
  if (Object.prototype.hasOwnProperty.call(TOOL_LABELS, tool)) return TOOL_LABELS[tool as ToolId];
  return String(tool).replace(/[^A-Za-z0-9._-]/g, '?').slice(0, 40) || '?';
}

// ---------------------------------------------------------------------------------------------
// The headline

/** Phase-1 tools' findings that would block under phase-2 rules (the contract's counts). */
export function wouldBlockLater(result: GateResult): number {
  return result.tools.filter((t) => t.phase === 1).reduce((n, t) => n + t.counts.wouldBlock, 0);
}

function toolsNotOk(result: GateResult): ToolResult[] {
  return result.tools.filter((t) => t.status !== 'ok');
}

/** `phase 1`, `phase 2`, or for a mix the tools in phase 2: `phase 2: gitleaks, pip-audit`. */
export function phaseText(result: GateResult): string {
  const p2 = result.tools.filter((t) => t.phase === 2).map((t) => toolName(t.tool));
  if (result.tools.length === 0) return `phase ${result.phase.base}`;
  if (p2.length === 0) return 'phase 1';
  if (p2.length === result.tools.length) return 'phase 2';
  return `phase 2: ${p2.join(', ')}`;
}

/**
 * The one-line verdict in plain words (no Markdown, no emoji), e.g.
 * `Security gate: warn — phase 1, nothing blocks yet · 6 findings would block in phase 2`,
 * `Security gate: block — 3 blocking findings (phase 2)`, `Security gate: pass`,
 * `Security gate: error — 1 report missing`, `… — 2 reports missing, 1 unreadable`,
 * `… — 1 report from the change`, `… — 1 report committed to the repository`.
 * The summary puts `## <emoji> ` in front; the terminal prints it as is.
 */
export function headlineFor(result: GateResult): string {
  const verdict = Object.prototype.hasOwnProperty.call(VERDICT_EMOJI, result.verdict) ? result.verdict : 'error';
  const head = `Security gate: ${verdict}`;
  const blocks = result.totals.block;
  const later = wouldBlockLater(result);
  const warns = result.totals.warn;
  // A missing report on-missing-report ignores is said, but it does not make the run broken.
  const missing = result.tools.filter((t) => t.status === 'missing').length;
  const ignored = result.tools.filter((t) => t.status === 'missing' && t.missingAs === 'ignore').length;
  // A tool in error only because files it could not scan are in a critical path read its reports
  // (one that is also in error for a report the change holds or git tracks is said as that, below).
  // A tool in error because the change holds, or git tracks, a report it read (engine/run.ts): not unreadable.
  const heldAs = new Map(result.tools.map((t) => [t, heldReport(t)]));
  const unscannedOnly = (t: GateResult['tools'][number]) => t.status === 'error' && t.scanErrors.length > 0 && t.files.every((f) => f.error === undefined) && heldAs.get(t) === undefined;
  const held = [...heldAs.values()].filter((h) => h === 'change').length;
  const committed = [...heldAs.values()].filter((h) => h === 'tracked').length;
  const unreadable = toolsNotOk(result).filter((t) => !unscannedOnly(t)).length - missing - held - committed;
  const unscanned = result.tools.reduce((n, t) => n + t.scanErrors.length, 0);
  const unscannedCritical = result.tools.reduce((n, t) => n + (t.stats['notScannedCritical'] ?? 0), 0);
  const broken = missing - ignored + unreadable + held + committed + result.tools.filter(unscannedOnly).length;
  const phase = phaseText(result);
  const parts: string[] = [];

  if (missing > 0) parts.push(`${plural(missing, 'report')} missing${ignored === 0 ? '' : ignored === missing ? ' (ignored)' : ` (${ignored} ignored)`}${unreadable > 0 ? `, ${unreadable} unreadable` : ''}`);
  else if (unreadable > 0) parts.push(`${plural(unreadable, 'report')} unreadable`);
  if (held > 0) parts.push(`${plural(held, 'report')} from the change`);
  if (committed > 0) parts.push(`${plural(committed, 'report')} committed to the repository`);
  if (blocks > 0) {
    parts.push(`${plural(blocks, 'blocking finding')} (${phase})`);
  } else if (broken === 0 && (later > 0 || warns > 0 || result.verdict !== 'pass')) {
    if (phase === 'phase 1') parts.push('phase 1, nothing blocks yet');
    else if (phase === 'phase 2') parts.push('nothing blocks (phase 2)');
    else parts.push(`phase 1, nothing blocks yet (${phase})`);
  }
  if (later > 0) parts.push(`${plural(later, 'finding')} would block in phase 2`);
  else if (blocks === 0 && broken === 0 && warns > 0) parts.push(plural(warns, 'warning'));
  if (unscanned > 0) parts.push(`${plural(unscanned, 'file')} not scanned${unscannedCritical === 0 ? '' : unscannedCritical === unscanned ? ` (${unscanned === 1 ? 'in a critical path' : 'in critical paths'})` : ` (${unscannedCritical} in a critical path)`}`);
  if (result.overridden) parts.push('overridden');
  return parts.length === 0 ? head : `${head} — ${parts.join(' · ')}`;
}

// ---------------------------------------------------------------------------------------------
// Finding labels (plain text)

/** `auth/login.py:86`, `urllib3 1.26.5`, or the report file when a finding has no place. */
export function whereText(f: EvaluatedFinding): string {
  if (f.package) return f.package.version ? `${f.package.name} ${f.package.version}` : f.package.name;
  if (f.location) {
    const line = typeof f.location.line === 'number' && f.location.line > 0 ? `:${f.location.line}` : '';
    return `${f.location.path}${line}`;
  }
  return f.sourceFile;
}

/**
 * Whether a finding's title says more than its rule and place, which the summary and terminal
 * already show: not a title that repeats the rule id or name, nor pip-audit's `<id> in <package>
 * [<version>]` (the package is the finding's place).
 */
export function titleAddsToRule(f: EvaluatedFinding): boolean {
  if (!f.title || f.title === f.ruleName || f.title === f.ruleId) return false;
  return !(f.package && f.title === `${f.ruleId} in ${whereText(f)}`);
}

/** `B324 hashlib`, `GHSA-…`, `DEP001`. */
export function ruleText(f: EvaluatedFinding): string {
  return f.ruleName && f.ruleName !== f.ruleId ? `${f.ruleId} ${f.ruleName}` : f.ruleId;
}

/** Fix versions of a package finding, or undefined. */
export function fixText(f: EvaluatedFinding): string | undefined {
  const fixes = f.package?.fixVersions?.filter((v) => typeof v === 'string' && v !== '');
  return fixes && fixes.length > 0 ? fixes.join(', ') : undefined;
}

/**
 * Where a looked-up severity came from: `GitHub advisory GHSA-…, CVSS 3.1 9.8 AV:N/…`, `OSV PYSEC-…`,
 * `severity unknown (offline)`. Undefined for a tool's own severity.
 */
export function severitySourceText(f: EvaluatedFinding): string | undefined {
  const s = f.severitySource;
  if (!s || s.kind === 'tool') return undefined;
  const parts: string[] = [];
  if (s.kind === 'github') parts.push(`GitHub advisory${s.advisory ? ` ${s.advisory}` : ''}`);
  if (s.kind === 'osv') parts.push(`OSV${s.advisory ? ` ${s.advisory}` : ''}`);
  if (s.kind === 'default' || s.kind === 'none') parts.push(`severity unknown${s.unknownReason ? ` (${s.unknownReason})` : ''}`);
  if (s.cvss) parts.push(`CVSS ${s.cvss.version} ${s.cvss.score} ${s.cvss.vector}`);
  if (s.detail) parts.push(s.detail);
  return parts.length === 0 ? undefined : parts.join(', ');
}

/**
 * `HIGH`, `HIGH, conf. MEDIUM` (Bandit), `UNKNOWN → treated as HIGH` (the policy mapped an unknown
 * severity through `unknown-severity`).
 */
export function severityText(f: EvaluatedFinding): string {
  const eff = f.effectiveSeverity.toUpperCase();
  let s = f.severity !== f.effectiveSeverity ? `${f.severity.toUpperCase()} → treated as ${eff}` : eff;
  if (f.confidence && f.confidence !== 'undefined') s += `, conf. ${f.confidence.toUpperCase()}`;
  return s;
}

/**
 * `SG-12 · owner @acme/platform · expires 2026-12-01 (in 2 days) · false-positive`, plain. With
 * `now` (the result's `generatedAt`), an expiry within 7 days or past is called out.
 */
export function waiverText(f: EvaluatedFinding, now?: string): string | undefined {
  const w = f.waiver;
  if (!w) return undefined;
  const days = now ? daysUntil(w.expires, now) : undefined;
  const soon = days === undefined || days > 7 ? '' : days < 0 ? ' (expired)' : days === 0 ? ' (expires today)' : ` (in ${plural(days, 'day')})`;
  return `${w.id} · owner ${w.owner} · expires ${w.expires}${soon} · ${w.reasonCategory}`;
}

/**
 * Whole UTC days from the day of `now` (ISO) to `date` (YYYY-MM-DD), or undefined when either is
 * unreadable: 0 on a waiver's last day, as the waivers themselves count (waivers/types.ts,
 * `daysBetween`). Counted from the instant instead, a waiver that still applied was "(expired)"
 * from 00:00 UTC of its last day, and every expiry was a day nearer than the waivers table said.
 */
export function daysUntil(date: string, now: string): number | undefined {
  const d = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date);
  const n = Date.parse(now);
  if (Number.isNaN(d) || Number.isNaN(n)) return undefined;
  const day = (t: number) => Math.floor(t / 86_400_000);
  return day(d) - day(n);
}

// ---------------------------------------------------------------------------------------------
// Rule documentation links

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/**
 * Where a report's own documentation link may point for the gate to show it as a link: Bandit's
 * documentation and the advisory databases. A report is untrusted text (a Bandit plugin in the
 * repository under review writes its own `more_info`): any other host stays in the result JSON but
 * is never a live link in the summary, the pull request comment or the SARIF.
 */
export function trustedDocUrl(url: string | undefined): string | undefined {
  const safe = safeHttpUrl(url);
  if (!safe) return undefined;
  const u = new URL(safe);
  if (u.protocol !== 'https:' || u.port !== '') return undefined;
  if (u.hostname === 'bandit.readthedocs.io' || u.hostname === 'osv.dev') return safe;
  if (u.hostname === 'github.com' && u.pathname.startsWith('/advisories/')) return safe;
  return undefined;
}

/**
 * A documentation link for a finding's rule: the finding's own `helpUri` when `trustedDocUrl`
 * takes it, else the advisory page for a vulnerability id (GHSA -> GitHub, others -> OSV).
 */
export function ruleDocUrl(f: EvaluatedFinding): string | undefined {
  const own = trustedDocUrl(f.helpUri);
  if (own) return own;
  if (f.tool === 'pip-audit' && SAFE_ID.test(f.ruleId)) {
    const id = encodeURIComponent(f.ruleId);
    return /^GHSA-/i.test(f.ruleId)
      ? safeHttpUrl(`https://github.com/advisories/${id}`)
      : safeHttpUrl(`https://osv.dev/vulnerability/${id}`);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Sections and order

const CONFIDENCE_RANK: Record<string, number> = { high: 3, medium: 2, low: 1, undefined: 0 };

interface Keyed {
  f: EvaluatedFinding;
  eff: number;
  sev: number;
  conf: number;
  tool: number;
  where: string;
  line: number;
}

const toolRank = (f: EvaluatedFinding): number => {
  const i = (TOOL_IDS as readonly string[]).indexOf(f.tool);
  return i < 0 ? TOOL_IDS.length : i;
};
const confRank = (f: EvaluatedFinding): number => CONFIDENCE_RANK[f.confidence ?? 'undefined'] ?? 0;
const whereKey = (f: EvaluatedFinding): string => (f.package ? f.package.name : (f.location?.path ?? f.sourceFile ?? ''));

function key(f: EvaluatedFinding): Keyed {
  return {
    f,
    eff: severityRank(f.effectiveSeverity),
    sev: severityRank(f.severity),
    conf: confRank(f),
    tool: toolRank(f),
    where: whereKey(f),
    line: f.location?.line ?? 0,
  };
}

/**
 * `cmpKeyed(key(f), b)` without building `key(f)`, each field worked out only when the ones
 * before it tie: picking the top 50 of 60,000 findings rejects nearly all of them on their first
 * fields, and a key per finding was most of the cost.
 */
function cmpFindingTo(f: EvaluatedFinding, b: Keyed): number {
  const eff = severityRank(f.effectiveSeverity);
  if (eff !== b.eff) return b.eff - eff;
  const sev = severityRank(f.severity);
  if (sev !== b.sev) return b.sev - sev;
  const conf = confRank(f);
  if (conf !== b.conf) return b.conf - conf;
  const tool = toolRank(f);
  if (tool !== b.tool) return tool - b.tool;
  const where = whereKey(f);
  if (where !== b.where) return where < b.where ? -1 : 1;
  const line = f.location?.line ?? 0;
  if (line !== b.line) return line - b.line;
  return f.ruleId < b.f.ruleId ? -1 : f.ruleId > b.f.ruleId ? 1 : 0;
}

function cmpKeyed(a: Keyed, b: Keyed): number {
  return (
    b.eff - a.eff ||
    b.sev - a.sev ||
    b.conf - a.conf ||
    a.tool - b.tool ||
    (a.where < b.where ? -1 : a.where > b.where ? 1 : 0) ||
    a.line - b.line ||
    (a.f.ruleId < b.f.ruleId ? -1 : a.f.ruleId > b.f.ruleId ? 1 : 0)
  );
}

/** A sorted copy, most severe first (effective severity, tool severity, confidence, tool, place). */
export function sortMostSevereFirst(findings: readonly EvaluatedFinding[]): EvaluatedFinding[] {
  return findings
    .map(key)
    .sort(cmpKeyed)
    .map((k) => k.f);
}

/**
 * The `k` most severe findings, in order, without sorting them all: a bounded insertion keeps the
 * best `k` seen so far (one comparison per finding, most of them rejected at once), so picking 50
 * out of 100,000 costs about one pass. Falls back to a full sort when `k` is a large share.
 */
export function mostSevere(findings: readonly EvaluatedFinding[], k: number): EvaluatedFinding[] {
  if (k <= 0) return [];
  if (k * 8 >= findings.length) return sortMostSevereFirst(findings).slice(0, k);
  const top: Keyed[] = [];
  for (const f of findings) {
    // Most findings lose to the last of the best k: reject them before building a key.
    if (top.length === k && cmpFindingTo(f, top[k - 1]!) >= 0) continue;
    const kf = key(f);
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmpKeyed(top[mid]!, kf) <= 0) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, kf);
    if (top.length > k) top.pop();
  }
  return top.map((x) => x.f);
}

export type SectionName = 'blocking' | 'wouldBlock' | 'warnings' | 'waived' | 'info';

export interface Section {
  /** How many findings the section has. */
  total: number;
  /** The most severe ones, at most the limit given, most severe first. */
  top: EvaluatedFinding[];
}

/**
 * Splits every finding into exactly one section (blocking now; in a phase-1 tool and would block
 * under phase-2 rules; other warnings; waived; info) and keeps the `limit` most severe of each.
 */
export function sectionsOf(result: GateResult, limit = Number.POSITIVE_INFINITY): Record<SectionName, Section> {
  const s: Record<SectionName, EvaluatedFinding[]> = { blocking: [], wouldBlock: [], warnings: [], waived: [], info: [] };
  for (const t of result.tools) {
    for (const f of t.findings) {
      if (f.disposition === 'block') s.blocking.push(f);
      else if (f.disposition === 'waived') s.waived.push(f);
      else if (t.phase === 1 && f.phase2Action === 'block') s.wouldBlock.push(f);
      else if (f.disposition === 'warn') s.warnings.push(f);
      else s.info.push(f);
    }
  }
  const pick = (list: EvaluatedFinding[]): Section => ({
    total: list.length,
    top: Number.isFinite(limit) ? mostSevere(list, limit) : sortMostSevereFirst(list),
  });
  return { blocking: pick(s.blocking), wouldBlock: pick(s.wouldBlock), warnings: pick(s.warnings), waived: pick(s.waived), info: pick(s.info) };
}

// ---------------------------------------------------------------------------------------------
// Tool facts

/**
 * How loud a tool's messages are: `error` for a report unreadable or missing (as
 * on-missing-report: error makes it), `warn` for notes and a missing report it warns about, `info`
 * for one it ignores.
 */
export function messageLevel(t: ToolResult): 'error' | 'warn' | 'info' {
  if (t.status === 'ok' || (t.status === 'missing' && t.missingAs === 'warn')) return 'warn';
  return t.status === 'missing' && t.missingAs === 'ignore' ? 'info' : 'error';
}

/**
 * A tool in error only because the change holds (stats `reportsInChange`), or else git tracks
 * (`reportsTracked`), a report file it read fine (engine/run.ts): every file read, so nothing is
 * unreadable.
 */
function heldReport(t: ToolResult): 'change' | 'tracked' | undefined {
  if (t.status !== 'error' || !t.files.every((f) => f.error === undefined)) return undefined;
  if ((t.stats['reportsInChange'] ?? 0) > 0) return 'change';
  return (t.stats['reportsTracked'] ?? 0) > 0 ? 'tracked' : undefined;
}

/** What a tool's messages are about, before them in the summary and the log. */
export function toolMessagesLabel(t: ToolResult): string {
  if (t.status === 'missing') return 'report missing';
  if (t.status !== 'error') return 'note';
  const held = heldReport(t);
  return held === 'change' ? 'report from the change' : held === 'tracked' ? 'report committed to the repository' : 'report unreadable';
}

/** The Markdown icon of each level. */
export const LEVEL_ICON = { error: '⛔', warn: '⚠️', info: 'ℹ️' } as const;

/** Why a tool is not ok (or notes on an ok one): its messages, else its files' errors with the file. */
export function toolMessages(t: ToolResult): string[] {
  if (t.messages.length > 0) return t.messages;
  return t.files.filter((f) => f.error).map((f) => `${f.path}: ${f.error}`);
}

const STAT_LABELS: Record<string, [string, string]> = {
  dependencies: ['package audited', 'packages audited'],
  packages: ['package audited', 'packages audited'],
  loc: ['line of code', 'lines of code'],
  nosec: ['nosec comment', 'nosec comments'],
  killed: ['mutant killed', 'mutants killed'],
  survived: ['mutant survived', 'mutants survived'],
  files: ['file scanned', 'files scanned'],
  raw: ['raw finding', 'raw findings'],
  vulnerablePackages: ['vulnerable package', 'vulnerable packages'],
  reportsInChange: ['report file from the change', 'report files from the change'],
  reportsTracked: ['report file tracked by git', 'report files tracked by git'],
};
/** Counters that repeat what the table already says. */
const STAT_HIDDEN = new Set(['total', 'findings']);

/**
 * Facts that change how far to trust a clean result: packages audited and NOT audited (pip-audit
 * skipped), files not scanned (Bandit errors), and the tool's other counters.
 */
export function toolStatsParts(t: ToolResult): string[] {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(t.stats)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const label = Object.prototype.hasOwnProperty.call(STAT_LABELS, k) ? STAT_LABELS[k] : undefined;
    // Zero counters that carry no news (no duplicates, no timeouts...) are noise; labelled ones stay.
    if ((v === 0 && !label) || (STAT_HIDDEN.has(k) && t.tool !== 'mutmut')) continue;
    parts.push(label ? `${v} ${v === 1 ? label[0] : label[1]}` : k === 'score' ? `score ${v}%` : `${k} ${v}`);
  }
  if (t.skipped.length > 0) {
    parts.push(`⚠ ${t.skipped.length} not ${t.tool === 'pip-audit' ? 'audited' : 'checked'} (skipped)`);
  }
  if (t.scanErrors.length > 0) parts.push(`⚠ ${plural(t.scanErrors.length, 'file')} not scanned`);
  return parts;
}

/** Which severity columns to show: critical..low always, unknown/info when any tool has some. */
export function severityColumns(result: GateResult): Array<(typeof SEVERITY_COLUMNS)[number]> {
  return SEVERITY_COLUMNS.filter(
    (c) => (c !== 'unknown' && c !== 'info') || result.tools.some((t) => (t.severity[c] ?? 0) > 0),
  );
}
