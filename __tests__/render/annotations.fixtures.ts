/** Hand-made GateResults for the annotation, SARIF and comment tests. */
import type { Action, Disposition, EvaluatedFinding, GateResult, Phase, ToolResult, Verdict } from '../../src/policy/result.js';
import type { Severity, ToolId } from '../../src/reports/model.js';

let seq = 0;

export function finding(p: Partial<EvaluatedFinding> & { tool?: ToolId; disposition?: Disposition } = {}): EvaluatedFinding {
  seq++;
  const tool = p.tool ?? 'bandit';
  const severity: Severity = p.severity ?? 'medium';
  const disposition: Disposition = p.disposition ?? 'warn';
  const phase2Action: Action = p.phase2Action ?? (disposition === 'waived' ? 'block' : disposition);
  return {
    tool,
    ruleId: 'B101',
    title: `finding ${seq}`,
    severity,
    fingerprint: `fp-${tool}-${seq}`,
    sourceFile: `reports/${tool}.json`,
    location: { path: `src/f${seq}.py`, line: seq },
    disposition,
    phase2Action,
    effectiveSeverity: p.effectiveSeverity ?? severity,
    reason: `${tool} ${severity.toUpperCase()} → ${phase2Action}`,
    ...p,
  } as EvaluatedFinding;
}

export function toolResult(tool: ToolId, findings: EvaluatedFinding[], extra: Partial<ToolResult> = {}): ToolResult {
  const counts = { block: 0, warn: 0, info: 0, waived: 0, wouldBlock: 0 };
  const severity = { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 };
  for (const f of findings) {
    counts[f.disposition]++;
    severity[f.severity]++;
    if (f.phase2Action === 'block' && f.disposition !== 'waived') counts.wouldBlock++;
  }
  return {
    tool,
    phase: 1 as Phase,
    status: 'ok',
    messages: [],
    files: [{ path: `reports/${tool}.json`, findings: findings.length, bytes: 100 }],
    findings,
    skipped: [],
    scanErrors: [],
    stats: {},
    severity,
    counts,
    ...extra,
  };
}

export function gateResult(tools: ToolResult[], extra: Partial<GateResult> = {}): GateResult {
  const totals = { block: 0, warn: 0, info: 0, waived: 0, wouldBlock: 0, findings: 0 };
  for (const t of tools) {
    totals.findings += t.findings.length;
    for (const k of ['block', 'warn', 'info', 'waived', 'wouldBlock'] as const) totals[k] += t.counts[k];
  }
  const verdict: Verdict = tools.some((t) => t.status !== 'ok') ? 'error' : totals.block > 0 ? 'block' : totals.warn > 0 ? 'warn' : 'pass';
  return {
    schemaVersion: 1,
    generatedAt: '2026-11-29T10:00:00.000Z',
    verdict,
    shouldFail: verdict === 'block',
    headline: `${verdict}: test`,
    phase: { setting: '1', base: 1, phase2Tools: [] },
    tools,
    totals,
    notices: [],
    ...extra,
  };
}
