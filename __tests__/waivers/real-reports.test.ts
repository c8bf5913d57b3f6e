/** Waiver matches against findings as the real parsers produce them from the repository's fixtures. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseSettings } from '../../src/config/schema.js';
import { evaluate, type ToolInput } from '../../src/policy/evaluate.js';
import type { ParsedReport, ToolId } from '../../src/reports/model.js';
import { parseReport } from '../../src/reports/registry.js';
import { createWaiverSession } from '../../src/waivers/evaluate.js';
import { parseWaivers } from '../../src/waivers/parse.js';

const NOW = new Date('2026-11-29T12:00:00Z');

function report(tool: ToolId, path: string): ParsedReport {
  const text = readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
  return parseReport(tool, path, text);
}

function run(reports: ParsedReport[], waiversMd: string) {
  const waivers = parseWaivers(waiversMd, 'w.md');
  const session = createWaiverSession({ file: 'w.md', waivers, approvers: { security: ['sam-sec'], senior: [] }, now: NOW });
  const inputs: ToolInput[] = reports.map((r) => ({ tool: r.tool, status: 'ok', messages: [], files: [], reports: [r] }));
  const result = evaluate(inputs, { settings: parseSettings([{ phase: '2' }]), now: NOW, waive: (f) => session.waive(f) });
  return { result, report: session.report() };
}

const HEAD = '| id | tool | match | reason | rationale | owner | approvers | approved | expires | verified |\n|---|---|---|---|---|---|---|---|---|---|';
const row = (id: string, tool: string, match: string, extra = '') => `| ${id} | ${tool} | \`${match}\` | false positive | checked | @o | @sam-sec, @dana | 2026-11-20 | 2026-12-31 | ${extra} |`;

describe('real reports', () => {
  it('gitleaks (pygoat, git mode): a file:rule:line fingerprint matches the commit-qualified one; a path glob matches', () => {
    const r = report('gitleaks', 'gitleaks/CESAR-DevSecOps__pygoat/gitleaks-report.json');
    const first = r.findings[0]!;
    const parts = first.fingerprint.split(':');
    expect(parts.length).toBe(4); // commit:file:rule:line
    const md = [HEAD, row('G1', 'gitleaks', `rule=${first.ruleId} fingerprint=${parts.slice(1).join(':')}`, 'yes')].join('\n');
    const { result, report: wr } = run([r], md);
    expect(result.totals.waived).toBe(1);
    expect(wr.waivers[0]).toMatchObject({ state: 'active', matched: 1 });
  });

  it('vulture (mixd): name + path glob', () => {
    const r = report('vulture', 'vulture/w-ash__mixd/vulture_report.txt');
    const f = r.findings.find((x) => typeof x.extra?.name === 'string')!;
    const dir = f.location!.path.split('/').slice(0, -1).join('/');
    const md = [HEAD, row('V1', 'vulture', `name=${String(f.extra!.name)} path=${dir ? `${dir}/*.py` : '*.py'}`)].join('\n');
    const { report: wr } = run([r], md);
    expect(wr.waivers[0]?.matched).toBeGreaterThanOrEqual(1);
    expect(wr.waivers[0]?.state).not.toBe('stale');
  });

  it('deptry (deptry functional test): code + module', () => {
    const r = report('deptry', 'deptry/fpgmaas__deptry/test_cli__test_cli_with_json_output.json');
    const md = [HEAD, row('D1', 'deptry', 'code=DEP004 module=black'), row('D2', 'deptry', 'code=DEP001 module=nothere')].join('\n');
    const { result, report: wr } = run([r], md);
    expect(result.totals.waived).toBe(1);
    expect(wr.waivers.map((w) => [w.id, w.state])).toEqual([
      ['D1', 'active'],
      ['D2', 'stale'],
    ]);
  });

  it('bandit (bandit-demo, Windows paths normalised): test + glob', () => {
    const r = report('bandit', 'bandit/BahzingaDev__bandit-demo/bandit-report.json');
    const f = r.findings.find((x) => x.severity === 'high')!;
    const md = [HEAD, row('B1', 'bandit', `test=${f.ruleId} path=${f.location!.path}`)].join('\n');
    const { report: wr } = run([r], md);
    expect(wr.waivers[0]).toMatchObject({ state: 'active' });
    expect(wr.waivers[0]!.matched).toBeGreaterThanOrEqual(1);
  });

  it('pip-audit (noticiencias): a CVE alias waives the GHSA finding; 2 approvers incl. security needed for unknown-as-high', () => {
    const r = report('pip-audit', 'pip-audit/cortega26__noticiencias_news_collector/pip-audit.json');
    const md = [HEAD, row('P1', 'pip-audit', 'id=CVE-2025-66471 package=urllib3')].join('\n');
    const { result, report: wr } = run([r], md);
    const waived = result.tools[0]!.findings.filter((f) => f.disposition === 'waived');
    expect(waived.map((f) => f.ruleId)).toEqual(['GHSA-2xpw-w6gg-jr37']);
    expect(wr.waivers[0]).toMatchObject({ state: 'active', matched: 1 });
  });
});
