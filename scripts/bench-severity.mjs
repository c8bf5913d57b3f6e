#!/usr/bin/env node
// Benchmark of the pip-audit severity lookup (src/enrich/severity.ts): the 15-vulnerability corpus
// report resolved against GitHub- and OSV-shaped APIs served on 127.0.0.1 with injected latency.
// Prints requests, in-flight maximum and wall time. Nothing leaves the machine.
//
//   node scripts/bench-severity.mjs [--latency 100] [--concurrency 8]
//   import { benchSeverity } from './bench-severity.mjs'   // from scripts/bench.mjs
//
// The TypeScript sources are transpiled with @swc/core (already a dev dependency) into
// node_modules/.cache/security-gate-bench/ so the bench needs no build step.
import { createServer } from 'node:http';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const REPORT = '__tests__/fixtures/pip-audit/varshinivelmurugan47__secure-coding-review-task/pip-audit.json';

async function loadResolver() {
  const { transformFileSync } = await import('@swc/core');
  const out = join(root, 'node_modules/.cache/security-gate-bench');
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
  for (const file of walk(join(root, 'src'))) {
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    try {
      const { code } = transformFileSync(file, { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' }, sourceMaps: false });
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, code);
    } catch {
      // A file another engineer is editing may not parse; the lookup does not import it.
    }
  }
  return import(pathToFileURL(join(out, 'src/enrich/severity.js')).href);
}

/** Findings as the pip-audit parser makes them (id, aliases, package), read minimally. */
function findingsOf(reportPath) {
  const doc = JSON.parse(readFileSync(join(root, reportPath), 'utf8'));
  const deps = Array.isArray(doc) ? doc : doc.dependencies ?? [];
  return deps.flatMap((d) =>
    (d.vulns ?? []).map((v) => ({
      tool: 'pip-audit',
      ruleId: v.id,
      title: `${v.id} in ${d.name}`,
      severity: 'unknown',
      package: { name: d.name, version: d.version },
      aliases: v.aliases ?? [],
      fingerprint: `pip-audit:${d.name}:${v.id}`,
      sourceFile: reportPath,
    })),
  );
}

/** GitHub (under /gh) and OSV (under /osv) answering every id, each answer after `latencyMs`. */
async function fakeApis(latencyMs) {
  const state = { requests: 0, inFlight: 0, maxInFlight: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.requests++;
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      let body = { message: 'Not Found' };
      let status = 404;
      const gh = /^\/gh\/advisories\/([^/]+)$/.exec(path);
      const osv = /^\/osv\/v1\/vulns\/([^/]+)$/.exec(path);
      if (gh) [status, body] = [200, { ghsa_id: decodeURIComponent(gh[1]), severity: 'high', cvss_severities: { cvss_v3: { vector_string: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', score: 7.5 } } }];
      if (osv) [status, body] = [200, { id: decodeURIComponent(osv[1]), aliases: [], severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' }] }];
      setTimeout(() => {
        state.inFlight--;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }, latencyMs);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { state, github: `${url}/gh`, osv: `${url}/osv`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * Resolves the corpus report's 15 vulnerabilities with `latencyMs` on every answer.
 * Returns { vulnerabilities, advisories, requests, maxInFlight, wallMs, resolved }.
 */
export async function benchSeverity({ latencyMs = 100, concurrency = 8, reportPath = REPORT } = {}) {
  const { resolveSeverities } = await loadResolver();
  const findings = findingsOf(reportPath);
  const apis = await fakeApis(latencyMs);
  try {
    // One warm-up run (fetch and the CVSS library load once per process), then the measured run.
    await resolveSeverities(findings, { source: 'github,osv', githubApiUrl: apis.github, osvApiUrl: apis.osv, concurrency });
    apis.state.requests = 0;
    apis.state.maxInFlight = 0;
    const t0 = performance.now();
    const { stats } = await resolveSeverities(findings, { source: 'github,osv', githubApiUrl: apis.github, osvApiUrl: apis.osv, concurrency });
    const wallMs = Math.round(performance.now() - t0);
    return { vulnerabilities: findings.length, advisories: stats.advisories, requests: apis.state.requests, maxInFlight: apis.state.maxInFlight, wallMs, resolved: stats.resolved, latencyMs, concurrency };
  } finally {
    await apis.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const latencyMs = arg('latency', 100);
  for (const concurrency of [arg('concurrency', 8), 1]) {
    const r = await benchSeverity({ latencyMs, concurrency });
    console.log(
      `severity lookup: ${r.vulnerabilities} vulnerabilities, ${r.advisories} advisories, ${r.requests} requests, ` +
        `concurrency ${concurrency} (max ${r.maxInFlight} in flight), ${latencyMs} ms latency: ${r.wallMs} ms wall (${(r.wallMs / latencyMs).toFixed(1)} round trips)`,
    );
  }
}
