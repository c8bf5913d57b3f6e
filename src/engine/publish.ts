/** Small pure helpers the shells share for publishing. */
import { isAbsolute } from 'node:path';
import { workspaceRelative } from '../io/files.js';
import { parseSettings, type Settings } from '../config/schema.js';
import type { GateResult } from '../policy/result.js';
import { redactBanditReport } from '../reports/bandit/redact.js';
import { redactGitleaksReport } from '../reports/gitleaks/index.js';
import type { ToolId } from '../reports/model.js';

/** What of the run itself the reproduce command needs besides the settings. */
export interface ReproduceContext {
  /**
   * The workspace the run read: a path inside it given absolute (`${{ github.workspace }}/reports/x.json`)
   * is named relative to it, so the command works in any clone, not only in the runner's checkout.
   */
  workspace?: string;
  /** The phase `auto` resolved to in this run (`GateResult.phase.base`): named instead of `auto`. */
  phase?: 1 | 2;
  /** The run's time, when its verdict depends on the day (clockOf): named as `--as-of`. */
  asOf?: string;
  /** The run put a tool in error for a report git tracks (committedReportsHeld): `--refuse-committed-reports`. */
  committedReports?: boolean;
  /**
   * The run made no severity lookup for want of the network (the CLI's `--offline`): named, or the
   * command looks the severities up and may judge pip-audit's findings otherwise.
   */
  offline?: boolean;
  /**
   * The settings the run's inputs (or flags) gave, non-empty. With a policy file, each is named even
   * at its default: it may set back what the file changes. Not known: every verdict setting is named.
   */
  given?: ReadonlySet<string>;
}

/**
 * Whether the run put a tool in error for a report file git tracks. The action always asks git; the
 * CLI only with `--refuse-committed-reports` (locally the developer ran the scanners, and the
 * bundled examples are committed), so the reproduce line names the flag when the check decided
 * something: run without it, the committed file would read as the scanner's output, the tool as ok.
 */
export function committedReportsHeld(result: GateResult): boolean {
  return result.tools.some((t) => (t.stats.reportsTracked ?? 0) > 0);
}

/**
 * The run's time (`generatedAt`) when the day it ran decides part of its verdict: a waivers file
 * was read, so each waiver is active, expiring, expired or not yet approved as of that day. Run a
 * week later without it, a waiver that has expired since would leave its findings blocking, and
 * the "reproduce" command would show another verdict than CI's. (Phase `auto` is named as the
 * phase it resolved to instead; nothing else the CLI does reads the clock.)
 */
export function clockOf(result: GateResult): string | undefined {
  return result.waivers && result.waivers.waivers.length > 0 ? result.generatedAt : undefined;
}

/**
 * The CLI command that reproduces this run locally from the same files: the reports, the phase, every
 * setting that changes a verdict when it is not the default, and the commit the change was compared
 * with (so deptry/vulture "new" findings and the secret scan see the same change on a laptop).
 */
export function reproduceCommand(s: Settings, change?: GateResult['change'], run: ReproduceContext = {}): string {
  const parts = ['npx security-gate'];
  // `--name=value` for a value starting with `-`: the CLI takes `--name -x` for a missing value.
  const flag = (name: string, value: string) => {
    const quoted = /^[\w./@,:=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
    parts.push(value.startsWith('-') ? `--${name}=${quoted}` : `--${name} ${quoted}`);
  };
  // A list flag is split at commas and newlines, as the input is: an item holding one
  // (`src/{auth,payments}/**`) can only come from the policy file, which the command names, and the
  // flag would split it in two globs (and win over the file).
  const listFlag = (name: string, items: readonly string[]) => {
    if (s['policy-file'] && items.some((x) => /[,\n]/.test(x))) return;
    flag(name, items.join(','));
  };
  const ws = run.workspace;
  // Made relative the way the shells resolve a setting in the workspace (workspaceRelative: by its
  // text, `..` and `.` resolved), not by toRepoPath, which reads a report's file name and refuses a
  // glob's `*` or a `"` or `|` in the workspace's path: such a path stayed the runner's, and named
  // nothing in the clone the command runs in.
  const local = (p: string): string => {
    if (!ws || !isAbsolute(p)) return p;
    const rel = workspaceRelative(ws, p);
    return rel === undefined ? p : rel === '' ? '.' : rel;
  };
  // Settings named when they differ from the schema's own defaults (never a copy of them here). With
  // a policy file, one an input gave at its default too: it may override the file (the file says
  // `unknown-severity: low`, the workflow `high`), and the CLI, left to read the file, took `low`.
  const defaults = parseSettings([{}]);
  const changed = (k: keyof Settings): boolean =>
    JSON.stringify(s[k]) !== JSON.stringify(defaults[k]) || (s['policy-file'] !== undefined && (run.given?.has(k) ?? true));
  for (const name of ['bandit-report', 'pip-audit-report', 'gitleaks-report', 'deptry-report', 'vulture-report', 'mutmut-report'] as const) {
    if (s[name].length > 0) listFlag(name, s[name].map(local));
  }
  if (s['policy-file']) flag('policy-file', local(s['policy-file']));
  // `auto` is resolved on the day the command runs: the phase CI applied is named instead.
  if (s.phase === 'auto' && run.phase !== undefined) flag('phase', String(run.phase));
  else {
    flag('phase', s.phase);
    if (s['phase-2-from']) flag('phase-2-from', s['phase-2-from']);
  }
  if (s['phase-2-tools'].length > 0) listFlag('phase-2-tools', s['phase-2-tools']);
  // The commit CI compared with, the event's or the one `base-ref` named then (a first push: the
  // empty tree's id, which the CLI's base-ref takes as such). A branch named again (`main`) is resolved on the
  // day and in the clone the command runs in, as `phase: auto` was: another change, other "new"
  // findings and added lines.
  if (change?.known) flag('base-ref', change.base);
  else if (s['base-ref']) flag('base-ref', s['base-ref']);
  if (changed('critical-paths')) listFlag('critical-paths', s['critical-paths']);
  // Where severities are looked up, and for how long: what is not answered stays unknown.
  for (const k of ['on-missing-report', 'unknown-severity', 'severity-source', 'osv-api-url', 'severity-budget-seconds'] as const) if (changed(k)) flag(k, String(s[k]));
  if (s['vulture-min-confidence'] !== undefined) flag('vulture-min-confidence', String(s['vulture-min-confidence']));
  if (s['mutmut-min-score'] !== undefined) flag('mutmut-min-score', String(s['mutmut-min-score']));
  if (s['scan-root']) flag('scan-root', local(s['scan-root']));
  // Waivers: which file, and who may approve (a waiver without its approvers is invalid, so the
  // CLI would count its findings as not waived).
  if (changed('waivers-file')) flag('waivers-file', local(s['waivers-file']));
  if (s['security-approvers'].length > 0) listFlag('security-approvers', s['security-approvers']);
  if (s['senior-approvers'].length > 0) listFlag('senior-approvers', s['senior-approvers']);
  if (s['waiver-max-days'] !== undefined) flag('waiver-max-days', String(s['waiver-max-days']));
  // Which waivers are "expiring" (the summary's state and notices; what is waived does not change).
  if (changed('waiver-expiry-warning-days')) flag('waiver-expiry-warning-days', String(s['waiver-expiry-warning-days']));
  if (!s['secret-scan'] || changed('secret-scan')) flag('secret-scan', String(s['secret-scan']));
  if (s['secret-scan'] && changed('secret-scan-keywords')) listFlag('secret-scan-keywords', s['secret-scan-keywords']);
  if (run.asOf !== undefined) flag('as-of', run.asOf);
  if (run.committedReports === true) parts.push('--refuse-committed-reports');
  if (run.offline === true) parts.push('--offline');
  return parts.join(' ');
}

/** The reproduce command of a finished run (both shells): what of the run it names comes from its result. */
export function reproduceRun(s: Settings, result: GateResult, workspace: string, given: ReadonlySet<string>): string {
  const offline = (result.severityLookup?.byReason.offline ?? 0) > 0;
  return reproduceCommand(s, result.change, { workspace, phase: result.phase.base, asOf: clockOf(result), committedReports: committedReportsHeld(result), offline, given });
}

/**
 * Per-tool transforms applied to the raw reports copied into the artifact: gitleaks reports carry
 * the secrets themselves, Bandit's B105-B107 results quote hard-coded passwords; their copies are
 * redacted (or withheld when they cannot be). A Bandit report the parser read is redacted in pieces
 * from what the parser found instead (stage.ts, `copyBanditRedacted`); this transform serves the others
 * (a Bandit report that failed to parse is withheld by it).
 */
export function artifactTransforms(result: GateResult): Partial<Record<ToolId, (text: string) => string>> {
  return { gitleaks: redactGitleaksReport, ...(banditNeedsRedaction(result) ? { bandit: redactBanditReport } : {}) };
}

/**
 * Re-writing a Bandit report costs a full parse and stringify (seconds on an 80k-finding report), so
 * it is skipped when the parser saw nothing to redact: every file parsed, no B105-B107 result and no
 * snippet that looked like a secret. A report that failed to parse is always passed through the
 * redactor (which withholds what it cannot read).
 */
export function banditNeedsRedaction(result: GateResult): boolean {
  const t = result.tools.find((x) => x.tool === 'bandit');
  if (!t) return false;
  if (t.status !== 'ok' || t.files.some((f) => f.error)) return true;
  return t.findings.some((f) => f.extra?.snippetRedacted === true || /^B10[567]$/.test(f.ruleId));
}
