import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpClient, HttpError, retryAfterMs } from '../../src/io/http.js';
import { startServer, type TestServer } from '../helpers/http-server.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => srv.close());

const client = (extra: Partial<Parameters<typeof createHttpClient>[0]> = {}) =>
  createHttpClient({ baseUrl: srv.url, token: 't0ken', backoffMs: 5, timeoutMs: 500, ...extra });

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    return (e as HttpError).kind;
  }
}

describe('http client', () => {
  it('gets JSON with the token and query', async () => {
    srv.on('GET /ok', () => ({ body: { a: 1 } }));
    const r = await client().getJson<{ a: number }>('/ok', { q: 'x y' });
    expect(r.data.a).toBe(1);
    const req = srv.requests.at(-1)!;
    expect(req.headers.authorization).toBe('Bearer t0ken');
    expect(req.query.get('q')).toBe('x y');
  });
  it('retries a 500 then succeeds', async () => {
    srv.on('GET /flaky', (_r, n) => (n === 1 ? { status: 500 } : { body: { ok: true } }));
    const c = client();
    expect((await c.getJson<{ ok: boolean }>('/flaky')).data.ok).toBe(true);
    expect(c.requestCount).toBe(2);
  });
  it('honours retry-after on a secondary rate limit', async () => {
    srv.on('GET /limited', (_r, n) => (n === 1 ? { status: 403, headers: { 'retry-after': '0' }, body: { message: 'You have exceeded a secondary rate limit' } } : { body: [1] }));
    const c = client();
    expect((await c.getJson('/limited')).data).toEqual([1]);
    expect(c.requestCount).toBe(2);
  });
  it('gives up on a rate limit whose reset is too far away', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    srv.on('GET /exhausted', () => ({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { message: 'API rate limit exceeded' } }));
    expect(await kindOf(client().getJson('/exhausted'))).toBe('rate-limited');
  });
  it('does not retry a 404 or a plain 403', async () => {
    srv.on('GET /forbidden', () => ({ status: 403, body: { message: 'Resource not accessible by integration' } }));
    const c = client();
    expect(await kindOf(c.getJson('/missing'))).toBe('not-found');
    expect(await kindOf(c.getJson('/forbidden'))).toBe('forbidden');
    expect(c.requestCount).toBe(2);
  });
  it('times out a hanging server and reports malformed JSON', async () => {
    srv.on('GET /hang', () => ({ hang: true }));
    srv.on('GET /garbage', () => ({ body: '{"not json' }));
    expect(await kindOf(client({ retries: 0, timeoutMs: 100 }).getJson('/hang'))).toBe('timeout');
    expect(await kindOf(client().getJson('/garbage'))).toBe('malformed');
  });
  it('stops reading a chunked body without a length as soon as it passes the cap (found by a promotion review)', async () => {
    // It used to buffer the whole body first: a blob host streaming without content-length took
    // the process to 3.5 GB before the timeout.
    const { createServer } = await import('node:http');
    const stream = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 32);
      const pump = () => {
        while (res.write(chunk)) {
          /* fill the socket */
        }
      };
      res.on('drain', pump);
      pump();
      res.on('close', () => res.removeAllListeners('drain'));
    });
    await new Promise<void>((r) => stream.listen(0, '127.0.0.1', r));
    const port = (stream.address() as { port: number }).port;
    try {
      const c = createHttpClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 0, timeoutMs: 5000, maxBodyBytes: 1024 * 1024 });
      // An endless stream: only a read that stops at the cap ends with "too large" (buffering it
      // whole ran into the timeout instead).
      const err = await c.getBytes('/blob').then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).kind).toBe('malformed');
      expect((err as HttpError).message).toBe('response too large (over 1048576 bytes)');
    } finally {
      stream.closeAllConnections();
      await new Promise((r) => stream.close(r));
    }
  });
  it('stops at the overall deadline', async () => {
    expect(await kindOf(client({ deadline: Date.now() - 1 }).getJson('/ok'))).toBe('budget');
  });
  it('a beforeRetry look-up that throws sends the request again: its error is neither reported for the request nor retried (found by a review)', async () => {
    srv.on('POST /made', (_r, n) => (n === 1 ? { status: 502, body: { message: 'Bad Gateway' } } : { status: 201, body: { id: 7 } }));
    const c = client({ retries: 3 });
    let asked = 0;
    const r = await c.sendJson<{ id: number }>('POST', '/made', { a: 1 }, {
      beforeRetry: async () => {
        asked++;
        throw new HttpError('forbidden', 'HTTP 403 (forbidden)', 403);
      },
    });
    expect(r).toMatchObject({ status: 201, data: { id: 7 } });
    expect(asked).toBe(1);
    expect(srv.requests.filter((q) => q.path === '/made')).toHaveLength(2);
  });
  it('reads retry-after as seconds, as a date, and the reset header', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }), 0)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '100' }), 90_000)).toBe(10_000);
    expect(retryAfterMs(new Headers({}), 0)).toBeUndefined();
  });
});
