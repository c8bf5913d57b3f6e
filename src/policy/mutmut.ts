/**
 * The policy's rules for the mutmut smoke test (pure): an empty, crashed or unfinished run is an
 * error, never a pass; survivors, timed-out and suspicious mutants warn (their findings are `medium`
 * and `low`, counted ones too); a score under `mutmut-min-score` (unrounded) blocks in phase 2
 * through one `high` finding that says so.
 */
import type { Finding, ParsedReport } from '../reports/model.js';
import { unroundedScore } from '../reports/mutmut/common.js';

const UNJUDGED_WORDS = { interrupted: 'interrupted', notChecked: 'not checked', untested: 'without tests', skipped: 'skipped', segfault: 'segfault' } as const;

/** Messages that make the mutmut tool `error`: a report that shows no mutant was judged. */
export function mutmutRunProblems(items: Array<{ file: string; report: ParsedReport }>): string[] {
  const problems: string[] = [];
  for (const { file, report: r } of items) {
    const s = r.stats;
    const total = s.total ?? 0;
    if (total > 0) {
      // Mutants listed, none judged (all interrupted, not checked, without tests, skipped, or counts
      // that leave the total unexplained): the run did not finish. Killed mutants a mutmut 3
      // `results` hides cannot be told apart from none, as for an empty file.
      const judged = (s.killed ?? 0) + (s.caughtByTypeCheck ?? 0) + (s.survived ?? 0) + (s.timeout ?? 0) + (s.suspicious ?? 0);
      // Mutants interrupted or never run: the run did not finish, and a score of what it judged
      // (1 killed of 1,000 is 100%) says nothing of the rest.
      const unfinished = (['interrupted', 'notChecked'] as const).filter((k) => (s[k] ?? 0) > 0).map((k) => `${s[k]} ${UNJUDGED_WORDS[k]}`);
      if (judged > 0 && unfinished.length > 0) {
        problems.push(`${file}: the mutmut run did not finish (${unfinished.join(', ')} of ${total} mutants): an unfinished run is not a pass.`);
        continue;
      }
      if (judged > 0) continue;
      const unjudged = (['interrupted', 'notChecked', 'untested', 'skipped', 'segfault'] as const)
        .filter((k) => (s[k] ?? 0) > 0)
        .map((k) => `${s[k]} ${UNJUDGED_WORDS[k]}`);
      problems.push(
        `${file}: the mutmut run judged none of its ${total} mutants${unjudged.length > 0 ? ` (${unjudged.join(', ')})` : ''}: an interrupted or unfinished run is not a pass.` +
          (r.format === 'mutmut3-results' && s.killed === undefined ? ' mutmut 3 `results` hides killed mutants: save `mutmut results --all` or `mutmut export-cicd-stats` so the gate can tell.' : ''),
      );
      continue;
    }
    problems.push(
      r.format === 'mutmut3-results'
        ? `${file}: mutmut results is empty: the run produced nothing, or every mutant was killed (mutmut 3 hides killed mutants). The gate cannot tell which, so it fails closed: save \`mutmut results --all\` or \`mutmut export-cicd-stats\` instead.`
        : `${file}: the mutmut run judged no mutant (total 0): an empty or crashed run is not a pass.`,
    );
  }
  return problems;
}

/**
 * Mutants a report may count without listing them (`export-cicd-stats`): one finding each, of the
 * severity a listed one has (common.ts), so a format that gives counts only is judged as the
 * others are (its timed-out and suspicious mutants warned in no format but this one).
 */
const AGGREGATES = [
  { stat: 'survived', listed: 'survived-mutant', ruleId: 'survived-mutants', ruleName: 'surviving mutants', severity: 'medium', words: ['mutant survived', 'mutants survived'] },
  { stat: 'timeout', listed: 'timeout-mutant', ruleId: 'timeout-mutants', ruleName: 'timed-out mutants', severity: 'low', words: ['mutant timed out', 'mutants timed out'] },
  { stat: 'suspicious', listed: 'suspicious-mutant', ruleId: 'suspicious-mutants', ruleName: 'suspicious mutants', severity: 'low', words: ['mutant is suspicious', 'mutants are suspicious'] },
] as const;

/** Adds the findings a report implies but does not list: aggregate survivors (timeouts, suspicious), and a score below the minimum. */
export function mutmutPolicyFindings(report: ParsedReport, file: string, minScore: number | undefined): ParsedReport {
  const extra: Finding[] = [];
  for (const a of AGGREGATES) {
    const n = report.stats[a.stat] ?? 0;
    if (n === 0 || report.findings.some((f) => f.ruleId === a.listed)) continue;
    extra.push({
      tool: 'mutmut',
      ruleId: a.ruleId,
      ruleName: a.ruleName,
      title: `${n} ${a.words[n === 1 ? 0 : 1]} (the report lists counts only)`,
      severity: a.severity,
      fingerprint: `mutmut:${a.ruleId}:${file}`,
      sourceFile: file,
      extra: { [a.stat]: n },
    });
  }
  const score = report.stats.score;
  // The score shown is rounded to one decimal: the minimum is compared with the score itself
  // (79.98% showed as 80% and met a minimum of 80%), and a score rounded up to it says more digits.
  const exact = unroundedScore(report.stats) ?? score;
  if (minScore !== undefined && score !== undefined && exact !== undefined && exact < minScore) {
    const shown = score < minScore ? score : Math.floor(exact * 100 + 1e-9) / 100;
    extra.push({
      tool: 'mutmut',
      ruleId: 'mutation-score-below-minimum',
      ruleName: 'mutation score below mutmut-min-score',
      title: `mutation score ${shown}% is below the minimum of ${minScore}% (mutmut-min-score)`,
      severity: 'high',
      fingerprint: `mutmut:score-below-minimum:${file}`,
      sourceFile: file,
      extra: { score, minScore },
    });
  } else if (minScore !== undefined && score === undefined) {
    extra.push({
      tool: 'mutmut',
      ruleId: 'mutation-score-unknown',
      ruleName: 'mutation score unknown',
      title: `mutmut-min-score is ${minScore}% but this report cannot give a score (killed mutants are not listed): counted as below the minimum (fail closed)`,
      severity: 'high',
      fingerprint: `mutmut:score-unknown:${file}`,
      sourceFile: file,
    });
  }
  return extra.length === 0 ? report : { ...report, findings: [...report.findings, ...extra] };
}
