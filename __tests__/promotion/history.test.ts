/**
 * `security-gate promotion` end to end against a real local HTTP server answering GitHub REST
 * shapes (runs, artifacts, 302 + zip download), with histories built from gate results.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startServer, type Reply, type TestServer } from '../helpers/http-server.js';
import { requestKinds, serveGitHub, zipOf } from './helpers/fake-github.js';
import { gateResult } from './helpers/factory.js';
import { criterion, history, JUSTFILE, runCli, tool, type RunSpec } from './helpers/scenario.js';

let srv: TestServer;
beforeEach(async () => {
  srv = await startServer();
});
afterEach(async () => srv.close());

const clean: RunSpec = { bandit: { findings: [{ fingerprint: 'b-low', severity: 'low' }] } };
const times = (n: number, s: RunSpec): RunSpec[] => Array.from({ length: n }, () => s);

/** A directory outside the run's, holding a file a link could redirect a write to; removed afterwards. */
async function withOutside(fn: (outside: string, victim: string) => Promise<void>): Promise<void> {
  const outside = await mkdtemp(join(tmpdir(), 'promotion-outside-'));
  try {
    const victim = join(outside, 'victim.sh');
    await writeFile(victim, 'echo original\n');
    await fn(outside, victim);
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
}

describe('promotion: a tool with the evidence', () => {
  it('is ready after 10 clean runs, with evidence, metrics and the fewest requests', async () => {
    serveGitHub(srv, history(times(25, clean)));
    const r = await runCli(srv.url);
    expect(r.code).toBe(0);
    const b = tool(r.report, 'bandit');
    expect(b.ready).toBe(true);
    expect(b.verdict).toBe('ready');
    expect(r.report!.verdict.ready).toEqual(['bandit']);
    expect(criterion(r.report, 'bandit', 'executed-in-window').evidence.map((e) => e.id)).toEqual([500, 499, 498, 497, 496, 495, 494, 493, 492, 491]);
    expect(criterion(r.report, 'bandit', 'stable-consecutive').evidence[0]).toMatchObject({ id: 500, number: 1000, url: 'https://github.com/acme/api/actions/runs/500' });
    // Only as many runs as needed: 1 list request, main's tip, and per run its commit's check, a lookup, a download.
    expect(r.report!.collection.runsExamined).toBe(10);
    expect(r.report!.requests).toEqual({ total: 32, list: 1, commitChecks: 11, artifactLookups: 10, downloads: 10 });
    expect(requestKinds(srv)).toEqual({ list: 1, ref: 1, compare: 10, artifacts: 10, zip: 10, blob: 10 });
    expect(srv.requests.find((q) => q.path.endsWith('/runs'))!.query.get('per_page')).toBe('100');
    // Every status: a re-run still running must be seen (a gap), not filtered out by the API.
    expect(srv.requests.find((q) => q.path.endsWith('/runs'))!.query.get('status')).toBeNull();
    expect(srv.requests.find((q) => q.path.endsWith('/runs'))!.query.get('branch')).toBe('main');
    expect(srv.requests.every((q) => q.headers.authorization === 'Bearer test-token')).toBe(true);
    expect(b.metrics.scanCoverage).toBe(1);
    expect(r.stdout).toContain('bandit: ready');
    expect(r.markdown).toContain('Bandit: ready for phase 2');
  });
});

describe('promotion: never ready without the data', () => {
  it('fewer runs than the window: not ready, says why', async () => {
    serveGitHub(srv, history(times(4, clean)));
    const r = await runCli(srv.url);
    expect(r.code).toBe(0);
    const b = tool(r.report, 'bandit');
    expect(b.ready).toBe(false);
    expect(b.verdict).toMatch(/^not ready, because executed in at least 10 runs: executed in 4 of 4 runs examined \(needs 10\); latest 5 runs where it executed are consecutive, up to the newest run: only 4 runs/);
    expect(r.report!.collection.stoppedBecause).toBe('no-more-runs');
    expect(r.report!.notices.join('\n')).toContain('only 4 completed run(s) on main');
    expect(r.report!.requests).toEqual({ total: 14, list: 1, commitChecks: 5, artifactLookups: 4, downloads: 4 });
  });

  it('expired and missing artifacts are no data: not executions, and they break the stable stretch', async () => {
    const specs: RunSpec[] = [...times(3, clean), 'expired', ...times(2, clean), 'no-artifact', ...times(20, clean)];
    serveGitHub(srv, history(specs));
    const r = await runCli(srv.url);
    const b = tool(r.report, 'bandit');
    expect(b.ready).toBe(false);
    const cons = criterion(r.report, 'bandit', 'stable-consecutive');
    expect(cons.met).toBe(false);
    expect(cons.detail).toContain('run #997 has no data (artifact "security-gate-reports" expired on 2026-12-30)');
    expect(criterion(r.report, 'bandit', 'executed-in-window').met).toBe(true);
    // 12 runs examined (2 without data), expired one never downloaded.
    expect(r.report!.collection).toMatchObject({ runsExamined: 12, runsWithData: 10 });
    expect(r.report!.requests).toMatchObject({ artifactLookups: 12, downloads: 10 });
    const noData = r.report!.runs.filter((x) => x.data === 'no-data');
    expect(noData.map((x) => [x.id, x.reason])).toEqual([
      [497, 'artifact "security-gate-reports" expired on 2026-12-30'],
      [494, 'no artifact named "security-gate-reports" (never uploaded, or deleted)'],
    ]);
    expect(b.metrics.scanCoverage).toBe(0.8333);
  });

  it('an artifact that expired between listing and download (410) is no data, and the newest run must have data', async () => {
    const runs = history(times(12, clean));
    runs[0]!.artifact!.gone = true;
    serveGitHub(srv, runs);
    const r = await runCli(srv.url);
    expect(r.report!.runs[0]).toMatchObject({ id: 500, data: 'no-data', reason: expect.stringContaining('HTTP 410') });
    // 11 clean runs before it are not enough: nothing proves the newest run was clean.
    expect(tool(r.report, 'bandit').ready).toBe(false);
    const c = criterion(r.report, 'bandit', 'stable-consecutive');
    expect(c.detail).toBe('newer runs without it: run #1000 has no data (artifact "security-gate-reports" could not be downloaded (HTTP 410: expired or deleted))');
    expect(c.evidence.map((e) => e.id)).toEqual([500, 499, 498, 497, 496, 495]);
  });

  it('a malformed result is no data for that run, with the place', async () => {
    const bad = JSON.stringify({ ...gateResult({ bandit: {} }), tools: [{ ...gateResult({ bandit: {} }).tools[0], counts: { block: 'x' } }] });
    serveGitHub(srv, history([{ raw: bad }, { raw: '{"schemaVersion": 2, "generatedAt": "2026-11-01T00:00:00Z", "tools": []}' }, { raw: 'not json' }, ...times(12, clean)]));
    const r = await runCli(srv.url);
    expect(r.report!.runs.slice(0, 3).map((x) => x.reason)).toEqual([
      'malformed result: security-gate-result.json: $.tools[0].counts.block: expected number, received string (and 4 more problems)',
      'malformed result: security-gate-result.json: $.schemaVersion: expected 1, got 2 (a result version this reader does not understand)',
      expect.stringMatching(/^malformed result: security-gate-result\.json is not valid JSON/),
    ]);
    expect(criterion(r.report, 'bandit', 'executed-in-window').met).toBe(true);
    expect(criterion(r.report, 'bandit', 'stable-consecutive').detail).toMatch(/^newer runs without it: run #1000 has no data \(malformed result/);
    expect(tool(r.report, 'bandit').ready).toBe(false);
  });

  it('an artifact without the result file, or not a zip, is no data', async () => {
    const runs = history(times(12, clean));
    runs[0]!.artifact = { zip: zipOf({ 'bandit.json': '{}' }) };
    runs[1]!.artifact = { zip: new TextEncoder().encode('<html>not a zip</html>') };
    serveGitHub(srv, runs);
    const r = await runCli(srv.url);
    expect(r.report!.runs[0]!.reason).toBe('the artifact has no security-gate-result.json');
    expect(r.report!.runs[1]!.reason).toMatch(/^the artifact is not a readable zip/);
  });

  it('runs in progress are skipped, re-runs count once (latest attempt)', async () => {
    const runs = history(['in-progress', ...times(11, clean)]);
    runs[2]!.attempt = 2;
    // Attempt 1 uploaded a result with a HIGH; the re-run (attempt 2) uploaded a clean one: the latest wins.
    runs[2]!.earlierArtifacts = [{ result: gateResult({ bandit: { findings: [{ fingerprint: 'h', severity: 'high' }] } }) }];
    serveGitHub(srv, runs, { pageShift: false });
    const r = await runCli(srv.url);
    expect(r.report!.collection.skipped.inProgress).toBe(1);
    expect(r.report!.runs.map((x) => x.id)).not.toContain(500);
    expect(r.report!.runs.find((x) => x.id === 498)!.attempt).toBe(2);
    expect(tool(r.report, 'bandit').ready).toBe(true);
    expect(r.report!.notices.join('\n')).toContain('1 run not completed yet was skipped');
  });

  it('pull-request runs (a fork\'s branch called main) and other branches never count', async () => {
    const runs = history(times(14, clean));
    const high = gateResult({ bandit: { findings: [{ fingerprint: 'h', severity: 'high' }] } });
    Object.assign(runs[0]!, { event: 'pull_request', headRepo: 'mallory/api' });
    Object.assign(runs[1]!, { event: 'push', headRepo: 'mallory/api' });
    Object.assign(runs[2]!, { branch: 'feature' });
    for (const i of [3, 4]) runs[i]!.artifact = { result: high };
    for (const i of [0, 1, 2]) runs[i]!.artifact = { result: gateResult({ bandit: {} }) };
    serveGitHub(srv, runs);
    const r = await runCli(srv.url);
    expect(r.report!.runs[0]!.id).toBe(497);
    expect(r.report!.collection.skipped).toEqual({ inProgress: 0, duplicates: 0, otherBranch: 1, pullRequest: 2, otherEvent: 0 });
    expect(tool(r.report, 'bandit').ready).toBe(false);
    expect(criterion(r.report, 'bandit', 'stable-baseline').detail).toBe('not met in run #997 (1 HIGH), run #996 (1 HIGH)');
  });

  it('a regression in the middle of the stable stretch: not ready, naming the runs', async () => {
    const f = (n: number) => ({ bandit: { findings: Array.from({ length: n }, (_, i) => ({ fingerprint: `m${i}`, severity: 'medium' as const })) } });
    // newest first: 2, 2, 3(rise from 2), 2, 2, then older runs
    serveGitHub(srv, history([f(2), f(2), f(3), f(2), f(2), ...times(10, f(2))]));
    const r = await runCli(srv.url);
    const c = criterion(r.report, 'bandit', 'stable-no-regression');
    expect(c.met).toBe(false);
    expect(c.detail).toBe('active findings rose from 2 (run #997) to 3 (run #998)');
    expect(c.evidence.map((e) => e.value)).toEqual([2, 2, 3, 2, 2]);
    expect(tool(r.report, 'bandit').verdict).toContain('not ready, because never regresses');
    expect(criterion(r.report, 'bandit', 'stable-baseline').met).toBe(true);
  });

  it('a HIGH in the stretch misses the baseline', async () => {
    serveGitHub(srv, history([clean, { bandit: { findings: [{ fingerprint: 'h1', severity: 'high' }, { fingerprint: 'b-low', severity: 'low' }] } }, ...times(10, clean)]));
    const r = await runCli(srv.url);
    const c = criterion(r.report, 'bandit', 'stable-baseline');
    expect(c.met).toBe(false);
    expect(c.detail).toBe('not met in run #999 (1 HIGH)');
    expect(c.evidence.map((e) => e.value)).toEqual([0, 1, 0, 0, 0]);
  });

  it('a tool that appears part-way through the window: not ready, coverage shows it', async () => {
    const both: RunSpec = { bandit: {}, 'pip-audit': {} };
    serveGitHub(srv, history([...times(4, both), ...times(30, clean)]));
    const r = await runCli(srv.url);
    const p = tool(r.report, 'pip-audit');
    expect(p.ready).toBe(false);
    expect(criterion(r.report, 'pip-audit', 'executed-in-window').detail).toBe('executed in 4 of 30 runs examined (needs 10)');
    expect(p.metrics.scanCoverage).toBe(0.1333);
    expect(p.timeline[4]).toMatchObject({ state: 'absent' });
    expect(tool(r.report, 'bandit').ready).toBe(true);
    // Looked back until max-runs (3 x window), never further.
    expect(r.report!.collection).toMatchObject({ runsExamined: 30, stoppedBecause: 'max-runs' });
    expect(r.report!.verdict).toMatchObject({ ready: ['bandit'], notReady: ['pip-audit'] });
  });

  it('pages only as far as needed: one list request per 100 runs', async () => {
    serveGitHub(srv, history(times(260, clean), 1000));
    const r = await runCli(srv.url, ['--window', '150', '--max-runs', '400']);
    expect(tool(r.report, 'bandit').ready).toBe(true);
    expect(r.report!.requests).toEqual({ total: 3 + 3 * 150, list: 2, commitChecks: 151, artifactLookups: 150, downloads: 150 });
    expect(srv.requests.filter((q) => q.path.endsWith('/runs')).map((q) => q.query.get('page'))).toEqual(['1', '2']);
  });

  it('a run repeated across pages (new run while paging) counts once', async () => {
    serveGitHub(srv, history(times(205, clean), 1000), { pageShift: true });
    const r = await runCli(srv.url, ['--window', '150', '--max-runs', '400']);
    const ids = r.report!.runs.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(r.report!.collection.skipped.duplicates).toBe(1);
    expect(r.report!.collection.runsExamined).toBe(150);
  });

  it('5xx and rate limits are retried (honouring retry-after and x-ratelimit-reset) and counted', async () => {
    const reset = String(Math.floor(Date.now() / 1000));
    serveGitHub(srv, history(times(10, clean)), {
      intercept: (kind, n): Reply | undefined => {
        if (kind === 'list' && n === 1) return { status: 502, body: { message: 'Bad Gateway' } };
        if (kind === 'artifacts' && n === 3) return { status: 429, headers: { 'retry-after': '0' }, body: { message: 'secondary rate limit' } };
        if (kind === 'zip' && n === 5) return { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, body: { message: 'API rate limit exceeded' } };
        return undefined;
      },
    });
    const r = await runCli(srv.url);
    expect(r.code).toBe(0);
    expect(tool(r.report, 'bandit').ready).toBe(true);
    expect(r.report!.requests).toEqual({ total: 32 + 3, list: 1, commitChecks: 11, artifactLookups: 10, downloads: 10 });
  });
});

describe('promotion: a 403 from the download host (found by a promotion review)', () => {
  it('is that run without data, not a failed run with a wrong permission hint', async () => {
    serveGitHub(srv, history(times(10, clean)), {
      intercept: (kind, n): Reply | undefined => (kind === 'blob' && n === 1 ? { status: 403, body: '<Error><Code>AuthenticationFailed</Code></Error>' } : undefined),
    });
    const r = await runCli(srv.url);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('actions: read');
    expect(JSON.stringify(r.report)).toContain('HTTP 403 from the download; an expired download link?');
  });
});

describe('promotion: runtime failures exit non-zero, unmet criteria do not (unless strict)', () => {
  it('strict: not ready -> exit 1; default -> exit 0', async () => {
    serveGitHub(srv, history(times(3, clean)));
    expect((await runCli(srv.url)).code).toBe(0);
    const strict = await runCli(srv.url, ['--strict']);
    expect(strict.code).toBe(1);
    expect(strict.report!.policy.strict).toBe(true);
  });

  it('--strict takes the input\'s value too, as the gate CLI\'s boolean flags do (found by a docs review: `--strict true` was refused)', async () => {
    serveGitHub(srv, history(times(3, clean)));
    for (const [args, code] of [[['--strict', 'true'], 1], [['--strict=true'], 1], [['--strict', 'false'], 0], [['--strict=no'], 0], [['--strict', '--strict', 'false'], 0]] as const) {
      expect([args.join(' '), (await runCli(srv.url, [...args])).code]).toEqual([args.join(' '), code]);
    }
    const bad = await runCli(srv.url, ['--strict=maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/strict/);
    expect((await runCli(srv.url, ['--strict='])).code).toBe(2);
  });

  it('a bad token is a runtime failure, never "nothing found"', async () => {
    srv.on(/^GET \//, () => ({ status: 401, body: { message: 'Bad credentials' } }));
    const r = await runCli(srv.url);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('HTTP 401 (unauthorized) — the token was refused (bad or expired github-token)');
    expect(r.report).toBeUndefined();
  });

  it('an API that keeps failing after retries is a runtime failure', async () => {
    serveGitHub(srv, history(times(12, clean)), { intercept: (kind) => (kind === 'artifacts' ? { status: 503 } : undefined) });
    const r = await runCli(srv.url);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/looking up the artifact of run \d+: server error \(HTTP 503\) — the API kept failing after retries/);
  });

  it('an unreachable API is a runtime failure', async () => {
    const url = srv.url;
    await srv.close();
    srv = await startServer();
    const r = await runCli(url);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/network error/);
  });

  it('an unknown workflow (404) is a runtime failure', async () => {
    const r = await runCli(srv.url);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('HTTP 404 — no such repository or workflow, or the token cannot see it');
  });

  it('nothing readable at all: reports written, exit 3', async () => {
    serveGitHub(srv, history(times(8, 'expired')));
    const r = await runCli(srv.url);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('none of the 8 runs examined has a readable "security-gate-reports" artifact');
    expect(r.report!.tools).toEqual([]);
    expect(r.report!.verdict.headline).toBe('No tool can be judged: no readable gate result in the examined runs');
  });

  it('no completed run at all: exit 3', async () => {
    serveGitHub(srv, []);
    const r = await runCli(srv.url);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no completed run of ci.yml on main');
  });

  it('tools asked for but never seen are not ready', async () => {
    serveGitHub(srv, history(times(12, clean)));
    const r = await runCli(srv.url, ['--tools', 'bandit,gitleaks', '--strict']);
    expect(r.code).toBe(1);
    expect(r.report!.verdict).toMatchObject({ ready: ['bandit'], notReady: ['gitleaks'] });
    expect(r.report!.notices).toContain('gitleaks was asked for but appears in no examined run.');
  });

  it('invalid options exit 2 naming the input', async () => {
    const r = await runCli(srv.url, ['--window', 'ten']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('window: got "ten"; expected a whole number from 1 to 500');
    expect(srv.requests).toHaveLength(0);
  });
});

describe('promotion: operational readiness', () => {
  it('a missing Justfile or recipe, and a waiver without an owner, keep a tool out', async () => {
    const waived: RunSpec = {
      gitleaks: { findings: [{ fingerprint: 'g1', severity: 'high', waived: { id: 'W-1', owner: '' } }] },
      bandit: { findings: [{ fingerprint: 'b1', severity: 'low', waived: { id: 'W-2', owner: '@alice' } }] },
    };
    serveGitHub(srv, history(times(12, waived)));
    const r = await runCli(srv.url, [], { justfile: 'api-security-bandit:\n    bandit\n' });
    const j = criterion(r.report, 'bandit', 'justfile-recipes');
    expect(j.met).toBe(false);
    expect(j.detail).toBe('Justfile lacks api-security-audit, api-quality-security-hygiene');
    expect(criterion(r.report, 'bandit', 'waiver-owners')).toMatchObject({ met: true });
    expect(criterion(r.report, 'gitleaks', 'waiver-owners')).toMatchObject({ met: false, detail: '1 waived finding in run #1000 without an owner: W-1' });
    // gitleaks: the waived secret does not count against the baseline.
    expect(criterion(r.report, 'gitleaks', 'stable-baseline').met).toBe(true);
    expect(r.report!.operational.justfile.recipes).toEqual([
      { name: 'api-security-bandit', present: true },
      { name: 'api-security-audit', present: false },
      { name: 'api-quality-security-hygiene', present: false },
    ]);
    const none = await runCli(srv.url, [], { justfile: null });
    expect(criterion(none.report, 'bandit', 'justfile-recipes').detail).toBe('no Justfile at Justfile');
  });

  it('a Justfile that is a link out of the checkout, a pipe or too big is refused in words, never read', async () => {
    serveGitHub(srv, history(times(12, clean)));
    await withOutside(async (outside) => {
    await writeFile(join(outside, 'Justfile'), JUSTFILE);
    const linked = await runCli(srv.url, [], { justfile: null, prepare: (dir) => symlink(join(outside, 'Justfile'), join(dir, 'Justfile')) });
    expect(linked.code).toBe(0);
    expect(criterion(linked.report, 'bandit', 'justfile-recipes')).toMatchObject({
      met: false,
      detail: 'Justfile: the path is a symbolic link to a file outside the workspace: not read',
    });
    // A pipe: the read would wait for a writer for ever (the test's timeout on the old code).
    const piped = await runCli(srv.url, [], { justfile: null, prepare: async (dir) => void execFileSync('mkfifo', [join(dir, 'Justfile')]) });
    expect(criterion(piped.report, 'bandit', 'justfile-recipes').detail).toBe('Justfile: the path is not a regular file (a pipe, socket or device): not read');
    const big = await runCli(srv.url, [], { justfile: `${JUSTFILE}#${'x'.repeat(1024 * 1024)}\n` });
    expect(criterion(big.report, 'bandit', 'justfile-recipes').detail).toMatch(/^Justfile: file is \d+ bytes, over the 1048576-byte limit for a Justfile$/);
    // Given outside the directory (the CLI by hand): the user's own file, read.
    const given = await runCli(srv.url, ['--justfile', join(outside, 'Justfile')], { justfile: null });
    expect(criterion(given.report, 'bandit', 'justfile-recipes').met).toBe(true);
    });
  });

  it('report files are not written through a link the checkout holds: exit 2 before any request', async () => {
    serveGitHub(srv, history(times(12, clean)));
    await withOutside(async (outside, target) => {
    const file = await runCli(srv.url, [], { prepare: (dir) => symlink(target, join(dir, '.ci-security-promotion-report.json')) });
    expect(file.code).toBe(2);
    expect(file.stderr).toBe('security-gate promotion: output-dir: `.ci-security-promotion-report.json` is a symbolic link: the gate does not write through links\n');
    expect(await readFile(target, 'utf8')).toBe('echo original\n');
    const dir = await runCli(srv.url, ['--output-dir', 'out/reports'], { prepare: (d) => mkdir(join(d, 'out')).then(() => symlink(outside, join(d, 'out/reports'))) });
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain('output-dir: `out/reports` is a symbolic link');
    expect(await readdir(outside)).toEqual(['victim.sh']);
    expect(srv.requests).toHaveLength(0);
    });
  });

  it("outside the directory it runs in, a link at a report name is the user's own and followed", async () => {
    serveGitHub(srv, history(times(12, clean)));
    await withOutside(async (outside, victim) => {
      await symlink(victim, join(outside, '.ci-security-promotion-report.json'));
      const r = await runCli(srv.url, ['--output-dir', outside]);
      expect(r.code).toBe(0);
      expect(JSON.parse(await readFile(victim, 'utf8'))).toMatchObject({ verdict: expect.any(Object) });
    });
  });

  it('a link planted at a report name while the history is read is refused, not written through', async () => {
    serveGitHub(srv, history(times(12, clean)));
    await withOutside(async (outside, target) => {
    // The first log line comes after the paths were checked and before the API calls.
    const r = await runCli(srv.url, [], { onLog: (dir) => void (existsSync(join(dir, '.ci-security-promotion-report.md')) || symlinkSync(target, join(dir, '.ci-security-promotion-report.md'))) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('output-dir: `.ci-security-promotion-report.md` is a symbolic link: the gate does not write through links\n');
    expect(await readFile(target, 'utf8')).toBe('echo original\n');
    expect(srv.requests.length).toBeGreaterThan(0);
    });
  });

  it('an output-dir that is not a directory: exit 2 inside the checkout, a runtime failure in words (3) outside it', async () => {
    serveGitHub(srv, history(times(12, clean)));
    const inside = await runCli(srv.url, ['--output-dir', 'Justfile/reports']);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toBe('security-gate promotion: output-dir: `Justfile` is not a directory\n');
    expect(srv.requests).toHaveLength(0);
    // Outside the directory it is not looked at beforehand: the write fails, and says so.
    await withOutside(async (outside) => {
    await writeFile(join(outside, 'file'), '');
    const r = await runCli(srv.url, ['--output-dir', join(outside, 'file/reports')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`security-gate promotion: writing the reports in ${join(outside, 'file/reports')}: ENOTDIR\n`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  });

  it('recipe names are configurable', async () => {
    serveGitHub(srv, history(times(12, clean)));
    const r = await runCli(srv.url, ['--justfile-recipes', 'lint,scan'], { justfile: 'lint:\n  ruff .\nscan arg="x":\n  bandit\n' });
    expect(tool(r.report, 'bandit').ready).toBe(true);
  });
});

describe('promotion: governance metrics', () => {
  it('mean time to fix, waiver and false-positive rates over the window', async () => {
    // chronological (oldest first): runs 0-3 have A; A gone at run 4 (4 h later). B appears at run 2, fixed at run 5 (3 h).
    // C waived as false positive throughout; D waived (accepted risk).
    const specs: RunSpec[] = [];
    for (let i = 0; i < 10; i++) {
      const f = [
        ...(i < 4 ? [{ fingerprint: 'A', severity: 'low' as const }] : []),
        ...(i >= 2 && i < 5 ? [{ fingerprint: 'B', severity: 'low' as const }] : []),
        { fingerprint: 'C', severity: 'low' as const, waived: { id: 'W-C', owner: '@bob', reasonCategory: 'false-positive' } },
        { fingerprint: 'D', severity: 'low' as const, waived: { id: 'W-D', owner: '@bob', reasonCategory: 'accepted-risk' } },
      ];
      specs.unshift({ bandit: { findings: f } });
    }
    serveGitHub(srv, history(specs));
    const r = await runCli(srv.url);
    expect(tool(r.report, 'bandit').metrics).toEqual({
      runsExamined: 10,
      runsWithData: 10,
      runsExecuted: 10,
      scanCoverage: 1,
      meanTimeToFixHours: 3.5,
      findingsFixed: 2,
      findingsOpen: 2,
      distinctFindings: 4,
      waivedFindings: 2,
      waiverRate: 0.5,
      falsePositives: 1,
      falsePositiveRate: 0.25,
    });
  });
});

describe('promotion: the token stays with the API', () => {
  it('the artifact download follows the 302 to another origin without the token', async () => {
    const blob = await startServer();
    try {
      serveGitHub(srv, history(times(10, clean)), {
        intercept: (kind, _n, path) => (kind === 'zip' ? { status: 302, headers: { location: `${blob.url}/blob/${/artifacts\/(\d+)/.exec(path)![1]}.zip?sig=x` } } : undefined),
      });
      // The blob store answers from the API server's own blob route, through a second origin.
      blob.on(/^GET \/blob\//, async (req) => {
        const res = await fetch(`${srv.url}${req.path}`);
        return { body: Buffer.from(await res.arrayBuffer()) };
      });
      const r = await runCli(srv.url);
      expect(r.code).toBe(0);
      expect(tool(r.report, 'bandit').ready).toBe(true);
      const blobReqs = blob.requests.filter((q) => q.path.startsWith('/blob/'));
      expect(blobReqs).toHaveLength(10);
      expect(blobReqs.every((q) => q.headers.authorization === undefined)).toBe(true);
      expect(r.report!.requests.downloads).toBe(10);
    } finally {
      await blob.close();
    }
  });
});
