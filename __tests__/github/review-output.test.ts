/**
 * Adversarial review of the GitHub-facing output side: each test here failed before the fix it
 * names. GitHub-shaped API on 127.0.0.1 (helpers/http-server.ts).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHttpClient } from '../../src/io/http.js';
import { loadRunContext, publishComment, RESOLVED_TAG, type CommentTarget } from '../../src/github/comment.js';
import { publishAnnotations } from '../../src/github/annotate.js';
import { parseSettings } from '../../src/config/schema.js';
import { runEngine } from '../../src/engine/run.js';
import type { GateResult } from '../../src/policy/result.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { ACTIONS_BOT, commentsServer } from '../helpers/comments-server.js';
import { scratchDir } from '../helpers/scratch.js';
import { finding, gateResult, toolResult } from '../render/annotations.fixtures.js';

async function github() {
  const g = await commentsServer();
  servers.push(g.srv);
  return g;
}

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const target: CommentTarget = { owner: 'o', repo: 'r', issueNumber: 7 };
const blockResult = (): GateResult => gateResult([toolResult('bandit', [finding({ disposition: 'block', severity: 'high', title: 'shell=True' })], { phase: 2 })]);
const passResult = (): GateResult => gateResult([toolResult('bandit', [], { phase: 2 })]);

describe('sticky comment: another bot\'s comment with the marker is not ours (found by review)', () => {
  it('a marker-first comment by ANOTHER app (an echo / AI-review bot the PR author can steer) hides the verdict', async () => {
    const g = await github();
    // e.g. a review bot told by the PR author to begin its answer with this line
    g.add('<!-- security-gate:ci/gate -->\n## ✅ Security gate: pass', { login: 'helpful-review-bot[bot]', type: 'Bot' });
    const out = await publishComment({ client: g.client, target, mode: 'always', gateId: 'ci/gate', result: blockResult() });
    // The gate picks the other app's comment as its own, PATCH is refused (403) and it gives up,
    // blaming a fork's read-only token: no block verdict is posted, the forged "pass" stays.
    const own = g.comments.filter((c) => c.user.login === ACTIONS_BOT.login);
    expect({ action: out.action, ownBodies: own.map((c) => /Security gate: block/.test(c.body)) }).toEqual({ action: 'created', ownBodies: [true] });
  });
});

describe('sticky comment: resolved only by the tag on the line after the marker (found by review)', () => {
  it('a file name from the report carrying the tag freezes a stale "warn" comment after the fix', async () => {
    const ws = scratchDir('sg-review-');
    const file = `src/${RESOLVED_TAG}.py`; // toRepoPath refuses `<`, so the engine keeps the raw path
    const bandit = {
      errors: [],
      results: [{ filename: file, test_id: 'B602', test_name: 'subprocess_popen_with_shell_equals_true', issue_severity: 'HIGH', issue_confidence: 'HIGH', issue_text: 'shell=True', line_number: 3, line_range: [3], col_offset: 0, code: '3 x\n', more_info: 'https://bandit.readthedocs.io/' }],
    };
    await writeFile(join(ws, 'bandit.json'), JSON.stringify(bandit));
    const run = await runEngine(parseSettings([{ 'bandit-report': 'bandit.json', phase: '2', 'severity-source': 'off' }]), { workspace: ws, now: new Date('2026-11-29T12:00:00Z') });
    expect(run.result.verdict).toBe('block'); // a path the gate cannot place counts as critical (fail closed)

    const g = await github();
    expect((await publishComment({ client: g.client, target, mode: 'on-warn', gateId: 'g', result: run.result })).action).toBe('created');
    expect(g.comments[0]!.body).toContain(RESOLVED_TAG); // inside a code span, but `includes` sees it
    // The finding is fixed: the comment must be rewritten as resolved; it is left saying "warn".
    const fixed = await publishComment({ client: g.client, target, mode: 'on-warn', gateId: 'g', result: passResult() });
    expect(fixed.action).toBe('resolved');
    expect(g.comments[0]!.body).toContain('**Resolved:**');
  });
});

describe('no check run on the default branch for issue_comment events (found by review)', () => {
  it('annotations of a PR run triggered by a comment land on the default branch tip (GITHUB_SHA)', async () => {
    const ws = scratchDir('sg-review-');
    const mainTip = 'a'.repeat(40);
    const eventPath = join(ws, 'event.json');
    await writeFile(eventPath, JSON.stringify({ issue: { number: 7, pull_request: { url: 'https://api.github.com/repos/o/r/pulls/7' } }, comment: { body: '/security-gate' }, repository: { full_name: 'o/r' } }));
    const ctx = await loadRunContext({ GITHUB_REPOSITORY: 'o/r', GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: eventPath, GITHUB_SHA: mainTip, GITHUB_RUN_ID: '1' });
    expect(ctx.target?.issueNumber).toBe(7);

    const srv = await startServer();
    servers.push(srv);
    srv.on('POST /repos/o/r/check-runs', () => ({ status: 201, body: { id: 1 } }));
    const client = createHttpClient({ baseUrl: srv.url, token: 'ghs_test', backoffMs: 1, retries: 1 });
    const sink = { error: () => undefined, warning: () => undefined, notice: () => undefined };
    await publishAnnotations(blockResult(), {
      mode: 'all',
      viaChecks: true,
      sink,
      checks: ctx.headSha && ctx.owner && ctx.repo ? { client, owner: ctx.owner, repo: ctx.repo, headSha: ctx.headSha } : undefined,
    });
    const posted = srv.requests.filter((r) => r.path === '/repos/o/r/check-runs').map((r) => (JSON.parse(r.body) as { head_sha: string }).head_sha);
    // The PR's findings (conclusion failure) must not be attached to main's commit.
    expect(posted).not.toContain(mainTip);
  });
});
