// A GitHub-REST-shaped server on 127.0.0.1 for the promotion-evidence benchmark (the same routes as
// __tests__/promotion/helpers/fake-github.ts): list workflow runs, read main's tip, compare a run's
// commit with it, list a run's artifacts, download an artifact (302 to a local blob URL, like github.com).
// Every answer waits `latencyMs`. __tests__/promotion/bench-server.test.ts keeps it in step.
import { createServer } from 'node:http';
import { zipSync, strToU8 } from 'fflate';

export const REPO = 'acme/api';
export const WORKFLOW = 'ci.yml';

/** `runs` completed runs on main, newest first, each with one gate artifact holding `resultJson`. */
export async function serveGitHub({ runs = 10, resultJson, latencyMs = 50, artifactName = 'security-gate-reports' }) {
  const state = { requests: 0, byKind: { list: 0, ref: 0, compare: 0, artifacts: 0, zip: 0, blob: 0 } };
  const tip = 'e'.repeat(40);
  const shaOf = (id) => id.toString(16).padStart(40, 'c');
  const zip = Buffer.from(zipSync({ 'security-gate-result.json': strToU8(resultJson), 'security-gate-summary.md': strToU8('# summary\n') }));
  const ids = Array.from({ length: runs }, (_, i) => 500 - i);
  const created = (i) => new Date(Date.UTC(2026, 9, 1) + (runs - i) * 3_600_000).toISOString();
  // An honest upload: after its run was created and after the result inside was written (promotion
  // refuses a result dated more than a few minutes after its artifact).
  let writtenAt = NaN;
  try {
    writtenAt = Date.parse(JSON.parse(resultJson).generatedAt);
  } catch {
    /* not JSON: dated by its run */
  }
  const uploaded = (i) => new Date(Math.max(Date.parse(created(i)), Number.isFinite(writtenAt) ? writtenAt : 0) + 60_000).toISOString();
  let base = '';
  const server = createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status, body, headers = {}) =>
      setTimeout(() => {
        const data = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
        res.writeHead(status, { 'content-type': Buffer.isBuffer(body) ? 'application/zip' : 'application/json', 'content-length': data.length, ...headers });
        res.end(data);
      }, latencyMs);
    state.requests++;
    let m;
    if (url.pathname === `/repos/${REPO}/actions/workflows/${WORKFLOW}/runs`) {
      state.byKind.list++;
      const per = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = ids.slice((page - 1) * per, page * per);
      return send(200, {
        total_count: ids.length,
        workflow_runs: slice.map((id) => {
          const i = ids.indexOf(id);
          return {
            id, name: 'CI', run_number: 1000 - i, run_attempt: 1, event: 'push', status: 'completed', conclusion: 'success',
            head_branch: 'main', head_sha: shaOf(id), head_repository: { full_name: REPO }, repository: { full_name: REPO },
            created_at: created(i), html_url: `https://github.com/${REPO}/actions/runs/${id}`,
          };
        }),
      });
    }
    if (url.pathname === `/repos/${REPO}/git/ref/heads/main`) {
      state.byKind.ref++;
      return send(200, { ref: 'refs/heads/main', object: { sha: tip, type: 'commit' } });
    }
    if ((m = new RegExp(`^/repos/${REPO}/compare/${tip}\\.\\.\\.([0-9a-f]{40})$`).exec(url.pathname))) {
      state.byKind.compare++;
      return ids.some((id) => shaOf(id) === m[1]) ? send(200, { status: 'behind', ahead_by: 0, behind_by: 1 }) : send(404, { message: 'Not Found' });
    }
    if ((m = new RegExp(`^/repos/${REPO}/actions/runs/(\\d+)/artifacts$`).exec(url.pathname))) {
      state.byKind.artifacts++;
      const id = Number(m[1]);
      const i = ids.indexOf(id);
      const list = i < 0 ? [] : [{
        id: 9000 + i, node_id: `MDg${9000 + i}`, name: artifactName, size_in_bytes: zip.length,
        url: `https://api.github.com/repos/${REPO}/actions/artifacts/${9000 + i}`,
        archive_download_url: `https://api.github.com/repos/${REPO}/actions/artifacts/${9000 + i}/zip`,
        expired: false, created_at: uploaded(i), expires_at: '2026-12-30T00:00:00Z', workflow_run: { id, head_branch: 'main' },
      }];
      return send(200, { total_count: list.length, artifacts: list });
    }
    if ((m = new RegExp(`^/repos/${REPO}/actions/artifacts/(\\d+)/zip$`).exec(url.pathname))) {
      state.byKind.zip++;
      return send(302, { message: 'Found' }, { location: `${base}/blob/${m[1]}.zip?sig=abc` });
    }
    if (/^\/blob\/\d+\.zip$/.test(url.pathname)) {
      state.byKind.blob++;
      return send(200, zip);
    }
    return send(404, { message: 'Not Found' });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  return { url: base, state, close: () => new Promise((r) => server.close(r)) };
}
