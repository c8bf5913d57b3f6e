#!/usr/bin/env node
// `npm run bench`: the gate's bundles against the floor (JSON.parse of the same bytes in Node) and
// what teams use instead (a jq one-liner, a Python json script), in the same run, median of
// BENCH_RUNS runs (default 5) interleaved; wall time around the spawn and peak RSS (GNU time %M).
// Workloads: a ~70 MB Bandit JSON (80,000 findings repeated from real corpus results, .bench/), the
// same scan as SARIF, the small example reports of every tool, cold start, the promotion evidence
// over a 10-run window against a local GitHub-shaped server with latency, and the pip-audit
// severity lookup. Prints Markdown tables and writes them to .bench/results.md.
// Nothing leaves the machine: the API URL of the gate points at a closed local port.
//
//   npm run bench                     BENCH_RUNS=9 npm run bench
//   BENCH_ONLY=big,cold npm run bench (workloads: big, sarif, small, cold, promotion, severity)
//   BENCH_DIST=/tmp/dist npm run bench (bundles from another build)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchSeverity } from './bench-severity.mjs';
import { serveGitHub, REPO, WORKFLOW } from './bench/fake-github.mjs';
import { makeReports } from './bench/make-reports.mjs';
import { HAS_TIME, compare, measureOnce } from './bench/measure.mjs';
import { runnerEnv, parseOutputs } from './bench/runner-env.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS) || 5);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
// The bundles are copied once to a temp directory: a rebuild of dist/ during the run (it starts by
// deleting dist/) cannot break or mix the measurements. Outside the repository, as on a runner
// (the action's checkout has no node_modules above it): inside it, a bundled library's optional
// `require('picomatch')` (fdir's) found the repository's node_modules and loaded a second copy.
const DIST = snapshotDist(process.env.BENCH_DIST || join(root, 'dist'), mkdtempSync(join(tmpdir(), 'sg-bench-dist-')));
const GATE = join(DIST, 'gate/index.js');
const CLI = join(DIST, 'cli/index.js');
const PROMOTION = join(DIST, 'promotion/index.js');
const BENCH = join(root, '.bench');
const want = (w) => !ONLY || ONLY.has(w);

function snapshotDist(from, to) {
  if (from === to) return to;
  for (let attempt = 0; ; attempt++) {
    rmSync(to, { recursive: true, force: true });
    try {
      for (const name of ['gate', 'cli', 'promotion']) if (existsSync(join(from, name))) cpSync(join(from, name), join(to, name), { recursive: true });
      if (existsSync(join(to, 'gate/index.js')) && existsSync(join(to, 'cli/index.js'))) return to;
    } catch {
      /* a build is rewriting dist/: try again */
    }
    if (attempt >= 30) throw new Error(`${from}: no complete gate and CLI bundles (run npm run build)`);
    execFileSync('sleep', ['5']);
  }
}
const cleanup = [DIST];

function node24() {
  try {
    const p = execFileSync('npx', ['-y', 'node@24', '-p', 'process.execPath'], { encoding: 'utf8', timeout: 180_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop();
    if (p && existsSync(p)) return p;
  } catch {
    /* offline or no npx: the current node */
  }
  return process.execPath;
}

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const NODE = node24();
const NODE_VERSION = execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim();
const JQ = which('jq');
/** The interpreter itself, not a version-manager shim (pyenv's shim adds ~1 s per start). */
function realPython() {
  const shim = which('python3');
  if (!shim) return undefined;
  try {
    return execFileSync(shim, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim() || shim;
  } catch {
    return shim;
  }
}
const PYTHON = realPython();
const PY_VERSION = PYTHON ? execFileSync(PYTHON, ['--version'], { encoding: 'utf8' }).trim() : '';
const JQ_VERSION = JQ ? execFileSync(JQ, ['--version'], { encoding: 'utf8' }).trim() : '';

const fmtMs = (ms) => (ms === null || ms === undefined ? '–' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const fmtMB = (b) => (b === null || b === undefined ? '–' : `${Math.round(b / 1e6)} MB`);
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '–');

const out = [];
const say = (s = '') => {
  out.push(s);
  console.log(s);
};

/** A gate run as the runner does it: fresh runner files per candidate, default annotations. */
function gateCandidate(name, workspace, inputs) {
  const r = runnerEnv(workspace, { 'upload-artifact': 'false', 'severity-source': 'off', 'secret-scan': 'false', 'github-token': 'bench-token', phase: '1', ...inputs });
  cleanup.push(r.dir);
  return { name, cmd: NODE, args: [GATE], opts: { env: r.env, cwd: workspace }, outputs: r.outputs };
}

/** The CLI; `resultFile: false` = the verdict, counts and summary only (what jq and Python produce). */
function cliCandidate(name, workspace, flags, { resultFile = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-cli-'));
  cleanup.push(dir);
  const result = resultFile ? ['--result-file', join(dir, 'result.json')] : [];
  // The action's settings (gateCandidate): no severity lookups, no secret scan of the change (git).
  return { name, cmd: NODE, args: [CLI, '--workspace', workspace, '--severity-source', 'off', '--secret-scan', 'false', '--no-color', ...result, ...flags], opts: { cwd: workspace, env: { PATH: process.env.PATH, HOME: process.env.HOME } } };
}

function floorCandidate(files) {
  const code = `const fs=require('fs');for(const f of ${JSON.stringify(files)})JSON.parse(fs.readFileSync(f,'utf8'))`;
  return { name: 'floor: node JSON.parse', cmd: NODE, args: ['-e', code] };
}

function check(c, r) {
  if (r.code !== 0) throw new Error(`${c.name} exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
}

const VERDICT_ONLY = 'CLI bundle, verdict and summary only (no result file)';

/** One big-report workload: gate, CLI (with and without the result file), floor, jq, Python. */
async function bigWorkload(title, file, bytes, jqFilter) {
  const name = file.slice(BENCH.length + 1);
  const gate = gateCandidate('gate bundle (action)', BENCH, { 'bandit-report': name });
  const candidates = [
    floorCandidate([file]),
    gate,
    cliCandidate('CLI bundle', BENCH, ['--bandit-report', name]),
    cliCandidate(VERDICT_ONLY, BENCH, ['--bandit-report', name], { resultFile: false }),
  ];
  if (JQ) candidates.push({ name: 'jq one-liner (severity counts)', cmd: JQ, args: ['-c', jqFilter, file] });
  if (PYTHON) candidates.push({ name: 'Python json script (counts, verdict)', cmd: PYTHON, args: [join(root, 'scripts/bench/baseline.py'), file] });
  const res = await compare(candidates, RUNS, { check });
  const floor = res['floor: node JSON.parse'];
  say(`### ${title} (${fmtMB(bytes)}, ${name})`);
  say('');
  say('| | median wall | vs floor | peak RSS | RSS / file size |');
  say('|---|---|---|---|---|');
  for (const c of candidates) {
    const r = res[c.name];
    say(`| ${c.name} | ${fmtMs(r.wallMs)} | ${ratio(r.wallMs, floor.wallMs)} | ${fmtMB(r.rssBytes)} | ${r.rssBytes ? (r.rssBytes / bytes).toFixed(2) + 'x' : '–'} |`);
  }
  if (!JQ) say('| jq one-liner | jq not installed | | | |');
  if (!PYTHON) say('| Python json script | python3 not installed | | | |');
  const o = gate.outputs();
  const py = PYTHON ? JSON.parse(res['Python json script (counts, verdict)'].last.stdout) : undefined;
  say('');
  say(`Gate outputs: verdict ${o.verdict}, bandit high/medium/low ${o['bandit-high']}/${o['bandit-medium']}/${o['bandit-low']}, would block ${o['would-block']}` + (py ? `; Python: ${py.verdict}, ${py.counts.HIGH}/${py.counts.MEDIUM}/${py.counts.LOW}, would block ${py.wouldBlock}` : '') + (JQ ? `; jq: ${res['jq one-liner (severity counts)'].last.stdout.trim()}` : ''));
  say('');
  return { floor, gate: res['gate bundle (action)'], cli: res['CLI bundle'], verdictOnly: res[VERDICT_ONLY], jq: JQ ? res['jq one-liner (severity counts)'] : undefined, python: PYTHON ? res['Python json script (counts, verdict)'] : undefined, bytes };
}

const SMALL = {
  'bandit-report': 'bandit-report.json',
  'pip-audit-report': 'pip-audit.json',
  'gitleaks-report': 'gitleaks-report.json',
  'deptry-report': 'deptry.json',
  'vulture-report': 'vulture.txt',
  'mutmut-report': 'mutmut-cicd-stats.json',
};

async function smallWorkload() {
  const ws = join(root, 'examples/reports');
  const json = Object.values(SMALL).filter((f) => f.endsWith('.json')).map((f) => join(ws, f));
  const flags = Object.entries(SMALL).flatMap(([k, v]) => [`--${k}`, v]);
  const candidates = [
    { name: 'bare node (node -e 0)', cmd: NODE, args: ['-e', '0'] },
    floorCandidate(json),
    gateCandidate('gate bundle (action)', ws, SMALL),
    cliCandidate('CLI bundle', ws, flags),
  ];
  if (PYTHON) candidates.push({ name: 'Python json script (Bandit only)', cmd: PYTHON, args: [join(root, 'scripts/bench/baseline.py'), join(ws, SMALL['bandit-report'])] });
  const res = await compare(candidates, RUNS, { check });
  const bare = res['bare node (node -e 0)'];
  say(`### Small reports of every tool (examples/reports/: ${Object.keys(SMALL).length} reports)`);
  say('');
  say('| | median wall | vs bare node | peak RSS |');
  say('|---|---|---|---|');
  for (const c of candidates) say(`| ${c.name} | ${fmtMs(res[c.name].wallMs)} | ${ratio(res[c.name].wallMs, bare.wallMs)} | ${fmtMB(res[c.name].rssBytes)} |`);
  say('');
  return { bare, gate: res['gate bundle (action)'], cli: res['CLI bundle'], resultJson: readFileSync(join(candidates[2].opts.env.RUNNER_TEMP, 'security-gate/security-gate-result.json'), 'utf8') };
}

async function coldWorkload(tiny) {
  const name = tiny.slice(BENCH.length + 1);
  const candidates = [
    { name: 'bare node (node -e 0)', cmd: NODE, args: ['-e', '0'] },
    gateCandidate('gate bundle (action), 1 finding', BENCH, { 'bandit-report': name }),
    cliCandidate('CLI bundle, 1 finding', BENCH, ['--bandit-report', name]),
  ];
  const res = await compare(candidates, Math.max(RUNS, 9), { check });
  const bare = res['bare node (node -e 0)'];
  say(`### Cold start (a one-finding Bandit report; ${Math.max(RUNS, 9)} runs)`);
  say('');
  say('| | median wall | vs bare node | peak RSS |');
  say('|---|---|---|---|');
  for (const c of candidates) say(`| ${c.name} | ${fmtMs(res[c.name].wallMs)} | ${ratio(res[c.name].wallMs, bare.wallMs)} | ${fmtMB(res[c.name].rssBytes)} |`);
  say('');
  return { bare, gate: res['gate bundle (action), 1 finding'] };
}

async function promotionWorkload(resultJson, latencyMs = 50) {
  const gh = await serveGitHub({ runs: 10, resultJson, latencyMs });
  try {
    const ws = mkdtempSync(join(tmpdir(), 'sg-bench-promo-'));
    cleanup.push(ws);
    writeFileSync(join(ws, 'Justfile'), 'api-security-bandit:\n    bandit -r src -f json -o reports/bandit.json\napi-security-audit:\n    pip-audit -f json -o reports/pip-audit.json\n@api-quality-security-hygiene *args:\n    deptry . --json-output reports/deptry.json\n');
    const r = runnerEnv(ws, { 'github-token': 'bench-token', repository: REPO, workflow: WORKFLOW, window: '10', 'stable-runs': '5', 'output-dir': '.' }, { GITHUB_API_URL: gh.url });
    cleanup.push(r.dir);
    const samples = [];
    let requests = 0;
    for (let i = 0; i <= RUNS; i++) {
      const before = gh.state.requests;
      const m = await measureOnce(NODE, [PROMOTION], { env: r.env, cwd: ws });
      if (m.code !== 0) throw new Error(`promotion exited ${m.code}: ${m.stdout.slice(-1500)}${m.stderr.slice(0, 1500)}`);
      if (i > 0) samples.push(m.wallMs);
      requests = gh.state.requests - before;
    }
    samples.sort((a, b) => a - b);
    const wallMs = samples[samples.length >> 1];
    const outputs = parseOutputs(readFileSync(r.files.output, 'utf8'));
    say(`### Promotion evidence (10-run window, local GitHub-shaped server, ${latencyMs} ms per answer)`);
    say('');
    say('| requests per run (incl. blob downloads) | median wall | wall / latency | ready tools |');
    say('|---|---|---|---|');
    say(`| ${requests} | ${fmtMs(wallMs)} | ${(wallMs / latencyMs).toFixed(1)} round trips | ${outputs['ready-tools'] || '(none)'} |`);
    say('');
    return { requests, wallMs };
  } finally {
    await gh.close();
  }
}

async function severityWorkload() {
  say('### pip-audit severity lookup (15 vulnerabilities of the corpus report, 100 ms injected latency)');
  say('');
  say('| concurrency | requests | max in flight | wall | wall / latency |');
  say('|---|---|---|---|---|');
  const rows = [];
  for (const concurrency of [8, 1]) {
    const r = await benchSeverity({ latencyMs: 100, concurrency });
    rows.push(r);
    say(`| ${concurrency} | ${r.requests} | ${r.maxInFlight} | ${fmtMs(r.wallMs)} | ${(r.wallMs / 100).toFixed(1)} round trips |`);
  }
  say('');
  return rows;
}

async function main() {
  for (const f of [GATE, CLI]) if (!existsSync(f)) throw new Error(`${f} missing: run npm run build`);
  mkdirSync(BENCH, { recursive: true });
  console.error('bench: preparing the big reports in .bench/ (first run only) …');
  const rep = makeReports(root);
  say('## security-gate benchmark');
  say('');
  say(`${new Date().toISOString().slice(0, 16)}Z · ${cpus().length} cores (${cpus()[0]?.model?.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB · Node ${NODE_VERSION} (bundles and floor) · ${JQ_VERSION || 'jq not installed'} · ${PY_VERSION || 'python3 not installed'} · median of ${RUNS} runs, interleaved, after a warm-up · peak RSS ${HAS_TIME ? 'from GNU time' : 'not measured (no /usr/bin/time)'} · load average at start ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  say('');
  const s = {};
  if (want('big')) s.big = await bigWorkload(`Bandit JSON, ${rep.findings.toLocaleString('en')} findings`, rep.big, rep.sizes.big, '[.results[].issue_severity] | group_by(.) | map({(.[0]): length}) | add');
  if (want('sarif')) s.sarif = await bigWorkload(`The same scan as Bandit SARIF`, rep.sarif, rep.sizes.sarif, '[.runs[].results[].properties.issue_severity] | group_by(.) | map({(.[0]): length}) | add');
  let small;
  if (want('small') || want('promotion')) small = await smallWorkload();
  if (want('cold')) s.cold = await coldWorkload(rep.tiny);
  if (want('promotion') && existsSync(PROMOTION)) s.promotion = await promotionWorkload(small.resultJson);
  if (want('severity')) s.severity = await severityWorkload();

  say('### Targets');
  say('');
  say('| target | measured | met |');
  say('|---|---|---|');
  const row = (t, m, ok) => say(`| ${t} | ${m} | ${ok === undefined ? '–' : ok ? 'yes' : '**no**'} |`);
  if (s.big) {
    const g = s.big.gate;
    row('big Bandit JSON: gate within 2x the JSON.parse floor (gate issue)', ratio(g.wallMs, s.big.floor.wallMs), g.wallMs <= 2 * s.big.floor.wallMs);
    row('big Bandit JSON: gate within 1.5x the JSON.parse floor (hardening issue)', ratio(g.wallMs, s.big.floor.wallMs), g.wallMs <= 1.5 * s.big.floor.wallMs);
    if (s.big.jq) row('gate faster than the jq one-liner', `${fmtMs(g.wallMs)} vs ${fmtMs(s.big.jq.wallMs)}`, g.wallMs < s.big.jq.wallMs);
    if (s.big.python) row('gate faster than the Python script', `${fmtMs(g.wallMs)} vs ${fmtMs(s.big.python.wallMs)}`, g.wallMs < s.big.python.wallMs);
    // The same work as the baselines (counts and a verdict, no 63 MB result file, no SARIF, no copy).
    const v = s.big.verdictOnly;
    if (s.big.jq) row('same work as the baselines (CLI, verdict only) faster than jq', `${fmtMs(v.wallMs)} vs ${fmtMs(s.big.jq.wallMs)}`, v.wallMs < s.big.jq.wallMs);
    if (s.big.python) row('same work as the baselines (CLI, verdict only) faster than Python', `${fmtMs(v.wallMs)} vs ${fmtMs(s.big.python.wallMs)}`, v.wallMs < s.big.python.wallMs);
    if (g.rssBytes) {
      const m = `${(g.rssBytes / s.big.bytes).toFixed(2)}x (the floor itself: ${(s.big.floor.rssBytes / s.big.bytes).toFixed(2)}x)`;
      row('big Bandit JSON: peak RSS under 3x the file size (gate issue)', m, g.rssBytes < 3 * s.big.bytes);
      row('big Bandit JSON: peak RSS under 2.5x the file size (hardening issue)', m, g.rssBytes < 2.5 * s.big.bytes);
    }
  }
  if (s.sarif) row('SARIF: gate within 1.5x the floor', ratio(s.sarif.gate.wallMs, s.sarif.floor.wallMs), s.sarif.gate.wallMs <= 1.5 * s.sarif.floor.wallMs);
  if (s.cold) row('cold start under 2.5x bare Node', ratio(s.cold.gate.wallMs, s.cold.bare.wallMs), s.cold.gate.wallMs < 2.5 * s.cold.bare.wallMs);
  if (s.severity) row('severity lookup: a few round trips, not fifteen', `${(s.severity[0].wallMs / 100).toFixed(1)} round trips, ${s.severity[0].requests} requests`, s.severity[0].wallMs / 100 < 6);
  say('');
  writeFileSync(join(BENCH, 'results.md'), out.join('\n') + '\n');
  console.error(`bench: written to .bench/results.md`);
}

try {
  await main();
} finally {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
}
