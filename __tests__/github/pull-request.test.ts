/** Pull-request facts (comments, label events, permissions, team membership) against a GitHub-shaped server on 127.0.0.1. */
import { describe, expect, it } from '@jest/globals';
import {
  approvalReasons,
  checkTeamMembership,
  fetchApprovalComments,
  findLabelEvent,
  getPermission,
  lookupMemberships,
  resolveOverride,
  resolveWaiverContext,
} from '../../src/github/pull-request.js';
import { approvalCode, createWaiverSession } from '../../src/waivers/evaluate.js';
import { pullRequestAuthor } from '../../src/policy/override.js';
import { github, paged } from '../helpers/github-api.js';
import { evaluated, waiver } from '../waivers/helpers.js';

const REPO = { owner: 'acme', repo: 'api' };
const NOW = new Date('2026-11-29T12:00:00Z');
const FORBIDDEN = { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } };
const NOT_FOUND = { status: 404, body: { message: 'Not Found' } };




const comment = (login: string, body: string, i = 0, updated = '2026-11-28T10:00:00Z') => ({ id: i, body, user: { login, type: 'User' }, created_at: '2026-11-28T10:00:00Z', updated_at: updated, html_url: `https://github.com/acme/api/pull/7#issuecomment-${i}` });

describe('fetchApprovalComments', () => {
  it('reads every page and keeps only approvers\' WAIVER APPROVED comments', async () => {
    const { srv, client } = await github();
    const noise = Array.from({ length: 120 }, (_, i) => comment('someone', `comment ${i}`, i));
    srv.on('GET /repos/acme/api/issues/7/comments', paged([
      ...noise,
      comment('Sam-Sec', 'Looked at the proxy config.\n\nWAIVER APPROVED: egress is filtered, SW-101', 200),
      comment('dana-ops', '**WAIVER APPROVED:** fine by me', 201),
      comment('mallory', 'WAIVER APPROVED: I approve everything', 202),
      comment('dana-ops', '> WAIVER APPROVED: quoted, not an approval', 203),
      comment('dana-ops', 'WAIVER APPROVED:   ', 204),
      // Edited: anyone with write access may have written it (found by a governance review).
      comment('sam-sec', 'WAIVER APPROVED: edited into an approval', 205, '2026-11-29T09:00:00Z'),
    ]));
    const r = await fetchApprovalComments(client, REPO, 7, ['@sam-sec', 'dana-ops']);
    expect(r).toEqual({
      ok: true,
      comments: [
        { login: 'Sam-Sec', reason: 'egress is filtered, SW-101', at: '2026-11-28T10:00:00Z', url: 'https://github.com/acme/api/pull/7#issuecomment-200' },
        { login: 'dana-ops', reason: 'fine by me', at: '2026-11-28T10:00:00Z', url: 'https://github.com/acme/api/pull/7#issuecomment-201' },
      ],
    });
    expect(srv.requests.map((q) => q.query.get('page'))).toEqual(['1', '2']);
    expect(srv.requests.every((q) => q.method === 'GET' && q.headers.authorization === 'Bearer ghs_readonly')).toBe(true);
  });

  it('403 (fork token) and 404 are said plainly, never thrown', async () => {
    const { srv, client } = await github();
    srv.on('GET /repos/acme/api/issues/7/comments', () => FORBIDDEN);
    expect(await fetchApprovalComments(client, REPO, 7, ['a'])).toEqual({ ok: false, reason: "the pull request's comments could not be read: the token may not read this (HTTP 403)" });
    expect(await fetchApprovalComments(client, REPO, 8, ['a'])).toEqual({ ok: false, reason: "the pull request's comments could not be read: not found (HTTP 404)" });
  });
});

describe('checkTeamMembership', () => {
  it('active = member, pending = not yet, 404 = not a member, 403 = cannot tell', async () => {
    const { srv, client } = await github();
    srv.on('GET /orgs/acme/teams/security/memberships/sam-sec', () => ({ body: { state: 'active', role: 'member' } }));
    srv.on('GET /orgs/acme/teams/security/memberships/new-nick', () => ({ body: { state: 'pending', role: 'member' } }));
    srv.on('GET /orgs/acme/teams/security/memberships/dana-ops', () => NOT_FOUND);
    srv.on('GET /orgs/acme/teams/senior/memberships/dana-ops', () => FORBIDDEN);
    expect(await checkTeamMembership(client, 'acme', 'security', 'sam-sec')).toEqual({ state: 'member' });
    expect(await checkTeamMembership(client, 'acme', 'security', 'new-nick')).toEqual({ state: 'not-member', reason: 'membership of acme/security is pending' });
    expect(await checkTeamMembership(client, 'acme', 'security', 'dana-ops')).toEqual({ state: 'not-member', reason: '@dana-ops is not a member of acme/security (or the team is not visible to the token)' });
    expect(await checkTeamMembership(client, 'acme', 'senior', 'dana-ops')).toEqual({
      state: 'unknown',
      reason: 'the token may not read acme/senior membership (HTTP 403; GITHUB_TOKEN cannot read org teams: use a token with read:org)',
    });
  });

  it('a server error after retries is "cannot tell"', async () => {
    const { srv, client } = await github();
    srv.on('GET /orgs/acme/teams/security/memberships/x', () => ({ status: 502, body: { message: 'Bad gateway' } }));
    expect(await checkTeamMembership(client, 'acme', 'security', 'x')).toEqual({ state: 'unknown', reason: 'team membership could not be read: server error (HTTP 502)' });
  });

  it('lookupMemberships asks each (team, login) once and answers without a token', async () => {
    const { srv, client } = await github();
    srv.on(/^GET \/orgs\/acme\/teams\/security\/memberships\/.+$/, (req) => (req.path.endsWith('/sam-sec') ? { body: { state: 'active' } } : NOT_FOUND));
    const look = await lookupMemberships(client, ['acme/security', '@ACME/security', 'not-a-team'], ['sam-sec', '@Sam-Sec', 'dana-ops']);
    expect(srv.requests).toHaveLength(2);
    expect(look('acme/security', 'SAM-SEC')).toEqual({ state: 'member' });
    expect(look('acme/security', 'dana-ops')?.state).toBe('not-member');
    expect(look('acme/other', 'dana-ops')).toBeUndefined();
    const none = await lookupMemberships(undefined, ['acme/security'], ['sam-sec']);
    expect(none('acme/security', 'sam-sec')).toEqual({ state: 'unknown', reason: 'no token to read team membership' });
  });
});

describe('findLabelEvent', () => {
  const ev = (event: string, label: string, login: string | null, at: string) => ({ event, label: { name: label }, actor: login ? { login } : null, created_at: at });

  it('the latest labeled event for that label, across pages', async () => {
    const { srv, client } = await github();
    const filler = Array.from({ length: 100 }, (_, i) => ({ event: 'commented', actor: { login: 'x' }, created_at: `2026-11-27T00:00:${String(i % 60).padStart(2, '0')}Z` }));
    srv.on('GET /repos/acme/api/issues/7/events', paged([
      ev('labeled', 'security-override', 'dev-dan', '2026-11-26T08:00:00Z'),
      ev('unlabeled', 'security-override', 'lead-lee', '2026-11-26T09:00:00Z'),
      ...filler,
      ev('labeled', 'Security-Override', 'lead-lee', '2026-11-29T10:30:00Z'),
      ev('labeled', 'bug', 'mallory', '2026-11-29T11:00:00Z'),
    ]));
    expect(await findLabelEvent(client, REPO, 7, 'security-override')).toEqual({ actor: 'lead-lee', at: '2026-11-29T10:30:00Z' });
    expect(srv.requests).toHaveLength(2);
  });

  it('the label removed after it was last applied is not on the pull request (a re-run reuses the old payload)', async () => {
    const { srv, client } = await github();
    srv.on('GET /repos/acme/api/issues/7/events', () => ({ body: [ev('labeled', 'security-override', 'boss', '2026-11-29T10:00:00Z'), ev('unlabeled', 'security-override', 'boss', '2026-11-29T11:00:00Z')] }));
    expect(await findLabelEvent(client, REPO, 7, 'security-override')).toEqual({ error: '`security-override` was removed from the pull request after it was applied' });
  });

  it('no event, an event without actor, 403 and 404 on a fork: all "cannot establish"', async () => {
    const { srv, client } = await github();
    srv.on('GET /repos/acme/api/issues/1/events', () => ({ body: [ev('labeled', 'bug', 'a', '2026-11-29T10:00:00Z')] }));
    srv.on('GET /repos/acme/api/issues/2/events', () => ({ body: [ev('labeled', 'security-override', null, '2026-11-29T10:00:00Z')] }));
    srv.on('GET /repos/acme/api/issues/3/events', () => FORBIDDEN);
    srv.on('GET /repos/acme/api/issues/4/events', () => NOT_FOUND);
    expect(await findLabelEvent(client, REPO, 1, 'security-override')).toEqual({ error: "no `labeled` event for `security-override` in the pull request's events" });
    expect(await findLabelEvent(client, REPO, 2, 'security-override')).toEqual({ error: 'the label event has no actor (a deleted account?)' });
    expect(await findLabelEvent(client, REPO, 3, 'security-override')).toEqual({ error: "the pull request's events could not be read: the token may not read this (HTTP 403)" });
    expect(await findLabelEvent(client, REPO, 4, 'security-override')).toEqual({ error: "the pull request's events could not be read: not found (HTTP 404)" });
  });
});

describe('getPermission', () => {
  it('role_name (maintain) over permission (write); 403 and 404 cannot be established', async () => {
    const { srv, client } = await github();
    srv.on('GET /repos/acme/api/collaborators/lead-lee/permission', () => ({ body: { permission: 'write', role_name: 'maintain', user: { login: 'lead-lee' } } }));
    srv.on('GET /repos/acme/api/collaborators/old-api/permission', () => ({ body: { permission: 'admin' } }));
    srv.on('GET /repos/acme/api/collaborators/fork-fred/permission', () => FORBIDDEN);
    expect(await getPermission(client, REPO, 'lead-lee')).toEqual({ role: 'maintain', base: 'write' });
    expect(await getPermission(client, REPO, 'old-api')).toEqual({ role: 'admin', base: 'admin' });
    expect(await getPermission(client, REPO, 'fork-fred')).toEqual({ error: 'the permission of @fork-fred cannot be read (HTTP 403; on a pull request from a fork the token is read-only)' });
    expect(await getPermission(client, REPO, 'nobody')).toEqual({ error: 'the permission of @nobody cannot be read (HTTP 404)' });
  });
});

describe('resolveOverride (end to end against the server)', () => {
  const labeled = { body: [{ event: 'labeled', label: { name: 'security-override' }, actor: { login: 'lead-lee' }, created_at: '2026-11-29T10:30:00Z' }] };
  const base = { repo: REPO, pr: 7, label: 'security-override', labelPresent: true, overrideApprovers: [] as string[], now: NOW };

  it('honoured for an admin, with who, when and the deadline', async () => {
    const { srv, client } = await github();
    srv.on('GET /repos/acme/api/issues/7/events', () => labeled);
    srv.on('GET /repos/acme/api/collaborators/lead-lee/permission', () => ({ body: { permission: 'admin', role_name: 'admin' } }));
    const d = await resolveOverride({ ...base, client });
    expect(d).toMatchObject({ requested: true, honoured: true, actor: 'lead-lee', at: '2026-11-29T10:30:00Z', permission: 'admin on the repository', remediationDue: '2026-11-30T10:30:00.000Z' });
  });

  it('a listed team member is honoured without asking for the repository permission', async () => {
    const { srv, client } = await github();
    srv.on('GET /repos/acme/api/issues/7/events', () => labeled);
    srv.on('GET /orgs/acme/teams/release/memberships/lead-lee', () => ({ body: { state: 'active' } }));
    const d = await resolveOverride({ ...base, client, overrideApprovers: ['acme/release'] });
    expect(d.honoured).toBe(true);
    expect(srv.requests.map((r) => r.path)).toEqual(['/repos/acme/api/issues/7/events', '/orgs/acme/teams/release/memberships/lead-lee']);
  });

  it('on a fork: permission 403 and team 403 -> not honoured, with why', async () => {
    const { srv, client } = await github();
    srv.on('GET /repos/acme/api/issues/7/events', () => labeled);
    srv.on('GET /orgs/acme/teams/release/memberships/lead-lee', () => FORBIDDEN);
    srv.on('GET /repos/acme/api/collaborators/lead-lee/permission', () => FORBIDDEN);
    const d = await resolveOverride({ ...base, client, overrideApprovers: ['acme/release'] });
    expect(d.honoured).toBe(false);
    expect(d.reason).toMatch(/their repository permission cannot be established \(the permission of @lead-lee cannot be read \(HTTP 403; on a pull request from a fork/);
    expect(d.reason).toMatch(/membership of acme\/release cannot be read: the token may not read acme\/release membership \(HTTP 403/);
  });

  it('events 404: not honoured; no label: no request at all; no token: said', async () => {
    const { srv, client } = await github();
    const d = await resolveOverride({ ...base, client });
    expect(d.reason).toBe("not honoured: who applied the `security-override` label cannot be established (the pull request's events could not be read: not found (HTTP 404))");
    const before = srv.requests.length;
    expect((await resolveOverride({ ...base, client, labelPresent: false })).requested).toBe(false);
    expect(srv.requests.length).toBe(before);
    expect((await resolveOverride({ ...base, client: undefined })).reason).toMatch(/cannot be established \(no token to read the pull request events\)/);
  });
});

describe('resolveWaiverContext + session (end to end against the server)', () => {
  const pipHigh = () => evaluated('pip-audit', { ruleId: 'GHSA-aaaa-bbbb-cccc', severity: 'high' });
  const approvers = { security: ['acme/security'], senior: [] };
  const target = { ...REPO, pr: 7 };

  it('verified comments + team membership through the API: the waiver applies', async () => {
    const { srv, client } = await github();
    const waivers = [waiver('pip-audit', { id: 'GHSA-aaaa-bbbb-cccc' }, { approvers: ['dana-ops', 'sam-sec'] })];
    const code = approvalCode(waivers[0]!);
    srv.on('GET /repos/acme/api/issues/7/comments', () => ({ body: [comment('dana-ops', `WAIVER APPROVED: ${code} ok`), comment('sam-sec', `**WAIVER APPROVED:** mitigated, ${code}`)] }));
    srv.on(/^GET \/orgs\/acme\/teams\/security\/memberships\//, (req) => (req.path.endsWith('/sam-sec') ? { body: { state: 'active' } } : NOT_FOUND));
    // dana-ops holds no approver role: counted for write access to the repository.
    srv.on('GET /repos/acme/api/collaborators/dana-ops/permission', () => ({ body: { permission: 'write', role_name: 'maintain' } }));
    const ctx = await resolveWaiverContext({ client, target, waivers, approvers, verify: true });
    expect(ctx.notices).toEqual([]);
    const s = createWaiverSession({ file: 'w.md', waivers, approvers, now: NOW, ...ctx });
    expect(s.waive(pipHigh())).toBeDefined();
    expect(srv.requests.map((q) => q.path).filter((x) => x.includes('/collaborators/'))).toEqual(['/repos/acme/api/collaborators/dana-ops/permission']);
    expect(s.report().verification?.note).toBe('approvals checked against `WAIVER APPROVED:` comments on pull request #7');
  });

  it('the pull request\'s author approving the waiver it adds does not count (author from the event)', async () => {
    const { srv, client } = await github();
    const waivers = [waiver('deptry', { code: 'DEP001', module: 'x' }, { approvers: ['mallory'] })];
    srv.on('GET /repos/acme/api/issues/7/comments', () => ({ body: [comment('mallory', `WAIVER APPROVED: ${approvalCode(waivers[0]!)} looks fine to me`)] }));
    const author = pullRequestAuthor({ pull_request: { number: 7, user: { login: 'mallory' } } });
    expect(author).toBe('mallory');
    const ctx = await resolveWaiverContext({ client, target, waivers, approvers, verify: true, author });
    const s = createWaiverSession({ file: 'w.md', waivers, approvers, now: NOW, ...ctx });
    expect(s.waive(evaluated('deptry', { ruleId: 'DEP001', extra: { module: 'x' } }))).toBeUndefined();
    expect(s.report().waivers[0]?.problems).toContain('@mallory opened this pull request and cannot approve its waivers');
  });

  it('an approver with no role and no write access (a second account of the author) does not count (found by review)', async () => {
    const { srv, client } = await github();
    const waivers = [waiver('gitleaks', { rule: 'generic-api-key', path: 'src/settings.py' }, { approvers: ['mallory-alt'], verifiedNotSecret: true })];
    srv.on('GET /repos/acme/api/issues/7/comments', () => ({ body: [comment('mallory-alt', `WAIVER APPROVED: ${approvalCode(waivers[0]!)} test key`)] }));
    srv.on('GET /repos/acme/api/collaborators/mallory-alt/permission', () => NOT_FOUND);
    const ctx = await resolveWaiverContext({ client, target, waivers, approvers, verify: true, author: 'mallory' });
    const s = createWaiverSession({ file: 'w.md', waivers, approvers, now: NOW, ...ctx });
    expect(s.waive(evaluated('gitleaks', { ruleId: 'generic-api-key', severity: 'high', location: { path: 'src/settings.py', line: 3 } }))).toBeUndefined();
    expect(s.report().waivers[0]?.problems).toContain('@mallory-alt holds no approver role and the permission of @mallory-alt cannot be read (HTTP 404): not counted');
    // With read access only, the same.
    srv.on('GET /repos/acme/api/collaborators/mallory-alt/permission', () => ({ body: { permission: 'read', role_name: 'triage' } }));
    const ctx2 = await resolveWaiverContext({ client, target, waivers, approvers, verify: true, author: 'mallory' });
    const s2 = createWaiverSession({ file: 'w.md', waivers, approvers, now: NOW, ...ctx2 });
    expect(s2.waive(evaluated('gitleaks', { ruleId: 'generic-api-key', severity: 'high', location: { path: 'src/settings.py', line: 3 } }))).toBeUndefined();
    expect(s2.report().waivers[0]?.problems).toContain('@mallory-alt holds no approver role and has read access to the repository, not write: not counted');
  });

  it('on a fork with 403 everywhere: said plainly, and the waiver does not apply', async () => {
    const { srv, client } = await github();
    srv.on('GET /repos/acme/api/issues/7/comments', () => FORBIDDEN);
    srv.on(/^GET \/orgs\//, () => FORBIDDEN);
    const waivers = [waiver('pip-audit', { id: 'GHSA-aaaa-bbbb-cccc' }, { approvers: ['dana-ops', 'sam-sec'] })];
    const ctx = await resolveWaiverContext({ client, target, waivers, approvers, verify: true });
    expect(ctx.notices).toEqual([
      'Waiver approvers: the token may not read acme/security membership (HTTP 403; GITHUB_TOKEN cannot read org teams: use a token with read:org); such approvers count as neither security nor senior approvers.',
    ]);
    const s = createWaiverSession({ file: 'w.md', waivers, approvers, now: NOW, ...ctx });
    expect(s.waive(pipHigh())).toBeUndefined();
    expect(s.report().waivers[0]?.problems[0]).toBe("approvals could not be verified on the pull request: the pull request's comments could not be read: the token may not read this (HTTP 403)");
  });

  it('not a pull request: approvals taken as written, said so; verify off: no comment request', async () => {
    const { srv, client } = await github();
    const waivers = [waiver('deptry', { code: 'DEP002', module: 'x' })];
    const push = await resolveWaiverContext({ client, waivers, approvers: { security: [], senior: [] }, verify: true });
    expect(push.verification).toBeUndefined();
    expect(push.notices[0]).toMatch(/^verify-waiver-approvals: this run is not about a pull request/);
    const off = await resolveWaiverContext({ client, target, waivers, approvers: { security: [], senior: [] }, verify: false });
    expect(off).toEqual({ notices: [] });
    expect(srv.requests).toHaveLength(0);
  });
});

describe('approval comments (found by a governance review)', () => {
  it('every WAIVER APPROVED line counts; none inside a code fence or an HTML comment', () => {
    expect(approvalReasons('WAIVER APPROVED: SW-101 ok\n**WAIVER APPROVED:** SW-102 fine')).toEqual(['SW-101 ok', 'SW-102 fine']);
    expect(approvalReasons('Template:\n```\nWAIVER APPROVED: <reason>\n```\n~~~md\nWAIVER APPROVED: x\n~~~')).toEqual([]);
    expect(approvalReasons('<!--\nWAIVER APPROVED: hidden\n-->\nok <!-- WAIVER APPROVED: inline -->')).toEqual([]);
    expect(approvalReasons('WAIVER APPROVED: shown <!-- and hidden')).toEqual(['shown']);
    expect(approvalReasons('> WAIVER APPROVED: quoted')).toEqual([]);
  });
});
