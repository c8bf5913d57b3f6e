/**
 * A review of the phase-2 rules of deptry, vulture and mutmut for inputs that pass (or only warn)
 * where a maintainer expects the gate to block or fail, or that count wrongly. Each case failed
 * before its fix.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings } from '../../src/config/schema.js';
import { findChange } from '../../src/engine/change.js';
import { runEngine } from '../../src/engine/run.js';
import { evaluate } from '../../src/policy/evaluate.js';
import type { Finding } from '../../src/reports/model.js';
import { commit, initRepo, write } from '../change/git-helpers.js';
import { gateOn, REVIEW_NOW } from '../helpers/review.js';

const root = mkdtempSync(join(tmpdir(), 'sg-deadcode-review-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

describe('mutmut export-cicd-stats: counts only', () => {
  // The same run as `mutmut results` text lists its timed-out and suspicious mutants, and each
  // warns; the counts-only export made no finding of them, so a run whose every judged mutant timed
  // out (a test suite that hangs) passed.
  it('timed-out and suspicious mutants warn as they do when listed', async () => {
    const stats = { killed: 0, survived: 0, total: 5, no_tests: 0, skipped: 0, suspicious: 2, timeout: 3, check_was_interrupted_by_user: 0, segfault: 0 };
    const r = await gateOn({ 'm.json': JSON.stringify(stats) }, { 'mutmut-report': 'm.json' });
    const listed = await gateOn({ 'm.txt': ['timeout', 'timeout', 'timeout', 'suspicious', 'suspicious'].map((s, i) => `    app.x_f__mutmut_${i + 1}: ${s}\n`).join('') }, { 'mutmut-report': 'm.txt' });
    expect(listed.verdict).toBe('warn');
    expect(r.verdict).toBe('warn');
    const t = r.tools[0]!;
    expect(t.findings.map((f) => [f.ruleId, f.severity, f.title]).sort()).toEqual([
      ['suspicious-mutants', 'low', '2 mutants are suspicious (the report lists counts only)'],
      ['timeout-mutants', 'low', '3 mutants timed out (the report lists counts only)'],
    ]);
    expect(t.counts).toMatchObject({ warn: 2, block: 0 });
  });
});

describe('a mutmut report that shows an empty run, next to a report file that is missing', () => {
  // The empty-run check ran only while the tool's status was `ok`: with a second report path
  // missing (status `missing`) and on-missing-report `ignore` the gate passed, with `warn` warned.
  it.each(['ignore', 'warn', 'error'])('is an error with on-missing-report: %s', async (onMissing) => {
    const r = await gateOn({ 'mutmut.txt': '' }, { 'mutmut-report': 'mutmut.txt\nmutmut-cicd-stats.json', 'on-missing-report': onMissing });
    expect(r.tools[0]!.status).toBe('error');
    expect(r.verdict).toBe('error');
    expect(r.shouldFail).toBe(true);
    expect(r.tools[0]!.messages.join('\n')).toMatch(/mutmut\.txt: mutmut results is empty/);
  });
});

describe('thresholds with a `changed` scope, for a tool other than deptry and vulture', () => {
  // The change was found only for deptry, vulture and the secret scan: with the secret scan off, a
  // policy file's `mutmut: changed: { medium: block }` was never applied, and a mutant surviving
  // in a module the change adds was judged by `default` alone (warn).
  it('are applied: the change is found for them too', async () => {
    const repo = initRepo(join(root, `t${n++}`));
    write(repo, 'src/app/__init__.py', '');
    const base = commit(repo, 'base');
    write(repo, 'src/app/calc.py', 'def add(a, b):\n    return a + b\n');
    commit(repo, 'head');
    const meta = { 'mutants/src/app/calc.py.meta': { exit_code_by_key: { 'app.calc.x_add__mutmut_1': 0, 'app.calc.x_add__mutmut_2': 1 } } };
    write(repo, 'reports/mutmut.json', JSON.stringify(meta));
    const settings = parseSettings([
      { thresholds: { mutmut: { changed: { medium: 'block' } } } },
      { phase: '2', 'severity-source': 'off', 'secret-scan': 'false', 'mutmut-report': 'reports/mutmut.json', 'base-ref': base },
    ]);
    const change = await findChange(settings, { cwd: repo });
    expect(change?.known).toBe(true);
    const { result } = await runEngine(settings, { workspace: repo, now: REVIEW_NOW, change });
    const survivor = result.tools[0]!.findings.find((f) => f.ruleId === 'survived-mutant')!;
    expect([survivor.location?.path, survivor.inChange, survivor.disposition]).toEqual(['src/app/calc.py', true, 'block']);
    expect(result.verdict).toBe('block');
  });
});

describe("phase 1's own `changed` scope", () => {
  // Looked up without the change whenever the tool's phase-2 thresholds had no such scope: a
  // policy warning in phase 1 on survivors in touched modules only (`phase-1: changed`) said info.
  it('is applied to a finding in a file the change touches', () => {
    const settings = parseSettings([{ thresholds: { mutmut: { default: { medium: 'info' }, 'phase-1': { changed: { medium: 'warn' } } } } }, { phase: '1' }]);
    const survivor: Finding = { tool: 'mutmut', ruleId: 'survived-mutant', title: 'Mutant survived: app.calc.add (mutant 1)', severity: 'medium', location: { path: 'src/app/calc.py' }, fingerprint: 'mutmut:1', sourceFile: 'm.json' };
    const report = { tool: 'mutmut' as const, format: 'mutmut3-meta', findings: [survivor], skipped: [], scanErrors: [], stats: { killed: 1, survived: 1, total: 2 } };
    const r = evaluate([{ tool: 'mutmut', status: 'ok', messages: [], files: [{ path: 'm.json', findings: 1, bytes: 1 }], reports: [report] }], {
      settings,
      now: REVIEW_NOW,
      change: { known: true, isTouched: (p) => p === 'src/app/calc.py' },
    });
    expect(r.tools[0]!.findings[0]!.disposition).toBe('warn');
    expect(r.verdict).toBe('warn');
  });
});

describe('a scanner run in another directory than the workspace, scan-root not set', () => {
  const DEAD = 'def used():\n    return 1\n\n\ndef unused_helper():\n    return 2\n';
  /** A repository with a `src/` layout and an `api/` project; the change adds a module to each. */
  async function project(report: { vulture?: string; deptry?: unknown }, inputs: Record<string, string> = {}) {
    const repo = initRepo(join(root, `s${n++}`));
    write(repo, 'src/pkg/__init__.py', '');
    write(repo, 'src/pkg/old.py', DEAD);
    write(repo, 'api/pyproject.toml', '[project]\nname = "api"\ndependencies = []\n');
    const base = commit(repo, 'base');
    write(repo, 'src/pkg/new.py', DEAD);
    write(repo, 'api/pyproject.toml', '[project]\nname = "api"\ndependencies = ["requests"]\n');
    commit(repo, 'head');
    if (report.vulture !== undefined) write(repo, 'reports/vulture.txt', report.vulture);
    if (report.deptry !== undefined) write(repo, 'reports/deptry.json', JSON.stringify(report.deptry));
    const settings = parseSettings([
      {
        phase: '2',
        'severity-source': 'off',
        'secret-scan': 'false',
        'base-ref': base,
        ...(report.vulture !== undefined ? { 'vulture-report': 'reports/vulture.txt' } : {}),
        ...(report.deptry !== undefined ? { 'deptry-report': 'reports/deptry.json' } : {}),
        ...inputs,
      },
    ]);
    const change = await findChange(settings, { cwd: repo });
    return (await runEngine(settings, { workspace: repo, now: REVIEW_NOW, change })).result;
  }

  // `cd src && vulture .` names git's `src/pkg/new.py` `pkg/new.py`: matched as written with the
  // change, the new module's dead code was existing debt (info) and the gate passed.
  it('vulture: new dead code in a module the change adds blocks, and the notice points to scan-root', async () => {
    const vulture = "pkg/new.py:5: unused function 'unused_helper' (60% confidence)\n";
    const r = await project({ vulture });
    const f = r.tools[0]!.findings[0]!;
    expect([f.location?.path, f.disposition]).toEqual(['pkg/new.py', 'block']);
    expect(f.reason).toContain('not matched with the change: counted as new');
    expect(r.verdict).toBe('block');
    expect(r.notices.join('\n')).toMatch(/1 finding names a path the gate cannot place in the repository \(such as "pkg\/new\.py"\).*scan-root/);
    // With scan-root the finding is placed, and in the change.
    const placed = await project({ vulture }, { 'scan-root': 'src' });
    expect(placed.tools[0]!.findings[0]).toMatchObject({ location: { path: 'src/pkg/new.py' }, inChange: true, disposition: 'block' });
    expect(placed.notices.join('\n')).not.toMatch(/cannot place/);
  });

  // The same for a name the gate reads otherwise than git: a file the change adds at the root with
  // a leading space (` dead.py`) is read as `dead.py` (report paths are trimmed).
  it('vulture: a module the change adds, named with a leading space', async () => {
    const repo = initRepo(join(root, `l${n++}`));
    write(repo, 'README.md', 'x\n');
    const base = commit(repo, 'base');
    write(repo, ' dead.py', DEAD);
    commit(repo, 'head');
    write(repo, 'reports/vulture.txt', " dead.py:5: unused function 'unused_helper' (60% confidence)\n");
    const settings = parseSettings([{ phase: '2', 'severity-source': 'off', 'secret-scan': 'false', 'base-ref': base, 'vulture-report': 'reports/vulture.txt' }]);
    const change = await findChange(settings, { cwd: repo });
    const { result } = await runEngine(settings, { workspace: repo, now: REVIEW_NOW, change });
    expect(result.tools[0]!.findings[0]!.disposition).toBe('block');
  });

  it('vulture: a file the workspace holds and the change does not touch is still existing debt', async () => {
    const r = await project({ vulture: "src/pkg/old.py:5: unused function 'unused_helper' (60% confidence)\n" });
    expect(r.tools[0]!.findings[0]).toMatchObject({ inChange: false, disposition: 'info' });
    expect(r.verdict).toBe('pass');
    expect(r.notices.join('\n')).not.toMatch(/cannot place/);
  });

  it('vulture: run from the parent directory (`repo/src/pkg/new.py`), new dead code still blocks', async () => {
    const r = await project({ vulture: "repo/src/pkg/new.py:5: unused function 'unused_helper' (60% confidence)\n" });
    expect(r.tools[0]!.findings[0]).toMatchObject({ location: { path: 'repo/src/pkg/new.py' }, disposition: 'block' });
    expect(r.notices.join('\n')).toMatch(/cannot place/);
  });

  // A missing file no changed file's path ends with (nor ends one) is in the change under no root:
  // the bundled example reports of another project (the demo compares HEAD with itself) are
  // existing debt, not 170 findings the gate "cannot place".
  it('vulture: a missing file that names no changed file under any root stays existing debt', async () => {
    const r = await project({ vulture: "src/application/services/metrics.py:5: unused function 'unused_helper' (60% confidence)\n" });
    expect(r.tools[0]!.findings[0]).toMatchObject({ inChange: false, disposition: 'info' });
    expect(r.verdict).toBe('pass');
    expect(r.notices.join('\n')).not.toMatch(/cannot place/);
  });

  // deptry run in `api/` names the dependency definitions it reads `pyproject.toml`: a dependency
  // the change adds to `api/pyproject.toml` and nothing imports passed as existing debt.
  it('deptry: an unused dependency the change declares blocks', async () => {
    const deptry = [{ error: { code: 'DEP002', message: "'requests' defined as a dependency but not used in the codebase" }, module: 'requests', location: { file: 'pyproject.toml', line: null, column: null } }];
    const r = await project({ deptry });
    expect(r.tools[0]!.findings[0]).toMatchObject({ location: { path: 'pyproject.toml' }, disposition: 'block' });
    expect(r.verdict).toBe('block');
  });
});

describe('one finding in two report files of a tool counts once, in its counters too', () => {
  // The finding was kept once, but the counters of both files were added up: the summary read
  // `unused-function 2` (`DEP001 2`) beside one finding.
  it('vulture', async () => {
    const v = "src/app/x.py:3: unused function 'f' (60% confidence)\nsrc/app/x.py:9: unused import 'os' (90% confidence)\n";
    const r = await gateOn({ 'a.txt': v, 'b.txt': v.split('\n')[0] + '\n' }, { 'vulture-report': 'a.txt,b.txt' });
    expect(r.tools[0]!.findings).toHaveLength(2);
    expect(r.tools[0]!.stats).toEqual({ total: 2, 'unused-function': 1, 'unused-import': 1, duplicates: 1 });
  });
  it('deptry', async () => {
    const d = [{ error: { code: 'DEP001', message: "'x' imported but missing from the dependency definitions" }, module: 'x', location: { file: 'src/app/x.py', line: 1, column: 8 } }];
    const r = await gateOn({ 'a.json': JSON.stringify(d), 'b.json': JSON.stringify(d) }, { 'deptry-report': 'a.json,b.json' });
    expect(r.tools[0]!.findings).toHaveLength(1);
    expect(r.tools[0]!.stats).toEqual({ raw: 2, duplicates: 1, DEP001: 1, total: 1 });
  });
});

describe('mutmut 2: a mutant listed as untested was never run', () => {
  // mutmut 2 registers every mutant `untested` and sets its status when it runs it: an untested
  // mutant after `mutmut run` is one the run never reached (mutmut 3's "not checked"). They were
  // counted as mutmut 3's "no tests", a verdict of the run: 1 killed of 1,000 scored 100%.
  const junit = (cases: string[]) =>
    `<?xml version="1.0" ?>\n<testsuites><testsuite name="mutmut" tests="${cases.length}">${cases.join('')}</testsuite></testsuites>\n`;
  const killed = (id: number) => `<testcase name="Mutant #${id}" file="src/app/calc.py" line="2"><system-out>    return a + b</system-out></testcase>`;
  const untested = (id: number) => `<testcase name="Mutant #${id}" file="src/app/calc.py" line="2"><skipped message="untested" type="skipped">diff</skipped><system-out>    return a + b</system-out></testcase>`;

  it('junitxml (--untested-policy skipped): a run that reached 1 mutant of 1,000 is an error, not a 100% score', async () => {
    const xml = junit([killed(1), ...Array.from({ length: 999 }, (_, i) => untested(i + 2))]);
    const r = await gateOn({ 'mutmut.xml': xml }, { 'mutmut-report': 'mutmut.xml', 'mutmut-min-score': '80' });
    expect(r.tools[0]!.status).toBe('error');
    expect(r.verdict).toBe('error');
    expect(r.tools[0]!.messages.join('\n')).toMatch(/did not finish \(999 not checked of 1000 mutants\)/);
  });

  it('results: survivors next to mutants never run are an unfinished run', async () => {
    const text = ['To apply a mutant on disk:', '    mutmut apply <id>', '', 'To show a mutant:', '    mutmut show <id>', '', '', 'Survived 🙁 (1)', '', '---- foo.py (1) ----', '', '1', '', 'Untested/skipped (999)', '', '---- foo.py (999) ----', '', '2-1000', ''].join('\n');
    const r = await gateOn({ 'mutmut.txt': text }, { 'mutmut-report': 'mutmut.txt' });
    expect(r.tools[0]!.status).toBe('error');
    expect(r.tools[0]!.messages.join('\n')).toMatch(/did not finish \(999 not checked of 1000 mutants\)/);
  });
});

describe('mutmut-min-score compares the score, not its rounding', () => {
  // The score is shown to one decimal: 3,999 killed of 5,000 (79.98%) showed as 80% and met a
  // minimum of 80%, so the smoke test passed its threshold while below it.
  it('79.98% is below a minimum of 80%', async () => {
    const stats = { killed: 3999, survived: 1001, total: 5000, no_tests: 0, skipped: 0, suspicious: 0, timeout: 0, check_was_interrupted_by_user: 0, segfault: 0 };
    const r = await gateOn({ 'm.json': JSON.stringify(stats) }, { 'mutmut-report': 'm.json', 'mutmut-min-score': '80' });
    expect(r.tools[0]!.stats.score).toBe(80);
    const below = r.tools[0]!.findings.find((f) => f.ruleId === 'mutation-score-below-minimum');
    expect(below?.title).toBe('mutation score 79.98% is below the minimum of 80% (mutmut-min-score)');
    expect(r.verdict).toBe('block');
    // Exactly the minimum still meets it.
    const at = await gateOn({ 'm.json': JSON.stringify({ ...stats, killed: 4000, survived: 1000 }) }, { 'mutmut-report': 'm.json', 'mutmut-min-score': '80' });
    expect(at.verdict).toBe('warn');
  });
});
