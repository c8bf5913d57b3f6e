/**
 * Waivers, pure: parsed waivers + approver configuration + (optional) approvals read from the pull
 * request + `now` -> the `waive` hook for `evaluate()` and, afterwards, a `WaiverReport`.
 *
 * Rules (the team's Security Gate Policy):
 * - Every waiver needs at least one approver and an approval date not in the future.
 * - pip-audit critical/high (effective severity, so an unknown severity treated as high counts as
 *   high): two distinct approvers, at least one of them a security approver.
 * - Bandit HIGH: at least one approver who is a security or a senior approver.
 * - gitleaks / secret scan: the waiver must say the value was verified not to be a real secret.
 * - The rule is checked against each finding the waiver would waive, so a waiver covering findings of
 *   mixed severity only waives those whose (strictest) rule it satisfies; the others stay as they
 *   are and the waiver is listed as invalid, with why.
 * - Expiry is inclusive: a waiver with `expires: 2026-12-01` applies until 2026-12-01T23:59:59.999Z
 *   and not from 2026-12-02T00:00:00Z (UTC, whatever the runner's time zone).
 * - With approval verification, an approver counts only with a `WAIVER APPROVED: <code> <reason>`
 *   comment on the pull request (for the waivers the verification applies to), where the code is
 *   the waiver's `approvalCode`: its id and a digest of its row, so an approval is of that row as
 *   it was read, never of whatever the author puts under that id (or any id) later; the pull
 *   request's author does not count, nor an approver who holds no approver role and cannot write
 *   to the repository.
 * - The waiver's owner (a login) never counts as its approver.
 *
 * One session per `evaluate()` run: the report counts what the hook was asked.
 */
import picomatch from 'picomatch';
import { isRepoPath } from '../util/paths.js';
import type { WaiverMatch } from '../policy/evaluate.js';
import type { EvaluatedFinding } from '../policy/result.js';
import { severityRank, type Severity } from '../reports/model.js';
import {
  REASON_CATEGORIES,
  SECRET_TOOLS,
  TEAM_RE,
  daysBetween,
  utcDay,
  type ReasonCategory,
  type Waiver,
  type WaiverReport,
  type WaiverReportEntry,
  type WaiverState,
} from './types.js';

export type Membership = 'member' | 'not-member' | 'unknown';

export interface MembershipAnswer {
  state: Membership;
  /** Why it is unknown, in plain words (e.g. "the token may not read team membership (HTTP 403)"). */
  reason?: string;
}

/** Team membership as looked up beforehand (I/O); undefined = not looked up. */
export type MembershipLookup = (team: string, login: string) => MembershipAnswer | undefined;

export interface ApproverConfig {
  /** `security-approvers`: logins or `org/team`. */
  security: string[];
  /** `senior-approvers`: logins or `org/team`. */
  senior: string[];
}

/** A `WAIVER APPROVED: <reason>` comment on the pull request. */
export interface ApprovalComment {
  login: string;
  reason: string;
  at?: string;
  url?: string;
}

export interface ApprovalVerification {
  /** Approval comments read from the pull request (only approvers' comments matter). */
  comments: ApprovalComment[];
  /** Waivers the verification applies to (e.g. those the pull request adds or changes); default all. */
  appliesTo?: (w: Waiver) => boolean;
  /** The pull request's author: their approval does not count for the waivers it adds or changes. */
  author?: string;
  /** Set when the comments could not be read: every waiver in scope is then invalid (fail closed). */
  unavailable?: string;
  /**
   * Whether an approver who holds no approver role may write to the repository (looked up
   * beforehand): on a public repository anyone can comment, and the approvers are whoever the
   * waivers file the pull request edits lists. Undefined or not `writes`: not counted (fail closed).
   */
  access?: (login: string) => { writes: boolean; reason?: string } | undefined;
  /** Plain words on what was verified (shown in the report). */
  note?: string;
}

export interface WaiverSessionOptions {
  /** The waivers file (workspace-relative), for the report. */
  file: string;
  waivers: Waiver[];
  approvers: ApproverConfig;
  membership?: MembershipLookup;
  verification?: ApprovalVerification;
  now: Date;
  /** `waiver-expiry-warning-days` (default 7): a waiver whose last day is at most this many days away warns. */
  expiryWarningDays?: number;
  /**
   * `waiver-max-days`: the longest a waiver may run, from its approval date to its last day. A
   * longer one is invalid (an expiry of 9999-12-31 is no expiry). Undefined: no limit.
   */
  maxDays?: number;
}

export interface WaiverSession {
  /** The hook for `evaluate()`'s `waive` option. */
  waive(f: EvaluatedFinding): WaiverMatch | undefined;
  /** The report after `evaluate()` ran. */
  report(): WaiverReport;
}

interface Compiled {
  w: Waiver;
  matches(f: EvaluatedFinding): boolean;
  daysLeft: number;
  expired: boolean;
  /** Problems that stop the waiver whatever it matches. */
  problems: string[];
  /** Approvers that count (verified where verification applies). */
  counted: string[];
  security: string[];
  senior: string[];
  /** Notes on approvers whose role could not be established. */
  roleNotes: string[];
  matched: number;
  unapplied: number;
  refusals: Set<string>;
}

const lc = (s: string) => s.toLowerCase();

/** A pip-audit finding's id and aliases, lower-cased, worked out once per finding (not once per waiver). */
const findingIds = new WeakMap<EvaluatedFinding, Set<string>>();
function idsOf(f: EvaluatedFinding): Set<string> {
  let ids = findingIds.get(f);
  if (ids === undefined) {
    ids = new Set([lc(f.ruleId), ...(f.aliases ?? []).map(lc)]);
    findingIds.set(f, ids);
  }
  return ids;
}

/** A git commit id, as gitleaks writes it first in a fingerprint. */
const COMMIT_RE = /^[0-9a-f]{4,64}$/i;

/** Does a finding fall under a waiver's match? (Tool-specific; pure.) */
export function matcherFor(w: Waiver): (f: EvaluatedFinding) => boolean {
  const m = w.match;
  // A report lists a file's findings one after another: the last path's answer is kept, so each
  // waiver's glob runs once per file, not once per finding (80k findings x 1k waivers took 9 s).
  const glob = (g: string) => {
    const test = picomatch(g, { dot: true });
    let lastPath: string | undefined;
    let lastAnswer = false;
    // Only a path placed in the repository: picomatch's `**` matched `/opt/build/src/app.py`, and
    // `@(..)/x.py` matched `../x.py`, paths the engine kept as written because they are outside it.
    return (path: string) => (path === lastPath ? lastAnswer : ((lastPath = path), (lastAnswer = isRepoPath(path) && test(path))));
  };
  const lineOk = (f: EvaluatedFinding, line: number | undefined) => {
    if (line === undefined) return true;
    const l = f.location?.line;
    if (l === undefined) return false;
    return line >= l && line <= (f.location?.endLine ?? l);
  };
  switch (m.tool) {
    case 'pip-audit': {
      const id = lc(m.id);
      return (f) =>
        f.tool === 'pip-audit' &&
        idsOf(f).has(id) &&
        (m.package === undefined || (f.package?.name !== undefined && lc(f.package.name).replace(/[-_.]+/g, '-') === m.package));
    }
    case 'bandit': {
      const isPath = glob(m.path);
      return (f) => f.tool === 'bandit' && f.ruleId.toUpperCase() === m.test && f.location !== undefined && isPath(f.location.path) && lineOk(f, m.line);
    }
    case 'gitleaks': {
      const isPath = m.path !== undefined ? glob(m.path) : undefined;
      const fp = m.fingerprint;
      // gitleaks' own fingerprints are `commit:file:rule:line` (git mode) or `file:rule:line`; a
      // waiver written without the commit matches every commit's copy: the finding's fingerprint is
      // the finding's own commit, `:`, and the waiver's. Not any fingerprint ending so: a file the
      // pull request names `x:docs/a.md` (or, without git, `cafe:docs/a.md`) would take the waiver
      // of `docs/a.md` to its own secret. A waiver with its commit, or a path holding `:`, matches
      // exactly only.
      const tail = `:${fp}`;
      const commitLess = fp !== undefined && fp.split(':').length === 3;
      const fpOk = (f: EvaluatedFinding) => {
        if (fp === undefined || f.fingerprint === fp) return true;
        if (!commitLess || !f.fingerprint.endsWith(tail)) return false;
        const prefix = f.fingerprint.slice(0, -tail.length);
        const commit = f.extra?.commit;
        return COMMIT_RE.test(prefix) && typeof commit === 'string' && commit !== '' && prefix.toLowerCase().startsWith(commit.toLowerCase());
      };
      return (f) =>
        f.tool === 'gitleaks' &&
        lc(f.ruleId) === lc(m.rule) &&
        (isPath === undefined || (f.location !== undefined && isPath(f.location.path))) &&
        fpOk(f) &&
        lineOk(f, m.line);
    }
    case 'deptry':
      return (f) => f.tool === 'deptry' && f.ruleId.toUpperCase() === m.code && typeof f.extra?.module === 'string' && lc(f.extra.module) === lc(m.module);
    case 'vulture': {
      const isPath = glob(m.path);
      return (f) => f.tool === 'vulture' && f.extra?.name === m.name && f.location !== undefined && isPath(f.location.path);
    }
    case 'secret-scan':
      return (f) =>
        f.tool === 'secret-scan' && f.location?.path === m.file && f.location.line === m.line && (m.rule === undefined || lc(f.ruleId) === lc(m.rule));
  }
}

/** The one value a finding must share with a waiver to match it (lower-cased). */
function primaryKey(w: Waiver): string {
  const m = w.match;
  switch (m.tool) {
    case 'pip-audit':
      return lc(m.id);
    case 'bandit':
      return lc(m.test);
    case 'gitleaks':
      return lc(m.rule);
    case 'deptry':
      return lc(m.code);
    case 'vulture':
      return m.name;
    case 'secret-scan':
      return m.file;
  }
}

/** The keys a finding can match under (pip-audit: its id and every alias). */
function findingKeys(f: EvaluatedFinding): string[] {
  switch (f.tool) {
    case 'pip-audit':
      return [...new Set([f.ruleId, ...(f.aliases ?? [])].map(lc))];
    case 'bandit':
    case 'gitleaks':
    case 'deptry':
      return [lc(f.ruleId)];
    case 'vulture':
      return typeof f.extra?.name === 'string' ? [f.extra.name] : [];
    case 'secret-scan':
      return f.location ? [f.location.path] : [];
    default:
      return [];
  }
}

function norm(list: string[]): { users: Set<string>; teams: string[] } {
  const users = new Set<string>();
  const teams: string[] = [];
  for (const raw of list) {
    const s = raw.trim().replace(/^@/, '');
    if (s === '') continue;
    if (TEAM_RE.test(s)) teams.push(lc(s));
    else users.add(lc(s));
  }
  return { users, teams };
}

/** Whether `login` holds a role (listed, or member of a listed team), with a note when it cannot be told. */
export function holdsRole(
  login: string,
  role: { users: Set<string>; teams: string[] },
  membership: MembershipLookup | undefined,
): { holds: boolean; unknown: Array<{ team: string; reason: string }> } {
  if (role.users.has(lc(login))) return { holds: true, unknown: [] };
  const unknown: Array<{ team: string; reason: string }> = [];
  for (const team of role.teams) {
    const a = membership?.(team, login);
    if (a?.state === 'member') return { holds: true, unknown: [] };
    if (!a) unknown.push({ team, reason: 'team membership was not looked up (no token)' });
    else if (a.state === 'unknown') unknown.push({ team, reason: a.reason ?? 'team membership could not be read' });
  }
  return { holds: false, unknown };
}

/** Whether `login` is a security or a senior approver (listed, or a member of a listed team). */
export function holdsApproverRole(login: string, approvers: ApproverConfig, membership: MembershipLookup | undefined): boolean {
  return holdsRole(login, norm(approvers.security), membership).holds || holdsRole(login, norm(approvers.senior), membership).holds;
}

/**
 * Hex digits of an approval code's digest: 128 bits. The author writes both rows, so two rows
 * with one code are a birthday search: 64 bits was ~2^32 hashes (a review: minutes on a GPU).
 */
const DIGEST_HEX = 32;

/**
 * What an approver writes to approve one waiver: `<id>@<digest>`, the digest (SHA-256) of
 * everything the row says but where it stands in the file (approvers in any order or case).
 * Approving by id alone let a review find two ways around it: the author replaced an approved
 * low-severity waiver with a critical one under a new id (the comment, naming no id left in the
 * file, then approved every waiver listing its author), or named a waiver after a word both
 * approvers happened to write. Any change to
 * the row (its match, expiry, approvers...) changes the code, so it must be approved again.
 */
export function approvalCode(w: Waiver): string {
  const approvers = [...new Set(w.approvers.map(lc))].sort();
  const row = [w.id, w.tool, sortedKeys(w.match), w.reasonCategory, w.rationale, w.owner, approvers, w.approved ?? null, w.expires, w.mitigation ?? null, w.tracking ?? null, w.verifiedNotSecret ?? null];
  const digest = process.getBuiltinModule('node:crypto').createHash('sha256').update(JSON.stringify(row), 'utf8').digest('hex');
  return `${w.id}@${digest.slice(0, DIGEST_HEX)}`;
}

function sortedKeys(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The approval codes an approval comment's reason names (lower-cased); nothing else in it counts. */
function namedCodes(reason: string): Set<string> {
  const out = new Set<string>();
  const re = new RegExp(`(?<![A-Za-z0-9._-])([A-Za-z0-9._-]+@[0-9a-f]{${DIGEST_HEX}})(?![0-9a-f])`, 'gi');
  for (const m of reason.matchAll(re)) out.add(lc(m[1] as string));
  return out;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function createWaiverSession(opts: WaiverSessionOptions): WaiverSession {
  const today = utcDay(opts.now);
  const warnDays = opts.expiryWarningDays ?? 7;
  const security = norm(opts.approvers.security);
  const senior = norm(opts.approvers.senior);
  const v = opts.verification;

  // Approval comments by login: the approval codes each names.
  const approvalsBy = new Map<string, Set<string>>();
  for (const c of v?.comments ?? []) {
    const codes = approvalsBy.get(lc(c.login)) ?? new Set<string>();
    for (const code of namedCodes(c.reason)) codes.add(code);
    approvalsBy.set(lc(c.login), codes);
  }
  const approvedOnPr = (login: string, code: string) => approvalsBy.get(lc(login))?.has(lc(code)) === true;

  const compiled: Compiled[] = opts.waivers.map((w) => {
    const daysLeft = daysBetween(today, w.expires);
    const problems: string[] = [];
    if (w.approvers.length === 0) problems.push('no approvers');
    if (!w.approved) problems.push('no approval date');
    else if (w.approved > today) problems.push(`approval date ${w.approved} is in the future`);
    else if (opts.maxDays !== undefined && daysBetween(w.approved, w.expires) > opts.maxDays) {
      problems.push(`expires ${w.expires}, ${daysBetween(w.approved, w.expires)} days after its approval on ${w.approved}: longer than waiver-max-days (${opts.maxDays})`);
    }
    if (SECRET_TOOLS.includes(w.tool) && w.verifiedNotSecret !== true) {
      problems.push('a secret waiver must say the value was verified not to be a real secret (verified: yes)');
    }
    // Four eyes: the waiver's owner does not approve their own waiver, nor (verified) the author of
    // the pull request that adds it. When nobody else approves, that is the waiver's problem;
    // otherwise it is said next to a rule the others do not meet.
    let counted = [...w.approvers];
    const notCounted: string[] = [];
    const drop = (login: string, why: string) => {
      if (!counted.some((a) => lc(a) === lc(login))) return;
      counted = counted.filter((a) => lc(a) !== lc(login));
      (counted.length === 0 ? problems : notCounted).push(`@${login} ${why}`);
    };
    // Every login the owner cell names, with an `@` or without (`@mallory (auth lead)`, `mallory,
    // auth lead`, `Mallory <mallory@acme.io>`): an approver named there as a word is the owner (a
    // review had an owner cell without `@` let its owner approve). Stricter, never looser.
    const ownerWords = new Map((w.owner.match(/[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/g) ?? []).map((x) => [lc(x), x] as const));
    for (const a of [...counted]) {
      const named = ownerWords.get(lc(a.replace(/^@/, '')));
      if (named !== undefined) drop(named, 'owns the waiver and cannot approve it');
    }
    if (v && (v.appliesTo?.(w) ?? true)) {
      if (v.unavailable !== undefined) {
        problems.push(`approvals could not be verified on the pull request: ${v.unavailable}`);
        counted = [];
      } else {
        const code = approvalCode(w);
        const missing = counted.filter((a) => !approvedOnPr(a, code));
        if (missing.length > 0) {
          problems.push(`${missing.map((a) => `@${a}`).join(', ')} did not approve this waiver as it reads on this pull request (each approver comments \`WAIVER APPROVED: ${code} <reason>\`; the code changes whenever the row does)`);
        }
        counted = counted.filter((a) => approvedOnPr(a, code));
        if (v.author !== undefined) drop(v.author, 'opened this pull request and cannot approve its waivers');
        // Four eyes means two people who answer for the repository: an approver the file names who
        // holds no approver role counts only with write access (a review had a second account of
        // the author's approve a waiver of a live secret).
        for (const a of [...counted]) {
          if (holdsApproverRole(a, opts.approvers, opts.membership)) continue;
          const access = v.access?.(a);
          if (access?.writes === true) continue;
          drop(a, `holds no approver role and ${access ? access.reason ?? 'has no write access to the repository' : 'its access to the repository was not looked up'}: not counted`);
        }
      }
    }
    const roleNotes: string[] = [...notCounted];
    const sec: string[] = [];
    const sen: string[] = [];
    for (const a of counted) {
      const s = holdsRole(a, security, opts.membership);
      const r = s.holds ? { holds: false, unknown: [] } : holdsRole(a, senior, opts.membership);
      if (s.holds) sec.push(a);
      else if (r.holds) sen.push(a);
      for (const u of [...s.unknown, ...r.unknown]) roleNotes.push(`cannot tell whether @${a} is in ${u.team}: ${u.reason}`);
    }
    return {
      w,
      matches: matcherFor(w),
      daysLeft,
      expired: daysLeft < 0,
      problems,
      counted,
      security: sec,
      senior: sen,
      roleNotes,
      matched: 0,
      unapplied: 0,
      refusals: new Set<string>(),
    };
  });

  /** Why this waiver may not waive a finding of this severity, or undefined when it may. */
  const ruleProblem = (c: Compiled, sev: Severity): string | undefined => {
    if (c.counted.length === 0) return 'no approver counts';
    const high = severityRank(sev) >= severityRank('high');
    const tail = c.roleNotes.length > 0 ? ` (${c.roleNotes.join('; ')})` : '';
    if (c.w.tool === 'pip-audit' && high) {
      if (c.counted.length >= 2 && c.security.length >= 1) return undefined;
      return `pip-audit ${sev} needs 2 approvers, one of them a security approver; has ${plural(c.counted.length, 'approver')}, ${c.security.length} security${tail}`;
    }
    if (c.w.tool === 'bandit' && high) {
      if (c.security.length + c.senior.length >= 1) return undefined;
      return `Bandit HIGH needs a security or senior approver; none of ${c.counted.map((a) => `@${a}`).join(', ')} is one${tail}`;
    }
    return undefined;
  };

  // Index by tool + primary key (test id, rule, vulnerability id, …), keeping file order.
  const index = new Map<string, Array<{ c: Compiled; order: number }>>();
  compiled.forEach((c, order) => {
    const key = `${c.w.tool}\u0000${primaryKey(c.w)}`;
    const list = index.get(key) ?? [];
    list.push({ c, order });
    index.set(key, list);
  });
  const candidatesFor = (f: EvaluatedFinding): Compiled[] => {
    if (index.size === 0) return []; // no waivers: nothing to look up for the 80k findings of a big report
    const keys = findingKeys(f);
    if (keys.length === 1) return (index.get(`${f.tool}\u0000${keys[0]}`) ?? []).map((x) => x.c);
    const found = new Map<number, Compiled>();
    for (const k of keys) for (const x of index.get(`${f.tool}\u0000${k}`) ?? []) found.set(x.order, x.c);
    return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  };
  const byReason = Object.fromEntries(REASON_CATEGORIES.map((r) => [r, 0])) as Record<ReasonCategory, number>;
  let waivedFindings = 0;

  return {
    waive(f) {
      const candidates = candidatesFor(f);
      if (candidates.length === 0) return undefined;
      const declined: Compiled[] = [];
      for (const c of candidates) {
        if (!c.matches(f)) continue;
        if (c.expired || c.problems.length > 0) {
          declined.push(c);
          continue;
        }
        const p = ruleProblem(c, f.effectiveSeverity);
        if (p) {
          c.refusals.add(p);
          declined.push(c);
          continue;
        }
        c.matched++;
        byReason[c.w.reasonCategory]++;
        waivedFindings++;
        return { id: c.w.id, owner: c.w.owner, expires: c.w.expires, reasonCategory: c.w.reasonCategory };
      }
      for (const c of declined) c.unapplied++;
      return undefined;
    },

    report() {
      const entries: WaiverReportEntry[] = compiled.map((c) => {
        const problems = [...c.problems, ...c.refusals];
        let state: WaiverState;
        if (c.expired) state = 'expired';
        else if (problems.length > 0) state = 'invalid';
        else if (c.matched === 0) state = 'stale';
        else if (c.daysLeft <= warnDays) state = 'expiring';
        else state = 'active';
        const e: WaiverReportEntry = {
          id: c.w.id,
          tool: c.w.tool,
          match: c.w.matchText,
          state,
          reasonCategory: c.w.reasonCategory,
          owner: c.w.owner,
          approvers: c.w.approvers,
          expires: c.w.expires,
          daysLeft: c.daysLeft,
          line: c.w.source.line,
          matched: c.matched,
          unapplied: c.unapplied,
          problems,
        };
        if (c.w.tracking) e.tracking = c.w.tracking;
        return e;
      });
      const counts = { total: entries.length, active: 0, expiring: 0, expired: 0, invalid: 0, stale: 0, waivedFindings };
      for (const e of entries) counts[e.state]++;
      const report: WaiverReport = { file: opts.file, present: true, waivers: entries, counts, byReason, notices: waiverNotices(entries, opts.file) };
      if (v) {
        report.verification = {
          requested: true,
          applied: v.unavailable === undefined,
          note: v.unavailable !== undefined ? `approvals could not be verified: ${v.unavailable}` : (v.note ?? 'approvals checked against `WAIVER APPROVED:` comments on the pull request'),
        };
      }
      return report;
    },
  };
}

/** Plain-words notices, one per waiver that needs attention (untrusted text: renderers escape). */
export function waiverNotices(entries: WaiverReportEntry[], file: string): string[] {
  const out: string[] = [];
  const where = (e: WaiverReportEntry) => `Waiver ${e.id} (${file}:${e.line}, ${e.tool} ${e.match}; owner ${e.owner})`;
  for (const e of entries) {
    switch (e.state) {
      case 'expiring':
        out.push(`${where(e)} ${e.daysLeft === 0 ? 'expires today' : `expires in ${plural(e.daysLeft, 'day')}`} (${e.expires}): renew it with fresh approvals or fix the ${plural(e.matched, 'finding')} it waives.`);
        break;
      case 'expired':
        out.push(`${where(e)} expired on ${e.expires} and no longer applies${e.unapplied > 0 ? `: ${plural(e.unapplied, 'finding')} it matched ${e.unapplied === 1 ? 'is' : 'are'} reported again` : ''}.`);
        break;
      case 'invalid':
        out.push(`${where(e)} is invalid and ${e.matched > 0 ? `applies only to the ${plural(e.matched, 'finding')} whose rule it meets` : 'does not apply'}: ${e.problems.join('; ')}.`);
        break;
      case 'stale':
        out.push(`${where(e)} matches no finding (stale): remove it or correct its match.`);
        break;
      default:
        break;
    }
  }
  return out;
}

/** The report when there is no waivers file, or when it is malformed (then no waiver applies). */
export function emptyWaiverReport(file: string, opts: { present: boolean; error?: string }): WaiverReport {
  const r: WaiverReport = {
    file,
    present: opts.present,
    waivers: [],
    counts: { total: 0, active: 0, expiring: 0, expired: 0, invalid: 0, stale: 0, waivedFindings: 0 },
    byReason: Object.fromEntries(REASON_CATEGORIES.map((c) => [c, 0])) as Record<ReasonCategory, number>,
    notices: opts.error ? [`The waivers file cannot be used (malformed or unreadable), so no waiver applies: ${opts.error}`] : [],
  };
  if (opts.error) r.error = opts.error;
  return r;
}

/** How a pull request changes the waivers file (the diff's ChangedFile), for `waiversToVerify`. */
export interface WaiversFileChange {
  status: string;
  binary: boolean;
  /** Lines removed; undefined when git did not say. */
  deletedLines?: number;
  /** The lines added, by line number in the new file. */
  addedLines: ReadonlyArray<{ line: number }>;
}

/**
 * The waivers whose approvals a pull request must carry. Only waivers whose own lines it adds or
 * modifies, when that is all the change does to the file (lines added inside waivers); every waiver
 * as soon as the change does anything else, since a removed line can bring waivers to life without
 * touching them (the end of an HTML comment or of a code fence, a `line:` taken out of a YAML
 * match), and so can a binary diff (`*.md -diff`, a NUL byte). Unknown change: every waiver.
 * `'unchanged'`: the pull request leaves the file alone, none.
 */
export function waiversToVerify(waivers: Waiver[], change: WaiversFileChange | 'unchanged' | undefined): (w: Waiver) => boolean {
  if (change === 'unchanged') return () => false;
  if (change === undefined || change.binary || change.status !== 'modified' || change.deletedLines !== 0) return () => true;
  const added = change.addedLines.map((l) => l.line);
  const inside = insideAny(waivers.map((w) => [w.source.line, w.source.endLine] as const));
  if (!added.every(inside)) return () => true;
  return touchedWaivers(waivers, added);
}

/**
 * The change's added lines numbered in the waivers file as read (`text`), found by their text.
 * The diff numbers them in the pull request head's copy, while the workspace may hold another
 * (the merge commit `actions/checkout` gives a pull_request run): when the base branch added rows
 * above them, a new row's number named an old row, and the new one went unverified (a review
 * reproduced it). Each run of consecutive added lines is found as a block (a YAML waiver's
 * `tool: deptry` line alone is in every waiver; the block with its id is in one place); a block
 * found in several places stands for all of them (more rows verified, never fewer). A block the
 * file does not hold, or too much searching, makes the change unknown (undefined: every waiver
 * verified, fail closed).
 */
export function alignAddedLines(text: string, change: Omit<WaiversFileChange, 'addedLines'> & { addedLines: ReadonlyArray<{ line: number; text: string }> }): WaiversFileChange | undefined {
  const fileLines = text.split(/\r?\n/);
  const linesByText = new Map<string, number[]>();
  fileLines.forEach((l, i) => {
    const at = linesByText.get(l);
    if (at) at.push(i + 1);
    else linesByText.set(l, [i + 1]);
  });
  const runs: string[][] = [];
  let prev = Number.NaN;
  for (const a of [...change.addedLines].sort((x, y) => x.line - y.line)) {
    const t = a.text.replace(/\r$/, '');
    if (a.line === prev + 1) (runs[runs.length - 1] as string[]).push(t);
    else runs.push([t]);
    prev = a.line;
  }
  const addedLines: Array<{ line: number }> = [];
  let budget = ALIGN_BUDGET;
  for (const run of runs) {
    const starts = linesByText.get(run[0] as string) ?? [];
    let found = 0;
    for (const start of starts) {
      budget -= run.length;
      if (budget < 0) return undefined;
      if (!run.every((t, k) => fileLines[start - 1 + k] === t)) continue;
      found++;
      for (let k = 0; k < run.length; k++) addedLines.push({ line: start + k });
    }
    if (found === 0) return undefined;
  }
  return { ...change, addedLines };
}

/** Line comparisons alignAddedLines makes at most (a pull request of thousands of equal lines). */
const ALIGN_BUDGET = 5_000_000;

/**
 * Is a line inside one of these ranges (first and last line)? Sorted and binary-searched: a pull
 * request adding 80k waiver rows took 44 s with a scan of every waiver per added line.
 */
function insideAny(ranges: ReadonlyArray<readonly [number, number]>): (line: number) => boolean {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  // ends[i]: the furthest last line among the first i+1 ranges (ranges may nest or overlap)
  const ends: number[] = [];
  for (const [, end] of sorted) ends.push(Math.max(end, ends.length > 0 ? (ends[ends.length - 1] as number) : end));
  return (line) => {
    let lo = 0;
    let hi = sorted.length - 1;
    let last = -1; // the last range that starts at or before the line
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as readonly [number, number])[0] <= line) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return last >= 0 && (ends[last] as number) >= line;
  };
}

/**
 * Waivers whose lines the change touches (added or modified lines of the waivers file): the ones a
 * pull request's approvals are verified for. `addedLines` undefined = unknown change: all of them.
 */
export function touchedWaivers(waivers: Waiver[], addedLines: Iterable<number> | undefined): (w: Waiver) => boolean {
  if (addedLines === undefined) return () => true;
  const set = new Set(addedLines);
  return (w) => {
    for (let l = w.source.line; l <= w.source.endLine; l++) if (set.has(l)) return true;
    return false;
  };
}
