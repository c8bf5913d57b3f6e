/**
 * A review of where the promotion evidence fails open: results the gate itself did not treat as a
 * pass that promotion read as "baseline met". Through the real code path (CLI -> history ->
 * evaluate) against the local fake GitHub. Each failed before the fix it names.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { serveGitHub } from './helpers/fake-github.js';
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
    expect(r.report!.runs[0]!.reason).toMatch(/generated 2026-09-01T00:00:00Z, before the run was created \(2026-10-01T12:00:00.000Z\)/);
  });

  it('a result with no readable date cannot be tied to its run: no data', async () => {
    serveGitHub(srv, history(times(12, { raw: JSON.stringify(gateResult({ bandit: {} }, 'yesterday')) })));
    const r = await runCli(srv.url, ['--tools', 'bandit']);
    expect(r.report!.collection.runsWithData).toBe(0);
    expect(r.report!.runs[0]!.reason).toMatch(/generatedAt "yesterday" is not a date/);
  });
});
