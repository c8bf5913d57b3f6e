/**
 * Uploads the raw reports as one workflow artifact with the real `@actions/artifact` (v6) client.
 *
 * - The client is imported lazily: a static import costs 100-170 ms of cold start on every run.
 * - Never throws: every failure (not in Actions, GHES, duplicate name, network, quota, timeout) comes back as
 *   `{ ok: false, error }` with one short line that names the artifact.
 * - Files that are missing, outside `rootDirectory`, symlinks that leave it, directories, or names that
 *   artifacts refuse are skipped (and listed) instead of failing the whole upload.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { useStdoutStream } from '../util/stdout.js';
import { firstAndMore } from '../util/lists.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface UploadReportsOptions {
  /** Artifact name; unique per workflow run (GitHub answers 409 to a second upload of the same name). */
  name: string;
  /** Files to upload: absolute, or relative to `rootDirectory`. Their path below `rootDirectory` is their path in the zip. */
  files: string[];
  /** Common parent of the files; stripped from the paths in the zip. */
  rootDirectory: string;
  /** Days to keep the artifact (whole number >= 1); capped by the repository setting. Absent: the repository default. */
  retentionDays?: number;
  /** Give up after this long (default 5 minutes): the client's own retries can otherwise wait for minutes. */
  timeoutMs?: number;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export type UploadReportsResult =
  | {
      ok: true;
      id: number;
      /** Link to the artifact on the run page, when GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID are set. */
      url?: string;
      /** Bytes uploaded (the zip). */
      size: number;
      /** `sha256:<hex>` of the uploaded zip, as the client reports it. */
      digest?: string;
      /** Paths of the uploaded files inside the zip (posix, relative to rootDirectory). */
      files: string[];
      skipped: SkippedFile[];
    }
  | { ok: false; error: string; skipped: SkippedFile[] };

export const DEFAULT_UPLOAD_TIMEOUT_MS = 5 * 60 * 1000;

/** Characters the artifact service refuses in file paths (same list as the client, for a short message). */
const INVALID_PATH_CHARS = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n'] as const;
/** ... and, in addition, in the artifact name. */
const INVALID_NAME_CHARS = [...INVALID_PATH_CHARS, '\\', '/'] as const;

const MAX_ERROR_LENGTH = 300;

/** `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}/artifacts/${id}`, or undefined. */
export function artifactUrl(id: number, env: Env = process.env): string | undefined {
  const server = env['GITHUB_SERVER_URL']?.trim().replace(/\/+$/, '');
  const repository = env['GITHUB_REPOSITORY']?.trim();
  const runId = env['GITHUB_RUN_ID']?.trim();
  if (!server || !repository || !runId) return undefined;
  return `${server}/${repository}/actions/runs/${runId}/artifacts/${id}`;
}

function printable(char: string): string {
  return char === '\r' ? '\\r' : char === '\n' ? '\\n' : char;
}

function invalidChar(text: string, chars: readonly string[]): string | undefined {
  return chars.find((c) => text.includes(c));
}

/** Same rule as the client's isGhes(): github.com, *.ghe.com and *.localhost are supported. */
function isGhes(env: Env): boolean {
  let host: string;
  try {
    host = new URL(env['GITHUB_SERVER_URL'] || 'https://github.com').hostname.trimEnd().toUpperCase();
  } catch {
    return false;
  }
  return host !== 'GITHUB.COM' && !host.endsWith('.GHE.COM') && !host.endsWith('.LOCALHOST');
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

interface Selection {
  files: string[];
  entries: string[];
  skipped: SkippedFile[];
}

/** Resolves and checks the files; never throws. `root` must be an absolute, existing directory. */
export async function selectFiles(files: readonly string[], root: string): Promise<Selection> {
  const selection: Selection = { files: [], entries: [], skipped: [] };
  const seen = new Set<string>();
  let rootReal = root;
  try {
    rootReal = await realpath(root);
  } catch {
    // checked by the caller; keep the resolved path
  }
  for (const file of files) {
    const skip = (reason: string): void => {
      selection.skipped.push({ file, reason });
    };
    if (typeof file !== 'string' || file.trim() === '') {
      skip('empty path');
      continue;
    }
    const abs = isAbsolute(file) ? resolve(file) : resolve(root, file);
    if (!isInside(root, abs)) {
      skip('outside the root directory');
      continue;
    }
    if (seen.has(abs)) continue;
    seen.add(abs);
    const entry = relative(root, abs).split(sep).join('/');
    const bad = invalidChar(entry, INVALID_PATH_CHARS);
    if (bad !== undefined) {
      skip(`path contains "${printable(bad)}", which artifacts do not allow`);
      continue;
    }
    let info;
    try {
      info = await lstat(abs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      skip(code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : `cannot be read (${code ?? 'error'})`);
      continue;
    }
    if (info.isSymbolicLink()) {
      let target: string;
      try {
        target = await realpath(abs);
        info = await stat(target);
      } catch {
        skip('broken symbolic link');
        continue;
      }
      if (!isInside(rootReal, target)) {
        skip('symbolic link to a file outside the root directory');
        continue;
      }
    }
    if (info.isDirectory()) {
      skip('a directory, not a file');
      continue;
    }
    if (!info.isFile()) {
      skip('not a regular file');
      continue;
    }
    selection.files.push(abs);
    selection.entries.push(entry);
  }
  return selection;
}

function oneLine(text: string): string {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? text;
  const flat = first.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_ERROR_LENGTH ? `${flat.slice(0, MAX_ERROR_LENGTH - 1)}…` : flat;
}

/** Never let a SAS signature or a token reach a log line. */
function scrub(text: string): string {
  return text.replace(/([?&](?:sig|se|sp|sv|st|skoid|sktid)=)[^&\s"']+/gi, '$1***').replace(/\bBearer\s+\S+/gi, 'Bearer ***');
}

/** One short, clear line for an error thrown by the client (or by us around it). */
export function describeUploadError(error: unknown, name: string): string {
  const message = scrub(error instanceof Error ? error.message : String(error));
  const errorName = error instanceof Error ? error.name : '';
  const code = (error as { code?: unknown } | null)?.code;
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  // the Twirp client re-wraps its NetworkError as "Failed to <Method>: Unable to make request: <CODE>"
  const network = /(?:Failed to (\w+): )?Unable to make request: (E[A-Z]+)/.exec(message);
  let reason: string;
  if (errorName === 'GHESNotSupportedError') {
    reason = 'artifact upload with @actions/artifact v2+ is not supported on GitHub Enterprise Server';
  } else if (/\(409\)/.test(message) || /already exists on the workflow run/i.test(message)) {
    reason = `an artifact with this name already exists in this workflow run (409 Conflict); artifact names must be unique per run`;
  } else if (errorName === 'UsageError' || /insufficient usage|storage quota/i.test(message)) {
    reason = 'the artifact storage quota is used up, GitHub refuses new artifacts';
  } else if (errorName === 'NetworkError' || network) {
    const what = network?.[2] ?? (typeof code === 'string' ? code : 'network error');
    reason = `cannot reach the artifact service (${what}${network?.[1] ? ` in ${network[1]}` : ''})`;
  } else if (/ACTIONS_RUNTIME_TOKEN|ACTIONS_RESULTS_URL/.test(message)) {
    reason = 'not running in a GitHub Actions job (ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL not set)';
  } else if (/JWT/.test(message)) {
    reason = 'ACTIONS_RUNTIME_TOKEN is not a valid runtime token (no Actions.Results scope)';
  } else if (errorName === 'FilesNotFoundError') {
    reason = 'no files to upload';
  } else if (errorName === 'RestError' && typeof statusCode === 'number') {
    reason = `blob storage answered ${statusCode}: ${oneLine(message)}`;
  } else {
    reason = oneLine(message) || 'unknown error';
  }
  return `artifact "${name}" was not uploaded: ${reason}`;
}

function fail(name: string, reason: string, skipped: SkippedFile[]): UploadReportsResult {
  return { ok: false, error: `artifact "${name}" was not uploaded: ${reason}`, skipped };
}

export function skippedNote(skipped: readonly SkippedFile[]): string {
  if (skipped.length === 0) return '';
  const shown = firstAndMore(skipped, 3, { show: (s) => `${s.file} (${s.reason})`, more: (k) => `and ${k} more` });
  return ` (skipped: ${shown.join(', ')})`;
}

class UploadTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}, gave up`);
    this.name = 'UploadTimeoutError';
  }
}

/**
 * Uploads `files` (relative to `rootDirectory`) as the zip artifact `name`. Never throws.
 * `env` is read for the preflight checks and the artifact URL; the client itself reads process.env.
 */
export async function uploadReports(opts: UploadReportsOptions, env: Env = process.env): Promise<UploadReportsResult> {
  // The client logs through process.stdout, which queues a line when the pipe is full: this run's
  // own lines go the same way from now on, or one written directly could land in the middle of a
  // queued one (util/stdout.ts).
  useStdoutStream();
  const name = typeof opts.name === 'string' ? opts.name.trim() : '';
  let skipped: SkippedFile[] = [];
  try {
    if (name === '') return fail('', 'the artifact name is empty', []);
    const badName = invalidChar(name, INVALID_NAME_CHARS);
    if (badName !== undefined) {
      return fail(name, `the name contains "${printable(badName)}", which artifact names do not allow`, []);
    }
    if (!env['ACTIONS_RUNTIME_TOKEN'] || !env['ACTIONS_RESULTS_URL']) {
      const missing = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL'].filter((k) => !env[k]).join(' and ');
      return fail(name, `${missing} not set: artifacts can only be uploaded from a GitHub Actions job`, []);
    }
    if (isGhes(env)) {
      return fail(name, `artifact upload with @actions/artifact v2+ is not supported on GitHub Enterprise Server (${env['GITHUB_SERVER_URL']})`, []);
    }
    const retentionDays = opts.retentionDays;
    if (retentionDays !== undefined && (!Number.isInteger(retentionDays) || retentionDays < 1)) {
      return fail(name, `retention days must be a whole number of at least 1, got ${String(retentionDays)}`, []);
    }
    const root = resolve(opts.rootDirectory);
    try {
      if (!(await stat(root)).isDirectory()) return fail(name, `root directory ${root} is not a directory`, []);
    } catch {
      return fail(name, `root directory ${root} does not exist`, []);
    }
    const selection = await selectFiles(opts.files, root);
    skipped = selection.skipped;
    if (selection.files.length === 0) {
      return fail(name, `no files to upload${skippedNote(selection.skipped)}`, selection.skipped);
    }

    const timeoutMs = opts.timeoutMs !== undefined && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_UPLOAD_TIMEOUT_MS;
    const upload = (async () => {
      const { DefaultArtifactClient } = await import('@actions/artifact');
      const client = new DefaultArtifactClient();
      return client.uploadArtifact(name, selection.files, root, retentionDays === undefined ? {} : { retentionDays });
    })();
    upload.catch(() => undefined); // the loser of the race below must not become an unhandled rejection
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UploadTimeoutError(timeoutMs)), timeoutMs);
      timer.unref();
    });
    try {
      const response = await Promise.race([upload, timeout]);
      if (typeof response.id !== 'number' || !Number.isFinite(response.id)) {
        return fail(name, 'the artifact service returned no artifact id', selection.skipped);
      }
      const url = artifactUrl(response.id, env);
      return {
        ok: true,
        id: response.id,
        ...(url === undefined ? {} : { url }),
        size: response.size ?? 0,
        ...(response.digest ? { digest: `sha256:${response.digest}` } : {}),
        files: selection.entries,
        skipped: selection.skipped,
      };
    } finally {
      clearTimeout(timer);
    }
  } catch (error) {
    return { ok: false, error: describeUploadError(error, name), skipped };
  }
}
