/**
 * A real HTTP server on 127.0.0.1 for tests of everything API-shaped (GitHub REST, OSV). Routes are
 * plain functions; every request is logged; latency can be injected. Nothing leaves the machine.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Object -> JSON; string/Buffer sent as is. */
  body?: unknown;
  /** Delay before answering (ms). */
  delayMs?: number;
  /** Never answer (for timeouts): the socket is held until the server closes. */
  hang?: boolean;
}

export type Route = (req: LoggedRequest, attempt: number) => Reply | Promise<Reply>;

export interface TestServer {
  url: string;
  requests: LoggedRequest[];
  /** Register a route: `METHOD /path` exact, or a RegExp on `METHOD /path`. */
  on(pattern: string | RegExp, route: Route): void;
  /** Latency added to every reply (ms). */
  latencyMs: number;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const routes: Array<{ pattern: string | RegExp; route: Route; attempts: number }> = [];
  const requests: LoggedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const state = { latencyMs: 0 };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const u = new URL(req.url ?? '/', 'http://127.0.0.1');
        const logged: LoggedRequest = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        requests.push(logged);
        const key = `${logged.method} ${logged.path}`;
        const entry = routes.find((r) => (typeof r.pattern === 'string' ? r.pattern === key : r.pattern.test(key)));
        let reply: Reply;
        if (!entry) reply = { status: 404, body: { message: 'Not Found' } };
        else {
          entry.attempts++;
          try {
            reply = await entry.route(logged, entry.attempts);
          } catch (e) {
            reply = { status: 500, body: { message: String(e) } };
          }
        }
        if (reply.hang) {
          hanging.add(res);
          return;
        }
        const delay = (reply.delayMs ?? 0) + state.latencyMs;
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        const isRaw = typeof reply.body === 'string' || Buffer.isBuffer(reply.body);
        const payload = reply.body === undefined ? '' : isRaw ? (reply.body as string | Buffer) : JSON.stringify(reply.body);
        res.writeHead(reply.status ?? 200, { 'content-type': isRaw ? 'application/octet-stream' : 'application/json', ...reply.headers });
        res.end(payload);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(pattern, route) {
      routes.unshift({ pattern, route, attempts: 0 });
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(v: number) {
      state.latencyMs = v;
    },
    async close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
