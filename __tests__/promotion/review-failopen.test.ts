/**
 * A review of where the promotion evidence fails open: results the gate itself did not treat as a
 * pass that promotion read as "baseline met". Through the real code path (CLI -> history ->
 * evaluate) against the local fake GitHub. Each failed before the fix it names.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { dateOf, serveGitHub, type FakeArtifact } from './helpers/fake-github.js';
import { gateResult } from './helpers/factory.js';
import { criterion, history, runCli, tool, type RunSpec } from './helpers/scenario.js';
import type { ToolId } from '../../src/reports/model.js';
import type { ToolSpec } from './helpers/factory.js';

let srv: TestServer;
beforeEach(async () => {
  srv = await startServer();
});
afterEach(async () => srv.close());

const times = (n: number, s: RunSpec): RunSpec[] => Array.from({ length: n }, () => s);

/** A gate result as JSON, with its tools' entries changed as the gate would have written them. */
function raw(tools: Partial<Record<ToolId, ToolSpec>>, mut: (t: Record<string, unknown> & { findings: Array<Record<string, unknown>> }) => void): RunSpec {
  const g = gateResult(tools) as unknown as { tools: Array<Record<string, unknown> & { findings: Array<Record<string, unknown>> }> };
  for (const t of g.tools) mut(t);
  return { raw: JSON.stringify(g) };
}

describe('review: files the scanner could not read are not a clean scan', () => {
  it('Bandit with a file it could not parse in every run (status ok, scanErrors) does not meet "HIGH = 0"', async () => {
    // Bandit's `errors[]`: a file with a syntax it cannot parse is not scanned. Outside a critical
    // path the gate keeps the status ok and warns ("never a pass": what the file holds is unknown).
    const spec = raw({ bandit: {} }, (t) => {
      t.scanErrors = [{ path: 'app/legacy.py', message: 'syntax error while parsing AST from file' }];
    });
    serveGitHub(srv, history(times(12, spec)));
    const r = await runCli(srv.url, ['--tools', 'bandit']);
    // Before: ready, "met in all 5 runs", on five scans that skipped a file each.
    expect(tool(r.report, 'bandit').ready).toBe(false);
    const c = criterion(r.report, 'bandit', 'stable-baseline');
    expect(c.met).toBe(false);
    expect(c.detail).toMatch(/run #1000 \(1 file not scanned\)/);
  });

  it('a secret scan that could read only part of the added lines does not meet "secrets in added lines = 0"', async () => {
    // The gate's own words for a diff too large to read whole: "the scan is partial", a scan error.
    const spec = raw({ 'secret-scan': {} }, (t) => {
      t.scanErrors = [{ message: 'not every added line could be read: the scan is partial' }];
    });
    serveGitHub(srv, history(times(12, spec)));
    const r = await runCli(srv.url, ['--tools', 'secret-scan']);
    expect(tool(r.report, 'secret-scan').ready).toBe(false);
    expect(criterion(r.report, 'secret-scan', 'stable-baseline').met).toBe(false);
  });

  it('a clean scan still meets the baseline, and a result without scanErrors is not one', async () => {
    const spec = raw({ bandit: {} }, (t) => {
      delete t.scanErrors;
    });
    serveGitHub(srv, history([...times(12, { bandit: {} }), ...times(2, spec)]));
    const r = await runCli(srv.url, ['--tools', 'bandit', '--max-runs', '14', '--window', '14']);
    expect(criterion(r.report, 'bandit', 'stable-baseline').met).toBe(true);
    expect(r.report!.runs.slice(12).every((x) => x.data === 'no-data' && /scanErrors/.test(x.reason ?? ''))).toBe(true);
  });
});

describe('review: deptry / vulture findings the gate could not place count as new, as in the gate', () => {
  // vulture run in a container (`/app/src/...`): paths outside the repository. With the change
  // known, the gate counts such a finding as in the change (fail closed) and records no inChange.
  it.each([
    ['a path outside the repository', (f: Record<string, unknown>) => (f.location = { path: '/app/src/payments.py', line: 3 })],
    ['no path at all', (f: Record<string, unknown>) => delete f.location],
  ])('vulture findings with %s do not pass "no new findings in touched modules"', async (_name, place) => {
    const spec = raw({ vulture: { findings: [{ fingerprint: 'dead', disposition: 'warn' }] } }, (t) => {
      for (const f of t.findings) {
        delete f.inChange;
        place(f);
      }
    });
    serveGitHub(srv, history(times(12, spec)));
    const r = await runCli(srv.url, ['--tools', 'vulture']);
    // Before: "met in all 5 runs": 0 new findings, ready, where the gate counted 1 new in each.
    expect(r.report!.collection.runsWithData).toBe(10);
    expect(tool(r.report, 'vulture').ready).toBe(false);
    expect(criterion(r.report, 'vulture', 'stable-baseline').detail).toMatch(/run #1000 \(1 new findings in touched modules\)/);
  });

  it('a finding the gate placed outside the change is still existing debt', async () => {
    serveGitHub(srv, history(times(12, { vulture: { findings: [{ fingerprint: 'old', inChange: false }] } })));
    const r = await runCli(srv.url, ['--tools', 'vulture']);
    expect(criterion(r.report, 'vulture', 'stable-baseline').met).toBe(true);
  });
});

describe('review: a result written before its run is not that run\'s evidence', () => {
  it('the same old result file uploaded by every run (the gate did not run) is no data', async () => {
    // A result file left in the checkout (committed, or restored from a cache) and uploaded under
    // the gate's artifact name by a step that runs `if: always()`, while the gate itself failed
    // before writing: every run's own artifact holds one clean result of September.
    const stale = JSON.stringify(gateResult({ bandit: {} }, '2026-09-01T00:00:00Z'));
    serveGitHub(srv, history(times(12, { raw: stale })));
    const r = await runCli(srv.url, ['--tools', 'bandit']);
    // Before: ready, on twelve runs "executed" that each uploaded the same September file.
    expect(tool(r.report, 'bandit').ready).toBe(false);
    expect(r.report!.collection.runsWithData).toBe(0);
    expect(r.report!.runs[0]!.reason).toMatch(/generated "2026-09-01T00:00:00Z", before the run was created \(2026-10-01T12:00:00.000Z\)/);
  });

  it('a result with no readable date cannot be tied to its run: no data', async () => {
    serveGitHub(srv, history(times(12, { raw: JSON.stringify(gateResult({ bandit: {} }, 'yesterday')) })));
    const r = await runCli(srv.url, ['--tools', 'bandit']);
    expect(r.report!.collection.runsWithData).toBe(0);
    expect(r.report!.runs[0]!.reason).toMatch(/generatedAt "yesterday" is not a date/);
  });
});

describe('review: a result dated after its artifact was uploaded is not that run\'s evidence', () => {
  const MINUTE = 60_000;
  const iso = (t: number) => new Date(t).toISOString();
  /**
   * Twelve runs, each uploading a clean Bandit result: `{ generatedAt }` dates the result and the API
   * dates the upload ten minutes after the run was created (`upload`); `{ createdAt }` is what the
   * API says of the upload instead, the result being dated five minutes into the run.
   */
  function uploads(made: (upload: number) => { generatedAt: string } | { createdAt: FakeArtifact['createdAt'] }) {
    const runs = history(times(12, { bandit: {} }));
    runs.forEach((r, i) => {
      const created = Date.parse(dateOf(i, runs.length));
      const m = made(created + 10 * MINUTE);
      r.artifact = 'generatedAt' in m ? { result: gateResult({ bandit: {} }, m.generatedAt), createdAt: iso(created + 10 * MINUTE) } : { result: gateResult({ bandit: {} }, iso(created + 5 * MINUTE)), createdAt: m.createdAt };
    });
    return runs;
  }

  it('a clean result made with `--as-of 2099-01-01` and uploaded by hand in every run is no data', async () => {
    // `security-gate --as-of 2099-01-01` dates its result 2099: after every run was created, so the
    // "generated before the run" check let one such file be the evidence of every run that uploads it.
    serveGitHub(srv, uploads(() => ({ generatedAt: '2099-01-01T00:00:00.000Z' })));
    const r = await runCli(srv.url, ['--tools', 'bandit']);
    // Before: ready, on twelve runs that each uploaded the same file of 2099.
    expect(tool(r.report, 'bandit').ready).toBe(false);
    expect(r.report!.collection.runsWithData).toBe(0);
    expect(r.report!.runs[0]!.reason).toBe(
      'security-gate-result.json was generated "2099-01-01T00:00:00.000Z", after artifact 9000 of run 500 was created (2026-10-01T12:10:00.000Z): a result dated for a later time, uploaded in this run, not this run\'s',
    );
  });

  it('one file dated at the newest run\'s upload is that run\'s evidence only, not every older run\'s', async () => {
    // Dated after every run was created, it passed the older check in all twelve.
    const newest = Date.parse(dateOf(0, 12)) + 10 * MINUTE;
    serveGitHub(srv, uploads(() => ({ generatedAt: iso(newest) })));
    const r = await runCli(srv.url, ['--tools', 'bandit']);
    expect(r.report!.runs.filter((x) => x.data === 'ok').map((x) => x.id)).toEqual([500]);
    expect(r.report!.runs[1]!.reason).toMatch(/generated "2026-10-01T12:10:00.000Z", after artifact 9001 of run 499 was created \(2026-10-01T11:10:00.000Z\)/);
    expect(tool(r.report, 'bandit').ready).toBe(false);
  });

  it.each([
    ['4 min 59 s', 299_000, true],
    ['exactly 5 min', 300_000, true],
    ['5 min 1 s', 301_000, false],
  ])('a result dated %s (%i ms) after its upload (a runner clock ahead of GitHub\'s) counts as its run\'s: %s', async (_, ahead, counts) => {
    // The gate dates its result by the runner's clock, GitHub dates the upload by its own: a clock
    // up to 5 minutes ahead is still an honest run's.
    serveGitHub(srv, uploads((upload) => ({ generatedAt: iso(upload + ahead) })));
    const r = await runCli(srv.url, ['--tools', 'bandit']);
    expect(r.report!.runs.filter((x) => x.data === 'ok')).toHaveLength(counts ? 10 : 0); // 10: the window, then it stops
    expect(tool(r.report, 'bandit').ready).toBe(counts);
    if (!counts) expect(r.report!.runs[0]!.reason).toMatch(/generated "2026-10-01T12:15:01.000Z", after artifact 9000 of run 500 was created \(2026-10-01T12:10:00.000Z\)/);
  });

  it.each([
    ['null', null, /^artifact "security-gate-reports" \(id 9000\) does not say when it was created \(created_at null\): its result cannot be tied to this run$/],
    ['left out', 'absent' as const, /^artifact "security-gate-reports" \(id 9000\) does not say when it was created \(created_at missing\): its result cannot be tied to this run$/],
    ['not a date', 'soon (trust me)', /^artifact "security-gate-reports" \(id 9000\) has created_at "soon \(trust me\)", not a date: its result cannot be tied to this run$/],
  ])('an artifact whose created_at is %s: the result cannot be checked against it, no data', async (_, createdAt, reason) => {
    // The API's schema allows `created_at: null`: an upload time unsaid is not taken as "after the result".
    serveGitHub(srv, uploads(() => ({ createdAt })));
    const r = await runCli(srv.url, ['--tools', 'bandit']);
    expect(r.report!.collection.runsWithData).toBe(0);
    expect(tool(r.report, 'bandit').ready).toBe(false);
    expect(r.report!.runs[0]!.reason).toMatch(reason);
  });
});
