/**
 * Shared pieces of the mutmut parsers: status counters, the score, mutant keys, findings.
 *
 * Stats keys (all formats; a key is present only when the format can tell it):
 *   killed, survived, timeout, suspicious, skipped, untested (mutmut 3 "no tests"), segfault,
 *   caughtByTypeCheck, notChecked (mutmut 3 "not checked"; mutmut 2 "untested", which is the status
 *   mutmut 2 gives every mutant until it runs it: never run), interrupted, total, score.
 *
 * score = (killed + caughtByTypeCheck) / (killed + caughtByTypeCheck + survived + timeout + suspicious) * 100,
 * rounded to 1 decimal. Mutants caught by the type checker (mutmut 3.x "caught by type check") were
 * detected, so they count as killed; untested, skipped, not checked, interrupted and segfault mutants
 * are left out of the score (nobody judged them). `score` is absent when killed is unknown (mutmut 3
 * `results` without `--all` hides killed mutants; mutmut 2 `results` never lists them) or when the
 * denominator is 0.
 *
 * Severity mapping: a surviving mutant is 'medium' (ruleId `survived-mutant`); a timed-out
 * (`timeout-mutant`) or suspicious (`suspicious-mutant`) one is 'low'. Killed/untested/skipped mutants
 * are counted, not reported as findings.
 *
 * An empty mutmut 3 `results` file is "nothing to report": stats.total = 0 and no findings. The policy
 * decides whether an empty report means an empty or crashed run.
 */
import type { Finding, Location, Severity } from '../model.js';

/** Above this many findings the parsers keep counting but stop creating findings (stats.omitted). */
export const MAX_MUTANT_FINDINGS = 10_000;

export type MutantStatus =
  | 'killed'
  | 'survived'
  | 'timeout'
  | 'suspicious'
  | 'skipped'
  | 'untested'
  | 'segfault'
  | 'caughtByTypeCheck'
  | 'notChecked'
  | 'interrupted';

/** mutmut 3 status words (as printed by `mutmut results`) -> counter. */
export const V3_STATUS_WORDS: Record<string, MutantStatus> = {
  killed: 'killed',
  survived: 'survived',
  timeout: 'timeout',
  suspicious: 'suspicious',
  skipped: 'skipped',
  'no tests': 'untested',
  segfault: 'segfault',
  'caught by type check': 'caughtByTypeCheck',
  'not checked': 'notChecked',
  'check was interrupted by user': 'interrupted',
};

/** mutmut 3 `exit_code_by_key` values -> counter (mutmut/__main__.py `status_by_exit_code`). */
export function statusOfExitCode(code: number | null): MutantStatus {
  if (code === null) return 'notChecked';
  switch (code) {
    case 0:
      return 'survived';
    case 1:
    case 3:
      return 'killed';
    case 5:
    case 33:
      return 'untested';
    case 2:
      return 'interrupted';
    case 34:
      return 'skipped';
    case 35:
      return 'suspicious';
    case 36:
    case 24:
    case 152:
    case 255:
    case -24:
      return 'timeout';
    case 37:
      return 'caughtByTypeCheck';
    case -11:
    case -9:
      return 'segfault';
    default:
      return 'suspicious';
  }
}

/** Every status at zero. */
export function emptyMutantCounts(): Record<MutantStatus, number> {
  return { killed: 0, survived: 0, timeout: 0, suspicious: 0, skipped: 0, untested: 0, segfault: 0, caughtByTypeCheck: 0, notChecked: 0, interrupted: 0 };
}

export class MutantCounter {
  readonly counts: Record<MutantStatus, number> = emptyMutantCounts();
  readonly findings: Finding[] = [];
  omitted = 0;

  constructor(private readonly killedKnown: boolean) {}

  add(status: MutantStatus, finding?: () => Finding): void {
    this.counts[status]++;
    if (!finding || !REPORTED.has(status)) return;
    if (this.findings.length >= MAX_MUTANT_FINDINGS) this.omitted++;
    else this.findings.push(finding());
  }

  stats(total?: number, killedKnown = this.killedKnown): Record<string, number> {
    return mutmutStats(this.counts, killedKnown, total, this.omitted);
  }
}

const REPORTED = new Set<MutantStatus>(['survived', 'timeout', 'suspicious']);

export function mutmutStats(
  c: Record<MutantStatus, number>,
  killedKnown: boolean,
  total?: number,
  omitted = 0,
): Record<string, number> {
  const sum = Object.values(c).reduce((a, b) => a + b, 0);
  const stats: Record<string, number> = {};
  if (killedKnown) stats.killed = c.killed;
  stats.survived = c.survived;
  stats.timeout = c.timeout;
  stats.suspicious = c.suspicious;
  stats.skipped = c.skipped;
  stats.untested = c.untested;
  if (c.segfault) stats.segfault = c.segfault;
  if (c.caughtByTypeCheck) stats.caughtByTypeCheck = c.caughtByTypeCheck;
  if (c.notChecked) stats.notChecked = c.notChecked;
  if (c.interrupted) stats.interrupted = c.interrupted;
  stats.total = total ?? sum;
  const score = mutationScore(c, killedKnown);
  if (score !== undefined) stats.score = score;
  if (omitted) stats.omitted = omitted;
  return stats;
}

export function mutationScore(c: Record<MutantStatus, number>, killedKnown = true): number | undefined {
  if (!killedKnown) return undefined;
  const detected = c.killed + c.caughtByTypeCheck;
  const judged = detected + c.survived + c.timeout + c.suspicious;
  if (judged === 0) return undefined;
  return Math.round((detected / judged) * 1000) / 10;
}

/**
 * The score of a report's stats (as mutmutStats writes them) before rounding, or undefined when
 * they cannot give one (no `killed`): a minimum is compared with this (79.96% is below 80%).
 */
export function unroundedScore(s: Partial<Record<MutantStatus, number>>): number | undefined {
  if (s.killed === undefined) return undefined;
  const detected = s.killed + (s.caughtByTypeCheck ?? 0);
  const judged = detected + (s.survived ?? 0) + (s.timeout ?? 0) + (s.suspicious ?? 0);
  return judged === 0 ? undefined : (detected / judged) * 100;
}

export interface MutantKey {
  module: string;
  className?: string;
  functionName?: string;
  number?: number;
}

/**
 * Split a mutmut 3 key: `my_lib.x_hello__mutmut_1` -> module my_lib, function hello, #1;
 * `main.xǁLoanEvaluatorǁvalidate__mutmut_4` -> module main, class LoanEvaluator, method validate.
 * The separator is U+01C1 (ǁ), not `|`.
 */
export function parseMutantKey(key: string): MutantKey | undefined {
  const m = /^(?<module>.+)\.(?<mangled>x(?:_|\u01c1)[^.]*?)__mutmut_(?<n>\d+)$/u.exec(key);
  if (!m?.groups) return undefined;
  const module = m.groups.module as string;
  const mangled = m.groups.mangled as string;
  const number = Number(m.groups.n);
  if (mangled.startsWith('x_')) return { module, functionName: mangled.slice(2), number };
  const parts = mangled.slice(2).split('\u01c1');
  if (parts.length === 2 && parts[0] && parts[1]) return { module, className: parts[0], functionName: parts[1], number };
  return { module, number };
}

/** Best-effort file path for a dotted module (`pkg.mod` -> `pkg/mod.py`); extra.module keeps the real name. */
export function moduleToPath(module: string): string {
  return `${module.split('.').join('/')}.py`;
}

const RULES: Record<'survived' | 'timeout' | 'suspicious', { ruleId: string; ruleName: string; severity: Severity; word: string }> = {
  survived: { ruleId: 'survived-mutant', ruleName: 'surviving mutant', severity: 'medium', word: 'survived' },
  timeout: { ruleId: 'timeout-mutant', ruleName: 'timed-out mutant', severity: 'low', word: 'timed out' },
  suspicious: { ruleId: 'suspicious-mutant', ruleName: 'suspicious mutant', severity: 'low', word: 'is suspicious' },
};

export function isReported(status: MutantStatus): status is 'survived' | 'timeout' | 'suspicious' {
  return REPORTED.has(status);
}

/** A finding for a mutmut 3 mutant key. */
export function keyFinding(
  status: 'survived' | 'timeout' | 'suspicious',
  key: string,
  sourceFile: string,
  knownPath?: string,
): Finding {
  const r = RULES[status];
  const k = parseMutantKey(key);
  const extra: Record<string, string | number> = { mutant: key, status };
  let location: Location | undefined;
  let where = key;
  if (k) {
    extra.module = k.module;
    if (k.className) extra.class = k.className;
    if (k.functionName) extra.function = k.functionName;
    if (k.number !== undefined) extra.number = k.number;
    location = { path: knownPath ?? moduleToPath(k.module) };
    if (!knownPath) extra.pathGuessed = 'from module name';
    const fn = [k.className, k.functionName].filter(Boolean).join('.');
    where = `${k.module}${fn ? `.${fn}` : ''} (mutant ${k.number})`;
  } else if (knownPath) {
    location = { path: knownPath };
  }
  return {
    tool: 'mutmut',
    ruleId: r.ruleId,
    ruleName: r.ruleName,
    title: `Mutant ${r.word}: ${where}`,
    severity: r.severity,
    rawSeverity: status,
    location,
    fingerprint: `mutmut:${r.ruleId}:${key}`,
    sourceFile,
    extra,
  };
}

/** A finding for a mutmut 2 numeric mutant id (ids are per run: the fingerprint has the file too). */
export function idFinding(
  status: 'survived' | 'timeout' | 'suspicious',
  id: number,
  path: string | undefined,
  line: number | undefined,
  sourceFile: string,
): Finding {
  const r = RULES[status];
  const location: Location | undefined = path ? (line ? { path, line } : { path }) : undefined;
  return {
    tool: 'mutmut',
    ruleId: r.ruleId,
    ruleName: r.ruleName,
    title: `Mutant #${id} ${r.word}${path ? ` in ${path}${line ? `:${line}` : ''}` : ''}`,
    severity: r.severity,
    rawSeverity: status,
    location,
    fingerprint: `mutmut:${r.ruleId}:${path ?? ''}:${line ?? ''}:#${id}`,
    sourceFile,
    extra: { mutant: id, status },
  };
}
