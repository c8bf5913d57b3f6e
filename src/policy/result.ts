/**
 * GateResult: the versioned contract between the gate, the CLI, the promotion action and users'
 * scripts. Change it only by adding fields (and say so in docs/result-schema.md).
 */
import type { ResolveStats } from '../enrich/severity.js';
import type { Finding, ScanError, Severity, SkippedItem, ToolId } from '../reports/model.js';
import type { WaiverReport } from '../waivers/types.js';
import type { OverrideDecision } from './override.js';
import type { Suppression } from './suppressions.js';

export const RESULT_SCHEMA_VERSION = 1;

export type Action = 'block' | 'warn' | 'info';
export type Disposition = Action | 'waived';
export type Phase = 1 | 2;
export type Verdict = 'pass' | 'warn' | 'block' | 'error';

/** A finding after the policy looked at it. */
export interface EvaluatedFinding extends Finding {
  /** What it does in this run (phase 1 never blocks: a phase-2 block becomes `warn`). */
  disposition: Disposition;
  /** What it would do under phase-2 rules, whatever the current phase. */
  phase2Action: Action;
  /** Severity used by the policy (unknown mapped through `unknown-severity`). */
  effectiveSeverity: Severity;
  /** Plain words: "HIGH in a critical path (`**\/auth/**`)". */
  reason: string;
  /** True when the finding is in code the change touches (deptry/vulture/secret scan), if known. */
  inChange?: boolean;
  /** Set when a waiver applies (issue 5 fills it). */
  waiver?: { id: string; owner: string; expires: string; reasonCategory: string };
}

export type ToolStatus = 'ok' | 'missing' | 'error';

export interface FileRead {
  path: string;
  format?: string;
  findings: number;
  bytes: number;
  error?: string;
}

export interface SeverityCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  unknown: number;
}

export interface DispositionCounts {
  block: number;
  warn: number;
  info: number;
  waived: number;
  /** Findings that block under phase-2 rules (equals `block` in phase 2). */
  wouldBlock: number;
}

export interface ToolResult {
  tool: ToolId;
  phase: Phase;
  status: ToolStatus;
  /** Why the status is not ok, naming the file and place. */
  messages: string[];
  /** Set when the status is `missing`: what `on-missing-report` made of it. */
  missingAs?: 'error' | 'warn' | 'ignore';
  toolVersion?: string;
  files: FileRead[];
  findings: EvaluatedFinding[];
  skipped: SkippedItem[];
  scanErrors: ScanError[];
  stats: Record<string, number>;
  severity: SeverityCounts;
  counts: DispositionCounts;
}

export interface GateResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  generatedAt: string;
  verdict: Verdict;
  shouldFail: boolean;
  /** The headline, in plain words. */
  headline: string;
  phase: {
    /** The `phase` setting as given (1, 2 or auto). */
    setting: '1' | '2' | 'auto';
    /** Phase that applies to tools not listed in phase-2-tools. */
    base: Phase;
    phase2From?: string;
    phase2Tools: ToolId[];
  };
  tools: ToolResult[];
  totals: DispositionCounts & { findings: number };
  /** Gate-level notices (unknown severities treated as high, change unknown, upload failed…). */
  notices: string[];
  /** Extensions by later features (override, waivers, change, artifact…), all optional. */
  overridden?: boolean;
  /** Every waiver's state (active, expiring, expired, invalid, stale) and what it matched. */
  waivers?: WaiverReport;
  /** The override label: requested, honoured or not, by whom, when, and the remediation deadline. */
  override?: OverrideDecision;
  /** The change under review (pull request base...head, push before...after, or base-ref). */
  change?: { known: true; base: string; head: string; source: string; files: number; notes: string[] } | { known: false; reason: string };
  /**
   * Suppressions the change adds (`# nosec`, `gitleaks:allow`, `.gitleaksignore`, scanner settings and options):
   * where, at most 1,000, never the line's text (policy/suppressions.ts). Absent: the change is unknown.
   */
  suppressions?: { total: number; places: Suppression[] };
  /** What the pip-audit severity lookup did: requests, advisories, resolved, unknown by reason (`offline`, `off`, `not-found`...), by source. */
  severityLookup?: ResolveStats;
  artifact?: { id?: number; url?: string; name: string; error?: string };
}
