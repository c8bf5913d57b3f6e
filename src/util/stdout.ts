/**
 * Standard output of the action: workflow commands and log lines.
 *
 * `process.stdout` is a stream Node builds on first use, loading its streams (and, for a pipe as on
 * a runner, its socket layer): ~3 ms of a ~75 ms cold start, for a few lines. The action's main
 * thread opts into writing them with `fs.writeSync(1)` instead (`useDirectStdout`), as Node itself
 * does for a file. Linux only, and only while nothing else writes to stdout: the stream queues
 * what a full pipe does not take, so a line written directly could land in the middle of a queued
 * one. Before anything else may write (a worker, the artifact client) the run switches back with
 * `useStdoutStream`, and on EAGAIN or any failure the rest goes through the stream from then on,
 * in order, as it always did. Everything else (tests, worker threads, the CLI) writes through
 * `process.stdout`.
 */
import { writeSync } from 'node:fs';

type Write = (fd: number, buffer: Uint8Array, offset: number) => number;

let direct: Write | undefined;

/** Writes `text` to standard output. */
export function writeStdout(text: string): void {
  if (direct) {
    const buf = Buffer.from(text, 'utf8');
    const written = writeAll(direct, buf);
    if (written === buf.length) return;
    direct = undefined; // the stream takes what is left, and all later text
    process.stdout.write(buf.subarray(written));
    return;
  }
  process.stdout.write(text);
}

/**
 * From now on write standard output with `write` (default `fs.writeSync`) until it would block.
 * Linux only (measured there; Windows and macOS runners keep the stream as before).
 */
export function useDirectStdout(write: Write = (fd, b, o) => writeSync(fd, b, o), platform: NodeJS.Platform = process.platform): void {
  if (platform === 'linux') direct = write;
}

/** Back to `process.stdout`, for good: before anything else may write to stdout. */
export function useStdoutStream(): void {
  direct = undefined;
}

/** Bytes of `buf` written to fd 1; fewer than all when the descriptor would block, failed or took nothing. */
function writeAll(write: Write, buf: Uint8Array): number {
  let off = 0;
  while (off < buf.length) {
    let n: number;
    try {
      n = write(1, buf, off);
    } catch {
      return off; // EAGAIN, or any other failure: the stream takes over and behaves as it always did
    }
    if (!(n > 0)) return off; // a write that takes nothing would loop here for ever
    off += n;
  }
  return off;
}
