/**
 * Waivers: documented, approved, expiring exceptions kept in the repository. Pure types and tiny
 * helpers; the file format is in `docs/waivers.md`.
 */

/** Tools whose findings a waiver may cover (mutmut results are not waivable: fix the tests). */
export const WAIVER_TOOLS = ['bandit', 'pip-audit', 'gitleaks', 'deptry', 'vulture', 'secret-scan'] as const;
export type WaiverTool = (typeof WAIVER_TOOLS)[number];

/** Tools whose findings are secrets: a waiver must say the value was verified not to be a real secret. */
export const SECRET_TOOLS: readonly WaiverTool[] = ['gitleaks', 'secret-scan'];

/** The policy's four reasons to accept a finding, as ids. */
export const REASON_CATEGORIES = ['false-positive', 'not-exploitable', 'breaking-change', 'update-blocked'] as const;
export type ReasonCategory = (typeof REASON_CATEGORIES)[number];

export const REASON_LABELS: Record<ReasonCategory, string> = {
  'false-positive': 'confirmed false positive',
  'not-exploitable': 'not exploitable here',
  'breaking-change': 'fix needs a breaking change',
  'update-blocked': 'dependency update blocked',
};

/** What a waiver matches, per tool. Paths are repository-relative POSIX; `path` is a glob. */
export type WaiverMatchSpec =
  | { tool: 'pip-audit'; id: string; package?: string }
  | { tool: 'bandit'; test: string; path: string; line?: number }
  | { tool: 'gitleaks'; rule: string; path?: string; fingerprint?: string; line?: number }
  | { tool: 'deptry'; code: string; module: string }
  | { tool: 'vulture'; name: string; path: string }
  | { tool: 'secret-scan'; file: string; line: number; rule?: string };

export interface Waiver {
  /** Unique in the file; generated as `L<line>` when the file gives none. */
  id: string;
  tool: WaiverTool;
  match: WaiverMatchSpec;
  /** The match in the file's `key=value` form, for display. */
  matchText: string;
  reasonCategory: ReasonCategory;
  rationale: string;
  /** A login (`@alice`), a team (`@org/team`) or a name, as written. */
  owner: string;
  /** GitHub logins, without `@`, as written (case kept). */
  approvers: string[];
  /** Approval date, YYYY-MM-DD (UTC day). */
  approved?: string;
  /** Last day the waiver applies, YYYY-MM-DD, inclusive through 23:59:59.999 UTC. */
  expires: string;
  mitigation?: string;
  tracking?: string;
  /** Secret waivers: the value was verified not to be a real secret. */
  verifiedNotSecret?: boolean;
  /** Where it is written: 1-based lines in the waivers file. */
  source: { file: string; line: number; endLine: number };
}

export interface WaiverFileProblem {
  line: number;
  message: string;
}

/** A malformed waivers file. Never partially applied: the caller applies no waiver at all. */
export class WaiverFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: WaiverFileProblem[],
  ) {
    super(problems.map((p) => `${file}:${p.line}: ${p.message}`).join('\n'));
    this.name = 'WaiverFileError';
  }

  /** First problem's line, for an annotation. */
  get line(): number {
    return this.problems[0]?.line ?? 1;
  }
}

export type WaiverState = 'active' | 'expiring' | 'expired' | 'invalid' | 'stale';

export interface WaiverReportEntry {
  id: string;
  tool: WaiverTool;
  match: string;
  state: WaiverState;
  reasonCategory: ReasonCategory;
  owner: string;
  approvers: string[];
  expires: string;
  /** Days from today (UTC) to the expiry day: 0 = last day, negative = expired. */
  daysLeft: number;
  tracking?: string;
  /** Line in the waivers file. */
  line: number;
  /** Findings this waiver waived. */
  matched: number;
  /** Findings it matched but did not waive (expired, invalid, approvals short for that severity). */
  unapplied: number;
  /** Why it is invalid / what is missing, in plain words. */
  problems: string[];
}

export interface WaiverReport {
  /** The waivers file, workspace-relative. */
  file: string;
  /** False when there is no waivers file (then no waivers apply). */
  present: boolean;
  /** Set when the file is malformed: no waiver applied. `file:line: reason` lines. */
  error?: string;
  waivers: WaiverReportEntry[];
  counts: { total: number; active: number; expiring: number; expired: number; invalid: number; stale: number; waivedFindings: number };
  /** Waived findings per reason category (for waiver and false-positive rates across runs). */
  byReason: Record<ReasonCategory, number>;
  /** Whether approvals were checked against pull-request comments, and how. */
  verification?: { requested: boolean; applied: boolean; note: string };
  /** Plain-words notices for the summary/log (expiring, expired, invalid, stale, verification gaps). */
  notices: string[];
}

/** UTC day (YYYY-MM-DD) of an instant. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A GitHub login (users and `[bot]` apps). */
export const LOGIN_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\[bot\])?$/;
/** `org/team-slug`. */
export const TEAM_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
