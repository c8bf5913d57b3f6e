/**
 * GitHub-REST-shaped answers for the promotion tests, served by the real local test server:
 * "List workflow runs for a workflow", "List workflow run artifacts", "Download an artifact"
 * (302 to a blob URL, like github.com), built from gate results made by the factory.
 */
import { zipSync, strToU8 } from 'fflate';
import type { GateResult } from '../../../src/policy/result.js';
import type { Reply, TestServer } from '../../helpers/http-server.js';

export const REPO = 'acme/api';
export const WORKFLOW = 'ci.yml';

export interface FakeArtifact {
  /** The result file's content (object -> JSON). */
  result?: GateResult | string;
  expired?: boolean;
  /** Download answers 410 although the list says not expired (expired in between). */
  gone?: boolean;
  /** Replace the whole zip. */
  zip?: Uint8Array;
  /** More files in the zip (raw reports). */
  extra?: Record<string, string>;
  name?: string;
  /**
   * The artifact's `created_at` in the API's answer. Default: an honest upload, made after the run
   * was created and after the result inside was written (see `uploadedAt`). A test of a result dated
   * after its upload pins it here; `null` answers `created_at: null` (the API's schema allows it),
   * `'absent'` leaves the field out.
   */
  createdAt?: string | null | 'absent';
}

export interface FakeRun {
  id: number;
  number?: number;
  attempt?: number;
  status?: string;
  conclusion?: string | null;
  createdAt?: string;
  branch?: string;
  event?: string;
  /** Repository the head commit came from (a fork for pull requests). */
  headRepo?: string;
  /** false: its commit is not in the branch's history (a tag's push named like the branch). */
  onBranch?: boolean;
  /** null/undefined: no artifact uploaded. */
  artifact?: FakeArtifact | null;
  /** Older artifacts of earlier attempts (re-runs). */
  earlierArtifacts?: FakeArtifact[];
}

export function zipOf(files: Record<string, string | Uint8Array>): Uint8Array {
  const input: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(files)) input[k] = typeof v === 'string' ? strToU8(v) : v;
  return zipSync(input);
}

/** Dates one hour apart, newest first for index 0. */
export function dateOf(i: number, total: number): string {
  return new Date(Date.UTC(2026, 9, 1) + (total - i) * 3_600_000).toISOString();
}

/** The `generatedAt` of the result an artifact holds, as a time (NaN: none readable, or a whole zip given). */
function resultTime(a: FakeArtifact): number {
  if (a.zip) return NaN;
  let at: unknown = typeof a.result === 'object' ? a.result.generatedAt : undefined;
  if (typeof a.result === 'string') {
    try {
      at = (JSON.parse(a.result) as { generatedAt?: unknown } | null)?.generatedAt;
    } catch {
      /* not JSON: no date */
    }
  }
  return typeof at === 'string' ? Date.parse(at) : NaN;
}

/**
 * When a run's artifacts were uploaded, as the API dates them, in upload order (earlier attempts
 * first): the gate writes its result during the run and the upload follows, so each artifact is
 * dated a minute apart after the later of the run's creation and every result the run uploaded
 * (the factory's results carry one fixed date, not their run's). An artifact's own `createdAt` wins.
 */
export function uploadedAt(runCreatedAt: string, uploads: FakeArtifact[]): Array<string | null | 'absent'> {
  const times = [Date.parse(runCreatedAt), ...uploads.map(resultTime)].filter(Number.isFinite);
  const base = times.length > 0 ? Math.max(...times) : Date.UTC(2026, 9, 1);
  return uploads.map((a, k) => (a.createdAt !== undefined ? a.createdAt : new Date(base + (k + 1) * 60_000).toISOString()));
}

export interface FakeOptions {
  /** Hook to inject failures: return a reply to answer instead, or undefined to answer normally. */
  intercept?: (kind: 'list' | 'artifacts' | 'zip' | 'blob', attempt: number, path: string) => Reply | undefined;
  /** Repeat the last run of page N at the top of page N+1 (a new run arrived while paging). */
  pageShift?: boolean;
  artifactName?: string;
}

/** The tip of main, as GET /git/ref/heads/main gives it. */
export const MAIN_TIP = 'e'.repeat(40);

/** The head commit of a fake run: 40 hex digits made from its id. */
export function shaOf(id: number): string {
  return id.toString(16).padStart(40, 'c');
}

export function serveGitHub(srv: TestServer, runs: FakeRun[], opts: FakeOptions = {}): void {
  const artName = opts.artifactName ?? 'security-gate-reports';
  const total = runs.length;
  const counters = { list: 0, artifacts: 0, zip: 0, blob: 0 };
  let nextArtifactId = 9000;
  const artifacts = new Map<number, Array<{ id: number; a: FakeArtifact; createdAt: string | null | 'absent' }>>();
  const byId = new Map<number, FakeArtifact>();
  runs.forEach((r, i) => {
    const uploads = [...(r.earlierArtifacts ?? []), ...(r.artifact ? [r.artifact] : [])];
    const dates = uploadedAt(r.createdAt ?? dateOf(i, total), uploads);
    const list = uploads.map((a, k) => ({ id: nextArtifactId++, a, createdAt: dates[k]! }));
    for (const x of list) byId.set(x.id, x.a);
    artifacts.set(r.id, list);
  });
  const wfRun = (r: FakeRun, i: number) => ({
    id: r.id,
    name: 'CI',
    run_number: r.number ?? 1000 - i,
    run_attempt: r.attempt ?? 1,
    event: r.event ?? 'push',
    status: r.status ?? 'completed',
    conclusion: r.conclusion === undefined ? 'success' : r.conclusion,
    head_branch: r.branch ?? 'main',
    head_sha: shaOf(r.id),
    head_repository: { full_name: r.headRepo ?? REPO },
    repository: { full_name: REPO },
    created_at: r.createdAt ?? dateOf(i, total),
    html_url: `https://github.com/${REPO}/actions/runs/${r.id}`,
  });

  srv.on(`GET /repos/${REPO}/actions/workflows/${WORKFLOW}/runs`, (req) => {
    const hit = opts.intercept?.('list', ++counters.list, req.path);
    if (hit) return hit;
    const per = Number(req.query.get('per_page') ?? 30);
    const page = Number(req.query.get('page') ?? 1);
    // Every status, as the API lists without `status=`: the client tells completed runs apart.
    let start = (page - 1) * per;
    if (opts.pageShift && page > 1) start -= 1;
    const slice = runs.slice(start, start + per).map((r) => wfRun(r, runs.indexOf(r)));
    return { body: { total_count: total, workflow_runs: slice } };
  });
  srv.on(new RegExp(`^GET /repos/${REPO}/actions/runs/(\\d+)/artifacts$`), (req) => {
    const hit = opts.intercept?.('artifacts', ++counters.artifacts, req.path);
    if (hit) return hit;
    const id = Number(/runs\/(\d+)\/artifacts/.exec(req.path)![1]);
    const name = req.query.get('name');
    const list = (artifacts.get(id) ?? [])
      .filter((x) => (x.a.name ?? artName) === (name ?? x.a.name ?? artName))
      .map((x) => ({
        id: x.id,
        node_id: `MDg${x.id}`,
        name: x.a.name ?? artName,
        size_in_bytes: 1234,
        url: `https://api.github.com/repos/${REPO}/actions/artifacts/${x.id}`,
        archive_download_url: `https://api.github.com/repos/${REPO}/actions/artifacts/${x.id}/zip`,
        expired: x.a.expired ?? false,
        ...(x.createdAt === 'absent' ? {} : { created_at: x.createdAt }),
        expires_at: '2026-12-30T00:00:00Z',
        workflow_run: { id, head_branch: 'main' },
      }));
    return { body: { total_count: list.length, artifacts: list } };
  });
  srv.on(`GET /repos/${REPO}/git/ref/heads/main`, () => ({ body: { ref: 'refs/heads/main', object: { sha: MAIN_TIP, type: 'commit' } } }));
  // "Compare two commits": `behind` when the run's commit is in the history of main's tip.
  srv.on(new RegExp(`^GET /repos/${REPO}/compare/${MAIN_TIP}\\.\\.\\.([0-9a-f]{40})$`), (req) => {
    const sha = /\.\.\.([0-9a-f]{40})$/.exec(req.path)![1];
    const run = runs.find((r) => shaOf(r.id) === sha);
    if (!run) return { status: 404, body: { message: 'Not Found' } };
    return { body: { status: run.onBranch === false ? 'diverged' : 'behind', ahead_by: 0, behind_by: 3 } };
  });
  srv.on(new RegExp(`^GET /repos/${REPO}/actions/artifacts/(\\d+)/zip$`), (req) => {
    const hit = opts.intercept?.('zip', ++counters.zip, req.path);
    if (hit) return hit;
    const id = Number(/artifacts\/(\d+)\/zip/.exec(req.path)![1]);
    const a = byId.get(id);
    if (!a) return { status: 404, body: { message: 'Not Found' } };
    if (a.expired || a.gone) return { status: 410, body: { message: 'Artifact has expired' } };
    return { status: 302, headers: { location: `${srv.url}/blob/${id}.zip?sig=abc` } };
  });
  srv.on(/^GET \/blob\/(\d+)\.zip$/, (req) => {
    const hit = opts.intercept?.('blob', ++counters.blob, req.path);
    if (hit) return hit;
    const id = Number(/blob\/(\d+)\.zip/.exec(req.path)![1]);
    const a = byId.get(id)!;
    if (a.zip) return { body: Buffer.from(a.zip) };
    const result = typeof a.result === 'string' ? a.result : JSON.stringify(a.result);
    return { body: Buffer.from(zipOf({ 'security-gate-result.json': result, 'security-gate-summary.md': '# summary', ...(a.extra ?? {}) })) };
  });
}

/** Requests the server saw, by kind (redirect-followed blob downloads are not API requests). */
export function requestKinds(srv: TestServer): { list: number; ref: number; compare: number; artifacts: number; zip: number; blob: number } {
  const k = { list: 0, ref: 0, compare: 0, artifacts: 0, zip: 0, blob: 0 };
  for (const r of srv.requests) {
    if (r.path.endsWith('/runs') && r.path.includes('/workflows/')) k.list++;
    else if (r.path.includes('/git/ref/')) k.ref++;
    else if (r.path.includes('/compare/')) k.compare++;
    else if (r.path.endsWith('/artifacts')) k.artifacts++;
    else if (r.path.endsWith('/zip')) k.zip++;
    else if (r.path.startsWith('/blob/')) k.blob++;
  }
  return k;
}
