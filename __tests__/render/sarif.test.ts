import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeSarifCut, pathToUri, renderSarif, renderSarifText, securitySeverity, FINGERPRINT_KEY } from '../../src/render/sarif.js';
import { finding, gateResult, toolResult } from './annotations.fixtures.js';
import { sarifErrors } from './sarif.validate.js';

describe('renderSarif (hand-made results)', () => {
  const result = gateResult([
    toolResult(
      'bandit',
      [
        finding({
          tool: 'bandit',
          ruleId: 'B602',
          ruleName: 'subprocess_popen_with_shell_equals_true',
          title: 'subprocess call with shell=True identified, security issue. [x](https://evil)',
          severity: 'high',
          confidence: 'high',
          disposition: 'block',
          cwe: 78,
          helpUri: 'https://bandit.readthedocs.io/en/1.9.4/plugins/b602_subprocess_popen_with_shell_equals_true.html',
          location: { path: '/home/runner/work/repo/repo/src/a b/ü.py', line: 12, endLine: 14, column: 5, endColumn: 2 },
        }),
        finding({ tool: 'bandit', ruleId: 'B602', severity: 'low', confidence: 'medium', disposition: 'info', location: { path: 'src\\win.py', line: 3, column: 1, endColumn: 1 } }),
        finding({ tool: 'bandit', ruleId: 'B105', severity: 'low', disposition: 'waived', helpUri: 'javascript:alert(1)', waiver: { id: 'W-1', owner: '@sec', expires: '2027-01-01', reasonCategory: 'false-positive' } }),
        finding({ tool: 'bandit', ruleId: 'B999', severity: 'medium', disposition: 'warn', location: { path: '/opt/outside.py', line: 0 } }),
      ],
      { toolVersion: '1.9.4' },
    ),
    toolResult('pip-audit', [
      finding({
        tool: 'pip-audit',
        ruleId: 'GHSA-v845-jxx5-vc9f',
        title: 'urllib3 Cookie header leak',
        severity: 'high',
        disposition: 'block',
        location: undefined,
        package: { name: 'urllib3', version: '1.26.5', fixVersions: ['1.26.17'] },
        severitySource: { kind: 'github', advisory: 'GHSA-v845-jxx5-vc9f', cvss: { version: '3.1', score: 8.1, vector: 'CVSS:3.1/AV:N' } },
        sourceFile: 'reports/pip-audit.json',
      }),
      finding({ tool: 'pip-audit', ruleId: 'PYSEC-2021-1', title: 'PYSEC-2021-1', severity: 'unknown', effectiveSeverity: 'high', disposition: 'warn', location: undefined, package: { name: 'x', version: '1' } }),
    ]),
    toolResult('deptry', [finding({ tool: 'deptry', ruleId: 'DEP002', severity: 'low', disposition: 'info', location: { path: 'pyproject.toml' } })]),
    toolResult('gitleaks', [], { status: 'missing', messages: ['gitleaks-report: reports/gitleaks.json matched no file'] }),
    toolResult('vulture', [], { toolVersion: '2.16' }),
  ]);
  const { sarif, cut } = renderSarif(result, { workspace: '/home/runner/work/repo/repo', dependencyFile: 'requirements.txt' });

  it('validates against the SARIF 2.1.0 schema', () => {
    expect(sarifErrors(sarif)).toEqual([]);
    expect(cut).toEqual([]);
  });

  it('matches the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    const file = join(dirname(fileURLToPath(import.meta.url)), 'sarif-golden', 'hand-made.expected.sarif');
    const { text } = renderSarifText(result, { workspace: '/home/runner/work/repo/repo', dependencyFile: 'requirements.txt' });
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    expect(text).toBe(readFileSync(file, 'utf8'));
  });

  it('has a run per tool that ran, none for a missing report', () => {
    expect(sarif.runs.map((r) => r.tool.driver.name)).toEqual(['Bandit', 'pip-audit', 'deptry', 'vulture']);
    const vulture = sarif.runs[3]!;
    expect(vulture.results).toEqual([]);
    expect(vulture.invocations[0]!.executionSuccessful).toBe(true);
    expect(sarif.runs[0]!.tool.driver).toMatchObject({ version: '1.9.4', informationUri: 'https://github.com/PyCQA/bandit' });
  });

  it('rules: metadata, tags, security-severity, safe help links only', () => {
    const rules = sarif.runs[0]!.tool.driver.rules;
    const b602 = rules.find((r) => r.id === 'B602')!;
    expect(b602.name).toBe('subprocess_popen_with_shell_equals_true');
    expect(b602.helpUri).toMatch(/^https:\/\/bandit\.readthedocs\.io\//);
    expect(b602.properties.tags).toEqual(['security', 'external/cwe/cwe-78']);
    expect(b602.properties['security-severity']).toBe('8.0'); // max of HIGH and LOW
    expect(b602.properties.precision).toBe('high');
    const b105 = rules.find((r) => r.id === 'B105')!;
    expect(b105.helpUri).toBeUndefined();
    expect(b105.properties['security-severity']).toBe('2.0');
    const pip = sarif.runs[1]!.tool.driver.rules;
    expect(pip.find((r) => r.id === 'GHSA-v845-jxx5-vc9f')!.properties['security-severity']).toBe('8.1'); // resolved CVSS
    expect(pip.find((r) => r.id === 'GHSA-v845-jxx5-vc9f')!.helpUri).toBe('https://github.com/advisories/GHSA-v845-jxx5-vc9f');
    expect(pip.find((r) => r.id === 'PYSEC-2021-1')!.properties['security-severity']).toBe('8.0'); // unknown treated as high
    const deptry = sarif.runs[2]!.tool.driver.rules[0]!;
    expect(deptry.properties.tags).toEqual(['maintainability']);
    expect(deptry.properties['security-severity']).toBeUndefined();
  });

  it('results: levels, fingerprints, locations, suppressions, escaped messages', () => {
    const res = sarif.runs[0]!.results;
    expect(res.map((r) => r.level)).toEqual(['error', 'warning', 'note', 'note']); // block, warn, info, waived
    const first = res[0]!;
    expect(first.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^fp-bandit-/);
    expect(first.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'src/a%20b/%C3%BC.py', uriBaseId: '%SRCROOT%' },
      region: { startLine: 12, endLine: 14, startColumn: 5, endColumn: 2 },
    });
    expect(first.message.text).toContain('\\[x\\](https://evil)');
    const outside = res[1]!;
    expect(outside.locations[0]!.physicalLocation.artifactLocation.uri).toBe('reports/bandit.json');
    expect(outside.locations[0]!.physicalLocation.region).toEqual({ startLine: 1 });
    expect(outside.locations[0]!.logicalLocations![0]!.name).toBe('/opt/outside.py');
    const win = res[2]!;
    expect(win.locations[0]!.physicalLocation).toMatchObject({ artifactLocation: { uri: 'src/win.py' }, region: { startLine: 3, startColumn: 1 } });
    const waived = res[3]!;
    expect(waived.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'W-1 · owner @sec · expires 2027-01-01 · false-positive' }]);
    const pkg = sarif.runs[1]!.results[0]!;
    expect(pkg.locations[0]!.physicalLocation.artifactLocation.uri).toBe('requirements.txt');
    expect(pkg.locations[0]!.logicalLocations).toEqual([{ name: 'urllib3', fullyQualifiedName: 'urllib3==1.26.5', kind: 'package' }]);
    expect(pkg.message.text).toContain('urllib3 1.26.5 → fixed in 1.26.17');
    expect(pkg.properties).toMatchObject({ package: 'urllib3', packageVersion: '1.26.5', fixVersions: ['1.26.17'] });
  });

  it('without a dependency file, package findings point at the report they came from', () => {
    const r = renderSarif(result, {}).sarif;
    expect(r.runs[1]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('reports/pip-audit.json');
  });

  it('a broken report with findings keeps its run, marked unsuccessful', () => {
    const r = gateResult([toolResult('bandit', [finding({ disposition: 'warn' })], { status: 'error', messages: ['bandit: reports/b2.json: $.results[3]: not an object'] })]);
    const s = renderSarif(r).sarif;
    expect(sarifErrors(s)).toEqual([]);
    expect(s.runs[0]!.invocations[0]).toEqual({
      executionSuccessful: false,
      toolExecutionNotifications: [{ level: 'error', message: { text: 'bandit: reports/b2.json: $.results\\[3\\]: not an object' } }],
    });
  });
});

describe('renderSarif limits', () => {
  it('keeps the most severe results per run and says what was cut', () => {
    const findings = [];
    for (let i = 0; i < 30; i++) findings.push(finding({ tool: 'bandit', severity: 'low', disposition: 'info', ruleId: `L${i}` }));
    for (let i = 0; i < 5; i++) findings.push(finding({ tool: 'bandit', severity: 'high', disposition: 'block', ruleId: `H${i}` }));
    findings.push(finding({ tool: 'bandit', severity: 'medium', disposition: 'warn', ruleId: 'M0' }));
    const { sarif, cut } = renderSarif(gateResult([toolResult('bandit', findings)]), { maxResultsPerRun: 10 });
    expect(sarifErrors(sarif)).toEqual([]);
    const run = sarif.runs[0]!;
    expect(run.results).toHaveLength(10);
    expect(run.results.slice(0, 5).every((r) => r.level === 'error')).toBe(true);
    expect(run.results[5]!.ruleId).toBe('M0');
    expect(run.tool.driver.rules).toHaveLength(10); // rules only for kept results
    expect(cut).toEqual([{ tool: 'bandit', total: 36, kept: 10, dropped: 26 }]);
    expect(run.properties['securityGate/cut']).toMatchObject({ total: 36, kept: 10, dropped: 26 });
    expect(describeSarifCut(cut)).toMatch(/^SARIF: Bandit 10 of 36 results kept \(26 less severe left out\)/);
  });

  it('handles 25,000+ results per run', () => {
    const findings = [];
    for (let i = 0; i < 25_010; i++) findings.push(finding({ tool: 'bandit', severity: i < 10 ? 'high' : 'low', disposition: i < 10 ? 'block' : 'info', ruleId: `B${i % 50}` }));
    const { sarif, cut } = renderSarif(gateResult([toolResult('bandit', findings)]));
    expect(sarif.runs[0]!.results).toHaveLength(25_000);
    expect(cut[0]!.dropped).toBe(10);
    expect(sarif.runs[0]!.results.filter((r) => r.level === 'error')).toHaveLength(10);
  });
});

describe('renderSarif on findings that repeat files, titles and rules', () => {
  it('gives every result what rendering its finding alone gives', () => {
    // Worked out once per file, per (title, reason) and per rule id in a run: nothing may leak from one
    // finding to the next (a package, a waiver, another reason, a path the workspace resolves).
    const ws = '/home/runner/work/repo/repo';
    const fs = [
      finding({ ruleId: 'B602', title: 'shell', reason: 'Bandit HIGH -> block', disposition: 'block', location: { path: 'src/a.py', line: 1 } }),
      finding({ ruleId: 'B602', title: 'shell', reason: 'Bandit HIGH -> warn', disposition: 'warn', location: { path: 'src/a.py', line: 2 } }),
      finding({ ruleId: 'B602', title: 'shell', reason: 'Bandit HIGH -> warn', disposition: 'waived', waiver: { id: 'W-9', owner: '@o', expires: '2027-01-01', reasonCategory: 'accepted-risk' } as never, location: { path: 'src/a.py', line: 3 } }),
      finding({ ruleId: 'B602', title: 'shell', reason: 'Bandit HIGH -> warn', disposition: 'warn', location: { path: `${ws}/src/a.py`, line: 4 } }),
      finding({ ruleId: 'B602', title: 'shell', reason: 'Bandit HIGH -> warn', disposition: 'warn', location: { path: 'src/a b.py', line: 5 } }),
      finding({ ruleId: 'B602', title: 'shell', reason: 'Bandit HIGH -> warn', disposition: 'warn', location: { path: '/opt/outside.py', line: 6 } }),
      finding({ ruleId: 'B602\nx', title: 'shell', reason: 'Bandit HIGH -> warn', disposition: 'warn', location: { path: 'src/a.py', line: 7 } }),
    ];
    const opts = { workspace: ws };
    const together = renderSarif(gateResult([toolResult('bandit', fs)]), opts).sarif.runs[0]!;
    for (const f of fs) {
      const alone = renderSarif(gateResult([toolResult('bandit', [f])]), opts).sarif.runs[0]!;
      const r = together.results.find((x) => x.partialFingerprints[FINGERPRINT_KEY] === f.fingerprint)!;
      const { ruleIndex: _a, ...rest } = r;
      const { ruleIndex: _b, ...restAlone } = alone.results[0]!;
      expect(rest).toEqual(restAlone);
    }
    expect(new Set(together.results.map((x) => x.message.text)).size).toBe(3);
  });
});

describe('helpers', () => {
  it('pathToUri percent-encodes segments', () => {
    expect(pathToUri("a b/c#d/e?f/(g)'!*.py")).toBe('a%20b/c%23d/e%3Ff/%28g%29%27%21%2A.py');
  });
  it('securitySeverity: CVSS first, then bands; none for hygiene tools and info', () => {
    expect(securitySeverity(finding({ tool: 'bandit', severity: 'critical' }))).toBe(9.5);
    expect(securitySeverity(finding({ tool: 'bandit', severity: 'medium' }))).toBe(5.5);
    expect(securitySeverity(finding({ tool: 'bandit', severity: 'info' }))).toBeUndefined();
    expect(securitySeverity(finding({ tool: 'vulture', severity: 'high' }))).toBeUndefined();
    expect(
      securitySeverity(finding({ tool: 'pip-audit', severity: 'critical', severitySource: { kind: 'osv', cvss: { version: '3.1', score: 9.81, vector: '' } } })),
    ).toBe(9.8);
  });
});
