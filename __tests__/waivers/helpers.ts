import type { EvaluatedFinding } from '../../src/policy/result.js';
import type { Finding, Severity, ToolId } from '../../src/reports/model.js';
import { buildMatch } from '../../src/waivers/parse.js';
import type { Waiver, WaiverTool } from '../../src/waivers/types.js';

let n = 0;

/** A waiver as the parser would give it; `match` in the file's key=value form. */
export function waiver(tool: WaiverTool, match: Record<string, string>, over: Partial<Waiver> = {}): Waiver {
  n++;
  const built = buildMatch(tool, match);
  return {
    id: `W-${n}`,
    tool,
    match: built.match,
    matchText: built.text,
    reasonCategory: 'false-positive',
    rationale: 'because',
    owner: '@owner',
    approvers: ['reviewer'],
    approved: '2026-11-20',
    expires: '2026-12-31',
    source: { file: 'w.md', line: n, endLine: n },
    ...over,
  };
}

export function finding(tool: ToolId, over: Partial<Finding> = {}): Finding {
  return {
    tool,
    ruleId: 'X',
    title: 't',
    severity: 'medium',
    fingerprint: `${tool}:${Math.random()}`,
    sourceFile: 'r.json',
    ...over,
  };
}

export function evaluated(tool: ToolId, over: Partial<Finding> = {}, effective?: Severity): EvaluatedFinding {
  const f = finding(tool, over);
  return { ...f, disposition: 'warn', phase2Action: 'block', effectiveSeverity: effective ?? f.severity, reason: 'r' };
}
