/**
 * OSV (`GET /v1/vulns/{id}`, https://api.osv.dev): the fallback for what GitHub cannot answer, and the
 * only source for `PYSEC-*` ids that come without aliases.
 *
 * Which severity wins, in order:
 *   1. the database's own word: top-level `database_specific.severity` (GitHub-sourced records:
 *      `LOW`, `MODERATE`, `HIGH`, `CRITICAL`), then the same field (or `ecosystem_specific.severity`)
 *      of the `affected[]` entry for this package;
 *   2. else the CVSS vectors of `severity[]` (top level, then the package's `affected[].severity[]`),
 *      `CVSS_V3`/`CVSS_V4` only, scored by the library; the newest version that scores wins
 *      (v4.0 > v3.1 > v3.0: FIRST's current version, and the one the database added last).
 * `CVSS_V2` vectors are not used (v2 has no FIRST qualitative scale). When a rating is used, the best
 * valid vector is still recorded beside it. A withdrawn record (`withdrawn`) gives no answer
 * (`no-severity`; its aliases may still be followed).
 */
import { z } from 'zod';
import type { HttpClient } from '../io/http.js';
import { encodeUriComponentSafe } from '../util/escape.js';
import { severityRank } from '../reports/model.js';
import { severityOfRating, type CvssScorer } from './cvss.js';
import { bestCvss, canonicalId, clip, cvssOf, failure, severityFromWord, shapeError, type Resolution } from './resolution.js';

const severityEntry = z.object({ type: z.string(), score: z.string() });

// Built on first use (z.lazy): most runs look nothing up, and zod schemas are costly to construct.
export const osvVulnSchema = z.lazy(() =>
  z.object({
    id: z.string(),
    aliases: z.array(z.string()).nullish(),
    withdrawn: z.string().nullish(),
    severity: z.array(z.unknown()).nullish(),
    database_specific: z.unknown().optional(),
    affected: z
      .array(
        z.object({
          package: z.object({ ecosystem: z.string().nullish(), name: z.string().nullish() }).nullish(),
          severity: z.array(z.unknown()).nullish(),
          database_specific: z.unknown().optional(),
          ecosystem_specific: z.unknown().optional(),
        }),
      )
      .nullish(),
  }),
);
export type OsvVuln = z.infer<typeof osvVulnSchema>;

/** `obj[key]` only when `obj` is a plain object that owns `key` (no prototype lookups). */
function own(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === 'object' && !Array.isArray(obj) && Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

const normName = (s: string | null | undefined) => (s ?? '').toLowerCase().replace(/[-_.]+/g, '-');

function vectorsOf(list: readonly unknown[] | null | undefined): { vectors: string[]; v2: number } {
  const vectors: string[] = [];
  let v2 = 0;
  for (const raw of list ?? []) {
    const e = severityEntry.safeParse(raw);
    if (!e.success) continue;
    if (e.data.type === 'CVSS_V3' || e.data.type === 'CVSS_V4') vectors.push(e.data.score);
    else if (e.data.type === 'CVSS_V2') v2++;
  }
  return { vectors, v2 };
}

/** Pure: a severity from one OSV record (`packageName` picks the matching `affected[]` entries). */
export async function resolveFromOsvRecord(v: OsvVuln, packageName: string | undefined, getScorer: () => Promise<CvssScorer>): Promise<Resolution> {
  const id = v.id;
  // Only well-formed ids are kept: they may be followed (step 3) and are shown in details.
  const aliases = (v.aliases ?? []).map(canonicalId).filter((x): x is string => x !== undefined);
  // A withdrawn record rates nothing any more (as GitHub's withdrawn advisories): not an answer.
  // Its aliases may still be followed (step 3), as for a record without a severity.
  if (v.withdrawn) {
    return { ok: false, reason: 'no-severity', detail: clip(`OSV ${id} was withdrawn (${clip(v.withdrawn, 30)}): its severity is not used`, 240), aliases };
  }
  const affected = v.affected ?? [];
  const mine = affected.filter((a) => packageName !== undefined && normName(a.package?.name) === normName(packageName));
  const pkgEntries = mine.length > 0 ? mine : affected;

  const top = vectorsOf(v.severity);
  const perPkg = pkgEntries.map((a) => vectorsOf(a.severity));
  const allVectors = [...new Set([...top.vectors, ...perPkg.flatMap((p) => p.vectors)])];
  const v2 = top.v2 + perPkg.reduce((n, p) => n + p.v2, 0);

  let scorer: CvssScorer | undefined;
  const score = async () => {
    if (allVectors.length === 0) return { best: undefined, problems: [] as string[] };
    scorer ??= await getScorer();
    const s = scorer;
    return bestCvss(allVectors.map((x) => s(x)));
  };

  // 1. The database's word: the most severe one the record (or the package's entries) gives. The
  // first one found answered before, and a record listing two packages (django LOW, requests
  // CRITICAL) answered LOW for a group holding both (a re-review).
  const words: Array<{ word: unknown; where: string }> = [{ word: own(v.database_specific, 'severity'), where: 'database_specific.severity' }];
  for (const a of pkgEntries) {
    words.push({ word: own(a.database_specific, 'severity'), where: 'affected[].database_specific.severity' });
    words.push({ word: own(a.ecosystem_specific, 'severity'), where: 'affected[].ecosystem_specific.severity' });
  }
  let said: { word: unknown; where: string; sev: NonNullable<ReturnType<typeof severityFromWord>> } | undefined;
  for (const { word, where } of words) {
    const sev = severityFromWord(word);
    if (sev && (!said || severityRank(sev) > severityRank(said.sev))) said = { word, where, sev };
  }
  if (said) {
    const { word, where, sev } = said;
    const { best } = await score();
    return {
      ok: true,
      severity: sev,
      source: {
        kind: 'osv',
        advisory: id,
        ...(best ? { cvss: cvssOf(best) } : {}),
        detail: clip(`OSV ${id}: ${where} ${JSON.stringify(String(word))}${best ? `; CVSS ${best.version} ${best.score} ${best.vector}` : ''}`, 240),
      },
    };
  }

  // 2. The newest CVSS vector that scores.
  const { best, problems } = await score();
  if (best) {
    return {
      ok: true,
      severity: severityOfRating(best.rating),
      source: {
        kind: 'osv',
        advisory: id,
        cvss: cvssOf(best),
        detail: clip(`OSV ${id}: CVSS ${best.version} base score ${best.score} (${best.rating}) ${best.vector}`, 240),
      },
    };
  }
  if (problems.length > 0) {
    return { ok: false, reason: 'invalid-cvss', detail: clip(`OSV ${id}: no rating and no valid CVSS vector (${problems.join('; ')})`, 240), aliases };
  }
  return {
    ok: false,
    reason: 'no-severity',
    detail: clip(`OSV ${id}: no severity${v2 > 0 ? ' (only a CVSS v2 vector)' : ''}${aliases.length > 0 ? `; aliases ${aliases.join(', ')}` : ''}`, 240),
    aliases,
  };
}

/** `GET /v1/vulns/{id}`. Never throws. */
export async function lookupOsv(client: HttpClient, id: string, packageName: string | undefined, getScorer: () => Promise<CvssScorer>): Promise<Resolution> {
  try {
    const r = await client.getJson<unknown>(`/v1/vulns/${encodeUriComponentSafe(id)}`);
    const parsed = osvVulnSchema.safeParse(r.data);
    if (!parsed.success) return shapeError('OSV', id, parsed.error.issues);
    return await resolveFromOsvRecord(parsed.data, packageName, getScorer);
  } catch (e) {
    return failure('OSV', id, e);
  }
}
