/** The waive hook inside the real policy evaluation, with the example waivers file. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseSettings } from '../../src/config/schema.js';
import { evaluate, type ToolInput } from '../../src/policy/evaluate.js';
import type { Finding, ParsedReport, ToolId } from '../../src/reports/model.js';
import { createWaiverSession, type ApproverConfig } from '../../src/waivers/evaluate.js';
import { prepareWaivers, renderWaiverSection } from '../../src/waivers/index.js';
import { parseWaivers } from '../../src/waivers/parse.js';
import { finding } from './helpers.js';

const FILE = 'examples/governance/security-waivers.md';
const TEXT = readFileSync(new URL('../../examples/governance/security-waivers.md', import.meta.url), 'utf8');
const APPROVERS: ApproverConfig = { security: ['sam-sec'], senior: ['sue-senior'] };

function input(tool: ToolId, findings: Finding[]): ToolInput {
  const report: ParsedReport = { tool, format: `${tool}-json`, findings, skipped: [], scanErrors: [], stats: {} };
  return { tool, status: 'ok', messages: [], files: [{ path: `${tool}.json`, findings: findings.length, bytes: 1 }], reports: [report] };
}

function inputs(): ToolInput[] {
  return [
    input('pip-audit', [
      finding('pip-audit', { ruleId: 'GHSA-2xpw-w6gg-jr37', aliases: ['CVE-2025-66471'], severity: 'high', package: { name: 'urllib3', version: '2.5.0' } }),
      finding('pip-audit', { ruleId: 'GHSA-gm62-xv2j-4w53', aliases: ['CVE-2025-66418'], severity: 'high', package: { name: 'urllib3', version: '2.5.0' } }),
    ]),
    input('bandit', [
      finding('bandit', { ruleId: 'B602', severity: 'high', rawSeverity: 'HIGH', location: { path: 'scripts/release/build.py', line: 40 } }),
      finding('bandit', { ruleId: 'B602', severity: 'high', rawSeverity: 'HIGH', location: { path: 'src/auth/login.py', line: 7 } }),
    ]),
    input('gitleaks', [finding('gitleaks', { ruleId: 'generic-api-key', severity: 'high', location: { path: 'tests/fixtures/keys.txt', line: 2 } })]),
  ];
}

function run(now: string, approvers = APPROVERS) {
  const settings = parseSettings([{ phase: '2' }]);
  const session = createWaiverSession({ file: FILE, waivers: parseWaivers(TEXT, FILE), approvers, now: new Date(now) });
  const result = evaluate(inputs(), { settings, now: new Date(now), waive: (f) => session.waive(f) });
  return { result, report: session.report() };
}

describe('evaluate() with the waive hook', () => {
  it('the example file holds three valid waivers', () => {
    expect(parseWaivers(TEXT, FILE).map((w) => [w.id, w.tool, w.reasonCategory])).toEqual([
      ['SW-101', 'pip-audit', 'update-blocked'],
      ['SW-102', 'bandit', 'not-exploitable'],
      ['SW-103', 'gitleaks', 'false-positive'],
    ]);
  });

  it('waived findings neither block nor warn; they are counted and carry the waiver', () => {
    const { result, report } = run('2026-11-29T12:00:00Z');
    expect(result.totals.waived).toBe(3);
    expect(result.totals.block).toBe(2);
    const by = (tool: ToolId) => result.tools.find((t) => t.tool === tool)!;
    expect(by('pip-audit').counts).toMatchObject({ waived: 1, block: 1, wouldBlock: 1 });
    expect(by('bandit').counts).toMatchObject({ waived: 1, block: 1 });
    expect(by('gitleaks').counts).toMatchObject({ waived: 1, block: 0 });
    const waived = by('pip-audit').findings.find((f) => f.disposition === 'waived')!;
    expect(waived.ruleId).toBe('GHSA-2xpw-w6gg-jr37');
    expect(waived.waiver).toEqual({ id: 'SW-101', owner: '@acme/platform', expires: '2026-12-22', reasonCategory: 'update-blocked' });
    expect(report.counts).toEqual({ total: 3, active: 3, expiring: 0, expired: 0, invalid: 0, stale: 0, waivedFindings: 3 });
    expect(report.byReason).toEqual({ 'false-positive': 1, 'not-exploitable': 1, 'breaking-change': 0, 'update-blocked': 1 });
  });

  it('an invalid waiver (approvals short of the rule) does not apply', () => {
    const { result, report } = run('2026-11-29T12:00:00Z', { security: ['sam-sec'], senior: [] });
    const bandit = result.tools.find((t) => t.tool === 'bandit')!;
    expect(bandit.counts).toMatchObject({ waived: 0, block: 1, warn: 1 });
    expect(result.totals.waived).toBe(2);
    const e = report.waivers.find((w) => w.id === 'SW-102')!;
    expect(e).toMatchObject({ state: 'invalid', matched: 0, unapplied: 1 });
    expect(e.problems).toEqual(['Bandit HIGH needs a security or senior approver; none of @sue-senior is one']);
  });

  it('an expired waiver does not apply; one about to expire warns', () => {
    const { result, report } = run('2026-12-23T00:00:00Z');
    expect(result.tools.find((t) => t.tool === 'pip-audit')!.counts).toMatchObject({ waived: 0, block: 2 });
    expect(report.waivers.map((w) => [w.id, w.state])).toEqual([
      ['SW-101', 'expired'],
      ['SW-102', 'active'],
      ['SW-103', 'active'],
    ]);
    const soon = run('2026-12-20T09:00:00Z');
    expect(soon.report.waivers[0]).toMatchObject({ id: 'SW-101', state: 'expiring', daysLeft: 2, matched: 1 });
    expect(soon.result.totals.waived).toBe(3);
  });

  it('a malformed file applies no waiver and says where', () => {
    const broken = TEXT.replace('| 2027-01-31 |', '| 2027-01-32 |');
    const p = prepareWaivers(FILE, { ok: true, text: broken });
    expect(p.waivers).toEqual([]);
    expect(p.error?.line).toBe(17);
    expect(p.report?.error).toBe(`${FILE}:17: expires: got "2027-01-32"; expected a date as YYYY-MM-DD`);
    expect(renderWaiverSection(p.report!)).toContain('the waivers file cannot be used (malformed or unreadable), no waiver applies');
    const missing = prepareWaivers(FILE, { ok: false, error: 'cannot read the file (ENOENT)' });
    expect(missing.report).toMatchObject({ present: false, waivers: [] });
    expect(renderWaiverSection(missing.report!)).toBe('');
  });

  it('the summary section lists every waiver with its state, escaped', () => {
    const { report } = run('2026-12-23T00:00:00Z');
    const md = renderWaiverSection(report);
    expect(md).toMatch(/^<details><summary>Waivers: 2 waivers applied \(2 findings waived\) · 1 expired<\/summary>/);
    expect(md).toContain('| ⌛ expired | [SW\\-101](https://github.com/acme/api/issues/4812) | pip\\-audit | `id=CVE-2025-66471 package=urllib3` |');
    expect(md).toContain('2026-12-22 (expired 1d ago)');
    // The owner is a team mention: broken so the summary does not notify anyone.
    expect(md).not.toMatch(/@acme\/platform/);
  });
});
