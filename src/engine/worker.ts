/**
 * Big reports are read in a worker thread whose young generation is capped.
 *
 * V8 sizes the young generation from the heap limit, which it derives from the machine's memory.
 * Reading a big report keeps every finding, so scavenges keep finding live objects to copy and the
 * young generation grows to its maximum: on the 68 MB / 80k-finding Bandit report it took 134 MB of
 * the gate's 315 MB on the 24 GiB benchmark machine. A JavaScript action cannot pass V8
 * flags (`runs.using: node24` takes no arguments), but a worker's heap can be sized with
 * `resourceLimits`. With a 48 MB young generation (16 MB semi-spaces) the same run took 15-20% less
 * time and 20% less memory (README, Performance); 24 MB (8 MB semi-spaces) took as long and ~15 MB
 * less on the 109 MB SARIF report (docs/performance.md).
 *
 * Small runs stay on the main thread: a worker compiles the bundle a second time (~100 ms), which
 * is worth it only when there is much to read. SECURITY_GATE_WORKER_MIN_BYTES moves the line
 * (0: always a worker; a huge number: never), for a runner where worker threads misbehave.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { REPORT_INPUTS, type Settings } from '../config/schema.js';
import { resolvePatterns } from '../io/files.js';

/*
 * `node:worker_threads` is loaded only where a worker is started or is running: loading it on the
 * main thread costs ~4 ms of every cold start (it pulls in Node's streams), and most runs start no
 * worker. The workers started here carry WORKER_ENV in their environment, so the main thread can
 * tell it is not one without loading the module; the module has the last word (a user who sets
 * the variable only makes the main thread load it).
 */
const threads = (): typeof import('node:worker_threads') => process.getBuiltinModule('node:worker_threads');
const WORKER_ENV = 'SECURITY_GATE_WORKER_THREAD';

/** Whether this code runs in a worker started by runInWorker. */
export function inWorkerThread(): boolean {
  return process.env[WORKER_ENV] === '1' && !threads().isMainThread;
}

/** The `data` runInWorker gave this worker. */
export function workerInput(): unknown {
  return threads().workerData;
}

/** Reports of this size in all (or more) are read in a worker. */
export const WORKER_MIN_BYTES = 32 * 1024 * 1024;
export const WORKER_MIN_BYTES_ENV = 'SECURITY_GATE_WORKER_MIN_BYTES';

/** WORKER_MIN_BYTES, or the env override when it is a whole number (anything else is ignored). */
export function workerMinBytes(env: NodeJS.ProcessEnv): number {
  const v = env[WORKER_MIN_BYTES_ENV]?.trim();
  return v && /^\d{1,15}$/.test(v) ? Number(v) : WORKER_MIN_BYTES;
}
/** Young generation of the worker: two 8 MB semi-spaces and room for new large objects. */
export const WORKER_YOUNG_GENERATION_MB = 24;

/** Total size of the report files the settings name (unreadable ones count as 0: the run says why). */
export async function reportBytes(settings: Settings, workspace: string): Promise<number> {
  let total = 0;
  for (const inputName of Object.values(REPORT_INPUTS)) {
    const patterns = settings[inputName];
    if (patterns.length === 0) continue;
    const { files } = await resolvePatterns(workspace, patterns);
    for (const f of files) total += await stat(resolve(workspace, f)).then((s) => s.size, () => 0);
  }
  return total;
}

/**
 * Whether a run takes a worker (both entries ask): the line that says so, or undefined when the
 * run stays on this thread. A file that cannot be found or read counts as 0 here: the run itself
 * says what is wrong with it.
 */
export async function workerNote(settings: Settings, workspace: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const bytes = await reportBytes(settings, workspace).catch(() => 0);
  if (bytes < workerMinBytes(env)) return undefined;
  return `security-gate: ${(bytes / 1048576).toFixed(1)} MiB of reports: read in a worker thread with a smaller young generation`;
}

/** A call from the worker to the thread that started it, and its answer. */
interface Call {
  call: number;
  request: unknown;
}
interface Answer {
  call: number;
  error?: string;
  /** The error's `code` (EISDIR, ELOOP...): callers tell a file system's refusal from a bug by it. */
  code?: string;
}

/**
 * Runs `entry` (this bundle's own file) in a worker with `data` as its workerData and this
 * process's arguments, and resolves with its exit code (its `process.exitCode`; 1 when it threw,
 * after `onError`). Its output goes to this process's. Rejects only when no worker can start.
 * `serve` answers the worker's callMainThread requests: this thread is idle meanwhile, so work
 * handed to it runs next to the worker's on another core.
 */
export function runInWorker(entry: URL, data: unknown, onError: (e: Error) => void, serve?: (request: unknown) => Promise<void>): Promise<number> {
  return new Promise((done) => {
    const w = new (threads().Worker)(entry, {
      workerData: data,
      env: { ...process.env, [WORKER_ENV]: '1' },
      argv: process.argv.slice(2),
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    w.on('error', onError);
    w.on('exit', done);
    w.on('message', (m: Call) => {
      const answer = (a: Answer) => w.postMessage(a);
      if (!serve) return answer({ call: m.call, error: 'the main thread serves no requests' });
      serve(m.request).then(
        () => answer({ call: m.call }),
        (e: unknown) => {
          const code = (e as NodeJS.ErrnoException | undefined)?.code;
          answer({ call: m.call, error: e instanceof Error ? e.message : String(e), ...(typeof code === 'string' ? { code } : {}) });
        },
      );
    });
  });
}

let calls = 0;
const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

/**
 * From inside a worker: has the main thread carry out `request` (runInWorker's `serve`), resolved
 * when it is done. The port is listened to only while a call is pending, so the worker can exit.
 */
export function callMainThread(request: unknown): Promise<void> {
  const port = inWorkerThread() ? threads().parentPort : null;
  if (!port) return Promise.reject(new Error('not in a worker thread'));
  const call = ++calls;
  if (pending.size === 0) port.on('message', onAnswer);
  return new Promise<void>((resolve, reject) => {
    pending.set(call, { resolve, reject });
    port.postMessage({ call, request } satisfies Call);
  });
}

function onAnswer(a: Answer): void {
  const p = pending.get(a.call);
  if (!p) return;
  pending.delete(a.call);
  if (pending.size === 0) threads().parentPort?.off('message', onAnswer);
  if (a.error === undefined) p.resolve();
  else p.reject(Object.assign(new Error(a.error), a.code === undefined ? {} : { code: a.code }));
}
