import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { parseReport } from '../../src/reports/registry.js';
import {
  GITLEAKS_SUPPORTED,
  WITHHELD_GITLEAKS_REPORT,
  gitleaksJsonParser,
  gitleaksSarifParser,
  kebabRule,
  redactGitleaksReport,
} from '../../src/reports/gitleaks/index.js';
import type { ParsedReport } from '../../src/reports/model.js';
import { secretHash } from '../../src/util/redact.js';
import { listFixtures, readFixture, errorOf } from './registry-helpers.js';
import { expectGoldenFile, goldenPath } from './gitleaks-golden.js';

/**
 * Expected numbers per fixture: `raw` = entries in the file (MANIFEST.md "raw facts"), `unique` =
 * after de-duplication on (rule, file, line, secret), counted independently with Python over the
 * raw files (MANIFEST: version_7.5.0.json 8 raw / 4 unique; gitleaks8_many 4 raw / 3 unique, as
 * DefectDojo asserts). `unsupported` fixtures must be refused with a clear message.
 */
type Exp = { format: string; raw: number; unique: number; rules?: Record<string, number>; toolVersion?: string } | { unsupported: RegExp };
const EXPECTED: Record<string, Exp> = {
  'CESAR-DevSecOps__pygoat/gitleaks-report.json': { format: 'gitleaks-json', raw: 11, unique: 11, rules: { 'generic-api-key': 9, jwt: 2 }, toolVersion: '>=8.23.2' },
  'DefectDojo__django-DefectDojo/data_many.json': { format: 'gitleaks-json', raw: 2, unique: 2, rules: { github: 1, 'mailchimp-api-key': 1 }, toolVersion: '7.x' },
  'DefectDojo__django-DefectDojo/data_one.json': { format: 'gitleaks-json', raw: 1, unique: 1, rules: { 'asymmetric-private-key': 1 }, toolVersion: '7.x' },
  'DefectDojo__django-DefectDojo/gitleaks8_many.json': { format: 'gitleaks-json', raw: 4, unique: 3, rules: { 'aws-access-token': 1, 'RSA-PK': 1, 'generic-api-key': 1 }, toolVersion: '8.0-8.9' },
  'DefectDojo__django-DefectDojo/gitleaks_7.5.0.sarif': { format: 'gitleaks-sarif', raw: 8, unique: 4, rules: { 'aws-access-key': 3, 'asymmetric-private-key': 1 }, toolVersion: '7.4.0' },
  'DefectDojo__django-DefectDojo/issue4336.json': { format: 'gitleaks-json', raw: 1, unique: 1, rules: { 'twitter-client-id': 1 } },
  'DefectDojo__django-DefectDojo/no_findings.json': { format: 'gitleaks-json', raw: 0, unique: 0, toolVersion: '7.x' },
  'DefectDojo__django-DefectDojo/redacted_data_many.json': { format: 'gitleaks-json', raw: 6, unique: 6, rules: { 'aws-access-key': 6 } },
  'DefectDojo__django-DefectDojo/version_7.5.0.json': { format: 'gitleaks-json', raw: 8, unique: 4, rules: { 'aws-access-key': 3, 'asymmetric-private-key': 1 } },
  'Rachid1026__juice-shop/gitleaks-report.json': { format: 'gitleaks-json', raw: 135, unique: 122 },
  'archivesspace__archivesspace/gitleaks-report.json': { format: 'gitleaks-json', raw: 8, unique: 7, rules: { 'generic-api-key': 7 }, toolVersion: '8.10-8.14' },
  'gitleaks__gitleaks/csv_simple.csv': { unsupported: /unsupported format: gitleaks CSV report/ },
  'gitleaks__gitleaks/empty.json': { format: 'gitleaks-json', raw: 0, unique: 0 },
  'gitleaks__gitleaks/json_simple.json': { format: 'gitleaks-json', raw: 1, unique: 1, rules: { 'test-rule': 1 } },
  'gitleaks__gitleaks/junit_empty.xml': { unsupported: /unsupported format: gitleaks JUnit report/ },
  'gitleaks__gitleaks/junit_simple.xml': { unsupported: /unsupported format: gitleaks JUnit report/ },
  'gitleaks__gitleaks/sarif_simple.sarif': { format: 'gitleaks-sarif', raw: 1, unique: 1, rules: { 'test-rule': 1 }, toolVersion: '8.x' },
  'gitleaks__gitleaks/template_jsonextra.json': { unsupported: /unsupported format: this looks like gitleaks `--report-format template` output/ },
  'julio-lemos__poc-dast/gitleaks.json': { format: 'gitleaks-json', raw: 1, unique: 1, rules: { 'slack-webhook-url': 1 } },
  'julio-lemos__poc-dast/gitleaks.sarif': { format: 'gitleaks-sarif', raw: 1, unique: 1, rules: { 'slack-webhook-url': 1 } },
  'raiffeisenbankinternational__edd-core/gitleaks.sarif': { format: 'gitleaks-sarif', raw: 0, unique: 0 },
};

function parse(rel: string, content = readFixture('gitleaks', rel)): ParsedReport {
  return parseReport('gitleaks', `gitleaks/${rel}`, content);
}

function countRules(r: ParsedReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of r.findings) out[f.ruleId] = (out[f.ruleId] ?? 0) + 1;
  return out;
}

/** Every value under a Secret / offender key, and every SARIF snippet text, from the raw file. */
function rawSecrets(content: string): string[] {
  const out: string[] = [];
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    // CSV: the Secret column; JUnit: the escaped JSON in <failure>.
    const csv = /^RuleID,Commit,File,SymlinkFile,Secret,Match,/.exec(content);
    if (csv) for (const line of content.split('\n').slice(1)) if (line) out.push(line.split(',')[4] as string, line.split(',')[5] as string);
    for (const m of content.matchAll(/&#34;(?:Secret|Match)&#34;: &#34;(.*?)&#34;/g)) out.push(m[1] as string);
    return out;
  }
  const walk = (v: unknown, key?: string): void => {
    if (typeof v === 'string') {
      if (key && ['secret', 'offender'].includes(key.toLowerCase())) out.push(v);
      return;
    }
    if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'snippet' && x && typeof x === 'object' && typeof (x as { text?: unknown }).text === 'string') out.push((x as { text: string }).text);
        walk(x, k);
      }
    }
  };
  walk(value);
  return out;
}

/** Author names and e-mails from the raw file (JSON only). */
function rawPeople(content: string): string[] {
  const out: string[] = [];
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return out;
  }
  const walk = (v: unknown, key?: string): void => {
    if (typeof v === 'string') {
      if (key && ['author', 'email'].includes(key.toLowerCase()) && v !== '') out.push(v);
      return;
    }
    if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(value);
  return out;
}

function leaks(haystack: string, secret: string): boolean {
  return haystack.includes(secret) || haystack.includes(JSON.stringify(secret).slice(1, -1));
}

describe('gitleaks corpus fixtures', () => {
  const fixtures = listFixtures('gitleaks');

  it('has expected numbers for every fixture (and a fixture for every expectation)', () => {
    expect(fixtures).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(fixtures)('%s: counts (raw and de-duplicated), severity, golden', (rel) => {
    const exp = EXPECTED[rel];
    if (!exp) throw new Error(`no expectation for ${rel}`);
    if ('unsupported' in exp) {
      const e = errorOf(() => parse(rel));
      expect(e.message).toMatch(exp.unsupported);
      expect(e.message).toContain(`supported: ${GITLEAKS_SUPPORTED}`);
      expect(e.file).toBe(`gitleaks/${rel}`);
      return;
    }
    const r = parse(rel);
    expect(r.tool).toBe('gitleaks');
    expect(r.format).toBe(exp.format);
    expect(r.stats.raw).toBe(exp.raw);
    expect(r.findings).toHaveLength(exp.unique);
    expect(r.stats.total).toBe(exp.unique);
    expect(r.stats.duplicates).toBe(exp.raw - exp.unique);
    expect(r.findings.reduce((n, f) => n + Number(f.extra?.occurrences), 0)).toBe(exp.raw);
    if (exp.rules) expect(countRules(r)).toEqual(exp.rules);
    if (exp.toolVersion) expect(r.toolVersion).toBe(exp.toolVersion);
    for (const f of r.findings) {
      expect(f.severity).toBe('high');
      expect(f.location?.path).toBeTruthy();
      expect(f.location?.path).not.toContain('\\');
      expect(f.fingerprint).toBeTruthy();
    }
    expect(new Set(r.findings.map((f) => f.fingerprint)).size).toBe(r.findings.length);
    expectGoldenFile('gitleaks', rel, r);
  });

  it.each(fixtures)('%s: no secret in the parsed report, its golden file or the redacted copy', (rel) => {
    const content = readFixture('gitleaks', rel);
    const secrets = [...new Set(rawSecrets(content))].filter((s) => s.length >= 6 && s !== 'REDACTED');
    const exp = EXPECTED[rel];
    const parsed = exp && !('unsupported' in exp) ? parse(rel) : undefined;
    const parsedText = parsed ? JSON.stringify(parsed) : '';
    // The same, without `extra.link`: a repository URL whose owner may be the commit author's login.
    const withoutLinks = parsed ? JSON.stringify(parsed.findings.map((f) => ({ ...f, extra: { ...f.extra, link: null } }))) : '';
    const golden = existsSync(goldenPath('gitleaks', rel)) ? readFileSync(goldenPath('gitleaks', rel), 'utf8') : '';
    const copy = redactGitleaksReport(content);
    for (const s of secrets) {
      expect(leaks(parsedText, s)).toBe(false);
      expect(leaks(golden, s)).toBe(false);
      expect(leaks(copy, s)).toBe(false);
    }
    // Authors and e-mails are not kept at all; the copy blanks e-mails.
    for (const p of rawPeople(content).filter((x) => x.length >= 6)) {
      expect(leaks(withoutLinks, p)).toBe(false);
      if (p.includes('@')) expect(leaks(parsedText, p)).toBe(false);
      if (p.includes('@')) expect(leaks(golden, p)).toBe(false);
      if (p.includes('@')) expect(leaks(copy, p)).toBe(false);
    }
  });

  it('the secret test has something to find in the files that carry secrets', () => {
    expect(rawSecrets(readFixture('gitleaks', 'Rachid1026__juice-shop/gitleaks-report.json')).filter((s) => s.length >= 6).length).toBe(135);
    expect(rawSecrets(readFixture('gitleaks', 'DefectDojo__django-DefectDojo/gitleaks_7.5.0.sarif'))).toContain('AKIAIOSFODNN7EXAMPLE');
    expect(rawSecrets(readFixture('gitleaks', 'gitleaks__gitleaks/csv_simple.csv'))).toContain('a secret');
    expect(rawSecrets(readFixture('gitleaks', 'gitleaks__gitleaks/junit_simple.xml'))).toContain('a secret');
  });
});

describe('gitleaks findings', () => {
  it('v7: kebab-cased rule id, human name kept, line from lineNumber, fallback fingerprint with the secret hash', () => {
    const r = parse('DefectDojo__django-DefectDojo/version_7.5.0.json');
    const f = r.findings[0];
    expect(f).toMatchObject({
      tool: 'gitleaks',
      ruleId: 'aws-access-key',
      ruleName: 'AWS Access Key',
      title: 'AWS Access Key secret detected',
      severity: 'high',
      location: { path: 'dojo/unittests/scans/gitlab_secret_detection_report/gitlab_secret_detection_report_1_vuln.json', line: 13 },
      extra: { occurrences: 2, commit: '6d12798' },
    });
    expect(f?.fingerprint).toBe(
      `dojo/unittests/scans/gitlab_secret_detection_report/gitlab_secret_detection_report_1_vuln.json:aws-access-key:13:${secretHash('AKIAIOSFODNN7EXAMPLE')}`,
    );
    // the line around the secret, with the secret replaced
    expect(f?.snippet).toBe('      "raw_source_code_extract": "AK****(redacted, 20 chars)",');
    expect(Object.keys(f?.extra ?? {})).not.toEqual(expect.arrayContaining(['author']));
  });

  it('v7 without lineNumber has no line; DefectDojo facts hold', () => {
    const one = parse('DefectDojo__django-DefectDojo/data_one.json').findings[0];
    expect(one?.location).toEqual({ path: 'cert-key.pem' });
    expect(one?.snippet).toBe('****(redacted, 27 chars)');
    const many = parse('DefectDojo__django-DefectDojo/data_many.json').findings;
    expect(many.map((f) => f.location?.path)).toEqual(['.bashrc', '.bashrc']);
    expect(many[0]?.snippet).toBe('export JEKYLL_GI****(redacted, 55 chars)');
    expect(parse('DefectDojo__django-DefectDojo/issue4336.json').findings[0]?.location).toEqual({ path: 'README.md', line: 23 });
  });

  it('a report made with --redact keeps the tool redaction and says so', () => {
    const f = parse('DefectDojo__django-DefectDojo/redacted_data_many.json').findings[0];
    expect(f?.snippet).toBe('          access-key = "REDACTED"');
    expect(f?.extra?.redactedByTool).toBe(true);
  });

  it('v8 early era: duplicates across commits count once with occurrences; columns and tags kept', () => {
    const r = parse('DefectDojo__django-DefectDojo/gitleaks8_many.json');
    expect(r.findings[0]).toMatchObject({ ruleId: 'aws-access-token', ruleName: 'AWS', location: { path: '/conf/aws.tf', line: 2, endLine: 2 }, extra: { occurrences: 2 } });
    const rsa = r.findings.find((f) => f.ruleId === 'RSA-PK');
    expect(rsa?.extra?.tags).toBe('tag1, tag2');
    expect(rsa?.extra?.commit).toBeUndefined();
    expect(rsa?.snippet).toBe('****(redacted, 31 chars)');
  });

  it('v8 recent: the gitleaks Fingerprint is the fingerprint; Link, entropy and a short commit are kept; no author/e-mail/message', () => {
    const r = parse('CESAR-DevSecOps__pygoat/gitleaks-report.json');
    const f = r.findings[0];
    expect(f?.fingerprint).toBe('81c7e88d275ddb310e455f2e7ccb0b0af69feecf:pygoat/introduction/static/js/a7.js:generic-api-key:7');
    expect(f?.extra).toMatchObject({ commit: '81c7e88', entropy: 5.245865, occurrences: 1 });
    expect(String(f?.extra?.link)).toMatch(/^https:\/\/github\.com\/CESAR-DevSecOps\/pygoat\/blob\//);
    expect(Object.keys(f?.extra ?? {}).sort()).toEqual(['commit', 'date', 'entropy', 'link', 'occurrences']);
    expect(f?.location).toEqual({ path: 'pygoat/introduction/static/js/a7.js', line: 7, endLine: 7, column: 26, endColumn: 113 });
  });

  it('de-duplicated groups take the smallest gitleaks Fingerprint, whatever the report order', () => {
    const content = readFixture('gitleaks', 'Rachid1026__juice-shop/gitleaks-report.json');
    const arr = JSON.parse(content) as unknown[];
    const a = parse('x', content);
    const b = parse('x', JSON.stringify([...arr].reverse(), null, 1));
    expect(b.findings.map((f) => f.fingerprint).sort()).toEqual(a.findings.map((f) => f.fingerprint).sort());
  });

  it('v8 json_simple: Match without the secret -> only the redacted secret is kept', () => {
    const f = parse('gitleaks__gitleaks/json_simple.json').findings[0];
    expect(f?.snippet).toBe('****(redacted, 8 chars)');
    expect(f?.title).toBe('test-rule secret detected');
    expect(f?.location).toEqual({ path: 'auth.py', line: 1, endLine: 2, column: 1, endColumn: 2 });
  });

  it('SARIF v8: rule description as title, snippet (= the secret) redacted, commit from partialFingerprints', () => {
    const f = parse('julio-lemos__poc-dast/gitleaks.sarif').findings[0];
    expect(f).toMatchObject({ ruleId: 'slack-webhook-url', severity: 'high', location: { path: 'models/index.js', line: 3 }, extra: { commit: '9c508d1' } });
    expect(f?.title).toMatch(/Slack Webhook/);
    expect(f?.snippet).toMatch(/^ht\*\*\*\*\(redacted, \d+ chars\)$/);
    // the JSON report of the same scan finds the same place
    const j = parse('julio-lemos__poc-dast/gitleaks.json').findings[0];
    expect(j?.location?.path).toBe(f?.location?.path);
    expect(j?.location?.line).toBe(f?.location?.line);
  });

  it('SARIF v7: rule from the message, offender is the secret, snippet is the line with it replaced', () => {
    const r = parse('DefectDojo__django-DefectDojo/gitleaks_7.5.0.sarif');
    expect(r.findings[0]).toMatchObject({ ruleId: 'aws-access-key', ruleName: 'AWS Access Key', location: { line: 13 }, snippet: '      "raw_source_code_extract": "AK****(redacted, 20 chars)",' });
  });

  it('path-only rules keep "file detected: <path>"', () => {
    const content = JSON.stringify([{ RuleID: 'pkcs12-file', Description: 'PKCS12 file', StartLine: 0, EndLine: 0, StartColumn: 0, EndColumn: 0, Match: 'file detected: certs/a.p12', Secret: '', File: 'certs/a.p12', Commit: '', Entropy: 0, Author: '', Email: '', Date: '', Message: '', Tags: [], Fingerprint: 'certs/a.p12:pkcs12-file:0' }]);
    const f = parse('x.json', content).findings[0];
    expect(f?.snippet).toBe('file detected: certs/a.p12');
    expect(f?.location).toEqual({ path: 'certs/a.p12' });
  });

  it('a multi-line secret (private key) is redacted, also inside the Match', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq98dVIhvZ\n-----END RSA PRIVATE KEY-----';
    const content = JSON.stringify([{ RuleID: 'private-key', Description: 'Private Key', StartLine: 3, EndLine: 5, StartColumn: 1, EndColumn: 30, Match: `key = """${key}"""`, Secret: key, File: 'a.py', Fingerprint: 'a.py:private-key:3' }], null, 1);
    const r = parse('x.json', content);
    const text = JSON.stringify(r);
    expect(leaks(text, key)).toBe(false);
    expect(leaks(text, 'MIIEpAIBAAKCAQEA7bq98dVIhvZ')).toBe(false);
    expect(r.findings[0]?.snippet).toBe('key = """****(redacted, 89 chars)"""');
    expect(r.findings[0]?.location).toEqual({ path: 'a.py', line: 3, endLine: 5, column: 1, endColumn: 30 });
    const copy = redactGitleaksReport(content);
    expect(leaks(copy, 'MIIEpAIBAAKCAQEA7bq98dVIhvZ')).toBe(false);
  });

  it('a secret that also appears in the file path or fingerprint never leaks', () => {
    const secret = 'hunter2-super-secret';
    const content = JSON.stringify([{ RuleID: 'generic-api-key', Description: 'Generic', StartLine: 1, Match: `k=${secret}`, Secret: secret, File: `dir/${secret}.txt`, Fingerprint: `dir/${secret}.txt:generic-api-key:1` }]);
    const r = parse('x.json', content);
    expect(leaks(JSON.stringify(r), secret)).toBe(false);
    expect(r.findings[0]?.fingerprint).toMatch(/:generic-api-key:1:[0-9a-f]{12}$/);
    expect(leaks(redactGitleaksReport(content), secret)).toBe(false);
  });

  it('no quadratic regex on attacker-controlled text (commit messages, rule names)', () => {
    const msg = `${'a'.repeat(200_000)}@${'b'.repeat(200_000)}`;
    const content = JSON.stringify([{ RuleID: 'r', Match: 'k=secret-value', Secret: 'secret-value', File: 'a.py', Message: msg }]);
    const copy = JSON.parse(redactGitleaksReport(content)) as Array<Record<string, unknown>>;
    expect(copy[0]?.Message).toBe('REDACTED');
    expect(kebabRule(`${'-'.repeat(200_000)}x`)).toBe('x');
  });

  it('two secrets on one line share the gitleaks Fingerprint: both get the secret hash appended', () => {
    const e = (secret: string) => ({ RuleID: 'jwt', Description: 'JWT', StartLine: 5, Match: secret, Secret: secret, File: 'a.ts', Commit: 'c0ffee', Fingerprint: 'c0ffee:a.ts:jwt:5' });
    const r = parse('x.json', JSON.stringify([e('eyJhbGciOiJIUzI1NiJ9.first'), e('eyJhbGciOiJIUzI1NiJ9.second'), e('eyJhbGciOiJIUzI1NiJ9.first')]));
    expect(r.stats).toMatchObject({ raw: 3, duplicates: 1, total: 2 });
    expect(r.findings.map((f) => f.fingerprint)).toEqual([
      `c0ffee:a.ts:jwt:5:${secretHash('eyJhbGciOiJIUzI1NiJ9.first')}`,
      `c0ffee:a.ts:jwt:5:${secretHash('eyJhbGciOiJIUzI1NiJ9.second')}`,
    ]);
  });

  it('kebabRule', () => {
    expect(kebabRule('Google (GCP) Service Account')).toBe('google-gcp-service-account');
    expect(kebabRule('AWS Access Key')).toBe('aws-access-key');
    expect(kebabRule('***')).toBe('unnamed-rule');
  });
});

describe('gitleaks malformed input', () => {
  it('truncated JSON: line and column of the end, "truncated"', () => {
    const content = readFixture('gitleaks', 'CESAR-DevSecOps__pygoat/gitleaks-report.json');
    const cut = content.slice(0, 1000);
    const e = errorOf(() => parse('x.json', cut));
    expect(e.where).toMatch(/^line \d+, column \d+$/);
    expect(e.reason).toMatch(/^truncated JSON/);
    // the error never quotes the file (it may hold a secret)
    const secrets = rawSecrets(content);
    for (const s of secrets) expect(leaks(e.message, s)).toBe(false);
  });

  it('wrong types name the JSON path', () => {
    const good = { RuleID: 'r', Description: 'd', StartLine: 1, Match: 'm-secret', Secret: 'secret', File: 'f.py' };
    expect(errorOf(() => parse('x.json', JSON.stringify([good, { ...good, RuleID: 5 }]))).where).toBe('$[1].RuleID');
    expect(errorOf(() => parse('x.json', JSON.stringify([good, { ...good, StartLine: '3' }]))).where).toBe('$[1].StartLine');
    expect(errorOf(() => parse('x.json', JSON.stringify([good, { ...good, Tags: 'a,b' }]))).where).toBe('$[1].Tags');
    const missing: Record<string, unknown> = { ...good };
    delete missing.Secret;
    const e = errorOf(() => parse('x.json', JSON.stringify([good, missing])));
    expect(e.where).toBe('$[1].Secret');
    expect(e.reason).toBe('missing (expected a string)');
    expect(errorOf(() => parse('x.json', JSON.stringify([good, 'oops']))).where).toBe('$[1]');
    expect(errorOf(() => parse('x.json', JSON.stringify([{ rule: 'AWS', offender: 'AKIAIOSFODNN7EXAMPLE', file: 3 }]))).where).toBe('$[0].file');
  });

  it('SARIF errors name the JSON path', () => {
    const doc = JSON.parse(readFixture('gitleaks', 'julio-lemos__poc-dast/gitleaks.sarif')) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    const r0 = doc.runs[0]?.results[0] as Record<string, unknown>;
    r0.locations = [{ physicalLocation: { artifactLocation: { uri: 7 } } }];
    const e = errorOf(() => parse('x.sarif', JSON.stringify(doc)));
    expect(e.where).toBe('$.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri');
  });

  it('__proto__ / constructor keys are data, never pollute', () => {
    const content = '[{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "RuleID": "r", "Match": "xx-secret-value", "Secret": "secret-value", "File": "a.py", "StartLine": 2}]';
    const r = parse('x.json', content);
    expect(r.findings).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const copy = redactGitleaksReport(content);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(copy).toContain('"__proto__"');
    expect(leaks(copy, 'secret-value')).toBe(false);
  });

  it('another tool or an unknown shape: a clear message', () => {
    const bandit = '{"errors": [], "generated_at": "2020-12-30T10:03:39Z", "metrics": {"_totals": {}}, "results": []}';
    expect(errorOf(() => parse('b.json', bandit)).message).toMatch(/not a gitleaks report/);
    const e = errorOf(() => parse('x.json', '[{"name": "x"}]'));
    expect(e.message).toMatch(/not a gitleaks report/);
    const sarif = '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Bandit"}}, "results": []}]}';
    expect(errorOf(() => parse('x.sarif', sarif)).message).toMatch(/not a gitleaks report: this file looks like .*Bandit/);
    expect(errorOf(() => parse('x.json', '')).reason).toMatch(/^empty file/);
    expect(errorOf(() => parse('x.txt', 'hello world')).message).toMatch(/not a gitleaks report/);
  });

  it('detect on text heads', () => {
    expect(gitleaksJsonParser.detect('null\n')).toBe(true);
    expect(gitleaksJsonParser.detect('[]')).toBe(true);
    expect(gitleaksJsonParser.detect(readFixture('gitleaks', 'DefectDojo__django-DefectDojo/data_one.json'))).toBe(true);
    expect(gitleaksSarifParser.detect(readFixture('gitleaks', 'gitleaks__gitleaks/sarif_simple.sarif'))).toBe(true);
    expect(gitleaksSarifParser.detect(readFixture('gitleaks', 'gitleaks__gitleaks/json_simple.json'))).toBe(false);
  });
});

describe('redactGitleaksReport', () => {
  const fixtures = listFixtures('gitleaks');

  it.each(fixtures)('%s: the copy is the same format, same size, or withheld', (rel) => {
    const content = readFixture('gitleaks', rel);
    const copy = redactGitleaksReport(content);
    if (/\.(csv|xml)$/.test(rel)) {
      expect(copy).toBe(WITHHELD_GITLEAKS_REPORT);
      return;
    }
    const before = JSON.parse(content) as unknown;
    const after = JSON.parse(copy) as unknown;
    if (before === null) {
      expect(after).toBeNull();
      return;
    }
    if (Array.isArray(before)) {
      expect(Array.isArray(after) && after.length).toBe(before.length);
      // same keys, in the same order, entry by entry
      (before as Array<Record<string, unknown>>).forEach((b, i) => expect(Object.keys((after as Array<Record<string, unknown>>)[i] ?? {})).toEqual(Object.keys(b)));
    } else {
      const n = (v: unknown) => ((v as { runs: Array<{ results?: unknown[] }> }).runs[0]?.results ?? []).length;
      expect(n(after)).toBe(n(before));
    }
    // still a report the gate reads (except the template output, which it refuses anyway)
    const exp = EXPECTED[rel];
    if (exp && !('unsupported' in exp)) {
      const r = parse(rel, copy);
      expect(r.stats.raw).toBe(exp.raw);
      expect(r.format).toBe(exp.format);
    }
    // indentation style kept
    expect(copy.split('\n')[1]?.match(/^\s*/)?.[0]).toBe(content.split('\n')[1]?.match(/^\s*/)?.[0]);
  });

  it('redacts Secret, Match, Author, Email and sign-off e-mails; keeps the rest', () => {
    const content = readFixture('gitleaks', 'Rachid1026__juice-shop/gitleaks-report.json');
    const before = JSON.parse(content) as Array<Record<string, unknown>>;
    const after = JSON.parse(redactGitleaksReport(content)) as Array<Record<string, unknown>>;
    const a = after[0] as Record<string, unknown>;
    const b = before[0] as Record<string, unknown>;
    expect(a.Secret).toMatch(/^..\*\*\*\*\(redacted, \d+ chars\)$/);
    expect(a.Match).not.toBe(b.Match);
    expect(a.Author).toBe('REDACTED');
    expect(a.Email).toBe('REDACTED');
    expect(a.Message).toBe('Update tests to use import and remove the test cases for now impossible cases (due to type safety)\n\nSigned-off-by: Jannik Hollenbach REDACTED');
    for (const k of ['RuleID', 'File', 'StartLine', 'Commit', 'Fingerprint', 'Link', 'Entropy', 'Date']) expect(a[k]).toEqual(b[k]);
  });

  it('SARIF: snippet, partialFingerprints author/email, v7 properties', () => {
    const v8 = JSON.parse(redactGitleaksReport(readFixture('gitleaks', 'gitleaks__gitleaks/sarif_simple.sarif'))) as { runs: Array<{ results: Array<Record<string, Record<string, unknown>>> }> };
    const r = v8.runs[0]?.results[0];
    expect(r?.partialFingerprints).toEqual({ commitSha: '0000000000000000', email: 'REDACTED', author: 'REDACTED', date: '10-19-2003', commitMessage: 'opps' });
    expect(JSON.stringify(r?.locations)).toContain('"snippet":{"text":"****(redacted, 8 chars)"}');
    const v7 = JSON.parse(redactGitleaksReport(readFixture('gitleaks', 'DefectDojo__django-DefectDojo/gitleaks_7.5.0.sarif'))) as { runs: Array<{ results: Array<Record<string, Record<string, unknown>>> }> };
    const p = v7.runs[0]?.results[0]?.properties;
    expect(p?.offender).toBe('AK****(redacted, 20 chars)');
    expect(p?.author).toBe('REDACTED');
    expect(p?.email).toBe('REDACTED');
  });

  it('fails closed on anything it cannot parse', () => {
    expect(redactGitleaksReport('[{"RuleID": "x", "Secret": "abcdef')).toBe(WITHHELD_GITLEAKS_REPORT);
    expect(redactGitleaksReport('{"some": "object"}')).toBe(WITHHELD_GITLEAKS_REPORT);
    expect(redactGitleaksReport('[1, 2]')).toBe(WITHHELD_GITLEAKS_REPORT);
    expect(redactGitleaksReport('[{"name": "not gitleaks", "Password": "hunter22"}]')).toBe(WITHHELD_GITLEAKS_REPORT);
    expect(redactGitleaksReport('RuleID,Commit,File\nx,y,z')).toBe(WITHHELD_GITLEAKS_REPORT);
    expect(redactGitleaksReport('')).toBe('');
    expect(redactGitleaksReport('null\n')).toBe('null\n');
    expect(WITHHELD_GITLEAKS_REPORT).toMatch(/withheld/);
  });
});

describe('gitleaks redaction, property-based', () => {
  it('a random secret never survives parsing nor the redacted copy (v8 JSON, v7 JSON, SARIF v8 and v7)', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (tail, before, after) => {
        const secret = `S3cr!t${tail}`;
        const match = `${before}${secret}${after}${secret}`;
        const v8 = JSON.stringify([{ RuleID: 'generic-api-key', Description: 'Generic API Key', StartLine: 4, Match: match, Secret: secret, File: 'app/settings.py', Commit: 'abc1234def', Author: 'A B', Email: 'a@b.example', Message: `add ${secret}`, Fingerprint: 'abc1234def:app/settings.py:generic-api-key:4' }], null, 1);
        const v7 = JSON.stringify([{ line: match, lineNumber: 4, offender: secret, rule: 'Generic Credential', file: 'app/settings.py', commit: 'abc1234def', author: 'A B', email: 'a@b.example', commitMessage: secret, tags: 'key' }], null, 1);
        const sarif8 = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'gitleaks', rules: [] } }, results: [{ ruleId: 'generic-api-key', message: { text: 'x' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a.py' }, region: { startLine: 1, snippet: { text: secret } } } }], partialFingerprints: { commitSha: 'abc', email: 'a@b.example', author: 'A B', commitMessage: secret } }] }] });
        const sarif7 = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'Gitleaks', rules: [] } }, results: [{ message: { text: 'Generic Credential secret detected' }, properties: { offender: secret, commitMessage: secret, author: 'A B', email: 'a@b.example' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a.py' }, region: { startLine: 1, snippet: { text: match } } } }] }] }] });
        for (const [name, content] of [['a.json', v8], ['b.json', v7], ['c.sarif', sarif8], ['d.sarif', sarif7]] as const) {
          const r = parse(name, content);
          if (r.findings.length !== 1) return false;
          if (leaks(JSON.stringify(r), secret)) return false;
          const copy = redactGitleaksReport(content);
          if (leaks(copy, secret) || copy.includes('a@b.example')) return false;
          if (copy === WITHHELD_GITLEAKS_REPORT) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
