/** What the pip-audit JSON and CycloneDX parsers share. */
import { encodeUriComponentSafe } from '../../util/escape.js';
import type { SeveritySource } from '../model.js';

/** Longest advisory description kept in `extra.description`. */
export const DESCRIPTION_MAX = 500;

/** PEP 503 canonical name: lower case, runs of `-`, `_`, `.` become one `-`. */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** GHSA ids on GitHub's advisory database, everything else (PYSEC, CVE, OSV ids) on osv.dev. */
export function advisoryUri(id: string): string {
  const safe = encodeUriComponentSafe(id);
  return /^GHSA-/i.test(id) ? `https://github.com/advisories/${safe}` : `https://osv.dev/vulnerability/${safe}`;
}

/** pip-audit has no severity: the enrichment step or the `unknown-severity` policy decides. */
export function noSeverity(format: 'JSON' | 'CycloneDX'): SeveritySource {
  return { kind: 'none', unknownReason: `no severity in pip-audit ${format}` };
}

export function fingerprint(name: string | undefined, id: string): string {
  return `pip-audit:${name === undefined ? '?' : canonicalName(name)}:${id}`;
}
