/**
 * The whole API lane through the built bundle (dist/gate/index.js), run like the runner runs it, on
 * a REAL git repository built here: a base commit, a feature branch that touches some modules and
 * adds a line with a planted secret, `main` moving on after the fork, a bare origin, and a SHALLOW
 * clone (`--depth 1`, like actions/checkout) of the head as the workspace, so the gate has to fetch
 * the base and deepen to find the merge base.
 *
 * Reports of all six tools sit in the workspace, in the formats the tools write (see the fixtures
 * under __tests__/fixtures/<tool>/), with deptry and vulture findings in touched AND untouched files.
 * Each tool is judged under its own rule; the planted secret must appear nowhere the gate writes.
 * Offline: no artifact upload, no severity lookups.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { join, relative } from 'node:path';
import { REPO_ROOT, runAction, type RunActionResult } from '../helpers/runner.js';
import { ZERO, commit, git, initRepo, removeDir, tempDir, write } from '../change/git-helpers.js';
import { shellWords } from '../helpers/shell-words.js';

// Up to three bundle runs per test; generous for a loaded CI machine (each run takes 1-3 s).
jest.setTimeout(120_000);

const ENTRY = join(REPO_ROOT, 'dist/gate/index.js');
const ACTION_YML = join(REPO_ROOT, 'action.yml');
const OUT = 'gate-out';

/** 20 random characters; every 4th an upper-case letter so no 8-character window can be hex or a word. */
function plantedSecret(): string {
  const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const any = `${upper}abcdefghijkmnopqrstuvwxyz23456789`;
  let s = '';
  for (let i = 0; i < 20; i++) s += i % 4 === 0 ? upper[randomInt(upper.length)] : any[randomInt(any.length)];
  return s;
}
const SECRET = plantedSecret();
const SECRET_LINE = `password = "${SECRET}"`;

// ---------------------------------------------------------------------------------------------
// The project under review.

const BASE_FILES: Record<string, string> = {
  'pyproject.toml': '[project]\nname = "orders-api"\nversion = "0.1.0"\ndependencies = ["requests", "cryptography"]\n',
  'requirements.txt': 'requests==2.19.0\ncryptography==42.0.0\n',
  'src/app/__init__.py': '',
  'src/app/api.py': 'import requests\n\n\ndef get_order(order_id):\n    return requests.get(f"https://orders.invalid/{order_id}", timeout=5).json()\n',
  'src/app/util.py': 'x = 1\n\n\ndef clamp(v, lo, hi):\n    return max(lo, min(v, hi))\n',
  'src/app/legacy.py': 'import yaml\n\n\ndef old():\n    return yaml.safe_load("a: 1")\n',
  'src/app/db/__init__.py': '',
  'src/app/db/queries.py': 'import subprocess\n\n\ndef backup(name):\n    return subprocess.call("pg_dump " + name, shell=True)\n',
};
// The feature branch: api.py changed (a helper and the planted secret), new_mod.py added.
const API_FEATURE = `${BASE_FILES['src/app/api.py']}\n\ndef helper():\n    ${SECRET_LINE}\n    return password\n`;
const SECRET_LINE_NO = API_FEATURE.split('\n').findIndex((l) => l.includes(SECRET)) + 1;
const NEW_MOD = 'import os\nimport attrs\n\n\ndef unused_thing():\n    return os.getcwd()\n';
const FEATURE_FILES: Record<string, string> = { 'src/app/api.py': API_FEATURE, 'src/app/new_mod.py': NEW_MOD };
const TOUCHED = ['src/app/api.py', 'src/app/new_mod.py'];

// ---------------------------------------------------------------------------------------------
// Reports, in the formats the tools write.

function banditReport(): string {
  const result = (filename: string, line: number, sev: string, conf: string, testId: string, testName: string, text: string, cwe: number) => ({
    code: `${line} ...\n`,
    col_offset: 4,
    end_col_offset: 40,
    filename,
    issue_confidence: conf,
    issue_cwe: { id: cwe, link: `https://cwe.mitre.org/data/definitions/${cwe}.html` },
    issue_severity: sev,
    issue_text: text,
    line_number: line,
    line_range: [line],
    more_info: `https://bandit.readthedocs.io/en/1.8.6/plugins/${testId.toLowerCase()}_${testName}.html`,
    test_id: testId,
    test_name: testName,
  });
  const totals = { 'CONFIDENCE.HIGH': 2, 'CONFIDENCE.LOW': 0, 'CONFIDENCE.MEDIUM': 1, 'CONFIDENCE.UNDEFINED': 0, 'SEVERITY.HIGH': 1, 'SEVERITY.LOW': 1, 'SEVERITY.MEDIUM': 1, 'SEVERITY.UNDEFINED': 0, loc: 30, nosec: 0, skipped_tests: 0 };
  return JSON.stringify(
    {
      errors: [],
      generated_at: '2026-11-29T09:00:00Z',
      metrics: { _totals: totals },
      results: [
        result('src/app/db/queries.py', 5, 'HIGH', 'HIGH', 'B602', 'subprocess_popen_with_shell_equals_true', 'subprocess call with shell=True identified, security issue.', 78),
        result('src/app/legacy.py', 1, 'MEDIUM', 'HIGH', 'B506', 'yaml_load', 'Use of unsafe yaml load.', 20),
        result('src/app/db/queries.py', 1, 'LOW', 'MEDIUM', 'B404', 'blacklist', 'Consider possible security implications associated with the subprocess module.', 78),
      ],
    },
    null,
    2,
  );
}

const PIP_AUDIT = JSON.stringify({
  dependencies: [
    { name: 'requests', version: '2.19.0', vulns: [{ id: 'PYSEC-2018-28', fix_versions: ['2.20.0'], aliases: ['CVE-2018-18074'], description: 'The Requests package sends an HTTP Authorization header to an http URI upon receiving a same-hostname https-to-http redirect.' }] },
    { name: 'cryptography', version: '42.0.0', vulns: [] },
  ],
  fixes: [],
});

function gitleaksReport(headSha: string): string {
  return JSON.stringify(
    [
      {
        RuleID: 'generic-api-key',
        Description: 'Detected a Generic API Key, potentially exposing access to various services and sensitive operations.',
        StartLine: SECRET_LINE_NO,
        EndLine: SECRET_LINE_NO,
        StartColumn: 6,
        EndColumn: 6 + SECRET_LINE.length,
        Match: SECRET_LINE,
        Secret: SECRET,
        File: 'src/app/api.py',
        SymlinkFile: '',
        Commit: headSha,
        Entropy: 4.1,
        Author: 'Test Author',
        Email: 'test@example.invalid',
        Date: '2026-01-01T00:00:00Z',
        Message: 'feature: order helper',
        Tags: [],
        Fingerprint: `${headSha}:src/app/api.py:generic-api-key:${SECRET_LINE_NO}`,
      },
    ],
    null,
    1,
  );
}

const DEPTRY = JSON.stringify(
  [
    { error: { code: 'DEP003', message: "'urllib3' imported but it is a transitive dependency" }, module: 'urllib3', location: { file: 'src/app/api.py', line: 1, column: 1 } },
    { error: { code: 'DEP001', message: "'attrs' imported but missing from the dependency definitions" }, module: 'attrs', location: { file: 'src/app/new_mod.py', line: 2, column: 1 } },
    { error: { code: 'DEP001', message: "'yaml' imported but missing from the dependency definitions" }, module: 'yaml', location: { file: 'src/app/legacy.py', line: 1, column: 1 } },
    { error: { code: 'DEP002', message: "'cryptography' defined as a dependency but not used in the codebase" }, module: 'cryptography', location: { file: 'pyproject.toml', line: null, column: null } },
  ],
  null,
  4,
);

const VULTURE = [
  "src/app/api.py:9: unused function 'helper' (60% confidence)",
  "src/app/legacy.py:4: unused function 'old' (60% confidence)",
  "src/app/new_mod.py:5: unused function 'unused_thing' (60% confidence)",
  "src/app/util.py:1: unused variable 'x' (60% confidence)",
  '',
].join('\n');

const MUTMUT_STATS = JSON.stringify({ killed: 6, survived: 4, total: 10, no_tests: 0, skipped: 0, suspicious: 0, timeout: 0, check_was_interrupted_by_user: 0, segfault: 0 }, null, 4);
const MUTMUT_CRASHED = JSON.stringify({ killed: 0, survived: 0, total: 0, no_tests: 0, skipped: 0, suspicious: 0, timeout: 0, check_was_interrupted_by_user: 0, segfault: 0 }, null, 4);

const REPORT_INPUTS = {
  'bandit-report': 'reports/bandit.json',
  'pip-audit-report': 'reports/pip-audit.json',
  'gitleaks-report': 'reports/gitleaks.json',
  'deptry-report': 'reports/deptry.json',
  'vulture-report': 'reports/vulture.txt',
  'mutmut-report': 'reports/mutmut-cicd-stats.json',
};

// ---------------------------------------------------------------------------------------------

let root: string;
let origin: string;
let firstOrigin: string;
let fork: string;
let head: string;
let reportHead: string;
let trackedTip: string;
let mainTip: string;
let firstSha: string;
let n = 0;

beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error('dist/gate/index.js is missing: run npm run build');
  root = tempDir('sg-lane-');
  const author = initRepo(join(root, 'author'));
  for (const [p, c] of Object.entries(BASE_FILES)) write(author, p, c);
  fork = commit(author, 'base: orders api');
  git(author, 'checkout', '-q', '-b', 'feature');
  for (const [p, c] of Object.entries(FEATURE_FILES)) write(author, p, c);
  head = commit(author, 'feature: order helper');
  // A pull request that also commits a clean pip-audit report where the lane writes it, and edits
  // the workflow the run comes from.
  git(author, 'checkout', '-q', '-b', 'feature-report');
  write(author, 'reports/pip-audit.json', JSON.stringify({ dependencies: [{ name: 'requests', version: '2.32.4', vulns: [] }], fixes: [] }));
  write(author, '.github/workflows/ci.yml', 'on: pull_request\njobs: {}\n');
  reportHead = commit(author, 'feature: a clean audit, and the workflow');
  // Once merged, the committed report stays: a later push does not touch it.
  git(author, 'checkout', '-q', '-b', 'tracked-report');
  write(author, 'src/app/util.py', `${BASE_FILES['src/app/util.py']}\n# later work\n`);
  trackedTip = commit(author, 'later: util tweak');
  // main moves on after the fork: legacy.py changes there, so a two-dot diff would count it as touched.
  git(author, 'checkout', '-q', 'main');
  write(author, 'src/app/legacy.py', `${BASE_FILES['src/app/legacy.py']}\n# main moved on\n`);
  mainTip = commit(author, 'main: legacy tweak');
  origin = join(root, 'origin.git');
  git(root, 'clone', '-q', '--bare', author, origin);

  // A second project whose very first commit is pushed.
  const first = initRepo(join(root, 'first'));
  for (const [p, c] of Object.entries({ ...BASE_FILES, ...FEATURE_FILES })) write(first, p, c);
  firstSha = commit(first, 'initial commit');
  firstOrigin = join(root, 'first.git');
  git(root, 'clone', '-q', '--bare', first, firstOrigin);
});

afterAll(() => {
  if (root) removeDir(root);
});

/** A fresh shallow clone (depth 1, like actions/checkout) of `branch`, with the six reports in it. */
function workspace(opts: { from?: string; branch?: string; headSha?: string } = {}): string {
  const ws = join(root, `ws-${++n}`);
  git(root, 'clone', '-q', '--depth', '1', '--branch', opts.branch ?? 'feature', `file://${opts.from ?? origin}`, ws);
  expect(git(ws, 'rev-parse', '--is-shallow-repository')).toBe('true');
  mkdirSync(join(ws, 'reports'), { recursive: true });
  writeFileSync(join(ws, 'reports/bandit.json'), banditReport());
  writeFileSync(join(ws, 'reports/pip-audit.json'), PIP_AUDIT);
  writeFileSync(join(ws, 'reports/gitleaks.json'), gitleaksReport(opts.headSha ?? head));
  writeFileSync(join(ws, 'reports/deptry.json'), DEPTRY);
  writeFileSync(join(ws, 'reports/vulture.txt'), VULTURE);
  writeFileSync(join(ws, 'reports/mutmut-cicd-stats.json'), MUTMUT_STATS);
  writeFileSync(join(ws, 'reports/mutmut-empty.txt'), '');
  writeFileSync(join(ws, 'reports/mutmut-crashed.json'), MUTMUT_CRASHED);
  return ws;
}

const prEvent = () => ({
  name: 'pull_request',
  payload: {
    action: 'synchronize',
    number: 7,
    pull_request: { number: 7, base: { ref: 'main', sha: mainTip }, head: { ref: 'feature', sha: head } },
    repository: { default_branch: 'main', full_name: 'octo-org/octo-repo' },
  },
});

interface ToolView {
  tool: string;
  status: string;
  phase: number;
  messages: string[];
  counts: { block: number; warn: number; info: number; wouldBlock: number };
  findings: Array<{ ruleId: string; disposition: string; inChange?: boolean; location?: { path: string; line?: number }; reason: string; snippet?: string }>;
}
interface ResultView {
  verdict: string;
  shouldFail: boolean;
  notices: string[];
  change?: { known: boolean; source?: string; notes?: string[]; reason?: string; base?: string; head?: string };
  tools: ToolView[];
}

interface GateRun {
  r: RunActionResult;
  ws: string;
  result: ResultView;
  resultText: string;
  sarifText: string;
  tool(id: string): ToolView;
}

async function gate(ws: string, inputs: Record<string, string>, event: { name: string; payload: unknown } = prEvent(), env: Record<string, string> = {}): Promise<GateRun> {
  const r = await runAction({
    entry: ENTRY,
    workspace: ws,
    actionYml: ACTION_YML,
    event,
    env: { GITHUB_SHA: head, ...env },
    inputs: { 'upload-artifact': 'false', 'severity-source': 'off', 'output-dir': OUT, ...inputs },
  });
  if (r.code !== 0) throw new Error(`the gate failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  const resultText = readFileSync(r.outputs['result-file']!, 'utf8');
  const result = JSON.parse(resultText) as ResultView;
  const sarifText = readFileSync(r.outputs['sarif-file']!, 'utf8');
  return {
    r,
    ws,
    result,
    resultText,
    sarifText,
    tool(id: string) {
      const t = result.tools.find((x) => x.tool === id);
      if (!t) throw new Error(`no ${id} in the result: ${result.tools.map((x) => x.tool).join(', ')}`);
      return t;
    },
  };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** The planted secret (and any 8-character piece of it) is nowhere the gate wrote. */
function expectNoSecret(g: GateRun): void {
  const places: Record<string, string> = {
    stdout: g.r.stdout,
    stderr: g.r.stderr,
    summary: g.r.summary,
    outputs: JSON.stringify(g.r.outputs),
    'result JSON': g.resultText,
    SARIF: g.sarifText,
    'runner temp listing': g.r.runnerTempFiles.join('\n'),
  };
  const outDir = join(g.ws, OUT);
  for (const f of filesUnder(outDir)) places[relative(g.ws, f)] = readFileSync(f, 'utf8');
  expect(Object.keys(places)).toEqual(expect.arrayContaining(['gate-out/security-gate-result.json', 'gate-out/security-gate-summary.md', 'gate-out/security-gate.sarif', 'gate-out/reports/reports/gitleaks.json']));
  const pieces = Array.from({ length: SECRET.length - 7 }, (_, i) => SECRET.slice(i, i + 8));
  for (const [where, text] of Object.entries(places)) {
    const leaked = pieces.filter((p) => text.includes(p));
    if (leaked.length > 0) throw new Error(`the planted secret leaks into ${where}: ${leaked.length} piece(s) found`);
  }
}

const byPath = (t: ToolView) =>
  Object.fromEntries(t.findings.map((f) => [`${f.location?.path ?? '-'}`, f.disposition]));

// ---------------------------------------------------------------------------------------------

describe('the API lane through the bundle: a pull request on a shallow clone', () => {
  it('phase 1: every tool under its own rule, nothing blocks; the secret scan finds the planted secret and leaks it nowhere', async () => {
    const ws = workspace();
    expect(() => git(ws, 'cat-file', '-e', `${mainTip}^{commit}`)).toThrow(); // the base is not in the clone
    const g = await gate(ws, { ...REPORT_INPUTS, phase: '1' });
    const { r, result } = g;

    expect(r.outputs).toMatchObject({ verdict: 'warn', 'should-fail': 'false', 'blocking-count': '0' });
    // The change: the pull request's base...head, found by fetching the base and deepening.
    expect(result.change).toMatchObject({ known: true, source: 'pull_request', base: mainTip, head });
    expect(result.change?.notes?.join('\n')).toMatch(/Fetched the base commit/);
    expect(result.change?.notes?.join('\n')).toMatch(/Deepened the shallow clone/);

    // deptry / vulture: touched files warn (would block in phase 2), untouched ones are existing debt.
    for (const id of ['deptry', 'vulture']) {
      const t = g.tool(id);
      expect(t).toMatchObject({ status: 'ok', phase: 1, counts: { block: 0, warn: 2, info: 2, wouldBlock: 2 } });
      for (const f of t.findings) {
        const touched = TOUCHED.includes(f.location!.path);
        expect(f.inChange).toBe(touched);
        expect(f.disposition).toBe(touched ? 'warn' : 'info');
        if (!touched) expect(f.reason).toMatch(/existing debt/);
      }
    }
    // legacy.py changed on main after the fork: three-dot, so it is NOT touched by this pull request.
    expect(byPath(g.tool('deptry'))['src/app/legacy.py']).toBe('info');
    expect(r.outputs).toMatchObject({ 'deptry-new': '2', 'deptry-total': '4', 'vulture-new': '2', 'vulture-total': '4' });

    expect(g.tool('gitleaks')).toMatchObject({ status: 'ok', counts: { block: 0, warn: 1, wouldBlock: 1 } });
    expect(r.outputs['gitleaks-secrets']).toBe('1');
    expect(g.tool('bandit')).toMatchObject({ status: 'ok', counts: { block: 0, warn: 2, info: 1, wouldBlock: 1 } });
    expect(r.outputs).toMatchObject({ 'bandit-high': '1', 'bandit-medium': '1', 'bandit-low': '1' });
    expect(g.tool('pip-audit')).toMatchObject({ status: 'ok', counts: { block: 0, warn: 1, wouldBlock: 1 } });
    expect(r.outputs).toMatchObject({ 'pip-audit-vulns': '1', 'pip-audit-unknown': '1' });
    expect(g.tool('mutmut')).toMatchObject({ status: 'ok', counts: { block: 0, warn: 1, wouldBlock: 0 } });
    expect(r.outputs).toMatchObject({ 'mutmut-killed': '6', 'mutmut-survived': '4', 'mutmut-score': '60' });

    // The built-in scan of added lines.
    const scan = g.tool('secret-scan');
    expect(Number(r.outputs['secret-scan-matches'])).toBeGreaterThanOrEqual(1);
    expect(scan.findings.some((f) => f.location?.path === 'src/app/api.py' && f.location.line === SECRET_LINE_NO)).toBe(true);

    // Every tool of the lane and the built-in scan feed this one verdict.
    expect(result.tools.map((t) => t.tool).sort()).toEqual(['bandit', 'deptry', 'gitleaks', 'mutmut', 'pip-audit', 'secret-scan', 'vulture']);
    expect(r.summary).toMatch(/Security gate: warn/);
    expectNoSecret(g);
  });

  it('phase 2: touched deptry/vulture findings, the gitleaks secret, Bandit HIGH in a critical path and pip-audit block; survivors only warn', async () => {
    const g = await gate(workspace(), { ...REPORT_INPUTS, phase: '2' });
    const { r, result } = g;
    expect(r.outputs).toMatchObject({ verdict: 'block', 'should-fail': 'true' });
    expect(result.change).toMatchObject({ known: true, source: 'pull_request' });
    for (const id of ['deptry', 'vulture']) {
      const t = g.tool(id);
      expect(t).toMatchObject({ status: 'ok', phase: 2, counts: { block: 2, warn: 0, info: 2 } });
      for (const f of t.findings) expect(f.disposition).toBe(TOUCHED.includes(f.location!.path) ? 'block' : 'info');
    }
    expect(r.outputs).toMatchObject({ 'deptry-new': '2', 'deptry-total': '4', 'vulture-new': '2', 'vulture-total': '4' });
    expect(g.tool('gitleaks').counts).toMatchObject({ block: 1 });
    expect(g.tool('bandit').findings.find((f) => f.ruleId === 'B602')).toMatchObject({ disposition: 'block', location: { path: 'src/app/db/queries.py' } });
    expect(g.tool('bandit').counts).toMatchObject({ block: 1, warn: 1, info: 1 });
    expect(g.tool('pip-audit').counts).toMatchObject({ block: 1 });
    expect(g.tool('mutmut')).toMatchObject({ status: 'ok', counts: { block: 0, warn: 1 } });
    expect(Number(r.outputs['secret-scan-matches'])).toBeGreaterThanOrEqual(1);
    expect(Number(r.outputs['blocking-count'])).toBe(2 + 2 + 1 + 1 + 1);
    expectNoSecret(g);
  });
});

describe('what a pull request changes besides the code, through the bundle', () => {
  it('a report file it commits, left in place by a scanner step that wrote nothing: that tool is in error, and the workflow edit is said', async () => {
    const ws = workspace({ branch: 'feature-report', headSha: reportHead });
    // pip-audit failed under continue-on-error: the file in the workspace is the commit's.
    git(ws, 'checkout', '--', 'reports/pip-audit.json');
    const event = prEvent();
    const pr = (event.payload as { pull_request: { head: { ref: string; sha: string } } }).pull_request;
    pr.head = { ref: 'feature-report', sha: reportHead };
    const g = await gate(ws, { ...REPORT_INPUTS, phase: '2' }, event, { GITHUB_SHA: reportHead, GITHUB_WORKFLOW_REF: 'octo-org/octo-repo/.github/workflows/ci.yml@refs/pull/7/merge' });
    const pip = g.tool('pip-audit');
    expect(pip.status).toBe('error');
    expect(pip.messages.join('\n')).toContain('"reports/pip-audit.json": this change adds or modifies the report file itself, so the gate may have read the change\'s own file rather than what pip-audit wrote in this run');
    expect(g.r.outputs['should-fail']).toBe('true');
    // The other reports are not the change's: as before.
    expect(g.tool('bandit').status).toBe('ok');
    expect(g.result.notices.join('\n')).toContain('This change edits the workflow that runs this gate, ".github/workflows/ci.yml", and this run already applies it');
  });
});

describe('a report committed to the repository, through the bundle', () => {
  it('a push that does not touch it: git tracks the file, so that tool is in error; the others read as before', async () => {
    const ws = workspace({ branch: 'tracked-report', headSha: trackedTip });
    // pip-audit failed under continue-on-error: the file in the workspace is the one committed earlier.
    git(ws, 'checkout', '--', 'reports/pip-audit.json');
    const g = await gate(ws, { ...REPORT_INPUTS, phase: '2' }, {
      name: 'push',
      payload: { ref: 'refs/heads/tracked-report', before: reportHead, after: trackedTip, repository: { default_branch: 'main' } },
    }, { GITHUB_SHA: trackedTip });
    expect(g.result.change).toMatchObject({ known: true, source: 'push', base: reportHead, head: trackedTip });
    const pip = g.tool('pip-audit');
    expect(pip.status).toBe('error');
    expect(pip.messages).toEqual([
      '"reports/pip-audit.json": git tracks this file (it is committed to the repository), so the gate may have read the committed file rather than what pip-audit wrote in this run (a scanner step that failed leaves it in place). Untrack it (`git rm --cached`) and add it to .gitignore.',
    ]);
    expect(g.r.outputs['should-fail']).toBe('true');
    expect(g.r.summary).toContain('1 report committed to the repository');
    expect(g.r.summary).toContain('report committed to the repository: &quot;reports/pip\\-audit\\.json&quot;: git tracks this file');
    for (const t of ['bandit', 'gitleaks', 'deptry', 'vulture']) expect(g.tool(t).status).toBe('ok');
    // The reproduce line asks the CLI for the same check (off by default there).
    expect(/reproduce locally: `([^`]+)`/.exec(g.r.summary)?.[1]).toMatch(/ --refuse-committed-reports$/);
  });
});

describe('local parity: the command the summary gives reproduces the verdict with the CLI', () => {
  it('same verdict, same counts per tool, same change; and the CLI leaks the secret nowhere either', async () => {
    const ws = workspace();
    const g = await gate(ws, { ...REPORT_INPUTS, phase: '2', 'mutmut-min-score': '80' });
    const cmd = /reproduce locally: `([^`]+)`/.exec(g.r.summary)?.[1];
    expect(cmd).toBeDefined();
    const words = shellWords(cmd!);
    expect(words.slice(0, 2)).toEqual(['npx', 'security-gate']);
    // The base the action compared with, and the settings that change the verdict, are in the command.
    expect(cmd).toContain(`--base-ref ${mainTip}`);
    expect(cmd).toContain('--mutmut-min-score 80');
    expect(cmd).toContain('--severity-source off');

    const cli = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };
      execFile(process.execPath, [join(REPO_ROOT, 'dist/cli/index.js'), ...words.slice(2), '--json'], { cwd: ws, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? -1) : 0, stdout, stderr });
      });
    });
    expect(cli.stderr).not.toMatch(/internal error/);
    expect(cli.code).toBe(0);
    const local = JSON.parse(cli.stdout) as ResultView;
    const view = (r: ResultView) => ({
      verdict: r.verdict,
      shouldFail: r.shouldFail,
      change: r.change?.known ? { base: r.change.base, head: r.change.head } : r.change,
      tools: r.tools.map((t) => ({ tool: t.tool, status: t.status, phase: t.phase, counts: t.counts, findings: t.findings.map((f) => `${f.ruleId}@${f.location?.path ?? '-'}:${f.disposition}`).sort() })),
    });
    expect(view(local)).toEqual(view(g.result));
    expect(g.result.verdict).toBe('block');
    expect(g.tool('mutmut').counts.block).toBe(1);
    for (const text of [cli.stdout, cli.stderr]) expect(text.includes(SECRET)).toBe(false);
  });
});

describe('the mutmut smoke test through the bundle', () => {
  // No deptry/vulture and no secret scan: the change is not needed, git is not asked.
  const only = (report: string, more: Record<string, string> = {}) => ({ 'mutmut-report': report, 'secret-scan': 'false', phase: '2', ...more });

  it('survivors warn by default; mutmut-min-score above the score blocks, at or below it does not', async () => {
    const ws = workspace();
    const plain = await gate(ws, only('reports/mutmut-cicd-stats.json'));
    expect(plain.r.outputs).toMatchObject({ verdict: 'warn', 'should-fail': 'false', 'mutmut-score': '60' });
    expect(plain.result.change).toBeUndefined();

    const low = await gate(ws, only('reports/mutmut-cicd-stats.json', { 'mutmut-min-score': '80' }));
    expect(low.r.outputs).toMatchObject({ verdict: 'block', 'should-fail': 'true', 'mutmut-score': '60', 'mutmut-killed': '6', 'mutmut-survived': '4' });
    expect(low.tool('mutmut').findings.find((f) => f.disposition === 'block')?.ruleId).toBe('mutation-score-below-minimum');
    expect(low.r.summary).toMatch(/below the minimum of 80%/);

    const ok = await gate(ws, only('reports/mutmut-cicd-stats.json', { 'mutmut-min-score': '60' }));
    expect(ok.r.outputs).toMatchObject({ verdict: 'warn', 'should-fail': 'false' });
  });

  it('an empty results file or a run that judged no mutant is an error, not a pass', async () => {
    const ws = workspace();
    for (const report of ['reports/mutmut-empty.txt', 'reports/mutmut-crashed.json']) {
      const g = await gate(ws, only(report, { phase: '1' }));
      expect(g.r.outputs.verdict).toBe('error');
      expect(g.tool('mutmut').status).toBe('error');
      expect(g.tool('mutmut').messages.join('\n')).toContain(report);
      expect(g.r.stdout).toContain(report);
    }
  });
});

describe('how the change is found, through the bundle', () => {
  it('push (before...after) on a shallow clone', async () => {
    const g = await gate(workspace(), { ...REPORT_INPUTS, phase: '2' }, {
      name: 'push',
      payload: { ref: 'refs/heads/feature', before: fork, after: head, repository: { default_branch: 'main' } },
    });
    expect(g.result.change).toMatchObject({ known: true, source: 'push', base: fork, head });
    expect(g.r.outputs).toMatchObject({ 'deptry-new': '2', 'deptry-total': '4', 'vulture-new': '2', 'vulture-total': '4' });
    expect(Number(g.r.outputs['secret-scan-matches'])).toBeGreaterThanOrEqual(1);
    expectNoSecret(g);
  });

  it('a push that creates a branch (before = 000…): compared with the default branch, fetched into the shallow clone', async () => {
    const g = await gate(workspace(), { ...REPORT_INPUTS, phase: '2' }, {
      name: 'push',
      payload: { ref: 'refs/heads/feature', before: ZERO, after: head, created: true, repository: { default_branch: 'main' } },
    });
    expect(g.result.change).toMatchObject({ known: true, source: 'push', base: mainTip, head });
    expect(g.result.change?.notes?.join('\n')).toMatch(/new branch: compared with the default branch "main"/);
    expect(g.r.outputs).toMatchObject({ 'deptry-new': '2', 'vulture-new': '2' });
    expect(byPath(g.tool('deptry'))['src/app/legacy.py']).toBe('info');
    expectNoSecret(g);
  });

  it('report paths as scanners print them (./relative, absolute in the workspace) land on the touched files', async () => {
    const ws = workspace();
    writeFileSync(
      join(ws, 'reports/vulture.txt'),
      [`./src/app/api.py:9: unused function 'helper' (60% confidence)`, `${ws}/src/app/new_mod.py:5: unused function 'unused_thing' (60% confidence)`, `${ws}/src/app/util.py:1: unused variable 'x' (60% confidence)`, ''].join('\n'),
    );
    const g = await gate(ws, { 'vulture-report': 'reports/vulture.txt', phase: '2' });
    expect(g.r.outputs).toMatchObject({ 'vulture-new': '2', 'vulture-total': '3', verdict: 'block' });
    expect(byPath(g.tool('vulture'))).toEqual({ 'src/app/api.py': 'block', 'src/app/new_mod.py': 'block', 'src/app/util.py': 'info' });
  });

  it('the first push of a repository (before = 000…): every file is new', async () => {
    const ws = workspace({ from: firstOrigin, branch: 'main', headSha: firstSha });
    const g = await gate(ws, { ...REPORT_INPUTS, phase: '2' }, {
      name: 'push',
      payload: { ref: 'refs/heads/main', before: ZERO, after: firstSha, created: true, repository: { default_branch: 'main' } },
    }, { GITHUB_SHA: firstSha });
    expect(g.result.change).toMatchObject({ known: true, source: 'first-commit', head: firstSha });
    expect(g.result.change?.notes?.join('\n')).toMatch(/First commit of the repository/);
    expect(g.r.outputs).toMatchObject({ 'deptry-new': '4', 'deptry-total': '4', 'vulture-new': '4', 'vulture-total': '4' });
    // pyproject.toml and legacy.py are in the first commit too: touched, so they block.
    expect(g.tool('deptry').counts).toMatchObject({ block: 4, info: 0 });
    expect(Number(g.r.outputs['secret-scan-matches'])).toBeGreaterThanOrEqual(1);
    expectNoSecret(g);
  });

  it('base-ref wins over an event that has no change (workflow_dispatch): the branch is fetched and the merge base found', async () => {
    const g = await gate(workspace(), { ...REPORT_INPUTS, phase: '2', 'base-ref': 'main' }, { name: 'workflow_dispatch', payload: {} });
    expect(g.result.change).toMatchObject({ known: true, source: 'base-ref', base: mainTip, head });
    expect(byPath(g.tool('deptry'))['src/app/legacy.py']).toBe('info');
    expect(g.r.outputs).toMatchObject({ 'deptry-new': '2', 'vulture-new': '2' });
    expect(Number(g.r.outputs['secret-scan-matches'])).toBeGreaterThanOrEqual(1);
    expectNoSecret(g);
  });

  it('a base that cannot be fetched (a fork-like checkout without the upstream): change unknown, every finding counts as new, said plainly', async () => {
    const ws = workspace();
    git(ws, 'remote', 'remove', 'origin');
    const g = await gate(ws, { ...REPORT_INPUTS, phase: '2' });
    expect(g.result.change).toMatchObject({ known: false });
    expect(g.result.change?.reason).toMatch(/could not be fetched/);
    expect(g.r.outputs).toMatchObject({ verdict: 'block', 'deptry-new': '4', 'deptry-total': '4', 'vulture-new': '4', 'vulture-total': '4' });
    for (const id of ['deptry', 'vulture']) {
      const t = g.tool(id);
      expect(t.counts).toMatchObject({ block: 4, info: 0 });
      for (const f of t.findings) expect(f.reason).toMatch(/change unknown: counted as new/);
    }
    expect(g.r.summary).toMatch(/change under review is unknown/i);
    expect(g.r.summary).toMatch(/every finding counts as new/i);
    // Without a known change there are no added lines to scan: the scan does not run, and says so.
    expect(g.result.tools.some((t) => t.tool === 'secret-scan')).toBe(false);
    expect(g.r.outputs['secret-scan-matches']).toBe('0');
    expect(g.r.summary).toMatch(/secret scan of added lines did not run/i);
    expectNoSecret(g);
  });
});
