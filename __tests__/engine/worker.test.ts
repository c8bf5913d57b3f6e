/** When the gate reads its reports in a worker thread (engine/worker.ts); the worker run itself is in e2e/gate.test.ts. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings } from '../../src/config/schema.js';
import { fromMainThread, reportFiles, sendToWorker, totalBytes, WORKER_MIN_BYTES, workerMinBytes } from '../../src/engine/worker.js';

let ws: string;
beforeAll(async () => {
  ws = await mkdtemp(join(tmpdir(), 'sg-worker-'));
  await mkdir(join(ws, 'reports'));
  await writeFile(join(ws, 'reports/a.json'), 'x'.repeat(1000));
  await writeFile(join(ws, 'reports/b.json'), 'x'.repeat(234));
  await writeFile(join(ws, 'vulture.txt'), 'x'.repeat(10));
});
afterAll(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe('reportFiles and totalBytes', () => {
  it('adds up every file every report input matches, each once', async () => {
    const settings = parseSettings([{ 'bandit-report': 'reports/*.json\nreports/a.json', 'vulture-report': 'vulture.txt' }]);
    expect(totalBytes(await reportFiles(settings, ws))).toBe(1244);
  });

  it('counts what matches nothing or lies outside the workspace as 0 (the run says why)', async () => {
    const settings = parseSettings([{ 'bandit-report': 'nothing/*.json', 'deptry-report': '../outside.json', 'gitleaks-report': 'reports' }]);
    expect(totalBytes(await reportFiles(settings, ws))).toBe(0);
  });
});

describe('workerMinBytes', () => {
  it('is 32 MiB unless SECURITY_GATE_WORKER_MIN_BYTES is a whole number', () => {
    expect(workerMinBytes({})).toBe(WORKER_MIN_BYTES);
    expect(WORKER_MIN_BYTES).toBe(32 * 1024 * 1024);
    expect(workerMinBytes({ SECURITY_GATE_WORKER_MIN_BYTES: '0' })).toBe(0);
    expect(workerMinBytes({ SECURITY_GATE_WORKER_MIN_BYTES: ' 1048576 ' })).toBe(1048576);
    for (const bad of ['', '-1', '1e9', '12MB', '0x10', '1'.repeat(16)]) expect(workerMinBytes({ SECURITY_GATE_WORKER_MIN_BYTES: bad })).toBe(WORKER_MIN_BYTES);
  });
});

describe('sendToWorker and fromMainThread', () => {
  it('hand over a value, an error, or a value that cannot be copied (as an error), and close the channel', async () => {
    const value = sendToWorker(Promise.resolve({ known: true, files: [{ path: 'a.py', addedLines: [{ line: 1, text: 'x' }] }] }));
    expect(value.transfer).toEqual([value.port]);
    await expect(fromMainThread(value.port)).resolves.toEqual({ known: true, files: [{ path: 'a.py', addedLines: [{ line: 1, text: 'x' }] }] });
    await expect(fromMainThread(sendToWorker(Promise.reject(new Error('git failed'))).port)).rejects.toThrow('git failed');
    await expect(fromMainThread(sendToWorker(Promise.resolve({ f: () => 1 })).port)).rejects.toThrow("the main thread's answer could not be sent");
  });
});

describe('fromMainThread before it is awaited', () => {
  it('an answer that is an error, arriving before anyone awaits it, is no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const answer = fromMainThread(sendToWorker(Promise.reject(new Error('git failed'))).port);
      await new Promise((r) => setTimeout(r, 50));
      await expect(answer).rejects.toThrow('git failed');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
