/**
 * A fail-closed review of the report parsers against FORMATS.md: inputs (real reports of some tool
 * version, or small edits of them) that a parser read as fewer or weaker findings than they hold,
 * or that another tool's report passed as a clean scan. Each case failed before its fix: a SARIF
 * result without `level` whose rule's `defaultConfiguration` says `error` read as MEDIUM; a SARIF
 * run without `results`, or one whose invocation failed, read as a clean run; a merged SARIF's
 * other tool read as Bandit; an empty Semgrep report passing as a clean Bandit scan; another tool's
 * CycloneDX SBOM passing as a clean pip-audit audit; and two different secrets gitleaks redacted
 * (`--redact`) merged into one finding.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gateOn } from '../helpers/review.js';
import { parseReport } from '../../src/reports/registry.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');
type Json = Record<string, unknown> & { runs: Array<Record<string, unknown>> };

const gate = (files: Record<string, string>, inputs: Record<string, string>) => gateOn(files, inputs, 'sg-parsers-');

/** A Bandit SARIF result of B602 in src/auth/login.py, with `extra` fields. */
const banditSarifResult = (extra: Record<string, unknown> = {}) => ({
  ruleId: 'B602',
  ruleIndex: 0,
  message: { text: 'subprocess call with shell=True identified, security issue.' },
  locations: [{ physicalLocation: { artifactLocation: { uri: 'src/auth/login.py' }, region: { startLine: 12, snippet: { text: 'subprocess.call(cmd, shell=True)' } } } }],
  ...extra,
});
const banditRun = (results: unknown[] | undefined, ruleExtra: Record<string, unknown> = {}, runExtra: Record<string, unknown> = {}) => ({
  tool: { driver: { name: 'Bandit', rules: [{ id: 'B602', name: 'subprocess_popen_with_shell_equals_true', ...ruleExtra }] } },
  ...(results === undefined ? {} : { results }),
  ...runExtra,
});
const sarif = (...runs: unknown[]) => JSON.stringify({ version: '2.1.0', $schema: 'https://json.schemastore.org/sarif-2.1.0.json', runs }, null, 2);

describe('SARIF severity: a result without level takes its rule\'s defaultConfiguration.level', () => {
  it('reads an error-level rule\'s result as HIGH, not MEDIUM', async () => {
    // SARIF 2.1.0 3.27.10: a result without `level` takes the rule's `defaultConfiguration.level`,
    // and only without one "warning". A SARIF rewritten by a converter or a merge tool keeps the
    // level on the rule and drops it from the result (and Bandit's own `properties` with it).
    const text = sarif(banditRun([banditSarifResult()], { defaultConfiguration: { level: 'error' } }));
    const r = parseReport('bandit', 'bandit.sarif', text);
    expect(r.findings.map((f) => f.severity)).toEqual(['high']);
    const g = await gate({ 'bandit.sarif': text }, { 'bandit-report': 'bandit.sarif' });
    expect(g.verdict).toBe('block');
    // A result's own level still wins, and no rule default leaves SARIF's "warning" (Bandit's MEDIUM).
    const own = sarif(banditRun([banditSarifResult({ level: 'note' })], { defaultConfiguration: { level: 'error' } }));
    expect(parseReport('bandit', 'bandit.sarif', own).findings.map((f) => f.severity)).toEqual(['low']);
    expect(parseReport('bandit', 'bandit.sarif', sarif(banditRun([banditSarifResult()]))).findings.map((f) => f.severity)).toEqual(['medium']);
  });
});

describe('a SARIF run that did not complete is not a clean run', () => {
  it('refuses a Bandit run without results (absent or null), naming the run', async () => {
    // The real report of the older formatter (ramirodhen__todo-list-aws), its results left out:
    // SARIF says a run without `results` produced none (the tool failed); `[]` is "found nothing".
    const real = JSON.parse(fixture('bandit/ramirodhen__todo-list-aws/bandit.sarif')) as Json;
    for (const results of [undefined, null]) {
      const run = { ...real.runs[0] };
      if (results === undefined) delete run.results;
      else run.results = results;
      const text = JSON.stringify({ ...real, runs: [run] }, null, 2);
      expect(() => parseReport('bandit', 'bandit.sarif', text)).toThrow('bandit: bandit.sarif: $.runs[0].results: missing (expected an array; a run without results did not complete)');
      const g = await gate({ 'bandit.sarif': text }, { 'bandit-report': 'bandit.sarif' });
      expect(g.verdict).toBe('error');
    }
    // `results: []` stays a clean run.
    expect(parseReport('bandit', 'bandit.sarif', sarif(banditRun([]))).findings).toEqual([]);
  });

  it('refuses a Bandit run whose invocation did not succeed', () => {
    const text = sarif(banditRun([], {}, { invocations: [{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: 'IndexError' } }] }] }));
    expect(() => parseReport('bandit', 'bandit.sarif', text)).toThrow('$.runs[0].invocations[0].executionSuccessful: false: the run failed');
  });

  it('refuses a gitleaks SARIF run without results', async () => {
    // The real empty gitleaks 8 SARIF (raiffeisenbankinternational__edd-core) has `"results": []`.
    const real = JSON.parse(fixture('gitleaks/raiffeisenbankinternational__edd-core/gitleaks.sarif')) as Json;
    expect(parseReport('gitleaks', 'gitleaks.sarif', JSON.stringify(real)).findings).toEqual([]);
    const run = { ...real.runs[0] };
    delete run.results;
    const text = JSON.stringify({ ...real, runs: [run] });
    expect(() => parseReport('gitleaks', 'gitleaks.sarif', text)).toThrow('gitleaks: gitleaks.sarif: $.runs[0].results: missing');
    const g = await gate({ 'gitleaks.sarif': text }, { 'gitleaks-report': 'gitleaks.sarif' });
    expect(g.verdict).toBe('error');
  });
});

describe('a merged SARIF: every run must be Bandit\'s', () => {
  it('refuses a second run of another tool instead of reading its results as Bandit findings', () => {
    const codeql = {
      tool: { driver: { name: 'CodeQL', rules: [{ id: 'py/sql-injection', defaultConfiguration: { level: 'error' } }] } },
      results: [{ ruleId: 'py/sql-injection', message: { text: 'SQL built from user input' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'src/db/q.py' }, region: { startLine: 3 } } }] }],
    };
    const text = sarif(banditRun([]), codeql);
    expect(() => parseReport('bandit', 'merged.sarif', text)).toThrow('$.runs[1].tool.driver.name: expected "Bandit", got "CodeQL"');
    // Two Bandit runs are read together, as before.
    expect(parseReport('bandit', 'two.sarif', sarif(banditRun([banditSarifResult()]), banditRun([banditSarifResult({ level: 'error' })]))).findings).toHaveLength(2);
  });
});

describe("another tool's report is not a clean scan", () => {
  it('an empty Semgrep JSON given as bandit-report is refused, not a pass', async () => {
    // `semgrep --json` with no match: errors and results like Bandit's, but none of Bandit's metrics.
    const semgrep = JSON.stringify({ errors: [], interfile_languages_used: [], paths: { scanned: ['src/app.py'] }, results: [], skipped_rules: [], version: '1.90.0' });
    expect(() => parseReport('bandit', 'semgrep.json', semgrep)).toThrow(/not a Bandit report: this file is a JSON object with keys "errors", "interfile_languages_used", "paths"/);
    const g = await gate({ 'semgrep.json': semgrep }, { 'bandit-report': 'semgrep.json' });
    expect(g.verdict).toBe('error');
    // Bandit's own reports, and the minimal `{errors, results}` hand-made ones, still read.
    expect(parseReport('bandit', 'b.json', JSON.stringify({ errors: [], results: [] })).findings).toEqual([]);
    expect(parseReport('bandit', 'b.json', fixture('bandit/DefectDojo__django-DefectDojo/no_vuln.json')).findings).toEqual([]);
  });

  it('a CycloneDX SBOM of another tool given as pip-audit-report is refused, not a clean audit', async () => {
    // An SBOM (cyclonedx-py, spec 1.5): components, no `vulnerabilities` key, exactly as a clean
    // pip-audit BOM, but no audit at all.
    const sbom = JSON.stringify({
      $schema: 'http://cyclonedx.org/schema/bom-1.5.schema.json',
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      version: 1,
      metadata: {
        tools: { components: [{ type: 'application', group: 'CycloneDX', name: 'cyclonedx-py', version: '4.6.1' }, { type: 'library', group: 'CycloneDX', name: 'cyclonedx-python-lib', version: '7.6.2' }] },
        component: { type: 'application', name: 'api', 'bom-ref': 'root-component' },
      },
      components: [{ type: 'library', 'bom-ref': 'requests==2.25.1', name: 'requests', version: '2.25.1', purl: 'pkg:pypi/requests@2.25.1' }],
    });
    expect(() => parseReport('pip-audit', 'sbom.json', sbom)).toThrow('$.metadata.tools.components[0].name: a CycloneDX BOM made by "cyclonedx-py", not by pip-audit');
    const g = await gate({ 'sbom.json': sbom }, { 'pip-audit-report': 'sbom.json' });
    expect(g.verdict).toBe('error');
    // pip-audit's own BOMs (no tools, or the library it writes them with) still read.
    expect(parseReport('pip-audit', 'c.json', fixture('pip-audit/hand-made__formats-md/cyclonedx-2.10.json')).findings).toHaveLength(3);
    const withLib = { ...(JSON.parse(fixture('pip-audit/hand-made__formats-md/cyclonedx-clean.json')) as Record<string, unknown>), metadata: { tools: [{ vendor: 'CycloneDX', name: 'cyclonedx-python-lib', version: '4.2.3' }] } };
    expect(parseReport('pip-audit', 'c.json', JSON.stringify(withLib)).findings).toEqual([]);
  });
});

describe('gitleaks --redact: secrets the tool redacted are not known to be the same', () => {
  it('keeps two entries of other commits at one place apart', () => {
    // gitleaks 8 with --redact, git mode: one file line changed secrets between two commits.
    const entry = (commit: string) => ({
      RuleID: 'generic-api-key', Description: 'Detected a Generic API Key', StartLine: 4, EndLine: 4, StartColumn: 9, EndColumn: 52,
      Match: 'api_key = "REDACTED"', Secret: 'REDACTED', File: 'src/settings.py', SymlinkFile: '', Commit: commit, Entropy: 4.1,
      Author: 'dev', Email: 'dev@example.com', Date: '2026-11-30T10:00:00Z', Message: 'rotate key', Tags: [], Fingerprint: `${commit}:src/settings.py:generic-api-key:4`,
    });
    const text = JSON.stringify([entry('1111111111111111111111111111111111111111'), entry('2222222222222222222222222222222222222222')], null, 1);
    const r = parseReport('gitleaks', 'gitleaks.json', text);
    // Merged, the finding took the first commit's fingerprint: a waiver of that (test) secret hid
    // the other commit's, a different secret.
    expect(r.findings.map((f) => f.fingerprint).sort()).toEqual(['1111111111111111111111111111111111111111:src/settings.py:generic-api-key:4', '2222222222222222222222222222222222222222:src/settings.py:generic-api-key:4']);
    // Secrets the report shows are still compared: the same one in two commits counts once.
    const clear = JSON.stringify([entry('1'.repeat(40)), entry('2'.repeat(40))].map((e) => ({ ...e, Secret: 'sk_9f8e7d6c5b4a3210', Match: 'api_key = "sk_9f8e7d6c5b4a3210"' })));
    expect(parseReport('gitleaks', 'gitleaks.json', clear).findings).toHaveLength(1);
  });
});
