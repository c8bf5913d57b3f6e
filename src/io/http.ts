/**
 * One small HTTP client for every API the gate talks to (GitHub REST, OSV): JSON over fetch with a
 * timeout per request, an overall deadline, bounded retries with backoff (p-retry) on 5xx, network
 * errors and rate limits, honouring `retry-after` and `x-ratelimit-reset`. It never throws anything
 * but `HttpError`, whose `kind` says in plain words what went wrong.
 */
import pRetry, { AbortError } from 'p-retry';

export type HttpErrorKind =
  | 'not-found'
  | 'unauthorized'
  | 'forbidden'
  | 'rate-limited'
  | 'server'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'budget'
  | 'client';

export class HttpError extends Error {
  constructor(
    readonly kind: HttpErrorKind,
    message: string,
    readonly status?: number,
    /** Milliseconds the server asked us to wait before trying again, when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface HttpClientOptions {
  baseUrl: string;
  token?: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** Longest wait we accept for a rate limit's reset (default 60 s); beyond it the call fails as rate-limited. */
  maxRetryWaitMs?: number;
  /** Absolute time (ms since epoch) after which no request starts: the overall budget. */
  deadline?: number;
  /** Base delay of the exponential backoff (default 500 ms). */
  backoffMs?: number;
  userAgent?: string;
  headers?: Record<string, string>;
  /** Largest response body accepted (default 32 MiB). */
  maxBodyBytes?: number;
  fetchImpl?: typeof fetch;
  now?: () => number;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

export interface HttpClient {
  getJson<T = unknown>(path: string, query?: Record<string, string | number | undefined>): Promise<HttpResponse<T>>;
  /**
   * `beforeRetry`, for a request that is not idempotent (a POST that creates something): asked
   * before each retry whether the failed attempt took effect after all (a 502 or a timeout can
   * come after GitHub made the comment or check run); what it answers is returned instead of
   * sending again. It is asked after the retry's wait; when it throws, the request is sent again.
   */
  sendJson<T = unknown>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body: unknown, opts?: { beforeRetry?: () => Promise<HttpResponse<T> | undefined> }): Promise<HttpResponse<T>>;
  getBytes(path: string): Promise<HttpResponse<Buffer>>;
  /** Requests sent so far (every attempt counts). */
  readonly requestCount: number;
}

/** Milliseconds to wait that the response asks for (retry-after seconds or date, or the rate-limit reset). */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const ra = headers.get('retry-after');
  if (ra !== null) {
    if (/^\d+$/.test(ra.trim())) return Number(ra.trim()) * 1000;
    const t = Date.parse(ra);
    if (!Number.isNaN(t)) return Math.max(0, t - now);
  }
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  }
  return undefined;
}

function isRateLimited(status: number, headers: Headers, body: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return (
    headers.get('retry-after') !== null ||
    headers.get('x-ratelimit-remaining') === '0' ||
    /rate limit/i.test(body.slice(0, 2000))
  );
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const doFetch = opts.fetchImpl ?? fetch;
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxWait = opts.maxRetryWaitMs ?? 60_000;
  const maxBody = opts.maxBodyBytes ?? 32 * 1024 * 1024;
  let requestCount = 0;

  const url = (path: string, query?: Record<string, string | number | undefined>): string => {
    const u = /^https?:\/\//.test(path) ? new URL(path) : new URL(opts.baseUrl.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  };

  async function once(method: string, target: string, body: string | undefined): Promise<{ status: number; headers: Headers; buf: Buffer }> {
    if (opts.deadline !== undefined && now() >= opts.deadline) throw new AbortError(new HttpError('budget', 'time budget used up before the request'));
    const remaining = opts.deadline !== undefined ? opts.deadline - now() : Infinity;
    const ctl = AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, remaining)));
    requestCount++;
    let res: Response;
    try {
      res = await doFetch(target, {
        method,
        signal: ctl,
        headers: {
          accept: 'application/json',
          'user-agent': opts.userAgent ?? 'security-gate',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...opts.headers,
        },
        body,
      });
    } catch (e) {
      const err = e as Error;
      if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new HttpError('timeout', `timed out after ${Math.round(Math.min(timeoutMs, remaining))} ms`);
      throw new HttpError('network', `network error: ${err.message}`);
    }
    let buf: Buffer;
    try {
      const declared = Number(res.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > maxBody) throw new HttpError('malformed', `response too large (${declared} bytes)`);
      buf = await readCapped(res, maxBody);
    } catch (e) {
      if (e instanceof HttpError) throw new AbortError(e);
      const err = e as Error;
      if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new HttpError('timeout', `timed out reading the response after ${timeoutMs} ms`);
      throw new HttpError('network', `network error reading the response: ${err.message}`);
    }
    const status = res.status;
    if (status >= 200 && status < 300) return { status, headers: res.headers, buf };
    const text = buf.toString('utf8', 0, Math.min(buf.length, 4000));
    const wait = retryAfterMs(res.headers, now());
    if (isRateLimited(status, res.headers, text)) throw new HttpError('rate-limited', `rate limited (HTTP ${status})`, status, wait ?? 60_000);
    if (status >= 500) throw new HttpError('server', `server error (HTTP ${status})`, status, wait);
    const kind: HttpErrorKind = status === 404 ? 'not-found' : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'client';
    throw new AbortError(new HttpError(kind, `HTTP ${status}${kind === 'client' ? '' : ` (${kind.replace('-', ' ')})`}`, status));
  }

  /**
   * The body, read as it streams and abandoned once past `max` bytes: a response without a
   * content-length (chunked) is never buffered whole before its size is known.
   */
  async function readCapped(res: Response, max: number): Promise<Buffer> {
    if (!res.body) return Buffer.alloc(0);
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw new HttpError('malformed', `response too large (over ${max} bytes)`);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks, size);
  }

  async function withRetry<R>(attempt: (n: number) => Promise<R>): Promise<R> {
    try {
      return await pRetry(attempt, {
        retries: opts.retries ?? 3,
        minTimeout: opts.backoffMs ?? 500,
        factor: 2,
        randomize: true,
        onFailedAttempt: async ({ error }) => {
          const e = error as unknown as HttpError;
          if (!(e instanceof HttpError)) throw e;
          const wait = e.retryAfterMs;
          if (wait === undefined) return;
          if (wait > maxWait) throw e;
          if (opts.deadline !== undefined && now() + wait >= opts.deadline) throw new HttpError(e.kind, `${e.message}; waiting ${Math.ceil(wait / 1000)} s would pass the time budget`, e.status);
          await new Promise((r) => setTimeout(r, wait));
        },
      });
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError('network', (e as Error).message);
    }
  }

  return {
    get requestCount() {
      return requestCount;
    },
    async getJson<T>(path: string, query?: Record<string, string | number | undefined>) {
      const target = url(path, query);
      const r = await withRetry(() => once('GET', target, undefined));
      return { status: r.status, headers: r.headers, data: parseBody<T>(r.buf) };
    },
    async sendJson<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body: unknown, o: { beforeRetry?: () => Promise<HttpResponse<T> | undefined> } = {}) {
      const target = url(path);
      const text = JSON.stringify(body);
      return withRetry<HttpResponse<T>>(async (n) => {
        if (n > 1 && o.beforeRetry) {
          // A look-up that fails cannot tell: the request is sent again, as without one. Its error is
          // never this request's (a 403 reading the comments is not "may not comment"), and never
          // retried as if it were (a look-up retried inside each retry of the request).
          const done = await o.beforeRetry().catch(() => undefined);
          if (done) return done;
        }
        const r = await once(method, target, text);
        // A 2xx whose body is not JSON is not retried: the request took effect.
        try {
          return { status: r.status, headers: r.headers, data: r.buf.length === 0 ? (undefined as T) : parseBody<T>(r.buf) };
        } catch (e) {
          throw new AbortError(e as Error);
        }
      });
    },
    async getBytes(path: string) {
      const target = url(path);
      const r = await withRetry(() => once('GET', target, undefined));
      return { status: r.status, headers: r.headers, data: r.buf };
    },
  };
}

function parseBody<T>(buf: Buffer): T {
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch {
    throw new HttpError('malformed', `malformed JSON in the response (${buf.length} bytes)`);
  }
}

/** GitHub's REST base URL, as every action reads it. */
export function githubApiUrl(env: Record<string, string | undefined> = process.env): string {
  return env.GITHUB_API_URL || 'https://api.github.com';
}
