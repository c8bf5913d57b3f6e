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
import { REPORT_INPUTS, type Settings } from '../config/schema.js';
import { reportSize, resolvePatterns } from '../io/files.js';
import { firstAndMore } from '../util/lists.js';

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

/** A report file the settings name (workspace-relative) and its size. */
export interface ReportFile {
  path: string;
  bytes: number;
}

/** The report files the settings name, each once per input (unreadable ones count as 0 bytes: the run says why). */
export async function reportFiles(settings: Settings, workspace: string): Promise<ReportFile[]> {
  const out: ReportFile[] = [];
  for (const inputName of Object.values(REPORT_INPUTS)) {
    const patterns = settings[inputName];
    if (patterns.length === 0) continue;
    const { files } = await resolvePatterns(workspace, patterns);
    for (const f of files) out.push({ path: f, bytes: (await reportSize(workspace, f)) ?? 0 });
  }
  return out;
}

/** Total size of report files (reportFiles: unreadable ones count as 0, the run says why). */
export function totalBytes(files: readonly ReportFile[]): number {
  return files.reduce((n, f) => n + f.bytes, 0);
}

/** A run that takes a worker: the line that says so, and the files it reads (named if it runs out of memory). */
export interface WorkerPlan {
  note: string;
  files: ReportFile[];
}

/**
 * Whether a run takes a worker (both entries ask): its plan, or undefined when the run stays on
 * this thread. A file that cannot be found or read counts as 0 here: the run itself says what is
 * wrong with it.
 */
export async function workerPlan(settings: Settings, workspace: string, env: NodeJS.ProcessEnv): Promise<WorkerPlan | undefined> {
  const files = await reportFiles(settings, workspace).catch((): ReportFile[] => []);
  const bytes = totalBytes(files);
  if (bytes < workerMinBytes(env)) return undefined;
  return { note: `security-gate: ${mib(bytes)} of reports: read in a worker thread with a smaller young generation`, files };
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/**
 * SECURITY_GATE_WORKER_HEAP_MB: the worker's old generation in MB, when a whole number of at least
 * 16 (otherwise V8's default, from the machine's memory): a runner shared with other jobs can hold
 * the gate to less, and a test can run a worker out of memory without using gigabytes.
 */
export const WORKER_HEAP_MB_ENV = 'SECURITY_GATE_WORKER_HEAP_MB';

export function workerHeapMb(env: NodeJS.ProcessEnv): number | undefined {
  const v = env[WORKER_HEAP_MB_ENV]?.trim();
  return v && /^\d{2,7}$/.test(v) && Number(v) >= 16 ? Number(v) : undefined;
}

/** At most this many report files are named when a worker runs out of memory (the total counts them all). */
const NAMED_FILES = 10;

/**
 * The worker ran out of memory reading the reports (ERR_WORKER_OUT_OF_MEMORY; reports of a few
 * hundred MB each, given through globs, can take more than a runner has): the message names the
 * report files, biggest first, and their total size, and says the run reached no verdict. The
 * shells print it escaped (the paths are the pull request's) and fail as on any error.
 */
export class ReportsOutOfMemory extends Error {
  constructor(files: readonly ReportFile[], heapMb: number | undefined) {
    const total = totalBytes(files);
    const biggest = [...files].sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const list = firstAndMore(biggest, NAMED_FILES, { show: (f) => `${f.path} (${mib(f.bytes)})`, more: (k) => `and ${k} more` }).join(', ');
    const heap = heapMb === undefined ? 'its heap' : `its ${heapMb.toLocaleString('en-US')} MB heap`;
    super(
      `the reports needed more memory than is available: the worker thread reading them ran out of ${heap}. ` +
        `Reports: ${files.length === 0 ? 'none found' : list}; ${mib(total)} in ${files.length === 1 ? '1 file' : `${files.length} files`} in all. ` +
        'No verdict was reached (failed closed): give the gate fewer or smaller reports, or run it where more memory is available.',
    );
    this.name = 'ReportsOutOfMemory';
  }
}

/** What a worker's data moves to it (message ports). */
type TransferList = NonNullable<import('node:worker_threads').WorkerOptions['transferList']>;

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

/** What runInWorker takes besides the entry, the worker's data and the error handler. */
export interface WorkerOptions {
  /**
   * Answers the worker's callMainThread requests: this thread is idle meanwhile, so work handed to
   * it runs next to the worker's on another core.
   */
  serve?: (request: unknown) => Promise<void>;
  /** The run's reports (workerPlan): named when the worker runs out of memory. */
  files?: readonly ReportFile[];
  /** The change under review, found by this thread while the worker reads (sendToWorker; the worker takes it with changeFromMainThread). */
  change?: Promise<unknown>;
}

/** The workerData key under which runInWorker passes the change's port. */
const CHANGE_PORT = 'securityGateChangePort';

/**
 * Runs `entry` (this bundle's own file) in a worker with `data` as its workerData and this
 * process's arguments, and resolves with its exit code (its `process.exitCode`; 1 when it threw,
 * after `onError`). Its output goes to this process's. Rejects only when no worker can start.
 * A worker that runs out of memory is reported to `onError` as ReportsOutOfMemory naming
 * `opts.files`, not as the bare ERR_WORKER_OUT_OF_MEMORY.
 */
export function runInWorker(entry: URL, data: Record<string, unknown>, onError: (e: Error) => void, opts: WorkerOptions = {}): Promise<number> {
  const { serve, files = [] } = opts;
  const change = opts.change && sendToWorker(opts.change);
  return new Promise((done) => {
    const heapMb = workerHeapMb(process.env);
    const w = new (threads().Worker)(entry, {
      workerData: change ? { ...data, [CHANGE_PORT]: change.port } : data,
      transferList: change?.transfer ?? [],
      env: { ...process.env, [WORKER_ENV]: '1' },
      argv: process.argv.slice(2),
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, ...(heapMb === undefined ? {} : { maxOldGenerationSizeMb: heapMb }) },
    });
    // The heap V8 gave it, read while it runs (an exited worker's limits are gone).
    let oldGenerationMb: number | undefined;
    w.once('online', () => (oldGenerationMb = w.resourceLimits?.maxOldGenerationSizeMb));
    w.on('error', (e: Error) => {
      if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') onError(new ReportsOutOfMemory(files, oldGenerationMb ?? heapMb));
      else onError(e);
    });
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

/** In a worker runInWorker started with `change`: that change, when the main thread has it; otherwise undefined. */
export function changeFromMainThread<T>(): Promise<T> | undefined {
  const port = (workerInput() as Record<string, unknown> | undefined)?.[CHANGE_PORT] as import('node:worker_threads').MessagePort | undefined;
  return port && fromMainThread<T>(port);
}

/** What a value sent with sendToWorker arrives as. */
type Sent = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * A value the main thread works out while the worker runs, sent over a channel of its own: the
 * change under review, found with git (runInWorker's `change`). The thread that runs git must
 * drain its output, and the worker parsing a big report does so only between chunks: git waited,
 * and finding the change added its time to the read instead of running beside it
 * (docs/performance.md). The worker takes it with fromMainThread.
 */
export function sendToWorker(value: Promise<unknown>): { port: import('node:worker_threads').MessagePort; transfer: TransferList } {
  const { port1, port2 } = new (threads().MessageChannel)();
  const send = (m: Sent): void => {
    try {
      port1.postMessage(m);
    } catch (e) {
      // A value that cannot be copied: said as an error, never a worker left waiting.
      port1.postMessage({ ok: false, error: `the main thread's answer could not be sent (${e instanceof Error ? e.message : String(e)})` } satisfies Sent);
    }
  };
  value.then(
    (v) => send({ ok: true, value: v }),
    (e: unknown) => send({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
  return { port: port2, transfer: [port2] };
}

/**
 * In the worker: the value sendToWorker sent on `port` (rejects with the main thread's error). The
 * promise is marked handled at once: it is made when the worker starts and awaited only later (an
 * early rejection must not end the worker as an unhandled one; awaiting it still throws).
 */
export function fromMainThread<T>(port: import('node:worker_threads').MessagePort): Promise<T> {
  const answer = new Promise<T>((resolve, reject) => {
    port.once('message', (m: Sent) => {
      // Closed once answered, so the port does not keep the worker alive.
      port.close();
      if (m.ok) resolve(m.value as T);
      else reject(new Error(m.error));
    });
  });
  answer.catch(() => undefined);
  return answer;
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
