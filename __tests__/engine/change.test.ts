/**
 * When the run asks git for the change: a policy whose thresholds judge by it (`changed` /
 * `unchanged`) must get it, or those scopes never apply and the findings fall back to `default`
 * (found by a docs review: `bandit.changed: {medium: block}` only warned with the secret scan off).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { parseSettings } from '../../src/config/schema.js';
import { needsChange } from '../../src/engine/change.js';
import { commit, initRepo, removeDir, tempDir, write } from '../change/git-helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function banditReport(path: string, severity: string): string {
  return JSON.stringify({
    errors: [],
    metrics: {},
    results: [
      {
        code: '1 x = 1\n',
        filename: path,
        issue_confidence: 'HIGH',
        issue_severity: severity,
        issue_text: 'Something.',
        line_number: 1,
        line_range: [1],
        more_info: 'https://bandit.readthedocs.io/',
        test_id: 'B101',
        test_name: 'assert_used',
      },
    ],
  });
}

async function run(ws: string, args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: ws, env: {}, now: new Date('2026-12-08T12:00:00Z') });
  return { code, out, err };
}

describe('needsChange', () => {
  // As a policy file gives thresholds: the first layer.
  const settings = (inputs: Record<string, string>, thresholds?: unknown) => parseSettings([thresholds ? { thresholds } : {}, inputs]);
  it('asks for the change for the secret scan, deptry, vulture, and any tool whose thresholds use it', () => {
    expect(needsChange(settings({ 'bandit-report': 'b.json', 'secret-scan': 'false' }))).toBe(false);
    expect(needsChange(settings({ 'bandit-report': 'b.json' }))).toBe(true);
    expect(needsChange(settings({ 'deptry-report': 'd.json', 'secret-scan': 'false' }))).toBe(true);
    expect(needsChange(settings({ 'vulture-report': 'v.txt', 'secret-scan': 'false' }))).toBe(true);
    for (const t of [{ changed: { medium: 'block' } }, { unchanged: { low: 'warn' } }, { 'phase-1': { changed: { high: 'warn' } } }]) {
      expect(needsChange(settings({ 'bandit-report': 'b.json', 'secret-scan': 'false' }, { bandit: t }))).toBe(true);
      // Thresholds of a tool that is not part of this run ask for nothing.
      expect(needsChange(settings({ 'pip-audit-report': 'p.json', 'secret-scan': 'false' }, { bandit: t }))).toBe(false);
    }
  });
});

describe('a policy judging Bandit by the change, with the secret scan off', () => {
  it('blocks a MEDIUM finding in a file the change touches, and only there', async () => {
    const ws = initRepo(tempDir('sg-needs-change-'));
    dirs.push(ws);
    write(ws, '.gitignore', 'reports/\n');
    write(ws, 'app/touched.py', 'x = 0\n');
    write(ws, 'app/other.py', 'y = 0\n');
    const base = commit(ws, 'base');
    write(ws, 'app/touched.py', 'x = 1\n');
    commit(ws, 'head');
    write(ws, 'reports/touched.json', banditReport('app/touched.py', 'MEDIUM'));
    write(ws, 'reports/other.json', banditReport('app/other.py', 'MEDIUM'));
    writeFileSync(join(ws, 'policy.yml'), 'thresholds:\n  bandit:\n    changed:\n      medium: block\n');
    const common = ['--policy-file', 'policy.yml', '--phase', '2', '--secret-scan', 'false', '--severity-source', 'off', '--base-ref', base, '--fail-on-block', '--no-color'];
    const touched = await run(ws, ['--bandit-report', 'reports/touched.json', ...common]);
    expect(touched.err).toBe('');
    expect(touched.code).toBe(1);
    expect(touched.out).toMatch(/block/i);
    const other = await run(ws, ['--bandit-report', 'reports/other.json', ...common]);
    expect(other.code).toBe(0);
  });
});
