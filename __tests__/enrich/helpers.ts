/**
 * Test helpers for severity enrichment: pip-audit findings, and GitHub- and OSV-shaped APIs served
 * by the real local test server (GitHub under `/gh`, OSV under `/osv`).
 */
import { readFileSync } from 'node:fs';
import type { Finding } from '../../src/reports/model.js';
import { startServer, type LoggedRequest, type Reply, type TestServer } from '../helpers/http-server.js';

export function pipAuditFinding(id: string, pkg: string, aliases?: string[]): Finding {
  return {
    tool: 'pip-audit',
    ruleId: id,
    title: `${id} in ${pkg}`,
    severity: 'unknown',
    package: { name: pkg, version: '1.0' },
    ...(aliases ? { aliases } : {}),
    fingerprint: `pip-audit:${pkg}:${id}`,
    sourceFile: 'pip-audit.json',
    severitySource: { kind: 'none', unknownReason: 'no severity in pip-audit JSON' },
  };
}

export const fixture = (p: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/advisories/${p}`, import.meta.url), 'utf8'));

/** An answer: a body (served as JSON, 200), a full Reply, or a function of the attempt number (1-based). */
export type Answer = unknown | ((attempt: number) => Reply);
const isReplyFn = (a: Answer): a is (attempt: number) => Reply => typeof a === 'function';

export interface FakeApis {
  srv: TestServer;
  githubUrl: string;
  osvUrl: string;
  /** GHSA id -> advisory. */
  github: Map<string, Answer>;
  /** CVE id -> list answer. */
  githubByCve: Map<string, Answer>;
  /** OSV id -> record. */
  osv: Map<string, Answer>;
  /** Latency each answer waits, in the route (so in-flight requests can be counted). */
  latencyMs: number | ((req: LoggedRequest) => number);
  maxInFlight: number;
  /** Requests to `/gh` and `/osv`. */
  githubRequests(): LoggedRequest[];
  osvRequests(): LoggedRequest[];
  reset(): void;
  close(): Promise<void>;
}

export const GITHUB_404: Reply = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/security-advisories/global-advisories#get-a-global-security-advisory', status: '404' } };
export const OSV_404: Reply = { status: 404, body: { code: 5, message: 'Bug not found.' } };

export async function startFakeApis(): Promise<FakeApis> {
  const srv = await startServer();
  const attempts = new Map<string, number>();
  let inFlight = 0;
  const api: FakeApis = {
    srv,
    githubUrl: `${srv.url}/gh`,
    osvUrl: `${srv.url}/osv`,
    github: new Map(),
    githubByCve: new Map(),
    osv: new Map(),
    latencyMs: 0,
    maxInFlight: 0,
    githubRequests: () => srv.requests.filter((r) => r.path.startsWith('/gh/')),
    osvRequests: () => srv.requests.filter((r) => r.path.startsWith('/osv/')),
    reset() {
      srv.requests.length = 0;
      attempts.clear();
      api.github.clear();
      api.githubByCve.clear();
      api.osv.clear();
      api.latencyMs = 0;
      api.maxInFlight = 0;
    },
    close: () => srv.close(),
  };
  const answer = async (req: LoggedRequest, key: string, table: Map<string, Answer>, notFound: Reply): Promise<Reply> => {
    inFlight++;
    api.maxInFlight = Math.max(api.maxInFlight, inFlight);
    try {
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      const ms = typeof api.latencyMs === 'function' ? api.latencyMs(req) : api.latencyMs;
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
      const a = table.get(decodeURIComponent(key.split('|')[1] ?? ''));
      if (a === undefined) return notFound;
      return isReplyFn(a) ? a(n) : { body: a };
    } finally {
      inFlight--;
    }
  };
  srv.on(/^GET \/gh\/advisories\/[^/]+$/, (req) => answer(req, `gh|${req.path.slice('/gh/advisories/'.length)}`, api.github, GITHUB_404));
  srv.on('GET /gh/advisories', (req) => {
    const cve = req.query.get('cve_id') ?? '';
    if (!api.githubByCve.has(cve)) api.githubByCve.set(cve, []);
    return answer(req, `ghcve|${encodeURIComponent(cve)}`, api.githubByCve, { body: [] });
  });
  srv.on(/^GET \/osv\/v1\/vulns\/[^/]+$/, (req) => answer(req, `osv|${req.path.slice('/osv/v1/vulns/'.length)}`, api.osv, OSV_404));
  return api;
}

/** A GitHub global advisory body for an id (shape of the docs example). */
export function githubAdvisory(ghsa: string, severity: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ghsa_id: ghsa,
    cve_id: null,
    url: `https://api.github.com/advisories/${ghsa}`,
    html_url: `https://github.com/advisories/${ghsa}`,
    repository_advisory_url: null,
    summary: `Test advisory ${ghsa}`,
    description: 'Test.',
    type: 'reviewed',
    severity,
    source_code_location: null,
    identifiers: [{ type: 'GHSA', value: ghsa }],
    references: [],
    published_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-02T00:00:00Z',
    github_reviewed_at: '2024-01-01T00:00:00Z',
    nvd_published_at: null,
    withdrawn_at: null,
    vulnerabilities: [],
    cvss: { vector_string: null, score: null },
    cvss_severities: { cvss_v3: { vector_string: null, score: null }, cvss_v4: { vector_string: null, score: null } },
    cwes: [],
    credits: [],
    ...extra,
  };
}

/** An OSV record for an id. */
export function osvRecord(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { schema_version: '1.6.0', id, modified: '2024-01-01T00:00:00Z', published: '2024-01-01T00:00:00Z', aliases: [], details: 'Test.', affected: [], ...extra };
}
