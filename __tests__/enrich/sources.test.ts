import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { loadCvssScorer } from '../../src/enrich/cvss.js';
import { globalAdvisorySchema, resolveFromGithubAdvisory } from '../../src/enrich/github-advisories.js';
import { osvVulnSchema, resolveFromOsvRecord } from '../../src/enrich/osv.js';
import { canonicalId, combineUnresolved, describeSeverity, groupAdvisories, osvIdFor } from '../../src/enrich/severity.js';
import { pipAuditFinding } from './helpers.js';

const fixture = (p: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/advisories/${p}`, import.meta.url), 'utf8'));
const gh = (p: string) => globalAdvisorySchema.parse(fixture(`github/${p}`));
const osv = (p: string) => osvVulnSchema.parse(fixture(`osv/${p}`));

describe('GitHub advisory -> severity', () => {
  it("uses GitHub's rating and records its newest CVSS (docs example)", async () => {
    const r = await resolveFromGithubAdvisory(gh('GHSA-abcd-1234-efgh.json'), loadCvssScorer);
    expect(r).toMatchObject({
      ok: true,
      severity: 'high',
      source: { kind: 'github', advisory: 'GHSA-abcd-1234-efgh', cvss: { version: '4.0', score: 7.1, vector: 'CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' } },
    });
  });
  it('treats "medium" as medium and scores the vector when the rating is "unknown"', async () => {
    const [a] = fixture('github/list-cve_id-CVE-2025-66418.json') as [Record<string, unknown>];
    expect(await resolveFromGithubAdvisory(globalAdvisorySchema.parse(a), loadCvssScorer)).toMatchObject({ ok: true, severity: 'medium' });
    const unrated = globalAdvisorySchema.parse({ ...a, severity: 'unknown' });
    expect(await resolveFromGithubAdvisory(unrated, loadCvssScorer)).toMatchObject({
      ok: true,
      severity: 'high',
      source: { kind: 'github', cvss: { version: '4.0', score: 8.3 } },
    });
  });
  it('says why when there is neither a rating nor a usable vector', async () => {
    const base = { ghsa_id: 'GHSA-aaaa-bbbb-cccc', severity: 'unknown' };
    expect(await resolveFromGithubAdvisory(globalAdvisorySchema.parse(base), loadCvssScorer)).toMatchObject({ ok: false, reason: 'no-severity' });
    const bad = globalAdvisorySchema.parse({ ...base, cvss_severities: { cvss_v3: { vector_string: 'CVSS:3.1/AV:N', score: 5 }, cvss_v4: null } });
    expect(await resolveFromGithubAdvisory(bad, loadCvssScorer)).toMatchObject({ ok: false, reason: 'invalid-cvss' });
  });
});

describe('OSV record -> severity', () => {
  it('database_specific.severity MODERATE is medium; the vector is recorded beside it', async () => {
    const r = await resolveFromOsvRecord(osv('GHSA-9wx4-h78v-vm56.json'), 'requests', loadCvssScorer);
    expect(r).toMatchObject({ ok: true, severity: 'medium', source: { kind: 'osv', advisory: 'GHSA-9wx4-h78v-vm56', cvss: { version: '3.1', score: 6.1 } } });
  });
  it('only a CVSS v3.1 vector: scored (9.8, critical)', async () => {
    const r = await resolveFromOsvRecord(osv('PYSEC-2020-173-cvss-v3.1-only.json'), 'pip', loadCvssScorer);
    expect(r).toMatchObject({ ok: true, severity: 'critical', source: { kind: 'osv', cvss: { version: '3.1', score: 9.8, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' } } });
  });
  it('only a CVSS v4.0 vector: scored (7.7, high)', async () => {
    const r = await resolveFromOsvRecord(osv('PYSEC-2025-49-cvss-v4-only.json'), 'setuptools', loadCvssScorer);
    expect(r).toMatchObject({ ok: true, severity: 'high', source: { kind: 'osv', cvss: { version: '4.0', score: 7.7 } } });
  });
  it('the docs example: severity only in affected[].ecosystem_specific', async () => {
    expect(await resolveFromOsvRecord(osv('OSV-2020-111.json'), undefined, loadCvssScorer)).toMatchObject({ ok: true, severity: 'high' });
  });
  it('a PYSEC record without severity returns its aliases for the follow-up', async () => {
    const r = await resolveFromOsvRecord(osv('PYSEC-2021-76.json'), 'aiohttp', loadCvssScorer);
    expect(r).toMatchObject({ ok: false, reason: 'no-severity', aliases: ['CVE-2021-21330', 'GHSA-v6wp-4m6f-gcjg'] });
  });
  it('prefers v4.0 over v3.1 when both are given, and skips malformed ones', async () => {
    const rec = osvVulnSchema.parse({
      id: 'X-1',
      severity: [
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
        { type: 'CVSS_V4', score: 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N' },
        { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/nonsense' },
        { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' },
        { type: 'Ubuntu', score: 'high' },
        'not an object',
      ],
    });
    expect(await resolveFromOsvRecord(rec, undefined, loadCvssScorer)).toMatchObject({ ok: true, severity: 'medium', source: { cvss: { version: '4.0', score: 4.6 } } });
  });
  it('malformed vectors only -> invalid-cvss; v2 only -> no-severity; never a throw', async () => {
    const bad = osvVulnSchema.parse({ id: 'X-2', severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:Q' }] });
    expect(await resolveFromOsvRecord(bad, undefined, loadCvssScorer)).toMatchObject({ ok: false, reason: 'invalid-cvss' });
    const v2 = osvVulnSchema.parse({ id: 'X-3', severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' }] });
    const r = await resolveFromOsvRecord(v2, undefined, loadCvssScorer);
    expect(r).toMatchObject({ ok: false, reason: 'no-severity' });
    if (!r.ok) expect(r.detail).toContain('CVSS v2');
  });
  it('ignores prototype keys in database_specific', async () => {
    const rec = osvVulnSchema.parse(JSON.parse('{"id":"X-4","database_specific":{"__proto__":{"severity":"CRITICAL"}}}'));
    expect(await resolveFromOsvRecord(rec, undefined, loadCvssScorer)).toMatchObject({ ok: false, reason: 'no-severity' });
  });
});

describe('advisory ids and alias merging', () => {
  it('canonicalises ids and rejects what cannot be a path segment', () => {
    expect(canonicalId(' GHSA-ABCD-1234-EFGH ')).toBe('GHSA-abcd-1234-efgh');
    expect(canonicalId('cve-2021-1234')).toBe('CVE-2021-1234');
    expect(canonicalId('PYSEC-2021-76')).toBe('PYSEC-2021-76');
    for (const bad of ['', '../etc', 'GHSA-x/../y', 'a b', 42, null, '__proto__']) expect(canonicalId(bad)).toBeUndefined();
  });
  it('merges ids that appear together, transitively, case-insensitively', () => {
    const fs = [
      pipAuditFinding('PYSEC-1', 'a', ['CVE-2020-0001']),
      pipAuditFinding('GHSA-aaaa-bbbb-cccc', 'b', ['cve-2020-0001']),
      pipAuditFinding('GHSA-AAAA-BBBB-CCCC', 'c'),
      pipAuditFinding('PYSEC-2', 'a'),
      pipAuditFinding('../bad', 'x'),
    ];
    const { groups, noId } = groupAdvisories(fs, [0, 1, 2, 3, 4]);
    expect(noId).toEqual([4]);
    expect(groups.map((g) => ({ ids: g.ids, findings: g.findings }))).toEqual([
      { ids: ['CVE-2020-0001', 'GHSA-aaaa-bbbb-cccc', 'PYSEC-1'], findings: [0, 1, 2] },
      { ids: ['PYSEC-2'], findings: [3] },
    ]);
    expect(osvIdFor(groups[0]!.ids)).toBe('GHSA-aaaa-bbbb-cccc');
    expect(osvIdFor(['CVE-1999-0001', 'PYSEC-9'])).toBe('PYSEC-9');
  });
  it('gives the same groups whatever the finding order', () => {
    const fs = [pipAuditFinding('A-1', 'a', ['B-1']), pipAuditFinding('C-1', 'b', ['B-1']), pipAuditFinding('D-1', 'c')];
    const one = groupAdvisories(fs, [0, 1, 2]).groups.map((g) => g.ids);
    const rev = fs.slice().reverse();
    expect(groupAdvisories(rev, [0, 1, 2]).groups.map((g) => g.ids)).toEqual(one);
  });
  it('combines failures: a source that could not answer wins over not-found', () => {
    expect(combineUnresolved([{ ok: false, reason: 'rate-limited', detail: 'GitHub: rate limited' }, { ok: false, reason: 'not-found', detail: 'OSV: 404' }])).toEqual({
      ok: false,
      reason: 'rate-limited',
      detail: 'GitHub: rate limited; OSV: 404',
    });
    expect(combineUnresolved([{ ok: false, reason: 'not-found', detail: 'a' }, { ok: false, reason: 'not-found', detail: 'b' }]).reason).toBe('not-found');
  });
});

describe('describeSeverity', () => {
  it('says where a severity came from, or why it is unknown', () => {
    expect(describeSeverity({ severity: 'high', severitySource: { kind: 'github', advisory: 'GHSA-abcd-1234-efgh', cvss: { version: '3.1', score: 7.6, vector: 'CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H' } } })).toBe(
      'high (GitHub GHSA-abcd-1234-efgh; CVSS 3.1 7.6 CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H)',
    );
    expect(describeSeverity({ severity: 'medium', severitySource: { kind: 'osv', advisory: 'GHSA-9wx4-h78v-vm56' } })).toBe('medium (OSV GHSA-9wx4-h78v-vm56)');
    expect(describeSeverity({ severity: 'unknown', severitySource: { kind: 'none', unknownReason: 'offline', detail: 'no lookup made' } })).toBe(
      'unknown (offline: no lookup made)',
    );
    expect(describeSeverity({ severity: 'low' })).toBe('low');
  });
});
