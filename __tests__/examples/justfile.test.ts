/**
 * examples/Justfile, the team's local recipes: every recipe exists, runs its scanners the way the CI
 * lane does and calls the CLI with flags that exist. With `just` (npm `rust-just`, a devDependency)
 * every recipe is dry-run and its gate command is parsed by the real CLI; one recipe runs for real,
 * with stand-in scanners, on a git repository built here, and gives the verdict the action gives.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../helpers/runner.js';
import { commit, git, initRepo, removeDir, tempDir, write } from '../change/git-helpers.js';
import { justfileRecipes } from '../../src/promotion/justfile.js';
import { DEFAULT_RECIPES, PROMOTION_INPUTS } from '../../src/promotion/settings.js';

const JUSTFILE = join(REPO_ROOT, 'examples/Justfile');
const TEXT = readFileSync(JUSTFILE, 'utf8');
const CLI = join(REPO_ROOT, 'dist/cli/index.js');
const ACTION_INPUTS = Object.keys((parseYaml(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs);
/** Options of the CLI that are not action inputs (src/cli/main.ts). */
const CLI_ONLY = ['workspace', 'result-file', 'markdown-file', 'json', 'offline', 'no-color', 'help'];

const RECIPES = [
  'api-security',
  'api-security-bandit',
  'api-security-audit',
  'api-deadcode',
  'api-quality-security-hygiene',
  'api-quality-phase1',
  'api-quality-phase2',
  'api-security-promotion-evidence',
];

/** What each recipe must run, in the CI lane's own words (before `{{…}}` is filled in). */
const SCANNERS: Record<string, string[]> = {
  bandit: ['bandit -r src -f json -o reports/bandit.json'],
  'pip-audit': ['pip-audit -r requirements.txt -f json -o reports/pip-audit.json'],
  gitleaks: ['gitleaks detect --source .', '--report-format json --report-path reports/gitleaks.json'],
  deptry: ['deptry . --json-output reports/deptry.json'],
  vulture: ['vulture src > reports/vulture.txt'],
  mutmut: ['mutmut run', 'mutmut export-cicd-stats', 'cp mutants/mutmut-cicd-stats.json reports/mutmut-cicd-stats.json'],
};
const TOOLS_OF: Record<string, string[]> = {
  'api-security': ['bandit', 'pip-audit', 'gitleaks'],
  'api-security-bandit': ['bandit'],
  'api-security-audit': ['pip-audit'],
  'api-deadcode': ['deptry', 'vulture'],
  'api-quality-security-hygiene': ['bandit', 'pip-audit', 'gitleaks', 'deptry', 'vulture', 'mutmut'],
  'api-quality-phase1': ['bandit', 'pip-audit', 'gitleaks', 'deptry', 'vulture', 'mutmut'],
  'api-quality-phase2': ['bandit', 'pip-audit', 'gitleaks', 'deptry', 'vulture', 'mutmut'],
};
const REPORT_FLAG: Record<string, string> = {
  bandit: '--bandit-report reports/bandit.json',
  'pip-audit': '--pip-audit-report reports/pip-audit.json',
  gitleaks: '--gitleaks-report reports/gitleaks.json',
  deptry: '--deptry-report reports/deptry.json',
  vulture: '--vulture-report reports/vulture.txt',
  mutmut: '--mutmut-report reports/mutmut-cicd-stats.json',
};

/** The `just` binary of the rust-just package for this platform, else its node launcher, else none. */
function justBinary(): string | undefined {
  const os = platform() === 'win32' ? 'windows' : platform();
  const direct = join(REPO_ROOT, 'node_modules', `rust-just-${os}-${arch()}`, 'bin', os === 'windows' ? 'just.exe' : 'just');
  if (existsSync(direct)) return direct;
  const launcher = join(REPO_ROOT, 'node_modules', '.bin', 'just');
  return existsSync(launcher) ? launcher : undefined;
}
const JUST = justBinary();
/** The Justfile's variables, emptied (= their defaults) so the developer's environment cannot change what is tested. */
const CLEAN_ENV = { API_SRC: '', API_REPORTS: '', API_REQUIREMENTS: '', SECURITY_GATE_PHASE: '', SECURITY_GATE_BASE_REF: '', SECURITY_GATE_POLICY: '', SECURITY_GATE: '', GITLEAKS_LOG_OPTS: undefined };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
function run(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env, encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException).code === 'number' ? ((error as unknown as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Recipe bodies by name (indented lines after the header), from the text. */
function recipeBodies(text: string): Map<string, string[]> {
  const bodies = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const header = /^@?([A-Za-z_][A-Za-z0-9_-]*)(?:\s+[^:]*?)?\s*:(?!=)(.*)$/.exec(line);
    if (header && !line.startsWith(' ') && !line.startsWith('#') && !line.startsWith('[')) {
      current = [`deps:${header[2] ?? ''}`];
      bodies.set(header[1]!, current);
    } else if (/^\s+\S/.test(line) && current) current.push(line.trim());
    else if (!/^\s*$/.test(line)) current = undefined;
  }
  return bodies;
}

describe('examples/Justfile (text)', () => {
  it('defines every recipe the team documents, including the ones promotion evidence checks for', () => {
    const names = justfileRecipes(TEXT);
    for (const r of [...RECIPES, ...DEFAULT_RECIPES]) expect(names).toContain(r);
  });

  it('calls the gate only with flags the CLI has; report and policy flags are action inputs', () => {
    const gateLines = TEXT.split('\n').filter((l) => l.includes('{{gate}}') || l.startsWith('gate_flags') || l.startsWith('policy_flag'));
    expect(gateLines.length).toBeGreaterThanOrEqual(8);
    const used = new Set<string>();
    for (const l of gateLines) for (const m of l.matchAll(/--([a-z][a-z0-9-]*)/g)) used.add(m[1]!);
    const promotionFlags = new Set(Object.keys(PROMOTION_INPUTS));
    for (const flag of used) {
      const inPromotionLine = gateLines.some((l) => l.includes('{{gate}} promotion') && l.includes(`--${flag}`));
      if (inPromotionLine) expect(promotionFlags).toContain(flag);
      else expect([...ACTION_INPUTS, ...CLI_ONLY]).toContain(flag);
    }
    for (const tool of Object.keys(REPORT_FLAG)) expect(ACTION_INPUTS).toContain(`${tool}-report`);
    expect(ACTION_INPUTS).toEqual(expect.arrayContaining(['phase', 'base-ref', 'policy-file', 'fail-on-block']));
  });

  it('each recipe runs its scanners like the CI lane (reports deleted first; non-zero exits tolerated), then one gate on their reports', () => {
    const bodies = recipeBodies(TEXT);
    const scannerOf: Record<string, string> = { bandit: '_bandit', 'pip-audit': '_pip-audit', gitleaks: '_gitleaks', deptry: '_deptry', vulture: '_vulture', mutmut: '_mutmut' };
    for (const recipe of Object.values(scannerOf)) {
      const body = bodies.get(recipe);
      expect(body).toBeDefined();
      expect(body!.some((l) => l.startsWith('rm -f '))).toBe(true);
      // Scanner lines tolerate "found something" exits: `-` prefix, or vulture's exit 3 only.
      const scannerLines = body!.filter((l) => !l.startsWith('deps:') && !l.startsWith('rm -f'));
      for (const l of scannerLines) expect(l.startsWith('-') || /\|\| \[ \$\? -eq 3 \]$/.test(l)).toBe(true);
    }
    for (const recipe of ['api-security', 'api-security-bandit', 'api-security-audit', 'api-deadcode', 'api-quality-security-hygiene']) {
      const body = bodies.get(recipe)!;
      const deps = body[0]!;
      for (const tool of TOOLS_OF[recipe]!) expect(deps).toContain(scannerOf[tool]);
      const gateLine = body.filter((l) => l.startsWith('{{gate}}'));
      expect(gateLine).toHaveLength(1);
      for (const tool of TOOLS_OF[recipe]!) expect(gateLine[0]).toContain(`--${tool}-report`);
      expect(gateLine[0]).toContain('--phase {{phase}}');
    }
    expect(bodies.get('api-quality-phase1')![0]).toContain("(api-quality-security-hygiene '1')");
    expect(bodies.get('api-security-promotion-evidence')).toContain('{{gate}} promotion --workflow {{workflow}}');
  });

  it('the promotion recipe reads the example lane\'s runs (the workflow the README tells the team to copy), and says what it needs', () => {
    const header = /^api-security-promotion-evidence workflow='([^']+)':$/m.exec(TEXT);
    expect(header?.[1]).toBe('api-lane.yml');
    expect(existsSync(join(REPO_ROOT, 'examples/workflows', header![1]!))).toBe(true);
    // Off the runner neither is set, and the CLI stops at once without them.
    expect(TEXT).toMatch(/GITHUB_TOKEN or GH_TOKEN, and GITHUB_REPOSITORY=owner\/name/);
  });

  it('tells the team to install the CLI from its repository (the package is not on the npm registry)', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; private?: boolean };
    expect(pkg).toMatchObject({ name: 'security-gate', private: true });
    const installs = [...TEXT.matchAll(/npm install[^\n`]*/g)].map((m) => m[0]);
    expect(installs.length).toBeGreaterThan(0);
    for (const i of installs) expect(i).toMatch(/ github:[\w.-]+\/security-gate\b/);
  });
});

const withJust = JUST ? describe : describe.skip;

withJust('examples/Justfile under just (rust-just)', () => {
  it('--summary lists exactly the public recipes', async () => {
    const r = await run(JUST!, ['--justfile', JUSTFILE, '--summary']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split(/\s+/).sort()).toEqual([...RECIPES].sort());
  });

  it.each(RECIPES.filter((r) => r !== 'api-security-promotion-evidence'))('--dry-run %s: the scanners as in CI, then a gate command the real CLI accepts', async (recipe) => {
    const r = await run(JUST!, ['--justfile', JUSTFILE, '--dry-run', recipe], { env: { ...process.env, ...CLEAN_ENV } });
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').map((l) => l.trim());
    for (const tool of TOOLS_OF[recipe]!) for (const cmd of SCANNERS[tool]!) expect(r.stderr).toContain(cmd);
    const gates = lines.filter((l) => l.startsWith('npx security-gate'));
    expect(gates).toHaveLength(1);
    const gate = gates[0]!;
    for (const tool of TOOLS_OF[recipe]!) expect(gate).toContain(REPORT_FLAG[tool]);
    expect(gate).toContain(recipe === 'api-quality-phase2' ? '--phase 2' : '--phase 1');
    expect(gate).toContain('--base-ref origin/main');
    expect(gate).toContain('--fail-on-block');
    // Scanners run before the gate.
    expect(lines.indexOf(gate)).toBe(lines.length - 2);
    // The real CLI parses these flags (strict: an unknown flag exits 2); --help stops before running.
    const argv = gate.replace(/^npx security-gate\s+/, '').split(/\s+/).filter(Boolean);
    const cli = await run(process.execPath, [CLI, ...argv, '--help']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
  });

  it('a phase given to the recipe reaches the gate; the promotion recipe calls `security-gate promotion --workflow api-lane.yml`', async () => {
    const two = await run(JUST!, ['--justfile', JUSTFILE, '--dry-run', 'api-security-bandit', '2'], { env: { ...process.env, ...CLEAN_ENV } });
    expect(two.code).toBe(0);
    expect(two.stderr).toMatch(/npx security-gate --bandit-report reports\/bandit\.json --phase 2 /);
    const promo = await run(JUST!, ['--justfile', JUSTFILE, '--dry-run', 'api-security-promotion-evidence'], { env: { ...process.env, ...CLEAN_ENV } });
    expect(promo.code).toBe(0);
    expect(promo.stderr.trim()).toBe('npx security-gate promotion --workflow api-lane.yml');
    const cli = await run(process.execPath, [CLI, 'promotion', '--workflow', 'api-lane.yml', '--help']);
    expect(cli.code).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// One recipe for real: stand-in deptry and vulture write the reports a real run would, the gate is
// the built CLI, the project a git repository with an origin/main.

const DEPTRY = JSON.stringify([
  { error: { code: 'DEP001', message: "'attrs' imported but missing from the dependency definitions" }, module: 'attrs', location: { file: 'src/app/new_mod.py', line: 1, column: 1 } },
  { error: { code: 'DEP001', message: "'yaml' imported but missing from the dependency definitions" }, module: 'yaml', location: { file: 'src/app/legacy.py', line: 1, column: 1 } },
]);
const VULTURE = "src/app/new_mod.py:4: unused function 'unused_thing' (60% confidence)\nsrc/app/legacy.py:4: unused function 'old' (60% confidence)\n";

let project: string | undefined;
let bin: string | undefined;

const realRun = JUST && existsSync(CLI) ? describe : describe.skip;

realRun('examples/Justfile for real: api-deadcode with stand-in scanners', () => {
  beforeAll(() => {
    const root = tempDir('sg-just-');
    project = join(root, 'project');
    bin = join(root, 'bin');
    initRepo(project);
    write(project, 'src/app/__init__.py', '');
    write(project, 'src/app/legacy.py', 'import yaml\n\n\ndef old():\n    return yaml.safe_load("a: 1")\n');
    commit(project, 'base');
    git(root, 'clone', '-q', '--bare', project, join(root, 'origin.git'));
    git(project, 'remote', 'add', 'origin', join(root, 'origin.git'));
    git(project, 'fetch', '-q', 'origin');
    git(project, 'checkout', '-q', '-b', 'feature');
    write(project, 'src/app/new_mod.py', 'import attrs\n\n\ndef unused_thing():\n    return attrs\n');
    commit(project, 'feature');
    copyFileSync(JUSTFILE, join(project, 'Justfile'));
    // deptry: writes its JSON after --json-output and exits 1 (violations found), like deptry.
    mkdirSync(bin);
    writeFileSync(join(root, 'deptry.json'), DEPTRY);
    writeFileSync(join(root, 'vulture.txt'), VULTURE);
    writeFileSync(join(bin, 'deptry'), `#!/usr/bin/env bash\nwhile [ "$#" -gt 0 ]; do if [ "$1" = --json-output ]; then cp '${join(root, 'deptry.json')}' "$2"; fi; shift; done\nexit 1\n`);
    // vulture: prints its findings on stdout and exits 3 (dead code found), like vulture 2.9+.
    writeFileSync(join(bin, 'vulture'), `#!/usr/bin/env bash\ncat '${join(root, 'vulture.txt')}'\nexit 3\n`);
    chmodSync(join(bin, 'deptry'), 0o755);
    chmodSync(join(bin, 'vulture'), 0o755);
  });
  afterAll(() => {
    if (project) removeDir(join(project, '..'));
  });

  const env = () => ({ ...process.env, ...CLEAN_ENV, PATH: `${bin}:${process.env.PATH ?? ''}`, SECURITY_GATE: `${process.execPath} ${CLI}`, GITHUB_EVENT_NAME: '', GITHUB_EVENT_PATH: '', NO_COLOR: '1' });

  it('phase 1: reports, exits 0; only the touched module counts as new', async () => {
    const r = await run(JUST!, ['api-deadcode'], { cwd: project!, env: env() });
    expect(r.stderr + r.stdout).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(join(project!, 'reports/security-gate-result.json'), 'utf8')) as {
      verdict: string;
      change: { known: boolean; source: string };
      tools: Array<{ tool: string; counts: { warn: number; info: number; block: number } }>;
    };
    expect(result.verdict).toBe('warn');
    expect(result.change).toMatchObject({ known: true, source: 'base-ref' });
    for (const t of result.tools.filter((x) => x.tool === 'deptry' || x.tool === 'vulture')) expect(t.counts).toMatchObject({ block: 0, warn: 1, info: 1 });
    expect(readFileSync(join(project!, 'reports/security-gate-summary.md'), 'utf8')).toMatch(/Security gate: warn/);
  });

  it('phase 2: the new findings block and the recipe fails, as the CI lane would', async () => {
    const r = await run(JUST!, ['api-deadcode', '2'], { cwd: project!, env: env() });
    expect(r.code).not.toBe(0);
    const result = JSON.parse(readFileSync(join(project!, 'reports/security-gate-result.json'), 'utf8')) as { verdict: string; shouldFail: boolean };
    expect(result).toMatchObject({ verdict: 'block', shouldFail: true });
  });
});
