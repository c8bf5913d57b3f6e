/**
 * A review of how the gate decides what the change under review touched and what is new: inputs
 * that made a finding phase 2 blocks (new dead code, a dependency issue in a touched file) count
 * as not in the change, or hid an added line from the secret scan. Real git repositories, read
 * back the way the action reads them (detectChange), then the engine. Each case failed before its fix.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectChange } from '../../src/io/git.js';
import { parseSettings } from '../../src/config/schema.js';
import { runEngine } from '../../src/engine/run.js';
import type { Change } from '../../src/change/diff.js';
import type { GateResult } from '../../src/policy/result.js';
import { commit, git, initRepo, write } from '../change/git-helpers.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const root = mkdtempSync(join(tmpdir(), 'sg-change-review-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (prefix: string) => initRepo(join(root, `${prefix}${n++}`));

/** The engine in phase 2 on a vulture report (written into the workspace), with the change given. */
async function vultureGate(workspace: string, report: string, change: Change, extra: Record<string, string> = {}): Promise<GateResult> {
  write(workspace, '.reports/vulture.txt', report);
  const settings = parseSettings([{ phase: '2', 'severity-source': 'off', 'secret-scan': 'false', 'vulture-report': '.reports/vulture.txt', ...extra }]);
  const { result } = await runEngine(settings, { workspace, now: NOW, change });
  return result;
}
const vulture = (r: GateResult) => r.tools.find((t) => t.tool === 'vulture')!;

const DEAD = "def used():\n    return 1\n\n\ndef unused_helper():\n    return 2\n";
const DEAD_LINE = "app/new.py:5: unused function 'unused_helper' (60% confidence)\n";

describe('base-ref compares with HEAD, the commit the scanners read (README: `base-ref...HEAD`)', () => {
  // A workflow_run (or pull_request_target) job checks out the pull request's head, while
  // GITHUB_SHA is the default branch's tip: base-ref...GITHUB_SHA was an empty change, so the
  // new dead code the scanners found at HEAD counted as existing debt and the verdict passed.
  it('new dead code at the checked-out HEAD blocks when GITHUB_SHA is another commit', async () => {
    const repo = fresh('h');
    write(repo, 'app/__init__.py', '');
    const mainTip = commit(repo, 'main');
    git(repo, 'checkout', '-q', '-b', 'feature');
    write(repo, 'app/new.py', DEAD);
    commit(repo, 'feature: new module');
    const change = await detectChange({ cwd: repo, event: { name: 'workflow_run' }, baseRef: 'main', headSha: mainTip, fetch: false });
    expect(change.known && change.files.map((f) => f.path)).toEqual(['app/new.py']);
    const r = await vultureGate(repo, DEAD_LINE, change);
    expect(vulture(r).findings[0]!.inChange).toBe(true);
    expect(r.verdict).toBe('block');
  });
});

describe('a workspace below the repository root (the CLI run in a monorepo package, `--workspace api`)', () => {
  // Report paths are taken from the workspace (`app/new.py`), git's from the repository root
  // (`api/app/new.py`): no finding ever matched the change, so new dead code passed.
  it('matches report paths with the change from the workspace', async () => {
    const repo = fresh('w');
    write(repo, 'api/app/__init__.py', '');
    write(repo, 'web/index.js', '1;\n');
    const base = commit(repo, 'base');
    write(repo, 'api/app/new.py', DEAD);
    commit(repo, 'head');
    const ws = join(repo, 'api');
    const change = await detectChange({ cwd: ws, event: {}, baseRef: base, fetch: false });
    expect(change.known && change.files.map((f) => f.path)).toEqual(['api/app/new.py']);
    const r = await vultureGate(ws, DEAD_LINE, change);
    expect(vulture(r).findings[0]!.inChange).toBe(true);
    expect(r.verdict).toBe('block');
  });
});

describe('a path spelled otherwise than git spells it', () => {
  async function addedModule(path: string): Promise<{ repo: string; change: Change }> {
    const repo = fresh('p');
    write(repo, 'README.md', 'x\n');
    const base = commit(repo, 'base');
    write(repo, path, DEAD);
    commit(repo, 'head');
    return { repo, change: await detectChange({ cwd: repo, event: {}, baseRef: base, fetch: false }) };
  }
  // On a case-insensitive file system (Windows and macOS runners) `vulture Src` writes `Src/...`
  // for git's `src/...`: one file, two spellings. Matching either way only ever counts more as new.
  it('in letter case (a case-insensitive runner)', async () => {
    const { repo, change } = await addedModule('src/app/new.py');
    const r = await vultureGate(repo, "Src\\App\\new.py:5: unused function 'unused_helper' (60% confidence)\n", change);
    expect(vulture(r).findings[0]!.disposition).toBe('block');
  });
  // macOS keeps a name as it was written (NFD from some tools), git's tree may hold NFC.
  it('in Unicode normalisation (NFD against NFC)', async () => {
    const { repo, change } = await addedModule('src/ma\u00f1ana.py');
    const r = await vultureGate(repo, "src/man\u0303ana.py:5: unused function 'unused_helper' (60% confidence)\n", change);
    expect(vulture(r).findings[0]!.disposition).toBe('block');
  });
  it('as `./`, Windows separators and doubled slashes (sound before the review too)', async () => {
    const { repo, change } = await addedModule('src/app/new.py');
    for (const spelled of ['./src/app/new.py', '.\\src\\app\\new.py', 'src//app/./new.py', `${repo}/src/app/new.py`]) {
      const r = await vultureGate(repo, `${spelled}:5: unused function 'unused_helper' (60% confidence)\n`, change);
      expect([spelled, vulture(r).findings[0]!.disposition]).toEqual([spelled, 'block']);
    }
  });
});

describe('a submodule the change adds or moves', () => {
  // Its pointer was left out of the change as "not code in this repository", so the code it
  // brings into the checkout (scanned by vulture and deptry like any other) counted as existing
  // debt. Paths below a submodule the change adds or moves count as touched (fail closed).
  it('counts findings in its files as in the change', async () => {
    const sub = fresh('sub');
    write(sub, 'lib/new.py', DEAD);
    const subHead = commit(sub, 'sub');
    const repo = fresh('s');
    write(repo, 'README.md', 'x\n');
    const base = commit(repo, 'base');
    git(repo, 'update-index', '--add', '--cacheinfo', `160000,${subHead},vendor/sub`);
    git(repo, 'commit', '-q', '-m', 'add a submodule');
    write(repo, 'vendor/sub/lib/new.py', DEAD); // as a checkout with `submodules: true` holds it
    const change = await detectChange({ cwd: repo, event: {}, baseRef: base, fetch: false });
    if (!change.known) throw new Error(change.reason);
    const r = await vultureGate(repo, "vendor/sub/lib/new.py:5: unused function 'unused_helper' (60% confidence)\n", change);
    expect(vulture(r).findings[0]!.disposition).toBe('block');
    expect(r.notices.join('\n')).toMatch(/submodule/);
  });
});

describe('what the review found sound (each passed before the review too)', () => {
  const LONG = Array.from({ length: 20 }, (_, i) => `VALUE_${i} = ${i}  # a line long enough to be similar`).join('\n') + '\n';
  it('a rename with edits (51% similar) or a move into a package is touched at its new path; a mode-only change is touched', async () => {
    const repo = fresh('r');
    write(repo, 'old.py', LONG);
    write(repo, 'tool.py', 'x = 1\n');
    write(repo, 'pkg/__init__.py', '');
    write(repo, 'loose.py', 'y = 2\n');
    const base = commit(repo, 'base');
    git(repo, 'rm', '-q', 'old.py', 'loose.py');
    write(repo, 'app/renamed.py', LONG.split('\n').slice(0, 11).join('\n') + `\n${DEAD}`);
    write(repo, 'pkg/loose.py', 'y = 2\n');
    git(repo, 'add', '-A');
    git(repo, 'update-index', '--chmod=+x', 'tool.py');
    git(repo, 'commit', '-q', '-m', 'head');
    const change = await detectChange({ cwd: repo, event: {}, baseRef: base, fetch: false });
    if (!change.known) throw new Error(change.reason);
    expect(Object.fromEntries(change.files.map((f) => [f.path, f.status]))).toEqual({ 'app/renamed.py': 'renamed', 'pkg/loose.py': 'renamed', 'tool.py': 'modified' });
    expect(change.files.find((f) => f.path === 'app/renamed.py')!.similarity).toBeLessThan(60);
    for (const p of ['app/renamed.py', 'pkg/loose.py', 'tool.py']) {
      const r = await vultureGate(repo, `${p}:1: unused function 'unused_helper' (60% confidence)\n`, change);
      expect([p, vulture(r).findings[0]!.disposition]).toEqual([p, 'block']);
    }
  });

  it('a symbolic link turned into a file, and a CRLF file: every added line reaches the secret scan', async () => {
    const repo = fresh('t');
    write(repo, 'real.py', 'x = 1\n');
    git(repo, 'config', 'core.symlinks', 'true');
    const { symlinkSync, rmSync: rm } = await import('node:fs');
    symlinkSync('real.py', join(repo, 'conf.py'));
    const base = commit(repo, 'base');
    rm(join(repo, 'conf.py'));
    const token = (s: string) => `ghp_${Buffer.from(s.repeat(40)).toString('hex').slice(0, 36)}`;
    write(repo, 'conf.py', `TOKEN = "${token('symlink-a')}"\n`);
    write(repo, 'win.py', `import os\r\nGITHUB_TOKEN = "${token('crlf-b')}"\r\n`);
    const head = commit(repo, 'head');
    const change = await detectChange({ cwd: repo, event: {}, baseRef: base, headSha: head, fetch: false });
    if (!change.known) throw new Error(change.reason);
    const run = await runEngine(parseSettings([{ 'secret-scan': 'true' }]), { workspace: repo, now: NOW, change });
    const found = run.result.tools.find((t) => t.tool === 'secret-scan')!.findings.map((f) => [f.location?.path, f.location?.line]);
    expect(found.sort()).toEqual([['conf.py', 1], ['win.py', 2]]);
  });

  it('a force push whose `before` is not an ancestor: what the new history adds since the fork is touched', async () => {
    const repo = fresh('f');
    write(repo, 'a.py', 'a = 1\n');
    const fork = commit(repo, 'fork');
    write(repo, 'app/old.py', 'x = 1\n');
    const before = commit(repo, 'old tip');
    git(repo, 'reset', '-q', '--hard', fork);
    write(repo, 'app/new.py', DEAD);
    const after = commit(repo, 'rewritten');
    const payload = join(root, `push-${n++}.json`);
    write(root, payload.slice(root.length + 1), JSON.stringify({ before, after, ref: 'refs/heads/feature', repository: { default_branch: 'main' } }));
    const change = await detectChange({ cwd: repo, event: { name: 'push', payloadPath: payload }, fetch: false });
    expect(change.known && change.files.map((f) => f.path)).toEqual(['app/new.py']);
  });
});

/**
 * Found by the review, fixed after it: only files an attribute made binary were read again as
 * text. One NUL byte in a `.env` made git call it binary from its content, and its token was
 * skipped without a word. Every binary file the change adds or modifies is read again now,
 * within the patch byte budget (partial past it).
 */
describe('a file git calls binary from its content (one NUL byte), no attribute involved', () => {
  it('still has its added lines read by the secret scan', async () => {
    const repo = fresh('b');
    write(repo, 'README.md', 'x\n');
    const base = commit(repo, 'base');
    const token = `ghp_${Buffer.from('content-binary'.repeat(5)).toString('hex').slice(0, 36)}`;
    write(repo, 'deploy/settings.env', Buffer.concat([Buffer.from('# '), Buffer.from([0]), Buffer.from(`\nGITHUB_TOKEN=${token}\n`)]));
    const head = commit(repo, 'head');
    const change = await detectChange({ cwd: repo, event: {}, baseRef: base, headSha: head, fetch: false });
    if (!change.known) throw new Error(change.reason);
    const run = await runEngine(parseSettings([{ 'secret-scan': 'true' }]), { workspace: repo, now: NOW, change });
    const scan = run.result.tools.find((t) => t.tool === 'secret-scan')!;
    expect(scan.findings.map((f) => [f.location?.path, f.location?.line])).toEqual([['deploy/settings.env', 2]]);
  });
});
