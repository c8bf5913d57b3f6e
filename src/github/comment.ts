/**
 * The sticky pull-request comment, I/O side: find this gate's comment, update it in place or create
 * it, through the project's one HTTP client. Never throws and never fails the gate: a 403 (a fork's
 * read-only token, no `pull-requests: write`) is a warning, any other failure too.
 *
 * Which comment is ours: its body starts with the gate's marker AND it was written by a bot account
 * (`github-actions[bot]` for GITHUB_TOKEN, `<app>[bot]` for an app token) or by the token's own user
 * (a personal token; looked up with `GET /user` only when a user's comment carries the marker). A
 * person who pastes the marker into their own comment is never edited.
 */
import type { HttpClient, HttpResponse } from '../io/http.js';
import { HttpError } from '../io/http.js';
import type { GateResult } from '../policy/result.js';
import {
  commentDecision,
  commentMarker,
  hasMarker,
  renderComment,
  resolvedCommentBody,
  type CommentMode,
  type CommentOptions,
} from '../render/comment.js';

export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface GithubComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string; type?: string } | null;
}

export type CommentOutcome =
  | { action: 'created' | 'updated' | 'unchanged' | 'resolved'; id: number; url?: string }
  | { action: 'none'; reason: string }
  | { action: 'forbidden' | 'failed'; warning: string };

/** Other comments of ours (duplicates) brought up to date in one run, at most. */
export const MAX_DUPLICATES_UPDATED = 3;

/** Second line of a "resolved" body, so a resolved comment is not rewritten on every run. */
export const RESOLVED_TAG = '<!-- security-gate:resolved -->';

const SEGMENT = /^[A-Za-z0-9._-]{1,100}$/;

/** The pull request a workflow event is about (pull_request*, or issue_comment on a PR), or undefined. */
export function pullRequestTarget(event: unknown, repository: string | undefined): CommentTarget | undefined {
  if (!event || typeof event !== 'object') return undefined;
  const e = event as Record<string, unknown>;
  let n: unknown;
  const pr = e.pull_request;
  if (pr && typeof pr === 'object') n = (pr as Record<string, unknown>).number;
  else {
    const issue = e.issue;
    if (issue && typeof issue === 'object' && (issue as Record<string, unknown>).pull_request) n = (issue as Record<string, unknown>).number;
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) return undefined;
  let full = repository;
  if (!full) {
    const repo = e.repository;
    if (repo && typeof repo === 'object') {
      const fn = (repo as Record<string, unknown>).full_name;
      if (typeof fn === 'string') full = fn;
    }
  }
  const [owner, repo, ...rest] = String(full ?? '').split('/');
  if (!owner || !repo || rest.length > 0 || !SEGMENT.test(owner) || !SEGMENT.test(repo)) return undefined;
  return { owner, repo, issueNumber: n };
}

/** The login GITHUB_TOKEN comments as. */
const ACTIONS_BOT = 'github-actions[bot]';

function isBot(c: GithubComment): boolean {
  return c.user?.type === 'Bot';
}

/** A comment whose first line is the marker, by whom: the workflow token (or a known login of ours), or another bot. */
export interface StickyCandidate {
  comment: GithubComment;
  /** Written by GITHUB_TOKEN's bot or a login known to be ours; other bots must prove it by an edit. */
  trusted: boolean;
}

export interface FindOptions {
  /** Logins whose comments are ours besides GITHUB_TOKEN's bot (e.g. the PAT's user, if known). */
  ownLogins?: string[];
  /** Pages of 100 comments read at most (default 30). */
  maxPages?: number;
}

/** This gate's comment on the pull request, the oldest if there are several; undefined when none. */
export async function findStickyComment(client: HttpClient, t: CommentTarget, marker: string, opts: FindOptions = {}): Promise<GithubComment | undefined> {
  return (await stickyCandidates(client, t, marker, opts))[0]?.comment;
}

/**
 * The comments that may be this gate's, ours first, each group oldest first. Any bot can post the
 * marker (a review found another app echoing it, which the gate then took for its own, failed to
 * edit and gave up, leaving the forged verdict): a bot other than GITHUB_TOKEN's is only a
 * candidate, whose edit must succeed (an app token's own comments do).
 */
export async function stickyCandidates(client: HttpClient, t: CommentTarget, marker: string, opts: FindOptions = {}): Promise<StickyCandidate[]> {
  const maxPages = opts.maxPages ?? 30;
  const marked: GithubComment[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const r = await client.getJson<unknown>(`/repos/${t.owner}/${t.repo}/issues/${t.issueNumber}/comments`, { per_page: 100, page });
    // Not a list: an error, never the last page (ours may be on a later one: a second comment).
    if (!Array.isArray(r.data)) throw new HttpError('malformed', `page ${page} of the comments is not a list`);
    const list = r.data as GithubComment[];
    for (const c of list) if (c && typeof c.id === 'number' && hasMarker(c.body, marker)) marked.push(c);
    if (list.length < 100) break;
  }
  const own = new Set([ACTIONS_BOT, ...(opts.ownLogins ?? [])]);
  const trusted = (c: GithubComment) => typeof c.user?.login === 'string' && own.has(c.user.login);
  const pick = (): StickyCandidate[] => [
    ...marked.filter(trusted).map((comment) => ({ comment, trusted: true })),
    ...marked.filter((c) => !trusted(c) && isBot(c)).map((comment) => ({ comment, trusted: false })),
  ];
  const found = pick();
  // A person's marked comment is ours only if the token is that person's (a PAT): asked when no
  // trusted comment was found and a person's carries the marker (other bots' may too).
  if (found.some((c) => c.trusted) || !marked.some((c) => !isBot(c))) return found;
  try {
    const me = await client.getJson<{ login?: unknown }>('/user');
    if (typeof me.data?.login === 'string') own.add(me.data.login);
  } catch {
    // an installation token (GITHUB_TOKEN) cannot read /user: then none of these is ours
  }
  return pick();
}

function describe(e: unknown, doing: string): CommentOutcome {
  if (e instanceof HttpError && (e.kind === 'forbidden' || e.kind === 'unauthorized')) {
    return {
      action: 'forbidden',
      warning:
        `comment: the token may not ${doing} (HTTP ${e.status ?? 403}). On a pull request from a fork the token is read-only, so this is expected; ` +
        'elsewhere grant `pull-requests: write` to the job. The verdict is not affected.',
    };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { action: 'failed', warning: `comment: could not ${doing}: ${msg}. The verdict is not affected.` };
}

export interface PublishCommentOptions extends Omit<CommentOptions, 'gateId'>, FindOptions {
  client: HttpClient;
  /** The pull request; undefined when the event is not about one (then nothing is done). */
  target: CommentTarget | undefined;
  mode: CommentMode;
  gateId: string;
  result: GateResult;
}

/** Creates, updates or resolves this gate's sticky comment according to the mode. Never throws. */
export async function publishComment(opts: PublishCommentOptions): Promise<CommentOutcome> {
  const decision = commentDecision(opts.mode, opts.result);
  if (decision === 'skip') return { action: 'none', reason: 'comment: off' };
  const t = opts.target;
  if (!t) return { action: 'none', reason: 'not a pull request event: no comment' };
  const marker = commentMarker(opts.gateId);
  const copts: CommentOptions = { gateId: opts.gateId, runUrl: opts.runUrl, summary: opts.summary, maxChars: opts.maxChars };

  let candidates: StickyCandidate[];
  try {
    candidates = await stickyCandidates(opts.client, t, marker, opts);
  } catch (e) {
    return describe(e, 'read the pull request comments');
  }

  let body: string;
  if (decision === 'resolve') {
    if (candidates.length === 0) return { action: 'none', reason: `comment: ${opts.mode} and the verdict is ${opts.result.verdict}: no comment needed` };
    const resolved = resolvedCommentBody(opts.result, { ...copts, mode: opts.mode });
    body = resolved.replace(`${marker}\n`, `${marker}\n${RESOLVED_TAG}\n`);
  } else {
    body = renderComment(opts.result, copts);
  }

  const current = (c: GithubComment) => (decision === 'resolve' && isResolved(c.body)) || c.body === body;
  const patch = (c: GithubComment) => opts.client.sendJson<GithubComment>('PATCH', `/repos/${t.owner}/${t.repo}/issues/comments/${c.id}`, { body });
  // The first candidate that is ours: unchanged, or edited. A bot's comment we may not edit (403,
  // 404) is not ours: the next one is tried, then a new comment is made.
  for (const { comment: existing, trusted } of candidates) {
    let outcome: CommentOutcome;
    if (trusted && current(existing)) outcome = { action: 'unchanged', id: existing.id, url: existing.html_url };
    else {
      try {
        const r = await patch(existing);
        outcome = { action: decision === 'resolve' ? 'resolved' : 'updated', id: existing.id, url: r.data?.html_url ?? existing.html_url };
      } catch (e) {
        if (!trusted && e instanceof HttpError && (e.kind === 'forbidden' || e.kind === 'not-found')) continue;
        return describe(e, 'update the pull request comment');
      }
    }
    // A second comment of ours (a POST GitHub acted on but answered 5xx when the comments could not
    // be read again, or two runs racing) would go on showing an older verdict below this one: it is
    // brought up to date too (best effort). At most a few per run, and none after one fails: any
    // workflow of the repository (a same-repository pull request's own) can post many marked
    // comments as github-actions[bot], and each would cost a write (and its retries) at every run.
    const stale = candidates.filter((d) => d.trusted && d.comment.id !== existing.id && !current(d.comment)).slice(0, MAX_DUPLICATES_UPDATED);
    for (const d of stale) if (!(await patch(d.comment).then(() => true, () => false))) break;
    return outcome;
  }
  if (decision === 'resolve' && candidates.every((c) => !c.trusted)) return { action: 'none', reason: `comment: ${opts.mode} and the verdict is ${opts.result.verdict}: no comment of ours to resolve` };
  // A POST answered with a 5xx or a timeout may still have made the comment: before each retry the
  // comments are read again, and a new comment of ours with this body is the one made.
  const known = new Set(candidates.map((c) => c.comment.id));
  const madeAfterAll = async (): Promise<HttpResponse<GithubComment> | undefined> => {
    const now = await stickyCandidates(opts.client, t, marker, opts);
    const made = now.find((c) => c.trusted && !known.has(c.comment.id) && c.comment.body === body);
    return made ? { status: 201, headers: new Headers(), data: made.comment } : undefined;
  };
  try {
    const r = await opts.client.sendJson<GithubComment>('POST', `/repos/${t.owner}/${t.repo}/issues/${t.issueNumber}/comments`, { body }, { beforeRetry: madeAfterAll });
    return { action: 'created', id: r.data?.id ?? 0, url: r.data?.html_url };
  } catch (e) {
    return describe(e, 'create the pull request comment');
  }
}

/** The resolved tag on the line after the marker, where the gate writes it (not anywhere: report text can hold it). */
function isResolved(body: string | null | undefined): boolean {
  return typeof body === 'string' && body.split(/\r?\n/, 3)[1] === RESOLVED_TAG;
}

/** What the review channels (comment, check run, annotations) need to know about this run. */
export interface RunContext {
  owner?: string;
  repo?: string;
  /** The pull request, when the event is about one. */
  target?: CommentTarget;
  /** The commit annotations belong to: the PR head on pull_request events, else GITHUB_SHA. */
  headSha?: string;
  /** Link to this workflow run. */
  runUrl?: string;
  /** GITHUB_REF (`refs/heads/main`), in Actions. */
  ref?: string;
  /**
   * The workflow file this run came from, from the repository's root (`.github/workflows/ci.yml`),
   * when GITHUB_WORKFLOW_REF names one of this repository's and the event runs the checked-out
   * ref's workflow (not pull_request_target, workflow_run or issue_comment: the base's).
   */
  workflowFile?: string;
  /** GITHUB_JOB, GITHUB_ACTION and GITHUB_ACTION_REPOSITORY: which job and step of the workflow the gate is. */
  job?: string;
  action?: string;
  actionRepository?: string;
}

/** Reads GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_EVENT_NAME, GITHUB_SHA, GITHUB_REF, GITHUB_WORKFLOW_REF, GITHUB_JOB, GITHUB_ACTION(_REPOSITORY), GITHUB_SERVER_URL and GITHUB_RUN_ID. Never throws. */
export async function loadRunContext(env: Readonly<Record<string, string | undefined>> = process.env): Promise<RunContext> {
  const ctx: RunContext = {};
  const full = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = full.split('/');
  if (owner && repo && SEGMENT.test(owner) && SEGMENT.test(repo)) {
    ctx.owner = owner;
    ctx.repo = repo;
  }
  let event: unknown;
  if (env.GITHUB_EVENT_PATH) {
    try {
      const { readFile } = await import('node:fs/promises');
      event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as unknown;
    } catch {
      event = undefined;
    }
  }
  const target = pullRequestTarget(event, ctx.owner && ctx.repo ? `${ctx.owner}/${ctx.repo}` : undefined);
  if (target) ctx.target = target;
  const prHead = (event as { pull_request?: { head?: { sha?: unknown } } } | undefined)?.pull_request?.head?.sha;
  // A workflow_run event is about the run that triggered it, whose commit is its head_sha.
  const triggeringHead = (event as { workflow_run?: { head_sha?: unknown } } | undefined)?.workflow_run?.head_sha;
  // A comment on a pull request (issue_comment) names no head commit, and GITHUB_SHA is then the
  // default branch's: its check run would land there. None: the annotations go as workflow commands.
  const sha = typeof prHead === 'string' ? prHead : typeof triggeringHead === 'string' ? triggeringHead : target ? undefined : env.GITHUB_SHA;
  if (sha && /^[0-9a-f]{40}$/i.test(sha)) ctx.headSha = sha;
  if (env.GITHUB_REF && /^refs\/\S{1,250}$/.test(env.GITHUB_REF)) ctx.ref = env.GITHUB_REF;
  // `owner/repo/.github/workflows/ci.yml@refs/pull/7/merge`: the top-level workflow, in this
  // repository. The name ends at the last `@refs/` before a `/` (a file name may hold `@`, and a
  // branch name `@` and `/`). pull_request_target, workflow_run and issue_comment runs take the
  // workflow from the base or default branch: an edit of it in the change does not apply to them.
  const wf = /^([^/]+)\/([^/]+)\/(\.github\/workflows\/[^/\r\n]{1,200})@refs\//.exec(env.GITHUB_WORKFLOW_REF ?? '');
  const baseWorkflow = ['pull_request_target', 'workflow_run', 'issue_comment'].includes(env.GITHUB_EVENT_NAME ?? '');
  if (wf && !baseWorkflow && ctx.owner && ctx.repo && `${wf[1]}/${wf[2]}`.toLowerCase() === `${ctx.owner}/${ctx.repo}`.toLowerCase()) ctx.workflowFile = wf[3];
  if (env.GITHUB_JOB && /^[\w-]{1,100}$/.test(env.GITHUB_JOB)) ctx.job = env.GITHUB_JOB;
  if (env.GITHUB_ACTION && /^[\w.-]{1,200}$/.test(env.GITHUB_ACTION)) ctx.action = env.GITHUB_ACTION;
  if (env.GITHUB_ACTION_REPOSITORY && /^[A-Za-z0-9-]{1,39}\/(?!\.{1,2}$)[\w.-]{1,100}$/.test(env.GITHUB_ACTION_REPOSITORY)) ctx.actionRepository = env.GITHUB_ACTION_REPOSITORY;
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  if (ctx.owner && ctx.repo && env.GITHUB_RUN_ID && /^\d+$/.test(env.GITHUB_RUN_ID) && /^https?:\/\/[^\s]+$/.test(server)) {
    ctx.runUrl = `${server}/${ctx.owner}/${ctx.repo}/actions/runs/${env.GITHUB_RUN_ID}`;
  }
  return ctx;
}
