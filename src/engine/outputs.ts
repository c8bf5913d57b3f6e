/**
 * Workflow outputs computed from a GateResult (pure). Every value is a string; counts never carry
 * report text, so outputs cannot leak a secret or forge anything.
 */
import type { GateResult, ToolResult } from '../policy/result.js';
import type { ToolId } from '../reports/model.js';

export const RESULT_FILE = 'security-gate-result.json';
export const SUMMARY_FILE = 'security-gate-summary.md';

/** Output names, documented in action.yml (a test keeps the two in step). */
export const OUTPUT_NAMES = [
  'verdict',
  'should-fail',
  'would-block',
  'blocking-count',
  'warning-count',
  'info-count',
  'bandit-high',
  'bandit-medium',
  'bandit-low',
  'pip-audit-vulns',
  'pip-audit-critical',
  'pip-audit-high',
  'pip-audit-medium',
  'pip-audit-low',
  'pip-audit-unknown',
  'counts',
  'result-file',
  'summary-file',
  'artifact-id',
  'artifact-url',
  'sarif-file',
  'gitleaks-secrets',
  'deptry-new',
  'deptry-total',
  'vulture-new',
  'vulture-total',
  'mutmut-killed',
  'mutmut-survived',
  'mutmut-score',
  'secret-scan-matches',
  'suppressions-added',
  'waived-count',
  'overridden',
] as const;

function tool(r: GateResult, id: ToolId): ToolResult | undefined {
  return r.tools.find((t) => t.tool === id);
}

/** Findings of a tool in files the change touches (all of them when the change is unknown). */
function newCount(t: ToolResult | undefined): number {
  return t ? t.findings.filter((f) => f.inChange !== false).length : 0;
}

export function computeOutputs(r: GateResult, files: { resultFile: string; summaryFile: string; sarifFile?: string }): Record<string, string> {
  const mutmut = tool(r, 'mutmut');
  const bandit = tool(r, 'bandit');
  const pip = tool(r, 'pip-audit');
  const counts: Record<string, unknown> = {};
  for (const t of r.tools) {
    // As the result JSON names them: by severity and by disposition (both have an `info`).
    counts[t.tool] = { status: t.status, phase: t.phase, findings: t.findings.length, severity: t.severity, counts: t.counts };
  }
  return {
    verdict: r.verdict,
    'should-fail': String(r.shouldFail),
    'would-block': String(r.totals.wouldBlock),
    'blocking-count': String(r.totals.block),
    'warning-count': String(r.totals.warn),
    'info-count': String(r.totals.info),
    'bandit-high': String(bandit?.severity.high ?? 0),
    'bandit-medium': String(bandit?.severity.medium ?? 0),
    'bandit-low': String(bandit?.severity.low ?? 0),
    'pip-audit-vulns': String(pip?.findings.length ?? 0),
    'pip-audit-critical': String(pip?.severity.critical ?? 0),
    'pip-audit-high': String(pip?.severity.high ?? 0),
    'pip-audit-medium': String(pip?.severity.medium ?? 0),
    'pip-audit-low': String(pip?.severity.low ?? 0),
    'pip-audit-unknown': String(pip?.severity.unknown ?? 0),
    counts: JSON.stringify(counts),
    'result-file': files.resultFile,
    'summary-file': files.summaryFile,
    'artifact-id': r.artifact?.id !== undefined ? String(r.artifact.id) : '',
    'artifact-url': r.artifact?.url ?? '',
    'sarif-file': files.sarifFile ?? '',
    'gitleaks-secrets': String(tool(r, 'gitleaks')?.findings.filter((f) => f.disposition !== 'waived').length ?? 0),
    'deptry-new': String(newCount(tool(r, 'deptry'))),
    'deptry-total': String(tool(r, 'deptry')?.findings.length ?? 0),
    'vulture-new': String(newCount(tool(r, 'vulture'))),
    'vulture-total': String(tool(r, 'vulture')?.findings.length ?? 0),
    'mutmut-killed': mutmut?.stats.killed !== undefined ? String(mutmut.stats.killed) : '',
    'mutmut-survived': mutmut?.stats.survived !== undefined ? String(mutmut.stats.survived) : '',
    'mutmut-score': mutmut?.stats.score !== undefined ? String(mutmut.stats.score) : '',
    'secret-scan-matches': String(tool(r, 'secret-scan')?.findings.filter((f) => f.disposition !== 'waived').length ?? 0),
    // Empty when the change is unknown: "none found" and "not looked for" must not read alike.
    'suppressions-added': r.suppressions ? String(r.suppressions.total) : '',
    'waived-count': String(r.totals.waived),
    overridden: String(r.overridden === true),
  };
}
