/**
 * A local stand-in for GitHub's artifact backend, so the REAL `@actions/artifact` client runs end to end offline:
 *
 * - Azurite (npm `azurite`, blob service only, in memory, on 127.0.0.1, a free port) holds the uploaded zips;
 * - a Twirp JSON stub (node:http, 127.0.0.1) implements `github.actions.results.api.v1.ArtifactService`
 *   CreateArtifact / FinalizeArtifact / ListArtifacts / GetSignedArtifactURL (int64 as strings) and hands out
 *   SAS-signed Azurite blob URLs, records every call and every artifact, and injects faults on demand.
 *
 * `env` holds what the client reads: ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN (an unsigned JWT whose `scp` holds
 * `Actions.Results:<run>:<job>`), GITHUB_SERVER_URL (github.com: anything else is treated as GHES), and the repo/run.
 * Azurite runs in a child process that exits by itself when this process goes away or after `maxLifetimeMs`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';

const require = createRequire(import.meta.url);

/** Azurite's well-known development account (public, documented; accepted only by the emulator). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const CONTAINER = 'actions-results';
const SERVICE = 'github.actions.results.api.v1.ArtifactService';

export interface ArtifactServiceOptions {
  runBackendId?: string;
  jobBackendId?: string;
  repository?: string;
  runId?: string;
  /** Azurite must say it listens within this time (default 30 s). */
  startTimeoutMs?: number;
  /** Azurite exits by itself after this long even if nobody closes it (default 10 min). */
  maxLifetimeMs?: number;
}

export interface RecordedArtifact {
  id: number;
  name: string;
  runBackendId: string;
  jobBackendId: string;
  blobName: string;
  createdAt: string;
  /** RFC 3339 timestamp the client sent (from retentionDays), if any. */
  expiresAt?: string;
  mimeType?: string;
  version?: number;
  finalized: boolean;
  /** Size and hash the client reported in FinalizeArtifact. */
  size?: number;
  hash?: string;
}

export interface TwirpCall {
  method: string;
  status: number;
  body: unknown;
  authorization: string | undefined;
}

export type FaultKind =
  /** Answer HTTP 500 (Twirp `internal`): the client retries it (5 attempts, 3 s base, x1.5). */
  | 'http-500'
  /** Destroy the socket: the client gives up at once with a NetworkError (ECONNRESET). */
  | 'reset'
  /** Hold the answer for `delayMs` before answering normally. */
  | 'slow'
  /** CreateArtifact answers normally but with an upload URL whose signature Azurite refuses (403). */
  | 'bad-upload-url'
  /** Answer 403 with the backend's "insufficient usage" message (storage quota hit). */
  | 'quota';

export type TwirpMethod = 'CreateArtifact' | 'FinalizeArtifact' | 'ListArtifacts' | 'GetSignedArtifactURL';

export interface FaultOptions {
  method?: TwirpMethod;
  /** How many matching calls get the fault (default 1; Infinity for all). */
  times?: number;
  delayMs?: number;
}

export interface ArtifactService {
  /** Environment the client needs (merge into process.env, or pass to runAction). */
  env: Record<string, string>;
  resultsUrl: string;
  blobEndpoint: string;
  token: string;
  artifacts(): RecordedArtifact[];
  calls(method?: TwirpMethod): TwirpCall[];
  /** The zip exactly as stored in Azurite, for the finalized artifact with this name. */
  downloadZip(name: string): Promise<Buffer>;
  failNext(kind: FaultKind, options?: FaultOptions): void;
  close(): Promise<void>;
}

/** base64url JSON, no signature: the client only decodes it (jwt-decode), it never verifies it. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

interface Fault {
  kind: FaultKind;
  method: TwirpMethod;
  remaining: number;
  delayMs: number;
}

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ok = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

async function startAzurite(workDir: string, startTimeoutMs: number, maxLifetimeMs: number): Promise<{ child: ChildProcess; endpoint: string }> {
  const main = require.resolve('azurite/dist/src/blob/main.js');
  // A tiny launcher: exit when the parent goes away (IPC disconnect) or after maxLifetimeMs, whatever happens.
  const launcher = [
    "process.on('disconnect', () => process.exit(0));",
    `setTimeout(() => process.exit(0), ${Math.floor(maxLifetimeMs)}).unref();`,
    'require(process.argv[1]);',
  ].join(' ');
  const args = [
    '-e',
    launcher,
    '--',
    main,
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    '0',
    '--inMemoryPersistence',
    '--extentMemoryLimit',
    '256',
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
    '--disableTelemetry',
    '--disableProductStyleUrl',
  ];
  const env: Record<string, string> = { NO_PROXY: '*' };
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  const child = spawn(process.execPath, args, { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  const endpoint = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Azurite did not start within ${startTimeoutMs} ms:\n${output}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /successfully listens on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited (${code ?? signal}) before listening:\n${output}`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  // keep draining its output so it never blocks on a full pipe
  child.stdout?.resume();
  child.stderr?.resume();
  return { child, endpoint };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  if (child.connected) child.disconnect();
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new TwirpError(413, 'malformed', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startArtifactService(options: ArtifactServiceOptions = {}): Promise<ArtifactService> {
  const runBackendId = options.runBackendId ?? randomUUID();
  const jobBackendId = options.jobBackendId ?? randomUUID();
  const token = unsignedJwt({
    scp: `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}`,
    iat: Math.floor(Date.now() / 1000),
  });
  const workDir = await mkdtemp(join(tmpdir(), 'sg-azurite-'));
  let azurite: { child: ChildProcess; endpoint: string };
  try {
    azurite = await startAzurite(workDir, options.startTimeoutMs ?? 30_000, options.maxLifetimeMs ?? 10 * 60_000);
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  const blobEndpoint = `${azurite.endpoint}/${ACCOUNT}`;
  const credential = new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY);
  const wrongCredential = new StorageSharedKeyCredential(ACCOUNT, Buffer.from('not the account key').toString('base64'));
  const service = new BlobServiceClient(blobEndpoint, credential, { retryOptions: { maxTries: 1 } });
  const container = service.getContainerClient(CONTAINER);

  const artifacts: RecordedArtifact[] = [];
  const calls: TwirpCall[] = [];
  const faults: Fault[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let nextId = 1;
  let server: Server | undefined;

  const signedUrl = (blobName: string, permissions: string, signWith = credential): string => {
    const sas = generateBlobSASQueryParameters(
      {
        containerName: CONTAINER,
        blobName,
        permissions: BlobSASPermissions.parse(permissions),
        startsOn: new Date(Date.now() - 60_000),
        expiresOn: new Date(Date.now() + 60 * 60_000),
      },
      signWith,
    );
    return `${container.getBlockBlobClient(blobName).url}?${sas.toString()}`;
  };

  const checkIds = (body: Record<string, unknown>): void => {
    if (body['workflow_run_backend_id'] !== runBackendId || body['workflow_job_run_backend_id'] !== jobBackendId) {
      throw new TwirpError(400, 'invalid_argument', 'workflow run/job backend ids do not match the runtime token');
    }
  };

  const toMonolith = (a: RecordedArtifact): Record<string, unknown> => ({
    workflow_run_backend_id: a.runBackendId,
    workflow_job_run_backend_id: a.jobBackendId,
    database_id: String(a.id),
    name: a.name,
    size: String(a.size ?? 0),
    created_at: a.createdAt,
    ...(a.hash ? { digest: a.hash } : {}),
  });

  const handlers: Record<TwirpMethod, (body: Record<string, unknown>, fault?: Fault) => Record<string, unknown>> = {
    CreateArtifact(body, fault) {
      checkIds(body);
      const name = str(body['name']);
      if (!name) throw new TwirpError(400, 'invalid_argument', 'name is required');
      if (artifacts.some((a) => a.name === name && a.runBackendId === runBackendId)) {
        throw new TwirpError(409, 'already_exists', 'an artifact with this name already exists on the workflow run');
      }
      const id = nextId++;
      const blobName = `${runBackendId}/${id}/${encodeURIComponent(name)}.zip`;
      const record: RecordedArtifact = {
        id,
        name,
        runBackendId,
        jobBackendId,
        blobName,
        createdAt: new Date().toISOString(),
        finalized: false,
      };
      const expiresAt = str(body['expires_at']);
      if (expiresAt !== undefined) record.expiresAt = expiresAt;
      const mimeType = str(body['mime_type']);
      if (mimeType !== undefined) record.mimeType = mimeType;
      if (typeof body['version'] === 'number') record.version = body['version'];
      artifacts.push(record);
      const signWith = fault?.kind === 'bad-upload-url' ? wrongCredential : credential;
      return { ok: true, signed_upload_url: signedUrl(blobName, 'cw', signWith) };
    },
    FinalizeArtifact(body) {
      checkIds(body);
      const record = artifacts.find((a) => a.name === body['name'] && a.runBackendId === runBackendId);
      if (!record) throw new TwirpError(404, 'not_found', 'artifact not found');
      record.finalized = true;
      record.size = Number(body['size'] ?? 0);
      const hash = str(body['hash']);
      if (hash !== undefined) record.hash = hash;
      return { ok: true, artifact_id: String(record.id) };
    },
    ListArtifacts(body) {
      const nameFilter = str(body['name_filter']);
      const idFilter = body['id_filter'] === undefined ? undefined : Number(body['id_filter']);
      const list = artifacts.filter(
        (a) =>
          a.finalized &&
          a.runBackendId === str(body['workflow_run_backend_id']) &&
          (nameFilter === undefined || a.name === nameFilter) &&
          (idFilter === undefined || a.id === idFilter),
      );
      return { artifacts: list.map(toMonolith) };
    },
    GetSignedArtifactURL(body) {
      const record = artifacts.find((a) => a.finalized && a.name === body['name'] && a.runBackendId === str(body['workflow_run_backend_id']));
      if (!record) throw new TwirpError(404, 'not_found', 'artifact not found');
      return { signed_url: signedUrl(record.blobName, 'r') };
    },
  };

  const send = (res: ServerResponse, status: number, payload: unknown): void => {
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const delay = (ms: number): Promise<void> =>
    new Promise((resolvePromise) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolvePromise();
      }, ms);
      timers.add(timer);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const prefix = `/twirp/${SERVICE}/`;
    const path = (req.url ?? '').split('?')[0] ?? '';
    const method = path.startsWith(prefix) ? path.slice(prefix.length) : '';
    const call: TwirpCall = { method, status: 0, body: undefined, authorization: req.headers.authorization };
    calls.push(call);
    try {
      if (req.method !== 'POST' || !Object.hasOwn(handlers, method)) throw new TwirpError(404, 'bad_route', `no handler for ${req.method} ${path}`);
      const raw = await readBody(req);
      try {
        call.body = JSON.parse(raw) as unknown;
      } catch {
        throw new TwirpError(400, 'malformed', 'body is not JSON');
      }
      if (req.headers.authorization !== `Bearer ${token}`) throw new TwirpError(401, 'unauthenticated', 'bad or missing bearer token');
      const index = faults.findIndex((f) => f.method === method && f.remaining > 0);
      const fault = index >= 0 ? faults[index] : undefined;
      if (fault) {
        fault.remaining -= 1;
        if (fault.remaining <= 0) faults.splice(index, 1);
        if (fault.kind === 'reset') {
          call.status = -1;
          req.socket.destroy();
          return;
        }
        if (fault.kind === 'http-500') throw new TwirpError(500, 'internal', 'injected failure');
        if (fault.kind === 'quota') throw new TwirpError(403, 'permission_denied', 'insufficient usage to create artifact');
        if (fault.kind === 'slow') await delay(fault.delayMs);
      }
      const result = handlers[method as TwirpMethod](ok(call.body), fault);
      call.status = 200;
      send(res, 200, result);
    } catch (error) {
      const twirp = error instanceof TwirpError ? error : new TwirpError(500, 'internal', String(error));
      call.status = twirp.status;
      if (!res.headersSent && !res.destroyed) send(res, twirp.status, { code: twirp.code, msg: twirp.message });
    }
  };

  try {
    await container.createIfNotExists();
    server = createServer((req, res) => void handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolvePromise, reject) => {
      server?.once('error', reject);
      server?.listen(0, '127.0.0.1', () => resolvePromise());
    });
  } catch (error) {
    server?.close();
    await stopChild(azurite.child);
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const resultsUrl = `http://127.0.0.1:${port}/`;

  let closing: Promise<void> | undefined;
  const runningServer = server;
  return {
    env: {
      ACTIONS_RESULTS_URL: resultsUrl,
      ACTIONS_RUNTIME_TOKEN: token,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: options.repository ?? 'octo-org/octo-repo',
      GITHUB_RUN_ID: options.runId ?? '4242',
      GITHUB_RUN_ATTEMPT: '1',
    },
    resultsUrl,
    blobEndpoint,
    token,
    artifacts: () => artifacts.map((a) => ({ ...a })),
    calls: (method) => calls.filter((c) => method === undefined || c.method === method),
    async downloadZip(name) {
      const record = [...artifacts].reverse().find((a) => a.name === name && a.finalized);
      if (!record) throw new Error(`no finalized artifact named ${name}; have: ${artifacts.map((a) => a.name).join(', ') || 'none'}`);
      return container.getBlockBlobClient(record.blobName).downloadToBuffer();
    },
    failNext(kind, faultOptions = {}) {
      faults.push({
        kind,
        method: faultOptions.method ?? 'CreateArtifact',
        remaining: faultOptions.times ?? 1,
        delayMs: faultOptions.delayMs ?? 5000,
      });
    },
    close() {
      closing ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        await new Promise<void>((resolvePromise) => {
          runningServer.close(() => resolvePromise());
          runningServer.closeAllConnections();
        });
        await stopChild(azurite.child);
        await rm(workDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

/** Minimal typing of the part of unzip-stream (a dependency of @actions/artifact) used here. */
interface UnzipEntry extends Readable {
  path: string;
  type: 'File' | 'Directory';
  autodrain(): void;
}
interface UnzipStreamModule {
  Parse(): NodeJS.ReadWriteStream;
}

/** Entries of a zip (file path -> content; directories end with '/'), read with unzip-stream. */
export async function readZip(zip: Buffer): Promise<Map<string, Buffer>> {
  const unzip = require('unzip-stream') as UnzipStreamModule;
  const entries = new Map<string, Buffer>();
  const pending: Promise<void>[] = [];
  const parser = unzip.Parse();
  parser.on('entry', (entry: UnzipEntry) => {
    if (entry.type === 'Directory') {
      entries.set(entry.path.endsWith('/') ? entry.path : `${entry.path}/`, Buffer.alloc(0));
      entry.autodrain();
      return;
    }
    const chunks: Buffer[] = [];
    pending.push(
      pipeline(
        entry,
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            chunks.push(chunk);
            callback();
          },
        }),
      ).then(() => {
        entries.set(entry.path, Buffer.concat(chunks));
      }),
    );
  });
  await pipeline(Readable.from([zip]), parser);
  await Promise.all(pending);
  return entries;
}
