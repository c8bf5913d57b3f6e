import { describe, expect, it } from '@jest/globals';
import {
  buildChangedFiles,
  changedFileEndingAt,
  isTouched,
  normalizeChangePath,
  parseNumstatZ,
  parseRawZ,
  parseUnifiedAddedLines,
  touchedModules,
  unquoteCPath,
  type Change,
  type KnownChange,
} from '../../src/change/diff.js';

const Z = '\0';
const SHA_A = '87ae6b6';
const SHA_B = '22f6b3b';

/** Hand-written outputs in the exact shape git 2.39 prints them (checked against a real repository). */
const RAW = [
  `:100644 100644 ${SHA_A} ${SHA_B} M${Z}b.bin${Z}`,
  `:000000 120000 0000000 475e856 A${Z}link${Z}`,
  `:100644 100644 23eb407 078147c M${Z}src/ñandú ü.py${Z}`,
  `:000000 100644 0000000 2453e9c A${Z}we"ird.py${Z}`,
  `:100644 100644 422c2b7 422c2b7 R100${Z}x y.py${Z}z w.py${Z}`,
  `:100644 100644 1111111 2222222 R086${Z}old/a.py${Z}new/a.py${Z}`,
  `:100644 000000 3333333 0000000 D${Z}gone.py${Z}`,
  `:160000 160000 4444444 5555555 M${Z}vendor/sub${Z}`,
  `:100644 120000 6666666 7777777 T${Z}was-file${Z}`,
].join('');

const NUMSTAT = [
  `-\t-\tb.bin${Z}`,
  `1\t0\tlink${Z}`,
  `1\t0\tsrc/ñandú ü.py${Z}`,
  `1\t0\twe"ird.py${Z}`,
  `0\t0\t${Z}x y.py${Z}z w.py${Z}`,
  `2\t1\t${Z}old/a.py${Z}new/a.py${Z}`,
  `0\t3\tgone.py${Z}`,
  `1\t1\tvendor/sub${Z}`,
  `1\t1\twas-file${Z}`,
].join('');

const PATCH = `diff --git a/b.bin b/b.bin
index 87ae6b6..22f6b3b 100644
Binary files a/b.bin and b/b.bin differ
diff --git a/link b/link
new file mode 120000
index 0000000..475e856
--- /dev/null
+++ b/link
@@ -0,0 +1 @@
+z w.py
\\ No newline at end of file
diff --git a/src/ñandú ü.py b/src/ñandú ü.py
index 23eb407..078147c 100644
--- a/src/ñandú ü.py\t
+++ b/src/ñandú ü.py\t
@@ -2,0 +3 @@ world
+c\r
diff --git "a/we\\"ird.py" "b/we\\"ird.py"
new file mode 100644
index 0000000..2453e9c
--- /dev/null
+++ "b/we\\"ird.py"
@@ -0,0 +1 @@
+q"\\t
diff --git a/x y.py b/z w.py
similarity index 100%
rename from x y.py
rename to z w.py
diff --git a/old/a.py b/new/a.py
similarity index 86%
rename from old/a.py
rename to new/a.py
index 1111111..2222222 100644
--- a/old/a.py
+++ b/new/a.py
@@ -3 +3,2 @@ def f():
--- a/not-a-header
+++ b/not-a-header
+second
diff --git a/gone.py b/gone.py
deleted file mode 100644
index 3333333..0000000
--- a/gone.py
+++ /dev/null
@@ -1,3 +0,0 @@
-a
-b
-c
diff --git a/vendor/sub b/vendor/sub
index 4444444..5555555 160000
--- a/vendor/sub
+++ b/vendor/sub
@@ -1 +1 @@
-Subproject commit 4444444
+Subproject commit 5555555
diff --git a/was-file b/was-file
deleted file mode 100644
--- a/was-file
+++ /dev/null
@@ -1 +0,0 @@
-x
diff --git a/was-file b/was-file
new file mode 120000
--- /dev/null
+++ b/was-file
@@ -0,0 +1 @@
+target
\\ No newline at end of file
`;

describe('parseRawZ', () => {
  it('reads statuses, scores, modes and both paths of renames', () => {
    const raw = parseRawZ(RAW);
    expect(raw).toHaveLength(9);
    expect(raw[4]).toEqual({ oldMode: '100644', newMode: '100644', status: 'R', score: 100, oldPath: 'x y.py', path: 'z w.py' });
    expect(raw[2]?.path).toBe('src/ñandú ü.py');
    expect(raw[6]).toMatchObject({ status: 'D', path: 'gone.py' });
  });
  it('rejects a malformed record', () => {
    expect(() => parseRawZ(`M${Z}x${Z}`)).toThrow(/unexpected raw diff record/);
    expect(() => parseRawZ(`:100644 100644 a b Q${Z}x${Z}`)).toThrow(/unknown diff status/);
    expect(() => parseRawZ(`:100644 100644 a b R100${Z}x${Z}`)).toThrow(/without a new path/);
  });
  it('returns nothing for empty output', () => {
    expect(parseRawZ('')).toEqual([]);
  });
});

describe('parseNumstatZ', () => {
  it('reads counts, binary markers and renames', () => {
    const n = parseNumstatZ(NUMSTAT);
    expect(n[0]).toEqual({ path: 'b.bin', added: null, deleted: null, binary: true });
    expect(n[5]).toEqual({ path: 'new/a.py', oldPath: 'old/a.py', added: 2, deleted: 1, binary: false });
  });
});

describe('unquoteCPath', () => {
  it('keeps characters outside the BMP whole (found by the change fuzz suite: an emoji next to a quoted character lost the file its added lines)', () => {
    // core.quotePath=false: non-ASCII stays as it is, `"` and `\\` are escaped, so both occur in one quoted path.
    expect(unquoteCPath('"b/😀\\\\a"')).toBe('b/😀\\a');
    expect(unquoteCPath('"b/漢😀\\"x.py"')).toBe('b/漢😀"x.py');
    const { added } = parseUnifiedAddedLines('diff --git "a/😀\\"x.py" "b/😀\\"x.py"\n--- "a/😀\\"x.py"\n+++ "b/😀\\"x.py"\n@@ -0,0 +1 @@\n+token = "ghp_hidden"\n');
    expect([...added]).toEqual([['😀"x.py', [{ line: 1, text: 'token = "ghp_hidden"' }]]]);
  });
  it('a quoted name with a space: git appends a TAB after the closing quote too (found by the change fuzz suite)', () => {
    const { added } = parseUnifiedAddedLines('diff --git "a/a b/c\\td" "b/a b/c\\td"\n--- "a/a b/c\\td"\t\n+++ "b/a b/c\\td"\t\n@@ -0,0 +1 @@\n+token = "ghp_hidden"\n');
    expect([...added]).toEqual([['a b/c\td', [{ line: 1, text: 'token = "ghp_hidden"' }]]]);
  });
  it('undoes C quoting with octal UTF-8 bytes and escapes', () => {
    expect(unquoteCPath('"b/\\303\\261and\\303\\272\\t\\"q\\\\"')).toBe('b/ñandú\t"q\\');
    expect(unquoteCPath('plain')).toBe('plain');
  });
});

describe('parseUnifiedAddedLines', () => {
  const { added } = parseUnifiedAddedLines(PATCH);
  it('numbers added lines in the new file and strips CR', () => {
    expect(added.get('src/ñandú ü.py')).toEqual([{ line: 3, text: 'c' }]);
  });
  it('strips the TAB git appends to names with spaces and unquotes quoted names', () => {
    expect(added.has('src/ñandú ü.py\t')).toBe(false);
    expect(added.get('we"ird.py')).toEqual([{ line: 1, text: 'q"\\t' }]);
  });
  it('follows hunk counts so lines that look like headers stay content', () => {
    expect(added.get('new/a.py')).toEqual([
      { line: 3, text: '++ b/not-a-header' },
      { line: 4, text: 'second' },
    ]);
    expect(added.has('not-a-header')).toBe(false);
  });
  it('ignores deleted files and "No newline" markers', () => {
    expect(added.has('gone.py')).toBe(false);
    expect(added.get('link')).toEqual([{ line: 1, text: 'z w.py' }]);
  });
  it('survives truncated input', () => {
    const cut = PATCH.slice(0, PATCH.indexOf('+c\r') + 1);
    expect(() => parseUnifiedAddedLines(cut)).not.toThrow();
  });
  it('handles hunks without counts and several hunks per file', () => {
    const t = ['--- a/f', '+++ b/f', '@@ -1 +1 @@', '-x', '+y', '@@ -10,0 +11,2 @@', '+p', '+q', ''].join('\n');
    expect(parseUnifiedAddedLines(t).added.get('f')).toEqual([
      { line: 1, text: 'y' },
      { line: 11, text: 'p' },
      { line: 12, text: 'q' },
    ]);
  });
});

describe('buildChangedFiles', () => {
  const files = buildChangedFiles(RAW, NUMSTAT, PATCH);
  const by = (p: string) => files.find((f) => f.path === p);
  it('drops submodule pointers', () => {
    expect(by('vendor/sub')).toBeUndefined();
    expect(files).toHaveLength(8);
  });
  it('marks binary files and gives them no added lines', () => {
    expect(by('b.bin')).toMatchObject({ status: 'modified', binary: true, addedLines: [] });
    expect(by('b.bin')?.deletedLines).toBeUndefined();
  });
  it('keeps renames with their old path and similarity', () => {
    expect(by('z w.py')).toEqual({ path: 'z w.py', oldPath: 'x y.py', status: 'renamed', binary: false, similarity: 100, addedLines: [], deletedLines: 0 });
    expect(by('new/a.py')).toMatchObject({ oldPath: 'old/a.py', status: 'renamed', similarity: 86 });
  });
  it('marks deletions, symlinks and type changes', () => {
    expect(by('gone.py')).toMatchObject({ status: 'deleted', addedLines: [] });
    expect(by('link')).toMatchObject({ status: 'added', symlink: true });
    expect(by('was-file')).toMatchObject({ status: 'type-changed', symlink: true });
  });
});

describe('isTouched / touchedModules', () => {
  const change: KnownChange = {
    known: true,
    base: 'a',
    head: 'b',
    source: 'pull_request',
    diffBase: 'a',
    mode: 'three-dot',
    addedLinesComplete: true,
    notes: [],
    files: [
      { path: 'src/pkg/mod.py', status: 'modified', binary: false, addedLines: [] },
      { path: 'src/pkg/__init__.py', status: 'added', binary: false, addedLines: [] },
      { path: 'app/new name.py', oldPath: 'app/old.py', status: 'renamed', binary: false, addedLines: [] },
      { path: 'pyproject.toml', status: 'modified', binary: false, addedLines: [] },
    ],
  };
  it('normalises report paths', () => {
    expect(isTouched(change, './src/pkg/mod.py')).toBe(true);
    expect(isTouched(change, 'src\\pkg\\mod.py')).toBe(true);
    expect(isTouched(change, 'src/other/../pkg/mod.py')).toBe(true);
    expect(isTouched(change, '/home/runner/work/r/r/src/pkg/mod.py', { root: '/home/runner/work/r/r/' })).toBe(true);
    expect(isTouched(change, 'app/new name.py')).toBe(true);
    expect(isTouched(change, 'src/pkg/other.py')).toBe(false);
    expect(normalizeChangePath('./a//b/./c.py')).toBe('a/b/c.py');
  });
  it('changedFileEndingAt: a file the change leaves at the path, not one it moves away or deletes', () => {
    const gone: KnownChange = { ...change, files: [...change.files, { path: 'reports/old.json', status: 'deleted', binary: false, addedLines: [] }] };
    expect(changedFileEndingAt(gone, './src/pkg/__init__.py')?.status).toBe('added');
    expect(changedFileEndingAt(gone, 'App/New Name.py')?.oldPath).toBe('app/old.py');
    expect(changedFileEndingAt(gone, 'app/old.py')).toBeUndefined();
    expect(changedFileEndingAt(gone, 'reports/old.json')).toBeUndefined();
    expect(changedFileEndingAt(gone, 'src/pkg/other.py')).toBeUndefined();
  });
  it('fails closed when the change is unknown', () => {
    const u: Change = { known: false, reason: 'x' };
    expect(isTouched(u, 'anything.py')).toBe(true);
    expect(touchedModules(u)).toBeUndefined();
  });
  it('names touched Python modules with and without the source root', () => {
    const mods = touchedModules(change);
    expect([...(mods ?? [])].sort()).toEqual(['app.new name', 'app.old', 'pkg', 'pkg.mod', 'src.pkg', 'src.pkg.mod'].sort());
  });
});
