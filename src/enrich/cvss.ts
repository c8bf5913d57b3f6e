/**
 * CVSS vectors -> score -> FIRST qualitative band, for CVSS v3.0, v3.1 and v4.0.
 *
 * Scoring is done by `ae-cvss-calculator` ({metæffekt}, Apache-2.0): one dependency-free package that
 * implements all four FIRST versions (v4.0 with FIRST's macro-vector lookup tables) and matches every
 * example of FIRST's specification/examples documents we test (`__tests__/enrich/cvss.test.ts`).
 * It is ~190 KB minified and costs 50-100 ms to load, so it is imported lazily: only when an OSV
 * record gives a vector and no rating (GitHub answers carry their own score).
 *
 * The library is lenient (it accepts partial vectors, repeated metrics, a v3 vector in the v4 class),
 * so every vector is checked here first against the version's grammar: the prefix, each metric once,
 * every mandatory base metric present, values from the metric's alphabet. A vector that fails is a
 * `CvssProblem` with a reason, never an exception.
 *
 * Scores used: v3.x -> the BASE score (what NVD, GitHub and OSV publish; temporal/environmental
 * metrics in the vector are ignored); v4.0 -> the one CVSS-B/BT/BE/BTE score of the vector as
 * given (v4 has a single score, its nomenclature says which metrics were used).
 */
import type { Severity } from '../reports/model.js';

export type CvssVersion = '3.0' | '3.1' | '4.0';

export interface CvssScore {
  ok: true;
  version: CvssVersion;
  score: number;
  /** The vector as given (trimmed). */
  vector: string;
  /** FIRST band: none (0.0), low, medium, high, critical. */
  rating: 'none' | 'low' | 'medium' | 'high' | 'critical';
}

export interface CvssProblem {
  ok: false;
  vector: string;
  reason: string;
}

export type CvssResult = CvssScore | CvssProblem;

/** FIRST's qualitative severity rating scale (identical in v3.0, v3.1 and v4.0). */
export function cvssRating(score: number): CvssScore['rating'] {
  if (!(score > 0)) return 'none';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  if (score < 9) return 'high';
  return 'critical';
}

/** The gate's severity for a FIRST band (`none` is shown as `info`). */
export function severityOfRating(rating: CvssScore['rating']): Exclude<Severity, 'unknown'> {
  return rating === 'none' ? 'info' : rating;
}

// Grammar of each version: metric -> allowed values; `base` lists the mandatory ones.
const V3_BASE: Record<string, string> = { AV: 'NALP', AC: 'LH', PR: 'NLH', UI: 'NR', S: 'UC', C: 'HLN', I: 'HLN', A: 'HLN' };
const V3_OTHER: Record<string, string> = {
  E: 'XUPFH', RL: 'XOTWU', RC: 'XURC', CR: 'XLMH', IR: 'XLMH', AR: 'XLMH',
  MAV: 'XNALP', MAC: 'XLH', MPR: 'XNLH', MUI: 'XNR', MS: 'XUC', MC: 'XNLH', MI: 'XNLH', MA: 'XNLH',
};
const V4_BASE: Record<string, string> = {
  AV: 'NALP', AC: 'LH', AT: 'NP', PR: 'NLH', UI: 'NPA', VC: 'HLN', VI: 'HLN', VA: 'HLN', SC: 'HLN', SI: 'HLN', SA: 'HLN',
};
const V4_OTHER: Record<string, string> = {
  E: 'XAPU', CR: 'XHML', IR: 'XHML', AR: 'XHML',
  MAV: 'XNALP', MAC: 'XLH', MAT: 'XNP', MPR: 'XNLH', MUI: 'XNPA',
  MVC: 'XHLN', MVI: 'XHLN', MVA: 'XHLN', MSC: 'XHLN', MSI: 'XSHLN', MSA: 'XSHLN',
  S: 'XNP', AU: 'XNY', R: 'XAUI', V: 'XDC', RE: 'XLMH', U: ['X', 'Clear', 'Green', 'Amber', 'Red'].join('|'),
};

function allowed(spec: string, value: string): boolean {
  return spec.includes('|') ? spec.split('|').includes(value) : value.length === 1 && spec.includes(value);
}

/** Checks a vector against its version's grammar; returns the version or why it is not valid. */
export function checkVector(raw: string): { version: CvssVersion } | { reason: string } {
  const vector = raw.trim();
  const m = /^CVSS:(3\.0|3\.1|4\.0)\/(.*)$/.exec(vector);
  if (!m) {
    if (/^CVSS:2\.0\//.test(vector) || /^AV:[LAN]\/AC:[HML]\/Au:/.test(vector)) return { reason: 'CVSS v2 vector (not used: v2 has no FIRST qualitative bands)' };
    return { reason: 'not a CVSS v3.0, v3.1 or v4.0 vector (expected a "CVSS:3.1/..." or "CVSS:4.0/..." prefix)' };
  }
  const version = m[1] as CvssVersion;
  const base = version === '4.0' ? V4_BASE : V3_BASE;
  const other = version === '4.0' ? V4_OTHER : V3_OTHER;
  const seen = new Set<string>();
  for (const part of (m[2] ?? '').split('/')) {
    const kv = /^([A-Z]{1,3}):([A-Za-z]+)$/.exec(part);
    if (!kv) return { reason: `malformed metric ${JSON.stringify(part.slice(0, 20))}` };
    const [, key = '', value = ''] = kv;
    const spec = Object.hasOwn(base, key) ? base[key] : Object.hasOwn(other, key) ? other[key] : undefined;
    if (spec === undefined) return { reason: `unknown metric ${key} for CVSS ${version}` };
    if (seen.has(key)) return { reason: `metric ${key} given twice` };
    if (!allowed(spec, value)) return { reason: `invalid value ${key}:${value.slice(0, 10)}` };
    seen.add(key);
  }
  const missing = Object.keys(base).filter((k) => !seen.has(k));
  if (missing.length > 0) return { reason: `missing base metric${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` };
  return { version };
}

interface CvssLib {
  Cvss3P0: new (v: string) => { calculateScores(): { base?: number; overall: number } };
  Cvss3P1: new (v: string) => { calculateScores(): { base?: number; overall: number } };
  Cvss4P0: new (v: string) => { calculateScores(): { overall: number } };
}

export type CvssScorer = (vector: string) => CvssResult;

/** A scorer bound to the library (pure once loaded). */
export function scorerFrom(lib: CvssLib): CvssScorer {
  return (raw: string): CvssResult => {
    const vector = raw.trim();
    const checked = checkVector(vector);
    if ('reason' in checked) return { ok: false, vector, reason: checked.reason };
    try {
      let score: number | undefined;
      if (checked.version === '4.0') score = new lib.Cvss4P0(vector).calculateScores().overall;
      else {
        const cls = checked.version === '3.1' ? lib.Cvss3P1 : lib.Cvss3P0;
        score = new cls(vector).calculateScores().base;
      }
      if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 10) {
        return { ok: false, vector, reason: 'the CVSS library gave no score for this vector' };
      }
      return { ok: true, version: checked.version, score, vector, rating: cvssRating(score) };
    } catch (e) {
      return { ok: false, vector, reason: `not scorable: ${(e as Error).message}`.slice(0, 200) };
    }
  };
}

let loaded: Promise<CvssScorer> | undefined;

/** Loads the CVSS library once (lazily: it is only needed when a vector must be scored). */
export function loadCvssScorer(): Promise<CvssScorer> {
  loaded ??= import('ae-cvss-calculator').then((mod) => {
    // A UMD bundle: Node exposes its exports as the default export only.
    const lib = ((mod as { default?: unknown }).default ?? mod) as CvssLib;
    return scorerFrom(lib);
  });
  return loaded;
}
