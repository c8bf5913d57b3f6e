import { afterEach, describe, expect, it } from '@jest/globals';
import { acceptedFormats, describeValue, parseReport, PARSERS } from '../../src/reports/registry.js';
import { ReportParseError, TOOL_IDS, type ParsedReport, type ReportParser } from '../../src/reports/model.js';
import { readFixture } from './registry-helpers.js';

function parseError(tool: Parameters<typeof parseReport>[0], content: string, file = 'report.json'): ReportParseError {
  try {
    parseReport(tool, file, content);
  } catch (e) {
    if (e instanceof ReportParseError) return e;
    throw e;
  }
  throw new Error('expected a ReportParseError');
}

const BANDIT_ACCEPTS = 'Bandit accepts: Bandit JSON (bandit -f json); Bandit SARIF (bandit -f sarif)';
const PIP_AUDIT_ACCEPTS = 'pip-audit accepts: pip-audit JSON (pip-audit -f json); pip-audit CycloneDX JSON (pip-audit -f cyclonedx-json)';

/** A gitleaks v8 SARIF (FORMATS.md 3.3), reduced by hand; no secret in it. */
const GITLEAKS_SARIF = JSON.stringify({
  $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
  version: '2.1.0',
  runs: [
    {
      tool: { driver: { name: 'gitleaks', semanticVersion: 'v8.0.0', informationUri: 'https://github.com/gitleaks/gitleaks', rules: [{ id: 'generic-api-key' }] } },
      results: [],
    },
  ],
});

describe('PARSERS table', () => {
  it('has an entry for every tool, bandit and pip-audit filled in', () => {
    expect(Object.keys(PARSERS).sort()).toEqual([...TOOL_IDS].sort());
    expect(PARSERS.bandit.map((p) => p.format)).toEqual(['bandit-json', 'bandit-sarif']);
    expect(PARSERS['pip-audit'].map((p) => p.format)).toEqual(['pip-audit-json', 'pip-audit-cyclonedx']);
    for (const tool of TOOL_IDS) for (const p of PARSERS[tool]) expect(p.tool).toBe(tool);
  });

  it('lists accepted formats', () => {
    expect(acceptedFormats('bandit')).toEqual(['Bandit JSON (bandit -f json)', 'Bandit SARIF (bandit -f sarif)']);
  });
});

describe('parseReport: format detection', () => {
  it('picks the format from the content', () => {
    expect(parseReport('bandit', 'b.json', readFixture('bandit', 'DefectDojo__django-DefectDojo/one_vuln.json')).format).toBe('bandit-json');
    expect(parseReport('bandit', 'b.sarif', readFixture('bandit', 'ramirodhen__todo-list-aws/bandit.sarif')).format).toBe('bandit-sarif');
    expect(parseReport('pip-audit', 'p.json', '[]').format).toBe('pip-audit-json');
    expect(parseReport('pip-audit', 'p.json', '{"dependencies": [], "fixes": []}').format).toBe('pip-audit-json');
    expect(parseReport('pip-audit', 'p.json', '{"bomFormat": "CycloneDX", "specVersion": "1.4"}').format).toBe('pip-audit-cyclonedx');
  });

  it('calls JSON.parse once per file', () => {
    const content = readFixture('bandit', 'AliAkhtari78__SpotifyScraper/bandit-report.json');
    const original = JSON.parse;
    let calls = 0;
    JSON.parse = ((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
      calls++;
      return original(text, reviver) as unknown;
    }) as typeof JSON.parse;
    try {
      parseReport('bandit', 'b.json', content);
    } finally {
      JSON.parse = original;
    }
    expect(calls).toBe(1);
  });

  it('rejects an empty file', () => {
    for (const tool of ['bandit', 'pip-audit'] as const) {
      const e = parseError(tool, '');
      expect(e.message).toBe(`${tool}: report.json: empty file (the tool probably crashed or wrote nothing)`);
    }
    expect(parseError('bandit', '\uFEFF \n').reason).toBe('empty file (the tool probably crashed or wrote nothing)');
  });

  it('reports a syntax error with its place rather than "unknown format"', () => {
    const e = parseError('bandit', '{"results": [}');
    expect(e.where).toBe('line 1, column 14');
    expect(e.reason).toMatch(/^invalid JSON: /);
  });

  it('says what another tool\'s report looks like and what the tool accepts', () => {
    let e = parseError('bandit', readFixture('pip-audit', 'cortega26__noticiencias_news_collector/pip-audit.json'), 'bandit-report.json');
    expect(e.message).toBe(
      `bandit: bandit-report.json: not a Bandit report: this file looks like pip-audit JSON (pip-audit -f json), a pip-audit report. ${BANDIT_ACCEPTS}`,
    );
    e = parseError('pip-audit', readFixture('bandit', 'DefectDojo__django-DefectDojo/one_vuln.json'));
    expect(e.reason).toBe(`not a pip-audit report: this file looks like Bandit JSON (bandit -f json), a Bandit report. ${PIP_AUDIT_ACCEPTS}`);
    e = parseError('pip-audit', readFixture('bandit', 'ramirodhen__todo-list-aws/bandit.sarif'));
    expect(e.reason).toContain('looks like Bandit SARIF (bandit -f sarif), a Bandit report');
    // (once a gitleaks SARIF parser is registered, the message names it instead)
    e = parseError('bandit', GITLEAKS_SARIF, 'bandit.sarif');
    expect(e.reason).toMatch(/^not a Bandit report: this file looks like (a SARIF report from "gitleaks"|.*, a gitleaks report)\. /);
    expect(e.reason.endsWith(BANDIT_ACCEPTS)).toBe(true);
    e = parseError('bandit', '[]');
    expect(e.reason).toContain('is an empty JSON array (what gitleaks 8, deptry or pip-audit < 2.0 write when they find nothing)');
    e = parseError('bandit', '{"bomFormat": "CycloneDX"}');
    expect(e.reason).toContain('looks like pip-audit CycloneDX JSON (pip-audit -f cyclonedx-json), a pip-audit report');
    e = parseError('bandit', '[{"error": {"code": "DEP001", "message": "m"}, "module": "x", "location": {"file": "a.py", "line": 1, "column": 1}}]');
    expect(e.reason).toMatch(/is a JSON array of objects with keys "error", "module", "location"|, a deptry report/);
    e = parseError('pip-audit', '{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7}');
    expect(e.reason).toContain('is a JSON object with keys "a", "b", "c", "d", "e", "f", … (7 keys)');
    e = parseError('bandit', 'null');
    expect(e.reason).toMatch(/is a JSON null|, a gitleaks report/);
    e = parseError('bandit', '<?xml version="1.0"?><bom/>');
    expect(e.reason).toContain('looks like XML or HTML');
    e = parseError('bandit', 'app/x.py:3: unused import \'os\' (90% confidence)\n');
    expect(e.reason).toMatch(/^not a Bandit report: this file (is not JSON and matches none of its text formats|looks like .*, a vulture report)\. /);
  });

  it('never quotes file content in a wrong-format message', () => {
    const e = parseError('bandit', 'AKIAIOSFODNN7EXAMPLE,secret-value\n');
    expect(e.message).not.toContain('AKIA');
    expect(e.message).not.toContain('secret-value');
  });

  it('explains a tool with no parser', () => {
    expect(parseError('secret-scan', '{}').reason).toBe('no parser is registered for secret scan (added lines) reports');
  });

  it('describes values for other modules too', () => {
    expect(describeValue('gitleaks', { runs: [{}] })).toBe('looks like a SARIF report from an unnamed tool');
    expect(describeValue('gitleaks', 'x')).toBe('is a JSON string');
  });
});

describe('parseReport with plain (text) parsers', () => {
  const saved = PARSERS.mutmut;
  afterEach(() => {
    PARSERS.mutmut = saved;
  });

  const report = (format: string): ParsedReport => ({ tool: 'mutmut', format, findings: [], skipped: [], scanErrors: [], stats: {} });

  it('lets a text parser accept an empty file and detect its own text; JSON parsers without value methods still work', () => {
    const text: ReportParser = { tool: 'mutmut', format: 'mutmut-results', detect: (c) => c === '' || /^ {4}\S+: /.test(c), parse: () => report('mutmut-results') };
    const json: ReportParser = { tool: 'mutmut', format: 'mutmut-cicd-stats', detect: (c) => c.includes('"killed"'), parse: () => report('mutmut-cicd-stats') };
    PARSERS.mutmut = [text, json];
    expect(parseReport('mutmut', 'm.txt', '').format).toBe('mutmut-results');
    expect(parseReport('mutmut', 'm.txt', '    x.y__mutmut_1: survived\n').format).toBe('mutmut-results');
    expect(parseReport('mutmut', 'm.json', '{"killed": 1}').format).toBe('mutmut-cicd-stats');
    // and a Bandit report given to mutmut is described by the JSON parsers of the other tools
    expect(parseError('mutmut', readFixture('bandit', 'DefectDojo__django-DefectDojo/one_vuln.json')).reason).toBe(
      'not a mutmut report: this file looks like Bandit JSON (bandit -f json), a Bandit report. mutmut accepts: mutmut-results; mutmut-cicd-stats',
    );
    // a text format of another tool is recognised too
    expect(parseError('bandit', '    x.y__mutmut_1: survived\n').reason).toContain('looks like mutmut-results, a mutmut report');
  });
});

describe('parseReport: text that starts like a JSON scalar', () => {
  it('is described as text, not as a JSON syntax error', () => {
    const e = parseError('bandit', "tests/test_x.py:3: unused import 'os' (90% confidence)\n");
    expect(e.where).toBe('');
    expect(e.reason).toMatch(/^not a Bandit report: this file (is not JSON|looks like .*, a vulture report)/);
  });
});
