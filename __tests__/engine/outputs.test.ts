/**
 * The workflow outputs computed from a result (pure).
 */
import { describe, expect, it } from '@jest/globals';
import { parseSettings } from '../../src/config/schema.js';
import { computeOutputs } from '../../src/engine/outputs.js';
import { evaluate } from '../../src/policy/evaluate.js';
import type { Finding, ParsedReport, Severity } from '../../src/reports/model.js';

function bandit(severity: Severity, n: number): Finding {
  return { tool: 'bandit', ruleId: 'B101', title: 't', severity, fingerprint: `b:${severity}:${n}`, sourceFile: 'b.json', location: { path: `app/m${n}.py`, line: 1 } };
}

describe('the counts output', () => {
  it('keeps counts by severity and by disposition apart (both have an info)', () => {
    // Found by a docs review: `{...severity, ...counts}` let the disposition's info overwrite the
    // severity's: one UNDEFINED (info) result among six LOW ones read "info": 7.
    const findings = [bandit('info', 0), ...[1, 2, 3, 4, 5, 6].map((n) => bandit('low', n)), bandit('high', 7)];
    const report: ParsedReport = { tool: 'bandit', format: 'bandit-json', findings, skipped: [], scanErrors: [], stats: {} };
    const r = evaluate([{ tool: 'bandit', status: 'ok', messages: [], files: [{ path: 'b.json', findings: findings.length, bytes: 1 }], reports: [report] }], { settings: parseSettings([{ phase: '2' }]), now: new Date('2026-11-29T12:00:00Z') });
    const out = computeOutputs(r, { resultFile: 'r.json', summaryFile: 's.md' });
    const counts = JSON.parse(out['counts']!) as Record<string, { status: string; phase: number; findings: number; severity: Record<string, number>; counts: Record<string, number> }>;
    expect(counts['bandit']!.severity).toEqual(r.tools[0]!.severity);
    expect(counts['bandit']!.counts).toEqual(r.tools[0]!.counts);
    expect(counts['bandit']!.severity.info).toBe(1);
    expect(counts['bandit']!.counts.info).toBe(7);
    expect(counts['bandit']).toMatchObject({ status: 'ok', phase: 2, findings: 8 });
    expect(out['bandit-low']).toBe('6');
    expect(out['info-count']).toBe('7');
  });
});

describe('the suppressions-added output', () => {
  it('counts the suppressions the change adds, and is empty when the change is unknown (not looked for)', () => {
    const r = evaluate([], { settings: parseSettings([{}]), now: new Date('2026-11-29T12:00:00Z') });
    expect(computeOutputs(r, { resultFile: 'r.json', summaryFile: 's.md' })['suppressions-added']).toBe('');
    r.suppressions = { total: 0, places: [] };
    expect(computeOutputs(r, { resultFile: 'r.json', summaryFile: 's.md' })['suppressions-added']).toBe('0');
    r.suppressions = { total: 1200, places: [{ path: 'a.py', line: 1, kind: 'nosec' }] };
    expect(computeOutputs(r, { resultFile: 'r.json', summaryFile: 's.md' })['suppressions-added']).toBe('1200');
  });
});
