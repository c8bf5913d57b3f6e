/** Suppressions a change adds: said with their places, never with the line's text (it may hold the secret). */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Change } from '../../src/change/diff.js';
import { parseSettings } from '../../src/config/schema.js';
import { runEngine } from '../../src/engine/run.js';
import { renderSummary } from '../../src/render/summary.js';
import { MAX_SUPPRESSIONS, suppressionsAdded, suppressionsNotice } from '../../src/policy/suppressions.js';
import { scanChange } from '../../src/policy/secret-scan.js';
import { changedFile } from '../helpers/changed-file.js';

const file = changedFile;
const TOKEN = 'ghp_Zr8qT2mVx9LpA7cWn4Ks3bY6dF1hJ0uE5oQi';

describe('suppressionsAdded', () => {
  it('finds each marker the scanners honour, in the files they read it in', () => {
    const found = suppressionsAdded([
      file('src/pay.py', ['subprocess.call(cmd, shell=True)  # nosec B602', 'x = 1', 'eval(s) #NOSEC', `TOKEN = "${TOKEN}"  # gitleaks:allow`, 'KEY = "abc"  # pragma: allowlist secret']),
      file('docs/notes.md', ['Add `# nosec` where Bandit is wrong.']),
      file('.gitleaksignore', ['# why', '', 'c0ffee:src/pay.py:generic-api-key:4']),
      file('pyproject.toml', ['[tool.bandit]', 'skips = ["B602"]', 'name = "api"', '[tool.vulture]', 'ignore_names = ["handler"]', 'ignore = ["E501"]', 'exclude = ["build"]']),
      file('setup.cfg', ['[flake8]', 'ignore = E501', '[tool:deptry]', 'ignore = DEP002']),
      file('.bandit', ['[bandit]', 'exclude: /tests']),
      file('old.py', ['# nosec'], { status: 'deleted' }),
      file('img.py', ['# nosec'], { binary: true }),
    ]);
    expect(found.total).toBe(10);
    expect(found.places).toEqual([
      { path: 'src/pay.py', line: 1, kind: 'nosec' },
      { path: 'src/pay.py', line: 3, kind: 'nosec' },
      { path: 'src/pay.py', line: 4, kind: 'gitleaks:allow' },
      { path: 'src/pay.py', line: 5, kind: 'allowlist secret' },
      { path: '.gitleaksignore', line: 3, kind: '.gitleaksignore' },
      { path: 'pyproject.toml', line: 2, kind: 'scanner settings' },
      { path: 'pyproject.toml', line: 5, kind: 'scanner settings' },
      { path: 'setup.cfg', line: 4, kind: 'scanner settings' },
      { path: '.bandit', line: 1, kind: 'scanner settings' },
      { path: '.bandit', line: 2, kind: 'scanner settings' },
    ]);
    // The places only: the line with the token is not quoted anywhere.
    const notice = suppressionsNotice(found, true)!;
    expect(JSON.stringify(found) + notice).not.toContain(TOKEN);
    expect(notice).toBe(
      'This change adds 10 suppressions that the scanners honour outside the waivers file: "src/pay.py" line 1 (nosec); "src/pay.py" line 3 (nosec); "src/pay.py" line 4 (gitleaks:allow); "src/pay.py" line 5 (allowlist secret); ".gitleaksignore" line 3 (.gitleaksignore); and 5 more (listed in the result file). ' +
        'A finding one hides is in no report, so the gate cannot judge it: review each as you would a waiver.',
    );
  });

  it('says nothing for a change without one, and says when the added lines were not all read', () => {
    expect(suppressionsNotice(suppressionsAdded([file('src/a.py', ['x = 1', '# a nosecurity note'])]), true)).toBeUndefined();
    const one = suppressionsAdded([file('src/a.py', ['x = 1  # nosec'])]);
    expect(suppressionsNotice(one, false)).toMatch(/^This change adds a suppression .* Not every added line could be read, so there may be more\.$/);
  });

  it('finds the forms the scanners honour that the obvious pattern misses', () => {
    const found = suppressionsAdded([
      // Bandit reads `#\s*nosec` and whatever follows as test names: `# nosecB602` skips B602, an
      // unknown word (`# nosecurity`) is a nosec without tests, which skips every test.
      file('src/a.py', ['eval(s)  # nosecB307', 'subprocess.call(cmd, shell=True)  # nosecurity', 'x = 1  # a nosecurity note']),
      // Bandit's `-c` takes any YAML or TOML file; `.bandit.yml` is the common name.
      file('.bandit.yml', ['skips: [B602]']),
      file('ci/bandit-config.yaml', ['exclude_dirs: [src]']),
      file('.bandit.toml', ['[tool.bandit]']),
      file('gitleaks-config.toml', ['[allowlist]']),
      // vulture reads a whitelist file's names as used.
      file('vulture_whitelist.py', ['# generated', 'handler  # unused function (src/a.py:3)']),
      // deptry's per-rule table and a list over several lines name the rule on a line of its own.
      file('pyproject.toml', ['[tool.deptry.per_rule_ignores]', 'DEP002 = ["uvicorn"]', '[tool.deptry]', 'ignore = [', '  "DEP001",', ']']),
      // TOML's dotted keys and inline tables set the same keys.
      file('sub/pyproject.toml', ['[tool]', 'bandit = { skips = ["B602"] }', 'vulture.ignore_names = ["handler"]']),
      // Not settings: mypy's key, flake8's `ignore`.
      file('setup.cfg', ['[mypy]', 'ignore_missing_imports = True', '[flake8]', 'ignore = E501']),
    ]);
    expect(found.places).toEqual([
      { path: 'src/a.py', line: 1, kind: 'nosec' },
      { path: 'src/a.py', line: 2, kind: 'nosec' },
      { path: '.bandit.yml', line: 1, kind: 'scanner settings' },
      { path: 'ci/bandit-config.yaml', line: 1, kind: 'scanner settings' },
      { path: '.bandit.toml', line: 1, kind: 'scanner settings' },
      { path: 'gitleaks-config.toml', line: 1, kind: 'scanner settings' },
      { path: 'vulture_whitelist.py', line: 2, kind: 'scanner settings' },
      { path: 'pyproject.toml', line: 2, kind: 'scanner settings' },
      { path: 'pyproject.toml', line: 5, kind: 'scanner settings' },
      { path: 'sub/pyproject.toml', line: 2, kind: 'scanner settings' },
      { path: 'sub/pyproject.toml', line: 3, kind: 'scanner settings' },
    ]);
  });

  it('finds a scanner run with an option that leaves findings out, where commands run (workflows, Makefiles, tox, nox, the scanners\' actions)', () => {
    const found = suppressionsAdded([
      file('.github/workflows/ci.yml', [
        '      - run: pip-audit -r requirements.txt --ignore-vuln GHSA-2xpw-w6gg-jr37 -f json -o reports/pip-audit.json',
        '      - run: bandit -r src -s B602,B608 -f json -o reports/bandit.json',
        '      - run: bandit -r src -lll -f json -o reports/bandit.json',
        '      - run: gitleaks detect --baseline-path .gitleaks-baseline.json --report-path reports/gitleaks.json',
        '        env:',
        '          GITLEAKS_CONFIG: .github/gitleaks-lenient.toml',
        // Not narrowing: the lane as the README runs it, and other tools' own options.
        '      - run: bandit -r src -f json -o reports/bandit.json --exit-zero',
        '      - run: ruff check --exclude tests -s .',
        '          bandit-report: reports/bandit.json',
      ]),
      file('Makefile', ['\tdeptry . --ignore DEP002 --json-output reports/deptry.json', '\tvulture src vulture_allow_whitelist.py > reports/vulture.txt', '\tvulture src --min-confidence 100']),
      file('tox.ini', ['commands = bandit -r src -x src/legacy -f json -o {envtmpdir}/bandit.json']),
      file('noxfile.py', ['    session.run("bandit", "-r", "src", "--skip", "B101")', '    session.run("gitleaks", "detect", "-c", "lenient.toml")']),
      // Documentation shows commands; it does not run them.
      file('docs/security.md', ['Run `pip-audit --ignore-vuln GHSA-xxxx` only with a waiver.']),
      // The scanners' actions: their inputs, and an entry of an ignore list on a line of its own.
      file('.github/workflows/audit.yaml', [
        '      - uses: pypa/gh-action-pip-audit@v1.1.0',
        '        with:',
        '          ignore-vulns: |',
        '            GHSA-2xpw-w6gg-jr37',
        '            PYSEC-2023-117',
        '      - uses: PyCQA/bandit-action@v1',
        '        with:',
        '          skips: B602',
        '        env:',
        '          GITLEAKS_CONFIG_TOML: ${{ vars.LENIENT }}',
        // A matrix's `exclude` is not a scanner's.
        '        exclude:',
        '          - os: windows-latest',
      ]),
      // Outside .github/, an advisory id alone on a line is just text.
      file('requirements/notes.yml', ['- GHSA-2xpw-w6gg-jr37']),
    ]);
    expect(found.places).toEqual([
      { path: '.github/workflows/ci.yml', line: 1, kind: 'scanner option' },
      { path: '.github/workflows/ci.yml', line: 2, kind: 'scanner option' },
      { path: '.github/workflows/ci.yml', line: 3, kind: 'scanner option' },
      { path: '.github/workflows/ci.yml', line: 4, kind: 'scanner option' },
      { path: '.github/workflows/ci.yml', line: 6, kind: 'scanner option' },
      { path: 'Makefile', line: 1, kind: 'scanner option' },
      { path: 'Makefile', line: 2, kind: 'scanner option' },
      { path: 'Makefile', line: 3, kind: 'scanner option' },
      { path: 'tox.ini', line: 1, kind: 'scanner option' },
      { path: 'noxfile.py', line: 1, kind: 'scanner option' },
      { path: 'noxfile.py', line: 2, kind: 'scanner option' },
      { path: '.github/workflows/audit.yaml', line: 3, kind: 'scanner option' },
      { path: '.github/workflows/audit.yaml', line: 4, kind: 'scanner option' },
      { path: '.github/workflows/audit.yaml', line: 5, kind: 'scanner option' },
      { path: '.github/workflows/audit.yaml', line: 8, kind: 'scanner option' },
      { path: '.github/workflows/audit.yaml', line: 10, kind: 'scanner option' },
    ]);
  });

  it('finds the spellings the scanners\' parsers accept that the obvious ones miss', () => {
    const found = suppressionsAdded([
      file('Makefile', [
        // argparse joins short flags (`-rlll` is `-r -l -l -l`) and takes a short option's value attached.
        '\tbandit -rlll src -f json -o reports/bandit.json',
        '\tpython -m bandit -r src -sB101,B602 -f json -o reports/bandit.json',
        '\tbandit -r src --level --confidence -f json -o reports/bandit.json',
        // gitleaks' short form of --baseline-path.
        '\tgitleaks detect -b gl-base.json --report-path reports/gitleaks.json',
        // argparse takes any unambiguous prefix of a long option: pip-audit's `--ignore` is `--ignore-vuln`.
        '\tpip-audit -r requirements.txt --ignore GHSA-2xpw-w6gg-jr37 -f json',
        // deptry before 0.12 (still pinned by some teams): --skip-* and --ignore-<rule>.
        '\tdeptry . --skip-missing --json-output reports/deptry.json',
        // vulture's README names its whitelist `whitelist.py`.
        '\tvulture src whitelist.py',
        // Run from a virtualenv, a Docker image or a hatch environment.
        '\t.venv/bin/bandit -r src -x tests',
        '\tdocker run -v $(PWD):/repo zricethezav/gitleaks:v8.18.0 detect --source /repo -c /repo/lenient.toml',
        '\thatch run lint:bandit -r src -s B101',
      ]),
      // vulture reads its documented whitelist name as any other.
      file('whitelist.py', ['handler  # unused function (src/a.py:3)']),
      // bandit-action's other inputs that leave findings out.
      file('.github/workflows/sec.yml', ['          severity: high', '          confidence: high', '          configfile: lenient.yaml']),
    ]);
    expect(found.places.map((p) => `${p.path}:${p.line}`)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `Makefile:${i + 1}`),
      'whitelist.py:1',
      '.github/workflows/sec.yml:1',
      '.github/workflows/sec.yml:2',
      '.github/workflows/sec.yml:3',
    ]);
  });

  it('does not take another command\'s options on a line that names a scanner for a scanner option', () => {
    const found = suppressionsAdded([
      file('.github/workflows/ci.yml', [
        // Another command of the same line: its options are its own.
        '      - run: mkdir -p reports && bandit -r src -f json -o reports/bandit.json',
        '        run: set -e; deptry . --json-output reports/deptry.json',
        // Installing the scanners: pip's -c (constraints), -e (editable), -i (index); conda's -c (channel).
        '        run: pip install -c constraints.txt bandit pip-audit deptry vulture',
        '        run: python -m pip install -e . deptry bandit -c constraints.txt',
        '        run: pip install -i https://pypi.internal/simple gitleaks-wrapper deptry',
        '        run: conda install -c conda-forge gitleaks',
        // The scanner's report is named; the scanner is not run.
        '        run: if [ -s reports/bandit.json ]; then cat reports/bandit.json; fi',
        '        run: test -s reports/vulture.txt || echo "vulture found nothing"',
        // The option comes before the scanner: it is the runner's (docker's -i and -t).
        '        run: docker run -i -t --rm -v $PWD:/src ghcr.io/pycqa/bandit/bandit -r /src -f json -o /src/bandit.json',
      ]),
      file('noxfile.py', ['    session.install("-c", "constraints.txt", "bandit", "deptry")']),
    ]);
    expect(found.places).toEqual([]);
  });

  it('ends on hostile added lines (no backtracking pattern)', () => {
    // A pattern that backtracks took 20 s to minutes on these (over the test's time limit); the
    // scan takes milliseconds. No timed assertion: a hang is what fails here.
    const n = 100_000;
    const found = suppressionsAdded([
      file('.github/workflows/ci.yml', [`${' '.repeat(n)}x`, `- ${' '.repeat(n)}x`, `GHSA-2xpw-w6gg-jr37${' '.repeat(n)}x`]),
      file('Makefile', [`vulture ${'whitelist'.repeat(n / 10)}`, `bandit -${'r'.repeat(n)}f`, `bandit ${'a/'.repeat(n)}`]),
    ]);
    expect(found.total).toBe(0);
  });

  it('says where a file is moved to a name the scanners read, though it adds no line', () => {
    // A file the base already holds (`docs/sample.txt`: `c0ffee:src/pay.py:generic-api-key:4`)
    // renamed unchanged to `.gitleaksignore`: git gives no added line, gitleaks reads every one.
    const found = suppressionsAdded([
      file('.gitleaksignore', [], { status: 'renamed', oldPath: 'docs/sample.txt', similarity: 100 }),
      file('.bandit.yml', ['skips: [B602]'], { status: 'renamed', oldPath: 'docs/bandit-example.yml', similarity: 90 }),
      file('src/b.py', [], { status: 'renamed', oldPath: 'src/a.py', similarity: 100 }),
    ]);
    expect(found.places).toEqual([
      { path: '.gitleaksignore', line: 1, kind: '.gitleaksignore' },
      { path: '.bandit.yml', line: 1, kind: 'scanner settings' },
    ]);
  });

  it('keeps at most MAX_SUPPRESSIONS places and counts them all', () => {
    const found = suppressionsAdded([file('src/many.py', Array.from({ length: MAX_SUPPRESSIONS + 5 }, () => 'f()  # nosec'))]);
    expect(found.total).toBe(MAX_SUPPRESSIONS + 5);
    expect(found.places).toHaveLength(MAX_SUPPRESSIONS);
  });

  it('the secret scan still skips the lines its markers allowlist (counted), as gitleaks and detect-secrets do', () => {
    const r = scanChange([file('src/pay.py', [`TOKEN = "${TOKEN}"  # gitleaks:allow`, `T2 = "${TOKEN}"  # pragma: allowlist-secret`, `T3 = "${TOKEN}"`])]);
    expect(r.findings).toHaveLength(1);
    expect(r.stats.linesAllowlisted).toBe(2);
  });
});

describe('review: a marker in a UTF-16 file', () => {
  // The secret scan reads a UTF-16 file's lines without their NUL bytes, so it honours a marker
  // there: the marker must be said as in any other file, or it would hide the line unseen.
  it('is listed where the secret scan honours it', () => {
    const lines = Buffer.from(`$token = "${TOKEN}"  # gitleaks:allow\r\n`, 'utf16le').toString('utf8').split('\n');
    const f = file('deploy/setup.ps1', lines);
    expect(suppressionsAdded([f]).places).toEqual([{ path: 'deploy/setup.ps1', line: 1, kind: 'gitleaks:allow' }]);
    expect(scanChange([f]).stats.linesAllowlisted).toBe(1);
  });
});

describe('a run on a change that adds suppressions', () => {
  it('lists them in the result and says so in a notice; the verdict is what the reports give', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'sg-suppress-'));
    try {
      writeFileSync(join(ws, 'bandit.json'), JSON.stringify({ errors: [], results: [] }));
      const change: Change = {
        known: true,
        base: 'a'.repeat(40),
        head: 'b'.repeat(40),
        source: 'base-ref',
        diffBase: 'a'.repeat(40),
        mode: 'three-dot',
        files: [file('src/pay.py', ['x = 1', 'subprocess.call(cmd, shell=True)  # nosec'])],
        addedLinesComplete: true,
        notes: [],
      };
      const run = await runEngine(parseSettings([{ 'bandit-report': 'bandit.json' }]), { workspace: ws, now: new Date(), change });
      expect(run.result.suppressions).toEqual({ total: 1, places: [{ path: 'src/pay.py', line: 2, kind: 'nosec' }] });
      expect(run.result.notices).toContainEqual(expect.stringMatching(/^This change adds a suppression that the scanners honour outside the waivers file: "src\/pay\.py" line 2 \(nosec\)\./));
      expect(run.result.verdict).toBe('pass');
      // The reviewer reads it in the summary (escaped as every notice).
      expect(renderSummary(run.result)).toContain('line 2 \\(nosec\\)');
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
