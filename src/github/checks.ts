/**
 * Annotations through the Checks API (with `checks: write`, setting `annotations-via-checks: true`):
 * one check run on the head commit, every located annotation posted in batches of 50 (the API's
 * limit per request), then completed. No 10-per-kind cap applies there.
 *
 * On 403/401 (a fork's read-only token, no `checks: write`) or any other failure the result says
 * `fallback: true` and the caller emits the capped workflow commands instead, with a notice.
 */
import { HttpError, type HttpClient, type HttpResponse } from '../io/http.js';
import type { Annotation } from '../render/annotations.js';
import { clip } from '../util/escape.js';

/** Annotations per request the Checks API accepts. */
export const CHECKS_BATCH = 50;
/** Most annotations posted through the Checks API in one run (100 requests). */
export const CHECKS_MAX_ANNOTATIONS = 5000;
const TEXT_MAX = 65_535;

export type CheckConclusion = 'success' | 'neutral' | 'failure';

export interface ChecksOptions {
  client: HttpClient;
  owner: string;
  repo: string;
  /** The commit the annotations belong to: the PR head SHA on pull_request events, else GITHUB_SHA. */
  headSha: string;
  /** Check run name (default `security-gate`). */
  name?: string;
  /** Annotations with a `file` (others are skipped: the Checks API needs a path). */
  annotations: readonly Annotation[];
  title: string;
  summary: string;
  conclusion: CheckConclusion;
  detailsUrl?: string;
  /** ISO time the run completed (pass `now` in). */
  completedAt?: string;
}

export type ChecksOutcome =
  | { ok: true; checkRunId: number; posted: number; requests: number; url?: string }
  | { ok: false; fallback: true; forbidden: boolean; reason: string; posted: number };

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  message: string;
  title?: string;
}

export function toCheckAnnotation(a: Annotation): CheckAnnotation | undefined {
  if (a.file === undefined) return undefined;
  const start = a.line ?? 1;
  const end = a.endLine !== undefined && a.endLine >= start ? a.endLine : start;
  const out: CheckAnnotation = {
    path: a.file,
    start_line: start,
    end_line: end,
    annotation_level: a.level === 'error' ? 'failure' : a.level,
    message: clip(a.message, 60_000),
    title: clip(a.title, 255),
  };
  if (start === end && a.col !== undefined) {
    out.start_column = a.col;
    if (a.endColumn !== undefined && a.endColumn >= a.col) out.end_column = a.endColumn;
  }
  return out;
}

function reasonOf(e: unknown): { forbidden: boolean; reason: string } {
  if (e instanceof HttpError && (e.kind === 'forbidden' || e.kind === 'unauthorized')) {
    return {
      forbidden: true,
      reason: `the token may not create check runs (HTTP ${e.status ?? 403}: on a pull request from a fork the token is read-only; elsewhere grant \`checks: write\`)`,
    };
  }
  return { forbidden: false, reason: `the Checks API failed: ${e instanceof Error ? e.message : String(e)}` };
}

interface CreatedRun {
  id?: number;
  html_url?: string;
}

/** Creates a completed check run carrying every located annotation. Never throws. */
export async function postCheckRun(opts: ChecksOptions): Promise<ChecksOutcome> {
  const all = opts.annotations.map(toCheckAnnotation).filter((a): a is CheckAnnotation => a !== undefined);
  const list = all.slice(0, CHECKS_MAX_ANNOTATIONS);
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < list.length; i += CHECKS_BATCH) batches.push(list.slice(i, i + CHECKS_BATCH));
  if (batches.length === 0) batches.push([]);
  const output = (annotations: CheckAnnotation[]) => ({
    title: clip(opts.title, 255),
    summary: clip(opts.summary, TEXT_MAX),
    ...(annotations.length > 0 ? { annotations } : {}),
  });
  const done = {
    status: 'completed' as const,
    conclusion: opts.conclusion,
    ...(opts.completedAt ? { completed_at: opts.completedAt } : {}),
  };
  const base = `/repos/${encodeURIComponent(opts.owner)}/${encodeURIComponent(opts.repo)}/check-runs`;
  let posted = 0;
  let requests = 0;
  let id: number | undefined;
  let url: string | undefined;
  const name = opts.name ?? 'security-gate';
  // A POST answered with a 5xx or a timeout may still have made the check run (a second one, left
  // in progress, would follow): before each retry the commit's runs of this name are read, and the
  // one carrying this attempt's external id is the one made.
  // node:crypto loaded here, not at start-up (it pulls in `stream`: the cold start's budget).
  const externalId = `security-gate:${process.getBuiltinModule('node:crypto').randomUUID()}`;
  // (When the runs cannot be read, the client sends the POST again, as before this check.)
  const madeAfterAll = async (): Promise<HttpResponse<CreatedRun> | undefined> => {
    const r = await opts.client.getJson<{ check_runs?: unknown }>(`/repos/${encodeURIComponent(opts.owner)}/${encodeURIComponent(opts.repo)}/commits/${encodeURIComponent(opts.headSha)}/check-runs`, { check_name: name, filter: 'all', per_page: 100 });
    const runs = Array.isArray(r.data?.check_runs) ? (r.data.check_runs as Array<CreatedRun & { external_id?: unknown }>) : [];
    const made = runs.find((c) => c && c.external_id === externalId && typeof c.id === 'number');
    return made ? { status: 201, headers: new Headers(), data: { id: made.id, ...(typeof made.html_url === 'string' ? { html_url: made.html_url } : {}) } } : undefined;
  };
  try {
    const single = batches.length === 1;
    const created = await opts.client.sendJson<CreatedRun>(
      'POST',
      base,
      {
        name,
        head_sha: opts.headSha,
        external_id: externalId,
        ...(opts.detailsUrl ? { details_url: opts.detailsUrl } : {}),
        ...(single ? done : { status: 'in_progress' }),
        output: output(batches[0]!),
      },
      { beforeRetry: madeAfterAll },
    );
    requests++;
    id = created.data?.id;
    url = created.data?.html_url;
    if (typeof id !== 'number') throw new HttpError('malformed', 'the check run response has no id');
    posted += batches[0]!.length;
    for (let b = 1; b < batches.length; b++) {
      const last = b === batches.length - 1;
      await opts.client.sendJson('PATCH', `${base}/${id}`, { ...(last ? done : {}), output: output(batches[b]!) });
      requests++;
      posted += batches[b]!.length;
    }
    return url ? { ok: true, checkRunId: id, posted, requests, url } : { ok: true, checkRunId: id, posted, requests };
  } catch (e) {
    const { forbidden, reason } = reasonOf(e);
    if (id !== undefined) {
      // do not leave a check run "in progress" forever
      try {
        await opts.client.sendJson('PATCH', `${base}/${id}`, { ...done, output: output([]) });
      } catch {
        // best effort
      }
    }
    return { ok: false, fallback: true, forbidden, reason, posted };
  }
}
