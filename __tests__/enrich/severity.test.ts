import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { resolveReportSeverities, resolveSeverities, severityNotice, type ResolveOptions } from '../../src/enrich/severity.js';
import type { Finding, ParsedReport } from '../../src/reports/model.js';
import { fixture, githubAdvisory, osvRecord, pipAuditFinding, startFakeApis, type FakeApis } from './helpers.js';

let api: FakeApis;
beforeAll(async () => {
  api = await startFakeApis();
});
afterAll(async () => api.close());
beforeEach(() => api.reset());

const opts = (extra: Partial<ResolveOptions> = {}): ResolveOptions => ({
  source: 'github,osv',
  githubApiUrl: api.githubUrl,
  githubToken: 'gh-t0ken',
  osvApiUrl: api.osvUrl,
  timeoutMs: 2000,
  backoffMs: 5,
  retries: 2,
  ...extra,
});

const sevOf = (fs: Finding[]) => fs.map((f) => [f.ruleId, f.severity, f.severitySource?.kind, f.severitySource?.unknownReason]);

describe('resolveSeverities against GitHub- and OSV-shaped APIs on 127.0.0.1', () => {
  it('a GHSA hit: GitHub rating, its CVSS recorded, the token and API headers sent to GitHub only', async () => {
    api.github.set('GHSA-abcd-1234-efgh', fixture('github/GHSA-abcd-1234-efgh.json'));
    const { findings, stats } = await resolveSeverities([pipAuditFinding('GHSA-abcd-1234-efgh', 'a-package', ['CVE-2050-00000'])], opts());
    expect(findings[0]).toMatchObject({
      severity: 'high',
      severitySource: { kind: 'github', advisory: 'GHSA-abcd-1234-efgh', cvss: { version: '4.0', score: 7.1 } },
    });
    expect(findings[0]!.severitySource!.detail).toContain('severity high');
    expect(stats).toMatchObject({ requests: 1, advisories: 1, resolved: 1, unknown: 0, bySource: { github: 1, osv: 0 } });
    const [req] = api.githubRequests();
    expect(req!.path).toBe('/gh/advisories/GHSA-abcd-1234-efgh');
    expect(req!.headers.authorization).toBe('Bearer gh-t0ken');
    expect(req!.headers.accept).toBe('application/vnd.github+json');
    expect(req!.headers['x-github-api-version']).toBe('2022-11-28');
    expect(api.osvRequests()).toHaveLength(0);
  });

  it('a CVE found through the list endpoint (cve_id filter)', async () => {
    api.githubByCve.set('CVE-2025-66418', fixture('github/list-cve_id-CVE-2025-66418.json'));
    const { findings, stats } = await resolveSeverities([pipAuditFinding('PYSEC-2099-1', 'urllib3', ['CVE-2025-66418'])], opts());
    expect(findings[0]).toMatchObject({ severity: 'medium', severitySource: { kind: 'github', advisory: 'GHSA-gm62-xv2j-4w53' } });
    expect(findings[0]!.severitySource!.detail).toContain('found by CVE-2025-66418');
    expect(stats.requests).toBe(1);
    expect(api.githubRequests()[0]!.query.get('cve_id')).toBe('CVE-2025-66418');
  });

  it('a PYSEC id resolved through its alias: reported alias -> GitHub; no alias -> OSV record -> its GHSA alias', async () => {
    api.github.set('GHSA-v6wp-4m6f-gcjg', githubAdvisory('GHSA-v6wp-4m6f-gcjg', 'low'));
    api.osv.set('PYSEC-2021-76', fixture('osv/PYSEC-2021-76.json'));
    const withAlias = await resolveSeverities([pipAuditFinding('PYSEC-2021-76', 'aiohttp', ['GHSA-v6wp-4m6f-gcjg'])], opts());
    expect(sevOf(withAlias.findings)).toEqual([['PYSEC-2021-76', 'low', 'github', undefined]]);
    expect(withAlias.stats.requests).toBe(1);

    api.srv.requests.length = 0;
    const bare = await resolveSeverities([pipAuditFinding('PYSEC-2021-76', 'aiohttp')], opts());
    expect(bare.findings[0]).toMatchObject({ severity: 'low', severitySource: { kind: 'github', advisory: 'GHSA-v6wp-4m6f-gcjg' } });
    expect(bare.findings[0]!.severitySource!.detail).toContain('via alias of PYSEC-2021-76');
    expect(api.srv.requests.map((r) => r.path)).toEqual(['/osv/v1/vulns/PYSEC-2021-76', '/gh/advisories/GHSA-v6wp-4m6f-gcjg']);
  });

  it('OSV records with only a CVSS v3.1 vector and only a v4.0 vector are scored (FIRST examples)', async () => {
    api.osv.set('PYSEC-2020-173', fixture('osv/PYSEC-2020-173-cvss-v3.1-only.json'));
    api.osv.set('PYSEC-2025-49', fixture('osv/PYSEC-2025-49-cvss-v4-only.json'));
    const { findings, stats } = await resolveSeverities([pipAuditFinding('PYSEC-2020-173', 'pip'), pipAuditFinding('PYSEC-2025-49', 'setuptools')], opts());
    expect(findings[0]).toMatchObject({ severity: 'critical', severitySource: { kind: 'osv', advisory: 'PYSEC-2020-173', cvss: { version: '3.1', score: 9.8 } } });
    expect(findings[1]).toMatchObject({ severity: 'high', severitySource: { kind: 'osv', advisory: 'PYSEC-2025-49', cvss: { version: '4.0', score: 7.7 } } });
    expect(stats.requests).toBe(2);
    expect(api.githubRequests()).toHaveLength(0);
    expect(api.osvRequests().every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('GitHub 404 -> OSV (MODERATE = medium); unknown to both -> not-found naming both', async () => {
    api.osv.set('GHSA-9wx4-h78v-vm56', fixture('osv/GHSA-9wx4-h78v-vm56.json'));
    const { findings, stats } = await resolveSeverities([pipAuditFinding('GHSA-9wx4-h78v-vm56', 'requests'), pipAuditFinding('GHSA-zzzz-zzzz-zzzz', 'nope')], opts());
    expect(findings[0]).toMatchObject({ severity: 'medium', severitySource: { kind: 'osv', advisory: 'GHSA-9wx4-h78v-vm56', cvss: { version: '3.1', score: 6.1 } } });
    expect(findings[1]).toMatchObject({ severity: 'unknown', severitySource: { kind: 'none', unknownReason: 'not-found' } });
    expect(findings[1]!.severitySource!.detail).toMatch(/GitHub GHSA-zzzz-zzzz-zzzz: HTTP 404.*OSV GHSA-zzzz-zzzz-zzzz: HTTP 404/);
    expect(stats).toMatchObject({ requests: 4, resolved: 1, unknown: 1, byReason: { 'not-found': 1 } });
  });

  it('500 then success: retried with backoff', async () => {
    api.github.set('GHSA-5000-5000-5000', (n: number) => (n === 1 ? { status: 500, body: { message: 'Server Error' } } : { body: githubAdvisory('GHSA-5000-5000-5000', 'critical') }));
    const { findings, stats } = await resolveSeverities([pipAuditFinding('GHSA-5000-5000-5000', 'x')], opts());
    expect(findings[0]!.severity).toBe('critical');
    expect(stats.requests).toBe(2);
  });

  it('403 secondary rate limit with a reset header: waits for the reset, then succeeds', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 1);
    api.github.set('GHSA-4030-4030-4030', (n: number) =>
      n === 1
        ? { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, body: { message: 'You have exceeded a secondary rate limit.' } }
        : { body: githubAdvisory('GHSA-4030-4030-4030', 'high') },
    );
    const { findings, stats } = await resolveSeverities([pipAuditFinding('GHSA-4030-4030-4030', 'x')], opts());
    expect(findings[0]!.severity).toBe('high');
    expect(stats.requests).toBe(2);
  });

  it('a rate limit whose reset is too far: GitHub is not asked again in this run, OSV answers the rest', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    const limited = { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, body: { message: 'API rate limit exceeded for 127.0.0.1.' } };
    const ids = ['GHSA-aaaa-0000-0001', 'GHSA-aaaa-0000-0002', 'GHSA-aaaa-0000-0003'];
    for (const id of ids) api.github.set(id, () => limited);
    api.osv.set(ids[0]!, osvRecord(ids[0]!, { database_specific: { severity: 'HIGH' } }));
    api.osv.set(ids[1]!, osvRecord(ids[1]!, { database_specific: { severity: 'LOW' } }));
    const { findings, stats } = await resolveSeverities(ids.map((id) => pipAuditFinding(id, 'p')), opts({ concurrency: 1 }));
    expect(sevOf(findings)).toEqual([
      [ids[0], 'high', 'osv', undefined],
      [ids[1], 'low', 'osv', undefined],
      [ids[2], 'unknown', 'none', 'rate-limited'],
    ]);
    expect(api.githubRequests()).toHaveLength(1);
    expect(stats.byReason).toEqual({ 'rate-limited': 1 });

    api.srv.requests.length = 0;
    const githubOnly = await resolveSeverities([pipAuditFinding(ids[0]!, 'p')], opts({ source: 'github' }));
    expect(githubOnly.findings[0]!.severitySource).toMatchObject({ kind: 'none', unknownReason: 'rate-limited' });
    expect(api.osvRequests()).toHaveLength(0);
  });

  it('a timeout and malformed JSON end unknown with their reason; the run finishes', async () => {
    api.github.set('GHSA-hang-hang-hang', () => ({ hang: true }));
    api.github.set('GHSA-junk-junk-junk', () => ({ body: '{"ghsa_id": "GHSA-junk' }));
    api.github.set('GHSA-shap-shap-shap', { ghsa_id: 42 });
    const hung = await resolveSeverities([pipAuditFinding('GHSA-hang-hang-hang', 'a')], opts({ timeoutMs: 150, retries: 0 }));
    expect(sevOf(hung.findings)).toEqual([['GHSA-hang-hang-hang', 'unknown', 'none', 'timed-out']]);
    expect(hung.findings[0]!.severitySource!.detail).toContain('timed out');
    const { findings, stats } = await resolveSeverities([pipAuditFinding('GHSA-junk-junk-junk', 'b'), pipAuditFinding('GHSA-shap-shap-shap', 'c')], opts({ retries: 0 }));
    expect(sevOf(findings)).toEqual([
      ['GHSA-junk-junk-junk', 'unknown', 'none', 'error'],
      ['GHSA-shap-shap-shap', 'unknown', 'none', 'error'],
    ]);
    expect(findings[0]!.severitySource!.detail).toContain('malformed JSON');
    expect(findings[1]!.severitySource!.detail).toContain('unexpected response shape at $.ghsa_id');
    expect(stats.byReason).toEqual({ error: 2 });
  });

  it('offline and off: no request, every pip-audit finding unknown with the reason', async () => {
    const fs = [pipAuditFinding('GHSA-aaaa-bbbb-cccc', 'a'), pipAuditFinding('PYSEC-1', 'b')];
    const off = await resolveSeverities(fs, opts({ source: 'off' }));
    const offline = await resolveSeverities(fs, opts({ offline: true }));
    expect(off.findings.map((f) => f.severitySource?.unknownReason)).toEqual(['off', 'off']);
    expect(offline.findings.map((f) => f.severitySource?.unknownReason)).toEqual(['offline', 'offline']);
    expect(offline.stats).toMatchObject({ requests: 0, advisories: 2, unknown: 2, byReason: { offline: 2 } });
    expect(api.srv.requests).toHaveLength(0);
  });

  it('an exhausted budget leaves the rest unknown (budget) without sending requests', async () => {
    api.github.set('GHSA-bbbb-bbbb-bbbb', githubAdvisory('GHSA-bbbb-bbbb-bbbb', 'low'));
    const { findings, stats } = await resolveSeverities([pipAuditFinding('GHSA-bbbb-bbbb-bbbb', 'a')], opts({ budgetMs: 0 }));
    expect(findings[0]!.severitySource).toMatchObject({ kind: 'none', unknownReason: 'budget' });
    expect(stats.requests).toBe(0);
  });

  it('an unreachable API is an error, never a throw', async () => {
    const { findings } = await resolveSeverities([pipAuditFinding('GHSA-cccc-cccc-cccc', 'a')], opts({ githubApiUrl: 'http://127.0.0.1:1', osvApiUrl: 'http://127.0.0.1:1', retries: 0 }));
    expect(findings[0]!.severitySource).toMatchObject({ kind: 'none', unknownReason: 'error' });
  });

  it('passes other findings through untouched and asks each advisory once (packages, aliases)', async () => {
    api.github.set('GHSA-dddd-dddd-dddd', githubAdvisory('GHSA-dddd-dddd-dddd', 'medium'));
    // Package c's own record, merged with a's through the CVE they share, is asked too (a review:
    // one package's record answered for another's); the answers agree here.
    api.osv.set('PYSEC-2024-9', osvRecord('PYSEC-2024-9', { database_specific: { severity: 'MODERATE' } }));
    const bandit: Finding = { tool: 'bandit', ruleId: 'B101', title: 'assert', severity: 'low', fingerprint: 'b', sourceFile: 'b.json' };
    const rated: Finding = { ...pipAuditFinding('GHSA-eeee-eeee-eeee', 'z'), severity: 'high', severitySource: { kind: 'tool' } };
    const input = [
      bandit,
      pipAuditFinding('GHSA-dddd-dddd-dddd', 'a', ['CVE-2024-0001']),
      pipAuditFinding('GHSA-DDDD-DDDD-DDDD', 'b'),
      pipAuditFinding('PYSEC-2024-9', 'c', ['CVE-2024-0001']),
      rated,
    ];
    const snapshot = JSON.stringify(input);
    const { findings, stats } = await resolveSeverities(input, opts());
    expect(findings[0]).toBe(bandit);
    expect(findings[4]).toBe(rated);
    expect(findings.slice(1, 4).map((f) => f.severity)).toEqual(['medium', 'medium', 'medium']);
    expect(stats).toMatchObject({ advisories: 1, requests: 2, findings: 3 });
    expect(JSON.stringify(input)).toBe(snapshot); // inputs not mutated
  });

  it('gives the same result whatever order the answers arrive in', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `GHSA-ffff-ffff-${String(i).padStart(4, '0')}`);
    ids.forEach((id, i) => {
      if (i % 3 === 0) api.github.set(id, githubAdvisory(id, ['low', 'medium', 'high', 'critical'][i % 4]!));
      if (i % 3 === 1) api.osv.set(id, osvRecord(id, { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' }] }));
    });
    const fs = ids.map((id, i) => pipAuditFinding(id, `p${i % 5}`));
    const runs: string[] = [];
    for (const seed of [1, 7, 13]) {
      api.latencyMs = (req) => ((req.path.length * seed) % 7) * 5;
      runs.push(JSON.stringify((await resolveSeverities(fs, opts({ concurrency: 4 }))).findings));
    }
    expect(runs[1]).toBe(runs[0]);
    expect(runs[2]).toBe(runs[0]);
  });

  it('over parsed reports: one lookup for all, reports kept in order, other tools untouched', async () => {
    api.github.set('GHSA-gggg-gggg-gggg', githubAdvisory('GHSA-gggg-gggg-gggg', 'critical'));
    const report = (tool: ParsedReport['tool'], findings: Finding[]): ParsedReport => ({ tool, format: `${tool}-json`, findings, skipped: [], scanErrors: [], stats: {} });
    const bandit = report('bandit', [{ tool: 'bandit', ruleId: 'B101', title: 'assert', severity: 'low', fingerprint: 'b', sourceFile: 'b.json' }]);
    const a = report('pip-audit', [pipAuditFinding('GHSA-gggg-gggg-gggg', 'a')]);
    const b = report('pip-audit', [pipAuditFinding('PYSEC-7', 'b'), pipAuditFinding('GHSA-gggg-gggg-gggg', 'c')]);
    const { reports, stats } = await resolveReportSeverities([a, bandit, b], opts());
    expect(reports[1]).toBe(bandit);
    expect(reports[0]!.findings.map((f) => f.severity)).toEqual(['critical']);
    expect(reports[2]!.findings.map((f) => [f.ruleId, f.severity])).toEqual([['PYSEC-7', 'unknown'], ['GHSA-gggg-gggg-gggg', 'critical']]);
    expect(api.githubRequests()).toHaveLength(1);
    expect(severityNotice(stats, 'high')).toBe('pip-audit: 1 of 2 advisories have no known severity (not-found 1): treated as high (unknown-severity)');
  });

  it('the overall budget bounds a hanging API: the run returns and the advisory stays unknown', async () => {
    api.github.set('GHSA-hhhh-hhhh-hhhh', () => ({ hang: true }));
    api.osv.set('GHSA-hhhh-hhhh-hhhh', () => ({ hang: true }));
    const { findings } = await resolveSeverities([pipAuditFinding('GHSA-hhhh-hhhh-hhhh', 'a')], opts({ budgetMs: 300, timeoutMs: 10_000 }));
    expect(['timed-out', 'budget']).toContain(findings[0]!.severitySource!.unknownReason);
  });

  it('severity-source github or osv alone asks only that API', async () => {
    api.github.set('GHSA-iiii-iiii-iiii', githubAdvisory('GHSA-iiii-iiii-iiii', 'low'));
    api.osv.set('GHSA-iiii-iiii-iiii', osvRecord('GHSA-iiii-iiii-iiii', { database_specific: { severity: 'CRITICAL' } }));
    api.osv.set('PYSEC-2000-1', osvRecord('PYSEC-2000-1', { database_specific: { severity: 'HIGH' } }));
    const fs = [pipAuditFinding('GHSA-iiii-iiii-iiii', 'a'), pipAuditFinding('PYSEC-2000-1', 'b')];
    const gh = await resolveSeverities(fs, opts({ source: 'github' }));
    expect(sevOf(gh.findings)).toEqual([
      ['GHSA-iiii-iiii-iiii', 'low', 'github', undefined],
      ['PYSEC-2000-1', 'unknown', 'none', 'not-found'],
    ]);
    expect(api.osvRequests()).toHaveLength(0);
    api.srv.requests.length = 0;
    const osv = await resolveSeverities(fs, opts({ source: 'osv' }));
    expect(sevOf(osv.findings)).toEqual([
      ['GHSA-iiii-iiii-iiii', 'critical', 'osv', undefined],
      ['PYSEC-2000-1', 'high', 'osv', undefined],
    ]);
    expect(api.githubRequests()).toHaveLength(0);
  });
});
