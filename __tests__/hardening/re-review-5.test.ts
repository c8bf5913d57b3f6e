/**
 * A fifth re-review, of 6655ca7 (the change review), 4d59810 (every binary file read again as
 * text), 983c302 (the fourth re-review) and eea7ea0 (the approvals footer). Each case failed before
 * its fix:
 *
 * - A binary file the change renames was read again under its new path alone: git then saw a new
 *   file, every line of it "added". Moving a large model made the scan partial (the verdict warn),
 *   and a token already in the repository, in a file only moved, was found again as new.
 * - Past the byte limit (a PR adding a large model), the notice named no file and no limit, and
 *   gave reasons that did not apply ("too many, a name that is not UTF-8, or git failed").
 * - The re-read made one git call per 100 files, each with the full timeout: a change of many files
 *   slow to diff cost minutes. One time budget for all of it now.
 * - A mutmut junitxml report's tags are counted, its attributes were not: one `<testcase` with
 *   two million attributes (18 MB) took 3 GB and 25 s, a few tens of MB ran out of memory.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { detectChange } from '../../src/io/git.js';
import { parseSettings } from '../../src/config/schema.js';
import { runEngine } from '../../src/engine/run.js';
import { loadMutmutXml, parseMutmutJunit } from '../../src/reports/mutmut/index.js';
import { commit, git, initRepo, write } from '../change/git-helpers.js';
import { errorOf } from '../reports/registry-helpers.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const root = mkdtempSync(join(tmpdir(), 'sg-re-review-5-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (prefix: string) => initRepo(join(root, `${prefix}${n++}`));
const token = (s: string) => `ghp_${Buffer.from(s.repeat(40)).toString('hex').slice(0, 36)}`;

describe('a binary file the change renames (4d59810)', () => {
  it('is read against its old path: a token already in the repository is not new, and nothing else is partial', async () => {
    const repo = fresh('r');
    // A binary file (a NUL at the top) holding a token since long before the pull request.
    write(repo, 'assets/cache.db', Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`\nGITHUB_TOKEN=${token('moved-secret-a')}\n`)]));
    const base = commit(repo, 'base');
    git(repo, 'mv', 'assets', 'data');
    const head = commit(repo, 'move');
    const change = await detectChange({ cwd: repo, event: {}, baseRef: base, headSha: head, fetch: false });
    if (!change.known) throw new Error(change.reason);
    expect(change.files.map((f) => [f.path, f.status])).toEqual([['data/cache.db', 'renamed']]);
    const run = await runEngine(parseSettings([{ 'secret-scan': 'true' }]), { workspace: repo, now: NOW, change });
    expect(run.result.tools.find((t) => t.tool === 'secret-scan')!.findings).toEqual([]);
    expect(run.result.verdict).toBe('pass');
  });

  it('moving a model larger than the byte limit leaves the scan complete', async () => {
    const repo = fresh('m');
    write(repo, 'model.bin', randomBytes(2 * 1024 * 1024));
    const base = commit(repo, 'base');
    git(repo, 'mv', 'model.bin', 'weights.bin');
    const head = commit(repo, 'move');
    const change = await detectChange({ cwd: repo, event: {}, baseRef: base, headSha: head, fetch: false, maxPatchBytes: 1024 * 1024 });
    if (!change.known) throw new Error(change.reason);
    expect(change.addedLinesComplete).toBe(true);
  });

  it('a rename with edits still has its added lines read, and only those', async () => {
    const repo = fresh('e');
    const body = Array.from({ length: 200 }, (_, i) => `row ${i} \u0000 some binary-ish payload`).join('\n') + '\n';
    write(repo, 'a.dat', Buffer.from(`GITHUB_TOKEN=${token('already-there-a')}\n${body}`));
    const base = commit(repo, 'base');
    git(repo, 'mv', 'a.dat', 'b.dat');
    write(repo, 'b.dat', Buffer.from(`GITHUB_TOKEN=${token('already-there-a')}\n${body}GITHUB_TOKEN=${token('rename-edit-b')}\n`));
    const head = commit(repo, 'move and edit');
    const change = await detectChange({ cwd: repo, event: {}, baseRef: base, headSha: head, fetch: false });
    if (!change.known) throw new Error(change.reason);
    expect(change.files.map((f) => [f.path, f.status])).toEqual([['b.dat', 'renamed']]);
    const run = await runEngine(parseSettings([{ 'secret-scan': 'true' }]), { workspace: repo, now: NOW, change });
    expect(run.result.tools.find((t) => t.tool === 'secret-scan')!.findings.map((f) => [f.location?.path, f.location?.line])).toEqual([['b.dat', 202]]);
  });
});

describe('a binary file over the byte limit (4d59810: "partial, at least warn")', () => {
  it('warns with a notice that names the file and the limit, not reasons that do not apply', async () => {
    const repo = fresh('b');
    write(repo, 'README.md', 'x\n');
    const base = commit(repo, 'base');
    write(repo, 'models/classifier.onnx', randomBytes(2 * 1024 * 1024));
    const head = commit(repo, 'add a model');
    const change = await detectChange({ cwd: repo, event: {}, baseRef: base, headSha: head, fetch: false, maxPatchBytes: 1024 * 1024 });
    if (!change.known) throw new Error(change.reason);
    expect(change.addedLinesComplete).toBe(false);
    const run = await runEngine(parseSettings([{ 'secret-scan': 'true' }]), { workspace: repo, now: NOW, change });
    expect(run.result.verdict).toBe('warn');
    const notices = run.result.notices.join('\n');
    expect(notices).toContain('models/classifier.onnx');
    expect(notices).toMatch(/1,048,576-byte limit/);
    expect(notices).not.toMatch(/too many, a name that is not UTF-8, or git failed/);
    const scan = run.result.tools.find((t) => t.tool === 'secret-scan')!;
    expect(scan.messages.join('\n')).not.toMatch(/gitattributes/);
  });
});

describe('reading binary files again has one time budget (4d59810)', () => {
  /** About 4 MB of short lines from a small alphabet: seconds for git's diff to compare with another. */
  function slowToDiff(seed: number): Buffer {
    let x = seed;
    const rows: string[] = [];
    for (let i = 0; i < 500_000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      rows.push(`${String(x % 2000).padStart(6, '0')}\u0000`);
    }
    return Buffer.from(rows.join('\n') + '\n');
  }
  it('four batches of files slow to diff cost one timeout, not four', async () => {
    const repo = fresh('t');
    for (let g = 0; g < 4; g++) write(repo, `g${g}/a.bin`, slowToDiff(g + 1));
    const base = commit(repo, 'base');
    for (let g = 0; g < 4; g++) {
      write(repo, `g${g}/a.bin`, slowToDiff(g + 100));
      for (let d = 0; d < 99; d++) write(repo, `g${g}/d${String(d).padStart(2, '0')}.bin`, Buffer.from([0, g, d]));
    }
    const head = commit(repo, 'head');
    const change = await detectChange({ cwd: repo, event: {}, baseRef: base, headSha: head, fetch: false, gitTimeoutMs: 1000 });
    if (!change.known) throw new Error(change.reason);
    expect(change.addedLinesComplete).toBe(false);
    // The first batch used the whole budget: the others were not started (each had its own
    // timeout before, four failures and no word of the budget).
    const note = change.notes.find((n) => n.includes('could not all be read again as text'));
    expect(note).toContain('reading them took longer than 1 s');
    expect(note?.match(/git diff/g) ?? []).toHaveLength(1);
  }, 120_000);
});

describe('a mutmut junitxml report dense in attributes (983c302 counted tags only)', () => {
  it('is refused before parsing, with its place', async () => {
    await loadMutmutXml();
    const attrs = Array.from({ length: 300_000 }, (_, i) => ` a${i.toString(36)}=""`).join('');
    const xml = `<?xml version="1.0"?>\n<testsuites><testsuite name="mutmut"><testcase name="Mutant #1" file="a.py" line="1"${attrs}/></testsuite></testsuites>\n`;
    const err = errorOf(() => parseMutmutJunit(xml, 'mutmut.xml'));
    expect(err.reason).toMatch(/attributes.*too many/);
    expect(err.where).toMatch(/^line 2, column \d+$/);
  });

  it('a real report, with `=` and `>` in its values, text and CDATA, still parses', async () => {
    await loadMutmutXml();
    const cases = Array.from(
      { length: 2000 },
      (_, i) =>
        `<testcase name="Mutant #${i + 1}" file="src/a.py" line="${i + 1}"><failure message="bad_survived" type="x>=y">--- a\n+++ b\n-    x = ${i}\n+    x = ${i + 1}</failure><system-out><![CDATA[a == b <c d="e"> ${'k=v '.repeat(300)}]]></system-out><!-- note a=b c=d --></testcase>`,
    ).join('');
    const r = parseMutmutJunit(`<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="mutmut" tests="2000">${cases}</testsuite></testsuites>\n`, 'mutmut.xml');
    expect(r.findings).toHaveLength(2000);
  });
});
