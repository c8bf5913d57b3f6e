/**
 * pip-audit CycloneDX JSON (`pip-audit -f cyclonedx-json`, FORMATS.md 2.2; spec 1.4, later specs read the same way).
 *
 * - `components` are the audited packages (skipped dependencies are dropped by pip-audit: not recoverable).
 * - `vulnerabilities[].affects[].ref` (pip-audit >= 2.10) points at a component's `bom-ref`: one finding per
 *   (package, vulnerability id). Without `affects` (older pip-audit) the vulnerable package is unknown:
 *   one finding per vulnerability, no `package`, and `extra.package` says why.
 * - `vulnerabilities` absent = no vulnerabilities. No severity, fix versions or aliases in this format.
 * - A BOM whose `metadata.tools` names a producer other than pip-audit and cyclonedx-python-lib (an
 *   SBOM of cyclonedx-py, syft, …) is refused: without `vulnerabilities` it would pass as a clean audit.
 */
import type { Finding, PackageRef, ParsedReport } from '../model.js';
import {
  expectObject,
  isJsonObject,
  JsonShapeError,
  jsonReportParser,
  optArray,
  optObject,
  optString,
  reqString,
  truncateText,
  type JsonObject,
} from '../json.js';
import { advisoryUri, canonicalName, DESCRIPTION_MAX, fingerprint, noSeverity } from './common.js';

const FORMAT = 'pip-audit-cyclonedx';
const NO_AFFECTS = 'unknown: this CycloneDX report has no "affects" links (pip-audit < 2.10), so the vulnerable package cannot be recovered';
const BAD_REF = 'unknown: "affects" points at no component of this report';

/** `metadata.tools` is an array of {name, version} (1.4) or {components: [...]} (1.5+). */
function pipAuditVersion(root: JsonObject): string | undefined {
  const meta = optObject(root, 'metadata', '$');
  if (!meta) return undefined;
  const tools = Object.hasOwn(meta, 'tools') ? meta.tools : undefined;
  let list: unknown[] = [];
  if (Array.isArray(tools)) list = tools;
  else if (isJsonObject(tools) && Array.isArray(tools.components) && Object.hasOwn(tools, 'components')) list = tools.components;
  for (const t of list) {
    if (!isJsonObject(t)) continue;
    const name = Object.hasOwn(t, 'name') ? t.name : undefined;
    const version = Object.hasOwn(t, 'version') ? t.version : undefined;
    if (name === 'pip-audit' && typeof version === 'string') return version;
  }
  return undefined;
}

/** Producers a pip-audit BOM names in `metadata.tools`: pip-audit and the library it writes BOMs with. */
const PIP_AUDIT_PRODUCERS = new Set(['pip-audit', 'cyclonedx-python-lib']);

/**
 * A BOM another tool made (an SBOM from cyclonedx-py, syft, trivy, …) is not a pip-audit report: it
 * lists no `vulnerabilities` when it has no audit in it, so read as pip-audit it passes as a clean
 * audit. pip-audit's BOM names no other producer than itself and cyclonedx-python-lib in
 * `metadata.tools` (an array in spec 1.4, `{components, services}` from 1.5).
 */
function refuseOtherProducer(root: JsonObject): void {
  const meta = optObject(root, 'metadata', '$');
  if (!meta || !Object.hasOwn(meta, 'tools')) return;
  const tools = meta.tools;
  const lists: Array<[string, unknown[]]> = [];
  if (Array.isArray(tools)) lists.push(['$.metadata.tools', tools]);
  else if (isJsonObject(tools)) {
    for (const key of ['components', 'services']) {
      const list = optArray(tools, key, '$.metadata.tools');
      if (list) lists.push([`$.metadata.tools.${key}`, list]);
    }
  }
  for (const [base, list] of lists) {
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      if (!isJsonObject(t)) continue;
      const name = optString(t, 'name', `${base}[${i}]`);
      if (name !== undefined && !PIP_AUDIT_PRODUCERS.has(name.toLowerCase())) {
        throw new JsonShapeError(
          `${base}[${i}].name`,
          `a CycloneDX BOM made by ${JSON.stringify(name.slice(0, 60))}, not by pip-audit: another tool's BOM is not read as a pip-audit audit (save \`pip-audit -f cyclonedx-json\` or \`-f json\`)`,
        );
      }
    }
  }
}

export function parsePipAuditCycloneDxValue(value: unknown, file: string): ParsedReport {
  const root = expectObject(value, '$');
  refuseOtherProducer(root);
  const components = optArray(root, 'components', '$') ?? [];
  const byRef = new Map<string, PackageRef>();
  for (let i = 0; i < components.length; i++) {
    const cPath = `$.components[${i}]`;
    const c = expectObject(components[i], cPath);
    const name = reqString(c, 'name', cPath);
    const version = optString(c, 'version', cPath);
    const ref = optString(c, 'bom-ref', cPath);
    if (ref !== undefined && !byRef.has(ref)) byRef.set(ref, version === undefined ? { name } : { name, version });
  }

  const findings: Finding[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let unknownPackage = 0;
  const vulns = optArray(root, 'vulnerabilities', '$') ?? [];
  for (let i = 0; i < vulns.length; i++) {
    const vPath = `$.vulnerabilities[${i}]`;
    const v = expectObject(vulns[i], vPath);
    const id = reqString(v, 'id', vPath);
    const description = optString(v, 'description', vPath);
    const affects = optArray(v, 'affects', vPath) ?? [];
    const targets: { pkg: PackageRef | undefined; why?: string }[] = [];
    for (let j = 0; j < affects.length; j++) {
      const aPath = `${vPath}.affects[${j}]`;
      const ref = reqString(expectObject(affects[j], aPath), 'ref', aPath);
      const pkg = byRef.get(ref);
      targets.push(pkg ? { pkg } : { pkg: undefined, why: BAD_REF });
    }
    if (targets.length === 0) targets.push({ pkg: undefined, why: NO_AFFECTS });

    for (const { pkg, why } of targets) {
      const key = `${pkg ? canonicalName(pkg.name) : '?'}\u0000${id}`;
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      if (!pkg) unknownPackage++;
      const extra: Record<string, string> = {};
      if (description !== undefined) extra.description = truncateText(description, DESCRIPTION_MAX);
      if (why !== undefined) extra.package = why;
      findings.push({
        tool: 'pip-audit',
        ruleId: id,
        ruleName: undefined,
        title: pkg ? `${id} in ${pkg.name}${pkg.version === undefined ? '' : ` ${pkg.version}`}` : `${id} (package unknown)`,
        severity: 'unknown',
        rawSeverity: undefined,
        confidence: undefined,
        location: undefined,
        package: pkg ? { name: pkg.name, version: pkg.version, fixVersions: [] } : undefined,
        aliases: undefined,
        helpUri: advisoryUri(id),
        cwe: undefined,
        snippet: undefined,
        fingerprint: fingerprint(pkg?.name, id),
        sourceFile: file,
        severitySource: noSeverity('CycloneDX'),
        extra: Object.keys(extra).length > 0 ? extra : undefined,
      });
    }
  }

  return {
    tool: 'pip-audit',
    format: FORMAT,
    toolVersion: pipAuditVersion(root),
    findings,
    skipped: [],
    scanErrors: [],
    stats: { dependencies: components.length, duplicates, unknownPackage },
  };
}

export function looksLikeCycloneDx(value: unknown): boolean {
  return isJsonObject(value) && Object.hasOwn(value, 'bomFormat') && value.bomFormat === 'CycloneDX';
}

export const pipAuditCycloneDxParser = jsonReportParser({
  tool: 'pip-audit',
  format: FORMAT,
  label: 'pip-audit CycloneDX JSON (pip-audit -f cyclonedx-json)',
  sniff: (head) => /"bomFormat"\s*:\s*"CycloneDX"/.test(head),
  detectValue: looksLikeCycloneDx,
  parseValue: parsePipAuditCycloneDxValue,
});
