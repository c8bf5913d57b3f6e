/**
 * Adversarial review of the promotion evidence: runs and artifacts that must not count, through the
 * real code path (CLI -> history -> evaluate) against the local fake GitHub. Each failed before the
 * fix it names.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { serveGitHub } from './helpers/fake-github.js';
import { gateResult } from './helpers/factory.js';
import { criterion, history, runCli, tool, type RunSpec } from './helpers/scenario.js';

let srv: TestServer;
beforeEach(async () => {
  srv = await startServer();
});
afterEach(async () => srv.close());

const clean: RunSpec = { bandit: { findings: [{ fingerprint: 'b-low', severity: 'low' }] } };
const high: RunSpec = { bandit: { findings: [{ fingerprint: 'h', severity: 'high' }] } };
const times = (n: number, s: RunSpec): RunSpec[] => Array.from({ length: n }, () => s);

describe('review: only push/schedule/workflow_dispatch runs are evidence', () => {
  it.each(['issue_comment', 'workflow_run', 'repository_dispatch'])(
    'runs triggered by %s (default-branch context, but may check out and scan a PR) do not count',
    async (event) => {
      // 5 newest runs: `event` (e.g. an /ok-to-test comment that scans the PR's head), clean;
      // the branch's own push runs all have a Bandit HIGH.
      const runs = history([...times(5, clean), ...times(20, high)]);
      for (let i = 0; i < 5; i++) runs[i]!.event = event;
      serveGitHub(srv, runs);
      const r = await runCli(srv.url);
      expect(tool(r.report, 'bandit').ready).toBe(false);
      expect(r.report!.runs.map((x) => x.event)).not.toContain(event);
    },
  );
});

describe('review: a run whose identity the API answer does not establish is no evidence', () => {
  it('missing status / event / head_branch / head_repository are not read as "completed push on main from this repo"', async () => {
    const runs = history(times(12, clean));
    serveGitHub(srv, runs, {
      // A degraded / proxied answer: the fields the trust filter relies on are absent or null.
      intercept: (kind) =>
        kind === 'list'
          ? {
              body: {
                total_count: runs.length,
                workflow_runs: runs.map((x, i) => ({ id: x.id, run_number: 1000 - i, created_at: `2026-10-01T${String(23 - i).padStart(2, '0')}:00:00Z`, head_branch: null, head_repository: null })),
              },
            }
          : undefined,
    });
    const r = await runCli(srv.url, ['--tools', 'bandit']);
    // Before: all 12 accepted, bandit "ready" on runs of unknown event, branch, repository and status.
    expect(tool(r.report, 'bandit').ready).toBe(false);
    expect(r.report!.collection.runsExamined).toBe(0);
    expect(r.report!.collection.skipped.inProgress).toBe(12);
  });
});

describe('review: a tag called `main` is not the main branch', () => {
  it('a run whose commit is not in the history of main (a tag named main, head_branch = the tag) is no data', async () => {
    // A collaborator who cannot push to protected main pushes a tag named `main` on any commit.
    const runs = history([...times(5, clean), ...times(20, high)]);
    for (let i = 0; i < 5; i++) runs[i]!.onBranch = false;
    serveGitHub(srv, runs);
    const r = await runCli(srv.url);
    expect(tool(r.report, 'bandit').ready).toBe(false);
    expect(r.report!.runs.slice(0, 5).every((x) => x.data === 'no-data' && /is not in the history of main \(diverged\): a tag's push/.test(x.reason ?? ''))).toBe(true);
    expect(r.report!.runs.slice(5).every((x) => x.data === 'ok')).toBe(true);
  });
});

describe('review: the artifact must belong to the run it is evidence for', () => {
  it("another run's artifact in a run's artifact list is not that run's evidence", async () => {
    // Runs 499..486 never uploaded; the artifact list of each answers with run 500's artifact
    // (workflow_run.id 500). One real result becomes 10 runs of evidence.
    const runs = history([clean, ...times(14, 'no-artifact')]);
    const of500 = { id: 9000, name: 'security-gate-reports', expired: false, size_in_bytes: 1234, created_at: '2026-11-01T00:01:00.000Z', expires_at: '2026-12-30T00:00:00Z', workflow_run: { id: 500, head_branch: 'main' } };
    serveGitHub(srv, runs, {
      intercept: (kind, _n, path) => (kind === 'artifacts' && !path.includes('/runs/500/') ? { body: { total_count: 1, artifacts: [of500] } } : undefined),
    });
    const r = await runCli(srv.url);
    // Today: 10 runs "with data", all the same artifact 9000: bandit "executed in 10 runs", ready.
    expect(tool(r.report, 'bandit').ready).toBe(false);
    expect(r.report!.collection.runsWithData).toBe(1);
  });
});

describe('review: a result whose counts disagree with its findings is not evidence', () => {
  const bad = (mut: (t: Record<string, unknown>) => void): RunSpec => {
    const g = gateResult({ bandit: {}, gitleaks: {} }) as unknown as { tools: Array<Record<string, unknown>> };
    for (const t of g.tools) mut(t);
    return { raw: JSON.stringify(g) };
  };

  it('Bandit: severity.high = 3 with an empty findings list passes "HIGH = 0"', async () => {
    const spec = bad((t) => {
      if (t.tool === 'bandit') t.severity = { critical: 0, high: 3, medium: 0, low: 0, info: 0, unknown: 0 };
    });
    serveGitHub(srv, history(times(12, spec)));
    const r = await runCli(srv.url, ['--tools', 'bandit']);
    expect(tool(r.report, 'bandit').ready).toBe(false);
    expect(r.report!.collection.runsWithData).toBe(0);
    expect(r.report!.runs[0]!.reason).toMatch(/\$\.tools\[0\]\.severity\.high: 3, but 0 of its findings are high/);
  });

  it('gitleaks: unwaived blocking findings with counts all 0 pass "active secrets = 0"', async () => {
    const g = gateResult({ gitleaks: { findings: [{ fingerprint: 's1', severity: 'high', disposition: 'block' }] } }) as unknown as { tools: Array<Record<string, unknown>> };
    g.tools[0]!.counts = { block: 0, warn: 0, info: 0, waived: 0, wouldBlock: 0 };
    serveGitHub(srv, history(times(12, { raw: JSON.stringify(g) })));
    const r = await runCli(srv.url, ['--tools', 'gitleaks']);
    expect(tool(r.report, 'gitleaks').ready).toBe(false);
    expect(r.report!.collection.runsWithData).toBe(0);
    expect(r.report!.runs[0]!.reason).toMatch(/counts\.block: 0, but 1 of its findings are block/);
  });
});

describe('review: a pending re-run must not make a bad run vanish from the stretch', () => {
  it('run 497 (attempt 1: Bandit HIGH) re-run and left queued/waiting: it is a gap, not skipped', async () => {
    // A collaborator re-runs the bad run; attempt 2 waits (environment approval: up to 30 days).
    // The list then shows the run as not completed (and `status=completed` hides it entirely).
    const runs = history(times(20, clean));
    Object.assign(runs[3]!, { status: 'waiting', conclusion: null, attempt: 2, artifact: { result: gateResult({ bandit: { findings: [{ fingerprint: 'h', severity: 'high' }] } }) } });
    serveGitHub(srv, runs);
    const r = await runCli(srv.url);
    // Today: 497 is counted as "1 run not completed yet was skipped", the stretch 500..495 is "no gap": ready.
    expect(tool(r.report, 'bandit').ready).toBe(false);
    expect(criterion(r.report, 'bandit', 'stable-consecutive').met).toBe(false);
  });
});
