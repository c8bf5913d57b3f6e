/**
 * GitHub's global security advisories (REST): `GET /advisories/{ghsa_id}` and
 * `GET /advisories?cve_id=...` (a list). Public advisories need no token permissions.
 *
 * Which severity wins: the advisory's own `severity` (GitHub's reviewed rating; `medium` is OSV's
 * `MODERATE`). Its CVSS (`cvss_severities.cvss_v4`, else `cvss_v3`, else the legacy `cvss`) is recorded
 * beside it for the reader. Only when `severity` is absent or `unknown` is a CVSS vector scored
 * (newest version first) to give the band. A withdrawn advisory (`withdrawn_at`) gives no answer:
 * its rating no longer describes anything (among a CVE's advisories, the live ones answer).
 */
import { z } from 'zod';
import type { HttpClient } from '../io/http.js';
import { encodeUriComponentSafe } from '../util/escape.js';
import { severityOfRating, type CvssScorer } from './cvss.js';
import { bestCvss, clip, cvssOf, failure, severityFromWord, shapeError, type Resolution } from './resolution.js';

const cvssEntry = () =>
  z
    .object({
      vector_string: z.string().nullish(),
      score: z.number().nullish(),
    })
    .nullish();

/** The fields of a global advisory that the gate reads (others are ignored). */
// Built on first use (z.lazy): most runs look nothing up, and zod schemas are costly to construct.
export const globalAdvisorySchema = z.lazy(() =>
  z.object({
    ghsa_id: z.string(),
    cve_id: z.string().nullish(),
    html_url: z.string().nullish(),
    type: z.string().nullish(),
    severity: z.string().nullish(),
    withdrawn_at: z.string().nullish(),
    identifiers: z.array(z.object({ type: z.string(), value: z.string() })).nullish(),
    cvss: cvssEntry(),
    cvss_severities: z.object({ cvss_v3: cvssEntry(), cvss_v4: cvssEntry() }).nullish(),
    vulnerabilities: z
      .array(z.object({ package: z.object({ ecosystem: z.string().nullish(), name: z.string().nullish() }).nullish() }))
      .nullish(),
  }),
);
export type GlobalAdvisory = z.infer<typeof globalAdvisorySchema>;

const GITHUB_HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
export const githubHeaders = (): Record<string, string> => ({ ...GITHUB_HEADERS });

/** The CVSS GitHub shows, newest version first: [version-ish, vector, score]. */
function githubCvssEntries(a: GlobalAdvisory): Array<{ vector: string; score?: number }> {
  const out: Array<{ vector: string; score?: number }> = [];
  for (const e of [a.cvss_severities?.cvss_v4, a.cvss_severities?.cvss_v3, a.cvss]) {
    if (e?.vector_string && !out.some((o) => o.vector === e.vector_string)) out.push({ vector: e.vector_string, score: e.score ?? undefined });
  }
  return out;
}

/** Pure: a severity from one advisory object. `score` is only called when GitHub gives no rating. */
export async function resolveFromGithubAdvisory(a: GlobalAdvisory, getScorer: () => Promise<CvssScorer>): Promise<Resolution> {
  const ghsa = a.ghsa_id;
  // A withdrawn advisory (a duplicate, or not a vulnerability after all) rates nothing any more:
  // its leftover rating answered for the live record pip-audit reported it beside (a PYSEC id
  // whose withdrawn GHSA alias said `low`, the CVE's live advisory `critical`). Not an answer
  // (fail closed): the other sources, or unknown-severity, decide.
  if (a.withdrawn_at) {
    return { ok: false, reason: 'no-severity', detail: clip(`GitHub advisory ${ghsa} was withdrawn (${clip(a.withdrawn_at, 30)}): its severity ${JSON.stringify(clip(a.severity ?? 'absent', 20))} is not used`, 240) };
  }
  const rating = severityFromWord(a.severity);
  const entries = githubCvssEntries(a);
  if (rating) {
    // Record GitHub's own CVSS figure beside the rating (the newest version it gives).
    const first = entries[0];
    const versionOf = (v: string) => /^CVSS:(\d\.\d)\//.exec(v)?.[1];
    const cvss = first && versionOf(first.vector) && typeof first.score === 'number' ? { version: versionOf(first.vector)!, score: first.score, vector: first.vector } : undefined;
    return {
      ok: true,
      severity: rating,
      source: {
        kind: 'github',
        advisory: ghsa,
        ...(cvss ? { cvss } : {}),
        detail: clip(`GitHub advisory ${ghsa}${a.type ? ` (${a.type})` : ''}: severity ${a.severity}${cvss ? `; CVSS ${cvss.version} ${cvss.score} ${cvss.vector}` : ''}`, 240),
      },
    };
  }
  if (entries.length > 0) {
    const scorer = await getScorer();
    const { best, problems } = bestCvss(entries.map((e) => scorer(e.vector)));
    if (best) {
      return {
        ok: true,
        severity: severityOfRating(best.rating),
        source: {
          kind: 'github',
          advisory: ghsa,
          cvss: cvssOf(best),
          detail: clip(`GitHub advisory ${ghsa}: no rating (severity ${JSON.stringify(clip(a.severity ?? 'absent', 20))}); CVSS ${best.version} ${best.score} ${best.vector} scored as ${best.rating}`, 240),
        },
      };
    }
    return { ok: false, reason: 'invalid-cvss', detail: clip(`GitHub advisory ${ghsa}: no rating and no valid CVSS vector (${problems.join('; ')})`, 240) };
  }
  return { ok: false, reason: 'no-severity', detail: clip(`GitHub advisory ${ghsa}: severity ${JSON.stringify(clip(a.severity ?? 'absent', 20))} and no CVSS`, 200) };
}

/** `GET /advisories/{ghsa_id}`. Never throws. */
export async function lookupGhsa(client: HttpClient, ghsaId: string, getScorer: () => Promise<CvssScorer>): Promise<Resolution> {
  try {
    const r = await client.getJson<unknown>(`/advisories/${encodeUriComponentSafe(ghsaId)}`);
    const parsed = globalAdvisorySchema.safeParse(r.data);
    if (!parsed.success) return shapeError('GitHub', ghsaId, parsed.error.issues);
    return await resolveFromGithubAdvisory(parsed.data, getScorer);
  } catch (e) {
    return failure('GitHub', ghsaId, e);
  }
}

/**
 * `GET /advisories?cve_id=...`. Several advisories may share a CVE (one per ecosystem): the one for
 * the PyPI package wins (`pip` ecosystem and the package name), else the most severe (fail closed).
 */
export async function lookupCve(client: HttpClient, cveId: string, packageName: string | undefined, getScorer: () => Promise<CvssScorer>): Promise<Resolution> {
  try {
    const r = await client.getJson<unknown>('/advisories', { cve_id: cveId, per_page: 100 });
    const parsed = z.array(globalAdvisorySchema).safeParse(r.data);
    if (!parsed.success) return shapeError('GitHub', cveId, parsed.error.issues);
    const list = parsed.data;
    if (list.length === 0) return { ok: false, reason: 'not-found', detail: `GitHub ${cveId}: no global advisory lists this CVE` };
    const norm = (s: string | null | undefined) => (s ?? '').toLowerCase().replace(/[-_.]+/g, '-');
    const isPip = (a: GlobalAdvisory) => (a.vulnerabilities ?? []).some((v) => norm(v.package?.ecosystem) === 'pip' && (!packageName || norm(v.package?.name) === norm(packageName)));
    const preferred = list.filter(isPip);
    const candidates = (preferred.length > 0 ? preferred : list).slice().sort((x, y) => (x.ghsa_id < y.ghsa_id ? -1 : x.ghsa_id > y.ghsa_id ? 1 : 0));
    const results = await Promise.all(candidates.map((a) => resolveFromGithubAdvisory(a, getScorer)));
    const rank = { critical: 5, high: 4, medium: 3, low: 2, info: 1 } as const;
    let best: Resolution | undefined;
    for (const res of results) {
      if (res.ok && (!best || !best.ok || rank[res.severity] > rank[best.severity])) best = res;
      else if (!best) best = res;
    }
    const out = best!;
    if (out.ok) out.source.detail = clip(`${out.source.detail} (found by ${cveId})`, 260);
    return out;
  } catch (e) {
    return failure('GitHub', cveId, e);
  }
}

