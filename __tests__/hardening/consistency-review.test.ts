/**
 * A consistency and time review: inputs where the gate told a user something false or
 * self-contradictory, or where the verdict depended on what it should not (the day the command is
 * run, where the repository is checked out). Each case failed before its fix:
 *
 * - the summary's "reproduce locally" command, run as printed, gave another verdict than CI: a
 *   policy file's glob holding a comma (`src/{auth,payments}/**`) re-split by the flag, a report
 *   path starting with `-` refused by the CLI, `${{ github.workspace }}/…` paths naming the runner's
 *   checkout, `phase: auto` re-resolved on the day the command runs, a `|` in a glob rewritten by the
 *   code span, and `osv-api-url` / `severity-budget-seconds` left out;
 * - a waiver on its last day (UTC) called "(expired)" in the rows of the findings it waived, and
 *   days to expiry one short of the waivers table;
 * - the summary saying "Waivers: 2 applied" for one waiver (it counted findings), and "0 waivers
 *   applied (1 finding waived)" for a waiver that applied to part of its findings;
 * - a policy file's `phase-2-from` written as a YAML timestamp with a time and an offset silently
 *   moved to another day (the same text quoted is refused).
 */
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { settingsWithPolicy } from '../../src/config/policy-file.js';
import { ConfigurationError, parseSettings } from '../../src/config/schema.js';
import { reproduceCommand } from '../../src/engine/publish.js';
import { loadYaml } from '../../src/util/yaml.js';
import { banditResult, workspaceWith as reviewWorkspace } from '../helpers/review.js';
import { REPO_ROOT, runAction } from '../helpers/runner.js';

const ENTRY = join(REPO_ROOT, 'dist/gate/index.js');

const workspaceWith = (files: Record<string, string>) => reviewWorkspace(files, 'sg-consistency-');

const banditReport = (results: unknown[]) => JSON.stringify({ errors: [], generated_at: '2026-12-01T00:00:00Z', metrics: {}, results });

const WAIVERS_HEADER = '| id | tool | match | reason | rationale | owner | approvers | approved | expires |\n|---|---|---|---|---|---|---|---|---|\n';
const waiverRow = (o: { id?: string; match: string; approvers: string; expires: string }) =>
  `| ${o.id ?? 'W-1'} | bandit | \`${o.match}\` | not exploitable here | constant arguments | @owner | ${o.approvers} | 2026-11-01 | ${o.expires} |\n`;

/** The command in the summary's "reproduce locally" code span, as a reader copies it (the span's text). */
function reproduceFromSummary(summary: string): string {
  const at = summary.indexOf('reproduce locally: ');
  expect(at).toBeGreaterThanOrEqual(0);
  const rest = summary.slice(at + 'reproduce locally: '.length);
  const fence = /^`+/.exec(rest)?.[0] ?? '';
  expect(fence).not.toBe('');
  const end = rest.indexOf(fence, fence.length);
  let text = rest.slice(fence.length, end);
  // CommonMark strips one space on each side when both are there.
  if (text.length > 1 && text.startsWith(' ') && text.endsWith(' ')) text = text.slice(1, -1);
  return text;
}

/** The words a POSIX shell makes of the command's arguments, run in `cwd` (globs a shell would expand, expanded). */
function shellArgs(cmd: string, cwd: string): Promise<string[]> {
  expect(cmd.startsWith('npx security-gate ')).toBe(true);
  const script = `set -- ${cmd.slice('npx security-gate '.length)}\nprintf '%s\\0' "$@"`;
  return new Promise((ok, fail) => {
    execFile('sh', ['-c', script], { cwd, encoding: 'utf8' }, (e, out) => (e ? fail(e) : ok(out.split('\0').slice(0, -1))));
  });
}

/** The action's bundle, run like the runner runs it (no upload, no network). */
async function action(ws: string, inputs: Record<string, string>) {
  if (!existsSync(ENTRY)) throw new Error('dist/gate/index.js is missing: run npm run build');
  const r = await runAction({ entry: ENTRY, workspace: ws, inputs: { 'upload-artifact': 'false', 'severity-source': 'off', 'secret-scan': 'false', ...inputs } });
  expect(r.code).toBe(0);
  return r;
}

/** The CLI, run in `cwd` on the words of `cmd` (as a developer pastes it), at `now`. */
async function cli(cmd: string, cwd: string, now?: Date) {
  const args = await shellArgs(cmd, cwd);
  let out = '';
  let err = '';
  const code = await runCli([...args, '--json', '--offline'], { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd, env: {}, ...(now ? { now } : {}) });
  return { code, err, result: code === 0 ? (JSON.parse(out) as { verdict: string; totals: Record<string, number> }) : undefined };
}

/** The CLI's verdict and counts from the summary's command, next to the action's outputs. */
async function expectSameVerdict(r: Awaited<ReturnType<typeof action>>, cwd: string, now?: Date) {
  const cmd = reproduceFromSummary(r.summary);
  const local = await cli(cmd, cwd, now);
  expect({ code: local.code, err: local.err }).toEqual({ code: 0, err: '' });
  expect({
    verdict: local.result?.verdict,
    block: String(local.result?.totals.block),
    warn: String(local.result?.totals.warn),
    waived: String(local.result?.totals.waived),
  }).toEqual({ verdict: r.outputs.verdict, block: r.outputs['blocking-count'], warn: r.outputs['warning-count'], waived: r.outputs['waived-count'] });
}

describe('reproduce locally: the printed command gives the verdict CI gave', () => {
  it('a critical-path glob from the policy file that holds a comma stays one glob', async () => {
    const ws = await workspaceWith({
      '.github/security-gate.yml': "critical-paths: ['src/{auth,payments}/**']\n",
      'reports/bandit.json': banditReport([banditResult({ file: 'src/payments/charge.py', line: 3, severity: 'HIGH' })]),
    });
    const r = await action(ws, { 'bandit-report': 'reports/bandit.json', 'policy-file': '.github/security-gate.yml', phase: '2' });
    expect(r.outputs.verdict).toBe('block');
    await expectSameVerdict(r, ws);
  }, 30_000);

  it('a report path that starts with a dash is passed so the CLI takes it as the value', async () => {
    const ws = await workspaceWith({ '-bandit.json': banditReport([banditResult({ file: 'src/auth/login.py', line: 3, severity: 'HIGH' })]) });
    const r = await action(ws, { 'bandit-report': '-bandit.json', phase: '2' });
    expect(r.outputs.verdict).toBe('block');
    await expectSameVerdict(r, ws);
  }, 30_000);

  it('`${{ github.workspace }}/…` paths name the files of the checkout the command runs in, not the runner\'s', async () => {
    const files = {
      'reports/bandit.json': banditReport([banditResult({ file: 'src/auth/login.py', line: 3, severity: 'HIGH' })]),
      'docs/team-waivers.md': WAIVERS_HEADER + waiverRow({ match: 'test=B602 path=src/auth/**', approvers: '@sue', expires: '2099-12-31' }),
    };
    const ws = await workspaceWith(files);
    const r = await action(ws, { 'bandit-report': `${ws}/reports/bandit.json`, 'waivers-file': `${ws}/docs/team-waivers.md`, 'senior-approvers': 'sue', phase: '2' });
    expect(r.outputs.verdict).toBe('pass');
    expect(r.outputs['waived-count']).toBe('1');
    // A developer's clone is somewhere else.
    const laptop = await reviewWorkspace({}, 'sg-consistency-laptop-');
    await cp(ws, laptop, { recursive: true });
    await rm(ws, { recursive: true, force: true });
    await expectSameVerdict(r, laptop);
  }, 30_000);

  it('phase "auto" is the phase CI applied, not the one of the day the command runs', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const ws = await workspaceWith({ 'reports/bandit.json': banditReport([banditResult({ file: 'src/auth/login.py', line: 3, severity: 'HIGH' })]) });
    const r = await action(ws, { 'bandit-report': 'reports/bandit.json', phase: 'auto', 'phase-2-from': tomorrow });
    expect(r.outputs.verdict).toBe('warn');
    // The developer looks into it the next day (after the switch).
    await expectSameVerdict(r, ws, new Date(Date.now() + 2 * 86_400_000));
  }, 30_000);

  it('a `|` in a glob reaches the reader of the summary as a `|`', async () => {
    const ws = await workspaceWith({ 'reports/bandit.json': banditReport([banditResult({ file: 'src/payments/charge.py', line: 3, severity: 'HIGH' })]) });
    const r = await action(ws, { 'bandit-report': 'reports/bandit.json', 'critical-paths': '**/@(auth|payments)/**', phase: '2' });
    expect(r.outputs.verdict).toBe('block');
    await expectSameVerdict(r, ws);
  }, 30_000);

  it('names where pip-audit severities were looked up and for how long (they decide unknown-severity)', () => {
    const s = parseSettings([{ 'pip-audit-report': 'p.json', 'osv-api-url': 'https://osv.internal.example', 'severity-budget-seconds': '120' }]);
    const cmd = reproduceCommand(s);
    expect(cmd).toContain('--osv-api-url https://osv.internal.example');
    expect(cmd).toContain('--severity-budget-seconds 120');
  });
});

describe('waiver expiry is told in UTC days, everywhere alike', () => {
  async function cliSummary(expires: string, now: Date) {
    const ws = await workspaceWith({
      'reports/bandit.json': banditReport([banditResult({ file: 'src/a.py', line: 1, severity: 'MEDIUM' }), banditResult({ file: 'src/b.py', line: 2, severity: 'MEDIUM' })]),
      'docs/governance/security-waivers.md': WAIVERS_HEADER + waiverRow({ match: 'test=B602 path=src/**', approvers: '@sue', expires }),
    });
    let out = '';
    const code = await runCli(['--bandit-report', 'reports/bandit.json', '--phase', '2', '--secret-scan', 'false', '--markdown-file', 'out.md', '--no-color'], { stdout: (s) => (out += s), stderr: () => {}, cwd: ws, env: {}, now });
    expect(code).toBe(0);
    return { md: await readFile(join(ws, 'out.md'), 'utf8'), terminal: out };
  }

  it('a waiver on its last day is not called expired where it waives findings', async () => {
    const { md, terminal } = await cliSummary('2026-12-01', new Date('2026-12-01T12:00:00Z'));
    expect(md).toContain('2026-12-01 (today)'); // the waivers table
    expect(md).toContain('2 findings waived');
    expect(md).not.toContain('(expired)');
    expect(terminal).not.toContain('(expired)');
  });

  it('days to expiry in the findings\' rows agree with the waivers table', async () => {
    const { md, terminal } = await cliSummary('2026-12-03', new Date('2026-12-01T12:00:00Z'));
    expect(md).toContain('2026-12-03 (in 2d)');
    expect(md).toContain('expires 2026\\-12\\-03 \\(in 2 days\\)');
    expect(terminal).toContain('expires 2026-12-03 (in 2 days)');
  });
});

describe('the summary counts waivers as waivers and findings as findings', () => {
  it('one waiver waiving two findings is not "2 applied"', async () => {
    const ws = await workspaceWith({
      'reports/bandit.json': banditReport([banditResult({ file: 'src/a.py', line: 1, severity: 'MEDIUM' }), banditResult({ file: 'src/b.py', line: 2, severity: 'MEDIUM' })]),
      // The action runs on the real clock: the waiver's last day is two days from now.
      'docs/governance/security-waivers.md': WAIVERS_HEADER + waiverRow({ match: 'test=B602 path=src/**', approvers: '@sue', expires: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10) }),
    });
    const r = await action(ws, { 'bandit-report': 'reports/bandit.json', phase: '2' });
    expect(r.outputs['waived-count']).toBe('2');
    expect(r.summary).toContain('1 waiver applied (2 findings waived)');
    expect(r.summary).not.toMatch(/Waivers: 2 applied/);
    // "expire within N days" counts waivers, like the waivers table's "expiring soon".
    expect(r.summary).not.toMatch(/2 expire within 7 days/);
    expect(r.summary).toContain('1 expiring soon');
  }, 30_000);

  it('a waiver that applies to part of its findings counts as applied', async () => {
    const ws = await workspaceWith({
      // @bob is no senior approver: the waiver may waive the MEDIUM, not the HIGH.
      'reports/bandit.json': banditReport([banditResult({ file: 'src/a.py', line: 1, severity: 'MEDIUM' }), banditResult({ file: 'src/b.py', line: 2, severity: 'HIGH' })]),
      'docs/governance/security-waivers.md': WAIVERS_HEADER + waiverRow({ match: 'test=B602 path=src/**', approvers: '@bob', expires: '2099-12-31' }),
    });
    const r = await action(ws, { 'bandit-report': 'reports/bandit.json', phase: '2', 'senior-approvers': 'sue' });
    expect(r.outputs['waived-count']).toBe('1');
    expect(r.summary).not.toContain('0 waivers applied (1 finding waived)');
    expect(r.summary).toContain('1 waiver applied (1 finding waived)');
  }, 30_000);
});

describe('dates in the policy file', () => {
  it('a YAML timestamp with a time and an offset is refused, as the same text quoted is (never moved to another day)', async () => {
    await loadYaml();
    const read = (v: string) => () => settingsWithPolicy({}, { text: `phase: auto\nphase-2-from: ${v}\n`, file: '.github/security-gate.yml' });
    expect(read('"2026-12-23T00:30:00+14:00"')).toThrow(ConfigurationError);
    // Was 2026-12-22 (the UTC day of that instant): phase 2 a day early, or with `-10`, a day late.
    expect(read('!!timestamp 2026-12-23T00:30:00+14:00')).toThrow(ConfigurationError);
    expect(read('!!timestamp 2026-12-23 23:30:00 -10')).toThrow(ConfigurationError);
    // A date alone, however YAML types it, is that day.
    expect(read('2026-12-23')()['phase-2-from']).toBe('2026-12-23');
    expect(read('!!timestamp 2026-12-23')()['phase-2-from']).toBe('2026-12-23');
  });
});
