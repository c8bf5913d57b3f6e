/** The action's standard output written without building process.stdout, falling back to it in order. */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { useDirectStdout, useStdoutStream, writeStdout } from '../../src/util/stdout.js';

afterEach(() => {
  useStdoutStream();
  jest.restoreAllMocks();
});

function streamWrites(): string[] {
  const out: string[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(Buffer.from(chunk).toString('utf8'));
    return true;
  });
  return out;
}

describe('writeStdout', () => {
  it('writes through process.stdout by default (tests, workers, the CLI)', () => {
    const out = streamWrites();
    writeStdout('::notice::a\n');
    expect(out).toEqual(['::notice::a\n']);
  });

  it('writes every byte to fd 1 directly once asked, in as many writes as the descriptor takes', () => {
    const out = streamWrites();
    const direct: string[] = [];
    useDirectStdout((fd, buf, off) => {
      expect(fd).toBe(1);
      const n = Math.min(3, buf.length - off); // short writes
      direct.push(Buffer.from(buf.subarray(off, off + n)).toString('latin1'));
      return n;
    }, 'linux');
    writeStdout('::add-mask::é€\n');
    expect(Buffer.from(direct.join(''), 'latin1').toString('utf8')).toBe('::add-mask::é€\n');
    expect(out).toEqual([]);
  });

  it('hands the rest to process.stdout when the descriptor would block, and keeps using it', () => {
    const out = streamWrites();
    const direct: string[] = [];
    let calls = 0;
    useDirectStdout((_fd, buf, off) => {
      if (++calls === 3) throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), { code: 'EAGAIN' });
      const n = Math.min(4, buf.length - off);
      direct.push(Buffer.from(buf.subarray(off, off + n)).toString('utf8'));
      return n;
    }, 'linux');
    writeStdout('line one\n');
    writeStdout('line two\n');
    expect(direct.join('')).toBe('line one');
    expect(out).toEqual(['\n', 'line two\n']);
    expect(direct.join('') + out.join('')).toBe('line one\nline two\n');
  });

  it('on Linux only: Windows and macOS runners keep the stream', () => {
    const out = streamWrites();
    let directCalls = 0;
    for (const platform of ['win32', 'darwin'] as const) {
      useDirectStdout((_fd, buf, off) => {
        directCalls++;
        return buf.length - off;
      }, platform);
      writeStdout(`${platform}\n`);
    }
    expect(directCalls).toBe(0);
    expect(out).toEqual(['win32\n', 'darwin\n']);
  });

  it('a write that takes nothing falls back instead of looping', () => {
    const out = streamWrites();
    let calls = 0;
    useDirectStdout(() => (++calls > 100 ? 1 : 0), 'linux');
    writeStdout('y\n');
    expect(calls).toBe(1);
    expect(out).toEqual(['y\n']);
  });

  it('any other failure of the direct write also falls back rather than throwing', () => {
    const out = streamWrites();
    useDirectStdout(() => {
      throw Object.assign(new Error('EPIPE'), { code: 'EPIPE' });
    }, 'linux');
    expect(() => writeStdout('x\n')).not.toThrow();
    expect(out).toEqual(['x\n']);
  });
});
