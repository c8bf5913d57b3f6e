/**
 * A pull request's issue comments as GitHub keeps them, on 127.0.0.1: paged reads, and a token that
 * may only edit the comments it wrote itself (`me`: GITHUB_TOKEN's bot, a PAT's user, an app's bot).
 * `/user` answers the PAT's user, and 403 for a bot (an installation token cannot read it).
 */
import { createHttpClient, type HttpClient } from '../../src/io/http.js';
import { startServer, type TestServer } from './http-server.js';

export interface StoredComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

export const ACTIONS_BOT = { login: 'github-actions[bot]', type: 'Bot' };

export async function commentsServer(me: StoredComment['user'] = ACTIONS_BOT): Promise<{ srv: TestServer; client: HttpClient; comments: StoredComment[]; add: (body: string, user: StoredComment['user']) => void }> {
  const srv = await startServer();
  const comments: StoredComment[] = [];
  let nextId = 1;
  srv.on(/^GET \/repos\/o\/r\/issues\/7\/comments$/, (req) => {
    const per = Number(req.query.get('per_page') ?? 30);
    const page = Number(req.query.get('page') ?? 1);
    return { body: comments.slice((page - 1) * per, page * per) };
  });
  srv.on(/^POST \/repos\/o\/r\/issues\/7\/comments$/, (req) => {
    const c = { id: nextId++, body: (JSON.parse(req.body) as { body: string }).body, user: me };
    comments.push(c);
    return { status: 201, body: c };
  });
  srv.on(/^PATCH \/repos\/o\/r\/issues\/comments\/\d+$/, (req) => {
    const c = comments.find((x) => x.id === Number(req.path.split('/').pop()));
    if (!c) return { status: 404, body: { message: 'Not Found' } };
    if (c.user.login !== me.login) return { status: 403, body: { message: 'Resource not accessible by integration' } };
    c.body = (JSON.parse(req.body) as { body: string }).body;
    return { body: c };
  });
  srv.on('GET /user', () => (me.type === 'Bot' ? { status: 403, body: { message: 'Resource not accessible by integration' } } : { body: { login: me.login } }));
  const client = createHttpClient({ baseUrl: srv.url, token: me.type === 'Bot' ? 'ghs_test' : 'ghp_test', backoffMs: 1, retries: 1 });
  return { srv, client, comments, add: (body, user) => void comments.push({ id: nextId++, body, user }) };
}
