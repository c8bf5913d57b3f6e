/**
 * pip-audit JSON (`pip-audit -f json`, FORMATS.md 2.1): the legacy bare array (< 2.0) and the 2.x
 * object `{"dependencies": [...], "fixes": [...]}` (`fixes` may be missing in hand-made files).
 *
 * - One finding per (dependency, vulnerability id); repeats are dropped and counted (stats.duplicates).
 * - Skipped dependencies (`skip_reason`) go to `skipped`, never to findings: "not audited" is not "clean".
 *   One that still lists vulnerabilities is refused (pip-audit never writes that; dropping them would pass).
 * - No severity exists in the report: severity `unknown`, severitySource `none`.
 * - `aliases` are sorted (pip-audit serialises a Python set: the order changes between runs).
 */
import type { Finding, ParsedReport, SkippedItem } from '../model.js';
import {
  expectArray,
  expectObject,
  isJsonObject,
  JsonShapeError,
  jsonReportParser,
  optArray,
  optString,
  optStringArray,
  reqString,
  truncateText,
  type JsonObject,
} from '../json.js';
import { advisoryUri, canonicalName, DESCRIPTION_MAX, fingerprint, noSeverity } from './common.js';

const FORMAT = 'pip-audit-json';

export function parsePipAuditJsonValue(value: unknown, file: string): ParsedReport {
  let deps: unknown[];
  let base: string;
  let fixes: unknown[] | undefined;
  if (Array.isArray(value)) {
    deps = value;
    base = '$';
  } else {
    const root = expectObject(value, '$');
    deps = expectArray(Object.hasOwn(root, 'dependencies') ? root.dependencies : undefined, '$.dependencies');
    base = '$.dependencies';
    fixes = optArray(root, 'fixes', '$');
  }

  const findings: Finding[] = [];
  const skipped: SkippedItem[] = [];
  const seen = new Set<string>();
  let audited = 0;
  let vulnerable = 0;
  let duplicates = 0;

  for (let i = 0; i < deps.length; i++) {
    const dPath = `${base}[${i}]`;
    const dep = expectObject(deps[i], dPath);
    const name = reqString(dep, 'name', dPath);
    const skipReason = optString(dep, 'skip_reason', dPath);
    if (skipReason !== undefined) {
      // pip-audit writes a skipped dependency without `vulns`: one that lists some was not skipped,
      // or the file was edited. Never dropped unread (fail closed).
      const listed = Object.hasOwn(dep, 'vulns') ? dep.vulns : undefined;
      if (listed !== undefined && !(Array.isArray(listed) && listed.length === 0)) {
        throw new JsonShapeError(`${dPath}.vulns`, 'a skipped dependency (skip_reason) lists vulnerabilities: expected none');
      }
      skipped.push({ name, reason: skipReason });
      continue;
    }
    audited++;
    const version = reqString(dep, 'version', dPath);
    const vulns = expectArray(Object.hasOwn(dep, 'vulns') ? dep.vulns : undefined, `${dPath}.vulns`);
    if (vulns.length > 0) vulnerable++;
    const canon = canonicalName(name);
    for (let j = 0; j < vulns.length; j++) {
      const vPath = `${dPath}.vulns[${j}]`;
      const v: JsonObject = expectObject(vulns[j], vPath);
      const id = reqString(v, 'id', vPath);
      const key = `${canon}\u0000${id}`;
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      const fixVersions = optStringArray(v, 'fix_versions', vPath) ?? [];
      const aliases = optStringArray(v, 'aliases', vPath);
      const description = optString(v, 'description', vPath);
      findings.push({
        tool: 'pip-audit',
        ruleId: id,
        ruleName: undefined,
        title: `${id} in ${name} ${version}`,
        severity: 'unknown',
        rawSeverity: undefined,
        confidence: undefined,
        location: undefined,
        package: { name, version, fixVersions: [...fixVersions] },
        aliases: aliases === undefined ? undefined : [...aliases].sort(),
        helpUri: advisoryUri(id),
        cwe: undefined,
        snippet: undefined,
        fingerprint: fingerprint(name, id),
        sourceFile: file,
        severitySource: noSeverity('JSON'),
        extra: description === undefined ? undefined : { description: truncateText(description, DESCRIPTION_MAX) },
      });
    }
  }

  const stats: Record<string, number> = { dependencies: audited, skipped: skipped.length, vulnerablePackages: vulnerable, duplicates };
  if (fixes !== undefined) {
    let applied = 0;
    let notApplied = 0;
    for (let i = 0; i < fixes.length; i++) {
      const f = expectObject(fixes[i], `$.fixes[${i}]`);
      if (optString(f, 'skip_reason', `$.fixes[${i}]`) !== undefined) notApplied++;
      else applied++;
    }
    stats.fixesApplied = applied;
    stats.fixesSkipped = notApplied;
  }
  return { tool: 'pip-audit', format: FORMAT, toolVersion: undefined, findings, skipped, scanErrors: [], stats };
}

function looksLikeDependency(v: unknown): boolean {
  return isJsonObject(v) && typeof (Object.hasOwn(v, 'name') ? v.name : undefined) === 'string' && (Object.hasOwn(v, 'vulns') || Object.hasOwn(v, 'skip_reason'));
}

/** A bare array of dependencies (an empty array too: that is pip-audit < 2.0 finding nothing), or `{dependencies: [...]}`. */
export function looksLikePipAuditJson(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0 || looksLikeDependency(value[0]);
  if (!isJsonObject(value) || Object.hasOwn(value, 'bomFormat')) return false;
  const deps = Object.hasOwn(value, 'dependencies') ? value.dependencies : undefined;
  if (!Array.isArray(deps)) return false;
  return deps.length === 0 || looksLikeDependency(deps[0]);
}

export const pipAuditJsonParser = jsonReportParser({
  tool: 'pip-audit',
  format: FORMAT,
  label: 'pip-audit JSON (pip-audit -f json)',
  sniff: (head) => /^\s*\[\s*(?:\]|\{\s*"name")/.test(head) || (/^\s*\{\s*"dependencies"\s*:/.test(head) && !/"bomFormat"/.test(head)),
  detectValue: looksLikePipAuditJson,
  parseValue: parsePipAuditJsonValue,
});
