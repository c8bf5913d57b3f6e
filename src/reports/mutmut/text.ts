/**
 * mutmut text reports: mutmut 3 `mutmut results` and mutmut 2 `mutmut results` (also the
 * `mutmut show all` / `mutmut show <file>` variant of mutmut 2, which prints diffs instead of id ranges).
 *
 * mutmut 3: one line per mutant, 4-space indented `    <key>: <status>`; statuses contain spaces
 * ("no tests", "caught by type check"); keys use U+01C1 `ǁ` between class and method. Killed mutants
 * are hidden unless `--all`: the score is only given when a killed line is present. Empty output =
 * nothing to report (stats.total = 0).
 *
 * mutmut 2: a fixed header, then sections "Timed out ⏰ (N)", "Suspicious 🤔 (N)", "Survived 🙁 (N)",
 * "Untested/skipped (N)", each with "---- <file> (N) ----" groups holding id ranges (`1-3, 7`) or, for
 * `show`, "# mutant <id>" + diff. Killed mutants are never listed: no `killed`, no `score`.
 */
import { ReportParseError, normalizePath, type ParsedReport, type ReportParser } from '../model.js';
import { stripBom } from '../json.js';
import { firstLine, firstNonBlankLine } from '../lines.js';
import { MutantCounter, V3_STATUS_WORDS, idFinding, isReported, keyFinding, type MutantStatus } from './common.js';

export const MUTMUT3_RESULTS_FORMAT = 'mutmut3-results';
export const MUTMUT2_RESULTS_FORMAT = 'mutmut2-results';

/** Longer lines are refused before any regex runs. */
const MAX_LINE = 4096;
const V3_LINE = /^ {4}(?<key>\S+): (?<status>[a-z][a-z ]*[a-z])$/u;

function lines(content: string): string[] {
  return stripBom(content).split(/\r?\n/);
}

export function parseMutmut3Results(content: string, file: string): ParsedReport {
  const counter = new MutantCounter(false);
  let sawKilled = false;
  const all = lines(content);
  for (let i = 0; i < all.length; i++) {
    const raw = all[i] as string;
    if (raw.trim() === '') continue;
    if (raw.length > MAX_LINE) throw new ReportParseError('mutmut', file, `line ${i + 1}`, `line longer than ${MAX_LINE} characters`);
    const g = V3_LINE.exec(raw)?.groups;
    if (!g) {
      throw new ReportParseError('mutmut', file, `line ${i + 1}`, 'not a mutmut 3 results line (expected "    <mutant key>: <status>")');
    }
    const key = g.key as string;
    const word = g.status as string;
    const status: MutantStatus | undefined = Object.hasOwn(V3_STATUS_WORDS, word) ? V3_STATUS_WORDS[word] : undefined;
    if (!status) {
      throw new ReportParseError(
        'mutmut',
        file,
        `line ${i + 1}`,
        `unknown mutant status ${JSON.stringify(word)}; expected one of ${Object.keys(V3_STATUS_WORDS).join(', ')}`,
      );
    }
    if (status === 'killed') sawKilled = true;
    counter.add(status, isReported(status) ? () => keyFinding(status, key, file) : undefined);
  }
  return {
    tool: 'mutmut',
    format: MUTMUT3_RESULTS_FORMAT,
    toolVersion: '3.x',
    findings: counter.findings,
    skipped: [],
    scanErrors: [],
    stats: counter.stats(undefined, sawKilled),
  };
}

const V2_HEADER = ['To apply a mutant on disk:', '    mutmut apply <id>', '', 'To show a mutant:', '    mutmut show <id>'];
const V2_SECTION = /^(?<title>Timed out ⏰|Suspicious 🤔|Survived 🙁|Untested\/skipped) \((?<n>\d+)\)$/u;
const V2_FILE = /^---- (?<path>.+) \((?<n>\d+)\) ----$/u;
const V2_RANGES = /^\d+(?:-\d+)?(?:, \d+(?:-\d+)?)*$/;
const V2_SHOW = /^# mutant (?<id>\d+)$/;

const V2_STATUS: Record<string, MutantStatus> = {
  'Timed out ⏰': 'timeout',
  'Suspicious 🤔': 'suspicious',
  'Survived 🙁': 'survived',
  // Mutants never run (mutmut 2's status until it runs one) and those a pre_mutation hook skipped,
  // listed together: counted as never run (fail closed; a run that stopped early is not a pass).
  'Untested/skipped': 'notChecked',
};

/** Largest id range we expand (an id range is "a-b"); beyond this the file is not a real report. */
const MAX_RANGE = 1_000_000;
/**
 * Most mutants a report may list in all. The ranges are expanded one id at a time, and a 4 KB line
 * of ranges named 340 million ids (35 s for a 22 KB file): the work must follow the file's size.
 */
const MAX_MUTANTS = 2_000_000;

export function parseMutmut2Results(content: string, file: string): ParsedReport {
  const all = lines(content);
  for (let i = 0; i < V2_HEADER.length; i++) {
    if ((all[i] ?? '').trimEnd() !== V2_HEADER[i]) {
      throw new ReportParseError('mutmut', file, `line ${i + 1}`, `expected the mutmut 2 results header line ${JSON.stringify(V2_HEADER[i])}`);
    }
  }
  const counter = new MutantCounter(false);
  let section: { status: MutantStatus; declared: number; seen: number; line: number } | undefined;
  let group: { path: string; declared: number; seen: number; line: number } | undefined;
  let inDiff = false;
  let listed = 0;

  const closeGroup = () => {
    if (group && group.seen !== group.declared) {
      throw new ReportParseError('mutmut', file, `line ${group.line}`, `file group announces ${group.declared} mutants but lists ${group.seen}`);
    }
    group = undefined;
  };
  const closeSection = () => {
    closeGroup();
    if (section && section.seen !== section.declared) {
      throw new ReportParseError('mutmut', file, `line ${section.line}`, `section announces ${section.declared} mutants but lists ${section.seen}`);
    }
    section = undefined;
  };
  const addId = (id: number, where: number) => {
    if (!section || !group) throw new ReportParseError('mutmut', file, `line ${where}`, 'mutant id outside a "---- <file> (N) ----" group');
    const st = section.status;
    const path = group.path;
    section.seen++;
    group.seen++;
    // Stop at the first id past what the group announced (checked in full when the group ends).
    if (group.seen > group.declared) throw new ReportParseError('mutmut', file, `line ${group.line}`, `file group announces ${group.declared} mutants but lists more`);
    if (++listed > MAX_MUTANTS) throw new ReportParseError('mutmut', file, `line ${where}`, `more than ${MAX_MUTANTS} mutants: not a mutmut report`);
    counter.add(st, isReported(st) ? () => idFinding(st, id, path, undefined, file) : undefined);
  };

  for (let i = V2_HEADER.length; i < all.length; i++) {
    const raw = (all[i] as string).trimEnd();
    const lineNo = i + 1;
    if (raw.length > MAX_LINE && !inDiff) throw new ReportParseError('mutmut', file, `line ${lineNo}`, `line longer than ${MAX_LINE} characters`);
    const s = V2_SECTION.exec(raw)?.groups;
    if (s) {
      closeSection();
      inDiff = false;
      section = { status: V2_STATUS[s.title as string] as MutantStatus, declared: Number(s.n), seen: 0, line: lineNo };
      continue;
    }
    const f = V2_FILE.exec(raw)?.groups;
    if (f && section) {
      closeGroup();
      inDiff = false;
      group = { path: normalizePath(f.path as string), declared: Number(f.n), seen: 0, line: lineNo };
      continue;
    }
    const show = V2_SHOW.exec(raw)?.groups;
    if (show && group) {
      inDiff = true;
      addId(Number(show.id), lineNo);
      continue;
    }
    if (inDiff || raw === '') continue;
    if (V2_RANGES.test(raw) && group) {
      for (const part of raw.split(', ')) {
        const [a, b] = part.split('-').map(Number) as [number, number | undefined];
        const end = b ?? a;
        if (end < a || end - a > MAX_RANGE) throw new ReportParseError('mutmut', file, `line ${lineNo}`, `bad id range ${JSON.stringify(part)}`);
        for (let id = a; id <= end; id++) addId(id, lineNo);
      }
      continue;
    }
    throw new ReportParseError('mutmut', file, `line ${lineNo}`, 'unexpected line in a mutmut 2 results report');
  }
  closeSection();
  const stats = counter.stats(undefined, false);
  return { tool: 'mutmut', format: MUTMUT2_RESULTS_FORMAT, toolVersion: '2.x', findings: counter.findings, skipped: [], scanErrors: [], stats };
}

export const mutmut3ResultsParser: ReportParser & { label: string } = {
  tool: 'mutmut',
  format: MUTMUT3_RESULTS_FORMAT,
  label: 'mutmut 3 `mutmut results` text',
  detect(content: string): boolean {
    // The first line only: the whole text is not split to tell its format.
    const first = firstNonBlankLine(stripBom(content));
    return first === undefined || V3_LINE.test(first);
  },
  parse: parseMutmut3Results,
};

export const mutmut2ResultsParser: ReportParser & { label: string } = {
  tool: 'mutmut',
  format: MUTMUT2_RESULTS_FORMAT,
  label: 'mutmut 2 `mutmut results` text',
  detect(content: string): boolean {
    return firstLine(stripBom(content)).trimEnd() === V2_HEADER[0];
  },
  parse: parseMutmut2Results,
};
