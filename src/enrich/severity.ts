/**
 * Severity for pip-audit findings, whose JSON has none (pypa/pip-audit #207, #654): looked up in
 * GitHub's global advisories first, then OSV for what is left (`severity-source`).
 *
 * How it works, so a run is polite and its result does not depend on request order:
 *   - Advisories: a finding's id and its aliases (as pip-audit reported them) name one advisory;
 *     ids that appear together on any finding are merged, transitively (union-find, ids compared
 *     case-insensitively). Each merged advisory is resolved once, whichever packages list it.
 *     Aliases learned from API answers never merge advisories; they are only followed (step 3).
 *   - Step 1, all advisories at once: GitHub when the advisory has a GHSA id
 *     (`GET /advisories/{ghsa}`) or else a CVE (`GET /advisories?cve_id=`); OSV when it has neither
 *     (a `PYSEC-*` without aliases) or GitHub is not a source.
 *   - Step 2, right after that advisory's GitHub answer: OSV (`GET /v1/vulns/{id}`, preferring
 *     GHSA > PYSEC > other > CVE ids) for what GitHub could not answer (404, no rating, errors).
 *   - Step 3: an OSV record found without a severity (typical for PYSEC) is followed once through
 *     its GHSA (or CVE) alias: answered from step 1-2 results when another advisory already has
 *     that id, else asked (GitHub, or OSV when GitHub is not a source).
 *   - Every distinct URL is requested at most once per run (memoised); requests run with bounded
 *     concurrency per API (default 8), a timeout each, retries with backoff on 5xx and rate limits
 *     (the shared client in `src/io/http.ts`), and an overall budget after which what is left stays
 *     unknown (`budget`). Once GitHub answers "rate limited" after its retries, later GitHub
 *     lookups are not sent (they go to OSV).
 *   - Nothing here throws for network or API problems: every advisory ends resolved, or unknown with
 *     a reason (see `UNKNOWN_REASONS`) and a detail naming each source's answer.
 */
import pLimit from 'p-limit';
import { createHttpClient, HttpError, type HttpClient, type HttpResponse } from '../io/http.js';
import { severityRank, type Finding, type ParsedReport, type SeveritySource } from '../reports/model.js';
import { loadCvssScorer, type CvssScorer } from './cvss.js';
import { githubHeaders, lookupCve, lookupGhsa } from './github-advisories.js';
import { lookupOsv } from './osv.js';
import { canonicalName } from '../reports/pip-audit/common.js';
import { canonicalId, clip, CVE_RE, GHSA_RE, type Resolution, type Resolved, type UnknownReason, type Unresolved } from './resolution.js';

export const SEVERITY_SOURCES = ['github,osv', 'github', 'osv', 'off'] as const;
export type SeveritySourceSetting = (typeof SEVERITY_SOURCES)[number];
export const DEFAULT_OSV_API_URL = 'https://api.osv.dev';
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_BUDGET_MS = 30_000;

export interface ResolveOptions {
  source: SeveritySourceSetting;
  /** No network at all: every pip-audit severity stays unknown (`offline`). */
  offline?: boolean;
  githubApiUrl: string;
  githubToken?: string;
  /** Default https://api.osv.dev */
  osvApiUrl?: string;
  /** Requests in flight per API (default 8). */
  concurrency?: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Overall budget (default 30 s); what is left after it stays unknown (`budget`). */
  budgetMs?: number;
  now?: () => number;
  log?: (msg: string) => void;
  /** Retries after a failed attempt (default 3, the HTTP client's). */
  retries?: number;
  /** Base backoff delay (default 500 ms). */
  backoffMs?: number;
  /** Longest rate-limit wait accepted (default 60 s, capped by the budget). */
  maxRetryWaitMs?: number;
}

export interface ResolveStats {
  /** HTTP requests sent (every attempt, retries included). */
  requests: number;
  /** Distinct advisories after alias merging. */
  advisories: number;
  /** Advisories resolved / left unknown. */
  resolved: number;
  unknown: number;
  /** Unknown advisories per reason. */
  byReason: Record<string, number>;
  /** Resolved advisories per source. */
  bySource: { github: number; osv: number };
  /** pip-audit findings looked at. */
  findings: number;
  wallMs: number;
}

export interface ResolveResult {
  findings: Finding[];
  stats: ResolveStats;
}

// ---------------------------------------------------------------------------------------------
// Ids and alias merging (pure).

const keyOf = (id: string) => id.toUpperCase();
/** The most severe answer; the first of equals (ids are sorted: deterministic). */
function mostSevere(answers: readonly Resolved[]): Resolved {
  return answers.reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a));
}

/** Ids of one merged group looked up at most (a report merges a few; more: unknown, fail closed). */
const MAX_MERGED_IDS = 20;
const isGhsa = (id: string) => GHSA_RE.test(id);
const isCve = (id: string) => CVE_RE.test(id);

export { canonicalId };

export interface AdvisoryGroup {
  /** Canonical ids, sorted. */
  ids: string[];
  /** Indices of the findings that name this advisory. */
  findings: number[];
  /**
   * The findings' package when they name one and the same (to pick its entry of a multi-package
   * record); undefined when they name several (`django` and `requests` both listing CVE-X): every
   * package's advisory or entry is then heard. Narrowed to the first package, its low advisory
   * answered for the other package's critical one (the fourth and fifth re-reviews).
   */
  packageName?: string;
}

/** Groups the findings' advisory ids (id + aliases, transitively). Deterministic. */
export function groupAdvisories(findings: readonly Finding[], indices: readonly number[]): { groups: AdvisoryGroup[]; noId: number[] } {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let c = k;
    while (c !== r) {
      const n = parent.get(c)!;
      parent.set(c, r);
      c = n;
    }
    return r;
  };
  const spelling = new Map<string, string>();
  const idsOf = new Map<number, string[]>();
  const noId: number[] = [];
  for (const i of indices) {
    const f = findings[i]!;
    const ids = [f.ruleId, ...(Array.isArray(f.aliases) ? f.aliases : [])].map(canonicalId).filter((x): x is string => x !== undefined);
    if (ids.length === 0) {
      noId.push(i);
      continue;
    }
    idsOf.set(i, ids);
    for (const id of ids) {
      const k = keyOf(id);
      if (!parent.has(k)) parent.set(k, k);
      if (!spelling.has(k)) spelling.set(k, id);
    }
    const first = keyOf(ids[0]!);
    for (const id of ids.slice(1)) {
      const a = find(first);
      const b = find(keyOf(id));
      if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
    }
  }
  const byRoot = new Map<string, AdvisoryGroup>();
  for (const i of indices) {
    const ids = idsOf.get(i);
    if (!ids) continue;
    const root = find(keyOf(ids[0]!));
    let g = byRoot.get(root);
    if (!g) {
      g = { ids: [], findings: [], packageName: findings[i]!.package?.name };
      byRoot.set(root, g);
    } else if (g.packageName !== undefined && canonicalName(findings[i]!.package?.name ?? '') !== canonicalName(g.packageName)) {
      g.packageName = undefined;
    }
    g.findings.push(i);
  }
  for (const [k] of parent) {
    const g = byRoot.get(find(k));
    if (g) g.ids.push(spelling.get(k)!);
  }
  const groups = [...byRoot.values()];
  for (const g of groups) g.ids.sort();
  groups.sort((a, b) => (a.ids[0]! < b.ids[0]! ? -1 : a.ids[0]! > b.ids[0]! ? 1 : 0));
  return { groups, noId };
}

/** The id OSV is asked about: GHSA (richest records) > PYSEC > any other > CVE. */
export function osvIdFor(ids: readonly string[]): string | undefined {
  return ids.find(isGhsa) ?? ids.find((i) => /^PYSEC-/i.test(i)) ?? ids.find((i) => !isCve(i)) ?? ids.find(isCve);
}

/** Combines failed answers: a source that could not answer outranks "no rating", which outranks "not found". */
export function combineUnresolved(attempts: readonly Unresolved[]): Unresolved {
  const order: UnknownReason[] = ['rate-limited', 'timed-out', 'budget', 'error', 'invalid-cvss', 'no-severity', 'not-found'];
  const pick = order.map((r) => attempts.find((a) => a.reason === r)).find((a) => a !== undefined) ?? attempts[0];
  if (!pick) return { ok: false, reason: 'error', detail: 'no source was asked' };
  return { ok: false, reason: pick.reason, detail: clip(attempts.map((a) => a.detail).join('; '), 400) };
}

// ---------------------------------------------------------------------------------------------
// I/O: memoised, concurrency-limited GETs.

interface Api {
  client: HttpClient;
  get: HttpClient['getJson'];
}

function limitedApi(client: HttpClient, concurrency: number, gate?: () => HttpError | undefined, onError?: (e: unknown) => void): Api {
  const limit = pLimit(Math.max(1, concurrency));
  const memo = new Map<string, Promise<HttpResponse<unknown>>>();
  const get = (<T>(path: string, query?: Record<string, string | number | undefined>) => {
    const q = Object.entries(query ?? {})
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('&');
    const key = `${path}?${q}`;
    let p = memo.get(key);
    if (!p) {
      p = limit(async () => {
        const blocked = gate?.();
        if (blocked) throw blocked;
        try {
          return await client.getJson<unknown>(path, query);
        } catch (e) {
          onError?.(e);
          throw e;
        }
      });
      memo.set(key, p);
    }
    return p as Promise<HttpResponse<T>>;
  }) as HttpClient['getJson'];
  // The lookups only call getJson; requestCount is read from the real client.
  const view: HttpClient = { getJson: get, sendJson: client.sendJson, getBytes: client.getBytes, get requestCount() { return client.requestCount; } };
  return { client: view, get };
}

function unknownFinding(f: Finding, reason: UnknownReason, detail: string): Finding {
  const src: SeveritySource = { kind: 'none', unknownReason: reason, detail };
  return { ...f, severity: 'unknown', severitySource: src };
}

function resolvedFinding(f: Finding, r: Resolved): Finding {
  return { ...f, severity: r.severity, severitySource: { ...r.source, ...(r.source.cvss ? { cvss: { ...r.source.cvss } } : {}) } };
}

/**
 * Returns new findings: pip-audit findings whose severity is `unknown` get a severity and its source,
 * or stay `unknown` with a reason; every other finding is passed through as is. Never throws for
 * network or API problems.
 */
export async function resolveSeverities(findings: readonly Finding[], opts: ResolveOptions): Promise<ResolveResult> {
  const now = opts.now ?? Date.now;
  const start = now();
  const log = opts.log ?? (() => undefined);
  const todo = findings.map((f, i) => (f.tool === 'pip-audit' && f.severity === 'unknown' ? i : -1)).filter((i) => i >= 0);
  const out = findings.slice();
  const stats: ResolveStats = { requests: 0, advisories: 0, resolved: 0, unknown: 0, byReason: {}, bySource: { github: 0, osv: 0 }, findings: todo.length, wallMs: 0 };
  if (todo.length === 0) return { findings: out, stats };

  const { groups, noId } = groupAdvisories(findings, todo);
  stats.advisories = groups.length;
  for (const i of noId) out[i] = unknownFinding(findings[i]!, 'error', 'no advisory id in the report');

  const useGithub = opts.source === 'github,osv' || opts.source === 'github';
  const useOsv = opts.source === 'github,osv' || opts.source === 'osv';
  const finish = (results: Resolution[]): ResolveResult => {
    groups.forEach((g, gi) => {
      const r = results[gi]!;
      if (r.ok) {
        stats.resolved++;
        stats.bySource[r.source.kind]++;
      } else {
        stats.unknown++;
        stats.byReason[r.reason] = (stats.byReason[r.reason] ?? 0) + 1;
      }
      for (const i of g.findings) out[i] = r.ok ? resolvedFinding(findings[i]!, r) : unknownFinding(findings[i]!, r.reason, r.detail);
    });
    stats.wallMs = Math.max(0, now() - start);
    const reasons = Object.entries(stats.byReason).map(([k, v]) => `${k} ${v}`).join(', ');
    log(
      `pip-audit severities: ${stats.advisories} advisories, ${stats.resolved} resolved (GitHub ${stats.bySource.github}, OSV ${stats.bySource.osv}), ` +
        `${stats.unknown} unknown${reasons ? ` (${reasons})` : ''}; ${stats.requests} requests in ${stats.wallMs} ms`,
    );
    return { findings: out, stats };
  };

  if (opts.offline || opts.source === 'off') {
    const reason: UnknownReason = opts.source === 'off' ? 'off' : 'offline';
    const detail = reason === 'off' ? 'no lookup made (severity-source: off)' : 'no lookup made';
    return finish(groups.map(() => ({ ok: false, reason, detail })));
  }

  const deadline = start + (opts.budgetMs ?? DEFAULT_BUDGET_MS);
  const common = {
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    deadline,
    now,
    ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
    ...(opts.backoffMs !== undefined ? { backoffMs: opts.backoffMs } : {}),
    ...(opts.maxRetryWaitMs !== undefined ? { maxRetryWaitMs: opts.maxRetryWaitMs } : {}),
  };
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  let githubRateLimited = false;
  const gh = limitedApi(
    createHttpClient({ ...common, baseUrl: opts.githubApiUrl, ...(opts.githubToken ? { token: opts.githubToken } : {}), headers: githubHeaders() }),
    concurrency,
    () => (githubRateLimited ? new HttpError('rate-limited', 'rate limited earlier in this run; not asked') : undefined),
    (e) => {
      if (e instanceof HttpError && e.kind === 'rate-limited') githubRateLimited = true;
    },
  );
  const osv = limitedApi(createHttpClient({ ...common, baseUrl: opts.osvApiUrl ?? DEFAULT_OSV_API_URL }), concurrency);
  const getScorer: () => Promise<CvssScorer> = loadCvssScorer;

  const askGithub = (id: string, pkg: string | undefined) => (isGhsa(id) ? lookupGhsa(gh.client, id, getScorer) : lookupCve(gh.client, id, pkg, getScorer));
  const askOsv = (id: string, pkg: string | undefined) => lookupOsv(osv.client, id, pkg, getScorer);

  try {
    const attempts: Unresolved[][] = groups.map(() => []);
    const results: Array<Resolution | undefined> = groups.map(() => undefined);
    // A group some of whose ids answered and some did not: what step 3 may complete (one id only).
    const partial: Array<{ answered: Resolved[]; unanswered: number } | undefined> = groups.map(() => undefined);
    const record = (gi: number, r: Resolution) => {
      if (r.ok) results[gi] = r;
      else attempts[gi]!.push(r);
    };

    // Steps 1 and 2, every advisory at once (bounded per API): its first source, then OSV for what
    // GitHub could not answer. Each advisory's chain depends only on its own answers.
    // Ids merge through aliases, across packages too, so one group may hold advisories that do not
    // agree. Every GHSA of the group is asked (else every CVE), each with its own fallback to OSV,
    // and the group takes the most severe answer, only when every id got one: a low record never
    // answers for a critical one it is merged with, and a lookup that failed leaves the group
    // unknown (unknown-severity, fail closed). Too many ids merged: unknown as well.
    await Promise.all(
      groups.map(async (g, gi) => {
        const ghsas = g.ids.filter(isGhsa);
        const base = useGithub ? (ghsas.length > 0 ? ghsas : g.ids.filter(isCve)) : ghsas;
        // A group that merged several findings' own ids (`PYSEC-1` of one package and `PYSEC-9` of
        // another, sharing a CVE) also asks each of those that is no GHSA: of OSV, or of GitHub by
        // CVE (a third re-review had one OSV record answer for both). One finding's ids are one
        // advisory in several databases: asked once, as before.
        const own = [...new Map(g.findings.map((i) => canonicalId(findings[i]!.ruleId)).filter((x): x is string => x !== undefined).map((x) => [keyOf(x), x] as const)).values()];
        const more = own.length > 1 ? own.filter((id) => !isGhsa(id) && !base.some((x) => keyOf(x) === keyOf(id))) : [];
        // The findings' own records answer for them: a CVE they merely share is then not asked too.
        const ids = more.length > 0 && ghsas.length === 0 ? [...base.filter((id) => own.some((x) => keyOf(x) === keyOf(id))), ...more] : [...base, ...more];
        if (ids.length > MAX_MERGED_IDS) {
          record(gi, { ok: false, reason: 'error', detail: clip(`${ids.length} advisories merged through aliases (${ids.slice(0, 5).join(', ')}, …): more than ${MAX_MERGED_IDS} to look up`, 260) });
          return;
        }
        if (ids.length === 0) {
          if (!useOsv) {
            record(gi, { ok: false, reason: 'not-found', detail: `GitHub: no GHSA or CVE id to look up (${g.ids.join(', ')}; severity-source: github)` });
            return;
          }
          const oid = osvIdFor(g.ids);
          if (oid) record(gi, await askOsv(oid, g.packageName));
          return;
        }
        const answers = await Promise.all(
          ids.map(async (id): Promise<Resolution[]> => {
            const viaGithub = useGithub && (isGhsa(id) || isCve(id));
            const first: Resolution | undefined = viaGithub ? await askGithub(id, g.packageName) : undefined;
            if (first && (first.ok || !useOsv)) return [first];
            if (!useOsv) return [{ ok: false, reason: 'not-found', detail: `GitHub: ${id} cannot be looked up there (severity-source: github)` }];
            // A single CVE is asked of OSV as before: by the group's best id for it (PYSEC first).
            const oid = isCve(id) && base.length === 1 && more.length === 0 ? osvIdFor(g.ids) : id;
            const then: Resolution | undefined = oid ? await askOsv(oid, g.packageName) : undefined;
            const out: Resolution[] = [];
            if (then?.ok) return [then];
            if (first) out.push(first);
            if (then) out.push(then);
            return out;
          }),
        );
        const best = answers.map((a) => a.find((r) => r.ok)).filter((r): r is Resolved => r !== undefined);
        if (best.length === ids.length) record(gi, mostSevere(best));
        else {
          for (const a of answers) if (!a.some((r) => r.ok)) for (const r of a) record(gi, r);
          partial[gi] = { answered: best, unanswered: ids.length - best.length };
        }
      }),
    );
    // Step 3 (after all of the above, so the answer does not depend on timing): follow an OSV record
    // without severity through its GHSA/CVE alias, once.
    const owner = new Map<string, number>();
    groups.forEach((g, gi) => g.ids.forEach((id) => owner.set(keyOf(id), gi)));
    const snapshot = results.slice();
    await Promise.all(
      groups.map(async (g, gi) => {
        if (results[gi]) return;
        // One alias followed answers for one id: a group with more ids unanswered stays unknown, and
        // one answered in part takes the most severe of all its answers (a re-review had a critical
        // answer replaced by the low one of the alias of another id).
        const part = partial[gi];
        if (part && part.unanswered > 1) return;
        const withAnswered = (r: Resolved): Resolved => (part ? mostSevere([...part.answered, r]) : r);
        const learned = attempts[gi]!.flatMap((a) => (a.reason === 'no-severity' || a.reason === 'invalid-cvss' ? (a.aliases ?? []) : []))
          .map(canonicalId)
          .filter((x): x is string => x !== undefined && !g.ids.some((id) => keyOf(id) === keyOf(x)))
          .sort();
        const next = learned.find(isGhsa) ?? (useGithub ? learned.find(isCve) : undefined);
        if (!next) return;
        const other = owner.get(keyOf(next));
        const known = other !== undefined ? snapshot[other] : undefined;
        if (known?.ok) {
          results[gi] = withAnswered({ ...known, source: { ...known.source, detail: clip(`${known.source.detail} (via alias ${next})`, 260) } });
          return;
        }
        if (other !== undefined) return; // already asked under that advisory, without an answer
        const r = useGithub ? await askGithub(next, g.packageName) : await askOsv(next, g.packageName);
        if (r.ok) results[gi] = withAnswered({ ...r, source: { ...r.source, detail: clip(`${r.source.detail} (via alias of ${g.ids.join(', ')})`, 260) } });
        else attempts[gi]!.push(r);
      }),
    );

    stats.requests = gh.client.requestCount + osv.client.requestCount;
    return finish(results.map((r, gi) => r ?? combineUnresolved(attempts[gi]!)));
  } catch (e) {
    // Defensive: a bug here must not crash the gate nor let an unknown pass silently.
    stats.requests = gh.client.requestCount + osv.client.requestCount;
    const detail = clip(`severity lookup failed: ${e instanceof Error ? e.message : String(e)}`, 200);
    return finish(groups.map(() => ({ ok: false, reason: 'error', detail })));
  }
}

/**
 * The same over parsed reports: one lookup for all of them (an advisory listed in several reports is
 * asked once), new reports returned in the same order. Reports of other tools are returned as is.
 */
export async function resolveReportSeverities(reports: readonly ParsedReport[], opts: ResolveOptions): Promise<{ reports: ParsedReport[]; stats: ResolveStats }> {
  const all = reports.flatMap((r) => r.findings);
  const { findings, stats } = await resolveSeverities(all, opts);
  let at = 0;
  const out = reports.map((r) => {
    const mine = findings.slice(at, at + r.findings.length);
    at += r.findings.length;
    return r.tool === 'pip-audit' ? { ...r, findings: mine } : r;
  });
  return { reports: out, stats };
}

/**
 * A gate notice when some pip-audit severities stayed unknown, e.g.
 * "pip-audit: 3 of 15 advisories have no known severity (rate-limited 2, timed-out 1): treated as high (unknown-severity)".
 * Undefined when every advisory was resolved.
 */
export function severityNotice(stats: ResolveStats, unknownSeverity: string): string | undefined {
  if (stats.unknown === 0) return undefined;
  const reasons = Object.entries(stats.byReason)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `pip-audit: ${stats.unknown} of ${stats.advisories} advisories have no known severity (${reasons}): treated as ${unknownSeverity} (unknown-severity)`;
}

/**
 * One line for the summary / terminal / result consumers saying where a pip-audit severity came from
 * (or why it is unknown), e.g. `high (GitHub GHSA-abcd-1234-efgh; CVSS 3.1 7.6 CVSS:3.1/AV:N/...)`,
 * `critical (OSV PYSEC-2020-173; CVSS 3.1 9.8 CVSS:3.1/...)`, `unknown (rate-limited: GitHub ...)`.
 * Untrusted text inside: renderers escape it like any other finding text.
 */
export function describeSeverity(f: Pick<Finding, 'severity' | 'severitySource'>): string {
  const s = f.severitySource;
  if (!s) return f.severity;
  if (s.kind === 'github' || s.kind === 'osv') {
    const where = `${s.kind === 'github' ? 'GitHub' : 'OSV'}${s.advisory ? ` ${s.advisory}` : ''}`;
    const cvss = s.cvss ? `; CVSS ${s.cvss.version} ${s.cvss.score} ${s.cvss.vector}` : '';
    return `${f.severity} (${where}${cvss})`;
  }
  if (s.kind === 'none' && f.severity === 'unknown') return `unknown (${s.unknownReason ?? 'no reason given'}${s.detail ? `: ${s.detail}` : ''})`;
  return f.severity;
}
