/** Small pure helpers the shells share for publishing. */
import { DEFAULT_CRITICAL_PATHS, type Settings } from '../config/schema.js';
import type { GateResult } from '../policy/result.js';
import { DEFAULT_SECRET_KEYWORDS } from '../policy/secret-scan.js';
import { redactBanditReport } from '../reports/bandit/redact.js';
import { redactGitleaksReport } from '../reports/gitleaks/index.js';
import type { ToolId } from '../reports/model.js';

/**
 * The CLI command that reproduces this run locally from the same files: the reports, the phase, every
 * setting that changes a verdict when it is not the default, and the commit the change was compared
 * with (so deptry/vulture "new" findings and the secret scan see the same change on a laptop).
 */
export function reproduceCommand(s: Settings, change?: GateResult['change']): string {
  const parts = ['npx security-gate'];
  const flag = (name: string, value: string) => parts.push(`--${name} ${/^[\w./@,:=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`}`);
  for (const name of ['bandit-report', 'pip-audit-report', 'gitleaks-report', 'deptry-report', 'vulture-report', 'mutmut-report'] as const) {
    if (s[name].length > 0) flag(name, s[name].join(','));
  }
  if (s['policy-file']) flag('policy-file', s['policy-file']);
  flag('phase', s.phase);
  if (s['phase-2-from']) flag('phase-2-from', s['phase-2-from']);
  if (s['phase-2-tools'].length > 0) flag('phase-2-tools', s['phase-2-tools'].join(','));
  if (s['base-ref']) flag('base-ref', s['base-ref']);
  // The event's base commit (a first commit was compared with the empty tree: nothing to name).
  else if (change?.known && change.source !== 'first-commit') flag('base-ref', change.base);
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(s['critical-paths'], DEFAULT_CRITICAL_PATHS)) flag('critical-paths', s['critical-paths'].join(','));
  if (s['on-missing-report'] !== 'error') flag('on-missing-report', s['on-missing-report']);
  if (s['unknown-severity'] !== 'high') flag('unknown-severity', s['unknown-severity']);
  if (s['severity-source'] !== 'github,osv') flag('severity-source', s['severity-source']);
  if (s['vulture-min-confidence'] !== undefined) flag('vulture-min-confidence', String(s['vulture-min-confidence']));
  if (s['mutmut-min-score'] !== undefined) flag('mutmut-min-score', String(s['mutmut-min-score']));
  if (s['scan-root']) flag('scan-root', s['scan-root']);
  // Waivers: which file, and who may approve (a waiver without its approvers is invalid, so the
  // CLI would count its findings as not waived).
  if (s['waivers-file'] !== 'docs/governance/security-waivers.md') flag('waivers-file', s['waivers-file']);
  if (s['security-approvers'].length > 0) flag('security-approvers', s['security-approvers'].join(','));
  if (s['senior-approvers'].length > 0) flag('senior-approvers', s['senior-approvers'].join(','));
  if (s['waiver-max-days'] !== undefined) flag('waiver-max-days', String(s['waiver-max-days']));
  if (!s['secret-scan']) flag('secret-scan', 'false');
  else if (!same(s['secret-scan-keywords'], DEFAULT_SECRET_KEYWORDS)) flag('secret-scan-keywords', s['secret-scan-keywords'].join(','));
  return parts.join(' ');
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
