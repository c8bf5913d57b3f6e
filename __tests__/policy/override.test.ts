import { describe, expect, it } from '@jest/globals';
import { parseSettings } from '../../src/config/schema.js';
import { evaluate, type ToolInput } from '../../src/policy/evaluate.js';
import { applyOverride, decideOverride, labelOnPullRequest, overrideNotice, type OverrideInput } from '../../src/policy/override.js';

const NOW = new Date('2026-11-29T12:00:00Z');
const EVENT = { actor: 'lead-lee', at: '2026-11-29T10:30:00Z' };

function decide(over: Partial<OverrideInput>) {
  return decideOverride({ label: 'security-override', labelPresent: true, event: EVENT, overrideApprovers: [], now: NOW, ...over });
}

describe('decideOverride', () => {
  it('no label: nothing requested', () => {
    expect(decide({ labelPresent: false })).toEqual({ label: 'security-override', requested: false, honoured: false, reason: 'no `security-override` label on the pull request' });
  });

  const table: Array<[string, Partial<OverrideInput>, boolean, string]> = [
    ['listed in override-approvers', { overrideApprovers: ['@Lead-Lee'] }, true, 'honoured: @lead-lee applied `security-override` at 2026-11-29T10:30:00Z and is listed in override-approvers'],
    ['admin on the repository', { permission: { role: 'admin' } }, true, 'honoured: @lead-lee applied `security-override` at 2026-11-29T10:30:00Z and is admin on the repository'],
    ['maintain on the repository', { permission: { role: 'maintain' } }, true, 'honoured: @lead-lee applied `security-override` at 2026-11-29T10:30:00Z and is maintain on the repository'],
    [
      'member of a listed team',
      { overrideApprovers: ['acme/release-managers'], teamMembership: { 'acme/release-managers': { state: 'member' } }, permission: { role: 'write' } },
      true,
      'honoured: @lead-lee applied `security-override` at 2026-11-29T10:30:00Z and is a member of acme/release-managers (override-approvers)',
    ],
    ['write is not enough', { permission: { role: 'write' }, overrideApprovers: ['someone-else'] }, false, 'not honoured: @lead-lee applied `security-override` at 2026-11-29T10:30:00Z but has write on the repository (needs admin or maintain); is not listed in override-approvers'],
    [
      'permission cannot be read (fork) and not listed',
      { permission: { error: 'the permission of @lead-lee cannot be read (HTTP 403; on a pull request from a fork the token is read-only)' } },
      false,
      'not honoured: @lead-lee applied `security-override` at 2026-11-29T10:30:00Z but their repository permission cannot be established (the permission of @lead-lee cannot be read (HTTP 403; on a pull request from a fork the token is read-only)); override-approvers is empty',
    ],
    [
      'team membership unknown',
      { overrideApprovers: ['acme/release-managers'], teamMembership: { 'acme/release-managers': { state: 'unknown', reason: 'HTTP 403' } }, permission: { role: 'triage' } },
      false,
      'not honoured: @lead-lee applied `security-override` at 2026-11-29T10:30:00Z but has triage on the repository (needs admin or maintain); is not listed in override-approvers; membership of acme/release-managers cannot be read: HTTP 403',
    ],
    ['who applied it is unknown', { event: { error: "the pull request's events could not be read: the token may not read this (HTTP 403)" } }, false, "not honoured: who applied the `security-override` label cannot be established (the pull request's events could not be read: the token may not read this (HTTP 403))"],
    ['no event looked up', { event: undefined }, false, 'not honoured: who applied the `security-override` label cannot be established'],
  ];
  it.each(table)('%s', (_n, over, honoured, reason) => {
    const d = decide(over);
    expect(d.requested).toBe(true);
    expect(d.honoured).toBe(honoured);
    expect(d.reason).toBe(reason);
  });

  it('records the remediation deadline 24 hours after the label, and whether it is overdue', () => {
    const d = decide({ permission: { role: 'admin' } });
    expect(d).toMatchObject({ actor: 'lead-lee', at: EVENT.at, remediationDue: '2026-11-30T10:30:00.000Z', overdue: false });
    expect(decide({ permission: { role: 'admin' }, now: new Date('2026-11-30T10:30:00.001Z') }).overdue).toBe(true);
    // A label applied with an offset is still 24 h later in absolute time.
    expect(decide({ permission: { role: 'admin' }, event: { actor: 'x', at: '2026-11-29T23:00:00-05:00' } }).remediationDue).toBe('2026-12-01T04:00:00.000Z');
  });
});

describe('labelOnPullRequest', () => {
  it('reads labels from the pull_request payload, case-insensitively', () => {
    expect(labelOnPullRequest({ pull_request: { labels: [{ name: 'bug' }, { name: 'Security-Override' }] } }, 'security-override')).toBe(true);
    expect(labelOnPullRequest({ pull_request: { labels: [{ name: 'bug' }] } }, 'security-override')).toBe(false);
    expect(labelOnPullRequest({ issue: { labels: ['security-override'] } }, 'security-override')).toBe(true);
    expect(labelOnPullRequest({}, 'security-override')).toBe(false);
    expect(labelOnPullRequest(null, 'security-override')).toBe(false);
  });
});

describe('applyOverride', () => {
  function blocking() {
    const settings = parseSettings([{ phase: '2' }]);
    const i: ToolInput = {
      tool: 'pip-audit',
      status: 'ok',
      messages: [],
      files: [],
      reports: [{ tool: 'pip-audit', format: 'pip-audit-json', skipped: [], scanErrors: [], stats: {}, findings: [{ tool: 'pip-audit', ruleId: 'GHSA-aaaa-bbbb-cccc', title: 't', severity: 'critical', fingerprint: 'f', sourceFile: 'p.json' }] }],
    };
    return evaluate([i], { settings, now: NOW });
  }

  it('honoured: still evaluated and reported, should-fail false, overridden true, notice first', () => {
    const before = blocking();
    expect(before.shouldFail).toBe(true);
    const d = decide({ permission: { role: 'admin' } });
    const { result, notice } = applyOverride(before, d);
    expect(result.verdict).toBe('block');
    expect(result.totals.block).toBe(1);
    expect(result.shouldFail).toBe(false);
    expect(result.overridden).toBe(true);
    expect(result.override).toBe(d);
    expect(result.notices[0]).toBe(notice);
    expect(notice).toBe(
      'OVERRIDDEN by @lead-lee with the `security-override` label at 2026-11-29T10:30:00Z (admin on the repository). Everything below was still evaluated; should-fail is false for this run. A remediation pull request is due within 24 hours: by 2026-11-30T10:30:00.000Z (the override lapses then).',
    );
    expect(result.headline).toBe(before.headline);
    expect(before.shouldFail).toBe(true); // the input is not changed
  });

  it('not honoured: the verdict stands and the summary says why', () => {
    const d = decide({ permission: { role: 'write' } });
    const { result, notice } = applyOverride(blocking(), d);
    expect(result.shouldFail).toBe(true);
    expect(result.overridden).toBe(false);
    expect(notice).toMatch(/^Override requested with the `security-override` label, not honoured: @lead-lee .* The verdict stands\.$/);
    expect(result.notices[0]).toBe(notice);
  });

  it('not requested: the result is unchanged', () => {
    const before = blocking();
    const { result, notice } = applyOverride(before, decide({ labelPresent: false }));
    expect(notice).toBeUndefined();
    expect(result).toEqual(before);
    expect(overrideNotice(decide({ labelPresent: false }))).toBeUndefined();
  });

  it('an override past its remediation deadline lapses: not honoured, and the notice says how to renew it', () => {
    const late = decide({ permission: { role: 'admin' }, now: new Date('2026-12-05T00:00:00Z') });
    expect(late).toMatchObject({ requested: true, honoured: false, overdue: true, remediationDue: '2026-11-30T10:30:00.000Z' });
    expect(overrideNotice(late)).toMatch(/but the override lapsed at 2026-11-30T10:30:00\.000Z \(24 hours after the label\); apply the label again to override this run\. The verdict stands\.$/);
    // Within the 24 hours it holds, and says when it lapses.
    expect(overrideNotice(decide({ permission: { role: 'admin' }, now: new Date('2026-11-30T10:29:59Z') }))).toMatch(/by 2026-11-30T10:30:00\.000Z \(the override lapses then\)\.$/);
  });
});
