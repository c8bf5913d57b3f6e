import { describe, expect, it } from '@jest/globals';
import { parseReport } from '../../src/reports/registry.js';
import { DEPTRY_RULES, deptryParser } from '../../src/reports/deptry/parser.js';
import type { ParsedReport } from '../../src/reports/model.js';
import { listFixtures, readFixture, errorOf } from './registry-helpers.js';
import { expectGoldenFile } from './gitleaks-golden.js';

/**
 * Expected numbers: `raw` = entries (MANIFEST.md raw facts), `codes` = findings per code after
 * de-duplication on (code, module, file, line), counted independently with Python.
 * aecs4u: 11 entries, DEP002 cryptography / jinja2 / python-multipart appear twice -> 8 findings.
 */
const EXPECTED: Record<string, { raw: number; codes: Record<string, number> }> = {
  'aecs4u__codice-fiscale-e-partita-iva/deptry-report.json': { raw: 11, codes: { DEP001: 2, DEP002: 5, DEP003: 1 } },
  'faustomilletari__prime-rl/deptry.json': { raw: 178, codes: { DEP001: 158, DEP002: 20 } },
  'fpgmaas__deptry/test_cli__test_cli_paths_respect_non_windows.json': { raw: 4, codes: { DEP001: 1, DEP002: 2, DEP004: 1 } },
  'fpgmaas__deptry/test_cli__test_cli_paths_respect_windows.json': { raw: 4, codes: { DEP001: 1, DEP002: 2, DEP004: 1 } },
  'fpgmaas__deptry/test_cli__test_cli_with_json_output.json': { raw: 4, codes: { DEP001: 1, DEP002: 2, DEP004: 1 } },
  'fpgmaas__deptry/test_cli_inline_ignores__test_cli_inline_ignore_combined_with_ignore_flag.json': { raw: 1, codes: { DEP001: 1 } },
  'fpgmaas__deptry/test_cli_inline_ignores__test_cli_inline_ignore_combined_with_pyproject_toml_config.json': { raw: 2, codes: { DEP001: 1, DEP004: 1 } },
};

function parse(rel: string, content = readFixture('deptry', rel)): ParsedReport {
  return parseReport('deptry', `deptry/${rel}`, content);
}

describe('deptry corpus fixtures', () => {
  const fixtures = listFixtures('deptry');

  it('has expected numbers for every fixture (and a fixture for every expectation)', () => {
    expect(fixtures).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(fixtures)('%s: counts, stats by code, golden', (rel) => {
    const exp = EXPECTED[rel];
    if (!exp) throw new Error(`no expectation for ${rel}`);
    const r = parse(rel);
    const unique = Object.values(exp.codes).reduce((a, b) => a + b, 0);
    expect(r.format).toBe('deptry-json');
    expect(r.findings).toHaveLength(unique);
    expect(r.stats).toEqual({ raw: exp.raw, duplicates: exp.raw - unique, total: unique, ...exp.codes });
    for (const f of r.findings) {
      expect(f.severity).toBe('medium');
      expect(f.ruleName).toBe(DEPTRY_RULES[f.ruleId]);
      expect(f.location?.path).not.toContain('\\');
    }
    expect(new Set(r.findings.map((f) => f.fingerprint)).size).toBe(r.findings.length);
    expectGoldenFile('deptry', rel, r);
  });
});

describe('deptry findings', () => {
  it('deptry functional-test facts: null line/column dropped, 1-based columns kept', () => {
    const r = parse('fpgmaas__deptry/test_cli__test_cli_with_json_output.json');
    expect(r.findings.map((f) => [f.ruleId, f.extra?.module, f.location])).toEqual([
      ['DEP002', 'isort', { path: 'pyproject.toml' }],
      ['DEP002', 'requests', { path: 'pyproject.toml' }],
      ['DEP004', 'black', { path: 'src/main.py', line: 4, column: 8 }],
      ['DEP001', 'white', { path: 'src/main.py', line: 6, column: 8 }],
    ]);
    expect(r.findings[3]).toMatchObject({
      tool: 'deptry',
      ruleName: 'missing dependency (imported but not declared)',
      title: "'white' imported but missing from the dependency definitions",
      fingerprint: 'deptry:DEP001:white:src/main.py',
    });
  });

  it('Windows paths give the same findings as POSIX ones', () => {
    const win = parse('fpgmaas__deptry/test_cli__test_cli_paths_respect_windows.json');
    const posix = parse('fpgmaas__deptry/test_cli__test_cli_paths_respect_non_windows.json');
    const strip = (r: ParsedReport) => r.findings.map((f) => ({ ...f, sourceFile: '' }));
    expect(strip(win)).toEqual(strip(posix));
    expect(win.findings[2]?.location?.path).toBe('src/main.py');
  });

  it('duplicates count once, with occurrences', () => {
    const r = parse('aecs4u__codice-fiscale-e-partita-iva/deptry-report.json');
    const crypto = r.findings.find((f) => f.extra?.module === 'cryptography');
    expect(crypto?.extra?.occurrences).toBe(2);
    expect(r.stats.duplicates).toBe(3);
  });

  it('a second import site of the same module gets its own fingerprint', () => {
    const site = (line: number) => ({ error: { code: 'DEP001', message: "'x' imported but missing from the dependency definitions" }, module: 'x', location: { file: 'a.py', line, column: 1 } });
    const r = parse('x.json', JSON.stringify([site(3), site(9), site(3)]));
    expect(r.findings.map((f) => f.fingerprint)).toEqual(['deptry:DEP001:x:a.py', 'deptry:DEP001:x:a.py#2']);
    expect(r.stats).toMatchObject({ raw: 3, duplicates: 1, total: 2 });
  });

  it('0-based columns of deptry < 0.14 (column 0) are dropped; DEP005 and unknown future codes', () => {
    const r = parse(
      'x.json',
      JSON.stringify([
        { error: { code: 'DEP005', message: "'asyncio' is defined as a dependency but it is included in the Python standard library." }, module: 'asyncio', location: { file: 'pyproject.toml', line: null, column: null } },
        { error: { code: 'DEP001', message: "'y' imported but missing from the dependency definitions" }, module: 'y', location: { file: 'b.py', line: 1, column: 0 } },
        { error: { code: 'DEP009', message: 'new check' }, module: 'z', location: { file: 'c.py', line: 2, column: 3 } },
      ]),
    );
    expect(r.findings.map((f) => [f.ruleId, f.ruleName, f.location])).toEqual([
      ['DEP005', 'standard-library module declared as a dependency', { path: 'pyproject.toml' }],
      ['DEP001', DEPTRY_RULES.DEP001, { path: 'b.py', line: 1 }],
      ['DEP009', 'deptry DEP009', { path: 'c.py', line: 2, column: 3 }],
    ]);
  });

  it('pre-0.10 dict of lists', () => {
    const r = parse('old.json', JSON.stringify({ obsolete: ['toml'], missing: ['requests', 'yaml'], transitive: [], misplaced_dev: ['pytest'] }));
    expect(r.toolVersion).toBe('<0.10');
    expect(r.findings.map((f) => [f.ruleId, f.extra?.module, f.title])).toEqual([
      ['DEP002', 'toml', "'toml' defined as a dependency but not used in the codebase"],
      ['DEP001', 'requests', "'requests' imported but missing from the dependency definitions"],
      ['DEP001', 'yaml', "'yaml' imported but missing from the dependency definitions"],
      ['DEP004', 'pytest', "'pytest' imported but declared as a dev dependency"],
    ]);
    expect(r.findings[0]?.location).toBeUndefined();
    expect(r.stats).toEqual({ raw: 4, duplicates: 0, total: 4, DEP001: 2, DEP002: 1, DEP004: 1 });
  });

  it('empty report', () => {
    const r = parse('x.json', '[]\n');
    expect(r.findings).toEqual([]);
    expect(r.stats).toEqual({ raw: 0, duplicates: 0, total: 0 });
  });
});

describe('deptry malformed input', () => {
  const ok = { error: { code: 'DEP001', message: 'm' }, module: 'x', location: { file: 'a.py', line: 1, column: 1 } };

  it('truncated JSON', () => {
    const cut = readFixture('deptry', 'faustomilletari__prime-rl/deptry.json').slice(0, 500);
    const e = errorOf(() => parse('x.json', cut));
    expect(e.where).toBe('line 19, column 15'); // the end of the text (checked with Python)
    expect(e.reason).toMatch(/^truncated JSON/);
  });

  it('wrong types give exact paths', () => {
    expect(errorOf(() => parse('x.json', JSON.stringify([ok, { ...ok, module: 3 }]))).where).toBe('$[1].module');
    expect(errorOf(() => parse('x.json', JSON.stringify([ok, { ...ok, location: { file: 'a.py', line: '1', column: null } }]))).where).toBe('$[1].location.line');
    expect(errorOf(() => parse('x.json', JSON.stringify([ok, { ...ok, error: { code: 'E501', message: 'm' } }]))).where).toBe('$[1].error.code');
    expect(errorOf(() => parse('x.json', JSON.stringify([ok, { ...ok, location: { line: 1 } }]))).where).toBe('$[1].location.file');
    expect(errorOf(() => parse('x.json', JSON.stringify([ok, 'x']))).where).toBe('$[1]');
    expect(errorOf(() => parse('x.json', JSON.stringify({ missing: ['a', 2] }))).where).toBe('$.missing[1]');
    expect(errorOf(() => parse('x.json', JSON.stringify({ missing: ['a'], extra_key: [] }))).message).toMatch(/not a deptry report/);
  });

  it('__proto__ keys are data, never pollute', () => {
    const r = parse('x.json', `[{"__proto__": {"polluted": 1}, "error": {"code": "DEP001", "message": "m", "__proto__": {"polluted": 1}}, "module": "x", "location": {"file": "a.py", "line": 1, "column": 1}}]`);
    expect(r.findings).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const e = errorOf(() => parse('x.json', '{"missing": ["a"], "__proto__": ["b"]}'));
    expect(e.message).toMatch(/deptry/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('another tool: a clear message', () => {
    const e = errorOf(() => parse('x.json', readFixture('deptry', 'faustomilletari__prime-rl/deptry.json').replace(/"error"/g, '"err"')));
    expect(e.message).toMatch(/not a deptry report/);
    expect(errorOf(() => parse('x.json', '{"dependencies": [], "fixes": []}')).message).toMatch(/not a deptry report: this file looks like .*pip-audit/);
    expect(errorOf(() => parse('x.json', '')).reason).toMatch(/^empty file/);
  });

  it('detect', () => {
    expect(deptryParser.detect('[]')).toBe(true);
    expect(deptryParser.detect(readFixture('deptry', 'faustomilletari__prime-rl/deptry.json'))).toBe(true);
    expect(deptryParser.detect('{"missing": ["x"]}')).toBe(true);
    expect(deptryParser.detect('[{"RuleID": "x"}]')).toBe(false);
  });
});
