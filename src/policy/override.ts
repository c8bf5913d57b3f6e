/**
 * The break-glass override label, pure: whether a `security-override` label on the pull request is
 * honoured, and what that does to the result.
 *
 * Honoured only when who applied the label is on record (the latest `labeled` event for that label)
 * AND that person holds the permission: listed in `override-approvers` (a login, or a member of a
 * listed `org/team`), or admin/maintain on the repository, AND the remediation deadline has not
 * passed (the override lapses then; applying the label again renews it). Anything that cannot be
 * established is not honoured, and the decision says why. The gate still evaluates and reports everything; an
 * honoured override only turns `shouldFail` off and records who, when, and the remediation deadline
 * (24 hours after the label was applied).
 */
import { LOGIN_RE } from '../waivers/types.js';
import type { GateResult } from './result.js';
import { pushAll } from '../util/lists.js';

export const REMEDIATION_HOURS = 24;

/** Repository roles that may override on their own. */
export const OVERRIDE_ROLES = ['admin', 'maintain'] as const;

export type Membership = 'member' | 'not-member' | 'unknown';

export interface OverrideInput {
  /** The label's name (`override-label`). */
  label: string;
  /** Whether the pull request carries the label now. */
  labelPresent: boolean;
  /** Who applied it and when (issue events API); `error` when that could not be read. */
  event?: { actor: string; at: string } | { error: string };
  /** The actor's role on the repository (`admin`, `maintain`, `write`, `triage`, `read`, `none`), or why it is unknown. */
  permission?: { role: string } | { error: string };
  /** `override-approvers`: logins or `org/team`. */
  overrideApprovers: string[];
  /** Team membership of the actor, per listed team (looked up beforehand). */
  teamMembership?: Record<string, { state: Membership; reason?: string }>;
  now: Date;
}

export interface OverrideDecision {
  label: string;
  requested: boolean;
  honoured: boolean;
  actor?: string;
  /** When the label was applied (ISO). */
  at?: string;
  /** How the actor holds the permission (`override-approvers`, `admin on the repository`, `member of org/team`). */
  permission?: string;
  /** Why it is (not) honoured, in plain words. */
  reason: string;
  /** `at` + 24 h (ISO): the remediation pull request is due by then. */
  remediationDue?: string;
  /** True when `now` is past the remediation deadline. */
  overdue?: boolean;
}

const TEAM = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** The pull request (or issue) object of an event payload, or undefined. */
function pullRequestOf(event: unknown): Record<string, unknown> | undefined {
  if (!event || typeof event !== 'object') return undefined;
  const e = event as Record<string, unknown>;
  const pr = e.pull_request ?? e.issue;
  return pr && typeof pr === 'object' ? (pr as Record<string, unknown>) : undefined;
}

/** The login of the pull request's author in the event payload, or undefined. */
export function pullRequestAuthor(event: unknown): string | undefined {
  const user = pullRequestOf(event)?.user as Record<string, unknown> | undefined;
  const login = user && typeof user === 'object' ? user.login : undefined;
  return typeof login === 'string' && LOGIN_RE.test(login) ? login : undefined;
}

/** Whether a pull-request event payload carries the label (case-insensitive, as GitHub treats names). */
export function labelOnPullRequest(event: unknown, label: string): boolean {
  const labels = pullRequestOf(event)?.labels;
  if (!Array.isArray(labels)) return false;
  const want = label.trim().toLowerCase();
  return labels.some((l) => {
    const name = l && typeof l === 'object' ? (l as Record<string, unknown>).name : l;
    return typeof name === 'string' && name.trim().toLowerCase() === want;
  });
}

export function decideOverride(input: OverrideInput): OverrideDecision {
  const base = { label: input.label };
  if (!input.labelPresent) return { ...base, requested: false, honoured: false, reason: `no \`${input.label}\` label on the pull request` };
  const ev = input.event;
  if (!ev || 'error' in ev) {
    return {
      ...base,
      requested: true,
      honoured: false,
      reason: `not honoured: who applied the \`${input.label}\` label cannot be established${ev ? ` (${ev.error})` : ''}`,
    };
  }
  const d: OverrideDecision = { ...base, requested: true, honoured: false, actor: ev.actor, at: ev.at, reason: '' };
  const at = Date.parse(ev.at);
  if (!Number.isNaN(at)) {
    const due = new Date(at + REMEDIATION_HOURS * 3_600_000);
    d.remediationDue = due.toISOString();
    d.overdue = input.now.getTime() > due.getTime();
  }

  const login = ev.actor.toLowerCase();
  const listed = input.overrideApprovers.map((a) => a.trim().replace(/^@/, '')).filter((a) => a !== '');
  const users = listed.filter((a) => !TEAM.test(a)).map((a) => a.toLowerCase());
  const teams = listed.filter((a) => TEAM.test(a));
  const unknownNotes: string[] = [];
  if (users.includes(login)) d.permission = 'listed in override-approvers';
  else {
    for (const t of teams) {
      const m = input.teamMembership?.[t.toLowerCase()] ?? input.teamMembership?.[t];
      if (m?.state === 'member') {
        d.permission = `member of ${t} (override-approvers)`;
        break;
      }
      if (!m) unknownNotes.push(`membership of ${t} was not looked up`);
      else if (m.state === 'unknown') unknownNotes.push(`membership of ${t} cannot be read: ${m.reason ?? 'unknown'}`);
    }
  }
  const perm = input.permission;
  if (!d.permission && perm && 'role' in perm && (OVERRIDE_ROLES as readonly string[]).includes(perm.role)) {
    d.permission = `${perm.role} on the repository`;
  }
  if (d.permission) {
    const who = `@${ev.actor} applied \`${input.label}\` at ${ev.at} and is ${d.permission.startsWith('listed') ? d.permission : `${d.permission.startsWith('member') ? 'a ' : ''}${d.permission}`}`;
    // A break-glass label is for the hotfix at hand: past its remediation deadline it lapses, or a
    // label left on an open pull request would wave every later push through. Applying it again
    // overrides again, with a new entry on record.
    if (d.overdue) {
      d.reason = `not honoured: ${who}, but the override lapsed at ${d.remediationDue} (${REMEDIATION_HOURS} hours after the label); apply the label again to override this run`;
      return d;
    }
    d.honoured = true;
    d.reason = `honoured: ${who}`;
    return d;
  }
  const why: string[] = [];
  if (perm && 'role' in perm) why.push(`has ${perm.role} on the repository (needs admin or maintain)`);
  else why.push(`their repository permission cannot be established${perm ? ` (${perm.error})` : ''}`);
  why.push(listed.length > 0 ? 'is not listed in override-approvers' : 'override-approvers is empty');
  pushAll(why, unknownNotes);
  d.reason = `not honoured: @${ev.actor} applied \`${input.label}\` at ${ev.at} but ${why.join('; ')}`;
  return d;
}

/** The notice shown at the top of the summary (plain words; renderers escape). */
export function overrideNotice(d: OverrideDecision): string | undefined {
  if (!d.requested) return undefined;
  if (!d.honoured) return `Override requested with the \`${d.label}\` label, ${d.reason}. The verdict stands.`;
  const due = d.remediationDue ? ` A remediation pull request is due within ${REMEDIATION_HOURS} hours: by ${d.remediationDue} (the override lapses then).` : '';
  return `OVERRIDDEN by @${d.actor} with the \`${d.label}\` label at ${d.at} (${d.permission}). Everything below was still evaluated; should-fail is false for this run.${due}`;
}

/**
 * Applies a decision to a result (returns a new result; the input is not changed): when honoured,
 * `shouldFail` becomes false and `overridden` true; either way a requested override is recorded in
 * `override` and its notice goes first in `notices`. The verdict and the headline are not changed
 * (the renderers' `headlineFor` adds "overridden" from `overridden`).
 */
export function applyOverride(result: GateResult, d: OverrideDecision): { result: GateResult & { override?: OverrideDecision }; notice?: string } {
  const notice = overrideNotice(d);
  if (!d.requested) return { result: { ...result } };
  const next: GateResult & { override?: OverrideDecision } = { ...result, notices: [notice as string, ...result.notices], override: d };
  if (d.honoured) {
    next.shouldFail = false;
    next.overridden = true;
  } else next.overridden = false;
  return { result: next, notice };
}
