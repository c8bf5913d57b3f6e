/**
 * A fail-open review of the pip-audit severity lookups and the gitleaks parsers: inputs where the
 * gate passed or warned in phase 2 where a careful maintainer expects a block. Each case failed
 * before its fix:
 *
 * - A withdrawn advisory answered with its leftover rating: a PYSEC finding whose GHSA alias GitHub
 *   had withdrawn (a duplicate) rated `low` warned, while its CVE's live advisory and its own OSV
 *   record rated it critical. The same for a withdrawn OSV record. A withdrawn record is no answer
 *   now: the advisory stays unknown (unknown-severity, high by default), or another record answers.
 * - A gitleaks SARIF run whose invocation failed (`executionSuccessful: false`, as a wrapper or a
 *   SARIF merge writes) with `results: []` read as a clean scan; Bandit's SARIF was refused alike.
 */
import { describe, expect, it } from '@jest/globals';
import { parseSettings } from '../../src/config/schema.js';
import { resolveSeverities } from '../../src/enrich/severity.js';
import { evaluate } from '../../src/policy/evaluate.js';
import type { ParsedReport } from '../../src/reports/model.js';
import { parsePipAuditJsonValue } from '../../src/reports/pip-audit/json.js';
import { parseReport } from '../../src/reports/registry.js';
import { gateOn, REVIEW_NOW, reviewServer } from '../helpers/review.js';

const CRITICAL_V31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

/** requests 2.0 with PYSEC-2024-77, whose aliases are a GHSA GitHub withdrew and the CVE. */
const pysecWithWithdrawnAlias = () =>
  parsePipAuditJsonValue(
    {
      dependencies: [
        { name: 'requests', version: '2.0', vulns: [{ id: 'PYSEC-2024-77', fix_versions: ['2.1'], aliases: ['GHSA-wwww-wwww-wwww', 'CVE-2024-7777'] }] },
      ],
      fixes: [],
    },
    'pip-audit.json',
  );

const verdictOf = (r: ParsedReport) =>
  evaluate([{ tool: 'pip-audit', status: 'ok', messages: [], files: [], reports: [r] }], { settings: parseSettings([{ phase: '2' }]), now: REVIEW_NOW }).verdict;

describe('pip-audit: a withdrawn advisory answers for nothing', () => {
  it("GitHub's withdrawn GHSA alias rated low does not answer for the PYSEC id (the CVE's live advisory and OSV say critical)", async () => {
    const srv = await reviewServer();
    srv.on(/^GET \/advisories\/GHSA-wwww-wwww-wwww$/, () => ({
      status: 200,
      body: { ghsa_id: 'GHSA-wwww-wwww-wwww', cve_id: 'CVE-2024-7777', type: 'reviewed', severity: 'low', withdrawn_at: '2024-03-01T00:00:00Z' },
    }));
    srv.on(/^GET \/advisories$/, () => ({
      status: 200,
      body: [
        { ghsa_id: 'GHSA-wwww-wwww-wwww', cve_id: 'CVE-2024-7777', type: 'reviewed', severity: 'low', withdrawn_at: '2024-03-01T00:00:00Z', vulnerabilities: [{ package: { ecosystem: 'pip', name: 'requests' } }] },
        { ghsa_id: 'GHSA-llll-llll-llll', cve_id: 'CVE-2024-7777', type: 'reviewed', severity: 'critical', vulnerabilities: [{ package: { ecosystem: 'pip', name: 'requests' } }] },
      ],
    }));
    srv.on(/^GET \/v1\/vulns\/PYSEC-2024-77$/, () => ({ status: 200, body: { id: 'PYSEC-2024-77', aliases: ['GHSA-wwww-wwww-wwww', 'CVE-2024-7777'], severity: [{ type: 'CVSS_V3', score: CRITICAL_V31 }] } }));
    const r = pysecWithWithdrawnAlias();
    const { findings } = await resolveSeverities(r.findings, { source: 'github,osv', githubApiUrl: srv.url, osvApiUrl: srv.url, retries: 0, backoffMs: 1 });
    // Was: low (GitHub GHSA-wwww-wwww-wwww, "withdrawn" in the detail only), a warning in phase 2.
    expect(findings[0]!.severity).not.toBe('low');
    expect(findings[0]!.severitySource?.detail).toContain('withdrawn');
    expect(verdictOf({ ...r, findings })).toBe('block');
  });

  it("a CVE's withdrawn duplicate does not stand for its live advisory", async () => {
    const srv = await reviewServer();
    srv.on(/^GET \/advisories$/, () => ({
      status: 200,
      body: [
        // The withdrawn one is rated higher: the live one answers, not the most severe of both.
        { ghsa_id: 'GHSA-aaaa-aaaa-aaaa', cve_id: 'CVE-2024-8888', severity: 'critical', withdrawn_at: '2024-03-01T00:00:00Z', vulnerabilities: [{ package: { ecosystem: 'pip', name: 'requests' } }] },
        { ghsa_id: 'GHSA-bbbb-bbbb-bbbb', cve_id: 'CVE-2024-8888', severity: 'medium', vulnerabilities: [{ package: { ecosystem: 'pip', name: 'requests' } }] },
      ],
    }));
    const r = parsePipAuditJsonValue({ dependencies: [{ name: 'requests', version: '2.0', vulns: [{ id: 'PYSEC-2024-88', fix_versions: [], aliases: ['CVE-2024-8888'] }] }] }, 'p.json');
    const { findings } = await resolveSeverities(r.findings, { source: 'github', githubApiUrl: srv.url, osvApiUrl: srv.url, retries: 0, backoffMs: 1 });
    expect(findings[0]).toMatchObject({ severity: 'medium', severitySource: { kind: 'github', advisory: 'GHSA-bbbb-bbbb-bbbb' } });
  });

  it('a withdrawn OSV record rated LOW does not answer (unknown-severity decides: high, block)', async () => {
    const srv = await reviewServer();
    srv.on(/^GET \/v1\/vulns\/PYSEC-2024-99$/, () => ({ status: 200, body: { id: 'PYSEC-2024-99', withdrawn: '2024-03-01T00:00:00Z', database_specific: { severity: 'LOW' } } }));
    const r = parsePipAuditJsonValue({ dependencies: [{ name: 'flask', version: '1.0', vulns: [{ id: 'PYSEC-2024-99', fix_versions: [] }] }] }, 'p.json');
    const { findings } = await resolveSeverities(r.findings, { source: 'osv', githubApiUrl: srv.url, osvApiUrl: srv.url, retries: 0, backoffMs: 1 });
    expect(findings[0]).toMatchObject({ severity: 'unknown', severitySource: { kind: 'none', unknownReason: 'no-severity' } });
    expect(findings[0]!.severitySource?.detail).toContain('withdrawn');
    expect(verdictOf({ ...r, findings })).toBe('block');
  });
});

describe('gitleaks SARIF: a run whose invocation failed is not a clean scan', () => {
  const run = (extra: Record<string, unknown>) =>
    JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'gitleaks', semanticVersion: 'v8.0.0', rules: [] } }, results: [], ...extra }] });

  it('refuses executionSuccessful: false, naming the place; a successful invocation still reads', async () => {
    const failed = run({ invocations: [{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: 'git log failed' } }] }] });
    expect(() => parseReport('gitleaks', 'gitleaks.sarif', failed)).toThrow('$.runs[0].invocations[0].executionSuccessful: false: the run failed');
    const g = await gateOn({ 'gitleaks.sarif': failed }, { 'gitleaks-report': 'gitleaks.sarif', 'secret-scan': 'false' }, 'sg-failopen-');
    expect(g.verdict).toBe('error');
    expect(g.shouldFail).toBe(true);
    expect(parseReport('gitleaks', 'gitleaks.sarif', run({ invocations: [{ executionSuccessful: true }] })).findings).toEqual([]);
  });
});
