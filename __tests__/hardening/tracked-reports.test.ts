/**
 * A report file git tracks (committed to the repository) at the path the lane writes it: a scanner
 * step that fails under continue-on-error writes nothing, and the gate would read the committed
 * file as this run's output. The change's own files were checked (bypass-review.test.ts); one the
 * base branch already holds, or any on a run without a known change (a push to `main`, where
 * promotion's evidence comes from, with the secret scan off), was not. Real git repositories
 * below; the action's shell asks git (io/git.ts trackedFiles), the engine judges.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { REPORT_INPUTS } from '../../src/config/schema.js';
import { parseSettings } from '../../src/config/schema.js';
import type { Change } from '../../src/change/diff.js';
import { runEngine } from '../../src/engine/run.js';
import { runCli } from '../../src/cli/main.js';
import { committedReportsHeld, reproduceCommand } from '../../src/engine/publish.js';
import type { GateResult } from '../../src/policy/result.js';
import { trackedFiles } from '../../src/io/git.js';
import { renderSummary } from '../../src/render/summary.js';
import { headlineFor } from '../../src/render/common.js';
import { renderTerminal } from '../../src/render/terminal.js';
import { commit, git, initRepo, removeDir, symlink, tempDir, write } from '../change/git-helpers.js';
import { REVIEW_NOW } from '../helpers/review.js';
import { REPO_ROOT } from '../helpers/runner.js';

const AUDIT = JSON.stringify({ dependencies: [{ name: 'requests', version: '2.32.4', vulns: [] }], fixes: [] });
const BANDIT = JSON.stringify({ errors: [], generated_at: '2026-12-07T00:00:00Z', metrics: {}, results: [] });

let root: string;
beforeAll(() => {
  root = tempDir('sg-tracked-');
});
afterAll(() => removeDir(root));

let n = 0;
/** A repository with `committed` in its last commit and `untracked` written after it. */
function repo(committed: Record<string, string>, untracked: Record<string, string> = {}): string {
  const dir = initRepo(join(root, `r${++n}`));
  write(dir, 'src/app.py', 'x = 1\n');
  for (const [p, c] of Object.entries(committed)) write(dir, p, c);
  commit(dir, 'base');
  for (const [p, c] of Object.entries(untracked)) write(dir, p, c);
  return dir;
}

async function gate(ws: string, inputs: Record<string, string>) {
  const settings = parseSettings([{ phase: '2', 'severity-source': 'off', 'secret-scan': 'false', ...inputs }]);
  return (await runEngine(settings, { workspace: ws, now: REVIEW_NOW, tracked: (paths) => trackedFiles(ws, paths) })).result;
}

describe('trackedFiles: which report files git tracks', () => {
  it('names the tracked ones as given; paths are literal, not patterns', async () => {
    const ws = repo({ 'reports/pip-audit.json': AUDIT, 'reports/*.json': AUDIT }, { 'reports/bandit.json': BANDIT, 'reports/x.json': AUDIT });
    expect(await trackedFiles(ws, ['reports/pip-audit.json', 'reports/bandit.json', 'reports/x.json'])).toEqual(new Set(['reports/pip-audit.json']));
    expect(await trackedFiles(ws, ['reports/*.json'])).toEqual(new Set(['reports/*.json']));
  });

  it('where the file system ignores letter case, any spelling of a tracked file is it (named as asked); elsewhere it is another file', async () => {
    const ws = repo({ 'reports/pip-audit.json': AUDIT });
    expect(await trackedFiles(ws, ['Reports/Pip-Audit.JSON', 'reports/other.json'], { foldCase: true })).toEqual(new Set(['Reports/Pip-Audit.JSON']));
    expect(await trackedFiles(ws, ['Reports/Pip-Audit.JSON'], { foldCase: false })).toEqual(new Set());
  });

  it('a workspace below the repository\'s root: paths stay the workspace\'s', async () => {
    const top = repo({ 'api/reports/pip-audit.json': AUDIT });
    expect(await trackedFiles(join(top, 'api'), ['reports/pip-audit.json'])).toEqual(new Set(['reports/pip-audit.json']));
  });

  it('nothing to ask outside a repository; a repository git cannot read is an error with git\'s words', async () => {
    const plain = tempDir('sg-tracked-plain-');
    try {
      expect(await trackedFiles(plain, ['reports/pip-audit.json'])).toBeUndefined();
    } finally {
      removeDir(plain);
    }
    const broken = repo({ 'reports/pip-audit.json': AUDIT });
    writeFileSync(join(broken, '.git/index'), 'not an index');
    await expect(trackedFiles(broken, ['reports/pip-audit.json'])).rejects.toThrow(/^git ls-files exited with 128: .*index/);
  });
});

describe('trackedFiles: what a report path leads to', () => {
  it('a report a submodule commits is tracked (the superproject\'s index holds only the pointer)', async () => {
    const sub = repo({ 'reports/pip-audit.json': AUDIT });
    const top = repo({});
    git(top, 'submodule', 'add', '-q', sub, 'libs/api');
    commit(top, 'the submodule');
    expect(await trackedFiles(top, ['libs/api/reports/pip-audit.json', 'libs/api/src/app.py', 'libs/api/reports/other.json'])).toEqual(
      new Set(['libs/api/reports/pip-audit.json', 'libs/api/src/app.py']),
    );
  });

  it('a report read through a link is the committed file the link leads to', async () => {
    // `reports` is a committed link to the committed `ci/out/`; `tmp/pip-audit.json` an untracked link to a committed file.
    const ws = repo({ 'ci/out/pip-audit.json': AUDIT });
    symlink(ws, 'reports', 'ci/out');
    commit(ws, 'the link');
    write(ws, 'tmp/.keep', '');
    symlink(ws, 'tmp/pip-audit.json', '../ci/out/pip-audit.json');
    expect(await trackedFiles(ws, ['reports/pip-audit.json', 'tmp/pip-audit.json'])).toEqual(new Set(['reports/pip-audit.json', 'tmp/pip-audit.json']));
    const r = await gate(ws, { 'pip-audit-report': 'reports/pip-audit.json' });
    expect(r.tools[0]!.status).toBe('error');
    expect(r.tools[0]!.stats['reportsTracked']).toBe(1);
  });

  it('a .git git cannot open, or no git to ask, is a failure said with git\'s words, not a repository-less pass', async () => {
    const ws = tempDir('sg-tracked-gitfile-');
    try {
      write(ws, '.git', 'gitdir: /nonexistent/worktrees/ws\n');
      write(ws, 'reports/pip-audit.json', AUDIT);
      await expect(trackedFiles(ws, ['reports/pip-audit.json'])).rejects.toThrow(/^git ls-files exited with 128: .*not a git repository/);
      const r = await gate(ws, { 'pip-audit-report': 'reports/pip-audit.json' });
      expect(r.notices.join('\n')).toMatch(/^Whether git tracks the report files could not be checked \(git ls-files exited with 128/m);
    } finally {
      removeDir(ws);
    }
    const inRepo = repo({ 'reports/pip-audit.json': AUDIT });
    const path = process.env.PATH;
    process.env.PATH = join(root, 'no-git-here');
    try {
      await expect(trackedFiles(inRepo, ['reports/pip-audit.json'])).rejects.toThrow(/^git ls-files could not be started \(ENOENT/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('the repository\'s own self-test (.github/workflows/ci.yml)', () => {
  it('runs the action on no report git tracks: the committed examples would put both tools in error', async () => {
    const workflow = parseYaml(readFileSync(join(REPO_ROOT, '.github/workflows/ci.yml'), 'utf8')) as { jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }> };
    const reports = Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .filter((s) => s.uses === './')
      .flatMap((s) => Object.values(REPORT_INPUTS).map((input) => s.with?.[input]).filter((p): p is string => p !== undefined));
    expect(reports.length).toBeGreaterThan(0);
    // Undefined when the tests run outside a clone (a source tarball): nothing then is committed.
    expect([...((await trackedFiles(REPO_ROOT, reports)) ?? [])]).toEqual([]);
  });
});

describe('a committed report puts its tool in error, as one the change holds does', () => {
  it('the base branch\'s committed report, with no change known: error, said as committed, findings still read', async () => {
    const ws = repo({ 'reports/pip-audit.json': AUDIT }, { 'reports/bandit.json': BANDIT });
    const r = await gate(ws, { 'pip-audit-report': 'reports/pip-audit.json', 'bandit-report': 'reports/bandit.json' });
    const pip = r.tools.find((t) => t.tool === 'pip-audit')!;
    expect(pip.status).toBe('error');
    expect(pip.stats['reportsTracked']).toBe(1);
    expect(pip.messages).toEqual([
      '"reports/pip-audit.json": git tracks this file (it is committed to the repository), so the gate may have read the committed file rather than what pip-audit wrote in this run (a scanner step that failed leaves it in place). Untrack it (`git rm --cached`) and add it to .gitignore.',
    ]);
    expect(r.tools.find((t) => t.tool === 'bandit')!.status).toBe('ok');
    expect(r.shouldFail).toBe(true);
    expect(r.headline).toBe('Security gate: error — 1 report committed to the repository');
    expect(renderSummary(r)).toContain('**pip\\-audit** report committed to the repository: &quot;reports/pip\\-audit\\.json&quot;: git tracks this file');
    expect(renderTerminal(r)).toContain('pip-audit report committed to the repository: "reports/pip-audit.json": git tracks this file');
  });

  it('a committed report that also names files not scanned in a critical path: the headline says both', async () => {
    const bandit = JSON.stringify({ errors: [{ filename: 'src/auth/login.py', reason: 'syntax error while parsing AST from file' }], generated_at: '2026-12-07T00:00:00Z', metrics: {}, results: [] });
    const ws = repo({ 'reports/bandit.json': bandit });
    const r = await gate(ws, { 'bandit-report': 'reports/bandit.json', 'critical-paths': 'src/auth/**' });
    expect(r.tools[0]!.status).toBe('error');
    expect(r.tools[0]!.stats['reportsTracked']).toBe(1);
    expect(headlineFor(r)).toBe('Security gate: error — 1 report committed to the repository · 1 file not scanned (in a critical path)');
    // Untracked, the same report is in error for the file not scanned alone.
    const untracked = await gate(repo({}, { 'reports/bandit.json': bandit }), { 'bandit-report': 'reports/bandit.json', 'critical-paths': 'src/auth/**' });
    expect(headlineFor(untracked)).toBe('Security gate: error — 1 file not scanned (in a critical path)');
  });

  it('two tools reading one committed file are each in error for it', async () => {
    const ws = repo({ 'reports/empty.json': '[]' });
    const r = await gate(ws, { 'gitleaks-report': 'reports/empty.json', 'deptry-report': 'reports/empty.json' });
    for (const tool of ['gitleaks', 'deptry']) {
      const t = r.tools.find((x) => x.tool === tool)!;
      expect([t.status, t.stats['reportsTracked']]).toEqual(['error', 1]);
    }
  });

  it('(guard) untracked reports, and a run outside any repository, are as before', async () => {
    const ws = repo({}, { 'reports/pip-audit.json': AUDIT });
    const r = await gate(ws, { 'pip-audit-report': 'reports/*.json' });
    expect(r.tools[0]!.status).toBe('ok');
    expect(r.notices).toEqual([]);
    const plain = tempDir('sg-tracked-plain-');
    try {
      write(plain, 'reports/pip-audit.json', AUDIT);
      const p = await gate(plain, { 'pip-audit-report': 'reports/pip-audit.json' });
      expect(p.tools[0]!.status).toBe('ok');
      expect(p.notices).toEqual([]);
    } finally {
      removeDir(plain);
    }
  });

  it('git failing is said, never a silent pass of the check; the CLI (no `tracked`) does not ask', async () => {
    const ws = repo({ 'reports/pip-audit.json': AUDIT });
    writeFileSync(join(ws, '.git/index'), 'not an index');
    const r = await gate(ws, { 'pip-audit-report': 'reports/pip-audit.json' });
    expect(r.tools[0]!.status).toBe('ok');
    expect(r.notices.join('\n')).toMatch(/^Whether git tracks the report files could not be checked \(git ls-files exited with 128: .*\): a report committed to the repository, read instead of what its scanner wrote in this run, would go unnoticed\.$/m);
    const settings = parseSettings([{ phase: '2', 'severity-source': 'off', 'secret-scan': 'false', 'pip-audit-report': 'reports/pip-audit.json' }]);
    const cli = (await runEngine(settings, { workspace: repo({ 'reports/pip-audit.json': AUDIT }), now: REVIEW_NOW })).result;
    expect(cli.tools[0]!.status).toBe('ok');
  });

  it('git is asked as soon as the reports are read, not after the change is found (one git process off a small run\'s critical path)', async () => {
    const ws = repo({}, { 'reports/pip-audit.json': AUDIT });
    const settings = parseSettings([{ phase: '2', 'severity-source': 'off', 'secret-scan': 'false', 'pip-audit-report': 'reports/pip-audit.json' }]);
    const order: string[] = [];
    const change = new Promise<Change>((done) => setTimeout(() => {
      order.push('change found');
      done({ known: false, reason: 'not yet' });
    }, 300));
    const r = (await runEngine(settings, {
      workspace: ws,
      now: REVIEW_NOW,
      change,
      tracked: async (paths) => {
        order.push('git asked');
        return trackedFiles(ws, paths);
      },
    })).result;
    expect(order).toEqual(['git asked', 'change found']);
    expect(r.tools[0]!.status).toBe('ok');
  });

  it('a report the change holds is said once, as the change\'s', async () => {
    const ws = repo({ 'reports/pip-audit.json': AUDIT });
    const settings = parseSettings([{ phase: '2', 'severity-source': 'off', 'secret-scan': 'false', 'pip-audit-report': 'reports/pip-audit.json' }]);
    const change = {
      known: true as const, base: 'a'.repeat(40), head: 'b'.repeat(40), source: 'pull_request' as const, diffBase: 'a'.repeat(40), mode: 'three-dot' as const,
      files: [{ path: 'reports/pip-audit.json', status: 'added' as const, binary: false, addedLines: [] }], addedLinesComplete: true, notes: [],
    };
    const r = (await runEngine(settings, { workspace: ws, now: REVIEW_NOW, change, tracked: (paths) => trackedFiles(ws, paths) })).result;
    const pip = r.tools[0]!;
    expect(pip.messages).toHaveLength(1);
    expect(pip.messages[0]).toContain('this change adds or modifies the report file itself');
    expect(pip.stats['reportsTracked']).toBeUndefined();
    expect(r.headline).toBe('Security gate: error — 1 report from the change');
  });
});

describe('the CLI reproduces a committed report\'s error only when asked', () => {
  async function cli(ws: string, args: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(['--json', '--pip-audit-report', 'reports/pip-audit.json', '--severity-source', 'off', '--secret-scan', 'false', '--phase', '2', ...args], { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: ws, env: {}, now: REVIEW_NOW });
    expect([code, err]).toEqual([0, '']);
    return JSON.parse(out) as GateResult;
  }

  it('--refuse-committed-reports asks git as the action does; the action\'s reproduce line names it when the check put a tool in error', async () => {
    const ws = repo({ 'reports/pip-audit.json': AUDIT });
    const action = await gate(ws, { 'pip-audit-report': 'reports/pip-audit.json' });
    expect(action.tools[0]!.status).toBe('error');
    const cmd = reproduceCommand(parseSettings([{ 'pip-audit-report': 'reports/pip-audit.json', 'severity-source': 'off', 'secret-scan': 'false', phase: '2' }]), action.change, { committedReports: committedReportsHeld(action) });
    expect(cmd).toMatch(/ --refuse-committed-reports$/);
    const local = await cli(ws, ['--refuse-committed-reports']);
    expect([local.tools[0]!.status, local.tools[0]!.messages, local.verdict]).toEqual([action.tools[0]!.status, action.tools[0]!.messages, action.verdict]);
    // Without the flag (the demo on the committed examples): not asked.
    expect((await cli(ws, [])).tools[0]!.status).toBe('ok');
    // Nothing committed: nothing to name.
    const clean = repo({}, { 'reports/pip-audit.json': AUDIT });
    const ok = await gate(clean, { 'pip-audit-report': 'reports/pip-audit.json' });
    expect(committedReportsHeld(ok)).toBe(false);
    expect((await cli(clean, ['--refuse-committed-reports'])).tools[0]!.status).toBe('ok');
  });
});

describe('trackedFiles without starting git: only where the index rules a file out', () => {
  // A shim in front of git logs each call: the answer must be git's in every layout, and git is
  // started only when the index cannot rule the files out.
  let shim: string;
  let calls: string;
  let savedPath: string | undefined;
  beforeAll(() => {
    shim = tempDir('sg-tracked-shim-');
    calls = join(shim, 'calls');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(shim, 'git'), `#!/bin/sh\necho "$*" >> ${JSON.stringify(calls)}\nexec ${JSON.stringify(realGit)} "$@"\n`, { mode: 0o755 });
    savedPath = process.env.PATH;
  });
  afterAll(() => {
    process.env.PATH = savedPath;
    removeDir(shim);
  });
  async function asked(ws: string, paths: string[]): Promise<{ tracked: string[]; gitStarted: boolean }> {
    rmSync(calls, { force: true });
    process.env.PATH = `${shim}:${savedPath}`;
    try {
      const set = await trackedFiles(ws, paths, { foldCase: false });
      return { tracked: [...(set ?? [])].sort(), gitStarted: existsSync(calls) };
    } finally {
      process.env.PATH = savedPath;
    }
  }
  const REPORTS = ['reports/pip-audit.json', 'reports/bandit.json'];
  /** Committed: old/reports/bandit.json (a longer path ending in a report's name) and src/app.py; the reports are written after. */
  const layout = () => repo({ 'old/reports/bandit.json': BANDIT }, { 'reports/pip-audit.json': AUDIT, 'reports/bandit.json': BANDIT });

  it('an index of version 2 or 3 that holds neither report: the answer without git', async () => {
    for (const version of ['2', '3']) {
      const ws = repo({}, { 'reports/pip-audit.json': AUDIT, 'reports/bandit.json': BANDIT });
      git(ws, 'update-index', '--index-version', version);
      expect(await asked(ws, REPORTS)).toEqual({ tracked: [], gitStarted: false });
    }
    // Many names (a glob over a directory of reports): one pass of git, not one pass of the index each.
    const many = repo({}, Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`reports/r${i}.json`, AUDIT])));
    expect(await asked(many, Array.from({ length: 65 }, (_, i) => `reports/r${i}.json`))).toEqual({ tracked: [], gitStarted: true });
  });

  it('a tracked report, a name inside a longer tracked path, a version-4, split or sparse index, submodules: git is asked, and its answer stands', async () => {
    const tracked = repo({ 'reports/pip-audit.json': AUDIT }, { 'reports/bandit.json': BANDIT });
    expect(await asked(tracked, REPORTS)).toEqual({ tracked: ['reports/pip-audit.json'], gitStarted: true });
    expect(await asked(layout(), REPORTS)).toEqual({ tracked: [], gitStarted: true });
    // Version 4 keeps the report's name as 'the previous name less 6 bytes, then pip-audit.json'.
    const v4 = repo({ 'reports/a.json': AUDIT, 'reports/pip-audit.json': AUDIT });
    git(v4, 'update-index', '--index-version', '4');
    expect(await asked(v4, REPORTS)).toEqual({ tracked: ['reports/pip-audit.json'], gitStarted: true });
    const split = repo({ 'reports/pip-audit.json': AUDIT });
    git(split, 'update-index', '--split-index');
    write(split, 'more.txt', 'x');
    git(split, 'add', 'more.txt');
    expect(await asked(split, REPORTS)).toEqual({ tracked: ['reports/pip-audit.json'], gitStarted: true });
    // A sparse index lists `reports/` as one entry: the file is tracked, its name is not there.
    const sparse = repo({ 'reports/pip-audit.json': AUDIT, 'docs/a.md': 'a' });
    git(sparse, 'sparse-checkout', 'set', '--cone', '--sparse-index', 'src');
    expect(await asked(sparse, REPORTS)).toEqual({ tracked: ['reports/pip-audit.json'], gitStarted: true });
    const withModules = repo({ '.gitmodules': '[submodule "x"]\n\tpath = x\n\turl = ./x\n' }, { 'reports/pip-audit.json': AUDIT });
    expect(await asked(withModules, REPORTS)).toEqual({ tracked: [], gitStarted: true });
  });

  it('a workspace below the root, and one reached through a worktree\'s `.git` file: the same answers', async () => {
    const top = repo({ 'api/reports/pip-audit.json': AUDIT }, { 'api/reports/bandit.json': BANDIT });
    expect(await asked(join(top, 'api'), REPORTS)).toEqual({ tracked: ['reports/pip-audit.json'], gitStarted: true });
    const clean = repo({}, { 'api/reports/bandit.json': BANDIT });
    expect(await asked(join(clean, 'api'), ['reports/bandit.json'])).toEqual({ tracked: [], gitStarted: false });
    const main = repo({ 'reports/pip-audit.json': AUDIT });
    const wt = join(root, `wt${++n}`);
    git(main, 'worktree', 'add', '-q', wt);
    expect(await asked(wt, REPORTS)).toEqual({ tracked: ['reports/pip-audit.json'], gitStarted: true });
  });

  it('a submodule whose .gitmodules is not in the work tree (git reads it from the index or HEAD): git is asked, and its report is tracked', async () => {
    // The superproject's index holds only the pointer (`libs/api`, a gitlink): any gitlink is git's to answer.
    const sub = repo({ 'reports/pip-audit.json': AUDIT });
    const REPORT = ['libs/api/reports/pip-audit.json'];
    const withSub = () => {
      const top = repo({});
      git(top, 'submodule', 'add', '-q', sub, 'libs/api');
      commit(top, 'the submodule');
      return top;
    };
    const deleted = withSub(); // .gitmodules removed from the work tree only: git reads the index's
    rmSync(join(deleted, '.gitmodules'));
    expect(await asked(deleted, REPORT)).toEqual({ tracked: REPORT, gitStarted: true });
    const unstaged = withSub(); // and from the index: git reads HEAD's
    git(unstaged, 'rm', '-q', '--cached', '.gitmodules');
    rmSync(join(unstaged, '.gitmodules'));
    expect(await asked(unstaged, REPORT)).toEqual({ tracked: REPORT, gitStarted: true });
    const sparse = withSub(); // a sparse checkout (not cone) that leaves the root's files out
    git(sparse, 'sparse-checkout', 'set', '--no-cone', '/*', '!/.gitmodules');
    expect(existsSync(join(sparse, '.gitmodules'))).toBe(false);
    expect(await asked(sparse, REPORT)).toEqual({ tracked: REPORT, gitStarted: true });
  });

  it('a `.git` directory git does not take for a repository (git looks further up), a name leaving the workspace, too much to scan: git is asked', async () => {
    // `api/.git` holds an index without the report but is no repository: git uses the one above, which tracks it.
    const top = repo({ 'api/reports/pip-audit.json': AUDIT });
    const empty = repo({});
    write(top, 'api/.git/index', readFileSync(join(empty, '.git/index')));
    expect(await asked(join(top, 'api'), ['reports/pip-audit.json'])).toEqual({ tracked: ['reports/pip-audit.json'], gitStarted: true });
    // git names a file outside the workspace relative to it (`../`): not a suffix of the index's path.
    const up = repo({ 'other/pip-audit.json': AUDIT, 'api/x.txt': 'x' });
    expect(await asked(join(up, 'api'), ['../other/pip-audit.json'])).toEqual({ tracked: ['../other/pip-audit.json'], gitStarted: true });
    // Each name is a pass over the index: 64 names over a 400 kB index is git's to answer (one pass of its own).
    const big = repo({}, { 'reports/pip-audit.json': AUDIT });
    const blob = git(big, 'hash-object', '-w', 'src/app.py');
    execFileSync('git', ['update-index', '--index-info'], { cwd: big, input: Array.from({ length: 4000 }, (_, i) => `100644 ${blob}\tdata/part-${i}/file-${i}.csv\n`).join('') });
    const names = Array.from({ length: 64 }, (_, i) => `reports/r${i}.json`);
    expect(await asked(big, names)).toEqual({ tracked: [], gitStarted: true });
    expect(await asked(big, ['reports/pip-audit.json'])).toEqual({ tracked: [], gitStarted: false });
  });
});
