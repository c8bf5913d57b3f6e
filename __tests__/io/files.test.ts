import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { handleProblem, outputPathProblem, READ_CHUNK_BYTES, readReport, readReportChunks } from '../../src/io/files.js';
import { scratchDir } from '../helpers/scratch.js';

/** How many of this process's descriptors are open on `path` (Linux: /proc; elsewhere 0). */
function openFiles(path: string): number {
  if (process.platform !== 'linux') return 0;
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/** Bytes where each position holds a different pattern, so a chunk out of place shows. */
function patterned(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.imul(i, 2654435761) >>> 24;
  return b;
}

describe('readReportChunks (the next chunk read while one is consumed)', () => {
  // resolved: /proc/self/fd links name the real path, and the temp directory may be a link
  const dir = realpathSync(scratchDir('sg-files-'));

  it.each([
    ['empty', 0],
    ['smaller than a chunk', 1000],
    ['exactly one chunk', READ_CHUNK_BYTES],
    ['one chunk and a byte', READ_CHUNK_BYTES + 1],
    ['several chunks and a tail', 3 * READ_CHUNK_BYTES + 12345],
  ])('hands over every byte in order: %s', async (_name, size) => {
    const data = patterned(size);
    writeFileSync(join(dir, 'r.bin'), data);
    const got: Buffer[] = [];
    // consume waits a little, as the stage's writes do, so the read ahead lands meanwhile
    const read = await readReportChunks(dir, 'r.bin', async (chunk) => {
      const copy = Buffer.from(chunk);
      await new Promise((r) => setTimeout(r, 5));
      expect(chunk.equals(copy)).toBe(true); // the read ahead did not write into the chunk being consumed
      got.push(copy);
      return true;
    });
    expect(read).toEqual({ ok: true, bytes: size, stopped: false });
    expect(Buffer.concat(got).equals(data)).toBe(true);
  });

  it('stops when consume says so, and closes the file', async () => {
    writeFileSync(join(dir, 's.bin'), patterned(4 * READ_CHUNK_BYTES));
    const before = openFiles(join(dir, 's.bin'));
    let calls = 0;
    const read = await readReportChunks(dir, 's.bin', () => ++calls < 2);
    expect(read).toEqual({ ok: true, bytes: 2 * READ_CHUNK_BYTES, stopped: true });
    expect(calls).toBe(2);
    expect(openFiles(join(dir, 's.bin'))).toBe(before);
  });

  it('a consume that throws ends the read with an error naming its code', async () => {
    writeFileSync(join(dir, 't.bin'), patterned(3 * READ_CHUNK_BYTES));
    const read = await readReportChunks(dir, 't.bin', () => {
      throw Object.assign(new Error('boom'), { code: 'EBOOM' });
    });
    expect(read).toEqual({ ok: false, bytes: 0, error: 'cannot read the file (EBOOM)' });
  });

  it('a read ahead that fails while consume awaits ends the read with its error', async () => {
    // (That it is no unhandled rejection, which ends the process, was checked with plain Node: the
    // test environment does not report rejections that are handled late.)
    writeFileSync(join(dir, 'f.bin'), patterned(3 * READ_CHUNK_BYTES));
    const fh = await open(join(dir, 'f.bin'), 'r');
    const proto = Object.getPrototypeOf(fh) as { read: (...args: unknown[]) => Promise<unknown> };
    await fh.close();
    const realRead = proto.read;
    let reads = 0;
    proto.read = function (this: unknown, ...args: unknown[]) {
      return ++reads === 2 ? Promise.reject(Object.assign(new Error('io'), { code: 'EIO' })) : realRead.apply(this, args);
    };
    try {
      let calls = 0;
      const read = await readReportChunks(dir, 'f.bin', async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 20)); // the copier's writes: the failed read settles meanwhile
        return true;
      });
      expect(read).toEqual({ ok: false, bytes: 0, error: 'cannot read the file (EIO)' });
      expect(calls).toBe(1);
    } finally {
      proto.read = realRead;
    }
  });

  it('a file under minBytes is not read', async () => {
    writeFileSync(join(dir, 'm.bin'), patterned(10));
    let calls = 0;
    const read = await readReportChunks(dir, 'm.bin', () => (calls++, true), 11);
    expect(read).toEqual({ ok: true, bytes: 0, stopped: true });
    expect(calls).toBe(0);
  });

  const itLinux = process.platform === 'linux' ? it : it.skip;
  itLinux('a pipe is refused by its handle, not waited on (a path swapped after a check by name)', async () => {
    execFileSync('mkfifo', [join(dir, 'p.json')]);
    const refusal = { ok: false, bytes: 0, error: 'the path is not a regular file (a pipe, socket or device): not read' };
    expect(await readReportChunks(dir, 'p.json', () => true)).toEqual(refusal);
    expect(await readReport(dir, 'p.json')).toEqual(refusal);
    mkdirSync(join(dir, 'd.json'));
    expect(await readReport(dir, 'd.json')).toEqual({ ok: false, bytes: 0, error: 'the path is a directory: not read' });
  });

  itLinux('a link out of the workspace or into .git is refused on the handle, whatever was checked by name before', async () => {
    const outside = scratchDir('sg-read-outside-');
    writeFileSync(join(outside, 'secret'), 'RUNNER-CREDENTIAL');
    symlinkSync(join(outside, 'secret'), join(dir, 'out.json'));
    mkdirSync(join(dir, '.git'), { recursive: true });
    writeFileSync(join(dir, '.git', 'config'), '[http] extraheader = AUTHORIZATION: basic x');
    symlinkSync('.git/config', join(dir, 'git.json'));
    const out = { ok: false, bytes: 0, error: 'the path is a symbolic link to a file outside the workspace: not read' };
    const git = { ok: false, bytes: 0, error: 'the path is in a .git directory: not read' };
    expect(await readReport(dir, 'out.json')).toEqual(out);
    expect(await readReport(dir, 'git.json')).toEqual(git);
    let seen = 0;
    expect(await readReportChunks(dir, 'out.json', () => (seen++, true))).toEqual(out);
    expect(await readReportChunks(dir, 'git.json', () => (seen++, true))).toEqual(git);
    expect(seen).toBe(0);
    // A link that stays inside is read; `confine: false` (a path the CLI's user gave) reads anywhere.
    symlinkSync('m.bin', join(dir, 'in.json'));
    writeFileSync(join(dir, 'm.bin'), 'inside');
    expect(await readReport(dir, 'in.json')).toEqual({ ok: true, text: 'inside', bytes: 6 });
    expect(await readReport(dir, 'out.json', { maxBytes: 100, what: 'a Justfile', confine: false })).toEqual({ ok: true, text: 'RUNNER-CREDENTIAL', bytes: 17 });
    expect(await readReport(dir, 'nope.json')).toEqual({ ok: false, bytes: 0, error: 'cannot read the file (ENOENT)', missing: true });
  });

  it('a name swapped after the open (for a link out, or to another file) is caught on the handle, on every system', async () => {
    const outside = scratchDir('sg-swap-outside-');
    writeFileSync(join(outside, 'secret'), 'RUNNER-CREDENTIAL');
    for (const swapTo of [join(outside, 'secret'), join(dir, 'other.json')]) {
      writeFileSync(join(dir, 'other.json'), '{}');
      writeFileSync(join(dir, 'swapped.json'), '{"results": []}');
      const fh = await open(join(dir, 'swapped.json'), 'r');
      try {
        const st = await fh.stat();
        expect(await handleProblem(st, join(dir, 'swapped.json'), dir)).toBeUndefined();
        rmSync(join(dir, 'swapped.json'));
        symlinkSync(swapTo, join(dir, 'swapped.json'));
        expect(await handleProblem(st, join(dir, 'swapped.json'), dir)).toBe('changed while it was opened: not read');
        rmSync(join(dir, 'swapped.json'));
        expect(await handleProblem(st, join(dir, 'swapped.json'), dir)).toBe('changed while it was opened: not read');
      } finally {
        await fh.close();
      }
    }
  });

  it('a missing file is named by its error code', async () => {
    expect(await readReportChunks(dir, 'nope.bin', () => true)).toEqual({ ok: false, bytes: 0, error: 'cannot read the file (ENOENT)' });
  });
});

describe('outputPathProblem (no output written through a link the checkout holds)', () => {
  const ws = realpathSync(scratchDir('sg-out-'));
  const outside = realpathSync(scratchDir('sg-out-victim-'));

  it('accepts what does not exist yet, and existing directories and files without links', async () => {
    expect(await outputPathProblem(ws, join(ws, 'out'), { dir: true })).toBeUndefined();
    mkdirSync(join(ws, 'ok', 'reports', 'sub'), { recursive: true });
    writeFileSync(join(ws, 'ok', 'reports', 'sub', 'a.json'), '{}');
    writeFileSync(join(ws, 'ok', 'result.sarif'), '{}');
    expect(await outputPathProblem(ws, join(ws, 'ok'), { dir: true })).toBeUndefined();
    expect(await outputPathProblem(ws, join(ws, 'ok', 'result.sarif'))).toBeUndefined();
    expect(await outputPathProblem(ws, join(ws, 'ok', 'new', 'x.sarif'))).toBeUndefined();
  });

  it('refuses a link as the directory, as a parent, inside the directory, or as the file', async () => {
    symlinkSync(outside, join(ws, 'linked'));
    expect(await outputPathProblem(ws, join(ws, 'linked'), { dir: true })).toBe('`linked` is a symbolic link: the gate does not write through links');
    expect(await outputPathProblem(ws, join(ws, 'linked', 'out'), { dir: true })).toBe('`linked` is a symbolic link: the gate does not write through links');
    mkdirSync(join(ws, 'out2', 'reports', 'reports'), { recursive: true });
    symlinkSync(join(outside, 'important.sh'), join(ws, 'out2', 'reports', 'reports', 'vulture.txt'));
    expect(await outputPathProblem(ws, join(ws, 'out2'), { dir: true })).toBe('`out2/reports/reports/vulture.txt` is a symbolic link: the gate does not write through links');
    symlinkSync(join(outside, 'x.sarif'), join(ws, 'gate.sarif'));
    expect(await outputPathProblem(ws, join(ws, 'gate.sarif'))).toBe('`gate.sarif` is a symbolic link: the gate does not write through links');
  });

  it("names a link inside the output directory with the pull request's name escaped (it is printed as it is)", async () => {
    mkdirSync(join(ws, 'out4'));
    symlinkSync(outside, join(ws, 'out4', 'x\n::error::forged'));
    const problem = await outputPathProblem(ws, join(ws, 'out4'), { dir: true });
    expect(problem).toMatch(/^`out4\/x ⏎ :\u200b:error:\u200b:forged` is a symbolic link/);
    expect(problem).not.toMatch(/\n|::/);
  });

  it('refuses a file where a directory goes, a directory where the file goes, and a path outside', async () => {
    writeFileSync(join(ws, 'plain'), 'x');
    expect(await outputPathProblem(ws, join(ws, 'plain'), { dir: true })).toBe('`plain` is not a directory');
    expect(await outputPathProblem(ws, join(ws, 'plain', 'x.sarif'))).toBe('`plain` is not a directory');
    mkdirSync(join(ws, 'adir'));
    expect(await outputPathProblem(ws, join(ws, 'adir'))).toBe('`adir` is not a regular file');
    expect(await outputPathProblem(ws, join(outside, 'x'))).toBe('is outside the workspace');
    if (process.platform === 'linux') {
      mkdirSync(join(ws, 'out3'));
      execFileSync('mkfifo', [join(ws, 'out3', 'security-gate-result.json')]);
      expect(await outputPathProblem(ws, join(ws, 'out3'), { dir: true })).toBe('`out3/security-gate-result.json` is not a regular file');
    }
  });
});
