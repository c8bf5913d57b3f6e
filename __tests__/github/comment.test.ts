/** Sticky PR comment against a GitHub-shaped HTTP server on 127.0.0.1. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createHttpClient } from '../../src/io/http.js';
import { findStickyComment, MAX_DUPLICATES_UPDATED, publishComment, pullRequestTarget, RESOLVED_TAG, type CommentTarget } from '../../src/github/comment.js';
import { commentMarker, COMMENT_MAX_CHARS } from '../../src/render/comment.js';
import type { GateResult } from '../../src/policy/result.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { finding, gateResult, toolResult } from '../render/annotations.fixtures.js';
import { scratchDir } from '../helpers/scratch.js';

interface Stored {
  id: number;
  body: string;
  user: { login: string; type: string };
  html_url: string;
}

/** A tiny GitHub: issue comments with pagination, create, update, and GET /user. */
async function fakeGithub(opts: { me?: string; forbidWrite?: boolean; forbidRead?: boolean; writer?: { login: string; type: string }; failFirstPost?: 'after-making-it' | 'before-making-it'; duringFailedPost?: (add: (body: string, user?: { login: string; type: string }) => void) => void } = {}) {
  const srv = await startServer();
  const comments: Stored[] = [];
  let nextId = 1000;
  let posts = 0;
  srv.on(/^GET \/repos\/o\/r\/issues\/7\/comments$/, (req) => {
    if (opts.forbidRead) return { status: 403, body: { message: 'Resource not accessible by integration' } };
    const per = Number(req.query.get('per_page') ?? 30);
    const page = Number(req.query.get('page') ?? 1);
    return { body: comments.slice((page - 1) * per, page * per) };
  });
  srv.on(/^POST \/repos\/o\/r\/issues\/7\/comments$/, (req) => {
    if (opts.forbidWrite) return { status: 403, body: { message: 'Resource not accessible by integration' } };
    const failing = posts++ === 0 && opts.failFirstPost !== undefined;
    if (failing && opts.failFirstPost === 'before-making-it') {
      opts.duringFailedPost?.((body, user) => add(body, user));
      return { status: 502, body: { message: 'Server Error' } };
    }
    const c: Stored = { id: nextId++, body: (JSON.parse(req.body) as { body: string }).body, user: opts.writer ?? { login: 'github-actions[bot]', type: 'Bot' }, html_url: '' };
    c.html_url = `https://github.com/o/r/pull/7#issuecomment-${c.id}`;
    comments.push(c);
    // GitHub made the comment, then its front end answered 502 (or the answer timed out).
    if (failing) return { status: 502, body: { message: 'Server Error' } };
    return { status: 201, body: c };
  });
  srv.on(/^PATCH \/repos\/o\/r\/issues\/comments\/\d+$/, (req) => {
    if (opts.forbidWrite) return { status: 403, body: { message: 'Resource not accessible by integration' } };
    const id = Number(req.path.split('/').pop());
    const c = comments.find((x) => x.id === id);
    if (!c) return { status: 404, body: { message: 'Not Found' } };
    c.body = (JSON.parse(req.body) as { body: string }).body;
    return { body: c };
  });
  srv.on('GET /user', () => (opts.me ? { body: { login: opts.me } } : { status: 403, body: { message: 'Resource not accessible by integration' } }));
  const client = createHttpClient({ baseUrl: srv.url, token: 'ghs_test', backoffMs: 1, retries: 1 });
  const add = (body: string, user = { login: 'someone', type: 'User' }) => {
    const c: Stored = { id: nextId++, body, user, html_url: '' };
    comments.push(c);
    return c;
  };
  const writes = () => srv.requests.filter((r) => r.method !== 'GET');
  return { srv, comments, client, add, writes };
}

const target: CommentTarget = { owner: 'o', repo: 'r', issueNumber: 7 };
const blockResult = (): GateResult => gateResult([toolResult('bandit', [finding({ disposition: 'block', severity: 'high', title: 'shell=True' })], { phase: 2 })]);
const warnResult = (): GateResult => gateResult([toolResult('bandit', [finding({ disposition: 'warn', severity: 'medium', title: 'md5' })])]);
const passResult = (): GateResult => gateResult([toolResult('bandit', [])]);

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function gh(opts?: Parameters<typeof fakeGithub>[0]) {
  const g = await fakeGithub(opts);
  servers.push(g.srv);
  return g;
}

describe('publishComment', () => {
  it('creates one comment, then updates it in place (never a duplicate)', async () => {
    const g = await gh();
    g.add('LGTM'); // unrelated
    const first = await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: warnResult() });
    expect(first.action).toBe('created');
    expect(g.comments).toHaveLength(2);
    const ours = g.comments[1]!;
    expect(ours.body.split('\n')[0]).toBe(commentMarker('ci/gate'));
    expect(ours.body).toContain('Security gate: warn');

    const blocked = blockResult();
    const second = await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: blocked });
    expect(second).toMatchObject({ action: 'updated', id: ours.id });
    expect(g.comments).toHaveLength(2);
    expect(ours.body).toContain('Security gate: block');

    const third = await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: blocked });
    expect(third).toMatchObject({ action: 'unchanged', id: ours.id });
    expect(g.writes().map((r) => r.method)).toEqual(['POST', 'PATCH']);
  });

  it('a POST answered 502 after GitHub made the comment is not sent again: one comment, reported as created', async () => {
    const g = await gh({ failFirstPost: 'after-making-it' });
    g.add('LGTM'); // unrelated
    const out = await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: warnResult() });
    expect(out).toMatchObject({ action: 'created', id: g.comments[1]!.id });
    expect(g.comments).toHaveLength(2);
    expect(g.writes().filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a POST answered 502 before anything was made is sent again, once', async () => {
    const g = await gh({ failFirstPost: 'before-making-it' });
    const out = await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: warnResult() });
    expect(out.action).toBe('created');
    expect(g.comments).toHaveLength(1);
    expect(g.comments[0]!.body.split('\n')[0]).toBe(commentMarker('ci/gate'));
    expect(g.writes().filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('after a failed POST, comments that cannot be read again (403) do not pass for "may not comment": the POST is sent again (found by a review)', async () => {
    const o: NonNullable<Parameters<typeof fakeGithub>[0]> = {
      failFirstPost: 'before-making-it',
      duringFailedPost: () => {
        o.forbidRead = true;
      },
    };
    const g = await gh(o);
    const out = await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: warnResult() });
    expect(out).toMatchObject({ action: 'created', id: g.comments[0]!.id });
    expect(g.comments).toHaveLength(1);
    expect(g.writes().filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('after a failed POST, a marked comment with another body (another run of the gate) does not pass for the one it made', async () => {
    const other = `${commentMarker('ci/gate')}\nanother run's verdict`;
    const g = await gh({ failFirstPost: 'before-making-it', duringFailedPost: (add) => add(other, { login: 'github-actions[bot]', type: 'Bot' }) });
    const out = await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: warnResult() });
    expect(out).toMatchObject({ action: 'created', id: g.comments[1]!.id });
    expect(g.comments.map((c) => c.body === other)).toEqual([true, false]);
    expect(g.comments[1]!.body).toContain('Security gate: warn');
  });

  it('a second comment of ours (a duplicate) is brought up to date with the first, never left showing an older verdict', async () => {
    const g = await gh();
    const bot = { login: 'github-actions[bot]', type: 'Bot' };
    const first = g.add(`${commentMarker('ci/gate')}\nSecurity gate: pass (old)`, bot);
    const second = g.add(`${commentMarker('ci/gate')}\nSecurity gate: pass (old, duplicate)`, bot);
    const blocked = blockResult();
    const out = await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: blocked });
    expect(out).toMatchObject({ action: 'updated', id: first.id });
    expect(first.body).toContain('Security gate: block');
    expect(second.body).toBe(first.body);
    // Once both are current, nothing is written.
    const writes = g.writes().length;
    expect((await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: blocked })).action).toBe('unchanged');
    expect(g.writes()).toHaveLength(writes);
  });

  // Found by a third re-review: any workflow of the repository can post marked comments as
  // github-actions[bot]; each run wrote every one of them (up to 3,000) at each change of verdict.
  it('many duplicates: a few brought up to date per run, not one write each', async () => {
    const g = await gh();
    const bot = { login: 'github-actions[bot]', type: 'Bot' };
    const first = g.add(`${commentMarker('ci/gate')}\nSecurity gate: pass (old)`, bot);
    for (let i = 0; i < 40; i++) g.add(`${commentMarker('ci/gate')}\nSecurity gate: pass (copy ${i})`, bot);
    const out = await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: blockResult() });
    expect(out).toMatchObject({ action: 'updated', id: first.id });
    expect(g.writes()).toHaveLength(1 + MAX_DUPLICATES_UPDATED);
    expect(g.comments.filter((c) => c.body === first.body)).toHaveLength(1 + MAX_DUPLICATES_UPDATED);
  });

  it('two gates in one PR keep two comments', async () => {
    const g = await gh();
    await publishComment({ client: g.client, target, mode: 'always', gateId: 'api', result: warnResult() });
    await publishComment({ client: g.client, target, mode: 'always', gateId: 'web', result: blockResult() });
    await publishComment({ client: g.client, target, mode: 'always', gateId: 'api', result: blockResult() });
    expect(g.comments).toHaveLength(2);
    expect(g.comments.map((c) => c.body.split('\n')[0])).toEqual([commentMarker('api'), commentMarker('web')]);
  });

  it('finds its comment on a later page', async () => {
    const g = await gh();
    for (let i = 0; i < 120; i++) g.add(`comment ${i}`);
    const ours = g.add(`${commentMarker('g')}\nold`, { login: 'github-actions[bot]', type: 'Bot' });
    for (let i = 0; i < 40; i++) g.add(`comment b${i}`);
    const out = await publishComment({ client: g.client, target, mode: 'always', gateId: 'g', result: warnResult() });
    expect(out).toMatchObject({ action: 'updated', id: ours.id });
    expect(g.srv.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/comments')).map((r) => r.query.get('page'))).toEqual(['1', '2']);
  });

  it('never edits a person’s comment that carries the marker', async () => {
    const g = await gh();
    const pasted = g.add(`${commentMarker('g')}\nI pasted this`, { login: 'mallory', type: 'User' });
    const out = await publishComment({ client: g.client, target, mode: 'always', gateId: 'g', result: warnResult() });
    expect(out.action).toBe('created');
    expect(pasted.body).toBe(`${commentMarker('g')}\nI pasted this`);
    expect(g.srv.requests.some((r) => r.path === '/user')).toBe(true); // looked up once, 403 for an installation token
  });

  it('with a personal token, its own user’s comment is ours', async () => {
    const g = await gh({ me: 'release-bot-user', writer: { login: 'release-bot-user', type: 'User' } });
    const mine = g.add(`${commentMarker('g')}\nold`, { login: 'release-bot-user', type: 'User' });
    const found = await findStickyComment(g.client, target, commentMarker('g'));
    expect(found?.id).toBe(mine.id);
  });

  it('a 403 (fork, read-only token) is a warning, never a failure', async () => {
    const g = await gh({ forbidWrite: true });
    const out = await publishComment({ client: g.client, target, mode: 'always', gateId: 'g', result: blockResult() });
    expect(out.action).toBe('forbidden');
    expect(out).toHaveProperty('warning', expect.stringMatching(/HTTP 403.*fork.*pull-requests: write/s));
    const g2 = await gh({ forbidRead: true });
    const out2 = await publishComment({ client: g2.client, target, mode: 'always', gateId: 'g', result: blockResult() });
    expect(out2.action).toBe('forbidden');
  });

  it('other failures are warnings too', async () => {
    const g = await gh();
    g.srv.on(/^POST /, () => ({ status: 422, body: { message: 'Validation Failed' } }));
    const out = await publishComment({ client: g.client, target, mode: 'always', gateId: 'g', result: blockResult() });
    expect(out).toMatchObject({ action: 'failed' });
  });

  it('on-block: posts on block, rewrites it as resolved once fixed, and does not churn', async () => {
    const g = await gh();
    expect((await publishComment({ client: g.client, target, mode: 'on-block', gateId: 'g', result: warnResult() })).action).toBe('none');
    expect(g.writes()).toHaveLength(0);
    expect((await publishComment({ client: g.client, target, mode: 'on-block', gateId: 'g', result: blockResult() })).action).toBe('created');
    const res = await publishComment({ client: g.client, target, mode: 'on-block', gateId: 'g', result: passResult() });
    expect(res.action).toBe('resolved');
    expect(g.comments).toHaveLength(1);
    expect(g.comments[0]!.body).toContain(RESOLVED_TAG);
    expect(g.comments[0]!.body).toContain('**Resolved:**');
    expect((await publishComment({ client: g.client, target, mode: 'on-block', gateId: 'g', result: passResult() })).action).toBe('unchanged');
    expect(g.writes().map((r) => r.method)).toEqual(['POST', 'PATCH']);
    // blocked again: the same comment comes back to life
    expect((await publishComment({ client: g.client, target, mode: 'on-block', gateId: 'g', result: blockResult() })).action).toBe('updated');
    expect(g.comments[0]!.body).not.toContain(RESOLVED_TAG);
  });

  it('off makes no request; no pull request makes no request', async () => {
    const g = await gh();
    expect((await publishComment({ client: g.client, target, mode: 'off', gateId: 'g', result: blockResult() })).action).toBe('none');
    expect((await publishComment({ client: g.client, target: undefined, mode: 'always', gateId: 'g', result: blockResult() })).action).toBe('none');
    expect(g.srv.requests).toHaveLength(0);
  });

  it('a huge result still posts at most 65,536 characters', async () => {
    const g = await gh();
    const many = [];
    for (let i = 0; i < 2000; i++) many.push(finding({ disposition: 'block', severity: 'high', title: `${i} ${'y'.repeat(400)}` }));
    const out = await publishComment({ client: g.client, target, mode: 'always', gateId: 'g', result: gateResult([toolResult('bandit', many, { phase: 2 })]) });
    expect(out.action).toBe('created');
    expect(g.comments[0]!.body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
  });
});

describe('pullRequestTarget', () => {
  it('reads pull_request and issue_comment events', () => {
    expect(pullRequestTarget({ pull_request: { number: 7 } }, 'o/r')).toEqual(target);
    expect(pullRequestTarget({ issue: { number: 7, pull_request: {} } }, 'o/r')).toEqual(target);
    expect(pullRequestTarget({ issue: { number: 7 } }, 'o/r')).toBeUndefined();
    expect(pullRequestTarget({ pull_request: { number: 7 }, repository: { full_name: 'o/r' } }, undefined)).toEqual(target);
    expect(pullRequestTarget({ ref: 'refs/heads/main' }, 'o/r')).toBeUndefined();
    expect(pullRequestTarget({ pull_request: { number: 7 } }, '../x/y')).toBeUndefined();
    expect(pullRequestTarget(null, 'o/r')).toBeUndefined();
  });
});

describe('loadRunContext', () => {
  it('reads the repository, the PR, its head commit and the run link', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { loadRunContext } = await import('../../src/github/comment.js');
    const dir = scratchDir('sg-event-');
    const path = join(dir, 'event.json');
    const head = 'a'.repeat(40);
    writeFileSync(path, JSON.stringify({ pull_request: { number: 7, head: { sha: head } } }));
    const ctx = await loadRunContext({ GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_PATH: path, GITHUB_SHA: 'b'.repeat(40), GITHUB_RUN_ID: '42', GITHUB_SERVER_URL: 'https://github.com' });
    expect(ctx).toEqual({ owner: 'o', repo: 'r', target, headSha: head, runUrl: 'https://github.com/o/r/actions/runs/42' });
    const push = await loadRunContext({ GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_PATH: join(dir, 'missing.json'), GITHUB_SHA: 'b'.repeat(40) });
    expect(push).toEqual({ owner: 'o', repo: 'r', headSha: 'b'.repeat(40) });
    expect(await loadRunContext({})).toEqual({});
  });

  it("reads the run's workflow file from GITHUB_WORKFLOW_REF, only when it is this repository's", async () => {
    const { loadRunContext } = await import('../../src/github/comment.js');
    const ref = (r: string) => loadRunContext({ GITHUB_REPOSITORY: 'Acme/API', GITHUB_WORKFLOW_REF: r });
    expect((await ref('acme/api/.github/workflows/ci.yml@refs/pull/7/merge')).workflowFile).toBe('.github/workflows/ci.yml');
    const step = await loadRunContext({ GITHUB_JOB: 'api-lane', GITHUB_ACTION: '__acme_security-gate_2', GITHUB_ACTION_REPOSITORY: 'acme/security-gate' });
    expect(step).toEqual({ job: 'api-lane', action: '__acme_security-gate_2', actionRepository: 'acme/security-gate' });
    expect(await loadRunContext({ GITHUB_JOB: 'a b', GITHUB_ACTION: 'x\ny', GITHUB_ACTION_REPOSITORY: '../x' })).toEqual({});
    expect((await ref('other/lib/.github/workflows/ci.yml@refs/heads/main')).workflowFile).toBeUndefined();
    expect((await ref('acme/api/.github/workflows/sub/ci.yml@refs/heads/main')).workflowFile).toBeUndefined();
    expect((await ref('acme/api/.github/workflows/ci.yml')).workflowFile).toBeUndefined();
  });

  it('the workflow file whole when its name holds `@`, and none when the event runs the base branch\'s workflow', async () => {
    const { loadRunContext } = await import('../../src/github/comment.js');
    const ctx = (r: string, event?: string) => loadRunContext({ GITHUB_REPOSITORY: 'acme/api', GITHUB_WORKFLOW_REF: r, ...(event ? { GITHUB_EVENT_NAME: event } : {}) });
    expect((await ctx('acme/api/.github/workflows/ci@v2.yml@refs/heads/fix@x')).workflowFile).toBe('.github/workflows/ci@v2.yml');
    expect((await ctx('acme/api/.github/workflows/ci.yml@refs/heads/user@host/fix', 'push')).workflowFile).toBe('.github/workflows/ci.yml');
    expect((await ctx('acme/api/.github/workflows/ci.yml@refs/pull/7/merge', 'pull_request')).workflowFile).toBe('.github/workflows/ci.yml');
    // pull_request_target, workflow_run and issue_comment run the workflow of the base or default
    // branch: the change's edit of that file does not apply to this run.
    for (const event of ['pull_request_target', 'workflow_run', 'issue_comment']) {
      expect((await ctx('acme/api/.github/workflows/ci.yml@refs/heads/main', event)).workflowFile).toBeUndefined();
    }
  });
});
