/**
 * deptry JSON (`-o/--json-output FILE`).
 *
 * - deptry ≥0.10: a list of `{"error": {"code", "message"}, "module", "location": {"file", "line", "column"}}`;
 *   `line`/`column` are null for DEP002/DEP005 (they point at pyproject.toml / requirements.txt).
 *   `column` is 1-based since 0.14 and 0-based before: it is kept as given when ≥ 1 and dropped when 0.
 *   `file` uses OS separators (`src\\main.py` on Windows): normalised to POSIX.
 * - deptry <0.10: a dict of name lists `{"obsolete", "missing", "transitive", "misplaced_dev"}`, no
 *   locations; mapped to DEP002, DEP001, DEP003, DEP004.
 *
 * Codes (ruleName says what they mean): DEP001 missing dependency, DEP002 unused dependency,
 * DEP003 transitive dependency, DEP004 misplaced dev dependency, DEP005 standard-library module
 * declared as a dependency. An unknown `DEPnnn` code from a newer deptry is kept (ruleName "deptry DEPnnn").
 *
 * Severity: deptry has none; every violation is 'medium' (the policy decides by scope: default info,
 * block in changed code).
 *
 * Duplicates (same code, module, file and line — deptry repeats DEP002 for a package declared in
 * several groups) count once: `stats.raw` is the entry count, `stats.duplicates` the repeats,
 * `extra.occurrences` the repeats of each finding. Stats: raw, duplicates, total (= findings) and one
 * counter per code (`DEP001`…).
 *
 * Fingerprint: `deptry:<code>:<module>:<file>` (no line: stable when code moves); a second import site
 * of the same module in the same file gets `#2`, … (in report order).
 */
import { ReportParseError, normalizePath, type Finding, type Location, type ParsedReport } from '../model.js';
import {
  expectArray,
  expectObject,
  expectString,
  isJsonObject,
  jsonPath,
  jsonReportParser,
  optInteger,
  own,
  reqObject,
  reqString,
  type JsonObject,
  type JsonReportParser,
} from '../json.js';

export const DEPTRY_FORMAT = 'deptry-json';

export const DEPTRY_RULES: Record<string, string> = {
  DEP001: 'missing dependency (imported but not declared)',
  DEP002: 'unused dependency (declared but not imported)',
  DEP003: 'transitive dependency (imported but only installed through another package)',
  DEP004: 'misplaced dev dependency (imported but declared as a dev dependency)',
  DEP005: 'standard-library module declared as a dependency',
};

const LEGACY_KEYS: Record<string, { code: string; message: (m: string) => string }> = {
  missing: { code: 'DEP001', message: (m) => `'${m}' imported but missing from the dependency definitions` },
  obsolete: { code: 'DEP002', message: (m) => `'${m}' defined as a dependency but not used in the codebase` },
  transitive: { code: 'DEP003', message: (m) => `'${m}' imported but it is a transitive dependency` },
  misplaced_dev: { code: 'DEP004', message: (m) => `'${m}' imported but declared as a dev dependency` },
};

interface Violation {
  code: string;
  message: string;
  module: string;
  location?: Location;
}

function readList(arr: unknown[], file: string): Violation[] {
  const out: Violation[] = [];
  for (let i = 0; i < arr.length; i++) {
    const base = `$[${i}]`;
    const v = expectObject(arr[i], base);
    const err = reqObject(v, 'error', base);
    const code = reqString(err, 'code', `${base}.error`);
    if (!/^DEP\d{3}$/.test(code)) {
      throw new ReportParseError('deptry', file, `${base}.error.code`, `expected a deptry code like DEP001, got ${JSON.stringify(code.slice(0, 40))}`);
    }
    const message = reqString(err, 'message', `${base}.error`);
    const module = reqString(v, 'module', base);
    const loc = reqObject(v, 'location', base);
    const path = normalizePath(reqString(loc, 'file', `${base}.location`));
    const line = optInteger(loc, 'line', `${base}.location`);
    const column = optInteger(loc, 'column', `${base}.location`);
    const location: Location = { path };
    if (line !== undefined && line >= 1) location.line = line;
    if (column !== undefined && column >= 1) location.column = column;
    out.push({ code, message, module, location });
  }
  return out;
}

function readLegacy(o: JsonObject, file: string): Violation[] {
  const out: Violation[] = [];
  for (const key of Object.keys(o)) {
    const base = jsonPath('$', key);
    const rule = Object.hasOwn(LEGACY_KEYS, key) ? LEGACY_KEYS[key] : undefined;
    if (!rule) {
      throw new ReportParseError('deptry', file, base, `unknown key; a pre-0.10 deptry report has ${Object.keys(LEGACY_KEYS).join(', ')}`);
    }
    const names = expectArray(own(o, key), base);
    names.forEach((n, i) => {
      const module = expectString(n, `${base}[${i}]`);
      out.push({ code: rule.code, message: rule.message(module), module });
    });
  }
  return out;
}

/** deptry JSON, already parsed. Throws JsonShapeError / ReportParseError with the JSON path. */
export function parseDeptryValue(root: unknown, file: string): ParsedReport {
  let violations: Violation[];
  let toolVersion: string | undefined;
  if (Array.isArray(root)) {
    violations = readList(root, file);
  } else if (root !== null && typeof root === 'object') {
    violations = readLegacy(root as JsonObject, file);
    toolVersion = '<0.10';
  } else {
    throw new ReportParseError('deptry', file, '$', `expected an array (deptry ≥0.10) or an object (older deptry), got ${root === null ? 'null' : typeof root}`);
  }

  const byKey = new Map<string, Finding>();
  const fpSeen = new Map<string, number>();
  const stats: Record<string, number> = { raw: violations.length, duplicates: 0 };
  for (const v of violations) {
    const path = v.location?.path ?? '';
    const key = JSON.stringify([v.code, v.module, path, v.location?.line ?? null]);
    const prior = byKey.get(key);
    if (prior) {
      stats.duplicates = (stats.duplicates ?? 0) + 1;
      const extra = prior.extra ?? {};
      extra.occurrences = Number(extra.occurrences ?? 1) + 1;
      prior.extra = extra;
      continue;
    }
    let fp = `deptry:${v.code}:${v.module}:${path}`;
    const n = (fpSeen.get(fp) ?? 0) + 1;
    fpSeen.set(fp, n);
    if (n > 1) fp = `${fp}#${n}`;
    const f: Finding = {
      tool: 'deptry',
      ruleId: v.code,
      ruleName: DEPTRY_RULES[v.code] ?? `deptry ${v.code}`,
      title: v.message,
      severity: 'medium',
      fingerprint: fp,
      sourceFile: file,
      extra: { module: v.module, occurrences: 1 },
    };
    if (v.location) f.location = v.location;
    byKey.set(key, f);
    stats[v.code] = (stats[v.code] ?? 0) + 1;
  }
  const findings = [...byKey.values()];
  stats.total = findings.length;
  const report: ParsedReport = { tool: 'deptry', format: DEPTRY_FORMAT, findings, skipped: [], scanErrors: [], stats };
  if (toolVersion) report.toolVersion = toolVersion;
  return report;
}

function looksLikeDeptry(value: unknown): boolean {
  if (Array.isArray(value)) {
    if (value.length === 0) return true;
    const first: unknown = value[0];
    return isJsonObject(first) && isJsonObject(first.error) && Object.hasOwn(first, 'module');
  }
  return isJsonObject(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => Object.hasOwn(LEGACY_KEYS, k) && Array.isArray(value[k]));
}

export const deptryParser: JsonReportParser = jsonReportParser({
  tool: 'deptry',
  format: DEPTRY_FORMAT,
  label: 'deptry JSON (deptry --json-output, list or pre-0.10 dict)',
  sniff: (h) => {
    const t = h.trimStart();
    if (/^\[\s*\]\s*$/.test(t)) return true;
    if (t.startsWith('[')) return /"error"\s*:\s*\{/.test(t) && /"DEP\d{3}"/.test(t);
    return t.startsWith('{') && /"(?:missing|obsolete|transitive|misplaced_dev)"\s*:\s*\[/.test(t);
  },
  detectValue: looksLikeDeptry,
  parseValue: parseDeptryValue,
});
