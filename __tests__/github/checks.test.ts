/** Annotations through the Checks API (batches of 50) and the fallback to workflow commands, against a local GitHub-shaped server. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createHttpClient } from '../../src/io/http.js';
import { postCheckRun, toCheckAnnotation, type CheckAnnotation } from '../../src/github/checks.js';
import { conclusionFor, publishAnnotations, type AnnotationSink } from '../../src/github/annotate.js';
import { formatAnnotationCommand, planAnnotations, type Annotation } from '../../src/render/annotations.js';
import type { EvaluatedFinding, GateResult } from '../../src/policy/result.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { finding, gateResult, toolResult } from '../render/annotations.fixtures.js';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function fakeChecks(opts: { forbid?: boolean; failPatch?: boolean } = {}) {
  const srv = await startServer();
  servers.push(srv);
  srv.on('POST /repos/o/r/check-runs', () =>
    opts.forbid ? { status: 403, body: { message: 'Resource not accessible by integration' } } : { status: 201, body: { id: 77, html_url: 'https://github.com/o/r/runs/77' } },
  );
  srv.on('PATCH /repos/o/r/check-runs/77', () => (opts.failPatch ? { status: 502, body: { message: 'Bad Gateway' } } : { body: { id: 77 } }));
  const client = createHttpClient({ baseUrl: srv.url, token: 't', backoffMs: 1, retries: 1 });
  const bodies = () => srv.requests.map((r) => ({ method: r.method, path: r.path, body: JSON.parse(r.body || '{}') as Record<string, unknown> }));
  return { srv, client, bodies };
}

function located(n: number): Annotation[] {
  const out: Annotation[] = [];
  for (let i = 1; i <= n; i++) out.push({ level: i % 3 === 0 ? 'notice' : i % 3 === 1 ? 'error' : 'warning', title: `t${i}`, message: `m${i}`, file: `src/f${i}.py`, line: i });
  return out;
}

/** Records the calls `@actions/core` would get, as the command lines it would print. */
function sink(): AnnotationSink & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: Annotation['level']) => (message: string, p: Parameters<AnnotationSink['error']>[1] = {}) => {
    const a: Annotation = { level, message, title: p.title ?? '' };
    if (p.file !== undefined) a.file = p.file;
    if (p.startLine !== undefined) a.line = p.startLine;
    if (p.endLine !== undefined) a.endLine = p.endLine;
    if (p.startColumn !== undefined) a.col = p.startColumn;
    if (p.endColumn !== undefined) a.endColumn = p.endColumn;
    lines.push(formatAnnotationCommand(a));
  };
  return { lines, error: rec('error'), warning: rec('warning'), notice: rec('notice') };
}

function manyFindings(): GateResult {
  const fs: EvaluatedFinding[] = [];
  for (let i = 0; i < 30; i++) fs.push(finding({ disposition: 'block', severity: 'high', title: `b${i}`, location: { path: `src/b${i}.py`, line: i + 1 } }));
  for (let i = 0; i < 40; i++) fs.push(finding({ disposition: 'warn', severity: 'medium', title: `w${i}`, location: { path: `src/w${i}.py`, line: i + 1 } }));
  const pip = [finding({ tool: 'pip-audit', ruleId: 'GHSA-1', disposition: 'block', severity: 'critical', title: 'vuln', location: undefined, package: { name: 'x', version: '1' } })];
  return gateResult([toolResult('bandit', fs, { phase: 2 }), toolResult('pip-audit', pip, { phase: 2 })]);
}

describe('postCheckRun', () => {
  it('posts every annotation in batches of 50 and completes the run', async () => {
    const g = await fakeChecks();
    const out = await postCheckRun({ client: g.client, owner: 'o', repo: 'r', headSha: 'abc', annotations: located(120), title: 'T', summary: 'S', conclusion: 'failure', completedAt: '2026-11-29T10:00:00Z' });
    expect(out).toEqual({ ok: true, checkRunId: 77, posted: 120, requests: 3, url: 'https://github.com/o/r/runs/77' });
    const reqs = g.bodies();
    expect(reqs.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /repos/o/r/check-runs', 'PATCH /repos/o/r/check-runs/77', 'PATCH /repos/o/r/check-runs/77']);
    const counts = reqs.map((r) => ((r.body.output as { annotations?: unknown[] }).annotations ?? []).length);
    expect(counts).toEqual([50, 50, 20]);
    expect(reqs[0]!.body).toMatchObject({ name: 'security-gate', head_sha: 'abc', status: 'in_progress' });
    expect(reqs[1]!.body.status).toBeUndefined();
    expect(reqs[2]!.body).toMatchObject({ status: 'completed', conclusion: 'failure', completed_at: '2026-11-29T10:00:00Z' });
    const first = (reqs[0]!.body.output as { annotations: CheckAnnotation[] }).annotations[0]!;
    expect(first).toEqual({ path: 'src/f1.py', start_line: 1, end_line: 1, annotation_level: 'failure', message: 'm1', title: 't1' });
  });

  it('a few annotations: one request, created completed', async () => {
    const g = await fakeChecks();
    const out = await postCheckRun({ client: g.client, owner: 'o', repo: 'r', headSha: 'abc', annotations: located(3), title: 'T', summary: 'S', conclusion: 'neutral' });
    expect(out.ok && out.requests).toBe(1);
    expect(g.bodies()[0]!.body).toMatchObject({ status: 'completed', conclusion: 'neutral' });
  });

  it('403 (fork) asks for the fallback', async () => {
    const g = await fakeChecks({ forbid: true });
    const out = await postCheckRun({ client: g.client, owner: 'o', repo: 'r', headSha: 'abc', annotations: located(3), title: 'T', summary: 'S', conclusion: 'neutral' });
    expect(out).toMatchObject({ ok: false, fallback: true, forbidden: true, posted: 0 });
    expect(!out.ok && out.reason).toMatch(/HTTP 403.*checks: write/);
  });

  it('a failure half-way still completes the run (best effort) and asks for the fallback', async () => {
    const g = await fakeChecks({ failPatch: true });
    const out = await postCheckRun({ client: g.client, owner: 'o', repo: 'r', headSha: 'abc', annotations: located(60), title: 'T', summary: 'S', conclusion: 'neutral' });
    expect(out).toMatchObject({ ok: false, fallback: true, forbidden: false, posted: 50 });
    const last = g.bodies().at(-1)!;
    expect(last).toMatchObject({ method: 'PATCH', body: { status: 'completed' } });
  });

  /**
   * A Checks API whose first POST makes the run and then answers 502. The commit already has a run
   * of the same name from another run of the gate; the runs of a commit are listed by name.
   */
  async function flakyChecks(opts: { listable: boolean }) {
    const srv = await startServer();
    servers.push(srv);
    const runs: Array<{ id: number; name: string; external_id?: string; html_url: string }> = [
      { id: 90, name: 'security-gate', external_id: 'security-gate:another-run', html_url: 'https://github.com/o/r/runs/90' },
    ];
    let posts = 0;
    srv.on('POST /repos/o/r/check-runs', (req) => {
      const b = JSON.parse(req.body) as { name: string; external_id?: string };
      const id = 101 + posts;
      const run = { id, name: b.name, ...(b.external_id !== undefined ? { external_id: b.external_id } : {}), html_url: `https://github.com/o/r/runs/${id}` };
      runs.push(run);
      return posts++ === 0 ? { status: 502, body: { message: 'Bad Gateway' } } : { status: 201, body: run };
    });
    srv.on(/^PATCH \/repos\/o\/r\/check-runs\/\d+$/, () => ({ body: {} }));
    srv.on('GET /repos/o/r/commits/abc/check-runs', (req) =>
      opts.listable ? { body: { total_count: runs.length, check_runs: runs.filter((r) => r.name === req.query.get('check_name')) } } : { status: 403, body: { message: 'Resource not accessible by integration' } },
    );
    const client = createHttpClient({ baseUrl: srv.url, token: 't', backoffMs: 1, retries: 1 });
    return { srv, client, runs };
  }

  it('a POST answered 502 after GitHub made the run is not sent again: the run it made is completed, no second one', async () => {
    const g = await flakyChecks({ listable: true });
    const out = await postCheckRun({ client: g.client, owner: 'o', repo: 'r', headSha: 'abc', annotations: located(60), title: 'T', summary: 'S', conclusion: 'neutral' });
    const posts = g.srv.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(out).toMatchObject({ ok: true, checkRunId: 101, posted: 60, url: 'https://github.com/o/r/runs/101' });
    expect(g.srv.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual(['/repos/o/r/check-runs/101']);
  });

  it('when the runs cannot be listed, the POST is sent again as before', async () => {
    const g = await flakyChecks({ listable: false });
    const out = await postCheckRun({ client: g.client, owner: 'o', repo: 'r', headSha: 'abc', annotations: located(3), title: 'T', summary: 'S', conclusion: 'neutral' });
    expect(g.srv.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(out).toMatchObject({ ok: true, posted: 3 });
  });

  it('toCheckAnnotation: columns only on one line; file-less skipped', () => {
    expect(toCheckAnnotation({ level: 'warning', title: 't', message: 'm', file: 'a.py', line: 2, endLine: 4, col: 3 })).toEqual({
      path: 'a.py', start_line: 2, end_line: 4, annotation_level: 'warning', message: 'm', title: 't',
    });
    expect(toCheckAnnotation({ level: 'notice', title: 't', message: 'm', file: 'a.py', line: 2, col: 3, endColumn: 9 })).toMatchObject({ start_column: 3, end_column: 9 });
    expect(toCheckAnnotation({ level: 'notice', title: 't', message: 'm', file: 'a.py' })).toMatchObject({ start_line: 1, end_line: 1 });
    expect(toCheckAnnotation({ level: 'error', title: 't', message: 'm' })).toBeUndefined();
  });
});

describe('publishAnnotations', () => {
  it('workflow commands: exactly the capped plan, through the sink', async () => {
    const r = manyFindings();
    const s = sink();
    const out = await publishAnnotations(r, { mode: 'all', sink: s, detailsUrl: 'https://x/run' });
    expect(out).toEqual({ channel: 'workflow-commands', emitted: 21, posted: 0 });
    expect(s.lines).toEqual(planAnnotations(r, { mode: 'all', detailsUrl: 'https://x/run' }).map(formatAnnotationCommand));
  });

  it('via checks: located ones posted uncapped, file-less ones as commands', async () => {
    const g = await fakeChecks();
    const s = sink();
    const r = manyFindings();
    const out = await publishAnnotations(r, { mode: 'all', viaChecks: true, sink: s, checks: { client: g.client, owner: 'o', repo: 'r', headSha: 'abc' } });
    expect(out).toMatchObject({ channel: 'checks', posted: 70, emitted: 1, checkRunUrl: 'https://github.com/o/r/runs/77' });
    expect(s.lines).toHaveLength(1);
    expect(s.lines[0]).toMatch(/^::error title=pip-audit GHSA-1/);
    expect(g.bodies().at(-1)!.body).toMatchObject({ conclusion: 'failure' });
  });

  it('via checks refused (403): one notice, then the capped commands', async () => {
    const g = await fakeChecks({ forbid: true });
    const s = sink();
    const out = await publishAnnotations(manyFindings(), { mode: 'all', viaChecks: true, sink: s, checks: { client: g.client, owner: 'o', repo: 'r', headSha: 'abc' } });
    expect(out.channel).toBe('workflow-commands');
    expect(out.fallbackReason).toMatch(/HTTP 403/);
    expect(s.lines[0]).toMatch(/^::notice title=security-gate%3A annotations fall back to workflow commands::annotations-via-checks: the token may not create check runs/);
    expect(s.lines.filter((l) => l.startsWith('::error'))).toHaveLength(10);
    expect(s.lines.filter((l) => l.startsWith('::notice'))).toHaveLength(2); // fallback + overflow
    expect(s.lines.at(-1)).toMatch(/more findings not annotated/);
  });

  it('via checks without a token or commit: a notice, then the capped commands', async () => {
    const s = sink();
    const out = await publishAnnotations(manyFindings(), { mode: 'all', viaChecks: true, sink: s });
    expect(out.fallbackReason).toMatch(/no github-token/);
    expect(s.lines[0]).toMatch(/^::notice title=security-gate%3A annotations fall back/);
    expect(s.lines).toHaveLength(22);
  });

  it('mode none: nothing at all', async () => {
    const s = sink();
    expect(await publishAnnotations(manyFindings(), { mode: 'none', sink: s })).toEqual({ channel: 'none', emitted: 0, posted: 0 });
    expect(s.lines).toEqual([]);
  });

  it('conclusion follows the verdict', () => {
    expect(conclusionFor({ verdict: 'block', shouldFail: true })).toBe('failure');
    expect(conclusionFor({ verdict: 'warn', shouldFail: false })).toBe('neutral');
    expect(conclusionFor({ verdict: 'pass', shouldFail: false })).toBe('success');
  });
});
