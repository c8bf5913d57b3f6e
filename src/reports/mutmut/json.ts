/**
 * mutmut 3 JSON files:
 * - `mutmut export-cicd-stats` (≥3.5.0, `mutants/mutmut-cicd-stats.json`): counters only
 *   `{killed, survived, total, no_tests, skipped, suspicious, timeout, check_was_interrupted_by_user,
 *   segfault}`. No per-mutant data, so no findings: the policy reads `stats.survived` / `stats.score`.
 * - a `mutants/<file>.meta` file: `{"exit_code_by_key": {key: code|null}, …}`, or a map of such
 *   maps keyed by meta file name (`{"mutants/src/pkg/mod.py.meta": {key: code}}`, as mutmut's own
 *   e2e snapshots hold them). Statuses come from the exit codes (see `statusOfExitCode`); when the
 *   meta file name is known the finding's location is the real source path
 *   (`mutants/src/pkg/mod.py.meta` -> `src/pkg/mod.py`).
 */
import { ReportParseError, normalizePath, type ParsedReport } from '../model.js';
import {
  expectObject,
  hasOwn,
  isJsonObject,
  jsonPath,
  optInteger,
  jsonReportParser,
  own,
  reqInteger,
  typeName,
  type JsonObject,
  type JsonReportParser,
} from '../json.js';
import { MutantCounter, emptyMutantCounts, isReported, keyFinding, mutmutStats, statusOfExitCode, type MutantStatus } from './common.js';

export const MUTMUT_CICD_FORMAT = 'mutmut3-cicd-stats';
export const MUTMUT_META_FORMAT = 'mutmut3-meta';

const CICD_KEYS: Record<string, MutantStatus> = {
  killed: 'killed',
  survived: 'survived',
  no_tests: 'untested',
  skipped: 'skipped',
  suspicious: 'suspicious',
  timeout: 'timeout',
  check_was_interrupted_by_user: 'interrupted',
  segfault: 'segfault',
  caught_by_type_check: 'caughtByTypeCheck',
  not_checked: 'notChecked',
};

export function parseMutmutCicdStatsValue(root: unknown, file: string): ParsedReport {
  const o = expectObject(root, '$');
  const counts: Record<MutantStatus, number> = emptyMutantCounts();
  // killed, survived and total are what makes it this format; the others may be absent in other versions.
  for (const k of ['killed', 'survived', 'total']) {
    const v = reqInteger(o, k, '$');
    if (v < 0) throw new ReportParseError('mutmut', file, jsonPath('$', k), `expected a count (>= 0), got ${v}`);
  }
  for (const [key, status] of Object.entries(CICD_KEYS)) {
    const v = optInteger(o, key, '$');
    if (v === undefined) continue;
    if (v < 0) throw new ReportParseError('mutmut', file, jsonPath('$', key), `expected a count (>= 0), got ${v}`);
    counts[status] = v;
  }
  const total = reqInteger(o, 'total', '$');
  const sum = Object.values(counts).reduce((a, b) => a + b, 0);
  if (sum > total) throw new ReportParseError('mutmut', file, jsonPath('$', 'total'), `the mutants counted by status add up to ${sum}, more than the total of ${total}`);
  // The export has no key for mutants never run: the total's rest is them (the policy: unfinished).
  counts.notChecked += total - sum;
  return {
    tool: 'mutmut',
    format: MUTMUT_CICD_FORMAT,
    toolVersion: '3.x',
    findings: [],
    skipped: [],
    scanErrors: [],
    stats: mutmutStats(counts, true, total),
  };
}

/**
 * `mutants/src/pkg/mod.py.meta` -> `src/pkg/mod.py`; `api/mutants/src/x.py.meta` -> `api/src/x.py`
 * (mutmut mirrors the project under `mutants/`: the last `mutants/` segment is dropped).
 */
export function sourcePathOfMeta(metaFile: string): string {
  const p = normalizePath(metaFile).replace(/\.meta$/, '');
  const i = p.lastIndexOf('mutants/');
  if (i === 0) return p.slice('mutants/'.length);
  if (i > 0 && p.charAt(i - 1) === '/') return p.slice(0, i) + p.slice(i + 'mutants/'.length);
  return p;
}

function readExitCodes(map: JsonObject, base: string, counter: MutantCounter, file: string, knownPath?: string): void {
  for (const key of Object.keys(map)) {
    const v = map[key];
    const where = () => jsonPath(base, key);
    if (v !== null && (typeof v !== 'number' || !Number.isInteger(v))) {
      throw new ReportParseError('mutmut', file, where(), `expected an exit code (integer or null), got ${typeName(v)}`);
    }
    if (!/__mutmut_\d+$/.test(key)) throw new ReportParseError('mutmut', file, where(), 'not a mutmut 3 mutant key (expected "<module>.x_<function>__mutmut_<n>")');
    const status = statusOfExitCode(v);
    counter.add(status, isReported(status) ? () => keyFinding(status, key, file, knownPath) : undefined);
  }
}


export function parseMutmutMetaValue(root: unknown, file: string): ParsedReport {
  const o = expectObject(root, '$');
  const counter = new MutantCounter(true);
  if (hasOwn(o, 'exit_code_by_key')) {
    const map = expectObject(own(o, 'exit_code_by_key'), '$.exit_code_by_key');
    const known = /\.meta$/.test(file) ? sourcePathOfMeta(file) : undefined;
    readExitCodes(map, '$.exit_code_by_key', counter, file, known);
  } else {
    const keys = Object.keys(o);
    if (keys.length === 0) throw new ReportParseError('mutmut', file, '$', 'expected "exit_code_by_key" or a map of "<file>.meta" entries');
    for (const metaFile of keys) {
      const where = jsonPath('$', metaFile);
      if (!metaFile.endsWith('.meta')) throw new ReportParseError('mutmut', file, where, 'expected a "<file>.meta" key');
      const inner = expectObject(o[metaFile], where);
      const map = isJsonObject(own(inner, 'exit_code_by_key')) ? (own(inner, 'exit_code_by_key') as JsonObject) : inner;
      readExitCodes(map, map === inner ? where : jsonPath(where, 'exit_code_by_key'), counter, file, sourcePathOfMeta(metaFile));
    }
  }
  return {
    tool: 'mutmut',
    format: MUTMUT_META_FORMAT,
    toolVersion: '3.x',
    findings: counter.findings,
    skipped: [],
    scanErrors: [],
    stats: counter.stats(),
  };
}

function looksLikeCicdStats(value: unknown): boolean {
  return isJsonObject(value) && typeof value.killed === 'number' && typeof value.survived === 'number' && !Object.hasOwn(value, 'exit_code_by_key');
}

function looksLikeMeta(value: unknown): boolean {
  if (!isJsonObject(value)) return false;
  if (Object.hasOwn(value, 'exit_code_by_key')) return true;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.endsWith('.meta'));
}

export const mutmutCicdStatsParser: JsonReportParser = jsonReportParser({
  tool: 'mutmut',
  format: MUTMUT_CICD_FORMAT,
  label: 'mutmut 3 export-cicd-stats JSON',
  sniff: (h) => {
    const t = h.trimStart();
    return t.startsWith('{') && /"killed"\s*:/.test(t) && /"survived"\s*:/.test(t) && !/"exit_code_by_key"/.test(t);
  },
  detectValue: looksLikeCicdStats,
  parseValue: parseMutmutCicdStatsValue,
});

export const mutmutMetaParser: JsonReportParser = jsonReportParser({
  tool: 'mutmut',
  format: MUTMUT_META_FORMAT,
  label: 'mutmut 3 mutants/<file>.meta JSON',
  sniff: (h) => {
    const t = h.trimStart();
    return t.startsWith('{') && (/"exit_code_by_key"\s*:/.test(t) || /^\{\s*"[^"]*\.meta"\s*:\s*\{/.test(t));
  },
  detectValue: looksLikeMeta,
  parseValue: parseMutmutMetaValue,
});
