import { describe, expect, it } from '@jest/globals';
import { readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { READ_CHUNK_BYTES, readReportChunks } from '../../src/io/files.js';
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

  it('a missing file is named by its error code', async () => {
    expect(await readReportChunks(dir, 'nope.bin', () => true)).toEqual({ ok: false, bytes: 0, error: 'cannot read the file (ENOENT)' });
  });
});
