/**
 * A pull request chooses some known secrets: what the secret scan matches on the lines it adds
 * (`password = "app/auth/login.py"`). Known secrets are scrubbed from every finding, but only
 * after the decisions: a finding's path, rule id or package, masked before the policy read them,
 * took a finding out of its critical path or out of the change (fail open).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectChange } from '../../src/io/git.js';
import { parseSettings } from '../../src/config/schema.js';
import { runEngine } from '../../src/engine/run.js';
import type { GateResult } from '../../src/policy/result.js';
import { commit, initRepo, write } from '../change/git-helpers.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const root = mkdtempSync(join(tmpdir(), 'sg-known-identity-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A repository whose pull request adds `files`; the engine in phase 2 on the reports given. */
async function gate(files: Record<string, string>, reports: Record<string, string>, inputs: Record<string, string>): Promise<{ result: GateResult; knownSecrets: string[] }> {
  const repo = initRepo(join(root, `r${n++}`));
  write(repo, 'README.md', 'x\n');
  write(repo, '.gitignore', '.reports/\n');
  const base = commit(repo, 'base');
  for (const [p, text] of Object.entries(files)) write(repo, p, text);
  const head = commit(repo, 'head');
  for (const [p, text] of Object.entries(reports)) write(repo, p, text);
  const change = await detectChange({ cwd: repo, event: {}, baseRef: base, headSha: head, fetch: false });
  if (!change.known) throw new Error(change.reason);
  const settings = parseSettings([{ phase: '2', 'severity-source': 'off', 'secret-scan': 'true', ...inputs }]);
  const run = await runEngine(settings, { workspace: repo, now: NOW, change });
  return { result: run.result, knownSecrets: run.knownSecrets };
}

const tool = (r: GateResult, id: string) => r.tools.find((t) => t.tool === id)!;

function banditReport(results: object[], errors: object[] = []): string {
  return JSON.stringify({ errors, generated_at: '2026-12-07T12:00:00Z', metrics: {}, results });
}
const HIGH = {
  code: '3 subprocess.call(cmd, shell=True)\n',
  col_offset: 4,
  filename: 'app/auth/login.py',
  issue_confidence: 'HIGH',
  issue_cwe: { id: 78, link: 'https://cwe.mitre.org/data/definitions/78.html' },
  issue_severity: 'HIGH',
  issue_text: 'subprocess call with shell=True identified, security issue.',
  line_number: 3,
  line_range: [3],
  more_info: 'https://bandit.readthedocs.io/en/latest/plugins/b602_subprocess_popen_with_shell_equals_true.html',
  test_id: 'B602',
  test_name: 'subprocess_popen_with_shell_equals_true',
};
const LOGIN = 'import subprocess\ndef login(cmd):\n    subprocess.call(cmd, shell=True)\n';

describe('a known secret the pull request chose equals a path: the policy still reads the path', () => {
  it('a high Bandit finding in a critical path blocks, its path a "password" the change adds', async () => {
    const bandit = { 'bandit-report': '.reports/bandit.json' };
    const plain = await gate({ 'app/auth/login.py': LOGIN }, { '.reports/bandit.json': banditReport([HIGH]) }, bandit);
    expect(tool(plain.result, 'bandit').findings[0]!.disposition).toBe('block');
    const masked = await gate(
      { 'app/auth/login.py': LOGIN, 'app/settings.py': 'password = "app/auth/login.py"\n' },
      { '.reports/bandit.json': banditReport([HIGH]) },
      bandit,
    );
    expect(masked.knownSecrets).toContain('app/auth/login.py');
    const f = tool(masked.result, 'bandit').findings[0]!;
    expect(f.disposition).toBe('block');
    expect(masked.result.verdict).toBe('block');
    // Shown masked all the same: a known secret is printed nowhere.
    expect(JSON.stringify(masked.result)).not.toContain('app/auth/login.py');
  });

  it('a file Bandit could not scan in a critical path is an error, its path a "password" the change adds', async () => {
    const bandit = { 'bandit-report': '.reports/bandit.json' };
    const errors = [{ filename: 'app/auth/login.py', reason: 'syntax error while parsing AST from file' }];
    const plain = await gate({ 'app/auth/login.py': 'def (:\n' }, { '.reports/bandit.json': banditReport([], errors) }, bandit);
    expect(tool(plain.result, 'bandit').status).toBe('error');
    const masked = await gate(
      { 'app/auth/login.py': 'def (:\n', 'app/settings.py': 'password = "app/auth/login.py"\n' },
      { '.reports/bandit.json': banditReport([], errors) },
      bandit,
    );
    expect(tool(masked.result, 'bandit').status).toBe('error');
    expect(masked.result.verdict).toBe('error');
    expect(JSON.stringify(masked.result)).not.toContain('app/auth/login.py');
  });

  it('new dead code blocks, the path of its file a "password" the change adds', async () => {
    const dead = "def used():\n    return 1\n\n\ndef unused_helper():\n    return 2\n";
    const line = "app/new.py:5: unused function 'unused_helper' (60% confidence)\n";
    const vulture = { 'vulture-report': '.reports/vulture.txt' };
    const plain = await gate({ 'app/new.py': dead }, { '.reports/vulture.txt': line }, vulture);
    expect(tool(plain.result, 'vulture').findings[0]!.disposition).toBe('block');
    const masked = await gate({ 'app/new.py': dead, 'app/conf.py': 'password = "app/new.py"\n' }, { '.reports/vulture.txt': line }, vulture);
    expect(masked.knownSecrets).toContain('app/new.py');
    expect(tool(masked.result, 'vulture').findings[0]!.disposition).toBe('block');
    expect(masked.result.verdict).toBe('block');
    expect(JSON.stringify(masked.result)).not.toContain('app/new.py');
  });
});
