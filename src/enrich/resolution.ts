/**
 * What one source said about one advisory: a severity with where it came from, or why not.
 * Pure types and helpers shared by the GitHub and OSV readers and the resolver.
 */
import type { Severity, SeveritySource } from '../reports/model.js';
import type { z } from 'zod';
import { HttpError } from '../io/http.js';
import type { CvssResult, CvssScore } from './cvss.js';

/**
 * Why a severity stays unknown. `offline`/`off`: no lookup was allowed; `not-found`: no source knows
 * the advisory; `rate-limited`, `timed-out`, `budget` (the overall time budget ran out), `error`
 * (5xx after retries, network, malformed or unexpected response): the source could not answer;
 * `no-severity`: the advisory exists but carries no rating and no usable CVSS vector;
 * `invalid-cvss`: its only CVSS vectors are malformed.
 */
export const UNKNOWN_REASONS = ['offline', 'off', 'not-found', 'rate-limited', 'timed-out', 'budget', 'error', 'no-severity', 'invalid-cvss'] as const;
export type UnknownReason = (typeof UNKNOWN_REASONS)[number];

export interface Resolved {
  ok: true;
  severity: Exclude<Severity, 'unknown'>;
  source: SeveritySource & { kind: 'github' | 'osv' };
}

export interface Unresolved {
  ok: false;
  reason: UnknownReason;
  detail: string;
  /** Aliases the source reported (OSV), for the alias follow-up step. */
  aliases?: string[];
}

export type Resolution = Resolved | Unresolved;

/** `critical`/`high`/`moderate`/`medium`/`low` in any case -> a severity; anything else -> undefined. */
export function severityFromWord(word: unknown): Exclude<Severity, 'unknown' | 'info'> | undefined {
  if (typeof word !== 'string') return undefined;
  const w = word.trim().toLowerCase();
  if (w === 'critical' || w === 'high' || w === 'low') return w;
  if (w === 'moderate' || w === 'medium') return 'medium';
  return undefined;
}

/** The reason an HTTP failure gives. */
export function reasonOfHttpError(e: HttpError): UnknownReason {
  switch (e.kind) {
    case 'not-found':
      return 'not-found';
    case 'rate-limited':
      return 'rate-limited';
    case 'timeout':
      return 'timed-out';
    case 'budget':
      return 'budget';
    default:
      return 'error';
  }
}

export function cvssOf(s: CvssScore): { version: string; score: number; vector: string } {
  return { version: s.version, score: s.score, vector: s.vector };
}

/** Picks the vector to use among several: the newest version that scores (4.0 > 3.1 > 3.0). */
export function bestCvss(results: CvssResult[]): { best?: CvssScore; problems: string[] } {
  const order = { '4.0': 3, '3.1': 2, '3.0': 1 } as const;
  let best: CvssScore | undefined;
  const problems: string[] = [];
  for (const r of results) {
    if (!r.ok) problems.push(r.reason);
    else if (!best || order[r.version] > order[best.version] || (order[r.version] === order[best.version] && r.score > best.score)) best = r;
  }
  return { best, problems };
}

const ID_RE = /^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]{0,100}$/;
export const GHSA_RE = /^GHSA-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/i;
export const CVE_RE = /^CVE-\d{4}-\d{4,}$/i;

/** Canonical spelling of an advisory id (GHSA body lower-case, CVE upper-case), or undefined. */
export function canonicalId(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const id = raw.trim();
  if (!ID_RE.test(id)) return undefined;
  if (GHSA_RE.test(id)) return `GHSA-${id.slice(5).toLowerCase()}`;
  if (CVE_RE.test(id)) return id.toUpperCase();
  return id;
}
/** Plain, short text for details: no newlines, bounded length. */
export function clip(text: string, max = 160): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** A failed request as a resolution. Never throws. */
export function failure(source: string, id: string, e: unknown): Unresolved {
  if (e instanceof HttpError) return { ok: false, reason: reasonOfHttpError(e), detail: clip(`${source} ${id}: ${e.message}`, 200) };
  return { ok: false, reason: 'error', detail: clip(`${source} ${id}: ${e instanceof Error ? e.message : String(e)}`, 200) };
}

/** A response that is JSON but not the documented shape, naming the first place that differs. */
export function shapeError(source: string, id: string, issues: readonly z.core.$ZodIssue[]): Unresolved {
  const first = issues[0];
  const where = first ? `$${first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}` : '$';
  return { ok: false, reason: 'error', detail: clip(`${source} ${id}: unexpected response shape at ${where}`, 200) };
}
