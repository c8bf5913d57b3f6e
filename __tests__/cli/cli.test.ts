import { describe, expect, it } from '@jest/globals';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { scratchDir } from '../helpers/scratch.js';

async function cli(args: string[], cwd = process.cwd()) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd, env: {}, now: new Date('2026-11-29T12:00:00Z') });
  return { code, out, err };
}

const EX = ['--bandit-report', 'examples/reports/bandit-report.json', '--pip-audit-report', 'examples/reports/pip-audit.json', '--severity-source', 'off'];

describe('security-gate CLI', () => {
  it('prints the summary and exits 0 in phase 1', async () => {
    const r = await cli([...EX, '--phase', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/warn/i);
    expect(r.err).not.toMatch(/error|warning/i);
  });
  it('exits 1 only with --fail-on-block when the gate should fail', async () => {
    expect((await cli([...EX, '--phase', '2'])).code).toBe(0);
    expect((await cli([...EX, '--phase', '2', '--fail-on-block'])).code).toBe(1);
    expect((await cli([...EX, '--phase', '1', '--fail-on-block'])).code).toBe(0);
  });
  it('takes a boolean flag with its input\'s value too, as the README names flags like the inputs', async () => {
    expect((await cli([...EX, '--phase', '2', '--fail-on-block', 'true'])).code).toBe(1);
    expect((await cli([...EX, '--phase', '2', '--fail-on-block=true'])).code).toBe(1);
    expect((await cli([...EX, '--phase', '2', '--fail-on-block', 'false'])).code).toBe(0);
    expect((await cli([...EX, '--phase', '2', '--fail-on-block=no', '--offline'])).code).toBe(0);
    // The last spelling wins, as for any option.
    expect((await cli([...EX, '--phase', '2', '--fail-on-block', '--fail-on-block', 'false'])).code).toBe(0);
    expect((await cli([...EX, '--phase', '2', '--fail-on-block=false', '--fail-on-block'])).code).toBe(1);
    const summary = await cli([...EX, '--phase', '1', '--summary', 'false', '--upload-artifact=false']);
    expect(summary.code).toBe(0);
    expect(summary.err).toContain('--summary, --upload-artifact: action inputs, no effect in the CLI');
    const bad = await cli([...EX, '--fail-on-block=maybe']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('fail-on-block: got "maybe"; expected true or false');
  });
  it('refuses a boolean flag given an empty value (an unset variable), which would read as not given: no silent exit 0 on a block (found by a review)', async () => {
    for (const args of [['--fail-on-block='], ['--fail-on-block', '--fail-on-block=']]) {
      const r = await cli([...EX, '--phase', '2', ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('--fail-on-block= has an empty value; expected --fail-on-block, or --fail-on-block=true or false');
    }
  });
  it('writes the result JSON and markdown, same counts as the engine', async () => {
    const dir = scratchDir('sg-cli-');
    const r = await cli([...EX, '--phase', '2', '--result-file', join(dir, 'r.json'), '--markdown-file', join(dir, 's.md')]);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(result.schemaVersion).toBe(1);
    expect(result.verdict).toBe('block');
    const bandit = result.tools.find((t: { tool: string }) => t.tool === 'bandit');
    expect(bandit.severity).toMatchObject({ high: 1, medium: 30, low: 642 });
    const pip = result.tools.find((t: { tool: string }) => t.tool === 'pip-audit');
    expect(pip.findings).toHaveLength(4);
    expect(readFileSync(join(dir, 's.md'), 'utf8')).toMatch(/^## .*Security gate: block/);
  });
  it('rejects bad options with exit 2 and a message naming the input', async () => {
    const r = await cli(['--phase', '7']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('phase: got "7"; expected one of 1, 2, auto');
    const u = await cli(['--no-such-flag']);
    expect(u.code).toBe(2);
    expect(u.err).toContain('Usage');
  });
  it('reports a malformed report as an error naming the file, never a stack', async () => {
    const dir = scratchDir('sg-cli-');
    writeFileSync(join(dir, 'bandit.json'), '{"results": [ {"test_id": "B101"');
    const r = await cli(['--bandit-report', 'bandit.json', '--json'], dir);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out);
    expect(result.verdict).toBe('error');
    expect(result.tools[0].messages.join(' ')).toContain('bandit.json');
    expect(r.out + r.err).not.toMatch(/\n\s+at /);
  });
  it('reports a missing report', async () => {
    const dir = scratchDir('sg-cli-');
    const r = await cli(['--bandit-report', 'reports/*.json', '--json'], dir);
    const result = JSON.parse(r.out);
    expect(result.tools[0].status).toBe('missing');
    expect(result.tools[0].messages[0]).toContain('matched no file');
    expect(result.tools[0].missingAs).toBe('error');
    const text = await cli(['--bandit-report', 'reports/*.json', '--no-color'], dir);
    expect(text.out).toContain('Bandit report missing: bandit-report `reports/*.json` matched no file');
    expect(text.out).not.toMatch(/report missing:.*report missing/);
    expect(text.out).toMatch(/^ {2}x Bandit report missing/m);
    const ignored = await cli(['--bandit-report', 'reports/*.json', '--no-color', '--on-missing-report', 'ignore'], dir);
    expect(ignored.code).toBe(0);
    expect(ignored.out).toMatch(/^Security gate: pass — 1 report missing \(ignored\)$/m);
    expect(ignored.out).toMatch(/^ {2}- Bandit report missing/m);
  });
  it('writes no result or summary file through a link in the workspace', async () => {
    const dir = scratchDir('sg-cli-');
    const victim = join(scratchDir('sg-cli-victim-'), 'victim.txt');
    writeFileSync(victim, 'untouched');
    symlinkSync(victim, join(dir, 'result.json'));
    symlinkSync(victim, join(dir, 'summary.md'));
    const r = await cli(['--result-file', 'result.json'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--result-file: `result.json` is a symbolic link: the gate does not write through links');
    const m = await cli(['--markdown-file', 'summary.md'], dir);
    expect(m.code).toBe(2);
    expect(m.err).toContain('--markdown-file: `summary.md` is a symbolic link');
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
  });
  it("outside the workspace a path is the user's own: a link there is written through (/dev/stdout works)", async () => {
    const ws = scratchDir('sg-cli-');
    const mine = scratchDir('sg-cli-mine-');
    writeFileSync(join(mine, 'real.json'), '');
    symlinkSync(join(mine, 'real.json'), join(mine, 'latest.json'));
    symlinkSync(join(mine, 'real.json'), join(mine, 'latest.md'));
    const r = await cli(['--workspace', ws, '--result-file', join(mine, 'latest.json')], mine);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(mine, 'real.json'), 'utf8')).schemaVersion).toBe(1);
    const m = await cli(['--workspace', ws, '--markdown-file', join(mine, 'latest.md')], mine);
    expect(m.code).toBe(0);
    expect(readFileSync(join(mine, 'real.json'), 'utf8')).toMatch(/^## /);
  });
  it('refuses a waivers file over 4 MiB before parsing it: no waiver applies', async () => {
    const dir = scratchDir('sg-cli-');
    mkdirSync(join(dir, 'docs', 'governance'), { recursive: true });
    writeFileSync(join(dir, 'docs', 'governance', 'security-waivers.md'), `# Waivers\n\n${'x'.repeat(4 * 1024 * 1024)}\n`);
    const r = await cli(['--no-color'], dir);
    expect(r.out + r.err).toMatch(/waivers\.md: file is \d+ bytes, over the 4194304-byte limit for a waivers file/);
    expect(r.out).toContain('no waiver applies');
  });
  it('refuses a policy file over 1 MiB, or one that is a directory, before parsing it', async () => {
    const dir = scratchDir('sg-cli-');
    writeFileSync(join(dir, 'big.yml'), `phase: 1\n# ${'x'.repeat(1024 * 1024)}\n`);
    const big = await cli(['--policy-file', 'big.yml'], dir);
    expect(big.code).toBe(2);
    expect(big.err).toMatch(/policy-file: "big\.yml" is \d+ bytes, over the 1048576-byte limit for a policy file/);
    mkdirSync(join(dir, 'd.yml'));
    const d = await cli(['--policy-file', 'd.yml'], dir);
    expect(d.code).toBe(2);
    expect(d.err).toContain('policy-file: "d.yml" is a directory: not read');
  });
  it('reads a policy file and names the line of an error', async () => {
    const dir = scratchDir('sg-cli-');
    writeFileSync(join(dir, 'policy.yml'), 'phase: 2\nthresholds:\n  bandit:\n    default:\n      high: explode\n');
    const r = await cli(['--policy-file', 'policy.yml'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/policy\.yml:5/);
  });
  it('says that action-only inputs do nothing here, and still checks them (found by a docs review)', async () => {
    const dir = scratchDir('sg-cli-');
    const r = await cli(['--sarif-file', 'x.sarif', '--annotations', 'blocking'], dir);
    expect(r.err).toContain('security-gate: --sarif-file, --annotations: action inputs, no effect in the CLI');
    const bad = await cli(['--annotations', 'loud'], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('annotations: got "loud"');
  });
  it('refuses a policy file linked into .git (exit 2), without quoting it', async () => {
    const dir = scratchDir('sg-cli-');
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'config'), '[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0LXRva2Vu\n');
    symlinkSync('.git/config', join(dir, 'policy.yml'));
    const r = await cli(['--policy-file', 'policy.yml'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('policy-file: "policy.yml" is in a .git directory: not read');
    expect(r.out + r.err).not.toContain('c2VjcmV0LXRva2Vu');
  });
});
