/* eslint-disable no-control-regex -- the point is to find control characters in what the gate wrote */
/**
 * One injection suite over every channel the gate writes, with the REAL bundle run like the runner
 * runs it: reports whose every untrusted field carries a payload (forged workflow commands, HTML,
 * Markdown, mentions, links, markers, newlines, ANSI escapes, bidi overrides) and planted secrets
 * (gitleaks Secret / Match / offender / SARIF snippet, Bandit B105-B107 `code` and message, lines a
 * pull request adds in a real git repository, the github-token itself).
 *
 * Channels: stdout and stderr (only the gate's own workflow commands), the outputs file (only the
 * declared outputs, verdict not overridden), the step summary and the PR comment (inert Markdown/HTML),
 * annotations (escaped; only documented properties), the SARIF file, the result JSON, and every entry
 * of the uploaded artifact (Twirp stub + Azurite). No planted secret on any of them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readZip, startArtifactService, type ArtifactService } from '../helpers/artifact-service.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { REPO_ROOT, runAction, type RunActionResult } from '../helpers/runner.js';
import { assertInertMarkdown, assertNoSecrets, assertOnlyOwnCommands, DECLARED_OUTPUTS } from './channels.js';

const ENTRY = join(REPO_ROOT, 'dist/gate/index.js');
const ACTION_YML = join(REPO_ROOT, 'action.yml');

/** Payloads every untrusted field carries (one per finding, rotating through the fields). */
export const PAYLOADS = [
  '::error::FORGED-error',
  '::add-mask::FORGED-mask',
  '::stop-commands::FORGEDTOKEN',
  '%0A::warning::FORGED-percent',
  '\n::set-output name=verdict::pass',
  '\n::error file=FORGED.py,line=1::FORGED-newline',
  '##[error]FORGED-legacy',
  '\r\n##[warning]FORGED-legacy-crlf',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '| a | b |',
  'tick ` and ``` fence ```',
  '@octocat please look',
  '[click](javascript:alert(1))',
  '<!-- security-gate:x -->',
  'line one\n\n## FORGED-heading\n| x | y |',
  '\u001b[31mred\u001b[0m \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007',
  'evil\u202eyp.txt \u2066isolate\u2069',
  'x,file=FORGED.py,line=1,title=FORGED-title',
  '<a href="javascript:alert(1)">a</a> <iframe src=x></iframe>',
];

const SECRETS = {
  gitleaks8: 'PLANTEDgl8Secret7Qk2Wm9Zx4RtLp',
  gitleaks8b: 'PLANTEDgl8SecondSecretVb6Nn1Hh',
  gitleaks7: 'PLANTEDgl7Offender3Jd8Ks5Ua0Pe',
  sarif8: 'PLANTEDsarif8Snippet4Fg7Hj2Kl9',
  bandit105: 'PLANTEDbandit105pw8Xc3Vb7Nm1Qa',
  bandit106: 'PLANTEDbandit106kw2Ws5Ed9Rf4Tg',
  bandit107: 'PLANTEDbandit107dflt6Yh1Uj3Ik8',
  added: 'ghp_PLANTEDaddedLine0aB1cD2eF3gH4iJ5kL6',
  addedKeyword: 'PLANTEDaddedKeyword9Zq8Xw7Ev6Rb5',
  token: 'ghs_PLANTEDgithubToken1Ab2Cd3Ef4Gh5Ij',
};
const ALL_SECRETS = Object.values(SECRETS);

const p = (i: number): string => PAYLOADS[i % PAYLOADS.length]!;

function banditReport(): unknown {
  const results: unknown[] = PAYLOADS.map((payload, i) => ({
    code: `${i + 1} ${payload}\n${i + 2} eval(x)  # ${p(i + 3)}\n`,
    col_offset: 0,
    filename: `src/auth/mod${i}_${payload.replace(/\n/g, '')}.py`,
    issue_confidence: 'HIGH',
    issue_severity: 'HIGH',
    issue_cwe: { id: 78, link: `https://cwe.mitre.org/data/definitions/78.html?${p(i + 1)}` },
    issue_text: `Use of eval: ${payload} ${p(i + 2)}`,
    line_number: i + 1,
    line_range: [i + 1],
    more_info: i % 2 ? 'javascript:alert(1)' : `https://bandit.readthedocs.io/en/latest/${p(i + 4)}`,
    test_id: 'B307',
    test_name: `eval ${p(i + 5)}`,
  }));
  results.push(
    {
      code: `12 password = '${SECRETS.bandit105}'\n`,
      filename: 'src/auth/settings.py',
      issue_confidence: 'MEDIUM',
      issue_severity: 'LOW',
      issue_text: `Possible hardcoded password: '${SECRETS.bandit105}'`,
      line_number: 12,
      line_range: [12],
      more_info: 'https://bandit.readthedocs.io/en/latest/plugins/b105_hardcoded_password_string.html',
      test_id: 'B105',
      test_name: 'hardcoded_password_string',
    },
    {
      code: `20 connect(user='x', password='${SECRETS.bandit106}')\n`,
      filename: 'src/auth/db.py',
      issue_confidence: 'MEDIUM',
      issue_severity: 'LOW',
      issue_text: `Possible hardcoded password: '${SECRETS.bandit106}'`,
      line_number: 20,
      line_range: [20],
      more_info: 'https://bandit.readthedocs.io/en/latest/plugins/b106_hardcoded_password_funcarg.html',
      test_id: 'B106',
      test_name: 'hardcoded_password_funcarg',
    },
    {
      code: `30 def login(user, password='${SECRETS.bandit107}'):\n31     pass\n`,
      filename: 'src/auth/login.py',
      issue_confidence: 'MEDIUM',
      issue_severity: 'LOW',
      issue_text: `Possible hardcoded password: '${SECRETS.bandit107}'`,
      line_number: 30,
      line_range: [30, 31],
      more_info: 'https://bandit.readthedocs.io/en/latest/plugins/b107_hardcoded_password_default.html',
      test_id: 'B107',
      test_name: 'hardcoded_password_default',
    },
  );
  return {
    errors: [{ filename: `src/${p(0)}.py`, reason: `syntax error ${p(9)}` }],
    generated_at: '2026-11-28T10:00:00Z',
    metrics: { _totals: { loc: 100, nosec: 0 } },
    results,
  };
}

function pipAuditReport(): unknown {
  return {
    dependencies: PAYLOADS.map((payload, i) => ({
      name: `pkg${i}-${payload}`,
      version: `1.${i}.0${p(i + 1)}`,
      vulns: [
        {
          id: `PYSEC-2099-${i}${p(i + 2)}`,
          fix_versions: [`2.0${p(i + 3)}`],
          aliases: [`CVE-2099-${1000 + i}`, `GHSA-${p(i + 4)}`],
          description: `${payload} ${p(i + 5)} ${p(i + 6)}`,
        },
      ],
    })).concat([{ name: `skipped-${p(3)}`, skip_reason: `not on PyPI ${p(8)}` } as never]),
    fixes: [],
  };
}

function gitleaks8Report(): unknown {
  return PAYLOADS.map((payload, i) => ({
    RuleID: `generic-api-key${i % 3 === 0 ? payload : ''}`,
    Description: `Generic API key ${payload}`,
    StartLine: i + 1,
    EndLine: i + 1,
    StartColumn: 1,
    EndColumn: 40,
    Match: `api_key = "${i % 2 ? SECRETS.gitleaks8 : SECRETS.gitleaks8b}" ${p(i + 1)}`,
    Secret: i % 2 ? SECRETS.gitleaks8 : SECRETS.gitleaks8b,
    File: `config/${payload}.env`,
    SymlinkFile: '',
    Commit: '0123456789abcdef0123456789abcdef01234567',
    Entropy: 4.5,
    Author: `Mallory ${p(i + 2)}`,
    Email: 'mallory@example.invalid',
    Date: '2026-11-01T00:00:00Z',
    Message: `commit ${payload} ${i % 2 ? SECRETS.gitleaks8 : SECRETS.gitleaks8b}`,
    Tags: [p(i + 3)],
    Fingerprint: `0123456789abcdef:config/x.env:generic-api-key:${i + 1}`,
  }));
}

function gitleaks7Report(): unknown {
  return PAYLOADS.slice(0, 6).map((payload, i) => ({
    line: `secret_key: ${SECRETS.gitleaks7} ${payload}`,
    offender: SECRETS.gitleaks7,
    commit: '9afb561b348d59eceb6dc82c0061fb07bee09f7b',
    repo: '.',
    rule: `Generic Secret ${payload}`,
    commitMessage: `msg ${payload} ${SECRETS.gitleaks7}\n`,
    author: 'Mallory',
    email: 'mallory@example.invalid',
    file: `legacy/${payload}.yml`,
    date: '2020-04-04T15:58:14-07:00',
    tags: `key, ${payload}`,
    lineNumber: i + 1,
    leakURL: `javascript:alert(${i})`,
  }));
}

function gitleaksSarif(): unknown {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'gitleaks', semanticVersion: 'v8.18.0', rules: [{ id: 'aws-access-token', shortDescription: { text: `AWS ${p(8)}` } }] } },
        results: PAYLOADS.slice(0, 8).map((payload, i) => ({
          message: { text: `aws-access-token has detected secret for file ${payload} at commit 0000000.` },
          ruleId: 'aws-access-token',
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: `infra/${payload}.tf` },
                region: { startLine: i + 1, startColumn: 1, endLine: i + 1, endColumn: 20, snippet: { text: SECRETS.sarif8 } },
              },
            },
          ],
          partialFingerprints: { commitSha: '0000000', email: 'm@example.invalid', author: `M ${payload}`, date: '2026-01-01', commitMessage: `add ${SECRETS.sarif8}` },
        })),
      },
    ],
  };
}

function deptryReport(): unknown {
  return PAYLOADS.map((payload, i) => ({
    error: { code: i % 2 ? 'DEP002' : 'DEP001', message: `'${payload}' imported but missing ${p(i + 1)}` },
    module: `mod_${payload}`,
    location: { file: `src/app/${payload}.py`, line: i + 1, column: 1 },
  }));
}

function vultureReport(): string {
  return (
    PAYLOADS.filter((x) => !/[\r\n]/.test(x))
      .map((payload, i) => `src/dead/${payload}.py:${i + 1}: unused function '${payload}' (60% confidence)`)
      .join('\n') + '\n'
  );
}

/**
 * The waivers file is part of the pull request too: every free-text cell carries a payload (no `|`
 * or newline, which would end the row). The phase-2 run reads a valid file (waivers rendered), the
 * phase-1 run one whose ids carry payloads too (invalid: its errors are rendered instead).
 */
function waiversFile(valid: boolean): string {
  const cellSafe = PAYLOADS.filter((x) => !/[|\r\n]/.test(x));
  const rows = cellSafe.map(
    (payload, i) =>
      `| W-${i}${valid ? '' : ` ${payload}`} | bandit | \`test=B307 path=src/auth/mod${PAYLOADS.indexOf(payload)}_*\` | false positive | ${payload} ${cellSafe[(i + 1) % cellSafe.length]} | @octocat ${payload} | @octocat, @mallory | 2026-11-20 | 2099-12-31 | ${payload} | https://github.com/o/r/issues/1?${encodeURIComponent(payload)} ${payload} |`,
  );
  return [
    `# Security waivers ${p(8)}`,
    '',
    `Prose ${p(12)} ${p(13)}`,
    '',
    '| id | tool | match | reason | rationale | owner | approvers | approved | expires | mitigation | tracking |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Mallory', '-c', 'user.email=m@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  }).trim();
}

let service: ArtifactService;
let api: TestServer;
let workspace: string;
let base: string;
let head: string;
const comments: Array<{ method: string; body: string }> = [];

beforeAll(async () => {
  if (!existsSync(ENTRY)) throw new Error('dist/gate/index.js is missing: run npm run build');
  [service, api] = await Promise.all([startArtifactService(), startServer()]);
  api.on(/^GET \/repos\/octo-org\/octo-repo\/issues\/\d+\/comments$/, () => ({ body: [] }));
  api.on(/^(POST|PATCH) \/repos\/octo-org\/octo-repo\/issues\/(\d+\/)?comments(\/\d+)?$/, (req) => {
    comments.push({ method: req.method, body: String((JSON.parse(req.body) as { body?: unknown }).body ?? '') });
    return { status: 201, body: { id: 99, html_url: 'https://github.com/octo-org/octo-repo/pull/7#issuecomment-99' } };
  });
  api.on(/^POST \/repos\/octo-org\/octo-repo\/check-runs$/, (req) => {
    comments.push({ method: 'CHECK', body: req.body });
    return { status: 201, body: { id: 5, html_url: 'https://github.com/octo-org/octo-repo/runs/5' } };
  });

  workspace = await mkdtemp(join(tmpdir(), 'sg-inject-'));
  git(workspace, 'init', '-q', '-b', 'main');
  await mkdir(join(workspace, 'src/auth'), { recursive: true });
  await writeFile(join(workspace, 'src/auth/settings.py'), 'DEBUG = False\n');
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '-m', 'base');
  base = git(workspace, 'rev-parse', 'HEAD');
  await writeFile(
    join(workspace, 'src/auth/settings.py'),
    ['DEBUG = False', `GITHUB_TOKEN = "${SECRETS.added}"`, `api_key = "${SECRETS.addedKeyword}"`, `# ${p(0)} ${p(8)}`, ''].join('\n'),
  );
  await writeFile(join(workspace, `src/auth/${PAYLOADS[12]}.env`), `password=${SECRETS.addedKeyword}\n`);
  // File names the pull request chooses, read from git (not from a report): a newline and a forged
  // command, annotation properties, a bidi override, HTML. Each holds a token the scan must find.
  // Each also gains a `# nosec`: the notice of suppressions the change adds names these paths.
  for (const i of [5, 18, 17, 9]) await writeFile(join(workspace, `src/auth/${PAYLOADS[i]}.py`), `GITHUB_TOKEN = "${SECRETS.added}"\nx = eval(s)  # nosec\n`);
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '-m', `head ${p(0)}`);
  head = git(workspace, 'rev-parse', 'HEAD');

  await mkdir(join(workspace, 'reports'));
  const write = (name: string, content: unknown): Promise<void> =>
    writeFile(join(workspace, 'reports', name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  await write('bandit.json', banditReport());
  await write('pip-audit.json', pipAuditReport());
  await write('gitleaks.json', gitleaks8Report());
  await write('gitleaks7.json', gitleaks7Report());
  await write('gitleaks.sarif', gitleaksSarif());
  await write('deptry.json', deptryReport());
  await write('vulture.txt', vultureReport());
  await mkdir(join(workspace, 'docs/governance'), { recursive: true });
  await writeFile(join(workspace, 'docs/governance/security-waivers.md'), waiversFile(true));
  await writeFile(join(workspace, 'docs/governance/broken-waivers.md'), waiversFile(false));
}, 60_000);

afterAll(async () => {
  await Promise.all([service?.close(), api?.close()]);
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

const INPUTS = {
  'bandit-report': 'reports/bandit.json',
  'pip-audit-report': 'reports/pip-audit.json',
  'gitleaks-report': 'reports/gitleaks.json, reports/gitleaks7.json, reports/gitleaks.sarif',
  'deptry-report': 'reports/deptry.json',
  'vulture-report': 'reports/vulture.txt',
  'severity-source': 'off',
  'github-token': SECRETS.token,
  comment: 'always',
  'comment-id': 'hardening',
};

function pullRequestEvent(): { name: string; payload: unknown } {
  return {
    name: 'pull_request',
    payload: {
      number: 7,
      pull_request: { number: 7, base: { sha: base, ref: 'main' }, head: { sha: head, ref: `feature/${p(0)}` }, title: p(8), body: p(9), labels: [] },
      repository: { full_name: 'octo-org/octo-repo' },
    },
  };
}

async function runGate(extra: Record<string, string>, env: Record<string, string> = {}): Promise<RunActionResult> {
  return runAction({
    entry: ENTRY,
    workspace,
    actionYml: ACTION_YML,
    inputs: { ...INPUTS, ...extra },
    env: { ...service.env, GITHUB_API_URL: api.url, ...env },
    event: pullRequestEvent(),
    timeoutMs: 90_000,
  });
}

/**
 * The artifact's zip from Azurite. One retry: the helper's blob client (maxTries 1) may reuse a
 * keep-alive socket Azurite has closed meanwhile ("socket hang up"); that is the test's transport, not the gate.
 */
async function downloadZip(name: string): Promise<Buffer> {
  try {
    return await service.downloadZip(name);
  } catch {
    return service.downloadZip(name);
  }
}

/** Every file the gate wrote under `dir` in the workspace, as text. */
function filesText(r: RunActionResult, names: string[]): Array<{ name: string; text: string }> {
  return names.filter((n) => r.outputs[n]).map((n) => ({ name: n, text: readFileSync(r.outputs[n]!, 'utf8') }));
}

describe('the CLI over the same reports (a developer\'s terminal, or a CI log)', () => {
  it('prints no terminal escape or bidi override from a report, no forged workflow command, no planted secret', async () => {
    const cli = join(REPO_ROOT, 'dist/cli/index.js');
    const { execFile } = await import('node:child_process');
    const run = (args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        execFile(process.execPath, [cli, ...args], { cwd: workspace, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
        );
      });
    const args = ['--bandit-report', INPUTS['bandit-report'], '--pip-audit-report', INPUTS['pip-audit-report'], '--gitleaks-report', INPUTS['gitleaks-report'].replace(/ /g, ''), '--deptry-report', INPUTS['deptry-report'], '--vulture-report', INPUTS['vulture-report'], '--offline', '--base-ref', base, '--phase', '2'];
    for (const [variant, env, extra] of [
      ['color', { FORCE_COLOR: '1' }, []],
      ['no-color', {}, ['--no-color']],
    ] as const) {
      const r = await run([...args, ...extra], env);
      expect({ variant, code: r.code }).toEqual({ variant, code: 0 });
      const out = r.stdout + r.stderr;
      expect(out.length).toBeGreaterThan(500);
      // The CLI may colour its own text (CSI … m); a report's escapes (a colour, an OSC hyperlink) never get through.
      expect(out).not.toMatch(/\u001b\]|\u0007|\u001b\[31mred/);
      if (variant === 'no-color') expect(out).not.toMatch(/\u001b/);
      expect(out).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
      assertOnlyOwnCommands(r.stdout, `cli ${variant} stdout`);
      assertOnlyOwnCommands(r.stderr, `cli ${variant} stderr`);
      assertNoSecrets(out, `cli ${variant}`, ALL_SECRETS);
    }
  }, 120_000);
});

describe('injection and planted secrets, every channel of the real bundle', () => {
  let phase2: RunActionResult;
  let phase1: RunActionResult;

  beforeAll(async () => {
    comments.length = 0;
    phase2 = await runGate({ phase: '2', 'artifact-name': 'inject-p2', 'output-dir': 'out-p2' });
    // Phase 1 runs the way big reports do: in a worker thread, the redacted copies written by the
    // main thread (engine/worker.ts), so every channel below is checked on both paths.
    phase1 = await runGate(
      { phase: '1', 'artifact-name': 'inject-p1', 'output-dir': 'out-p1', 'annotations-via-checks': 'true', 'waivers-file': 'docs/governance/broken-waivers.md' },
      { SECURITY_GATE_WORKER_MIN_BYTES: '0' },
    );
    if (process.env['HARDENING_DUMP']) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${process.env['HARDENING_DUMP']}-p2.stdout`, phase2.stdout);
      writeFileSync(`${process.env['HARDENING_DUMP']}-p2.summary.md`, phase2.summary);
      writeFileSync(`${process.env['HARDENING_DUMP']}-p1.stdout`, phase1.stdout);
      writeFileSync(`${process.env['HARDENING_DUMP']}-comments.json`, JSON.stringify(comments, null, 1));
    }
  }, 200_000);

  it('the gate ran to the end: verdict, outputs, every tool read, the secret scan saw the added lines', () => {
    expect(phase1.stdout).toMatch(/read in a worker thread/);
    expect(phase2.stdout).not.toMatch(/read in a worker thread/);
    for (const r of [phase2, phase1]) {
      expect(r.timedOut).toBe(false);
      expect(r.code).toBe(0);
      const result = JSON.parse(readFileSync(r.outputs['result-file']!, 'utf8')) as { verdict: string; tools: Array<{ tool: string; status: string; findings: unknown[] }> };
      expect(r.outputs['verdict']).toBe(result.verdict);
      expect(Object.fromEntries(result.tools.map((t) => [t.tool, t.status]))).toEqual({
        bandit: 'ok',
        'pip-audit': 'ok',
        gitleaks: 'ok',
        deptry: 'ok',
        vulture: 'ok',
        'secret-scan': 'ok',
      });
      expect(result.tools.find((t) => t.tool === 'secret-scan')!.findings.length).toBeGreaterThanOrEqual(6);
      // The suppressions the change adds, named by the payload paths (the channels' tests below check them inert).
      expect((result as unknown as { suppressions: { total: number } }).suppressions.total).toBe(4);
      expect(r.summary).toMatch(/This change adds 4 suppressions/);
      expect(r.outputs['suppressions-added']).toBe('4');
      expect(Number(r.outputs['secret-scan-matches'] ?? '0')).toBeGreaterThanOrEqual(2);
    }
    expect(phase2.outputs['verdict']).toBe('block');
    expect(phase2.outputs['should-fail']).toBe('true');
    expect(phase1.outputs['verdict']).toBe('warn');
  });

  it('stdout and stderr: only the gate\'s own workflow commands (no forged command, mask, stop-commands or legacy command)', () => {
    for (const [name, r] of [['phase 2', phase2], ['phase 1', phase1]] as const) {
      const cmds = assertOnlyOwnCommands(r.stdout, `${name} stdout`, { allowedMasks: [SECRETS.token] });
      assertOnlyOwnCommands(r.stderr, `${name} stderr`, { allowedMasks: [SECRETS.token] });
      // The gate did annotate (so the escaping was exercised) and masked its token.
      expect(cmds.some((c) => c.command === 'error' || c.command === 'warning')).toBe(true);
      expect(cmds.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain(SECRETS.token);
      // No raw line of a report reaches the log: terminal escapes and bidi overrides are shown, not sent.
      expect(r.stdout).not.toMatch(/\u001b|[\u202a-\u202e\u2066-\u2069]/);
      // No line of the log starts with a payload's command (a forged command at the start of a line).
      for (const line of r.stdout.split(/\r?\n/)) {
        expect({ line, forged: /^\s*(::(?!(error|warning|notice|debug|group|endgroup|add-mask)\b)|##\[)/.test(line) }).toEqual({ line, forged: false });
      }
    }
  });

  it('outputs: only the declared outputs, the verdict not overridden by a forged set-output', () => {
    for (const r of [phase2, phase1]) {
      for (const k of Object.keys(r.outputs)) expect({ k, declared: DECLARED_OUTPUTS.has(k) }).toEqual({ k, declared: true });
      expect(['warn', 'block']).toContain(r.outputs['verdict']);
      expect(r.env).toEqual({});
      expect(r.path).toEqual([]);
      for (const v of Object.values(r.outputs)) expect(v).not.toMatch(/FORGED|<script|::error::/);
    }
  });

  it('annotations: escaped messages and titles, only documented properties, files only the reports\' real paths', () => {
    for (const r of [phase2, phase1]) {
      const annotations = assertOnlyOwnCommands(r.stdout, 'annotations', { allowedMasks: [SECRETS.token] }).filter((c) => ['error', 'warning', 'notice'].includes(c.command));
      expect(annotations.length).toBeGreaterThan(0);
      for (const a of annotations) {
        expect(a.properties['file'] ?? '').not.toMatch(/^FORGED|\n/);
        expect(a.message + (a.properties['title'] ?? '')).not.toMatch(/\u001b|[\u202a-\u202e\u2066-\u2069]|\u0000/);
      }
      // Raw lines: an annotation is ONE line; its properties hold no raw `,` `:` or newline from a report.
      for (const line of r.stdout.split('\n').filter((l) => /^::(error|warning|notice) /.test(l))) {
        const props = line.slice(line.indexOf(' ') + 1, line.indexOf('::', 2));
        for (const pair of props.split(',')) expect({ pair, ok: /^(file|line|endLine|col|endColumn|title)=[^:]*$/.test(pair) }).toEqual({ pair, ok: true });
      }
    }
  });

  it('the step summary: no live HTML, link, mention, forged marker; tables intact', () => {
    for (const r of [phase2, phase1]) {
      expect(r.summary.length).toBeGreaterThan(500);
      assertInertMarkdown(r.summary, 'summary', 0);
    }
    // The waivers sections were rendered: applied waivers (phase 2), the malformed file's errors (phase 1).
    expect(phase2.summary).toMatch(/W\\?-0 /);
    expect(phase1.summary).toMatch(/waivers file cannot be used \(malformed or unreadable\)/);
  });

  it('the PR comment (POSTed to the local API): inert Markdown, one marker, no secret', () => {
    const posted = comments.filter((c) => c.method === 'POST' || c.method === 'PATCH');
    expect(posted.length).toBeGreaterThanOrEqual(2);
    for (const c of posted) {
      assertInertMarkdown(c.body, 'comment', 1);
      expect(c.body.startsWith('<!-- security-gate')).toBe(true);
      assertNoSecrets(c.body, 'comment', ALL_SECRETS);
    }
    // The check run (annotations-via-checks) carries report text too.
    const checks = comments.filter((c) => c.method === 'CHECK');
    for (const c of checks) assertNoSecrets(c.body, 'check run', ALL_SECRETS);
  });

  it('SARIF: valid JSON, no secret, no live HTML in its Markdown fields', () => {
    for (const r of [phase2, phase1]) {
      const text = readFileSync(r.outputs['sarif-file']!, 'utf8');
      const sarif = JSON.parse(text) as { version: string };
      expect(sarif.version).toBe('2.1.0');
      assertNoSecrets(text, 'sarif', ALL_SECRETS);
      const markdowns: string[] = [];
      JSON.parse(text, (k, v: unknown) => {
        if (k === 'markdown' && typeof v === 'string') markdowns.push(v);
        return v;
      });
      for (const md of markdowns) expect(md).not.toMatch(/<script|<img|\]\(javascript:/i);
    }
  });

  it('no planted secret on any channel: stdout, stderr, summary, outputs, result JSON, summary file', () => {
    for (const [name, r] of [['phase 2', phase2], ['phase 1', phase1]] as const) {
      // The token may only appear inside its own add-mask command.
      const stdoutWithoutMask = r.stdout.split('\n').filter((l) => l !== `::add-mask::${SECRETS.token}`).join('\n');
      assertNoSecrets(stdoutWithoutMask, `${name} stdout`, ALL_SECRETS);
      assertNoSecrets(r.stderr, `${name} stderr`, ALL_SECRETS);
      assertNoSecrets(r.summary, `${name} summary`, ALL_SECRETS);
      assertNoSecrets(JSON.stringify(r.outputs), `${name} outputs`, ALL_SECRETS);
      for (const f of filesText(r, ['result-file', 'summary-file', 'sarif-file'])) assertNoSecrets(f.text, `${name} ${f.name}`, ALL_SECRETS);
    }
  });

  it('the uploaded artifact: every entry, including the raw report copies, holds no planted secret', async () => {
    for (const name of ['inject-p2', 'inject-p1']) {
      const zip = await readZip(await downloadZip(name));
      const entries = [...zip.keys()];
      expect(entries).toEqual(expect.arrayContaining(['security-gate-result.json', 'security-gate-summary.md', 'reports/reports/gitleaks.json', 'reports/reports/bandit.json']));
      for (const [entry, content] of zip) assertNoSecrets(content.toString('utf8'), `artifact ${name}: ${entry}`, ALL_SECRETS);
      // The redacted gitleaks and Bandit copies are still reports (redacted, not withheld), so they stay useful.
      for (const g of ['reports/reports/gitleaks.json', 'reports/reports/gitleaks7.json', 'reports/reports/gitleaks.sarif', 'reports/reports/bandit.json']) {
        expect(() => JSON.parse(zip.get(g)!.toString('utf8')) as unknown).not.toThrow();
      }
      const bandit = JSON.parse(zip.get('reports/reports/bandit.json')!.toString('utf8')) as { results: Array<{ test_id: string; code: string; issue_text: string }> };
      for (const r of bandit.results.filter((x) => ['B105', 'B106', 'B107'].includes(x.test_id))) {
        expect(r.code).toMatch(/redacted by security-gate/);
        expect(r.issue_text).toMatch(/redacted/);
      }
      assertInertMarkdown(zip.get('security-gate-summary.md')!.toString('utf8'), `artifact ${name} summary`, 0);
    }
  });
});
