/**
 * A small typed factory of gate results (`GateResult`, schemaVersion 1) standing in for the files
 * the gate writes, until real gate outputs are added as fixtures. Typed against the real contract,
 * so a change of `GateResult` breaks these tests at compile time.
 */
import type { EvaluatedFinding, GateResult, ToolResult } from '../../../src/policy/result.js';
import type { Severity, ToolId } from '../../../src/reports/model.js';

export interface FindingSpec {
  fingerprint: string;
  severity?: Severity;
  waived?: { id: string; owner: string; reasonCategory?: string; expires?: string };
  inChange?: boolean;
  disposition?: 'block' | 'warn' | 'info';
  /** Default: the severity (unknown-severity applied by the gate otherwise). */
  effectiveSeverity?: Severity;
}

export interface ToolSpec {
  status?: ToolResult['status'];
  findings?: FindingSpec[];
  messages?: string[];
}

export function finding(tool: ToolId, s: FindingSpec): EvaluatedFinding {
  const severity = s.severity ?? 'medium';
  return {
    tool,
    ruleId: `R-${s.fingerprint}`,
    title: `finding ${s.fingerprint}`,
    severity,
    fingerprint: s.fingerprint,
    sourceFile: `reports/${tool}.json`,
    location: { path: `app/${s.fingerprint}.py`, line: 1 },
    disposition: s.waived ? 'waived' : (s.disposition ?? 'warn'),
    phase2Action: 'warn',
    effectiveSeverity: s.effectiveSeverity ?? severity,
    reason: 'test',
    ...(s.inChange !== undefined ? { inChange: s.inChange } : {}),
    ...(s.waived ? { waiver: { id: s.waived.id, owner: s.waived.owner, expires: s.waived.expires ?? '2099-01-01', reasonCategory: s.waived.reasonCategory ?? 'accepted-risk' } } : {}),
  };
}

export function toolResult(tool: ToolId, spec: ToolSpec = {}): ToolResult {
  const findings = (spec.findings ?? []).map((f) => finding(tool, f));
  const sev = { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 };
  const counts = { block: 0, warn: 0, info: 0, waived: 0, wouldBlock: 0 };
  for (const f of findings) {
    sev[f.severity]++;
    counts[f.disposition]++;
  }
  return {
    tool,
    phase: 1,
    status: spec.status ?? 'ok',
    messages: spec.messages ?? [],
    files: spec.status === 'missing' ? [] : [{ path: `reports/${tool}.json`, findings: findings.length, bytes: 100 }],
    findings,
    skipped: [],
    scanErrors: [],
    stats: {},
    severity: sev,
    counts,
  };
}

export function gateResult(tools: Partial<Record<ToolId, ToolSpec>>, generatedAt = '2026-11-01T00:00:00Z', change: GateResult['change'] = { known: true, base: 'a'.repeat(40), head: 'b'.repeat(40), source: 'push', files: 1, notes: [] }): GateResult {
  const list = (Object.entries(tools) as Array<[ToolId, ToolSpec]>).map(([t, s]) => toolResult(t, s));
  const totals = { block: 0, warn: 0, info: 0, waived: 0, wouldBlock: 0, findings: 0 };
  for (const t of list) {
    for (const k of ['block', 'warn', 'info', 'waived', 'wouldBlock'] as const) totals[k] += t.counts[k];
    totals.findings += t.findings.length;
  }
  return {
    schemaVersion: 1,
    generatedAt,
    verdict: 'warn',
    shouldFail: false,
    headline: 'test',
    phase: { setting: '1', base: 1, phase2Tools: [] },
    tools: list,
    totals,
    notices: [],
    ...(change ? { change } : {}),
  };
}
