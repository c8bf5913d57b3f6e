/**
 * Every pip-audit report among the fixtures, resolved against local GitHub/OSV-shaped APIs that know
 * every advisory they name: the requests made equal the distinct advisories (ids merged with the
 * aliases reported beside them), each URL is asked once, and every finding gets a severity.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveSeverities } from '../../src/enrich/severity.js';
import { PIP_AUDIT_PARSERS } from '../../src/reports/pip-audit/index.js';
import type { Finding } from '../../src/reports/model.js';
import { githubAdvisory, osvRecord, startFakeApis, type FakeApis } from './helpers.js';

const root = fileURLToPath(new URL('../fixtures/pip-audit/', import.meta.url));
const reports = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(root, d.name)).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json')).map((f) => `${d.name}/${f}`))
  .sort();

function parse(rel: string): Finding[] {
  const content = readFileSync(join(root, rel), 'utf8');
  const parser = PIP_AUDIT_PARSERS.find((p) => p.detect(content)) ?? PIP_AUDIT_PARSERS[0]!;
  return parser.parse(content, rel).findings;
}

/** Distinct advisories, computed independently of the code under test: merge id sets that share an id. */
function distinctAdvisories(findings: Finding[]): number {
  const sets: Array<Set<string>> = [];
  for (const f of findings) {
    let merged = new Set([f.ruleId, ...(f.aliases ?? [])].map((s) => s.toUpperCase()));
    for (let i = sets.length - 1; i >= 0; i--) {
      if ([...sets[i]!].some((x) => merged.has(x))) {
        merged = new Set([...merged, ...sets[i]!]);
        sets.splice(i, 1);
      }
    }
    sets.push(merged);
  }
  return sets.length;
}

const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const VECTORS = ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'];

let api: FakeApis;
beforeAll(async () => {
  api = await startFakeApis();
});
afterAll(async () => api.close());

/** The APIs answer every id of the reports; GitHub knows GHSA ids and CVEs, OSV the rest. */
function serve(findings: Finding[]): void {
  let n = 0;
  for (const f of findings) {
    for (const id of [f.ruleId, ...(f.aliases ?? [])]) {
      n++;
      if (/^GHSA-/i.test(id)) api.github.set(id, githubAdvisory(id, SEVERITIES[n % 4]!));
      else if (/^CVE-/i.test(id)) api.githubByCve.set(id, [githubAdvisory(`GHSA-cve0-${String(n).padStart(4, '0')}-xxxx`, SEVERITIES[n % 4]!, { cve_id: id })]);
      else api.osv.set(id, osvRecord(id, { severity: [{ type: n % 2 ? 'CVSS_V3' : 'CVSS_V4', score: VECTORS[n % 2]! }] }));
    }
  }
}

beforeEach(() => api.reset());

describe('the pip-audit corpus', () => {
  it('has reports with vulnerabilities to resolve', () => {
    const all = reports.flatMap(parse);
    expect(reports.length).toBeGreaterThanOrEqual(10);
    expect(all.length).toBeGreaterThanOrEqual(30);
  });

  it.each(reports)('%s: requests made = distinct advisories, each asked once, all resolved', async (rel) => {
    const findings = parse(rel);
    serve(findings);
    const { findings: out, stats } = await resolveSeverities(findings, {
      source: 'github,osv',
      githubApiUrl: api.githubUrl,
      osvApiUrl: api.osvUrl,
      backoffMs: 5,
    });
    const distinct = distinctAdvisories(findings);
    expect(stats.advisories).toBe(distinct);
    expect(stats.requests).toBe(distinct);
    expect(api.srv.requests).toHaveLength(distinct);
    const urls = api.srv.requests.map((r) => `${r.path}?${r.query.toString()}`);
    expect(new Set(urls).size).toBe(urls.length);
    expect(out.filter((f) => f.severity === 'unknown')).toEqual([]);
    expect(out.every((f) => f.severitySource?.kind === 'github' || f.severitySource?.kind === 'osv')).toBe(true);
  });

  it('all reports at once: advisories shared between reports are asked once', async () => {
    const findings = reports.flatMap(parse);
    serve(findings);
    const { stats } = await resolveSeverities(findings, { source: 'github,osv', githubApiUrl: api.githubUrl, osvApiUrl: api.osvUrl, backoffMs: 5 });
    const distinct = distinctAdvisories(findings);
    expect(distinct).toBeLessThan(findings.length); // DefectDojo's two many_vulns files share their 7 advisories
    expect(stats).toMatchObject({ advisories: distinct, requests: distinct, resolved: distinct, unknown: 0 });
  });
});
