import { describe, expect, it } from '@jest/globals';
import { parseReport } from '../../src/reports/registry.js';
import { filterByConfidence, parseVulture, vultureParser, vultureSeverity } from '../../src/reports/vulture/parser.js';
import type { ParsedReport } from '../../src/reports/model.js';
import { listFixtures, readFixture, errorOf } from './registry-helpers.js';
import { expectGoldenFile } from './gitleaks-golden.js';

/** MANIFEST.md raw facts (kinds and confidences), re-counted with Python. */
const EXPECTED: Record<string, { total: number; rules: Record<string, number>; confidence: Record<number, number> }> = {
  'PennLINC__qsiprep/vulture.txt': {
    total: 935,
    rules: { 'unused-variable': 766, 'unused-function': 75, 'unused-attribute': 61, 'unused-method': 21, 'unused-import': 7, 'unused-class': 1, 'unreachable-code': 4 },
    confidence: { 60: 902, 90: 7, 100: 26 },
  },
  'emooreatx__CIRISAgent/vulture_report.txt': { total: 18, rules: { 'unused-variable': 18 }, confidence: { 100: 18 } },
  'w-ash__mixd/vulture_report.txt': {
    total: 162,
    rules: { 'unused-method': 71, 'unused-variable': 46, 'unused-function': 26, 'unused-class': 9, 'unused-attribute': 7, 'unused-property': 3 },
    confidence: { 60: 150, 100: 12 },
  },
};

function parse(rel: string, content = readFixture('vulture', rel)): ParsedReport {
  return parseReport('vulture', `vulture/${rel}`, content);
}

describe('vulture corpus fixtures', () => {
  const fixtures = listFixtures('vulture');

  it('has expected numbers for every fixture (and a fixture for every expectation)', () => {
    expect(fixtures).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(fixtures)('%s: counts by kind and confidence, severity mapping, golden', (rel) => {
    const exp = EXPECTED[rel];
    if (!exp) throw new Error(`no expectation for ${rel}`);
    const r = parse(rel);
    expect(r.format).toBe('vulture-text');
    expect(r.findings).toHaveLength(exp.total);
    expect(r.stats).toEqual({ total: exp.total, ...exp.rules });
    const conf: Record<number, number> = {};
    for (const f of r.findings) {
      const c = Number(f.extra?.confidence);
      conf[c] = (conf[c] ?? 0) + 1;
      expect(f.severity).toBe(c >= 100 ? 'medium' : 'low');
      expect(f.rawSeverity).toBe(`${c}% confidence`);
    }
    expect(conf).toEqual(exp.confidence);
    expect(new Set(r.findings.map((f) => f.fingerprint)).size).toBe(r.findings.length);
    expectGoldenFile('vulture', rel, r);
  });
});

describe('vulture lines', () => {
  it('a finding: rule, name, V-code, location, confidence', () => {
    const r = parse('PennLINC__qsiprep/vulture.txt');
    expect(r.findings[0]).toEqual({
      tool: 'vulture',
      ruleId: 'unused-import',
      ruleName: 'unused import',
      title: "unused import 'pprint'",
      severity: 'low',
      rawSeverity: '90% confidence',
      confidence: 'medium',
      location: { path: '.circleci/pytests/test_drbuddi.py', line: 2 },
      fingerprint: 'vulture:unused-import:.circleci/pytests/test_drbuddi.py:pprint',
      sourceFile: 'vulture/PennLINC__qsiprep/vulture.txt',
      extra: { confidence: 90, name: 'pprint', code: 'V104' },
    });
    const unreachable = r.findings.filter((f) => f.ruleId === 'unreachable-code').map((f) => f.ruleName);
    expect(unreachable.sort()).toEqual(['unreachable code', 'unreachable code', 'unreachable code', "unsatisfiable 'if' condition"]);
  });

  it('Windows drive letters, backslashes, size suffix, CRLF, blank lines and a BOM', () => {
    const text = [
      '\uFEFFC:\\proj\\app.py:3: unused function \'f\' (60% confidence, 4 lines)',
      '',
      'pkg\\mod.py:12: unreachable code after \'return\' (100% confidence, 1 line)',
      "weird: name.py:7: unused variable 'x' (60% confidence)",
      "a.py:9: unsatisfiable 'while' condition (100% confidence)",
      "a.py:10: redundant if-condition (100% confidence)",
      "a.py:11: unreachable 'else' block (100% confidence)",
      "a.py:12: some future message (80% confidence)",
      '',
    ].join('\r\n');
    const r = parseVulture(text, 'v.txt');
    expect(r.findings.map((f) => [f.ruleId, f.location, f.extra?.size ?? null, f.severity, f.confidence])).toEqual([
      ['unused-function', { path: 'C:/proj/app.py', line: 3 }, 4, 'low', 'low'],
      ['unreachable-code', { path: 'pkg/mod.py', line: 12 }, 1, 'medium', 'high'],
      ['unused-variable', { path: 'weird: name.py', line: 7 }, null, 'low', 'low'],
      ['unreachable-code', { path: 'a.py', line: 9 }, null, 'medium', 'high'],
      ['unreachable-code', { path: 'a.py', line: 10 }, null, 'medium', 'high'],
      ['unreachable-code', { path: 'a.py', line: 11 }, null, 'medium', 'high'],
      ['dead-code', { path: 'a.py', line: 12 }, null, 'low', 'medium'],
    ]);
  });

  it('the same name twice in a file gets distinct fingerprints', () => {
    const r = parseVulture("a.py:3: unused variable 'x' (60% confidence)\na.py:9: unused variable 'x' (60% confidence)\n", 'v.txt');
    expect(r.findings.map((f) => f.fingerprint)).toEqual(['vulture:unused-variable:a.py:x', 'vulture:unused-variable:a.py:x#2']);
  });

  it('severity mapping', () => {
    expect([100, 99, 90, 80, 60, 0].map(vultureSeverity)).toEqual(['medium', 'low', 'low', 'low', 'low', 'low']);
  });

  it('empty output is an empty report', () => {
    expect(parse('x.txt', '').stats).toEqual({ total: 0 });
    expect(parse('x.txt', '\n\r\n').findings).toEqual([]);
  });

  it('a line that does not match names the line', () => {
    const e = errorOf(() => parse('x.txt', "a.py:3: unused variable 'x' (60% confidence)\n\nTraceback (most recent call last):\n"));
    expect(e.where).toBe('line 3');
    expect(e.file).toBe('vulture/x.txt');
    expect(errorOf(() => parse('x.txt', "a.py:3: unused variable 'x' (160% confidence)")).where).toBe('line 1');
    expect(errorOf(() => parse('x.txt', "a.py:0: unused variable 'x' (60% confidence)")).reason).toBe('line number 0');
    // crafted long lines are refused before the regex runs (it would backtrack)
    expect(errorOf(() => parse('x.txt', `ok.py:1: unused variable 'x' (60% confidence)\n${'a:1: '.repeat(20_000)}`)).where).toBe('line 2');
    // another tool's report is not taken for vulture output
    expect(errorOf(() => parse('x.json', '[]')).message).toMatch(/not a vulture report/);
    expect(errorOf(() => parse('x.txt', '    my_lib.x_hello__mutmut_1: survived\n')).message).toMatch(/not a vulture report: this file looks like mutmut 3/);
  });

  it('detect', () => {
    expect(vultureParser.detect('')).toBe(true);
    expect(vultureParser.detect(readFixture('vulture', 'w-ash__mixd/vulture_report.txt'))).toBe(true);
    expect(vultureParser.detect('[{"a": 1}]')).toBe(false);
  });
});

describe('filterByConfidence (vulture-min-confidence)', () => {
  it('drops findings below the minimum and counts them', () => {
    const r = parse('PennLINC__qsiprep/vulture.txt');
    const f90 = filterByConfidence(r, 90);
    expect(f90.findings).toHaveLength(33);
    expect(f90.stats).toMatchObject({ total: 33, belowMinConfidence: 902, minConfidence: 90, 'unused-import': 7 });
    const f100 = filterByConfidence(r, 100);
    expect(f100.findings).toHaveLength(26);
    expect(f100.stats.belowMinConfidence).toBe(909);
    expect(filterByConfidence(r, 60)).toMatchObject({ stats: { belowMinConfidence: 0, total: 935 } });
    expect(filterByConfidence(r, 0)).toBe(r);
    // pure: the input is untouched
    expect(r.findings).toHaveLength(935);
  });
});
