/**
 * A safe way to run a program: never a shell, arguments as an array, a timeout on every call and a
 * bound on the output kept. The promise always resolves (a failure to start is reported, not thrown),
 * so a caller decides in plain words what a failure means.
 */
// node:child_process (with net, dgram and streams) is loaded on the first run, not at start-up:
// most gate runs never start a program.
const childProcess = () => process.getBuiltinModule('node:child_process');

export interface RunOptions {
  cwd: string;
  /** Kill the process (SIGKILL) after this many milliseconds. Default 30 s. */
  timeoutMs?: number;
  /** Keep at most this many bytes of stdout; the process is killed when it writes more. Default 16 MiB. */
  maxStdoutBytes?: number;
  /** Keep at most this many bytes of stderr (the rest is dropped, the process goes on). Default 64 KiB. */
  maxStderrBytes?: number;
  /** Extra environment variables laid over `process.env`. */
  env?: Record<string, string | undefined>;
}

export interface RunResult {
  /** Exit code; null when the process was killed or never started. */
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: string;
  /** Killed because it ran longer than `timeoutMs`. */
  timedOut: boolean;
  /** Killed because stdout went over `maxStdoutBytes` (stdout holds the first bytes only). */
  truncated: boolean;
  /** The program could not be started (ENOENT, EACCES…). */
  spawnError?: string;
}

export async function runFile(file: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxOut = opts.maxStdoutBytes ?? 16 * 1024 * 1024;
  const maxErr = opts.maxStderrBytes ?? 64 * 1024;
  return new Promise<RunResult>((resolve) => {
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let timedOut = false;
    let truncated = false;
    let spawnError: string | undefined;
    let settled = false;

    const child = childProcess().spawn(file, [...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    const kill = () => {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      if (truncated) return;
      const room = maxOut - outBytes;
      if (chunk.length > room) {
        if (room > 0) out.push(chunk.subarray(0, room));
        outBytes = maxOut;
        truncated = true;
        kill();
        return;
      }
      out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < maxErr) err += chunk.toString('utf8').slice(0, maxErr - err.length);
    });
    const finish = (code: number | null, signal: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: err, timedOut, truncated, spawnError });
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code ? `${e.code}: ${e.message}` : e.message;
      finish(null, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** One line describing why a run failed, for messages (no stack, bounded length). */
export function describeFailure(program: string, r: RunResult, timeoutMs?: number): string {
  if (r.spawnError) return `${program} could not be started (${r.spawnError})`;
  if (r.timedOut) return `${program} did not finish within ${Math.round((timeoutMs ?? 0) / 1000) || '?'} s and was stopped`;
  if (r.truncated) return `${program} wrote more output than the limit and was stopped`;
  const firstLines = r.stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(hint|warning):/i.test(l))
    .slice(0, 2)
    .join(' / ');
  const why = redactUrlCredentials(firstLines).slice(0, 300);
  return `${program} exited with ${r.code ?? r.signal ?? 'an error'}${why ? `: ${why}` : ''}`;
}

/** `https://user:token@host` -> `https://***@host`, so a remote URL in an error never leaks a token. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]{0,20}:\/\/)[^/@\s]{1,500}@/gi, '$1***@');
}
