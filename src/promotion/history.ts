/**
 * Reads a workflow's run history from the GitHub REST API: completed runs on a branch, newest
 * first, paging only as far as needed, and for each run the gate's artifact and its result file,
 * fetched with bounded concurrency through the one HTTP client (`src/io/http.ts`: retries,
 * backoff, rate limits, deadline).
 *
 * Requests: one list request per 100 runs; per run one artifact lookup and at most one download.
 * A run whose artifact expired, never existed or holds no readable result is "no data" (with the
 * reason), never a pass. A failure of the API itself (bad token, no permission, unreachable after
 * retries, rate limit beyond the wait we accept) is a `PromotionRuntimeError`: it is never read
 * as "nothing found".
 */
import pLimit from 'p-limit';
import { z } from 'zod';
import { HttpError, type HttpClient } from '../io/http.js';
import { clip } from '../util/escape.js';
import { readGateResult, type RunResultData } from './result-read.js';
import { readZipEntry } from './zip.js';
import type { ToolId } from '../reports/model.js';

export class PromotionRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromotionRuntimeError';
  }
}

export interface WorkflowRun {
  id: number;
  /** The latest attempt (re-runs keep the id; the list shows the latest attempt's fields). */
  attempt: number;
  number: number;
  createdAt: string;
  url?: string;
  conclusion: string | null;
  event?: string;
  headSha?: string;
  /** Re-run and not completed again: its earlier attempt's result is not what the run says now. */
  pendingRerun?: boolean;
}

export type RunData =
  | { kind: 'ok'; artifactId: number; result: RunResultData }
  | { kind: 'no-data'; reason: string };

export interface RunRecord {
  run: WorkflowRun;
  data: RunData;
}

export interface RequestStats {
  /** Every HTTP request sent, retries included (the client's counter). */
  total: number;
  list: number;
  /** The branch's tip read once, and each distinct head commit compared with it. */
  commitChecks: number;
  artifactLookups: number;
  downloads: number;
}

export interface CollectOptions {
  http: HttpClient;
  repository: string;
  workflow: string;
  branch: string;
  /** Events whose runs are evidence (settings `events`). */
  events: readonly string[];
  artifactName: string;
  resultFile: string;
  window: number;
  stableRuns: number;
  maxRuns: number;
  /** The run this is part of (GITHUB_RUN_ID), when it is one of the workflow's: never a gap. */
  currentRunId?: number;
  /** Tools that must reach `window` executed runs; undefined = every tool seen so far. */
  tools?: ToolId[];
  /** Parallel artifact fetches (default 4). */
  concurrency?: number;
  /** Largest artifact zip downloaded (default 256 MiB; the HTTP client's own cap also applies). */
  maxZipBytes?: number;
  /** Largest result file inflated (default 256 MiB). */
  maxResultBytes?: number;
  log?: (message: string) => void;
}

export type StopReason = 'enough-evidence' | 'max-runs' | 'no-more-runs';

export interface History {
  records: RunRecord[];
  stoppedBecause: StopReason;
  /**
   * Runs the API listed that were skipped: not completed, a repeated id (page shift), another branch,
   * a pull request (a fork's branch may also be called `main`; its reports are the PR's to shape),
   * or another event (`issue_comment`, `workflow_run`...: they run on the branch but may check out a
   * pull request's code). A run whose answer leaves any of these unsaid is skipped as that.
   */
  skipped: { inProgress: number; duplicates: number; otherBranch: number; pullRequest: number; otherEvent: number };
  stats: Omit<RequestStats, 'total'>;
}

const PER_PAGE = 100;

const runSchema = z.object({
  id: z.number().int().positive(),
  run_attempt: z.number().int().positive().optional(),
  run_number: z.number().int().nonnegative(),
  status: z.string().nullable().optional(),
  conclusion: z.string().nullable().optional(),
  head_sha: z.string().optional(),
  head_branch: z.string().nullable().optional(),
  head_repository: z.object({ full_name: z.string() }).nullable().optional(),
  created_at: z.string(),
  html_url: z.string().optional(),
  event: z.string().optional(),
});
const runsPage = z.object({ total_count: z.number().int().nonnegative(), workflow_runs: z.array(runSchema) });
const artifactSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  expired: z.boolean(),
  size_in_bytes: z.number().nonnegative().optional(),
  created_at: z.string().nullable().optional(),
  expires_at: z.string().nullable().optional(),
  workflow_run: z.object({ id: z.number().int() }).nullable().optional(),
});
const artifactsPage = z.object({ total_count: z.number().int().nonnegative().optional(), artifacts: z.array(artifactSchema) });

/** Plain words for an API failure that stops the whole run (`needs`: the permission a 403 means is missing). */
function runtimeError(what: string, e: unknown, needs = 'actions: read'): PromotionRuntimeError {
  if (!(e instanceof HttpError)) return new PromotionRuntimeError(`${what}: ${(e as Error).message}`);
  const hint: Partial<Record<HttpError['kind'], string>> = {
    unauthorized: 'the token was refused (bad or expired github-token)',
    forbidden: needs === 'actions: read' ? 'the token may not read Actions data (it needs actions: read)' : `the token may not read this (it needs ${needs})`,
    'rate-limited': 'the API rate limit is used up beyond the wait we accept',
    server: 'the API kept failing after retries',
    timeout: 'the API did not answer in time after retries',
    network: 'the API is unreachable after retries',
    budget: 'the time budget is used up',
    malformed: 'the API answered something that is not the expected JSON',
  };
  return new PromotionRuntimeError(`${what}: ${e.message}${hint[e.kind] ? ` — ${hint[e.kind]}` : ''}`);
}

function zodWhere(err: z.ZodError): string {
  const i = err.issues[0];
  return i ? `$${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${i.message}` : 'invalid';
}

/** Newest-first pager over completed runs; de-duplicates run ids (re-runs, page shifts). */
class RunPager {
  private buffer: WorkflowRun[] = [];
  private page = 0;
  private done = false;
  private readonly seen = new Set<number>();
  readonly skipped = { inProgress: 0, duplicates: 0, otherBranch: 0, pullRequest: 0, otherEvent: 0 };
  requests = 0;

  constructor(private readonly o: CollectOptions) {}

  async take(n: number): Promise<WorkflowRun[]> {
    while (this.buffer.length < n && !this.done) await this.fetchPage();
    return this.buffer.splice(0, n);
  }

  private async fetchPage(): Promise<void> {
    this.page++;
    const path = `/repos/${this.o.repository}/actions/workflows/${encodeURIComponent(this.o.workflow)}/runs`;
    let data: unknown;
    try {
      this.requests++;
      // Not `status=completed`: a run re-run and waiting (an environment's approval can take weeks)
      // would drop out of the list, and with it the result of its earlier attempt.
      data = (await this.o.http.getJson(path, { branch: this.o.branch, exclude_pull_requests: 'true', per_page: PER_PAGE, page: this.page })).data;
    } catch (e) {
      if (e instanceof HttpError && e.kind === 'not-found') {
        throw new PromotionRuntimeError(`listing runs of workflow ${this.o.workflow} in ${this.o.repository}: HTTP 404 — no such repository or workflow, or the token cannot see it`);
      }
      throw runtimeError(`listing runs of workflow ${this.o.workflow} in ${this.o.repository} (page ${this.page})`, e);
    }
    const r = runsPage.safeParse(data);
    if (!r.success) throw new PromotionRuntimeError(`listing runs of workflow ${this.o.workflow} (page ${this.page}): unexpected answer at ${zodWhere(r.error)}`);
    // What makes a run evidence must be said by the answer: a field left out (an older API, a proxy)
    // is not taken for the value that would make it count.
    for (const w of r.data.workflow_runs) {
      // A first attempt still running has no result yet; a re-run still running had one, which
      // may have been bad: that run is a gap in the evidence (no data), never left out.
      const pendingRerun = w.status !== 'completed' && (w.run_attempt ?? 1) > 1 && w.id !== this.o.currentRunId;
      if (w.status !== 'completed' && !pendingRerun) {
        this.skipped.inProgress++;
        continue;
      }
      if (w.head_branch !== this.o.branch) {
        this.skipped.otherBranch++;
        continue;
      }
      const headRepo = w.head_repository?.full_name;
      if (w.event?.startsWith('pull_request') || headRepo === undefined || headRepo.toLowerCase() !== this.o.repository.toLowerCase()) {
        this.skipped.pullRequest++;
        continue;
      }
      if (w.event === undefined || !this.o.events.includes(w.event)) {
        this.skipped.otherEvent++;
        continue;
      }
      if (this.seen.has(w.id)) {
        this.skipped.duplicates++;
        continue;
      }
      this.seen.add(w.id);
      this.buffer.push({
        id: w.id,
        attempt: w.run_attempt ?? 1,
        number: w.run_number,
        createdAt: w.created_at,
        url: w.html_url,
        conclusion: w.conclusion ?? null,
        event: w.event,
        headSha: w.head_sha,
        ...(pendingRerun ? { pendingRerun } : {}),
      });
    }
    // The last page, or (guard against an API that never ends) far more pages than max-runs can use.
    const pageCap = Math.ceil(this.o.maxRuns / PER_PAGE) + 10;
    if (r.data.workflow_runs.length < PER_PAGE || this.page * PER_PAGE >= r.data.total_count || this.page >= pageCap) this.done = true;
  }
}

/** A commit id: SHA-1, or SHA-256 in a repository that uses it. */
const COMMIT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i;
const compareSchema = z.object({ status: z.string() });
const refSchema = z.object({ object: z.object({ sha: z.string().regex(COMMIT_ID) }) });

/**
 * The branch's tip, read once per collection from `GET /git/ref/heads/{branch}`: a branch by
 * construction, where a bare name in a comparison could resolve to a tag of the same name (git
 * prefers tags). Needs `contents: read`.
 */
async function branchTip(o: CollectOptions, stats: History['stats']): Promise<string> {
  const what = `reading the tip of branch ${o.branch} in ${o.repository}`;
  let data: unknown;
  try {
    stats.commitChecks++;
    data = (await o.http.getJson(`/repos/${o.repository}/git/ref/heads/${o.branch.split('/').map(encodeURIComponent).join('/')}`)).data;
  } catch (e) {
    if (e instanceof HttpError && e.kind === 'not-found') throw new PromotionRuntimeError(`${what}: HTTP 404 — no such branch, or the token cannot see it`);
    throw runtimeError(what, e, 'contents: read');
  }
  // A name that is only a prefix of branches (`feature` for `feature/a`, `feature/b`) answers a list.
  const r = refSchema.safeParse(data);
  if (!r.success) throw new PromotionRuntimeError(`${what}: unexpected answer at ${zodWhere(r.error)}`);
  return r.data.object.sha.toLowerCase();
}

/** Why a run's commit is not on the branch (undefined: it is), for one collection: see branchCheck. */
type BranchCheck = (sha: string | undefined) => Promise<string | undefined>;

/**
 * Why a run's commit is not on the branch, or undefined when it is. `head_branch` is a tag's name
 * for a tag's push, and the list's `branch=` filter matches it: a tag named `main` on any commit
 * would pass for the branch (found by review). `GET /compare/{tip}...{sha}` answers `behind` or
 * `identical` when the commit is in the history of the branch's tip (read once). Once per commit.
 */
function branchCheck(o: CollectOptions, stats: History['stats']): BranchCheck {
  let tip: Promise<string> | undefined;
  const cache = new Map<string, Promise<string | undefined>>();
  return (sha) => {
    if (sha === undefined || !COMMIT_ID.test(sha)) return Promise.resolve(`the run does not name its commit (head_sha ${sha === undefined ? 'missing' : JSON.stringify(sha.slice(0, 64))})`);
    let p = cache.get(sha);
    if (p === undefined) {
      p = compareWithTip(o, stats, (tip ??= branchTip(o, stats)), sha);
      cache.set(sha, p);
    }
    return p;
  };
}

async function compareWithTip(o: CollectOptions, stats: History['stats'], tip: Promise<string>, sha: string): Promise<string | undefined> {
  const base = await tip;
  try {
    stats.commitChecks++;
    const res = await o.http.getJson(`/repos/${o.repository}/compare/${base}...${sha}`);
    const r = compareSchema.safeParse(res.data);
    if (!r.success) return `the comparison of its commit with ${o.branch} is not the expected shape (${zodWhere(r.error)})`;
    return r.data.status === 'behind' || r.data.status === 'identical' ? undefined : `its commit ${sha.slice(0, 12)} is not in the history of ${o.branch} (${r.data.status.slice(0, 40)}): a tag's push, or history rewritten since`;
  } catch (e) {
    if (e instanceof HttpError && e.kind === 'not-found') return `its commit ${sha.slice(0, 12)} could not be compared with ${o.branch} (HTTP 404)`;
    throw runtimeError(`comparing the commit of a run with ${o.branch}`, e, 'contents: read');
  }
}

/**
 * How far a runner's clock (which dates the result) may be off GitHub's (which dates the run and the
 * artifact), either way: a result up to this much older than its run, or newer than its artifact, is
 * still its own. Hosted runners keep their clocks synchronised; 5 minutes is the usual tolerance for
 * hosts that may drift (Kerberos' default), and far below what a reused file needs: it counts only
 * for a run created at most 5 minutes after its date and uploading at most 5 minutes before it.
 */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The gate artifact and result of one run: data, or no data with the reason. */
async function fetchRunData(o: CollectOptions, run: WorkflowRun, stats: History['stats'], offBranch: BranchCheck): Promise<RunData> {
  if (run.pendingRerun) return { kind: 'no-data', reason: `re-run (attempt ${run.attempt}) not completed yet: the result of its earlier attempt is not evidence` };
  const notOnBranch = await offBranch(run.headSha);
  if (notOnBranch) return { kind: 'no-data', reason: notOnBranch };
  const base = `/repos/${o.repository}/actions`;
  let artifacts: z.infer<typeof artifactsPage>['artifacts'];
  try {
    stats.artifactLookups++;
    const res = await o.http.getJson(`${base}/runs/${run.id}/artifacts`, { name: o.artifactName, per_page: PER_PAGE });
    const r = artifactsPage.safeParse(res.data);
    if (!r.success) return { kind: 'no-data', reason: `the artifact list is not the expected shape (${zodWhere(r.error)})` };
    artifacts = r.data.artifacts.filter((a) => a.name === o.artifactName);
  } catch (e) {
    if (e instanceof HttpError && (e.kind === 'not-found' || e.status === 410)) return { kind: 'no-data', reason: `the run's artifacts are gone (HTTP ${e.status})` };
    throw runtimeError(`looking up the artifact of run ${run.id}`, e);
  }
  if (artifacts.length === 0) return { kind: 'no-data', reason: `no artifact named "${o.artifactName}" (never uploaded, or deleted)` };
  // Only an artifact the answer says this run uploaded: one run's result listed under others would
  // count as their evidence too (a review made one result ten runs' worth).
  const own = artifacts.filter((a) => a.workflow_run?.id === run.id);
  if (own.length === 0) return { kind: 'no-data', reason: `the artifact named "${o.artifactName}" listed for this run does not say this run uploaded it (workflow_run.id ${artifacts[0]?.workflow_run?.id ?? 'missing'})` };
  artifacts = own;
  // The latest upload wins (a re-run attempt may upload again).
  const live = artifacts.filter((a) => !a.expired).sort((a, b) => (b.created_at ?? '').localeCompare(a.created_at ?? '') || b.id - a.id);
  const art = live[0];
  if (!art) {
    const exp = artifacts[0]?.expires_at;
    return { kind: 'no-data', reason: `artifact "${o.artifactName}" expired${exp ? ` on ${exp.slice(0, 10)}` : ''}` };
  }
  const maxZip = o.maxZipBytes ?? 256 * 1024 * 1024;
  if (art.size_in_bytes !== undefined && art.size_in_bytes > maxZip) {
    return { kind: 'no-data', reason: `artifact "${o.artifactName}" is ${art.size_in_bytes} bytes, over the ${maxZip}-byte download limit` };
  }
  let zip: Buffer;
  try {
    stats.downloads++;
    // Built from the id, not from archive_download_url: the token is only ever sent to the API.
    zip = (await o.http.getBytes(`${base}/artifacts/${art.id}/zip`)).data;
  } catch (e) {
    if (e instanceof HttpError && (e.kind === 'not-found' || e.status === 410)) return { kind: 'no-data', reason: `artifact "${o.artifactName}" could not be downloaded (HTTP ${e.status}: expired or deleted)` };
    if (e instanceof HttpError && e.kind === 'malformed') return { kind: 'no-data', reason: `artifact "${o.artifactName}" could not be downloaded (${e.message})` };
    // The same token just listed the runs and their artifacts: a 403 here comes from the storage
    // host the download redirects to (an expired signed link), not from a missing permission. That
    // run has no data (never a pass); the others are still read.
    if (e instanceof HttpError && e.kind === 'forbidden') return { kind: 'no-data', reason: `artifact "${o.artifactName}" could not be downloaded (HTTP 403 from the download; an expired download link?)` };
    // Any other failure of this one download (the storage host's 401/400/416, a redirect loop, a
    // timeout or 5xx after the retries) leaves this run without data and the others still read.
    // Only a spent time budget or a rate limit stops the whole collection, as they would any request.
    if (e instanceof HttpError && e.kind !== 'budget' && e.kind !== 'rate-limited') {
      return { kind: 'no-data', reason: `artifact "${o.artifactName}" could not be downloaded (${e.kind === 'unauthorized' ? 'HTTP 401 from the download, after the same token listed it: the storage host refused the link?' : e.message})` };
    }
    throw runtimeError(`downloading the artifact of run ${run.id}`, e);
  }
  const entry = readZipEntry(zip, o.resultFile, o.maxResultBytes ?? 256 * 1024 * 1024);
  if (!entry.ok) return { kind: 'no-data', reason: entry.reason };
  const result = readGateResult(entry.text, entry.path);
  if (!result.ok) return { kind: 'no-data', reason: `malformed result: ${result.reason}` };
  // The gate writes its result while the run runs, and the upload follows: one dated before the run
  // was created is an older file uploaded again under the gate's name (left in the checkout or
  // restored from a cache while the gate did not run), and one dated after its artifact was created
  // was made for a later time (the CLI's `--as-of 2099-01-01`, or for a newer run) and uploaded by
  // hand. Either way one file would be the evidence of every run that uploads it. GitHub dates the
  // artifact when it is uploaded, so a result dated later than the time it is read (beyond the margin)
  // is refused as well.
  // generatedAt comes from the file: quoted in every reason (Date.parse also takes `Jan 1 2099 (any words)`).
  const generated = Date.parse(result.data.generatedAt);
  const created = Date.parse(run.createdAt);
  const uploadedAt = art.created_at ?? '';
  const uploaded = Date.parse(uploadedAt);
  const shownAt = JSON.stringify(clip(result.data.generatedAt, 40));
  if (!Number.isFinite(generated)) return { kind: 'no-data', reason: `${clip(entry.path, 200)}: generatedAt ${shownAt} is not a date: the result cannot be tied to this run` };
  if (!Number.isFinite(created)) return { kind: 'no-data', reason: `the run's created_at ${JSON.stringify(clip(run.createdAt, 40))} is not a date: its result cannot be tied to it` };
  if (generated < created - CLOCK_SKEW_MS) {
    return { kind: 'no-data', reason: `${clip(entry.path, 200)} was generated ${shownAt}, before the run was created (${clip(run.createdAt, 40)}): an older result uploaded again, not this run's` };
  }
  // An upload time unsaid (the API's schema allows null) is not taken for one after the result.
  if (!Number.isFinite(uploaded)) {
    const said = art.created_at == null ? `does not say when it was created (created_at ${art.created_at === null ? 'null' : 'missing'})` : `has created_at ${JSON.stringify(clip(uploadedAt, 40))}, not a date`;
    return { kind: 'no-data', reason: `artifact "${o.artifactName}" (id ${art.id}) ${said}: its result cannot be tied to this run` };
  }
  if (generated > uploaded + CLOCK_SKEW_MS) {
    return { kind: 'no-data', reason: `${clip(entry.path, 200)} was generated ${shownAt}, after artifact ${art.id} of run ${run.id} was created (${clip(uploadedAt, 40)}): a result dated for a later time, uploaded in this run, not this run's` };
  }
  return { kind: 'ok', artifactId: art.id, result: result.data };
}

/** How many more runs at least are needed before every target tool has `window` executed runs. */
function stillNeeded(records: RunRecord[], o: CollectOptions): number {
  const target = Math.max(o.window, o.stableRuns);
  const executed = new Map<ToolId, number>();
  const seen = new Set<ToolId>(o.tools ?? []);
  for (const r of records) {
    if (r.data.kind !== 'ok') continue;
    for (const t of r.data.result.tools) {
      if (!o.tools) seen.add(t.tool);
      if (t.status === 'ok') executed.set(t.tool, (executed.get(t.tool) ?? 0) + 1);
    }
  }
  if (seen.size === 0) return target;
  return Math.max(0, ...[...seen].map((t) => target - (executed.get(t) ?? 0)));
}

/**
 * Walks the history newest first in batches: each batch is exactly as many runs as are still
 * needed at least (a run adds at most one execution per tool), so no run is fetched that could
 * not have been needed; stops at `maxRuns` or when the list ends.
 */
export async function collectHistory(o: CollectOptions): Promise<History> {
  const pager = new RunPager(o);
  const stats = { list: 0, commitChecks: 0, artifactLookups: 0, downloads: 0 };
  const offBranch = branchCheck(o, stats);
  const limit = pLimit(o.concurrency ?? 4);
  const records: RunRecord[] = [];
  let stoppedBecause: StopReason = 'enough-evidence';
  for (;;) {
    const need = stillNeeded(records, o);
    if (need === 0) break;
    if (records.length >= o.maxRuns) {
      stoppedBecause = 'max-runs';
      break;
    }
    const batch = await pager.take(Math.min(need, o.maxRuns - records.length));
    stats.list = pager.requests;
    if (batch.length === 0) {
      stoppedBecause = 'no-more-runs';
      break;
    }
    let data: RunData[];
    try {
      data = await Promise.all(batch.map((run) => limit(() => fetchRunData(o, run, stats, offBranch))));
    } catch (e) {
      limit.clearQueue();
      throw e;
    }
    batch.forEach((run, i) => records.push({ run, data: data[i]! }));
    o.log?.(`examined ${records.length} run(s): ${records.filter((r) => r.data.kind === 'ok').length} with data`);
  }
  stats.list = pager.requests;
  return { records, stoppedBecause, skipped: pager.skipped, stats };
}
