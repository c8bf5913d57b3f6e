import { describe, expect, it } from '@jest/globals';
import { parseReport } from '../../src/reports/registry.js';
import { pipAuditCycloneDxParser, pipAuditJsonParser } from '../../src/reports/pip-audit/index.js';
import { ReportParseError, type ParsedReport } from '../../src/reports/model.js';
import { expectGolden, listFixtures, readFixture } from './registry-helpers.js';

/**
 * Expected numbers per fixture, from shared/corpus/MANIFEST.md ("vulns" = vulns[] entries, "deps" =
 * dependency entries including skipped ones, "skipped" = entries with skip_reason). The hand-made
 * CycloneDX files (see SOURCES.md) carry the numbers they were written with.
 */
const EXPECTED: Record<string, { vulns: number; deps: number; skipped: number; format: string }> = {
  'DefectDojo__django-DefectDojo/empty.json': { vulns: 0, deps: 0, skipped: 0, format: 'pip-audit-json' },
  'DefectDojo__django-DefectDojo/empty_new.json': { vulns: 0, deps: 0, skipped: 0, format: 'pip-audit-json' },
  'DefectDojo__django-DefectDojo/zero_vulns.json': { vulns: 0, deps: 3, skipped: 1, format: 'pip-audit-json' },
  'DefectDojo__django-DefectDojo/zero_vulns_new.json': { vulns: 0, deps: 3, skipped: 1, format: 'pip-audit-json' },
  'DefectDojo__django-DefectDojo/many_vulns.json': { vulns: 7, deps: 7, skipped: 1, format: 'pip-audit-json' },
  'DefectDojo__django-DefectDojo/many_vulns_new.json': { vulns: 7, deps: 7, skipped: 1, format: 'pip-audit-json' },
  'cortega26__noticiencias_news_collector/pip-audit.json': { vulns: 4, deps: 79, skipped: 0, format: 'pip-audit-json' },
  'varshinivelmurugan47__secure-coding-review-task/pip-audit.json': { vulns: 15, deps: 65, skipped: 0, format: 'pip-audit-json' },
  'finsite__repo-utils-shared/pip-audit.json': { vulns: 0, deps: 137, skipped: 0, format: 'pip-audit-json' },
  'neuron7x__FactSynth/pip-audit.json': { vulns: 0, deps: 80, skipped: 0, format: 'pip-audit-json' },
  // HAND-MADE from FORMATS.md 2.2 (not corpus)
  'hand-made__formats-md/cyclonedx-2.10.json': { vulns: 3, deps: 3, skipped: 0, format: 'pip-audit-cyclonedx' },
  'hand-made__formats-md/cyclonedx-2.9-no-affects.json': { vulns: 1, deps: 2, skipped: 0, format: 'pip-audit-cyclonedx' },
  'hand-made__formats-md/cyclonedx-clean.json': { vulns: 0, deps: 1, skipped: 0, format: 'pip-audit-cyclonedx' },
};

function parseFixture(rel: string): ParsedReport {
  return parseReport('pip-audit', `pip-audit/${rel}`, readFixture('pip-audit', rel));
}

function parseError(content: string): ReportParseError {
  try {
    parseReport('pip-audit', 'pip-audit.json', content);
  } catch (e) {
    if (e instanceof ReportParseError) return e;
    throw e;
  }
  throw new Error('expected a ReportParseError');
}

describe('pip-audit fixtures', () => {
  const fixtures = listFixtures('pip-audit');

  it('has expected numbers for every fixture (and a fixture for every expectation)', () => {
    expect(fixtures).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(fixtures)('%s parses with the MANIFEST counts and matches its golden file', (rel) => {
    const exp = EXPECTED[rel];
    expect(exp).toBeDefined();
    if (!exp) return;
    const r = parseFixture(rel);
    expect(r.tool).toBe('pip-audit');
    expect(r.format).toBe(exp.format);
    expect(r.findings).toHaveLength(exp.vulns);
    expect(r.skipped).toHaveLength(exp.skipped);
    expect((r.stats.dependencies ?? 0) + (r.stats.skipped ?? 0)).toBe(exp.deps);
    if (exp.format === 'pip-audit-json') expect(r.stats.skipped).toBe(exp.skipped);
    for (const f of r.findings) {
      expect(f.severity).toBe('unknown');
      expect(f.severitySource?.kind).toBe('none');
      expect(f.fingerprint).toBe(`pip-audit:${f.package?.name ?? '?'}:${f.ruleId}`);
      expect(f.title.startsWith(`${f.ruleId} `)).toBe(true);
      expect(f.helpUri).toMatch(/^https:\/\/(github\.com\/advisories|osv\.dev\/vulnerability)\//);
    }
    expect(new Set(r.findings.map((f) => f.fingerprint)).size).toBe(r.findings.length);
    expectGolden('pip-audit', rel, r);
  });

  it('matches what DefectDojo asserts for many_vulns (legacy array and object forms)', () => {
    for (const rel of ['DefectDojo__django-DefectDojo/many_vulns.json', 'DefectDojo__django-DefectDojo/many_vulns_new.json']) {
      const r = parseFixture(rel);
      expect(r.findings.map((f) => f.title)).toEqual([
        'PYSEC-2021-76 in aiohttp 3.6.2',
        'PYSEC-2021-439 in django 3.2.9',
        'PYSEC-2021-852 in lxml 4.6.4',
        'PYSEC-2019-128 in twisted 18.9.0',
        'PYSEC-2020-260 in twisted 18.9.0',
        'PYSEC-2019-129 in twisted 18.9.0',
        'PYSEC-2020-259 in twisted 18.9.0',
      ]);
      expect(r.findings[0]).toMatchObject({
        ruleId: 'PYSEC-2021-76',
        package: { name: 'aiohttp', version: '3.6.2', fixVersions: ['3.7.4'] },
        helpUri: 'https://osv.dev/vulnerability/PYSEC-2021-76',
        severitySource: { kind: 'none', unknownReason: 'no severity in pip-audit JSON' },
        aliases: undefined,
      });
      expect(String(r.findings[0]?.extra?.description)).toMatch(/^aiohttp is an asynchronous HTTP client/);
      expect(String(r.findings[0]?.extra?.description).length).toBeLessThanOrEqual(500);
      expect(r.skipped).toEqual([
        { name: 'azure-devops', reason: 'Dependency not found on PyPI and could not be audited: azure-devops (0.17.0)' },
      ]);
      expect(r.stats).toMatchObject({ dependencies: 6, skipped: 1 });
    }
  });

  it('reads aliases (sorted), GHSA links and several fix versions', () => {
    const c = parseFixture('cortega26__noticiencias_news_collector/pip-audit.json');
    expect(c.findings[0]).toMatchObject({
      ruleId: 'GHSA-7f5h-v6xp-fcq8',
      title: 'GHSA-7f5h-v6xp-fcq8 in starlette 0.48.0',
      aliases: ['CVE-2025-62727'],
      package: { name: 'starlette', version: '0.48.0', fixVersions: ['0.49.1'] },
      helpUri: 'https://github.com/advisories/GHSA-7f5h-v6xp-fcq8',
      fingerprint: 'pip-audit:starlette:GHSA-7f5h-v6xp-fcq8',
    });
    expect(c.stats).toMatchObject({ dependencies: 79, skipped: 0, vulnerablePackages: 2, fixesApplied: 0, fixesSkipped: 0 });
    const v = parseFixture('varshinivelmurugan47__secure-coding-review-task/pip-audit.json');
    expect(v.findings.find((f) => f.ruleId === 'PYSEC-2023-221')?.package?.fixVersions).toEqual(['2.3.8', '3.0.1']);
  });

  it('reads pip-audit >= 2.10 CycloneDX with affects links', () => {
    const r = parseFixture('hand-made__formats-md/cyclonedx-2.10.json');
    expect(r.findings.map((f) => f.title)).toEqual([
      'GHSA-j8r2-6x86-q33q in requests 2.25.1',
      'PYSEC-2023-192 in urllib3 1.26.5',
      'GHSA-34jh-p97f-mpxf in urllib3 1.26.5',
    ]);
    expect(r.findings[1]).toMatchObject({
      package: { name: 'urllib3', version: '1.26.5', fixVersions: [] },
      severity: 'unknown',
      severitySource: { kind: 'none', unknownReason: 'no severity in pip-audit CycloneDX' },
      fingerprint: 'pip-audit:urllib3:PYSEC-2023-192',
    });
    expect(r.stats).toEqual({ dependencies: 3, duplicates: 0, unknownPackage: 0 });
  });

  it('says the package is unknown for CycloneDX without affects (pip-audit < 2.10)', () => {
    const r = parseFixture('hand-made__formats-md/cyclonedx-2.9-no-affects.json');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]?.package).toBeUndefined();
    expect(r.findings[0]?.title).toBe('PYSEC-2023-192 (package unknown)');
    expect(String(r.findings[0]?.extra?.package)).toMatch(/^unknown: .*no "affects" links/);
    expect(r.stats.unknownPackage).toBe(1);
  });

  it('gives the same fingerprint for the same vulnerability in JSON and CycloneDX', () => {
    const json = parseReport(
      'pip-audit',
      'p.json',
      JSON.stringify({ dependencies: [{ name: 'urllib3', version: '1.26.5', vulns: [{ id: 'PYSEC-2023-192', fix_versions: ['1.26.17'] }] }], fixes: [] }),
    );
    const bom = parseFixture('hand-made__formats-md/cyclonedx-2.10.json');
    expect(bom.findings.map((f) => f.fingerprint)).toContain(json.findings[0]?.fingerprint);
  });
});

describe('pip-audit JSON, hand-made inputs', () => {
  const dep = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    name: 'Django_Rest.Framework',
    version: '3.0.0',
    vulns: [{ id: 'GHSA-aaaa-bbbb-cccc', fix_versions: [], aliases: ['PYSEC-2020-1', 'CVE-2020-2', 'CVE-2020-10'], description: 'x'.repeat(2000) }],
    ...over,
  });

  it('one finding per (dependency, id): repeats dropped and counted; aliases sorted; long descriptions cut', () => {
    const d = dep();
    const r = parseReport('pip-audit', 'p.json', JSON.stringify({ dependencies: [d, d, dep({ name: 'other' })], fixes: [] }));
    expect(r.findings).toHaveLength(2);
    expect(r.stats.duplicates).toBe(1);
    expect(r.findings[0]?.aliases).toEqual(['CVE-2020-10', 'CVE-2020-2', 'PYSEC-2020-1']);
    expect(r.findings[0]?.fingerprint).toBe('pip-audit:django-rest-framework:GHSA-aaaa-bbbb-cccc');
    expect(String(r.findings[0]?.extra?.description).length).toBe(500);
    expect(r.findings[0]?.package?.fixVersions).toEqual([]);
  });

  it('counts --fix entries, applied and skipped', () => {
    const r = parseReport(
      'pip-audit',
      'p.json',
      JSON.stringify({
        dependencies: [dep()],
        fixes: [
          { name: 'a', old_version: '1', new_version: '2' },
          { name: 'b', version: '1', skip_reason: 'no fix' },
        ],
      }),
    );
    expect(r.stats).toMatchObject({ fixesApplied: 1, fixesSkipped: 1 });
  });

  it('never turns a skipped dependency into a finding', () => {
    const r = parseReport('pip-audit', 'p.json', JSON.stringify([{ name: 'local-pkg', skip_reason: 'distribution marked as editable' }]));
    expect(r.findings).toEqual([]);
    expect(r.skipped).toEqual([{ name: 'local-pkg', reason: 'distribution marked as editable' }]);
    expect(r.stats).toMatchObject({ dependencies: 0, skipped: 1 });
  });

  it('names the exact place of a wrong type or a missing field', () => {
    let e = parseError(JSON.stringify({ dependencies: [dep(), dep({ name: 'b', vulns: [{ id: 7 }] })] }));
    expect(`${e.where}: ${e.reason}`).toBe('$.dependencies[1].vulns[0].id: expected a string, got number');
    e = parseError(JSON.stringify([dep(), dep({ name: 'b', version: undefined })]));
    expect(`${e.where}: ${e.reason}`).toBe('$[1].version: missing (expected a string)');
    e = parseError(JSON.stringify({ dependencies: [dep({ vulns: [{ id: 'X', aliases: ['a', 3] }] })] }));
    expect(e.where).toBe('$.dependencies[0].vulns[0].aliases[1]');
    e = parseError(JSON.stringify({ dependencies: [dep({ vulns: [{ id: 'X', fix_versions: '1.0' }] })] }));
    expect(`${e.where}: ${e.reason}`).toBe('$.dependencies[0].vulns[0].fix_versions: expected an array, got string');
    e = parseError(JSON.stringify({ dependencies: [dep()], fixes: [3] }));
    expect(`${e.where}: ${e.reason}`).toBe('$.fixes[0]: expected an object, got number');
    expect(() => pipAuditJsonParser.parse('{"dependencies": 5}', 'p.json')).toThrow('pip-audit: p.json: $.dependencies: expected an array, got number');
  });

  it('is not fooled by __proto__ keys', () => {
    const text = '{"dependencies": [{"__proto__": {"version": "1.0", "vulns": []}, "name": "x", "vulns": []}], "fixes": []}';
    const e = parseError(text);
    expect(`${e.where}: ${e.reason}`).toBe('$.dependencies[0].version: missing (expected a string)');
    expect(({} as Record<string, unknown>).version).toBeUndefined();
  });

  it('accepts a BOM and rejects empty or truncated files', () => {
    expect(parseReport('pip-audit', 'p.json', `\uFEFF${JSON.stringify([dep()])}`).findings).toHaveLength(1);
    expect(parseError('').reason).toBe('empty file (the tool probably crashed or wrote nothing)');
    const e = parseError('{"dependencies": [{"name": "a", "version": "1", "vulns": [');
    expect(e.where).toBe('line 1, column 59');
    expect(e.reason).toMatch(/^truncated JSON/);
  });

  it('CycloneDX: bad shapes are named by path; absent vulnerabilities mean none', () => {
    const bom = (over: Record<string, unknown>): string => JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.4', components: [{ 'bom-ref': 'r1', name: 'six', version: '1' }], ...over });
    expect(parseReport('pip-audit', 'b.json', bom({})).findings).toEqual([]);
    let e = parseError(bom({ vulnerabilities: [{ id: 'X', affects: [{ ref: 5 }] }] }));
    expect(`${e.where}: ${e.reason}`).toBe('$.vulnerabilities[0].affects[0].ref: expected a string, got number');
    e = parseError(bom({ components: [{ version: '1' }] }));
    expect(`${e.where}: ${e.reason}`).toBe('$.components[0].name: missing (expected a string)');
    const dangling = parseReport('pip-audit', 'b.json', bom({ vulnerabilities: [{ id: 'X', affects: [{ ref: 'nope' }] }] }));
    expect(String(dangling.findings[0]?.extra?.package)).toMatch(/points at no component/);
    expect(
      parseReport('pip-audit', 'b.json', bom({ metadata: { tools: [{ vendor: 'pypa', name: 'pip-audit', version: '2.10.1' }] } })).toolVersion,
    ).toBe('2.10.1');
    expect(pipAuditCycloneDxParser.detect(bom({}))).toBe(true);
    expect(pipAuditJsonParser.detect(bom({}))).toBe(false);
  });
});
