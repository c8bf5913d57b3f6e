/**
 * Pull-request facts the waivers and the override label need, read through the project's one HTTP
 * client (read-only calls: they work with a fork's read-only token where GitHub allows):
 *
 * - approval comments: `GET /repos/{o}/{r}/issues/{n}/comments` (paginated), `WAIVER APPROVED: <reason>`
 *   comments by the listed approvers (the reason names the approval codes: waivers/evaluate.ts);
 * - team membership: `GET /orgs/{org}/teams/{team}/memberships/{user}`: 200 `state: active` = member,
 *   404 = not a member (GitHub also answers 404 when the token cannot see the team), 403/401 = cannot
 *   tell (GITHUB_TOKEN has no `read:org`), said plainly;
 * - the label event: `GET /repos/{o}/{r}/issues/{n}/events` (paginated), the latest `labeled` event
 *   for the label: actor and time;
 * - a user's role: `GET /repos/{o}/{r}/collaborators/{user}/permission` (`role_name`, else `permission`);
 *   403/404 (a fork's token, not a collaborator) = cannot be established.
 *
 * Nothing here throws: every function returns a value that says what could not be read and why.
 */
import { HttpError, type HttpClient } from '../io/http.js';
import { decideOverride, type OverrideDecision } from '../policy/override.js';
import { holdsApproverRole, type ApprovalComment, type ApprovalVerification, type ApproverConfig, type MembershipAnswer, type MembershipLookup } from '../waivers/evaluate.js';
import { LOGIN_RE, TEAM_RE, type Waiver } from '../waivers/types.js';
import { shownText } from '../util/hidden-html.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

/**
 * `WAIVER APPROVED: <reason>` at the start of a line, indented 3 spaces at most (4, or a tab, is an
 * indented code block: shown as code, not as written); case-insensitive, bold allowed, a quoted
 * line `> …` is not an approval; the reason is the rest of that line. Applied to one line at a
 * time, without the `m` flag: with it, `^` matched after U+2028 and U+2029, which GitHub does not
 * break lines at, so an approval in the middle of a line (inside a code span too) counted.
 */
export const APPROVAL_RE = /^ {0,3}(?:\*\*)?WAIVER APPROVED(?:\*\*)?[ \t]*:(?:\*\*)?[ \t]*(\S.*)$/i;

/**
 * HTML elements GitHub shows as a quote or code, struck out, folded away or not at all: a line
 * inside one is not the approver's own plain words (a review: `<blockquote>`, `<pre>` and
 * `<details>` lines counted). A tag in a code span counts too unless the span is sure (withoutCodeSpans).
 */
const NOT_PLAIN_ELEMENT = /<(\/?)(blockquote|q|pre|code|kbd|samp|tt|details|del|s|strike|script|style|textarea|noscript|template|svg|math|iframe|xmp|plaintext|noembed|noframes)(?=[\s/>]|$)/gi;
/**
 * Counted per element: a closing tag closes only its own element (a review: `<details>` then a stray
 * `</s>` took the details for closed, and the approval GitHub folds away in it counted).
 */
function countElements(text: string, open: Map<string, number>): void {
  for (const m of text.matchAll(NOT_PLAIN_ELEMENT)) {
    const name = (m[2] as string).toLowerCase();
    const n = open.get(name) ?? 0;
    if (!m[1]) open.set(name, n + 1);
    else if (n > 1) open.set(name, n - 1);
    else open.delete(name);
  }
}

/**
 * A line whose every `<` is inside a code span (`` `<pre>` ``), with those spans cut out; undefined
 * where that is not sure (a `<` outside one, a backslash, a table's `|`, a backtick without its
 * closer on the line). A review: `` no `<script>` gets in `` took the tag for an element, and every
 * later approval was refused. Linear: every closer is looked for once, from the opener on.
 */
function withoutCodeSpans(line: string): string | undefined {
  if (line.includes('\\') || line.includes('|')) return undefined;
  let out = '';
  let i = 0;
  for (;;) {
    const bt = line.indexOf('`', i);
    const lt = line.indexOf('<', i);
    if (bt < 0) return lt < 0 ? out + line.slice(i) : undefined;
    if (lt >= 0 && lt < bt) return undefined;
    let e = bt;
    while (line[e] === '`') e++;
    const n = e - bt;
    let close = -1;
    for (let j = e; j < line.length; ) {
      const k = line.indexOf('`', j);
      if (k < 0) break;
      let m = k;
      while (line[m] === '`') m++;
      if (m - k === n) {
        close = k;
        break;
      }
      j = m;
    }
    if (close < 0) return undefined;
    out += `${line.slice(i, bt)} `;
    i = close + n;
  }
}

/** Columns a line's start takes (a tab to the next multiple of 4). */
function columns(prefix: string): number {
  let cols = 0;
  for (const ch of prefix) cols += ch === '\t' ? 4 - (cols % 4) : 1;
  return cols;
}

/** Columns of a line's leading white space (as CommonMark counts them) and the rest. */
function indentOf(line: string): { cols: number; rest: string } {
  const rest = line.replace(/^[ \t]+/, '');
  return { cols: columns(line.slice(0, line.length - rest.length)), rest };
}

/** List markers before a fence (`- ```, `1. ~~~`, nested `- * ````): the fence is then in a list item. */
const LIST_PREFIX = /^(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)+/;
const FENCE_OPEN = /^(`{3,}|~{3,})/;
const FENCE_CLOSE = /^(`{3,}|~{3,})[ \t]*$/;

interface OpenFence {
  char: string;
  length: number;
  /** Indent (columns) a closing fence may have: GitHub closes at these, or else the fence goes on. */
  closeMin: number;
  closeMax: number;
  /** In a list item whose content starts at `closeMin`: a line indented less ends the item and the fence. */
  listItem: boolean;
}

/**
 * The reasons of every `WAIVER APPROVED:` line of a comment, in order. Lines GitHub does not show as
 * the approver's own words are not approvals: inside a code fence (one in a list item too, and one
 * that only a fence GitHub would not take as its end seems to close), an indented code block, an
 * HTML comment, or a quote (a `>` line, and the lines that continue its paragraph without `>`:
 * GitHub shows them inside the quote). Where the comment's structure is unclear the reading is
 * stricter, never looser: a fence is taken to go on until a line GitHub surely ends it with.
 */
export function approvalReasons(body: string): string[] {
  const out: string[] = [];
  let fence: OpenFence | undefined;
  // The closer of an HTML comment (or bogus comment) still open: its lines are hidden.
  let hidden: string | undefined;
  // HTML elements shown as quote/code/hidden (`<blockquote>`, `<pre>`, `<details>`…) still open.
  const open = new Map<string, number>();
  // A code span may go on over a paragraph's lines: once a line's spans are not sure, the
  // paragraph's later lines are read with their code spans as written (stricter), until a blank line.
  let spansUnsure = false;
  // A quote's paragraph goes on, without `>`, until a blank line (lazy continuation).
  let inQuote = false;
  // CommonMark ends a line at \n, \r\n or a lone \r.
  for (const line of body.split(/\r\n|\r|\n/)) {
    const { cols, rest } = indentOf(line);
    // Blank is spaces and tabs only (CommonMark): a line of U+00A0 or U+3000 is text, and goes on
    // a quote's paragraph (a review: `.trim()` took it for blank, and the next line counted).
    const blank = rest === '';
    if (fence !== undefined) {
      if (blank) continue;
      if (!(fence.listItem && cols < fence.closeMin)) {
        const c = FENCE_CLOSE.exec(rest)?.[1];
        if (c !== undefined && c[0] === fence.char && c.length >= fence.length && cols >= fence.closeMin && cols <= fence.closeMax) fence = undefined;
        continue;
      }
      // A line indented less than the list item's content ends the item, and its fence: read it afresh.
      fence = undefined;
    }
    if (hidden !== undefined) {
      // The line that ends a hidden span is not read as an approval (stricter), but what follows
      // on it may open another span or element.
      const shown = shownText(line, hidden);
      hidden = shown.closer;
      countElements(shown.text, open);
      continue;
    }
    if (blank) {
      inQuote = false;
      spansUnsure = false;
      continue;
    }
    const marker = LIST_PREFIX.exec(rest)?.[0];
    const content = marker !== undefined ? rest.slice(marker.length) : rest;
    const f = FENCE_OPEN.exec(content)?.[1];
    if (f !== undefined) {
      if (marker !== undefined) {
        const at = columns(line.slice(0, line.length - rest.length) + marker);
        fence = { char: f[0] as string, length: f.length, closeMin: at, closeMax: at + 3, listItem: true };
      } else {
        // Indented 4 or more, the fence may be in a list item whose content starts up to 3 columns
        // before it: only a closing fence indented exactly as much is one GitHub surely takes.
        fence = { char: f[0] as string, length: f.length, closeMin: cols, closeMax: Math.max(cols - 3, 0) + 3, listItem: false };
      }
      inQuote = false;
      continue;
    }
    // Code spans are cut out only where sure, and outside any element (a `<pre>` block's backticks are text).
    const before = open.size;
    const plain = spansUnsure || before > 0 ? undefined : withoutCodeSpans(line);
    if (plain === undefined) spansUnsure = true;
    // A line with no `<` outside its code spans opens nothing and hides nothing.
    const shown = plain !== undefined ? { text: line, closer: undefined } : shownText(line, undefined);
    if (plain === undefined) countElements(shown.text, open);
    // An HTML comment hides what follows, after a quote too (it ends the quote's paragraph).
    if (shown.closer !== undefined) {
      hidden = shown.closer;
      if (shown.text.trim() === '') continue;
    }
    // A quote, in a list item too (`- > …`: its paragraph goes on lazily as well, a review).
    if (content.startsWith('>')) {
      // A quote line with nothing after its markers closes the quote's paragraph: a next line
      // without `>` is then outside the quote (GitHub shows it plainly).
      inQuote = !/^[> \t]*$/.test(content);
      continue;
    }
    if (inQuote || before > 0) continue;
    const m = APPROVAL_RE.exec(shown.text);
    const reason = m?.[1]?.trim();
    if (reason) out.push(reason);
  }
  return out;
}

const seg = (s: string) => encodeURIComponent(s);

function why(e: unknown): string {
  if (e instanceof HttpError) {
    if (e.kind === 'forbidden' || e.kind === 'unauthorized') return `the token may not read this (HTTP ${e.status ?? 403})`;
    if (e.kind === 'not-found') return 'not found (HTTP 404)';
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

/**
 * Each page of a list, until a short one. An answer that is not a list is an error, not the end:
 * taken for an empty last page, it left the later pages unread (a review had the latest labeling,
 * on page 2, passed over for an older admin's on page 1).
 */
async function pages<T>(client: HttpClient, path: string, maxPages: number, each: (items: T[]) => void): Promise<{ truncated: boolean }> {
  for (let page = 1; page <= maxPages; page++) {
    const r = await client.getJson<unknown>(path, { per_page: 100, page });
    if (!Array.isArray(r.data)) throw new HttpError('malformed', `page ${page} of the list is not a list`);
    const list = r.data as T[];
    each(list);
    if (list.length < 100) return { truncated: false };
  }
  return { truncated: true };
}

interface RawComment {
  body?: unknown;
  user?: { login?: unknown; type?: unknown } | null;
  created_at?: unknown;
  updated_at?: unknown;
  html_url?: unknown;
}

export type ApprovalsResult = { ok: true; comments: ApprovalComment[]; note?: string } | { ok: false; reason: string };

/**
 * `WAIVER APPROVED:` comments on the pull request by the given approvers (logins, case-insensitive).
 * Comments by anyone else do not count, nor edited ones: anyone with write access may edit another
 * person's comment, so an edited comment's text may not be its author's (a review turned an
 * approver's old "LGTM" into an approval that way). An approver posts a new comment instead.
 */
export async function fetchApprovalComments(
  client: HttpClient,
  repo: RepoRef,
  pr: number,
  approvers: Iterable<string>,
  opts: { maxPages?: number } = {},
): Promise<ApprovalsResult> {
  const allowed = new Set([...approvers].map((a) => a.replace(/^@/, '').toLowerCase()));
  const comments: ApprovalComment[] = [];
  try {
    const { truncated } = await pages<RawComment>(client, `/repos/${seg(repo.owner)}/${seg(repo.repo)}/issues/${pr}/comments`, opts.maxPages ?? 30, (list) => {
      for (const c of list) {
        const login = typeof c?.user?.login === 'string' ? c.user.login : undefined;
        // Approvals are given by people: a bot's comment (an echo of a template) never counts.
        if (c?.user?.type === 'Bot' || /\[bot\]$/i.test(login ?? '')) continue;
        if (!login || !allowed.has(login.toLowerCase()) || typeof c.body !== 'string') continue;
        // Unedited as far as the answer says: both times given, and equal (a comment without them
        // may have been edited: an answer that does not say is never an approval).
        if (typeof c.created_at !== 'string' || c.updated_at !== c.created_at) continue;
        for (const reason of approvalReasons(c.body)) {
          // Long enough for dozens of approval codes (each ~40 characters) and a reason.
          const a: ApprovalComment = { login, reason: reason.slice(0, 4000) };
          if (typeof c.created_at === 'string') a.at = c.created_at;
          if (typeof c.html_url === 'string') a.url = c.html_url;
          comments.push(a);
        }
      }
    });
    return truncated ? { ok: true, comments, note: `only the first ${(opts.maxPages ?? 30) * 100} comments were read` } : { ok: true, comments };
  } catch (e) {
    return { ok: false, reason: `the pull request's comments could not be read: ${why(e)}` };
  }
}

/** Is `user` an active member of `org/team`? 404 = not a member; 403/401 and other failures = cannot tell. */
export async function checkTeamMembership(client: HttpClient, org: string, team: string, user: string): Promise<MembershipAnswer> {
  try {
    const r = await client.getJson<{ state?: unknown }>(`/orgs/${seg(org)}/teams/${seg(team)}/memberships/${seg(user)}`);
    if (r.data?.state === 'active') return { state: 'member' };
    return { state: 'not-member', reason: `membership of ${org}/${team} is ${typeof r.data?.state === 'string' ? r.data.state : 'not active'}` };
  } catch (e) {
    if (e instanceof HttpError && e.kind === 'not-found') return { state: 'not-member', reason: `@${user} is not a member of ${org}/${team} (or the team is not visible to the token)` };
    if (e instanceof HttpError && (e.kind === 'forbidden' || e.kind === 'unauthorized')) {
      return { state: 'unknown', reason: `the token may not read ${org}/${team} membership (HTTP ${e.status ?? 403}; GITHUB_TOKEN cannot read org teams: use a token with read:org)` };
    }
    return { state: 'unknown', reason: `team membership could not be read: ${why(e)}` };
  }
}

/**
 * Looks up every (team, login) pair once and returns a lookup for `createWaiverSession` /
 * `decideOverride`. Teams are `org/team` entries of the given lists.
 */
export async function lookupMemberships(
  client: HttpClient | undefined,
  teams: Iterable<string>,
  logins: Iterable<string>,
  opts: { maxLookups?: number } = {},
): Promise<(team: string, login: string) => MembershipAnswer | undefined> {
  const table = new Map<string, MembershipAnswer>();
  const teamList = [...new Set([...teams].map((t) => t.replace(/^@/, '').toLowerCase()).filter((t) => TEAM_RE.test(t)))];
  const loginList = [...new Set([...logins].map((l) => l.replace(/^@/, '').toLowerCase()).filter((l) => LOGIN_RE.test(l)))];
  let budget = opts.maxLookups ?? 200;
  for (const t of teamList) {
    const [org, slug] = t.split('/') as [string, string];
    for (const l of loginList) {
      const key = `${t}|${l}`;
      if (!client) table.set(key, { state: 'unknown', reason: 'no token to read team membership' });
      else if (budget-- <= 0) table.set(key, { state: 'unknown', reason: 'too many team lookups' });
      else table.set(key, await checkTeamMembership(client, org, slug, l));
    }
  }
  return (team, login) => table.get(`${team.replace(/^@/, '').toLowerCase()}|${login.replace(/^@/, '').toLowerCase()}`);
}

interface RawEvent {
  event?: unknown;
  actor?: { login?: unknown } | null;
  created_at?: unknown;
  label?: { name?: unknown } | null;
}

export type LabelEventResult = { actor: string; at: string } | { error: string };

/**
 * Who applied `label` last, and when (the latest `labeled` event for it). A `labeled` event for it
 * without an actor is an answer (not honoured); one without a readable time, or an `unlabeled` one
 * without, may be the latest: who applied the label last cannot then be told. Independent of the
 * order the events are listed in: an unreadable latest event is never passed over for an older one.
 */
export async function findLabelEvent(client: HttpClient, repo: RepoRef, issueNumber: number, label: string, opts: { maxPages?: number } = {}): Promise<LabelEventResult> {
  const want = label.trim().toLowerCase();
  // The latest labeling; actor undefined when the event names none (a deleted account?).
  let latest: { actor: string | undefined; at: string } | undefined;
  let undated = false;
  // The label removed after it was last applied: a re-run reuses the old event payload, which
  // still lists it, so the events decide.
  let removedAt: string | undefined;
  const timeOf = (ev: RawEvent) => (typeof ev.created_at === 'string' && !Number.isNaN(Date.parse(ev.created_at)) ? ev.created_at : undefined);
  try {
    const { truncated } = await pages<RawEvent>(client, `/repos/${seg(repo.owner)}/${seg(repo.repo)}/issues/${issueNumber}/events`, opts.maxPages ?? 10, (list) => {
      for (const ev of list) {
        if ((ev?.event !== 'labeled' && ev?.event !== 'unlabeled') || typeof ev.label?.name !== 'string' || ev.label.name.trim().toLowerCase() !== want) continue;
        const at = timeOf(ev);
        if (!at) {
          undated = true;
          continue;
        }
        if (ev.event === 'unlabeled') {
          if (!removedAt || Date.parse(at) >= Date.parse(removedAt)) removedAt = at;
          continue;
        }
        if (latest && Date.parse(latest.at) > Date.parse(at)) continue;
        const actor = typeof ev.actor?.login === 'string' && LOGIN_RE.test(ev.actor.login) ? ev.actor.login : undefined;
        latest = { actor, at };
      }
    });
    if (truncated) return { error: `the pull request has more than ${(opts.maxPages ?? 10) * 100} events; the latest labeling was not read` };
    if (undated) return { error: `an event of \`${label}\` has no readable time, so the latest labeling cannot be told` };
    if (removedAt && (!latest || Date.parse(removedAt) >= Date.parse(latest.at))) return { error: `\`${label}\` was removed from the pull request after it was applied` };
    if (latest?.actor !== undefined) return { actor: latest.actor, at: latest.at };
    if (latest) return { error: 'the label event has no actor (a deleted account?)' };
    return { error: `no \`labeled\` event for \`${label}\` in the pull request's events` };
  } catch (e) {
    return { error: `the pull request's events could not be read: ${why(e)}` };
  }
}

/** `role`: role_name (a custom role's own name too); `base`: the base permission under it. */
export type PermissionResult = { role: string; base?: string } | { error: string };

/** A user's role on the repository: admin, maintain, write, triage, read or none. */
export async function getPermission(client: HttpClient, repo: RepoRef, user: string): Promise<PermissionResult> {
  try {
    const r = await client.getJson<{ permission?: unknown; role_name?: unknown }>(`/repos/${seg(repo.owner)}/${seg(repo.repo)}/collaborators/${seg(user)}/permission`);
    const role = typeof r.data?.role_name === 'string' ? r.data.role_name : typeof r.data?.permission === 'string' ? r.data.permission : undefined;
    if (!role) return { error: 'the permission API gave no role' };
    return typeof r.data?.permission === 'string' ? { role: role.toLowerCase(), base: r.data.permission.toLowerCase() } : { role: role.toLowerCase() };
  } catch (e) {
    if (e instanceof HttpError && (e.kind === 'forbidden' || e.kind === 'unauthorized' || e.kind === 'not-found')) {
      return { error: `the permission of @${user} cannot be read (HTTP ${e.status ?? '?'}${e.kind === 'not-found' ? '' : '; on a pull request from a fork the token is read-only'})` };
    }
    return { error: `the permission of @${user} could not be read: ${why(e)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// One call each for the shell.

export interface ResolveOverrideOptions {
  client: HttpClient | undefined;
  repo: RepoRef;
  pr: number;
  label: string;
  labelPresent: boolean;
  overrideApprovers: string[];
  now: Date;
}

/** Reads the label event, the actor's permission and team memberships, then decides (never throws). */
export async function resolveOverride(o: ResolveOverrideOptions): Promise<OverrideDecision> {
  const base = { label: o.label, labelPresent: o.labelPresent, overrideApprovers: o.overrideApprovers, now: o.now };
  if (!o.labelPresent) return decideOverride(base);
  if (!o.client) return decideOverride({ ...base, event: { error: 'no token to read the pull request events' } });
  const event = await findLabelEvent(o.client, o.repo, o.pr, o.label);
  if ('error' in event) return decideOverride({ ...base, event });
  const teams = o.overrideApprovers.map((a) => a.replace(/^@/, '')).filter((a) => TEAM_RE.test(a));
  const listedUser = o.overrideApprovers.some((a) => a.replace(/^@/, '').toLowerCase() === event.actor.toLowerCase());
  const teamMembership: Record<string, MembershipAnswer> = {};
  if (!listedUser) {
    for (const t of teams) {
      const [org, slug] = t.split('/') as [string, string];
      const m = await checkTeamMembership(o.client, org, slug, event.actor);
      teamMembership[t.toLowerCase()] = m;
      if (m.state === 'member') break;
    }
  }
  const permission = listedUser || Object.values(teamMembership).some((m) => m.state === 'member') ? undefined : await getPermission(o.client, o.repo, event.actor);
  return decideOverride({ ...base, event, ...(permission ? { permission } : {}), teamMembership });
}

/** Where a run that is not about a pull request stands (governance.ts, branchRunOf). */
export interface BranchRun {
  ref: string;
  onDefaultBranch: boolean;
  defaultBranch?: string;
  /** Why it does not count as on the default branch though its ref is (the commit checked out is not on it). */
  offDefault?: string;
}

export interface WaiverContextOptions {
  client: HttpClient | undefined;
  /** The pull request, when the run is about one. */
  target?: RepoRef & { pr: number };
  waivers: Waiver[];
  approvers: ApproverConfig;
  /** `verify-waiver-approvals`. */
  verify: boolean;
  /** Waivers whose approvals are verified (those the pull request adds or changes); default all. */
  appliesTo?: (w: Waiver) => boolean;
  /** The pull request's author (from the event): their own approval does not count. */
  author?: string;
  /**
   * A run in Actions that is not about a pull request: its ref and whether that is the default
   * branch. Only there are approvals taken as written (they were verified on the pull request
   * that merged them); on a push to another branch nothing verified them.
   */
  branchRun?: BranchRun;
}

export interface WaiverContext {
  verification?: ApprovalVerification;
  membership?: MembershipLookup;
  /** Plain words for the log/summary (e.g. why approvals were not verified). */
  notices: string[];
}

/**
 * Everything `createWaiverSession` needs from GitHub: team memberships of the waivers' approvers
 * (only when security/senior approvers list teams) and, with `verify`, the approval comments.
 * Not a pull request: approvals are not verified (they were when the waivers were merged), said so.
 */
export async function resolveWaiverContext(o: WaiverContextOptions): Promise<WaiverContext> {
  const notices: string[] = [];
  const ctx: WaiverContext = { notices };
  const teams = [...o.approvers.security, ...o.approvers.senior].map((t) => t.replace(/^@/, '')).filter((t) => TEAM_RE.test(t));
  const logins = new Set(o.waivers.flatMap((w) => w.approvers));
  if (teams.length > 0 && logins.size > 0) {
    ctx.membership = await lookupMemberships(o.client, teams, logins);
    const unknown = new Set<string>();
    for (const t of teams) for (const l of logins) {
      const a = ctx.membership(t, l);
      if (a?.state === 'unknown' && a.reason) unknown.add(a.reason);
    }
    for (const r of unknown) notices.push(`Waiver approvers: ${r}; such approvers count as neither security nor senior approvers.`);
  }
  if (!o.verify || o.waivers.length === 0) return ctx;
  const base: ApprovalVerification = { comments: [], ...(o.appliesTo ? { appliesTo: o.appliesTo } : {}), ...(o.author ? { author: o.author } : {}) };
  if (!o.target) {
    const b = o.branchRun;
    if (b && !b.onDefaultBranch) {
      const where = b.defaultBranch ? `the default branch is ${b.defaultBranch}` : 'the default branch could not be read';
      const what = b.offDefault ?? `not on the default branch (${b.ref}; ${where})`;
      ctx.verification = { ...base, unavailable: `this run is not about a pull request and ${what}: nothing verified the approvals of the branch's waivers, so none applies here (they are verified on its pull request)` };
      return ctx;
    }
    notices.push('verify-waiver-approvals: this run is not about a pull request, so approvals are taken as written (they were verified on the pull request that added them).');
    return ctx;
  }
  if (!o.client) {
    ctx.verification = { ...base, unavailable: 'no token to read the pull request comments' };
    return ctx;
  }
  const r = await fetchApprovalComments(o.client, o.target, o.target.pr, logins);
  if (!r.ok) ctx.verification = { ...base, unavailable: r.reason };
  else {
    // Role holders need no lookup: the session counts them as such (holdsApproverRole).
    const access = await lookupWriteAccess(o.client, o.target, r.comments.map((c) => c.login).filter((l) => !holdsApproverRole(l, o.approvers, ctx.membership)));
    ctx.verification = { ...base, comments: r.comments, access, note: `approvals checked against \`WAIVER APPROVED:\` comments on pull request #${o.target.pr}${o.appliesTo ? ' for the waivers it adds or changes' : ''}${r.note ? ` (${r.note})` : ''}` };
  }
  return ctx;
}

/**
 * Whether each login that approved may write to the repository (base permission admin, maintain or
 * write), for approvers who hold no approver role (waivers/evaluate.ts; the caller leaves out those
 * who do). At most `maxLookups` logins (the rest: not looked up, not counted).
 */
export async function lookupWriteAccess(
  client: HttpClient,
  repo: RepoRef,
  logins: Iterable<string>,
  opts: { maxLookups?: number } = {},
): Promise<(login: string) => { writes: boolean; reason?: string } | undefined> {
  const table = new Map<string, { writes: boolean; reason?: string }>();
  let budget = opts.maxLookups ?? 50;
  for (const login of new Set([...logins].map((l) => l.toLowerCase()))) {
    if (!LOGIN_RE.test(login)) continue;
    if (budget-- <= 0) {
      table.set(login, { writes: false, reason: 'its access to the repository was not looked up (too many approvers)' });
      continue;
    }
    const p = await getPermission(client, repo, login);
    if ('error' in p) table.set(login, { writes: false, reason: p.error });
    else {
      const level = p.base ?? p.role;
      const writes = ['admin', 'maintain', 'write'].includes(level);
      table.set(login, writes ? { writes } : { writes, reason: `has ${level} access to the repository, not write` });
    }
  }
  return (login) => table.get(login.toLowerCase());
}

/** The workflow event payload (GITHUB_EVENT_PATH), or undefined. Never throws. */
export async function readEventPayload(env: Readonly<Record<string, string | undefined>> = process.env): Promise<unknown> {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const { readFile } = await import('node:fs/promises');
    return JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
