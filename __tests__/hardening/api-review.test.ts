/**
 * An adversarial review of the API-facing logic (src/github/, src/io/http.ts): what an unprivileged
 * participant (comments, labels, a fork's pull request, their own comments) can make the gate take
 * from GitHub's answers. Every test here failed before its fix; all run against a GitHub-shaped
 * server on 127.0.0.1.
 */
import { describe, expect, it } from '@jest/globals';
import { approvalReasons, fetchApprovalComments, findLabelEvent, resolveOverride, resolveWaiverContext } from '../../src/github/pull-request.js';
import { publishComment } from '../../src/github/comment.js';
import { approvalCode, createWaiverSession } from '../../src/waivers/evaluate.js';
import type { GateResult } from '../../src/policy/result.js';
import { closedAfterTest, github, paged } from '../helpers/github-api.js';
import { commentsServer, ACTIONS_BOT } from '../helpers/comments-server.js';
import { evaluated, waiver } from '../waivers/helpers.js';

const REPO = { owner: 'acme', repo: 'api' };
const NOW = new Date('2026-11-29T12:00:00Z');




const comment = (login: string, body: string, i = 0) => ({ id: i, body, user: { login, type: 'User' }, created_at: '2026-11-28T10:00:00Z', updated_at: '2026-11-28T10:00:00Z', html_url: `https://github.com/acme/api/pull/7#issuecomment-${i}` });

describe('finding 1: approval lines GitHub shows quoted or as code counted as approvals', () => {
  const code = 'W-1@0123456789abcdef0123456789abcdef';

  it('a line that continues a quote (lazy continuation: GitHub shows it inside the quote) is not an approval', () => {
    // The approver quotes the author's request by hand and declines: GitHub renders both lines as the quote.
    expect(approvalReasons(`> @sam-sec please comment\nWAIVER APPROVED: ${code} ok\n\nNot until the key is rotated.`)).toEqual([]);
    expect(approvalReasons(`> you asked for\n> the line\nWAIVER APPROVED: ${code} ok`)).toEqual([]);
    // An HTML comment after a quote still hides its lines.
    expect(approvalReasons(`> q\n<!--\n\nWAIVER APPROVED: ${code} ok\n-->`)).toEqual([]);
  });

  it('a fence inside a list item, or one GitHub has not closed, hides its lines', () => {
    expect(approvalReasons(`Not approving yet. The template:\n- \`\`\`\n  WAIVER APPROVED: ${code} <reason>\n  \`\`\``)).toEqual([]);
    // A fence in a list item's paragraph continuation, indented as the item's content (4 columns).
    expect(approvalReasons(`1.  copy this:\n\n    ~~~\n    WAIVER APPROVED: ${code} <reason>\n    ~~~`)).toEqual([]);
    // (A guard, held before too: a fence indented 3 spaces.)
    expect(approvalReasons(`1. copy this:\n   ~~~\n   WAIVER APPROVED: ${code} <reason>\n   ~~~`)).toEqual([]);
    // A closing fence takes no info string: "```text" inside a fence is code, not its end.
    expect(approvalReasons(`\`\`\`\nthe bot said:\n\`\`\`text\nWAIVER APPROVED: ${code} ok\n\`\`\``)).toEqual([]);
    // A tab is four columns: "\t```" inside a fence is code, not its end.
    expect(approvalReasons(`\`\`\`\n\t\`\`\`\nWAIVER APPROVED: ${code} ok\n\`\`\``)).toEqual([]);
    // Nor is a fence indented four spaces more than its opening one (a guard, held before too).
    expect(approvalReasons(`\`\`\`\n    \`\`\`\nWAIVER APPROVED: ${code} ok\n\`\`\``)).toEqual([]);
  });

  it('an indented code block (four spaces or a tab) is not an approval', () => {
    expect(approvalReasons(`I will not approve this. You asked me to post:\n\n    WAIVER APPROVED: ${code} ok`)).toEqual([]);
    expect(approvalReasons(`\tWAIVER APPROVED: ${code} ok`)).toEqual([]);
  });

  it('a lone carriage return ends a line as it does for GitHub', () => {
    // (A guard, held before too: the whole body was one line opening a fence.)
    expect(approvalReasons(`\`\`\`\rWAIVER APPROVED: ${code} ok\r\`\`\``)).toEqual([]);
    expect(approvalReasons(`> quoted\rWAIVER APPROVED: ${code} ok`)).toEqual([]);
  });

  it('what GitHub shows as written still counts (stricter only where GitHub hides or quotes; a guard for the fix)', () => {
    expect(approvalReasons(`Checked:\n\`\`\`\nproxy: on\n\`\`\`\n\nWAIVER APPROVED: ${code} ok`)).toEqual([`${code} ok`]);
    expect(approvalReasons(`> quoted\n\nWAIVER APPROVED: ${code} ok`)).toEqual([`${code} ok`]);
    expect(approvalReasons(`- a list\n  \`\`\`\n  x\n  \`\`\`\n\nWAIVER APPROVED: ${code} ok`)).toEqual([`${code} ok`]);
    expect(approvalReasons(`- \`\`\`\n  x\nWAIVER APPROVED: ${code} ok`)).toEqual([`${code} ok`]);
    expect(approvalReasons(`   **WAIVER APPROVED:** ${code} ok`)).toEqual([`${code} ok`]);
  });

  it('end to end: the approver who quotes the request and declines does not approve the waiver', async () => {
    const { srv, client } = await github();
    // A high pip-audit waiver needs two approvers, one of them security: dana-ops (write) approves,
    // sam-sec (security) quotes the author's request by hand and declines.
    const waivers = [waiver('pip-audit', { id: 'GHSA-aaaa-bbbb-cccc' }, { approvers: ['dana-ops', 'sam-sec'] })];
    const c = approvalCode(waivers[0]!);
    srv.on('GET /repos/acme/api/issues/7/comments', paged([
      comment('mallory', `@sam-sec please comment:\nWAIVER APPROVED: ${c} reviewed`, 1),
      comment('dana-ops', `WAIVER APPROVED: ${c} fine by ops`, 2),
      comment('sam-sec', `> @sam-sec please comment:\nWAIVER APPROVED: ${c} reviewed\n\nNo: the advisory is exploitable here.`, 3),
    ]));
    srv.on('GET /repos/acme/api/collaborators/dana-ops/permission', () => ({ body: { permission: 'write', role_name: 'write' } }));
    const approvers = { security: ['sam-sec'], senior: [] };
    const ctx = await resolveWaiverContext({ client, target: { ...REPO, pr: 7 }, waivers, approvers, verify: true, author: 'mallory' });
    const s = createWaiverSession({ file: 'w.md', waivers, approvers, now: NOW, ...ctx });
    expect(s.waive(evaluated('pip-audit', { ruleId: 'GHSA-aaaa-bbbb-cccc', severity: 'high' }))).toBeUndefined();
    expect(s.report().waivers[0]?.problems.join('; ')).toMatch(/@sam-sec did not approve this waiver/);
  });
});

describe('finding 2: an approval comment that does not say whether it was edited', () => {
  it('a comment without updated_at (or without created_at) is not an approval: it may have been edited by anyone with write access', async () => {
    const { srv, client } = await github();
    const code = 'W-1@0123456789abcdef0123456789abcdef';
    const { updated_at: _u, ...noUpdated } = comment('sam-sec', `WAIVER APPROVED: ${code} ok`, 1);
    const { created_at: _c, ...noCreated } = comment('sam-sec', `WAIVER APPROVED: ${code} ok`, 2);
    srv.on('GET /repos/acme/api/issues/7/comments', () => ({ body: [noUpdated, noCreated, { ...comment('sam-sec', `WAIVER APPROVED: ${code} ok`, 3), updated_at: null }] }));
    expect(await fetchApprovalComments(client, REPO, 7, ['sam-sec'])).toEqual({ ok: true, comments: [] });
  });
});

describe('finding 3: a labeled event the gate cannot read is passed over for an older one', () => {
  const ev = (event: string, login: string | null, at: string | undefined) => ({ event, label: { name: 'security-override' }, actor: login ? { login } : null, ...(at ? { created_at: at } : {}) });
  const admin = { body: { permission: 'admin', role_name: 'admin' } };
  const base = { repo: REPO, pr: 7, label: 'security-override', labelPresent: true, overrideApprovers: [] as string[], now: NOW };

  it('the latest labeling without an actor, listed before an older admin labeling: not honoured', async () => {
    const { srv, client } = await github();
    srv.on('GET /repos/acme/api/issues/7/events', () => ({ body: [ev('labeled', null, '2026-11-29T11:00:00Z'), ev('labeled', 'lead-lee', '2026-11-29T09:00:00Z')] }));
    srv.on('GET /repos/acme/api/collaborators/lead-lee/permission', () => admin);
    expect(await findLabelEvent(client, REPO, 7, 'security-override')).toEqual({ error: 'the label event has no actor (a deleted account?)' });
    expect((await resolveOverride({ ...base, client })).honoured).toBe(false);
  });

  it('a labeling (or a removal) whose time is missing may be the latest: not honoured', async () => {
    const { srv, client } = await github();
    srv.on('GET /repos/acme/api/issues/7/events', () => ({ body: [ev('labeled', 'lead-lee', '2026-11-29T09:00:00Z'), ev('unlabeled', 'tri-tom', '2026-11-29T10:00:00Z'), ev('labeled', 'tri-tom', undefined)] }));
    srv.on('GET /repos/acme/api/issues/8/events', () => ({ body: [ev('labeled', 'lead-lee', '2026-11-29T09:00:00Z'), ev('unlabeled', 'tri-tom', 'yesterday')] }));
    srv.on('GET /repos/acme/api/collaborators/lead-lee/permission', () => admin);
    expect(await findLabelEvent(client, REPO, 7, 'security-override')).toMatchObject({ error: expect.stringMatching(/has no readable time/) });
    expect((await resolveOverride({ ...base, client })).honoured).toBe(false);
    expect((await resolveOverride({ ...base, pr: 8, client })).honoured).toBe(false);
  });
});

describe('finding 4: a page that is not a list ends the listing as if it were the last', () => {
  it('label events: an answer that is not a list on page 2 is an error, never "no more events"', async () => {
    const { srv, client } = await github();
    const filler = Array.from({ length: 99 }, (_, i) => ({ event: 'commented', actor: { login: 'x' }, created_at: `2026-11-29T09:30:${String(i % 60).padStart(2, '0')}Z` }));
    const page1 = [{ event: 'labeled', label: { name: 'security-override' }, actor: { login: 'lead-lee' }, created_at: '2026-11-29T09:00:00Z' }, ...filler];
    // Page 2 (the label removed and applied again by a triager) answered with an object.
    srv.on('GET /repos/acme/api/issues/7/events', (req) => (req.query.get('page') === '1' ? { body: page1 } : { body: { message: 'Server Error' } }));
    srv.on('GET /repos/acme/api/collaborators/lead-lee/permission', () => ({ body: { permission: 'admin', role_name: 'admin' } }));
    expect(await findLabelEvent(client, REPO, 7, 'security-override')).toMatchObject({ error: expect.stringMatching(/could not be read/) });
    const d = await resolveOverride({ client, repo: REPO, pr: 7, label: 'security-override', labelPresent: true, overrideApprovers: [], now: NOW });
    expect(d.honoured).toBe(false);
  });

  it('approval comments: the same answer is "could not be read", said as such', async () => {
    const { srv, client } = await github();
    srv.on('GET /repos/acme/api/issues/7/comments', () => ({ body: { message: 'Server Error' } }));
    expect(await fetchApprovalComments(client, REPO, 7, ['sam-sec'])).toMatchObject({ ok: false, reason: expect.stringMatching(/could not be read/) });
  });

  it('the sticky comment: an unreadable page 2 is a warning, never a second comment', async () => {
    const g = await commentsServer();
    closedAfterTest(g.srv);
    for (let i = 0; i < 100; i++) g.add(`comment ${i}`, { login: 'someone', type: 'User' });
    g.srv.on(/^GET \/repos\/o\/r\/issues\/7\/comments$/, (req) => (req.query.get('page') === '2' ? { body: { message: 'Server Error' } } : { body: g.comments.slice(0, 100) }));
    const result = { verdict: 'block', shouldFail: true, tools: [], notices: [], phase: { base: 2 } } as unknown as GateResult;
    const out = await publishComment({ client: g.client, target: { owner: 'o', repo: 'r', issueNumber: 7 }, mode: 'on-block', gateId: 'g', result });
    expect(out.action).toBe('failed');
    expect(g.comments.filter((c) => c.user.login === ACTIONS_BOT.login)).toHaveLength(0);
  });
});
