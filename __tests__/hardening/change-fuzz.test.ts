/**
 * Property-based fuzzing (fast-check) of how the gate reads the change under review: random
 * histories are committed to a real git repository and read back through `detectChange` (the real
 * `git diff --raw -z`, `--numstat -z` and `-U0` the action runs, and the parsers in
 * src/change/diff.ts). The diff is the pull request's text: its added lines decide what the secret
 * scan reads and which findings count as new, so a misread added line is a missed secret or a
 * finding waved through.
 *
 * The model is built so git's answer is certain: a modified file (or a renamed one) only gains
 * lines, each one found nowhere in the old version nor twice in the new, so the only shortest diff
 * inserts exactly them. Files are also added (with or without a last newline), deleted, renamed,
 * binary, or new symbolic links (whose target is their one added line).
 * Paths hold spaces, quotes, backslashes, tabs, newlines and non-ASCII (git quotes some of them in
 * the unified diff); added lines imitate what a parser could take for structure: `+++ b/x` and
 * `--- a/x` headers (an added `++ b/x`), hunk headers, `diff --git`, `\ No newline`, CRLF ends.
 *
 * Properties: every changed file is found with its status, its old path for a rename, binary files
 * as binary, and exactly its added lines with their numbers; a GitHub token planted on any added
 * line of any file, new or modified, is found by the engine's secret scan at that file and line,
 * and its value is in no finding (on the code before the fix, a file named `"😀a.py` hid its
 * token); garbage in any of the three outputs gives files or an Error (never a TypeError), and
 * pollutes nothing. The suppressions scan of the added lines (`# nosec`, `gitleaks:allow`, settings
 * files) names only added lines of files it reads, counts every place it keeps, finds every Python
 * `# nosec`, keeps its notice on one line whatever the paths hold, and ends on 50,000-character runs
 * of what its patterns step over.
 *
 * Runs: FUZZ_RUNS / 10 repositories (20 in CI, each a few git calls), FUZZ_RUNS for the pure parsers.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildChangedFiles, parseNumstatZ, parseRawZ, parseUnifiedAddedLines, type ChangedFile } from '../../src/change/diff.js';
import { detectChange } from '../../src/io/git.js';
import { parseSettings } from '../../src/config/schema.js';
import { runEngine } from '../../src/engine/run.js';
import { MAX_SUPPRESSIONS, suppressionsAdded, suppressionsNotice } from '../../src/policy/suppressions.js';
import type { GateResult } from '../../src/policy/result.js';
import { commit, git, initRepo, write } from '../change/git-helpers.js';
import { changedFile } from '../helpers/changed-file.js';
import { assertNoPollution, prototypeSnapshot, RUNS, SEED } from './fuzz-helpers.js';

const REPOS = Math.max(5, Math.floor(RUNS / 10));
const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, ...(SEED !== undefined ? { seed: SEED } : {}) });

const root = mkdtempSync(join(tmpdir(), 'sg-change-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// The model

/** Characters of a path segment: the ones git quotes (`"`, `\`, TAB, LF, CR), spaces, non-ASCII. */
const SEGMENT_CHARS = ['a', 'b', 'x', 'Z', '0', '9', '_', '-', '.', ' ', '"', '\\', '\t', '\n', '\r', 'ñ', 'ü', '漢', '😀', '+', '@', ':', '#', "'", '$', '*'];
const segment = fc
  .array(fc.constantFrom(...SEGMENT_CHARS), { minLength: 1, maxLength: 10 })
  .map((cs) => cs.join(''))
  .filter((s) => s !== '.' && s !== '..' && s.toLowerCase() !== '.git' && !/^\s|\s$/.test(s));
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((segs) => segs.join('/'));

/** What a parser could take for structure, or plain text; never NUL (git would call it binary). */
const LINE_PIECES = ['++ b/evil.py', '+++ b/evil.py', '-- a/evil.py', '--- a/evil.py', '@@ -1,2 +3,4 @@', '@@ -0,0 +1 @@', 'diff --git a/x b/x', '\\ No newline at end of file', ' ', '\t', '"', '\\', 'ñ', '漢', '😀', 'password = "hunter2"', 'x', '+', '-', '@'];
const line = fc.oneof(
  fc.array(fc.constantFrom(...LINE_PIECES), { minLength: 0, maxLength: 4 }).map((ps) => ps.join('')),
  fc.string({ maxLength: 30 }).map((s) => s.replace(/[\0\n]/g, '').replace(/[\ud800-\udfff]/g, '?')),
  fc.constantFrom('', 'ends with CR\r', '\r'),
);

type FileSpec =
  | { kind: 'added'; lines: string[]; newlineAtEnd: boolean }
  | { kind: 'modified'; old: string[]; inserts: Array<{ at: number; lines: string[] }> }
  | { kind: 'deleted'; old: string[] }
  | { kind: 'renamed'; old: string[]; to: string; inserts: Array<{ at: number; lines: string[] }> }
  | { kind: 'symlink'; target: string }
  | { kind: 'binary' }
  | { kind: 'unchanged'; old: string[] };

const lines = fc.array(line, { minLength: 1, maxLength: 8 });
const fileSpec: fc.Arbitrary<FileSpec> = fc.oneof(
  fc.record({ kind: fc.constant('added' as const), lines, newlineAtEnd: fc.boolean() }),
  fc.record({ kind: fc.constant('modified' as const), old: lines, inserts: fc.array(fc.record({ at: fc.nat(), lines }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('deleted' as const), old: lines }),
  // A rename may change a few lines and stay a rename (git's similarity is over 50%).
  fc.record({ kind: fc.constant('renamed' as const), old: lines, to: path, inserts: fc.array(fc.record({ at: fc.nat(), lines: fc.array(line, { minLength: 1, maxLength: 2 }) }), { maxLength: 1 }) }),
  // A new symbolic link: its "content" (the target) is its one added line.
  fc.record({ kind: fc.constant('symlink' as const), target: fc.array(segment, { minLength: 1, maxLength: 3 }).map((ss) => ss.join('/').replace(/\n/g, '_')) }), // a newline would make it two lines
  fc.record({ kind: fc.constant('binary' as const) }),
  fc.record({ kind: fc.constant('unchanged' as const), old: lines }),
);
/** Files with distinct paths; no path is a directory of another (or of a rename's target). */
const history = fc.uniqueArray(fc.tuple(path, fileSpec), { minLength: 1, maxLength: 6, selector: ([p]) => p }).filter((files) => {
  const all = files.flatMap(([p, s]) => (s.kind === 'renamed' ? [p, s.to] : [p]));
  if (new Set(all).size !== all.length) return false;
  return all.every((a) => all.every((b) => a === b || !b.startsWith(`${a}/`)));
});

const text = (ls: string[], newlineAtEnd = true) => ls.join('\n') + (newlineAtEnd ? '\n' : '');

interface Expected {
  path: string;
  status: ChangedFile['status'];
  oldPath?: string;
  binary: boolean;
  symlink?: true;
  addedLines: Array<{ line: number; text: string }>;
}

/**
 * The new version of a modified file: each insert's lines placed before old line `at % (n + 1)`,
 * rewritten so no added line occurs in the old version or twice (then git's diff is certain).
 */
function modify(old: string[], inserts: Array<{ at: number; lines: string[] }>): { lines: string[]; added: Array<{ line: number; text: string }> } {
  // Old lines unique too: an insert next to an equal old line could be slid by git's heuristics.
  const oldUnique = old.map((l, i) => `${l} #old${i}`);
  const seen = new Set(oldUnique);
  const at = new Map<number, string[]>();
  let k = 0;
  for (const ins of inserts) {
    const pos = ins.at % (oldUnique.length + 1);
    const list = at.get(pos) ?? [];
    for (const l of ins.lines) {
      let u = `${l} #new${k++}`;
      while (seen.has(u)) u += '!';
      seen.add(u);
      list.push(u);
    }
    at.set(pos, list);
  }
  const out: string[] = [];
  const added: Array<{ line: number; text: string }> = [];
  for (let i = 0; i <= oldUnique.length; i++) {
    for (const l of at.get(i) ?? []) {
      out.push(l);
      added.push({ line: out.length, text: l });
    }
    if (i < oldUnique.length) out.push(oldUnique[i] as string);
  }
  return { lines: out, added };
}

/** A trailing CR is not part of an added line's text (diff.ts strips it, as for CRLF files). */
const stripCr = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s);

let repoCount = 0;

/** Commits the base and the head of a history in a fresh repository; what the gate must read. */
function build(files: Array<[string, FileSpec]>): { repo: string; base: string; head: string; expected: Expected[] } {
  const repo = initRepo(join(root, `r${repoCount++}`));
  git(repo, 'config', 'core.autocrlf', 'false');
  write(repo, '.keep', 'base\n');
  const head: Array<() => void> = [];
  const expected: Expected[] = [];
  for (const [p, s] of files) {
    switch (s.kind) {
      case 'added': {
        head.push(() => write(repo, p, text(s.lines, s.newlineAtEnd)));
        // Without a newline at the end, an empty last line is no line at all (`a\n` is one line).
        const ls = !s.newlineAtEnd && s.lines[s.lines.length - 1] === '' ? s.lines.slice(0, -1) : s.lines;
        expected.push({ path: p, status: 'added', binary: false, addedLines: ls.map((l, i) => ({ line: i + 1, text: stripCr(l) })) });
        break;
      }
      case 'modified': {
        const { lines: next, added } = modify(s.old, s.inserts);
        write(repo, p, text(s.old.map((l, i) => `${l} #old${i}`)));
        head.push(() => write(repo, p, text(next)));
        expected.push({ path: p, status: 'modified', binary: false, addedLines: added.map((a) => ({ line: a.line, text: stripCr(a.text) })) });
        break;
      }
      case 'deleted':
        // Lines no added file has: git would take a deleted file and an added one alike for a rename.
        write(repo, p, text(s.old.map((l, i) => `deleted ${i}: ${l}`)));
        head.push(() => rmSync(join(repo, p)));
        expected.push({ path: p, status: 'deleted', binary: false, addedLines: [] });
        break;
      case 'renamed': {
        // Long enough to be found as a rename (git's similarity is on content), and unlike any other
        // file's content, so git cannot pair two renames the other way round.
        const base = [...s.old, ...Array.from({ length: 12 }, (_, i) => `unchanged line ${i} of ${JSON.stringify(p)}`)];
        const { lines: next, added } = modify(base, s.inserts);
        write(repo, p, text(base.map((l, i) => `${l} #old${i}`)));
        head.push(() => {
          rmSync(join(repo, p));
          write(repo, s.to, text(next));
        });
        expected.push({ path: s.to, oldPath: p, status: 'renamed', binary: false, addedLines: added.map((a) => ({ line: a.line, text: stripCr(a.text) })) });
        break;
      }
      case 'symlink':
        head.push(() => {
          mkdirSync(dirname(join(repo, p)), { recursive: true });
          symlinkSync(s.target, join(repo, p));
        });
        expected.push({ path: p, status: 'added', binary: false, symlink: true, addedLines: [{ line: 1, text: stripCr(s.target) }] });
        break;
      case 'binary':
        head.push(() => write(repo, p, Buffer.from([0, 1, 2, 0x0a, 0x2b, 0x0a, 0, 0xff])));
        // Read again as text (a NUL byte at its top hid a token from the secret scan, a review).
        expected.push({ path: p, status: 'added', binary: false, addedLines: ['\0\x01\x02', '+', '\0\uFFFD'].map((text, i) => ({ line: i + 1, text })) });
        break;
      case 'unchanged':
        write(repo, p, text(s.old));
        break;
    }
  }
  const base = commit(repo, 'base');
  for (const h of head) h();
  return { repo, base, head: commit(repo, 'head'), expected: expected.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

// ---------------------------------------------------------------------------------------------

describe('the change under review, read from real git (random histories)', () => {
  it('every changed file with its status, old path, binary flag and exactly its added lines', async () => {
    await fc.assert(
      fc.asyncProperty(history, async (files) => {
        const { repo, base, head, expected } = build(files);
        try {
          const c = await detectChange({ cwd: repo, event: {}, baseRef: base, headSha: head, fetch: false });
          if (!c.known) throw new Error(`change unknown: ${c.reason}`);
          expect(c.addedLinesComplete).toBe(true);
          const got = c.files
            .map((f) => ({ path: f.path, status: f.status, binary: f.binary, addedLines: f.addedLines, ...(f.oldPath !== undefined ? { oldPath: f.oldPath } : {}), ...(f.symlink ? { symlink: f.symlink } : {}) }))
            .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
          expect(got).toEqual(expected);
        } finally {
          rmSync(repo, { recursive: true, force: true });
        }
      }),
      params(REPOS),
    );
  }, 180_000);
});

describe('a secret planted on an added line of a new or a modified file, through the whole engine (real git)', () => {
  /** A GitHub token shape with a random body (from a hash: fast-check's strings repeat characters, and a low-entropy body is rightly not taken for a token). */
  // Hex: always 36 characters (base64 with its +/= removed could come out shorter, not a token).
  const token = fc.integer().map((n) => `ghp_${createHash('sha256').update(String(n)).digest('hex').slice(0, 36)}`);
  const plantedFile = fc.record({
    path: path.map((p) => `${p}.py`),
    lines: fc.array(line, { minLength: 0, maxLength: 6 }),
    /** The file is in the base already (its lines there) and the tokens are inserted: a modification. */
    existing: fc.boolean(),
    plants: fc.array(fc.record({ at: fc.nat(), before: line, after: line, token }), { minLength: 1, maxLength: 2 }),
  });
  const files = fc.uniqueArray(plantedFile, { minLength: 1, maxLength: 4, selector: (f) => f.path }).filter((fs) => fs.every((a) => fs.every((b) => a === b || !b.path.startsWith(`${a.path}/`))));

  it('is found at its file and line, and its value is in no finding', async () => {
    await fc.assert(
      fc.asyncProperty(files, async (fs) => {
        const repo = initRepo(join(root, `s${repoCount++}`));
        try {
          write(repo, '.keep', 'base\n');
          // An existing file's lines made unique, so git's diff inserts exactly the planted ones.
          const baseLines = (f: (typeof fs)[number]) => f.lines.map((l, i) => `${l} #old${i}`);
          for (const f of fs) if (f.existing) write(repo, f.path, text(baseLines(f)));
          const base = commit(repo, 'base');
          const planted: Array<{ path: string; line: number; token: string }> = [];
          for (const f of fs) {
            const ls = f.existing ? baseLines(f) : [...f.lines];
            for (const p of f.plants) {
              const at = p.at % (ls.length + 1);
              // Not the allowlist pragmas, and word boundaries around the token.
              ls.splice(at, 0, `${p.before.replace(/pragma|gitleaks/gi, '')} = "${p.token}" ${p.after.replace(/pragma|gitleaks/gi, '')}`);
            }
            write(repo, f.path, text(ls));
            ls.forEach((l, i) => {
              for (const p of f.plants) if (l.includes(p.token)) planted.push({ path: f.path, line: i + 1, token: p.token });
            });
          }
          const head = commit(repo, 'head');
          const change = await detectChange({ cwd: repo, event: {}, baseRef: base, headSha: head, fetch: false });
          const run = await runEngine(parseSettings([{ 'secret-scan': 'true' }]), { workspace: repo, now: new Date('2026-12-01T00:00:00Z'), change });
          const scan = run.result.tools.find((t) => t.tool === 'secret-scan');
          for (const p of planted) {
            const found = scan?.findings.some((f) => f.location?.line === p.line && f.location.path === p.path);
            if (!found) throw new Error(`not found: ${JSON.stringify(p)} in ${JSON.stringify(scan?.findings.map((f) => f.location))}`);
          }
          const out = JSON.stringify(run.result);
          for (const p of planted) expect(out.includes(p.token)).toBe(false);
        } finally {
          rmSync(repo, { recursive: true, force: true });
        }
      }),
      params(REPOS),
    );
  }, 180_000);
});

/**
 * A fresh repository with one commit, then `head` written and committed: the change the action
 * reads (detectChange) and the secret scan's findings as [rule, path, line].
 */
async function scanHistory(prefix: string, head: (repo: string) => void): Promise<{ files: ChangedFile[]; found: Array<[string, string | undefined, number | undefined]>; result: GateResult }> {
  const repo = initRepo(join(root, `${prefix}${repoCount++}`));
  try {
    write(repo, '.keep', 'base\n');
    const base = commit(repo, 'base');
    head(repo);
    const change = await detectChange({ cwd: repo, event: {}, baseRef: base, headSha: commit(repo, 'head'), fetch: false });
    if (!change.known) throw new Error(change.reason);
    const run = await runEngine(parseSettings([{ 'secret-scan': 'true' }]), { workspace: repo, now: new Date('2026-12-01T00:00:00Z'), change });
    const scan = run.result.tools.find((t) => t.tool === 'secret-scan')!;
    return { files: change.files, found: scan.findings.map((f) => [f.ruleId, f.location?.path, f.location?.line]), result: run.result };
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

const fixedToken = (seed: string) => `ghp_${createHash('sha256').update(seed).digest('hex').slice(0, 36)}`;

describe('file names that are not UTF-8 (found by a review: two of them decode alike)', () => {
  it("a text file and a binary file whose names differ only in such bytes: the text file's token is still found", async () => {
    const { files, found } = await scanHistory('u', (repo) => {
      // `a\xfe.py` and `a\xff.py` both decode to `a\uFFFD.py`; git lists the text file first.
      writeFileSync(Buffer.from([...Buffer.from(`${repo}/a`), 0xfe, ...Buffer.from('.py')]), `TOKEN = "${fixedToken('bytes')}"\n`);
      writeFileSync(Buffer.from([...Buffer.from(`${repo}/a`), 0xff, ...Buffer.from('.py')]), Buffer.from([0, 1, 2, 0, 0x0a]));
    });
    expect(files.map((f) => f.binary).sort()).toEqual([false, true]);
    expect(found).toEqual([['github-token', 'a\uFFFD.py', 1]]);
  });
});

describe("the pull request's own .gitattributes (found by a review: `*.py -diff` made its files binary)", () => {
  it('a file an attribute calls binary is read as text, every line of it, and so is one git calls binary from its content', async () => {
    const { files, found } = await scanHistory('g', (repo) => {
      write(repo, '.gitattributes', '*.py -diff\n*.bin binary\n');
      write(repo, 'app.py', `import os\nTOKEN = "${fixedToken('attributes')}"\n`);
      write(repo, 'blob.bin', Buffer.from([0x61, 0, 0x62, 0x0a]));
      write(repo, 'real.dat', Buffer.from([0x63, 0, 0x64, 0x0a]));
    });
    const byPath = Object.fromEntries(files.map((f) => [f.path, { binary: f.binary, lines: f.addedLines.length }]));
    expect(byPath).toEqual({ '.gitattributes': { binary: false, lines: 2 }, 'app.py': { binary: false, lines: 2 }, 'blob.bin': { binary: false, lines: 1 }, 'real.dat': { binary: false, lines: 1 } });
    expect(found).toEqual([['github-token', 'app.py', 2]]);
  });
});

describe('many files an attribute calls binary (found by a review: 500 decoys hid a token, without a word)', () => {
  const decoys = (repo: string, n: number) => {
    write(repo, '.gitattributes', '*.py -diff\n');
    for (let i = 0; i < n; i++) write(repo, `a/${String(i).padStart(4, '0')}.py`, `x = ${i}\n`);
    write(repo, 'z.py', `GITHUB_TOKEN = "${fixedToken('decoys')}"\n`);
  };
  it('past 500 of them, the token is still found', async () => {
    const { found, result } = await scanHistory('d', (repo) => decoys(repo, 501));
    expect(found).toEqual([['github-token', 'z.py', 1]]);
    expect(result.tools.find((t) => t.tool === 'secret-scan')!.scanErrors).toEqual([]);
  }, 60_000);
  it('a NUL byte planted on another line of such a file no longer hides a token (re-review)', async () => {
    const { found } = await scanHistory('n', (repo) => {
      write(repo, '.gitattributes', '*.env -diff\n');
      write(repo, 'settings.env', Buffer.concat([Buffer.from('# '), Buffer.from([0]), Buffer.from(`\nGITHUB_TOKEN=${fixedToken('nul')}\n`)]));
    });
    expect(found).toEqual([['github-token', 'settings.env', 2]]);
  }, 60_000);
  it('nor one on the same line as the token (third re-review)', async () => {
    const { found } = await scanHistory('m', (repo) => {
      write(repo, '.gitattributes', '*.env binary\n');
      write(repo, 'settings.env', Buffer.concat([Buffer.from(`GITHUB_TOKEN=${fixedToken('same-line')}`), Buffer.from([0]), Buffer.from('\n')]));
    });
    expect(found).toEqual([['github-token', 'settings.env', 1]]);
  }, 60_000);
  it('nor control characters padded around a token to make the file look like an image (third re-review)', async () => {
    const { found } = await scanHistory('p', (repo) => {
      write(repo, '.gitattributes', '*.py binary\n');
      write(repo, 'app.py', Buffer.concat([Buffer.from(`TOKEN = "${fixedToken('padded')}"\n# `), Buffer.alloc(4000, 1), Buffer.from('\n')]));
    });
    expect(found).toEqual([['github-token', 'app.py', 1]]);
  }, 60_000);
  it('past the cap, the scan says it is partial and the verdict is never a pass', async () => {
    const { result } = await scanHistory('d', (repo) => decoys(repo, 2000));
    const scan = result.tools.find((t) => t.tool === 'secret-scan')!;
    expect(scan.scanErrors.map((e) => e.message)).toEqual([expect.stringContaining('the scan is partial')]);
    expect(result.verdict).toBe('warn');
    expect(result.notices.join('\n')).toContain('could not all be read again as text');
  }, 60_000);
});

describe('git diff output that is not what git writes', () => {
  const NUMSTAT = fc.array(fc.oneof(fc.constantFrom('1\t2\tp', '-\t-\tbin', '3\t0\t', 'x\ty\tz', '\t\t', '\n', '1\t2', '__proto__', 'constructor'), fc.string({ maxLength: 20 })), { maxLength: 8 }).map((ps) => ps.join('\0'));
  const RAW = fc
    .array(fc.oneof(fc.constantFrom(':100644 100644 abc def M', ':000000 100644 0 1 A', ':1 2 3 4 R100', ':1 2 3 4 Q', ':1 2', '__proto__', 'p', ''), fc.string({ maxLength: 20 })), { maxLength: 8 })
    .map((ps) => ps.join('\0'));
  const UNIFIED = fc.array(fc.oneof(fc.constantFrom('diff --git a/x b/x', '+++ b/__proto__', '+++ "b/\\303\\261"', '+++ /dev/null', '@@ -1 +1 @@', '@@ -0,0 +1,99999999 @@', '@@ -1,2 +3', '+added', '-gone', ' ctx', '\\ No newline', ''), fc.string({ maxLength: 20 })), { maxLength: 20 }).map((ls) => ls.join('\n'));

  it('gives files or an Error, never a TypeError, and pollutes nothing', () => {
    const before = prototypeSnapshot();
    fc.assert(
      fc.property(RAW, NUMSTAT, UNIFIED, (raw, numstat, unified) => {
        for (const f of [() => parseRawZ(raw), () => parseNumstatZ(numstat), () => parseUnifiedAddedLines(unified), () => buildChangedFiles(raw, numstat, unified)]) {
          try {
            f();
          } catch (e) {
            expect(e).toBeInstanceOf(Error);
            expect(e).not.toBeInstanceOf(TypeError);
            expect(e).not.toBeInstanceOf(RangeError);
          }
        }
        const { added } = parseUnifiedAddedLines(unified);
        for (const [p, ls] of added) {
          expect(typeof p).toBe('string');
          for (const l of ls) expect(Number.isInteger(l.line)).toBe(true);
        }
        assertNoPollution(before);
      }),
      params(RUNS),
    );
  });
});

describe('the suppressions a change adds, over random files and lines (the pull request writes both)', () => {
  const NAMES = ['app.py', 'x.pyi', 'README.md', 'notes.txt', '.gitleaksignore', '.bandit', 'bandit.yaml', 'pyproject.toml', 'setup.cfg', 'tox.ini', 'ci.yml', 'Makefile', '__proto__', 'constructor', 'a\nb.py', '"q".py', 'evil\u202e.py'];
  const PIECES = ['# nosec', '#NOSEC B602', '#nosecurity', 'gitleaks:allow', 'pragma: allowlist secret', 'skips = ["B101"]', 'DEP002', ', ', '.', '{', '#', ' ', '\t', '\r', 'x = 1', '::error::x', '<b>', '"', '\u0000', '😀', 'bandit ', 'vulture ', ' -s B101', ' --ignore-vuln X', ' whitelist.py', '/', ' && ', 'pip install ', ' -rlll', 'GHSA-2xpw-w6gg-jr37', 'skips: '];
  const text = fc.oneof(
    fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((ps) => ps.join('')),
    fc.string({ maxLength: 40 }),
    // Long runs of what the patterns step over: a backtracking pattern would hang here.
    fc.constantFrom(' ', ',', '#', '.', '{ ', '# ', 'pragma:', 'a/').map((p) => `vulture bandit ${p.repeat(50_000)}`),
    // ...and at a line's start, where a workflow's input or advisory id is looked for.
    fc.constantFrom(' ', '- ', '-r', 'whitelist', 'GHSA-2xpw-w6gg-jr37 ').map((p) => `${p.repeat(15_000)}x`),
  );
  const file = fc.record({
    dir: fc.constantFrom('', 'src/', 'a b/', '../', 'ñ/', '.github/workflows/'),
    name: fc.constantFrom(...NAMES),
    status: fc.constantFrom('added', 'modified', 'renamed', 'deleted') as fc.Arbitrary<ChangedFile['status']>,
    binary: fc.boolean(),
    lines: fc.array(text, { maxLength: 8 }),
  });

  it('every place is an added line of a file that is read, the count covers them all, and the notice stays one line', () => {
    const before = prototypeSnapshot();
    fc.assert(
      fc.property(fc.array(file, { maxLength: 6 }), fc.boolean(), (specs, complete) => {
        const files: ChangedFile[] = specs.map((s) => ({ ...changedFile(`${s.dir}${s.name}`, s.lines, { status: s.status, binary: s.binary }) }));
        const found = suppressionsAdded(files);
        expect(found.places.length).toBe(Math.min(found.total, MAX_SUPPRESSIONS));
        for (const p of found.places) {
          const read = files.filter((x) => x.path === p.path && x.status !== 'deleted' && !x.binary);
          expect(read.some((f) => f.addedLines.some((l) => l.line === p.line) || (f.status === 'renamed' && p.line === 1))).toBe(true);
          if (p.kind === 'nosec') expect(/\.py[iw]?$/.test(p.path)).toBe(true);
        }
        // A Python file's line with a `# nosec` (and no stronger marker) is always a place.
        for (const f of files) {
          if (f.status === 'deleted' || f.binary || !/^[^/]*\.py$|\/[^/]*\.py$/.test(f.path)) continue;
          for (const l of f.addedLines) {
            if (/#\s*nosec/i.test(l.text)) expect(found.places.some((p) => p.path === f.path && p.line === l.line) || found.total > MAX_SUPPRESSIONS).toBe(true);
          }
        }
        const notice = suppressionsNotice(found, complete);
        if (found.total === 0) expect(notice).toBeUndefined();
        else {
          expect(/[\r\n]/.test(notice!) || notice!.includes('\u0000')).toBe(false);
          expect(notice!.length).toBeLessThan(2000);
        }
        assertNoPollution(before);
      }),
      params(RUNS),
    );
  });
});
