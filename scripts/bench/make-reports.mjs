// Builds the big benchmark reports in .bench/ from real corpus results (never edited fixtures:
// copies, with varied file names and line numbers):
//   .bench/bandit-big.json   Bandit JSON, pretty-printed like Bandit (indent 2, sort_keys, ensure_ascii)
//   .bench/bandit-big.sarif  the same scan as Bandit's built-in SARIF formatter writes it
//   .bench/bandit-tiny.json  one result (cold-start workload)
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = [
  'BahzingaDev__bandit-demo/bandit-report.json',
  'AndrewAltimit__template-repo/bandit-report.json',
  'DefectDojo__django-DefectDojo/many_vulns.json',
  'DefectDojo__django-DefectDojo/dd2.json',
  'DefectDojo__django-DefectDojo/dd.json',
];
/** Directories the copies are spread over; some are critical paths under the default policy. */
const DIRS = ['app/api', 'app/auth', 'app/services', 'app/db', 'lib/util', 'app/views', 'tools', 'app/models'];

/** Python's json.dumps(sort_keys=True, indent=2) with ensure_ascii. */
function pyDumps(value, indent = 2) {
  const esc = (s) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const out = [];
  const walk = (v, depth) => {
    if (v === null || typeof v !== 'object') {
      out.push(typeof v === 'string' ? esc(v) : JSON.stringify(v));
      return;
    }
    const pad = '\n' + ' '.repeat((depth + 1) * indent);
    const end = '\n' + ' '.repeat(depth * indent);
    if (Array.isArray(v)) {
      if (v.length === 0) return void out.push('[]');
      out.push('[');
      v.forEach((x, i) => {
        out.push(i ? ',' + pad : pad);
        walk(x, depth + 1);
      });
      out.push(end + ']');
      return;
    }
    const keys = Object.keys(v).sort();
    if (keys.length === 0) return void out.push('{}');
    out.push('{');
    keys.forEach((k, i) => {
      out.push((i ? ',' : '') + pad + esc(k) + ': ');
      walk(v[k], depth + 1);
    });
    out.push(end + '}');
  };
  walk(value, 0);
  return out.join('');
}

function corpusResults(root) {
  const pool = [];
  for (const [source, s] of SOURCES.entries()) {
    const doc = JSON.parse(readFileSync(join(root, '__tests__/fixtures/bandit', s), 'utf8'));
    // Results with very long snippets (a few minified vendored files) would make the file bigger
    // per finding than a typical scan; the rest are taken as they are.
    const fileIds = new Map();
    for (const r of doc.results) {
      if (!fileIds.has(r.filename)) fileIds.set(r.filename, fileIds.size);
      if (JSON.stringify(r, null, 2).length <= 1500) pool.push({ ...r, source: `${source}-${fileIds.get(r.filename)}` });
    }
  }
  return pool;
}

/** The file name of copy `k` of a corpus result: POSIX, relative, spread over DIRS. */
function renamed(filename, k, source) {
  // One name per original file (never two files on one name: Bandit's exact duplicates would be dropped).
  const base = filename.replace(/\\/g, '/').split('/').pop();
  return `${DIRS[k % DIRS.length]}/mod${Math.floor(k / DIRS.length)}/s${source}_${base}`;
}

export function buildBigScan(root, target = 80_000) {
  const pool = corpusResults(root);
  const results = [];
  for (let k = 0; results.length < target; k++) {
    for (const r of pool) {
      if (results.length >= target) break;
      const shift = (k * 7) % 400;
      const { source, ...raw } = r;
      const copy = { ...raw, filename: renamed(r.filename, k, source), line_number: r.line_number + shift };
      if (Array.isArray(r.line_range)) copy.line_range = r.line_range.map((n) => n + shift);
      if (typeof r.code === 'string') {
        copy.code = r.code.replace(/^(\d+)(\s)/gm, (_, n, sp) => `${Number(n) + shift}${sp}`);
      }
      results.push(copy);
    }
  }
  results.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : a.line_number - b.line_number));
  const zero = () => ({ 'CONFIDENCE.HIGH': 0, 'CONFIDENCE.LOW': 0, 'CONFIDENCE.MEDIUM': 0, 'CONFIDENCE.UNDEFINED': 0, 'SEVERITY.HIGH': 0, 'SEVERITY.LOW': 0, 'SEVERITY.MEDIUM': 0, 'SEVERITY.UNDEFINED': 0, loc: 0, nosec: 0, skipped_tests: 0 });
  const metrics = { _totals: zero() };
  for (const r of results) {
    const m = (metrics[r.filename] ??= { ...zero(), loc: 120 + (r.line_number % 300) });
    for (const x of [m, metrics._totals]) {
      x[`SEVERITY.${r.issue_severity}`]++;
      x[`CONFIDENCE.${r.issue_confidence}`]++;
    }
  }
  metrics._totals.loc = Object.values(metrics).reduce((n, m) => n + m.loc, 0);
  return { errors: [], generated_at: '2026-11-23T19:42:10Z', metrics, results };
}

const LEVEL = { HIGH: 'error', LOW: 'note' };

/** The same scan as bandit's built-in SARIF formatter (bandit/formatters/sarif.py) writes it. */
export function toSarif(scan) {
  const rules = [];
  const ruleIndex = new Map();
  const out = [];
  for (const r of scan.results) {
    if (!ruleIndex.has(r.test_id)) {
      ruleIndex.set(r.test_id, rules.length);
      const tags = ['security'];
      if (r.issue_cwe?.id) tags.push(`external/cwe/cwe-${r.issue_cwe.id}`);
      rules.push({ id: r.test_id, name: r.test_name, helpUri: r.more_info, properties: { tags, precision: r.issue_confidence.toLowerCase() } });
    }
    const lines = (r.code ?? '').split('\n').filter(Boolean);
    const flagged = lines.find((l) => l.startsWith(`${r.line_number} `)) ?? lines[0] ?? '';
    const range = r.line_range ?? [r.line_number];
    const res = {
      ruleId: r.test_id,
      ruleIndex: ruleIndex.get(r.test_id),
      message: { text: r.issue_text },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: r.filename.split('/').map(encodeURIComponent).join('/') },
            region: { startLine: r.line_number, endLine: range[range.length - 1], startColumn: (r.col_offset ?? 0) + 1, endColumn: (r.end_col_offset ?? 0) + 1, snippet: { text: flagged.replace(/^\d+\s/, '') + '\n' } },
            contextRegion: { startLine: Math.max(1, r.line_number - 1), endLine: range[range.length - 1] + 1, snippet: { text: lines.map((l) => l.replace(/^\d+\s/, '')).join('\n') + '\n' } },
          },
        },
      ],
      properties: { issue_confidence: r.issue_confidence, issue_severity: r.issue_severity },
    };
    if (LEVEL[r.issue_severity]) res.level = LEVEL[r.issue_severity];
    out.push(res);
  }
  return {
    runs: [
      {
        tool: { driver: { name: 'Bandit', organization: 'PyCQA', rules, version: '1.9.4', semanticVersion: '1.9.4' } },
        invocations: [{ executionSuccessful: true, endTimeUtc: '2026-11-23T19:42:10Z' }],
        properties: { metrics: scan.metrics },
        results: out,
      },
    ],
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
  };
}

/** Writes the files once (kept between runs; delete .bench/ to rebuild). Returns their paths and sizes. */
export function makeReports(root, { target = 80_000 } = {}) {
  const dir = join(root, '.bench');
  mkdirSync(dir, { recursive: true });
  const files = { big: join(dir, 'bandit-big.json'), sarif: join(dir, 'bandit-big.sarif'), tiny: join(dir, 'bandit-tiny.json') };
  if (!existsSync(files.big) || !existsSync(files.sarif) || !existsSync(files.tiny)) {
    const scan = buildBigScan(root, target);
    writeFileSync(files.big, pyDumps(scan));
    writeFileSync(files.sarif, pyDumps(toSarif(scan)));
    const one = scan.results[0];
    writeFileSync(files.tiny, pyDumps({ errors: [], generated_at: scan.generated_at, metrics: { _totals: scan.metrics._totals, [one.filename]: scan.metrics[one.filename] }, results: [one] }));
  }
  const size = (f) => statSync(f).size;
  const big = JSON.parse(readFileSync(files.big, 'utf8'));
  return { ...files, sizes: { big: size(files.big), sarif: size(files.sarif), tiny: size(files.tiny) }, findings: big.results.length };
}
