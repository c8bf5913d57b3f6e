/**
 * detectChange against REAL git repositories built here: an upstream work repo, a bare "origin", full
 * and shallow (`--depth 1`) clones of it, with renames, deletions, binary files, CRLF, spaces,
 * non-ASCII names, symlinks and a submodule pointer.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { detectChange, isSafeRefName } from '../../src/io/git.js';
import { isTouched, type Change, type ChangedFile, type KnownChange } from '../../src/change/diff.js';
import { scanAddedLines } from '../../src/policy/secret-scan.js';
import { commit, git, initRepo, removeDir, symlink, tempDir, write, writePayload, ZERO } from './git-helpers.js';

let root: string;
let upstream: string;
let originUrl: string;
let c0: string; // the fork point
let mainTip: string;
let f1: string;
let featureTip: string;

const LONG = Array.from({ length: 30 }, (_, i) => `line ${i + 1} of a file that is long enough to be similar`).join('\n') + '\n';

beforeAll(() => {
  root = tempDir();
  upstream = initRepo(join(root, 'upstream'));
  write(upstream, 'README.md', '# demo\n');
  write(upstream, 'app/keep.py', 'import os\n\n\ndef f():\n    return 1\n');
  write(upstream, 'app/old_name.py', LONG);
  write(upstream, 'app/moved.py', `# moved unchanged\n${LONG}`);
  write(upstream, 'app/gone.py', 'x = 1\n');
  write(upstream, 'data/img.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 0]));
  write(upstream, 'lib/util.py', 'def u():\n    pass\n');
  c0 = commit(upstream, 'c0: base');

  // main moves on after the fork: a three-dot diff must not show these.
  write(upstream, 'lib/util.py', 'def u():\n    return 2\n');
  write(upstream, 'main_only.py', 'print("main")\n');
  mainTip = commit(upstream, 'main: later work');

  git(upstream, 'checkout', '-q', '-b', 'feature', c0);
  git(upstream, 'mv', 'app/old_name.py', 'app/new_name.py');
  write(upstream, 'app/new_name.py', LONG.replace('line 3 of', 'LINE THREE of'));
  git(upstream, 'mv', 'app/moved.py', 'app/moved here.py');
  git(upstream, 'rm', '-q', 'app/gone.py');
  write(upstream, 'data/img.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 9, 9, 9, 0, 0, 7]));
  write(upstream, 'src/ñandú ü.py', 'import os\r\npassword = "hunter2-but-longer"\r\n');
  write(upstream, 'docs/with space.md', 'hello\n');
  symlink(upstream, 'link-to-keep', 'app/keep.py');
  write(upstream, 'app/keep.py', 'import os\n\n\ndef f():\n    return 1\n\n\ndef g():\n    return 2\n');
  f1 = commit(upstream, 'f1: feature work');

  write(upstream, 'config.env', 'API_TOKEN=abc\n');
  git(upstream, 'add', 'config.env');
  git(upstream, 'update-index', '--add', '--cacheinfo', `160000,${c0},vendor/sub`);
  git(upstream, 'commit', '-q', '-m', 'f2: config and a submodule pointer');
  featureTip = git(upstream, 'rev-parse', 'HEAD');

  const origin = join(root, 'origin.git');
  git(root, 'clone', '-q', '--bare', upstream, origin);
  originUrl = `file://${origin}`;
});

afterAll(() => {
  removeDir(root);
});

function known(c: Change): KnownChange {
  if (!c.known) throw new Error(`expected a known change, got: ${c.reason}`);
  return c;
}

const byPath = (c: KnownChange) => new Map<string, ChangedFile>(c.files.map((f) => [f.path, f]));

function prPayload(base = mainTip, head = featureTip) {
  return { pull_request: { number: 7, base: { sha: base, ref: 'main' }, head: { sha: head, ref: 'feature' } } };
}

function expectFeatureFiles(c: KnownChange) {
  const files = byPath(c);
  expect([...files.keys()].sort()).toEqual(
    [
      'app/gone.py',
      'app/keep.py',
      'app/moved here.py',
      'app/new_name.py',
      'config.env',
      'data/img.bin',
      'docs/with space.md',
      'link-to-keep',
      'src/ñandú ü.py',
    ].sort(),
  );
  expect(files.get('app/new_name.py')).toMatchObject({ status: 'renamed', oldPath: 'app/old_name.py', addedLines: [{ line: 3, text: expect.stringContaining('LINE THREE') }] });
  expect(files.get('app/moved here.py')).toMatchObject({ status: 'renamed', oldPath: 'app/moved.py', similarity: 100, addedLines: [] });
  expect(files.get('app/gone.py')).toMatchObject({ status: 'deleted', addedLines: [] });
  // Read again as text for the secret scan, as every binary file the change adds or modifies is.
  expect(files.get('data/img.bin')).toMatchObject({ status: 'modified', binary: false, addedLines: [{ line: 1, text: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 9, 9, 9, 0, 0, 7]).toString('utf8') }] });
  expect(files.get('src/ñandú ü.py')).toEqual({
    path: 'src/ñandú ü.py',
    status: 'added',
    binary: false,
    deletedLines: 0,
    addedLines: [
      { line: 1, text: 'import os' },
      { line: 2, text: 'password = "hunter2-but-longer"' },
    ],
  });
  expect(files.get('link-to-keep')).toMatchObject({ status: 'added', symlink: true });
  expect(files.get('app/keep.py')?.addedLines.map((l) => l.line)).toEqual([6, 7, 8, 9]);
  expect(files.get('app/keep.py')?.addedLines[2]).toEqual({ line: 8, text: 'def g():' });
  // main's own later work is not part of the change (three-dot)
  expect(files.has('lib/util.py')).toBe(false);
  expect(files.has('main_only.py')).toBe(false);
  expect(files.has('vendor/sub')).toBe(false);
}

describe('detectChange in a full clone', () => {
  it('pull_request: base...head with merge-base semantics', async () => {
    const c = known(await detectChange({ cwd: upstream, event: { name: 'pull_request', payloadPath: writePayload(root, prPayload()) } }));
    expect(c).toMatchObject({ source: 'pull_request', base: mainTip, head: featureTip, diffBase: c0, mode: 'three-dot', addedLinesComplete: true });
    expectFeatureFiles(c);
    expect(isTouched(c, './src/ñandú ü.py')).toBe(true);
    expect(isTouched(c, 'lib/util.py')).toBe(false);
  });

  it('pull_request_target reads the same payload fields', async () => {
    const c = known(await detectChange({ cwd: upstream, event: { name: 'pull_request_target', payloadPath: writePayload(root, prPayload()) } }));
    expect(c.source).toBe('pull_request');
    expectFeatureFiles(c);
  });

  it('merge_group: base_sha...head_sha', async () => {
    const p = writePayload(root, { merge_group: { base_sha: mainTip, head_sha: featureTip, head_ref: 'refs/heads/gh-readonly-queue/main/pr-7' } });
    const c = known(await detectChange({ cwd: upstream, event: { name: 'merge_group', payloadPath: p } }));
    expect(c).toMatchObject({ source: 'merge_group', diffBase: c0 });
    expectFeatureFiles(c);
  });

  it('feeds the secret scan: added lines of the change, with their new line numbers', async () => {
    const c = known(await detectChange({ cwd: upstream, event: { name: 'pull_request', payloadPath: writePayload(root, prPayload()) } }));
    const findings = scanAddedLines(c.files);
    expect(findings.map((f) => [f.ruleId, f.location?.path, f.location?.line])).toEqual([['keyword-assignment', 'src/ñandú ü.py', 2]]);
    expect(JSON.stringify(findings)).not.toContain('hunter2-but-longer');
  });

  it('says so when the diff is larger than the bound (file list still complete)', async () => {
    const c = known(await detectChange({ cwd: upstream, event: { name: 'pull_request', payloadPath: writePayload(root, prPayload()) }, maxPatchBytes: 300 }));
    expect(c.addedLinesComplete).toBe(false);
    expect(c.files).toHaveLength(9);
    expect(c.notes.join(' ')).toMatch(/larger than 300 bytes/);
  });

  it('push: before...after', async () => {
    const p = writePayload(root, { ref: 'refs/heads/feature', before: f1, after: featureTip, repository: { default_branch: 'main' } });
    const c = known(await detectChange({ cwd: upstream, event: { name: 'push', payloadPath: p } }));
    expect(c).toMatchObject({ source: 'push', base: f1, head: featureTip, diffBase: f1, mode: 'three-dot' });
    expect(c.files.map((f) => f.path)).toEqual(['config.env']);
    expect(c.files[0]?.addedLines).toEqual([{ line: 1, text: 'API_TOKEN=abc' }]);
  });

  it('push of a new branch (before all zeros) compares with the default branch', async () => {
    const p = writePayload(root, { ref: 'refs/heads/feature', before: ZERO, after: featureTip, created: true, repository: { default_branch: 'main' } });
    const c = known(await detectChange({ cwd: upstream, event: { name: 'push', payloadPath: p } }));
    expect(c).toMatchObject({ source: 'push', base: mainTip, diffBase: c0, mode: 'three-dot' });
    expectFeatureFiles(c);
    expect(c.notes.join(' ')).toMatch(/new branch/);
  });

  it('push that deletes a branch is unknown', async () => {
    const p = writePayload(root, { ref: 'refs/heads/feature', before: featureTip, after: ZERO, deleted: true });
    const c = await detectChange({ cwd: upstream, event: { name: 'push', payloadPath: p } });
    expect(c).toEqual({ known: false, reason: expect.stringMatching(/deleted the branch.*fail closed/) });
  });

  it('base-ref: <base-ref>...HEAD in a clone', async () => {
    const full = join(root, 'full');
    git(root, 'clone', '-q', originUrl, full);
    git(full, 'checkout', '-q', 'feature');
    const c = known(await detectChange({ cwd: full, event: { name: 'workflow_dispatch' }, baseRef: 'main' }));
    expect(c).toMatchObject({ source: 'base-ref', base: mainTip, head: featureTip, diffBase: c0 });
    expectFeatureFiles(c);
    // a remote-tracking name works too, and a commit id
    const c2 = known(await detectChange({ cwd: full, event: {}, baseRef: 'origin/main' }));
    expect(c2.diffBase).toBe(c0);
    const c3 = known(await detectChange({ cwd: full, event: {}, baseRef: f1, headSha: featureTip }));
    expect(c3.files.map((f) => f.path)).toEqual(['config.env']);
  });

  it('base-ref the empty tree (what a first push is compared with, named by its reproduce line): every file of HEAD is new', async () => {
    const full = join(root, 'full-empty');
    git(root, 'clone', '-q', originUrl, full);
    git(full, 'checkout', '-q', 'feature');
    const empty = git(full, 'hash-object', '-t', 'tree', '/dev/null');
    const c = known(await detectChange({ cwd: full, event: {}, baseRef: empty }));
    expect(c).toMatchObject({ source: 'base-ref', base: empty, head: featureTip, diffBase: empty, mode: 'empty-tree' });
    // Every file HEAD holds (a submodule is said apart, not as a file).
    const tracked = git(full, 'ls-files', '-z', '--stage').split('\0').filter((l) => l && !l.startsWith('160000 ')).map((l) => l.slice(l.indexOf('\t') + 1)).sort();
    expect(c.files.map((f) => f.path).sort()).toEqual(tracked);
    expect(c.files.every((f) => f.status === 'added')).toBe(true);
    expect(c.notes.join('\n')).toContain('base-ref is the empty tree');
  });

  it('base-ref refuses option-like or revision-range values', async () => {
    for (const bad of ['--upload-pack=touch /tmp/x', 'main..feature', 'a b']) {
      const c = await detectChange({ cwd: upstream, event: {}, baseRef: bad });
      expect(c.known).toBe(false);
      if (!c.known) expect(c.reason).toMatch(/^base-ref: got/);
    }
    expect(isSafeRefName('release/1.2')).toBe(true);
    expect(isSafeRefName('-x')).toBe(false);
  });

  it('a base-ref that exists nowhere is unknown with a reason', async () => {
    const c = await detectChange({ cwd: upstream, event: {}, baseRef: 'no-such-branch' });
    expect(c.known).toBe(false);
    if (!c.known) expect(c.reason).toMatch(/no-such-branch.*fail closed/);
  });
});

describe('first commit of a repository', () => {
  it('compares the root commit with the empty tree', async () => {
    const repo = initRepo(join(root, 'fresh'));
    write(repo, 'a b/ü.py', 'token = "x"\r\n');
    write(repo, 'README.md', 'hi\n');
    const sha = commit(repo, 'initial');
    const p = writePayload(root, { ref: 'refs/heads/main', before: ZERO, after: sha, created: true, repository: { default_branch: 'main' } });
    const c = known(await detectChange({ cwd: repo, event: { name: 'push', payloadPath: p } }));
    expect(c).toMatchObject({ source: 'first-commit', mode: 'empty-tree', head: sha });
    expect(c.base).toBe(c.diffBase);
    expect(c.base).toMatch(/^4b825dc6/); // git's empty tree
    expect(c.files.map((f) => [f.path, f.status])).toEqual([
      ['README.md', 'added'],
      ['a b/ü.py', 'added'],
    ]);
    expect(c.files[1]?.addedLines).toEqual([{ line: 1, text: 'token = "x"' }]);
    expect(c.notes.join(' ')).toMatch(/First commit/);
  });
});

describe('detectChange in a shallow clone (actions/checkout depth 1)', () => {
  it('fetches the missing base and deepens to find the merge base', async () => {
    const shallow = join(root, 'shallow1');
    git(root, 'clone', '-q', '--depth', '1', '--branch', 'feature', originUrl, shallow);
    expect(git(shallow, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const c = known(await detectChange({ cwd: shallow, event: { name: 'pull_request', payloadPath: writePayload(root, prPayload()) }, headSha: featureTip }));
    expect(c).toMatchObject({ diffBase: c0, mode: 'three-dot' });
    expectFeatureFiles(c);
    expect(c.notes.join(' ')).toMatch(/Fetched the base commit/);
    expect(c.notes.join(' ')).toMatch(/Deepened the shallow clone/);
  });

  it('falls back to a two-dot diff when the merge base is beyond the bounded deepening', async () => {
    const shallow = join(root, 'shallow2');
    git(root, 'clone', '-q', '--depth', '1', '--branch', 'feature', originUrl, shallow);
    const c = known(
      await detectChange({ cwd: shallow, event: { name: 'pull_request', payloadPath: writePayload(root, prPayload()) }, deepenSteps: [1] }),
    );
    expect(c).toMatchObject({ mode: 'two-dot', diffBase: mainTip });
    const files = byPath(c);
    expect(files.has('lib/util.py')).toBe(true); // base-side work now counts as touched (fail closed)
    expect(files.has('main_only.py')).toBe(true);
    expect(c.notes.join(' ')).toMatch(/two-dot/);
  });

  it('is unknown, with the reason, when the base cannot be fetched (origin removed)', async () => {
    const origin2 = join(root, 'origin2.git');
    git(root, 'clone', '-q', '--bare', upstream, origin2);
    const shallow = join(root, 'shallow3');
    git(root, 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin2}`, shallow);
    removeDir(origin2);
    const c = await detectChange({ cwd: shallow, event: { name: 'pull_request', payloadPath: writePayload(root, prPayload()) } });
    expect(c.known).toBe(false);
    if (!c.known) {
      expect(c.reason).toMatch(new RegExp(`base commit ${mainTip.slice(0, 12)} is not in the clone \\(shallow clone\\) and could not be fetched from origin`));
      expect(c.reason).toMatch(/git fetch exited with 128/);
      expect(c.reason).toMatch(/every finding counts as new \(fail closed\)\.$/);
    }
  });

  it('does not fetch when fetching is off', async () => {
    const shallow = join(root, 'shallow4');
    git(root, 'clone', '-q', '--depth', '1', '--branch', 'feature', originUrl, shallow);
    const c = await detectChange({ cwd: shallow, event: { name: 'pull_request', payloadPath: writePayload(root, prPayload()) }, fetch: false });
    expect(c.known).toBe(false);
    if (!c.known) expect(c.reason).toMatch(/fetching is turned off/);
  });

  it('finds a root commit behind a shallow boundary (first push of a repository)', async () => {
    const repo = initRepo(join(root, 'two-commits'));
    write(repo, 'a.py', 'a = 1\n');
    commit(repo, 'one');
    write(repo, 'b.py', 'b = 2\n');
    const second = commit(repo, 'two');
    const bare = join(root, 'two-commits.git');
    git(root, 'clone', '-q', '--bare', repo, bare);
    const shallow = join(root, 'two-shallow');
    git(root, 'clone', '-q', '--depth', '1', `file://${bare}`, shallow);
    const p = writePayload(root, { ref: 'refs/heads/main', before: ZERO, after: second, repository: { default_branch: 'main' } });
    const c = known(await detectChange({ cwd: shallow, event: { name: 'push', payloadPath: p } }));
    expect(c).toMatchObject({ source: 'first-commit', mode: 'empty-tree' });
    expect(c.files.map((f) => f.path)).toEqual(['a.py', 'b.py']);
    expect(c.notes.join(' ')).toMatch(/no earlier commit to compare with/);
  });
});

describe('unknown changes say why', () => {
  it('outside a git repository', async () => {
    const dir = tempDir('sg-nogit-');
    const c = await detectChange({ cwd: dir, event: { name: 'pull_request' } });
    removeDir(dir);
    expect(c.known).toBe(false);
    if (!c.known) expect(c.reason).toMatch(/is not a git working tree.*fail closed/);
  });
  it('an event that does not describe a change', async () => {
    const c = await detectChange({ cwd: upstream, event: { name: 'schedule' } });
    expect(c.known).toBe(false);
    if (!c.known) expect(c.reason).toMatch(/"schedule" event does not describe a change.*base-ref/);
  });
  it('no event at all', async () => {
    const c = await detectChange({ cwd: upstream, event: {} });
    expect(c.known).toBe(false);
  });
  it('a missing or broken payload', async () => {
    const c1 = await detectChange({ cwd: upstream, event: { name: 'pull_request', payloadPath: join(root, 'nope.json') } });
    expect(c1.known ? '' : c1.reason).toMatch(/Could not read the event payload .*ENOENT/);
    const bad = join(root, 'bad.json');
    write(root, 'bad.json', '{not json');
    const c2 = await detectChange({ cwd: upstream, event: { name: 'pull_request', payloadPath: bad } });
    expect(c2.known ? '' : c2.reason).toMatch(/not valid JSON/);
    const c3 = await detectChange({ cwd: upstream, event: { name: 'pull_request', payloadPath: writePayload(root, { pull_request: { base: { sha: 'main' } } }) } });
    expect(c3.known ? '' : c3.reason).toMatch(/no pull_request.base.sha/);
  });
});

describe('review: a file saved as UTF-16', () => {
  // git calls it binary (NUL bytes) and the gate reads it again as text: every other byte of each
  // added line is NUL, and the secret scan found nothing in it until it read the lines without them.
  it('feeds the secret scan its added lines, found and redacted', async () => {
    const dir = tempDir();
    try {
      const repo = initRepo(join(dir, 'repo'));
      write(repo, 'README.md', '# demo\n');
      const base = commit(repo, 'base');
      write(repo, 'deploy/setup.ps1', Buffer.from('\ufeffWrite-Host "setup"\r\n$password = "Zq81mKs92LdPq0aX"\r\n', 'utf16le'));
      commit(repo, 'a UTF-16 script');
      const c = known(await detectChange({ cwd: repo, event: {}, baseRef: base, fetch: false }));
      expect(c.addedLinesComplete).toBe(true);
      const findings = scanAddedLines(c.files);
      expect(findings.map((f) => [f.ruleId, f.location?.path, f.location?.line])).toEqual([['keyword-assignment', 'deploy/setup.ps1', 2]]);
      expect(JSON.stringify(findings)).not.toContain('Zq81mKs92LdPq0aX');
    } finally {
      removeDir(dir);
    }
  });
});
