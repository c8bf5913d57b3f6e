/**
 * A GitHub-API-shaped server on 127.0.0.1 and a client for it, for the tests of src/github/.
 * Servers made here are closed after each test of the file that imports this (the `afterEach`
 * below registers with that file).
 */
import { afterEach } from '@jest/globals';
import { createHttpClient } from '../../src/io/http.js';
import { startServer, type TestServer } from './http-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server, closed after the test, and a client of it with a read-only token and quick retries. */
export async function github() {
  const srv = await startServer();
  servers.push(srv);
  const client = createHttpClient({ baseUrl: srv.url, token: 'ghs_readonly', retries: 1, backoffMs: 1 });
  return { srv, client };
}

/** `srv`, closed after the test. */
export function closedAfterTest(srv: TestServer): TestServer {
  servers.push(srv);
  return srv;
}

/** A paginated list route as GitHub serves it (per_page / page). */
export function paged<T>(items: T[]) {
  return (req: { query: URLSearchParams }) => {
    const per = Number(req.query.get('per_page') ?? 30);
    const page = Number(req.query.get('page') ?? 1);
    return { body: items.slice((page - 1) * per, page * per) };
  };
}
