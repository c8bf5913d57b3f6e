import { describe, expect, it } from '@jest/globals';
import { parseReport } from '../../src/reports/registry.js';
import { MAX_MUTANT_FINDINGS, mutationScore, parseMutantKey } from '../../src/reports/mutmut/index.js';
import type { ParsedReport } from '../../src/reports/model.js';
import { listFixtures, readFixture, errorOf } from './registry-helpers.js';
import { expectGoldenFile } from './gitleaks-golden.js';

/**
 * Expected stats per fixture (MANIFEST.md raw facts; exit codes counted with Python).
 * score = (killed + caughtByTypeCheck) / (killed + caughtByTypeCheck + survived + timeout + suspicious) * 100,
 * 1 decimal; absent when killed is unknown (mutmut 3 `results` without killed lines, mutmut 2 `results`).
 */
type Exp = { format: string; findings: number; stats: Record<string, number> } | { unsupported: RegExp };
const EXPECTED: Record<string, Exp> = {
  'FilipOctavian__TSS/mutmut_results.txt': { format: 'mutmut3-results', findings: 15, stats: { survived: 15, timeout: 0, suspicious: 0, skipped: 0, untested: 0, total: 15 } },
  'boxed__mutmut/v2.5.1__results__test_full_run_no_surviving_mutants.txt': { format: 'mutmut2-results', findings: 0, stats: { survived: 0, timeout: 0, suspicious: 0, skipped: 0, untested: 0, total: 0 } },
  'boxed__mutmut/v2.5.1__results__test_full_run_one_surviving_mutant.txt': { format: 'mutmut2-results', findings: 1, stats: { survived: 1, timeout: 0, suspicious: 0, skipped: 0, untested: 0, total: 1 } },
  'boxed__mutmut/v2.5.1__results__test_no_rerun_if_not_specified.txt': { format: 'mutmut2-results', findings: 14, stats: { survived: 14, timeout: 0, suspicious: 0, skipped: 0, untested: 0, total: 14 } },
  'boxed__mutmut/v2.5.1__surviving_mutants_show_all.txt': { format: 'mutmut2-results', findings: 2, stats: { survived: 2, timeout: 0, suspicious: 0, skipped: 0, untested: 0, total: 2 } },
  'boxed__mutmut/v2.5.1__surviving_mutants_show_foo_py.txt': { format: 'mutmut2-results', findings: 2, stats: { survived: 2, timeout: 0, suspicious: 0, skipped: 0, untested: 0, total: 2 } },
  'boxed__mutmut/v2.5.1__surviving_mutants_show_id_1.txt': { unsupported: /not a mutmut report/ },
  'boxed__mutmut/v3__test_e2e_config__test_config_result_snapshot.exit_codes.json': { format: 'mutmut3-meta', findings: 1, stats: { killed: 9, survived: 1, timeout: 0, suspicious: 0, skipped: 0, untested: 4, total: 14, score: 90 } },
  'boxed__mutmut/v3__test_e2e_coverage__test_mutate_only_covered_lines_result_snapshot.exit_codes.json': { format: 'mutmut3-meta', findings: 19, stats: { killed: 16, survived: 19, timeout: 0, suspicious: 0, skipped: 0, untested: 0, total: 35, score: 45.7 } },
  'boxed__mutmut/v3__test_e2e_my_lib__test_my_lib_result_snapshot.exit_codes.json': { format: 'mutmut3-meta', findings: 37, stats: { killed: 64, survived: 37, timeout: 0, suspicious: 0, skipped: 0, untested: 10, segfault: 1, total: 112, score: 63.4 } },
  'boxed__mutmut/v3__test_e2e_py3_14__test_python_3_14_result_snapshot.exit_codes.json': { format: 'mutmut3-meta', findings: 5, stats: { killed: 19, survived: 5, timeout: 0, suspicious: 0, skipped: 0, untested: 0, total: 24, score: 79.2 } },
  'boxed__mutmut/v3__test_e2e_type_checking__test_type_checking_mypy_result_snapshot.exit_codes.json': { format: 'mutmut3-meta', findings: 14, stats: { killed: 6, caughtByTypeCheck: 20, survived: 14, timeout: 0, suspicious: 0, skipped: 0, untested: 1, total: 41, score: 65 } },
  'boxed__mutmut/v3__test_e2e_type_checking__test_type_checking_pyrefly_result_snapshot.exit_codes.json': { format: 'mutmut3-meta', findings: 14, stats: { killed: 6, caughtByTypeCheck: 20, survived: 14, timeout: 0, suspicious: 0, skipped: 0, untested: 1, total: 41, score: 65 } },
  'carlosriverosv__calculator_mutation/mutmut-cicd-stats.json': { format: 'mutmut3-cicd-stats', findings: 0, stats: { killed: 6, survived: 4, timeout: 0, suspicious: 0, skipped: 0, untested: 0, total: 10, score: 60 } },
  'kstrl__recorded-mutmut-2.5.1/mutmut-junitxml.xml': { format: 'mutmut2-junitxml', findings: 4, stats: { killed: 7, survived: 2, timeout: 2, suspicious: 0, skipped: 0, untested: 0, total: 11, score: 63.6 } },
  'raveriss__ft_linear_regression/mutmut-results.txt': { format: 'mutmut3-results', findings: 8, stats: { survived: 8, timeout: 0, suspicious: 0, skipped: 0, untested: 0, total: 8 } },
  'raveriss__ft_linear_regression__empty/mutmut-results.txt': { format: 'mutmut3-results', findings: 0, stats: { survived: 0, timeout: 0, suspicious: 0, skipped: 0, untested: 0, total: 0 } },
};

function parse(rel: string, content = readFixture('mutmut', rel)): ParsedReport {
  return parseReport('mutmut', `mutmut/${rel}`, content);
}

describe('mutmut corpus fixtures', () => {
  const fixtures = listFixtures('mutmut');

  it('has expected numbers for every fixture (and a fixture for every expectation)', () => {
    expect(fixtures).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(fixtures)('%s: stats, findings, golden', (rel) => {
    const exp = EXPECTED[rel];
    if (!exp) throw new Error(`no expectation for ${rel}`);
    if ('unsupported' in exp) {
      const e = errorOf(() => parse(rel));
      expect(e.message).toMatch(exp.unsupported);
      expect(e.message).toMatch(/mutmut accepts: .*mutmut 3 `mutmut results` text/);
      return;
    }
    const r = parse(rel);
    expect(r.format).toBe(exp.format);
    expect(r.stats).toEqual(exp.stats);
    expect(r.findings).toHaveLength(exp.findings);
    for (const f of r.findings) {
      expect(f.severity).toBe(f.ruleId === 'survived-mutant' ? 'medium' : 'low');
      expect(f.location?.path).toBeTruthy();
    }
    expect(new Set(r.findings.map((f) => f.fingerprint)).size).toBe(r.findings.length);
    expectGoldenFile('mutmut', rel, r);
  });
});

describe('mutmut 3 results', () => {
  it('method keys with U+01C1: module, class, method', () => {
    const f = parse('FilipOctavian__TSS/mutmut_results.txt').findings[0];
    expect(f).toEqual({
      tool: 'mutmut',
      ruleId: 'survived-mutant',
      ruleName: 'surviving mutant',
      title: 'Mutant survived: main.LoanEvaluator.validate_loan_amount (mutant 4)',
      severity: 'medium',
      rawSeverity: 'survived',
      location: { path: 'main.py' },
      fingerprint: 'mutmut:survived-mutant:main.x\u01c1LoanEvaluator\u01c1validate_loan_amount__mutmut_4',
      sourceFile: 'mutmut/FilipOctavian__TSS/mutmut_results.txt',
      extra: {
        mutant: 'main.x\u01c1LoanEvaluator\u01c1validate_loan_amount__mutmut_4',
        status: 'survived',
        module: 'main',
        class: 'LoanEvaluator',
        function: 'validate_loan_amount',
        number: 4,
        pathGuessed: 'from module name',
      },
    });
  });

  it('parseMutantKey', () => {
    expect(parseMutantKey('my_lib.x_hello__mutmut_1')).toEqual({ module: 'my_lib', functionName: 'hello', number: 1 });
    expect(parseMutantKey('train.__main__.x_build_parser__mutmut_20')).toEqual({ module: 'train.__main__', functionName: 'build_parser', number: 20 });
    expect(parseMutantKey('py3_14_features.x\u01c1Point\u01c1__init____mutmut_2')).toEqual({ module: 'py3_14_features', className: 'Point', functionName: '__init__', number: 2 });
    expect(parseMutantKey('pkg.x_util.x_f__mutmut_3')).toEqual({ module: 'pkg.x_util', functionName: 'f', number: 3 });
    expect(parseMutantKey('nonsense')).toBeUndefined();
  });

  it('all statuses (with --all: killed known, so a score), CRLF, timeouts and suspicious are low findings', () => {
    const text = [
      '    m.x_a__mutmut_1: killed',
      '    m.x_a__mutmut_2: survived',
      '    m.x_a__mutmut_3: no tests',
      '    m.x_a__mutmut_4: timeout',
      '    m.x_a__mutmut_5: suspicious',
      '    m.x_a__mutmut_6: skipped',
      '    m.x_a__mutmut_7: caught by type check',
      '    m.x_a__mutmut_8: segfault',
      '    m.x_a__mutmut_9: not checked',
      '    m.x_a__mutmut_10: check was interrupted by user',
      '',
    ].join('\r\n');
    const r = parse('r.txt', text);
    expect(r.stats).toEqual({ killed: 1, survived: 1, timeout: 1, suspicious: 1, skipped: 1, untested: 1, segfault: 1, caughtByTypeCheck: 1, notChecked: 1, interrupted: 1, total: 10, score: 40 }); // (1 killed + 1 type check) / 5
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ['survived-mutant', 'medium'],
      ['timeout-mutant', 'low'],
      ['suspicious-mutant', 'low'],
    ]);
  });

  it('the empty file is "nothing to report" (total 0): the policy decides', () => {
    const r = parse('raveriss__ft_linear_regression__empty/mutmut-results.txt');
    expect(r.stats.total).toBe(0);
    expect(r.stats.score).toBeUndefined();
  });

  it('errors name the line', () => {
    expect(errorOf(() => parse('r.txt', '    m.x_a__mutmut_1: survived\n    m.x_a__mutmut_2: exploded\n')).where).toBe('line 2');
    expect(errorOf(() => parse('r.txt', '    m.x_a__mutmut_1: survived\n⠋ 1/735  🎉 0 🫥 0  ⏰ 0  🤔 0  🙁 1  🔇 0\n')).where).toBe('line 2');
    const e = errorOf(() => parse('r.txt', '    m.x_a__mutmut_1: survived\n    m.x_a__mutmut_2: exploded\n'));
    expect(e.reason).toMatch(/unknown mutant status "exploded"/);
  });

  it('more than 10,000 survivors: all counted, findings capped', () => {
    const n = MAX_MUTANT_FINDINGS + 5;
    const text = Array.from({ length: n }, (_, i) => `    m.x_f__mutmut_${i + 1}: survived`).join('\n');
    const r = parse('big.txt', text);
    expect(r.stats.survived).toBe(n);
    expect(r.stats.total).toBe(n);
    expect(r.stats.omitted).toBe(5);
    expect(r.findings).toHaveLength(MAX_MUTANT_FINDINGS);
  });
});

describe('mutmut 2 results', () => {
  it('ids and file per section', () => {
    const text = [
      'To apply a mutant on disk:',
      '    mutmut apply <id>',
      '',
      'To show a mutant:',
      '    mutmut show <id>',
      '',
      '',
      'Timed out ⏰ (2)',
      '',
      '---- src/a.py (2) ----',
      '',
      '4, 9',
      '',
      'Survived 🙁 (5)',
      '',
      '---- src/a.py (3) ----',
      '',
      '1-3',
      '',
      '---- src\\b.py (2) ----',
      '',
      '7, 10',
      '',
      'Untested/skipped (1)',
      '',
      '---- src/b.py (1) ----',
      '',
      '11',
      '',
    ].join('\n');
    const r = parse('r2.txt', text);
    // Untested/skipped: never run (mutmut 2's status until it runs a mutant), or skipped by a hook.
    expect(r.stats).toEqual({ survived: 5, timeout: 2, suspicious: 0, skipped: 0, untested: 0, notChecked: 1, total: 8 });
    expect(r.findings.map((f) => [f.ruleId, f.location?.path, f.extra?.mutant])).toEqual([
      ['timeout-mutant', 'src/a.py', 4],
      ['timeout-mutant', 'src/a.py', 9],
      ['survived-mutant', 'src/a.py', 1],
      ['survived-mutant', 'src/a.py', 2],
      ['survived-mutant', 'src/a.py', 3],
      ['survived-mutant', 'src/b.py', 7],
      ['survived-mutant', 'src/b.py', 10],
    ]);
    expect(r.findings[2]?.title).toBe('Mutant #1 survived in src/a.py');
  });

  it('counts that do not add up are an error at the header line', () => {
    const text = ['To apply a mutant on disk:', '    mutmut apply <id>', '', 'To show a mutant:', '    mutmut show <id>', '', '', 'Survived 🙁 (3)', '', '---- a.py (3) ----', '', '1-2', ''].join('\n');
    const e = errorOf(() => parse('r2.txt', text));
    expect(e.where).toBe('line 10');
    expect(e.reason).toBe('file group announces 3 mutants but lists 2');
    const bad = text.replace('1-2', 'what is this');
    expect(errorOf(() => parse('r2.txt', bad)).where).toBe('line 12');
  });
});

describe('mutmut JSON', () => {
  it('cicd stats: wrong types and negatives name the key', () => {
    expect(errorOf(() => parse('s.json', '{"killed": "6", "survived": 4, "total": 10}')).message).toMatch(/not a mutmut report/);
    expect(errorOf(() => parse('s.json', '{"killed": 6, "survived": 4, "total": "10"}')).where).toBe('$.total');
    expect(errorOf(() => parse('s.json', '{"killed": 6, "survived": 4, "total": 10, "timeout": -1}')).where).toBe('$.timeout');
    expect(errorOf(() => parse('s.json', '{"killed": 6, "survived": 4, "total": 10, "segfault": 1.5}')).where).toBe('$.segfault');
    expect(errorOf(() => parse('s.json', '{"killed": 6, "survived": 4, "tot')).reason).toMatch(/^truncated JSON/);
  });

  it('a real .meta file: the path comes from the meta file name', () => {
    const meta = JSON.stringify({ exit_code_by_key: { 'pkg.mod.x_f__mutmut_1': 0, 'pkg.mod.x_f__mutmut_2': 1, 'pkg.mod.x_f__mutmut_3': null, 'pkg.mod.x_f__mutmut_4': 36 }, durations_by_key: {} });
    const r = parse('mutants/src/pkg/mod.py.meta', meta);
    expect(r.format).toBe('mutmut3-meta');
    expect(r.stats).toEqual({ killed: 1, survived: 1, timeout: 1, suspicious: 0, skipped: 0, untested: 0, notChecked: 1, total: 4, score: 33.3 });
    // the `mutants/` segment is dropped: `mutmut/mutants/src/pkg/mod.py.meta` -> `mutmut/src/pkg/mod.py`
    expect(r.findings[0]?.location).toEqual({ path: 'mutmut/src/pkg/mod.py' });
    expect(r.findings[0]?.extra?.pathGuessed).toBeUndefined();
  });

  it('meta errors name the key; __proto__ keys do not pollute', () => {
    expect(errorOf(() => parse('m.meta', '{"exit_code_by_key": {"m.x_f__mutmut_1": "0"}}')).where).toBe('$.exit_code_by_key["m.x_f__mutmut_1"]');
    expect(errorOf(() => parse('m.meta', '{"exit_code_by_key": {"__proto__": 0}}')).where).toBe('$.exit_code_by_key.__proto__');
    expect(errorOf(() => parse('m.json', '{"a.meta": {"m.x_f__mutmut_1": 0}, "__proto__": {"polluted": 1}}')).message).toMatch(/not a mutmut report/);
    expect(parse('m.json', '{"exit_code_by_key": {"m.x_f__mutmut_1": 0}, "__proto__": {"polluted": 1}}').stats.survived).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('mutationScore', () => {
    const c = { killed: 7, survived: 2, timeout: 2, suspicious: 0, skipped: 5, untested: 9, segfault: 0, caughtByTypeCheck: 0, notChecked: 0, interrupted: 0 };
    expect(mutationScore(c)).toBe(63.6);
    expect(mutationScore({ ...c, killed: 0, survived: 0, timeout: 0 })).toBeUndefined();
    expect(mutationScore(c, false)).toBeUndefined();
  });
});

describe('mutmut 2 junitxml', () => {
  it('survivors carry file and line; timeouts are low', () => {
    const r = parse('kstrl__recorded-mutmut-2.5.1/mutmut-junitxml.xml');
    expect(r.findings.map((f) => [f.ruleId, f.location, f.extra?.mutant])).toEqual([
      ['timeout-mutant', { path: 'mod.py', line: 7 }, 4],
      ['timeout-mutant', { path: 'mod.py', line: 7 }, 5],
      ['survived-mutant', { path: 'mod.py', line: 16 }, 9],
      ['survived-mutant', { path: 'mod.py', line: 16 }, 10],
    ]);
  });

  it('refuses DOCTYPE/ENTITY (entity expansion), broken XML and deep nesting, with a place', () => {
    const bomb = '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n<testsuites><testsuite name="mutmut"><testcase name="Mutant #1">&lol2;</testcase></testsuite></testsuites>';
    const e = errorOf(() => parse('j.xml', bomb));
    expect(e.where).toBe('line 2');
    expect(e.reason).toMatch(/DOCTYPE\/ENTITY/);
    const broken = '<testsuites>\n<testsuite name="mutmut">\n<testcase name="Mutant #1"></testsuite></testsuites>';
    expect(errorOf(() => parse('j.xml', broken)).where).toMatch(/^line 3, column \d+$/);
    const deep = `<testsuites><testsuite name="mutmut">${'<a>'.repeat(200)}${'</a>'.repeat(200)}</testsuite></testsuites>`;
    expect(errorOf(() => parse('j.xml', deep)).reason).toMatch(/unreadable XML/);
    const other = '<testsuites><testsuite name="mutmut"><testcase name="test_foo"/></testsuite></testsuites>';
    expect(errorOf(() => parse('j.xml', other)).where).toBe('/testsuites/testsuite[1]/testcase[1]/@name');
  });

  it('suspicious and untested by policy messages', () => {
    const xml = `<?xml version="1.0" ?>
<testsuites><testsuite name="mutmut" tests="4">
<testcase name="Mutant #1" file="a.py" line="3"><error type="error" message="ok_suspicious">diff</error></testcase>
<testcase name="Mutant #2" file="a.py" line="4"><failure type="failure" message="untested">diff</failure></testcase>
<testcase name="Mutant #3" file="a.py" line="5"><skipped message="untested"/></testcase>
<testcase name="Mutant #4" file="a.py" line="6"><system-out>x</system-out></testcase>
</testsuite></testsuites>`;
    const r = parse('j.xml', xml);
    // `untested`: never run (counted as mutmut 3's "not checked").
    expect(r.stats).toEqual({ killed: 1, survived: 0, timeout: 0, suspicious: 1, skipped: 0, untested: 0, notChecked: 2, total: 4, score: 50 });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['suspicious-mutant']);
  });
});
