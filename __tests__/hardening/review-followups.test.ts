/**
 * Follow-ups of a review of the sticky-comment candidates and the promotion's commit check: a PAT
 * user's own comment found next to another bot's, the commit check's permission named when it is
 * missing, the branch read unambiguously (its tip, not a name a tag can share), and the check run of
 * a workflow_run event on the triggering commit. Each failed before its fix; the last is a sanity
 * check of an app token's own comments.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHttpClient } from '../../src/io/http.js';
import { loadRunContext, publishComment, type CommentTarget } from '../../src/github/comment.js';
import { collectHistory } from '../../src/promotion/history.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { commentsServer } from '../helpers/comments-server.js';
import { scratchDir } from '../helpers/scratch.js';
import { finding, gateResult, toolResult } from '../render/annotations.fixtures.js';
import { REPO, serveGitHub, WORKFLOW } from '../promotion/helpers/fake-github.js';
import { history } from '../promotion/helpers/scenario.js';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
const target: CommentTarget = { owner: 'o', repo: 'r', issueNumber: 7 };
const warn = () => gateResult([toolResult('bandit', [finding({ disposition: 'warn', severity: 'medium', title: 'md5' })])]);
const block = () => gateResult([toolResult('bandit', [finding({ disposition: 'block', severity: 'high', title: 'shell=True' })], { phase: 2 })]);

/** The token is a PAT of `alice`. */
async function patGithub() {
  const g = await commentsServer({ login: 'alice', type: 'User' });
  servers.push(g.srv);
  return g;
}

describe('PAT token + another bot echoing the marker', () => {
  it('updates the PAT user\'s own comment instead of posting a new one every run', async () => {
    const g = await patGithub();
    g.add('<!-- security-gate:ci/gate -->\n## Security gate: pass', { login: 'echo-bot[bot]', type: 'Bot' });
    expect((await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: warn() })).action).toBe('created');
    const second = await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: block() });
    expect(second.action).toBe('updated');
    expect(g.comments.filter((c) => c.user.login === 'alice')).toHaveLength(1);
  });
});

describe('promotion commit check', () => {
  async function collect(srv: TestServer) {
    return collectHistory({
      http: createHttpClient({ baseUrl: srv.url, token: 't', backoffMs: 1, retries: 0 }),
      repository: REPO, workflow: WORKFLOW, branch: 'main', events: ['push'], artifactName: 'security-gate-reports',
      resultFile: 'security-gate-result.json', window: 2, stableRuns: 2, maxRuns: 5,
    });
  }
  it('a token with actions: read but no contents: read gets a hint naming contents: read', async () => {
    const srv = await startServer();
    servers.push(srv);
    serveGitHub(srv, history([{}, {}, {}]));
    srv.on(/^GET \/repos\/acme\/api\/compare\//, () => ({ status: 403, body: { message: 'Resource not accessible by integration' } }));
    await expect(collect(srv)).rejects.toThrow(/contents: read/);
  });
  it('compares against the branch unambiguously (a tag named like the branch is the threat being checked)', async () => {
    const srv = await startServer();
    servers.push(srv);
    serveGitHub(srv, history([{}, {}, {}]));
    await collect(srv).catch(() => undefined);
    const cmp = srv.requests.filter((r) => r.path.includes('/compare/')).map((r) => r.path.split('/compare/')[1]!.split('...')[0]);
    expect(cmp.length).toBeGreaterThan(0);
    for (const base of cmp) expect(base).toBe('e'.repeat(40)); // main's tip, read from git/ref/heads/main
  });
});

describe('check run commit for workflow_run events', () => {
  it('a workflow_run triggered by a pull request does not put its check run on the default branch tip', async () => {
    const ws = scratchDir('sg-review-');
    const eventPath = join(ws, 'event.json');
    await writeFile(eventPath, JSON.stringify({ workflow_run: { event: 'pull_request', head_sha: 'd'.repeat(40), pull_requests: [{ number: 7 }] }, repository: { full_name: 'o/r' } }));
    const ctx = await loadRunContext({ GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: eventPath, GITHUB_SHA: 'a'.repeat(40) });
    expect(ctx.headSha).toBe('d'.repeat(40));
  });
});

describe('an app token', () => {
  it('my-app[bot] finds and edits its own comment; resolve with only a foreign bot candidate does nothing', async () => {
    const g = await commentsServer({ login: 'my-app[bot]', type: 'Bot' });
    servers.push(g.srv);
    g.add('<!-- security-gate:g -->\nforged', { login: 'other[bot]', type: 'Bot' });
    const { client, comments } = g;
    const pass = () => gateResult([toolResult('bandit', [])]);
    expect((await publishComment({ client, target, mode: 'on-warn', gateId: 'g', result: pass() })).action).toBe('none');
    expect((await publishComment({ client, target, mode: 'always', gateId: 'g', result: warn() })).action).toBe('created');
    expect((await publishComment({ client, target, mode: 'always', gateId: 'g', result: block() })).action).toBe('updated');
    expect((await publishComment({ client, target, mode: 'on-warn', gateId: 'g', result: pass() })).action).toBe('resolved');
    expect((await publishComment({ client, target, mode: 'on-warn', gateId: 'g', result: pass() })).action).toBe('resolved'); // never 'unchanged': a PATCH every run
    expect(comments).toHaveLength(2);
  });
});
