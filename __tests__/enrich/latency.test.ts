/**
 * The 15-vulnerability corpus report with 100 ms of latency on every answer: the lookups run
 * concurrently. Wall time is measured and logged, never asserted (no timed assertions); what is
 * asserted is the request count and that requests were in flight together.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { loadCvssScorer } from '../../src/enrich/cvss.js';
import { resolveSeverities } from '../../src/enrich/severity.js';
import { pipAuditJsonParser } from '../../src/reports/pip-audit/index.js';
import { githubAdvisory, osvRecord, startFakeApis, type FakeApis } from './helpers.js';

const REPORT = 'varshinivelmurugan47__secure-coding-review-task/pip-audit.json';
const findings = pipAuditJsonParser.parse(readFileSync(new URL(`../fixtures/pip-audit/${REPORT}`, import.meta.url), 'utf8'), REPORT).findings;

let api: FakeApis;
beforeAll(async () => {
  api = await startFakeApis();
  // Load the CVSS library before timing (its one-off load cost is measured on its own below).
  const t0 = performance.now();
  await loadCvssScorer();
  cvssLoadMs = Math.round(performance.now() - t0);
});
let cvssLoadMs = 0;
afterAll(async () => api.close());

function serveAll(): void {
  for (const f of findings) {
    if (f.ruleId.startsWith('GHSA-')) api.github.set(f.ruleId, githubAdvisory(f.ruleId, 'high'));
    else api.osv.set(f.ruleId, osvRecord(f.ruleId, { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] }));
  }
}

describe('latency: 15 vulnerabilities, 100 ms per answer', () => {
  it('resolves in a few round trips, not fifteen (measured, logged)', async () => {
    expect(findings).toHaveLength(15);
    const rows: string[] = [];
    for (const [label, concurrency] of [['first run', 8], ['warm', 8], ['sequential per API', 1]] as const) {
      api.reset();
      serveAll();
      api.latencyMs = 100;
      const t0 = performance.now();
      const { stats } = await resolveSeverities(findings, { source: 'github,osv', githubApiUrl: api.githubUrl, osvApiUrl: api.osvUrl, concurrency });
      const wall = Math.round(performance.now() - t0);
      rows.push(`${label}, concurrency ${concurrency}: ${stats.requests} requests (${api.githubRequests().length} GitHub, ${api.osvRequests().length} OSV), max ${api.maxInFlight} in flight, ${wall} ms wall (${(wall / 100).toFixed(1)} round trips)`);
      expect(stats).toMatchObject({ requests: 15, advisories: 15, resolved: 15 });
      if (concurrency > 1) expect(api.maxInFlight).toBeGreaterThan(1);
      else expect(api.maxInFlight).toBeLessThanOrEqual(2); // one per API
    }
    console.log(`severity lookup latency (100 ms injected; CVSS library loaded once in ${cvssLoadMs} ms before):\n  ${rows.join('\n  ')}`);
  });
});
