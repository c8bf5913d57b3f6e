/**
 * `--as-of`: a CI verdict that depended on the day (a waiver's expiry) reproduces on a later day.
 * The action names its run's time in the "reproduce locally" command when a waivers file was read;
 * the CLI judges the waivers as of that time. Without it, a waiver that expired since CI ran leaves
 * its findings blocking, and the command shows another verdict than CI's.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAsOf, runCli } from '../../src/cli/main.js';
import { clockOf, reproduceCommand } from '../../src/engine/publish.js';
import { parseSettings } from '../../src/config/schema.js';
import type { GateResult } from '../../src/policy/result.js';
import { REPO_ROOT, runAction } from '../helpers/runner.js';
import { scratchDir } from '../helpers/scratch.js';
import { shellWords } from '../helpers/shell-words.js';

jest.setTimeout(60_000);

const DAY = 86_400_000;
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

async function cli(args: string[], cwd: string, now: Date) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd, env: {}, now });
  return { code, out, err };
}

describe('parseAsOf', () => {
  it('takes a day (its start in UTC) or a time with its zone, to the millisecond', () => {
    expect(parseAsOf('2026-12-01').toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(parseAsOf(' 2026-12-01T09:30Z ').toISOString()).toBe('2026-12-01T09:30:00.000Z');
    expect(parseAsOf('2026-12-01T09:30:15.123456789Z').toISOString()).toBe('2026-12-01T09:30:15.123Z');
    // An offset moves the instant, and with it the UTC day a waiver's expiry is compared with.
    expect(parseAsOf('2026-12-01T01:00:00+02:00').toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(parseAsOf('2026-12-01T23:30:00-01:00').toISOString()).toBe('2026-12-02T00:30:00.000Z');
    expect(parseAsOf('2028-02-29').toISOString()).toBe('2028-02-29T00:00:00.000Z');
    // What the action names: a result's generatedAt.
    const at = '2026-12-07T21:40:19.518Z';
    expect(parseAsOf(at).toISOString()).toBe(at);
  });

  it('refuses what is not one instant: no zone, impossible fields, rolled-over days, other notations', () => {
    for (const bad of ['', 'today', '2026-12-01T09:30', '2026-12-01T09:30:00', '2026-02-30', '2027-02-29', '2026-13-01', '2026-00-10', '2026-12-00', '2026-12-01T24:00Z', '2026-12-01T10:60Z', '2026-12-01T10:00:60Z', '2026-12-01T10:00+24:00', '1969-12-31', '20261201', '2026-12-01 09:30Z', '1733011200', '+2026-12-01']) {
      expect(() => parseAsOf(bad)).toThrow(/^--as-of: got .*; expected a day as YYYY-MM-DD, or a time with its zone such as 2026-12-01T09:30:00Z$/);
    }
  });

  it('the CLI exits 2 on a bad value and quotes it, control characters escaped', async () => {
    const r = await cli(['--bandit-report', 'examples/reports/bandit-report.json', '--as-of', '2026-12-01\n::error::forged\u001b[31m'], REPO_ROOT, new Date());
    expect(r.code).toBe(2);
    expect(r.err).toBe('security-gate: --as-of: got "2026-12-01\\n::error::forged\\u001b[31m"; expected a day as YYYY-MM-DD, or a time with its zone such as 2026-12-01T09:30:00Z\n');
    expect(r.out).toBe('');
  });
});

describe('clockOf and the reproduce command', () => {
  const base = { generatedAt: '2026-12-07T21:40:19.518Z' } as GateResult;
  it('names the run time only when a waiver was read, the one thing the CLI judges by the day', () => {
    expect(clockOf(base)).toBeUndefined();
    expect(clockOf({ ...base, waivers: { waivers: [] } } as unknown as GateResult)).toBeUndefined();
    expect(clockOf({ ...base, waivers: { waivers: [{ id: 'SW-1' }] } } as unknown as GateResult)).toBe('2026-12-07T21:40:19.518Z');
    const s = parseSettings([{ 'bandit-report': 'b.json', phase: '1' }]);
    expect(reproduceCommand(s, undefined, { asOf: '2026-12-07T21:40:19.518Z' })).toBe('npx security-gate --bandit-report b.json --phase 1 --as-of 2026-12-07T21:40:19.518Z');
    expect(reproduceCommand(s)).not.toContain('--as-of');
  });
});

describe('a verdict that hung on a waiver reproduces after the waiver expired', () => {
  it('the action names its time; a month later, its command gives CI\'s verdict, and the same command without --as-of does not', async () => {
    const ws = scratchDir('sg-as-of-');
    mkdirSync(join(ws, 'reports'));
    mkdirSync(join(ws, 'docs/governance'), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'examples/reports/pip-audit.json'), join(ws, 'reports/pip-audit.json'));
    // Each of the example's advisories waived until three days from now: the action's run judges
    // them active; a run a month later, expired.
    const now = Date.now();
    const report = JSON.parse(readFileSync(join(ws, 'reports/pip-audit.json'), 'utf8')) as { dependencies: Array<{ name: string; vulns?: Array<{ id: string }> }> };
    const rows = report.dependencies.flatMap((d) => (d.vulns ?? []).map((v) => ({ pkg: d.name, id: v.id })));
    expect(rows.length).toBeGreaterThan(0);
    const table = rows.map(
      (r, i) =>
        `| SW-${100 + i} | pip-audit | \`id=${r.id} package=${r.pkg}\` | dependency update blocked | the vulnerable path is not reachable from our code | @acme/platform | @dana-ops, @sam-sec | ${day(now - 2 * DAY)} | ${day(now + 3 * DAY)} | | pinned behind a proxy | https://github.com/acme/api/issues/${i + 1} |`,
    );
    writeFileSync(
      join(ws, 'docs/governance/security-waivers.md'),
      ['# Security waivers', '', '| id | tool | match | reason | rationale | owner | approvers | approved | expires | verified | mitigation | tracking |', '|---|---|---|---|---|---|---|---|---|---|---|---|', ...table, ''].join('\n'),
    );
    const inputs = { 'pip-audit-report': 'reports/pip-audit.json', phase: '2', 'severity-source': 'off', 'security-approvers': 'sam-sec', 'senior-approvers': 'sue-senior', 'secret-scan': 'false', 'upload-artifact': 'false', 'output-dir': 'gate-out' };
    const r = await runAction({ entry: 'dist/gate/index.js', workspace: ws, actionYml: join(REPO_ROOT, 'action.yml'), inputs });
    expect(r.code).toBe(0);
    const ci = JSON.parse(readFileSync(r.outputs['result-file']!, 'utf8')) as GateResult;
    const pip = ci.tools.find((t) => t.tool === 'pip-audit')!;
    // What CI decided: every advisory waived, nothing blocks.
    expect(pip.counts.waived).toBe(rows.length);
    expect(ci.verdict).not.toBe('block');
    const cmd = /reproduce locally: `([^`]+)`/.exec(r.summary)?.[1];
    expect(cmd).toContain(`--as-of ${ci.generatedAt}`);
    const args = shellWords(cmd!).slice(2);

    const later = new Date(now + 30 * DAY);
    const view = (g: GateResult) => ({ verdict: g.verdict, shouldFail: g.shouldFail, counts: g.tools.map((t) => [t.tool, t.status, t.counts]), waivers: g.waivers?.waivers.map((w) => `${w.id}:${w.state}`) });
    const again = await cli([...args, '--json'], ws, later);
    expect(again.code).toBe(0);
    const local = JSON.parse(again.out) as GateResult;
    expect(view(local)).toEqual(view(ci));
    expect(local.generatedAt).toBe(ci.generatedAt);

    // The same command without the time: the waivers have expired, their findings block.
    const undated = args.filter((a, i) => a !== '--as-of' && args[i - 1] !== '--as-of');
    const today = JSON.parse((await cli([...undated, '--json'], ws, later)).out) as GateResult;
    expect(today.verdict).toBe('block');
    expect(today.waivers?.waivers.every((w) => w.state === 'expired')).toBe(true);
  });
});
