import { describe, expect, it } from '@jest/globals';
import { parseReport } from '../../src/reports/registry.js';
import { banditJsonParser, banditSarifParser, sarifUriToPath } from '../../src/reports/bandit/index.js';
import { ReportParseError, type ParsedReport } from '../../src/reports/model.js';
import { countConfidences, countSeverities, expectGolden, listFixtures, readFixture } from './registry-helpers.js';

/**
 * Expected numbers per fixture. results / severities / confidences for the DefectDojo files, sev for
 * the others and the SARIF facts are the "raw facts" of shared/corpus/MANIFEST.md; the confidences
 * MANIFEST does not list (BahzingaDev, AndrewAltimit, AliAkhtari78) were counted independently with
 * Python over `issue_confidence`. Severity words are mapped: HIGH->high, MEDIUM->medium, LOW->low.
 */
const EXPECTED: Record<string, { results: number; severity: Record<string, number>; confidence: Record<string, number>; format: string; stats?: Record<string, number>; toolVersion?: string }> = {
  'Alemstar__evaluacion3_ciberseguridad/bandit-report.json': { results: 0, severity: {}, confidence: {}, format: 'bandit-json', stats: { loc: 192, files: 3, skippedTests: 0 } },
  'AliAkhtari78__SpotifyScraper/bandit-report.json': { results: 2, severity: { low: 2 }, confidence: { medium: 2 }, format: 'bandit-json', toolVersion: '1.8.3' },
  'AndrewAltimit__template-repo/bandit-report.json': { results: 673, severity: { high: 1, medium: 30, low: 642 }, confidence: { high: 643, medium: 17, low: 13 }, format: 'bandit-json', toolVersion: '1.8.6' },
  'BahzingaDev__bandit-demo/bandit-report.json': {
    results: 516,
    severity: { high: 15, medium: 21, low: 480 },
    confidence: { high: 492, medium: 23, low: 1 },
    format: 'bandit-json',
    toolVersion: '1.9.4',
    stats: { skippedTests: 10, files: 1047, loc: 265612, nosec: 0, duplicates: 0 },
  },
  'DefectDojo__django-DefectDojo/dd.json': { results: 47, severity: { low: 11, medium: 36 }, confidence: { high: 46, medium: 1 }, format: 'bandit-json' },
  'DefectDojo__django-DefectDojo/dd2.json': { results: 165, severity: { low: 23, medium: 142 }, confidence: { high: 155, medium: 7, low: 3 }, format: 'bandit-json' },
  'DefectDojo__django-DefectDojo/many_vulns.json': { results: 214, severity: { low: 59, medium: 155 }, confidence: { high: 205, medium: 6, low: 3 }, format: 'bandit-json', stats: { files: 536 } },
  'DefectDojo__django-DefectDojo/no_vuln.json': { results: 0, severity: {}, confidence: {}, format: 'bandit-json', stats: { files: 0, loc: 0 } },
  'DefectDojo__django-DefectDojo/one_vuln.json': { results: 1, severity: { low: 1 }, confidence: { high: 1 }, format: 'bandit-json' },
  'ramirodhen__todo-list-aws/bandit.sarif': { results: 1, severity: { medium: 1 }, confidence: { high: 1 }, format: 'bandit-sarif', toolVersion: '1.9.3', stats: { loc: 197 } },
};

function sorted(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

function parseFixture(rel: string): ParsedReport {
  return parseReport('bandit', `bandit/${rel}`, readFixture('bandit', rel));
}

describe('Bandit corpus fixtures', () => {
  const fixtures = listFixtures('bandit');

  it('has expected numbers for every fixture (and a fixture for every expectation)', () => {
    expect(fixtures).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(fixtures)('%s parses with the MANIFEST counts and matches its golden file', (rel) => {
    const exp = EXPECTED[rel];
    expect(exp).toBeDefined();
    if (!exp) return;
    const r = parseFixture(rel);
    expect(r.tool).toBe('bandit');
    expect(r.format).toBe(exp.format);
    expect(r.findings).toHaveLength(exp.results);
    expect(countSeverities(r)).toEqual(sorted(exp.severity));
    expect(countConfidences(r)).toEqual(sorted(exp.confidence));
    if (exp.stats) expect(r.stats).toMatchObject(exp.stats);
    if (exp.toolVersion) expect(r.toolVersion).toBe(exp.toolVersion);
    // fingerprints are unique within a report and never carry a line number
    expect(new Set(r.findings.map((f) => f.fingerprint)).size).toBe(r.findings.length);
    for (const f of r.findings) {
      expect(f.fingerprint).toMatch(/^bandit:B\d{3}:[^\n]*:[0-9a-f]{14}(?::\d+)?$/);
      expect(f.location?.path).not.toMatch(/\\|^\.\//);
      if (f.snippet) expect(f.snippet.length).toBeLessThanOrEqual(300);
      expect(f.sourceFile).toBe(`bandit/${rel}`);
    }
    expectGolden('bandit', rel, r);
  });

  it('matches what DefectDojo asserts for its fixtures', () => {
    const one = parseFixture('DefectDojo__django-DefectDojo/one_vuln.json').findings;
    expect(one[0]).toMatchObject({
      ruleId: 'B101',
      ruleName: 'assert_used',
      title: 'Use of assert detected. The enclosed code will be removed when compiling to optimised byte code.',
      severity: 'low',
      rawSeverity: 'LOW',
      confidence: 'high',
      location: { path: 'one/one.py', line: 2 },
      helpUri: 'https://bandit.readthedocs.io/en/latest/plugins/b101_assert_used.html',
      snippet: '1 import os\n2 assert False\n',
    });
    const many = parseFixture('DefectDojo__django-DefectDojo/many_vulns.json');
    expect(many.toolVersion).toBeUndefined(); // more_info is /en/latest/
    expect(many.findings[0]).toMatchObject({ ruleId: 'B110', title: 'Try, Except, Pass detected.', severity: 'low', confidence: 'high' });
    expect(many.findings[0]?.location?.path).toBe('dojo/benchmark/views.py'); // `dojo/benchmark\views.py` in the report
    const dd = parseFixture('DefectDojo__django-DefectDojo/dd.json').findings;
    expect(dd[0]).toMatchObject({ ruleId: 'B303', severity: 'medium', confidence: 'high', location: { path: 'dojo/tools/acunetix/parser.py' } });
    const dd2 = parseFixture('DefectDojo__django-DefectDojo/dd2.json').findings;
    expect(dd2[0]).toMatchObject({ ruleId: 'B110', severity: 'low' });
    expect(dd2[50]).toMatchObject({ ruleId: 'B308', severity: 'medium', location: { path: 'dojo/reports/widgets.py' } });
    expect(dd2[100]).toMatchObject({ ruleId: 'B703', severity: 'medium' });
    expect(dd2[164]).toMatchObject({ ruleId: 'B104', severity: 'medium', confidence: 'medium', location: { path: 'dojo/wsgi.py' } });
  });

  it('keeps both pre-1.7 hits of one test on one line (no col_offset to tell them apart), with distinct fingerprints', () => {
    const r = parseFixture('DefectDojo__django-DefectDojo/dd2.json');
    const [a, b] = [r.findings[20], r.findings[21]];
    expect(a?.location).toEqual(b?.location);
    expect(a?.ruleId).toBe('B608');
    expect(b?.fingerprint).toBe(`${a?.fingerprint}:2`);
    expect(r.stats.duplicates).toBe(0);
  });

  it('reads 1.9.4 fields: Windows paths, cwe, columns, version', () => {
    const r = parseFixture('BahzingaDev__bandit-demo/bandit-report.json');
    expect(r.findings[0]).toMatchObject({
      ruleId: 'B613',
      ruleName: 'trojansource',
      severity: 'high',
      confidence: 'medium',
      cwe: 838,
      location: { path: '.venv/Lib/site-packages/bandit/plugins/trojansource.py', line: 22, column: 37 },
      helpUri: 'https://bandit.readthedocs.io/en/1.9.4/plugins/b613_trojansource.html',
    });
    // end_col_offset 0 means unknown
    expect(r.findings[0]?.location?.endColumn).toBeUndefined();
  });

  it('redacts hard-coded passwords (B105-B107) in titles and snippets', () => {
    for (const rel of ['AliAkhtari78__SpotifyScraper/bandit-report.json', 'BahzingaDev__bandit-demo/bandit-report.json', 'AndrewAltimit__template-repo/bandit-report.json']) {
      const raw = JSON.parse(readFixture('bandit', rel)) as { results: { test_id: string; issue_text: string }[] };
      const secrets = raw.results
        .filter((x) => ['B105', 'B106', 'B107'].includes(x.test_id))
        .map((x) => /'([\s\S]*)'$/.exec(x.issue_text)?.[1] ?? '');
      expect(secrets.length).toBeGreaterThan(0);
      const r = parseFixture(rel);
      const pw = r.findings.filter((f) => ['B105', 'B106', 'B107'].includes(f.ruleId));
      expect(pw).toHaveLength(secrets.length);
      for (const f of pw) {
        expect(f.snippet).toBeUndefined();
        expect(f.extra).toEqual({ snippetRedacted: true });
        expect(f.title).toMatch(/^Possible hardcoded password: '[\s\S]{0,2}\*\*\*\*\(redacted, \d+ chars\)'$|^Possible hardcoded password: 'REDACTED'$/);
      }
      const text = JSON.stringify(pw);
      for (const s of secrets) if (s.length >= 4) expect(text).not.toContain(`'${s}'`);
    }
    const spotify = parseFixture('AliAkhtari78__SpotifyScraper/bandit-report.json');
    expect(JSON.stringify(spotify.findings)).not.toContain('https://accounts.spotify.com/api/token');
  });
});

// ------------------------------------------------------------------------------------------------
// Hand-made inputs

function result(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: '1 import os\n2 assert x\n3 \n',
    col_offset: 0,
    end_col_offset: 8,
    filename: './app/a.py',
    issue_confidence: 'HIGH',
    issue_cwe: { id: 703, link: 'https://cwe.mitre.org/data/definitions/703.html' },
    issue_severity: 'LOW',
    issue_text: 'Use of assert detected.',
    line_number: 2,
    line_range: [2],
    more_info: 'https://bandit.readthedocs.io/en/1.9.4/plugins/b101_assert_used.html',
    test_id: 'B101',
    test_name: 'assert_used',
    ...over,
  };
}

function report(results: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    { errors: [], generated_at: '2026-11-23T19:42:10Z', metrics: { _totals: { loc: 10, nosec: 1, skipped_tests: 2 }, 'app/a.py': { loc: 10 } }, results, ...extra },
    null,
    2,
  );
}

function parseError(content: string): ReportParseError {
  try {
    parseReport('bandit', 'bandit.json', content);
  } catch (e) {
    if (e instanceof ReportParseError) return e;
    throw e;
  }
  throw new Error('expected a ReportParseError');
}

describe('Bandit JSON, hand-made inputs', () => {
  it('maps one 1.7.5+ result completely', () => {
    const r = parseReport('bandit', 'bandit.json', report([result()]));
    expect(r.findings).toEqual([
      {
        tool: 'bandit',
        ruleId: 'B101',
        ruleName: 'assert_used',
        title: 'Use of assert detected.',
        severity: 'low',
        rawSeverity: 'LOW',
        confidence: 'high',
        location: { path: 'app/a.py', line: 2, endLine: undefined, column: 1, endColumn: 9 },
        package: undefined,
        aliases: undefined,
        helpUri: 'https://bandit.readthedocs.io/en/1.9.4/plugins/b101_assert_used.html',
        cwe: 703,
        snippet: '1 import os\n2 assert x\n3 \n',
        fingerprint: expect.stringMatching(/^bandit:B101:app\/a\.py:[0-9a-f]{14}$/),
        sourceFile: 'bandit.json',
        severitySource: undefined,
        extra: undefined,
      },
    ]);
    expect(r.stats).toEqual({ loc: 10, nosec: 1, skippedTests: 2, files: 1, duplicates: 0 });
    expect(r.toolVersion).toBe('1.9.4');
  });

  it('keeps the fingerprint when the line moves, and changes it when the line text changes', () => {
    const a = parseReport('bandit', 'b.json', report([result()])).findings[0]?.fingerprint;
    const moved = parseReport('bandit', 'b.json', report([result({ code: '7 import os\n8 assert x\n', line_number: 8, line_range: [8] })])).findings[0]?.fingerprint;
    const changed = parseReport('bandit', 'b.json', report([result({ code: '1 import os\n2 assert y\n' })])).findings[0]?.fingerprint;
    expect(moved).toBe(a);
    expect(changed).not.toBe(a);
  });

  it('drops exact duplicates (filename + line + col_offset + test_id) and counts them', () => {
    const r = parseReport('bandit', 'b.json', report([result(), result(), result({ col_offset: 4 }), result({ test_id: 'B102' })]));
    expect(r.findings).toHaveLength(3);
    expect(r.stats.duplicates).toBe(1);
  });

  it('reads pre-1.7 10-key results and float metrics', () => {
    const old = result();
    for (const k of ['col_offset', 'end_col_offset', 'issue_cwe']) delete old[k];
    old.more_info = 'https://bandit.readthedocs.io/en/latest/plugins/b101_assert_used.html';
    const r = parseReport('bandit', 'b.json', report([old, old], { metrics: { _totals: { loc: 205.0, nosec: 3.0, 'SEVERITY.LOW': 2.0 } } }));
    expect(r.findings).toHaveLength(2);
    expect(r.findings[0]?.location).toEqual({ path: 'app/a.py', line: 2, endLine: undefined, column: undefined, endColumn: undefined });
    expect(r.findings[0]?.cwe).toBeUndefined();
    expect(r.toolVersion).toBeUndefined();
    expect(r.stats).toMatchObject({ loc: 205, nosec: 3, files: 0 });
    expect(r.stats.skippedTests).toBeUndefined();
  });

  it('counts only results, never metrics._totals', () => {
    const r = parseReport('bandit', 'b.json', report([result()], { metrics: { _totals: { 'SEVERITY.LOW': 44, 'SEVERITY.HIGH': 9, loc: 1 } } }));
    expect(r.findings).toHaveLength(1);
  });

  it('maps UNDEFINED to info (keeping the raw word), unknown words to unknown, multi-line ranges to endLine', () => {
    const r = parseReport(
      'bandit',
      'b.json',
      report([
        result({ issue_severity: 'UNDEFINED', issue_confidence: 'UNDEFINED' }),
        result({ issue_severity: 'CRITICAL', line_number: 3, code: '3 x = (\n4 1)\n', line_range: [3, 4], col_offset: 4, end_col_offset: 2 }),
      ]),
    );
    expect(r.findings[0]).toMatchObject({ severity: 'info', rawSeverity: 'UNDEFINED', confidence: 'undefined' });
    expect(r.findings[1]).toMatchObject({ severity: 'unknown', rawSeverity: 'CRITICAL', location: { line: 3, endLine: 4, column: 5, endColumn: 3 } });
  });

  it('turns errors[] into scanErrors with normalised paths', () => {
    const r = parseReport('bandit', 'b.json', report([], { errors: [{ filename: 'pkg\\old.py', reason: 'syntax error while parsing AST from file' }] }));
    expect(r.scanErrors).toEqual([{ path: 'pkg/old.py', message: 'syntax error while parsing AST from file' }]);
    expect(r.findings).toEqual([]);
  });

  it('normalises Windows paths', () => {
    const r = parseReport('bandit', 'b.json', report([result({ filename: '.\\src\\pkg\\mod.py' }), result({ filename: 'C:\\work\\x.py' })]));
    expect(r.findings.map((f) => f.location?.path)).toEqual(['src/pkg/mod.py', 'C:/work/x.py']);
  });

  it('caps snippets and redacts code that looks like a secret whatever the test', () => {
    const long = Array.from({ length: 40 }, (_, i) => `${i + 1} x${i} = compute(${'a'.repeat(20)})`).join('\n');
    const r = parseReport(
      'bandit',
      'b.json',
      report([
        result({ code: long, line_number: 5, line_range: [5] }),
        result({ code: '1 API_KEY = "sk-live-0123456789abcdef0123"\n2 assert x\n', col_offset: 1 }),
        result({ test_id: 'B106', issue_text: "Possible hardcoded password: 'hunter2hunter2'", code: '2 login(password="hunter2hunter2")\n', col_offset: 2 }),
      ]),
    );
    const [capped, secretish, pw] = r.findings;
    expect(capped?.snippet?.length).toBeLessThanOrEqual(300);
    expect(capped?.snippet?.endsWith('…')).toBe(true);
    expect(secretish?.snippet).toBeUndefined();
    expect(secretish?.extra).toEqual({ snippetRedacted: true });
    expect(pw?.snippet).toBeUndefined();
    expect(pw?.title).toBe("Possible hardcoded password: 'hu****(redacted, 14 chars)'");
    expect(JSON.stringify(r)).not.toContain('hunter2hunter2');
    expect(JSON.stringify(r)).not.toContain('sk-live-0123456789abcdef0123');
  });

  it('keeps only http(s) help links', () => {
    const r = parseReport('bandit', 'b.json', report([result({ more_info: 'javascript:alert(1)' })]));
    expect(r.findings[0]?.helpUri).toBeUndefined();
  });

  it('names the exact place of a wrong type or a missing field', () => {
    const results = [result(), result({ col_offset: 1 }), result({ col_offset: 2 }), result({ issue_severity: 3 })];
    let e = parseError(report(results));
    expect(e.where).toBe('$.results[3].issue_severity');
    expect(e.reason).toBe('expected a string, got number');
    expect(e.message).toBe('bandit: bandit.json: $.results[3].issue_severity: expected a string, got number');

    const noFile = result();
    delete noFile.filename;
    e = parseError(report([noFile]));
    expect(e.where).toBe('$.results[0].filename');
    expect(e.reason).toBe('missing (expected a string)');

    e = parseError(report([result({ line_number: '2' })]));
    expect(`${e.where}: ${e.reason}`).toBe('$.results[0].line_number: expected an integer, got string');
    e = parseError(report([result({ line_range: [2, 'x'] })]));
    expect(e.where).toBe('$.results[0].line_range[1]');
    e = parseError(report([result({ issue_cwe: { id: '703' } })]));
    expect(e.where).toBe('$.results[0].issue_cwe.id');
    e = parseError(report([42]));
    expect(`${e.where}: ${e.reason}`).toBe('$.results[0]: expected an object, got number');
    e = parseError(report([], { errors: [{ filename: 3 }] }));
    expect(`${e.where}: ${e.reason}`).toBe('$.errors[0].filename: expected a string, got number');
    e = parseError(report([], { metrics: { _totals: { loc: 'many' } } }));
    expect(`${e.where}: ${e.reason}`).toBe('$.metrics._totals.loc: expected a number, got string');
    // results is required: without it the value is not recognised as Bandit JSON by the registry
    expect(() => banditJsonParser.parse('{"errors": [], "results": {}}', 'x.json')).toThrow('$.results: expected an array, got object');
  });

  it('reports a truncated file with the place where it ends', () => {
    const full = report([result(), result({ col_offset: 3 })]);
    const cut = full.slice(0, Math.floor(full.length / 2));
    const e = parseError(cut);
    expect(e.reason).toMatch(/^truncated JSON/);
    const lines = cut.split('\n');
    expect(e.where).toBe(`line ${lines.length}, column ${(lines[lines.length - 1] ?? '').length + 1}`);
  });

  it('rejects an empty or blank file', () => {
    for (const c of ['', '   \n\t\n', '\uFEFF']) {
      const e = parseError(c);
      expect(e.reason).toBe('empty file (the tool probably crashed or wrote nothing)');
    }
  });

  it('accepts a UTF-8 BOM', () => {
    const r = parseReport('bandit', 'b.json', `\uFEFF${report([result()])}`);
    expect(r.findings).toHaveLength(1);
  });

  it('is not fooled by __proto__ keys and never pollutes prototypes', () => {
    const withProto = `{"__proto__": {"polluted": "yes"}, "errors": [], "metrics": {"__proto__": {"loc": 5}, "_totals": {"loc": 1}},
      "results": [{"__proto__": {"filename": "evil.py"}, "code": "", "issue_confidence": "HIGH", "issue_severity": "LOW",
      "issue_text": "t", "line_number": 1, "test_id": "B101"}]}`;
    const e = parseError(withProto);
    expect(e.where).toBe('$.results[0].filename');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).filename).toBeUndefined();

    const ok = withProto.replace('"code": ""', '"filename": "ok.py", "code": ""');
    const r = parseReport('bandit', 'b.json', ok);
    expect(r.findings[0]?.location?.path).toBe('ok.py');
    expect(r.stats.files).toBe(1); // the "__proto__" metrics key is an ordinary (own) key
    expect(Object.getPrototypeOf(r.stats)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads own fields only even when Object.prototype is polluted (slow path)', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.code = 'PASSWORD = "from-the-prototype"';
    proto.col_offset = 7;
    try {
      const noCode = result();
      delete noCode.code;
      delete noCode.col_offset;
      const r = parseReport('bandit', 'b.json', report([noCode]));
      expect(r.findings[0]?.snippet).toBeUndefined();
      expect(r.findings[0]?.location?.column).toBeUndefined();
    } finally {
      delete proto.code;
      delete proto.col_offset;
    }
  });

  it('detects its text cheaply on the first bytes', () => {
    expect(banditJsonParser.detect(report([result()]))).toBe(true);
    expect(banditJsonParser.detect('{"dependencies": []}')).toBe(false);
    expect(banditSarifParser.detect(readFixture('bandit', 'ramirodhen__todo-list-aws/bandit.sarif'))).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------
// SARIF

/** The built-in formatter's shape (FORMATS.md 1.2) for the same result as `result()`. */
function sarif(results: unknown[], over: { notifications?: unknown[]; rules?: unknown[] } = {}): string {
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Bandit',
            organization: 'PyCQA',
            version: '1.9.4',
            semanticVersion: '1.9.4',
            rules: over.rules ?? [
              {
                id: 'B101',
                name: 'assert_used',
                helpUri: 'https://bandit.readthedocs.io/en/1.9.4/plugins/b101_assert_used.html',
                properties: { tags: ['security', 'external/cwe/cwe-703'], precision: 'high' },
              },
              { id: 'B105', name: 'hardcoded_password_string', properties: { tags: ['security', 'external/cwe/cwe-259'], precision: 'medium' } },
            ],
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: '2026-11-23T19:42:10Z',
            ...(over.notifications ? { toolConfigurationNotifications: over.notifications } : {}),
          },
        ],
        properties: { metrics: { _totals: { loc: 10, nosec: 1, skipped_tests: 2 }, 'app/a.py': { loc: 10 } } },
        results,
      },
    ],
  });
}

function sarifResult(over: Record<string, unknown> = {}, region: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ruleId: 'B101',
    ruleIndex: 0,
    message: { text: 'Use of assert detected.' },
    level: 'note',
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: 'app/a.py' },
          region: { startLine: 2, endLine: 2, startColumn: 1, endColumn: 9, snippet: { text: 'assert x\n' }, ...region },
          contextRegion: { startLine: 1, endLine: 3, snippet: { text: 'import os\nassert x\n\n' } },
        },
      },
    ],
    properties: { issue_confidence: 'HIGH', issue_severity: 'LOW' },
    ...over,
  };
}

describe('Bandit SARIF', () => {
  it('reads the built-in formatter shape, with the same fingerprint as the JSON report', () => {
    const r = parseReport('bandit', 'bandit.sarif', sarif([sarifResult()]));
    expect(r.format).toBe('bandit-sarif');
    expect(r.toolVersion).toBe('1.9.4');
    expect(r.stats).toEqual({ loc: 10, nosec: 1, skippedTests: 2, files: 1, duplicates: 0 });
    expect(r.findings[0]).toMatchObject({
      ruleId: 'B101',
      ruleName: 'assert_used',
      severity: 'low',
      rawSeverity: 'LOW',
      confidence: 'high',
      cwe: 703,
      location: { path: 'app/a.py', line: 2, column: 1, endColumn: 9 },
      helpUri: 'https://bandit.readthedocs.io/en/1.9.4/plugins/b101_assert_used.html',
      snippet: 'import os\nassert x\n\n',
    });
    const fromJson = parseReport('bandit', 'b.json', report([result()])).findings[0]?.fingerprint;
    expect(r.findings[0]?.fingerprint).toBe(fromJson);
  });

  it('falls back to level when issue_severity is absent: error=high, note=low, absent/warning=medium', () => {
    const r = parseReport(
      'bandit',
      'b.sarif',
      sarif([
        sarifResult({ level: 'error', properties: undefined }, { startLine: 1 }),
        sarifResult({ level: 'note', properties: undefined }, { startLine: 2 }),
        sarifResult({ level: undefined, properties: undefined }, { startLine: 3 }),
        sarifResult({ level: 'warning', properties: undefined }, { startLine: 4 }),
      ]),
    );
    expect(r.findings.map((f) => f.severity)).toEqual(['high', 'low', 'medium', 'medium']);
    // confidence then comes from the rule's precision
    expect(r.findings[0]?.confidence).toBe('high');
  });

  it('turns toolConfigurationNotifications into scanErrors', () => {
    const r = parseReport(
      'bandit',
      'b.sarif',
      sarif([], {
        notifications: [
          {
            level: 'error',
            message: { text: 'syntax error while parsing AST from file' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'pkg/my%20old%20file.py' } } }],
          },
        ],
      }),
    );
    expect(r.scanErrors).toEqual([{ path: 'pkg/my old file.py', message: 'syntax error while parsing AST from file' }]);
  });

  it('decodes %-escapes and file:// URIs', () => {
    expect(sarifUriToPath('src/caf%C3%A9/a%20b.py')).toBe('src/café/a b.py');
    expect(sarifUriToPath('file:///home/u/app/x.py')).toBe('/home/u/app/x.py');
    expect(sarifUriToPath('file:///C:/work/app/x.py')).toBe('C:/work/app/x.py');
    expect(sarifUriToPath('bad%zzescape.py')).toBe('bad%zzescape.py');
    const r = parseReport('bandit', 'b.sarif', sarif([sarifResult({ locations: [{ physicalLocation: { artifactLocation: { uri: 'file:///srv/a%2Bb.py' } } }] })]));
    expect(r.findings[0]?.location?.path).toBe('/srv/a+b.py');
  });

  it('redacts B105-B107 messages and snippets', () => {
    const r = parseReport(
      'bandit',
      'b.sarif',
      sarif([
        sarifResult(
          { ruleId: 'B105', ruleIndex: 1, message: { text: "Possible hardcoded password: 'correct-horse-battery'" } },
          { snippet: { text: 'PW = "correct-horse-battery"\n' } },
        ),
      ]),
    );
    expect(r.findings[0]?.snippet).toBeUndefined();
    expect(r.findings[0]?.cwe).toBe(259);
    expect(JSON.stringify(r)).not.toContain('correct-horse-battery');
  });

  it('drops duplicates by uri + line + column + rule', () => {
    const r = parseReport('bandit', 'b.sarif', sarif([sarifResult(), sarifResult()]));
    expect(r.findings).toHaveLength(1);
    expect(r.stats.duplicates).toBe(1);
  });

  it('reads the older microsoft formatter layout (corpus ramirodhen__todo-list-aws)', () => {
    const r = parseFixture('ramirodhen__todo-list-aws/bandit.sarif');
    expect(r.findings[0]).toMatchObject({
      ruleId: 'B307',
      ruleName: 'blacklist',
      severity: 'medium',
      rawSeverity: 'MEDIUM',
      confidence: 'high',
      location: { path: 'src/todoList.py', line: 48 },
      helpUri: 'https://bandit.readthedocs.io/en/1.9.3/blacklists/blacklist_calls.html#b307-eval',
    });
    expect(r.findings[0]?.location?.column).toBeUndefined();
  });

  it('names the place of a malformed SARIF result', () => {
    const e = (() => {
      try {
        parseReport('bandit', 'b.sarif', sarif([sarifResult({ message: { text: 5 } })]));
      } catch (err) {
        return err as ReportParseError;
      }
      throw new Error('no error');
    })();
    expect(`${e.where}: ${e.reason}`).toBe('$.runs[0].results[0].message.text: expected a string, got number');
  });
});
