/**
 * Fault injection against the local services, with the REAL bundle run like the runner runs it:
 * the artifact service (Twirp stub + Azurite) failing, resetting, slow, refusing the blob upload or
 * out of quota; the GitHub API (advisories for the severity lookup, the PR comment, the check run)
 * answering 5xx, 403 with rate-limit headers, garbage, or never answering.
 *
 * Whatever fails, the gate writes its verdict and outputs, says what failed (log and summary), and
 * exits as the policy says: 0 unless `fail-on-block` and should-fail. pip-audit severities that
 * could not be looked up stay unknown with a reason and are treated as `unknown-severity` (fail
 * closed: they block in phase 2).
 *
 * Scenarios run concurrently (each its own child process and, for the API, its own local server);
 * the artifact faults run one after another on the one artifact service, since a fault applies to
 * the next matching call. The slowest is a 500 on every CreateArtifact (the client retries 5 times,
 * 3 s base, x1.5: about 25 s).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startArtifactService, type ArtifactService, type FaultKind, type FaultOptions } from '../helpers/artifact-service.js';
import { startServer, type Reply, type TestServer } from '../helpers/http-server.js';
import { REPO_ROOT, runAction, type RunActionResult } from '../helpers/runner.js';
import { assertOnlyOwnCommands, DECLARED_OUTPUTS } from './channels.js';

const ENTRY = join(REPO_ROOT, 'dist/gate/index.js');
const ACTION_YML = join(REPO_ROOT, 'action.yml');
const FIX = join(REPO_ROOT, '__tests__/fixtures');

/** A small pip-audit report: a GHSA id, a PYSEC id with a CVE alias, a PYSEC id alone. */
const PIP_AUDIT = {
  dependencies: [
    { name: 'urllib3', version: '1.26.5', vulns: [{ id: 'GHSA-2xpw-w6gg-jr37', fix_versions: ['2.5.0'], aliases: ['CVE-2025-66471'], description: 'decompression bomb' }] },
    { name: 'jinja2', version: '2.11.2', vulns: [{ id: 'PYSEC-2021-66', fix_versions: ['2.11.3'], aliases: ['CVE-2020-28493'], description: 'ReDoS' }] },
    { name: 'pyyaml', version: '5.3', vulns: [{ id: 'PYSEC-2020-176', fix_versions: ['5.4'], aliases: [], description: 'arbitrary code execution' }] },
    { name: 'requests', version: '2.32.3', vulns: [] },
  ],
  fixes: [],
};

let service: ArtifactService;
/** A second artifact service for the slowest fault (500 on every call), so it runs beside the others. */
let failing: ArtifactService;
let workspace: string;
const servers: TestServer[] = [];

async function server(routes: Array<[RegExp, (attempt: number) => Reply]>): Promise<TestServer> {
  const s = await startServer();
  servers.push(s);
  for (const [pattern, reply] of routes) s.on(pattern, (_req, attempt) => reply(attempt));
  return s;
}

const ANY_ADVISORY = /^GET \/advisories(\/.*)?$/;
const OSV = /^GET \/v1\/vulns\/.*$/;
const LIST_COMMENTS = /^GET \/repos\/octo-org\/octo-repo\/issues\/7\/comments$/;
const POST_COMMENT = /^POST \/repos\/octo-org\/octo-repo\/issues\/7\/comments$/;
const CHECK_RUN = /^POST \/repos\/octo-org\/octo-repo\/check-runs$/;

const RATE_LIMITED = (): Reply => ({
  status: 403,
  headers: { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '60', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) },
  body: { message: 'API rate limit exceeded for 127.0.0.1.', documentation_url: 'https://docs.github.com/rest/rate-limit' },
});
const SERVER_ERROR = (): Reply => ({ status: 502, body: '<html><body>Bad gateway</body></html>' });
const GARBAGE = (): Reply => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ghsa_id": "GHSA-x", "severity": [unterminated' });
const WRONG_SHAPE = (): Reply => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ghsa_id":42,"severity":{"nested":true},"__proto__":{"polluted":true},"vulnerabilities":"x"}' });
const HANG = (): Reply => ({ hang: true });

const base = {
  'bandit-report': 'reports/bandit.json',
  'pip-audit-report': 'reports/pip-audit.json',
  phase: '2',
  'secret-scan': 'false',
};

function prEvent(): { name: string; payload: unknown } {
  return { name: 'pull_request', payload: { number: 7, pull_request: { number: 7, head: { sha: 'a'.repeat(40) }, base: { sha: 'b'.repeat(40) } }, repository: { full_name: 'octo-org/octo-repo' } } };
}

function gate(inputs: Record<string, string>, env: Record<string, string | undefined> = {}, event?: { name: string; payload: unknown }): Promise<RunActionResult> {
  return runAction({ entry: ENTRY, workspace, actionYml: ACTION_YML, inputs: { ...base, ...inputs }, env, event, timeoutMs: 100_000 });
}

interface Parsed {
  r: RunActionResult;
  result: {
    verdict: string;
    shouldFail: boolean;
    notices: string[];
    artifact?: { error?: string; id?: number };
    tools: Array<{ tool: string; status: string; findings: Array<{ severity: string; effectiveSeverity: string; disposition: string; severitySource?: { kind: string; unknownReason?: string } }> }>;
  };
  log: string;
}

function parsed(r: RunActionResult): Parsed {
  expect(r.timedOut).toBe(false);
  const file = r.outputs['result-file'];
  if (!file) throw new Error(`no result-file output; exit ${r.code}\nstdout:\n${r.stdout.slice(-3000)}\nstderr:\n${r.stderr.slice(-2000)}`);
  return { r, result: JSON.parse(readFileSync(file, 'utf8')) as Parsed['result'], log: `${r.stdout}\n${r.stderr}` };
}

/** Verdict and every declared output written; only the gate's own workflow commands; no stack trace. */
function assertCompleteRun(p: Parsed, expectCode: number): void {
  const { r, result } = p;
  expect({ code: r.code, stderr: r.stderr.slice(-500) }).toEqual({ code: expectCode, stderr: expect.any(String) as unknown });
  expect(r.outputs['verdict']).toBe(result.verdict);
  expect(r.outputs['should-fail']).toBe(String(result.shouldFail));
  for (const k of ['verdict', 'should-fail', 'blocking-count', 'counts', 'result-file', 'summary-file', 'sarif-file', 'pip-audit-vulns']) expect(Object.keys(r.outputs)).toContain(k);
  for (const k of Object.keys(r.outputs)) expect(DECLARED_OUTPUTS.has(k)).toBe(true);
  expect(r.summary.split('\n')[0]).toMatch(/Security gate: (pass|warn|block|error)/);
  assertOnlyOwnCommands(r.stdout, 'stdout');
  expect(p.log).not.toMatch(/\n\s+at .*\.js:\d+/);
  expect(p.log).not.toMatch(/UnhandledPromiseRejection|TypeError|ReferenceError|SyntaxError: /);
}

/**
 * pip-audit findings all unknown, each with a reason (at least one from `reasons`: an id GitHub cannot
 * look up is `not-found` without a request), treated as high and blocking in phase 2; said in the summary.
 */
function assertUnknownFailClosed(p: Parsed, reasons: RegExp): void {
  const pip = p.result.tools.find((t) => t.tool === 'pip-audit')!;
  expect(pip.status).toBe('ok');
  expect(pip.findings.length).toBe(3);
  for (const f of pip.findings) {
    expect(f.severity).toBe('unknown');
    expect(f.severitySource?.unknownReason).toMatch(/^[a-z-]+$/);
    expect(f.effectiveSeverity).toBe('high');
    expect(f.disposition).toBe('block');
  }
  expect(pip.findings.some((f) => reasons.test(f.severitySource?.unknownReason ?? ''))).toBe(true);
  expect(p.r.outputs['pip-audit-unknown']).toBe('3');
  expect(p.result.verdict).toBe('block');
  // Said in the summary (Markdown-escaped): how many have no known severity, why, and what they are treated as.
  const summary = p.r.summary.replace(/\\/g, '');
  expect(summary).toMatch(/3 of 3 advisories have no known severity \(.+\): treated as high \(unknown-severity\)/);
  expect(summary).toMatch(reasons);
}

const runs = new Map<string, Promise<RunActionResult>>();
const scenario = (name: string): Promise<Parsed> => runs.get(name)!.then(parsed);

beforeAll(async () => {
  if (!existsSync(ENTRY)) throw new Error('dist/gate/index.js is missing: run npm run build');
  [service, failing] = await Promise.all([startArtifactService(), startArtifactService()]);
  workspace = await mkdtemp(join(tmpdir(), 'sg-faults-'));
  await mkdir(join(workspace, 'reports'));
  await copyFile(join(FIX, 'bandit/DefectDojo__django-DefectDojo/one_vuln.json'), join(workspace, 'reports/bandit.json'));
  await writeFile(join(workspace, 'reports/pip-audit.json'), JSON.stringify(PIP_AUDIT, null, 2));

  // --- GitHub API faults (no artifact upload: they run concurrently) --------------------------
  const api = async (name: string, routes: Array<[RegExp, (attempt: number) => Reply]>, inputs: Record<string, string>, withPr = false): Promise<void> => {
    const s = await server(routes);
    runs.set(
      name,
      gate({ 'upload-artifact': 'false', 'output-dir': `out-${name}`, 'github-token': 'ghs_faulttoken', 'osv-api-url': s.url, ...inputs }, { GITHUB_API_URL: s.url }, withPr ? prEvent() : undefined),
    );
  };
  const lookup = { 'severity-source': 'github,osv', 'severity-budget-seconds': '8' };
  await api('advisories-5xx', [[ANY_ADVISORY, SERVER_ERROR], [OSV, SERVER_ERROR]], { ...lookup, 'severity-budget-seconds': '10' });
  await api('advisories-rate-limited', [[ANY_ADVISORY, RATE_LIMITED], [OSV, RATE_LIMITED]], lookup);
  await api('advisories-garbage', [[ANY_ADVISORY, GARBAGE], [OSV, GARBAGE]], lookup);
  await api('advisories-wrong-shape', [[ANY_ADVISORY, WRONG_SHAPE], [OSV, WRONG_SHAPE]], lookup);
  await api('advisories-hang', [[ANY_ADVISORY, HANG], [OSV, HANG]], { 'severity-source': 'github,osv', 'severity-budget-seconds': '2' });
  await api('advisories-hang-fail-on-block', [[ANY_ADVISORY, HANG], [OSV, HANG]], { 'severity-source': 'github', 'severity-budget-seconds': '1', 'fail-on-block': 'true' });
  await api('advisories-hang-phase-1-fail-on-block', [[ANY_ADVISORY, HANG], [OSV, HANG]], { 'severity-source': 'github', 'severity-budget-seconds': '1', 'fail-on-block': 'true', phase: '1' });
  await api('comment-5xx', [[LIST_COMMENTS, () => ({ body: [] })], [POST_COMMENT, SERVER_ERROR]], { 'severity-source': 'off', comment: 'always' }, true);
  await api('comment-forbidden', [[LIST_COMMENTS, () => ({ body: [] })], [POST_COMMENT, () => ({ status: 403, body: { message: 'Resource not accessible by integration' } })]], { 'severity-source': 'off', comment: 'always' }, true);
  await api('comment-list-garbage', [[LIST_COMMENTS, () => ({ status: 200, body: 'not json at all' })]], { 'severity-source': 'off', comment: 'always' }, true);
  await api('comment-rate-limited', [[LIST_COMMENTS, RATE_LIMITED], [POST_COMMENT, RATE_LIMITED]], { 'severity-source': 'off', comment: 'always' }, true);
  // The slowest API fault: the comment client's own per-request timeout (10 s) and retries (~45 s); it runs beside the rest.
  await api('comment-hang', [[LIST_COMMENTS, HANG]], { 'severity-source': 'off', comment: 'always' }, true);
  await api('checks-forbidden', [[CHECK_RUN, () => ({ status: 403, body: { message: 'Resource not accessible by integration' } })]], { 'severity-source': 'off', 'annotations-via-checks': 'true' }, true);
  await api('checks-5xx', [[CHECK_RUN, SERVER_ERROR]], { 'severity-source': 'off', 'annotations-via-checks': 'true' }, true);
  await api('checks-garbage', [[CHECK_RUN, () => ({ status: 201, body: '<<garbage>>' })]], { 'severity-source': 'off', 'annotations-via-checks': 'true' }, true);

  // --- Artifact service faults: one after another ----------------------------------------------
  const artifactChain: Array<[string, FaultKind | undefined, FaultOptions, Record<string, string>]> = [
    ['artifact-reset', 'reset', {}, {}],
    ['artifact-quota-fail-on-block', 'quota', {}, { 'fail-on-block': 'true' }],
    ['artifact-bad-upload-url', 'bad-upload-url', {}, {}],
    ['artifact-slow', 'slow', { delayMs: 2500 }, {}],
    ['artifact-500-once', 'http-500', {}, {}],
    ['artifact-finalize-reset', 'reset', { method: 'FinalizeArtifact' }, {}],
  ];
  failing.failNext('http-500', { times: Number.POSITIVE_INFINITY });
  runs.set('artifact-500-always', gate({ 'severity-source': 'off', 'artifact-name': 'artifact-500-always', 'output-dir': 'out-artifact-500-always' }, failing.env));
  let chain: Promise<unknown> = Promise.resolve();
  for (const [name, kind, options, inputs] of artifactChain) {
    const p = chain.then(() => {
      if (kind) service.failNext(kind, options);
      return gate({ 'severity-source': 'off', 'artifact-name': name, 'output-dir': `out-${name}`, ...inputs }, service.env);
    });
    chain = p.catch(() => undefined);
    runs.set(name, p);
  }
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([...runs.values()]);
  await Promise.all([service?.close(), failing?.close(), ...servers.map((s) => s.close())]);
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

const T = 150_000;

describe('the GitHub API failing during the severity lookups', () => {
  it('5xx: severities unknown with a reason, unknown-severity applied (blocks in phase 2); exit 0', async () => {
    const p = await scenario('advisories-5xx');
    assertCompleteRun(p, 0);
    // Each request is retried with backoff; what the budget leaves is `budget`.
    assertUnknownFailClosed(p, /\b(error|budget)\b/);
    expect(servers.some((s) => s.requests.some((q) => q.path.startsWith('/advisories')))).toBe(true);
  }, T);

  it('403 with rate-limit headers: unknown (rate-limited), said in the summary; exit 0', async () => {
    const p = await scenario('advisories-rate-limited');
    assertCompleteRun(p, 0);
    assertUnknownFailClosed(p, /rate-limited/);
  }, T);

  it('garbage JSON and a wrong shape: unknown (error), nothing polluted; exit 0', async () => {
    for (const name of ['advisories-garbage', 'advisories-wrong-shape']) {
      const p = await scenario(name);
      assertCompleteRun(p, 0);
      assertUnknownFailClosed(p, /error|malformed|unexpected|invalid/i);
    }
  }, T);

  it('a server that never answers: the severity budget ends the lookups; unknown (timed-out/budget)', async () => {
    const p = await scenario('advisories-hang');
    assertCompleteRun(p, 0);
    assertUnknownFailClosed(p, /timed-out|budget/);
  }, T);

  it('the same with fail-on-block: the step fails (exit 1) and still writes the verdict and outputs', async () => {
    const p = await scenario('advisories-hang-fail-on-block');
    assertCompleteRun(p, 1);
    assertUnknownFailClosed(p, /timed-out|budget/);
    expect(p.r.commands.some((c) => c.command === 'error' && /security-gate: .*block/i.test(c.message))).toBe(true);
  }, T);
});

describe('exit codes follow the policy, not the faults', () => {
  it('phase 1 with fail-on-block and every lookup hanging: warn, should-fail false, exit 0', async () => {
    const p = await scenario('advisories-hang-phase-1-fail-on-block');
    assertCompleteRun(p, 0);
    expect(p.result.verdict).toBe('warn');
    expect(p.r.outputs['should-fail']).toBe('false');
    expect(Number(p.r.outputs['would-block'])).toBeGreaterThanOrEqual(3);
    const pip = p.result.tools.find((t) => t.tool === 'pip-audit')!;
    for (const f of pip.findings) expect(f.effectiveSeverity).toBe('high');
  }, T);
});

describe('the GitHub API failing for the comment and the check run', () => {
  it.each([
    ['comment-5xx', /comment: could not create the pull request comment/],
    ['comment-forbidden', /comment: the token may not create the pull request comment \(HTTP 403\)/],
    ['comment-list-garbage', /comment: could not (read|create)/],
    ['comment-rate-limited', /comment: (could not read|the token may not read)/],
  ])('%s: a warning that says what failed; verdict and outputs written; exit 0', async (name, warning) => {
    const p = await scenario(name);
    assertCompleteRun(p, 0);
    expect(p.result.verdict).toBe('block');
    const warnings = p.r.commands.filter((c) => c.command === 'warning').map((c) => c.message);
    expect(warnings.some((w) => warning.test(w))).toBe(true);
    expect(warnings.join('\n')).toMatch(/verdict is not affected/);
  }, T);

  it('comment-hang (slow, ~45 s beside the others): the API never answers; the request times out, a warning says so; verdict and outputs written; exit 0', async () => {
    const p = await scenario('comment-hang');
    assertCompleteRun(p, 0);
    const warnings = p.r.commands.filter((c) => c.command === 'warning').map((c) => c.message).join('\n');
    expect(warnings).toMatch(/comment: could not read the pull request comments: .*(timed out|time)/i);
  }, T);

  it.each(['checks-forbidden', 'checks-5xx', 'checks-garbage'])('%s: falls back to workflow-command annotations, says why; exit 0', async (name) => {
    const p = await scenario(name);
    assertCompleteRun(p, 0);
    const notices = p.r.commands.filter((c) => c.command === 'notice').map((c) => c.message).join('\n');
    const annotations = p.r.commands.filter((c) => ['error', 'warning', 'notice'].includes(c.command) && !/annotations-via-checks/.test(c.message));
    if (name !== 'checks-garbage') {
      expect(notices).toMatch(/annotations-via-checks: .*falling back to workflow-command annotations/);
      expect(annotations.length).toBeGreaterThan(0);
    }
    // A 201 whose body is not JSON may count as posted or fall back; either way the findings are annotated somewhere.
    const posted = servers.some((s) => s.requests.some((q) => q.method === 'POST' && q.path.endsWith('/check-runs')));
    expect(posted).toBe(true);
  }, T);
});

describe('the artifact service failing', () => {
  it.each([
    ['artifact-reset', /artifact upload failed/i],
    ['artifact-bad-upload-url', /artifact upload failed/i],
    ['artifact-finalize-reset', /artifact upload failed/i],
  ])('%s: the upload fails, a warning and the summary say so; verdict and outputs written; exit 0', async (name, said) => {
    const p = await scenario(name);
    assertCompleteRun(p, 0);
    expect(p.r.outputs['artifact-id']).toBe('');
    expect(p.r.outputs['artifact-url']).toBe('');
    expect(p.result.artifact?.error).toBeTruthy();
    expect(p.r.summary).toMatch(said);
    expect(p.r.commands.some((c) => c.command === 'warning' && /artifact/i.test(c.message))).toBe(true);
  }, T);

  it('quota with fail-on-block: exit 1 (the policy), verdict block, the quota named', async () => {
    const p = await scenario('artifact-quota-fail-on-block');
    assertCompleteRun(p, 1);
    expect(p.result.verdict).toBe('block');
    expect(p.r.outputs['artifact-id']).toBe('');
    expect(p.r.summary).toMatch(/quota|insufficient usage/i);
  }, T);

  it('slow, or one 500 then fine: the client waits / retries and the artifact is uploaded', async () => {
    for (const name of ['artifact-slow', 'artifact-500-once']) {
      const p = await scenario(name);
      assertCompleteRun(p, 0);
      const recorded = service.artifacts().find((a) => a.name === name);
      expect(recorded?.finalized).toBe(true);
      expect(p.r.outputs['artifact-id']).toBe(String(recorded?.id));
    }
  }, T);

  it('a 500 on every call (the client gives up after its retries, ~25 s): warning, verdict and outputs written', async () => {
    const p = await scenario('artifact-500-always');
    assertCompleteRun(p, 0);
    expect(p.r.outputs['artifact-id']).toBe('');
    expect(p.r.summary).toMatch(/artifact upload failed/i);
  }, T);
});
