/**
 * vulture text report (stdout of `vulture …`), one item per line:
 *
 *   <path>:<line>: <message> (<confidence>% confidence[, <size> line|lines])
 *
 * The line is matched anchored on `:(\d+): ` after a lazy path, so Windows drive letters
 * (`C:\x.py:3: …`) parse; paths are normalised to POSIX. Blank lines, CRLF and a trailing newline are
 * tolerated; any other line that does not match is a ReportParseError at `line N` (a stray traceback or
 * a progress line means the run was not clean; fail closed). Empty content = no dead code found (or a
 * crashed run: the caller checks the exit code).
 *
 * Severity mapping (vulture has none; its confidence is how sure it is the code is dead):
 *   100%           -> severity 'medium', confidence 'high'   (unused arguments/except vars, unreachable code)
 *   80-99% (90%)   -> severity 'low',    confidence 'medium' (imports)
 *   below 80 (60%) -> severity 'low',    confidence 'low'    (the default for names)
 * rawSeverity is `<N>% confidence`; extra.confidence holds the number.
 *
 * ruleId: `unused-<kind>` (attribute, class, function, import, method, property, variable) or
 * `unreachable-code` for every V201 message (unreachable code after …, unsatisfiable … condition,
 * unreachable 'else' …, redundant if-condition). A message that fits the line grammar but none of the
 * known messages (a newer vulture) becomes ruleId `dead-code` rather than an error.
 *
 * Fingerprint: `vulture:<ruleId>:<path>:<name>` for named items (no line: stable when code moves), with
 * the line for unnamed ones (unreachable code); a repeated key in one report gets `#2`, `#3`… appended.
 */
import {
  ReportParseError,
  normalizePath,
  type Confidence,
  type Finding,
  type ParsedReport,
  type ReportParser,
  type Severity,
} from '../model.js';
import { stripBom } from '../json.js';
import { firstNonBlankLine, lineLimitOffset } from '../lines.js';

export const VULTURE_FORMAT = 'vulture-text';

/** Longer lines are refused before any regex runs (the line regex backtracks on crafted input). */
const MAX_LINE = 4096;
/**
 * Most lines a vulture report may hold; a longer one is refused before its lines are split or any
 * finding is built. vulture prints one line per unused name or unreachable block: the corpus's
 * largest report (a 50,000-line project) has 935, and a big project's a few thousand, so this is
 * 20 to 100 times what a real run writes. Each line becomes a finding of ~2.5 KB in the gate's
 * memory with its evaluation and output: 100,000 lines took ~3 s and ~290 MB, and a 420 MB report
 * of 6 million lines ran the worker out of memory after two minutes, naming no file.
 */
export const MAX_VULTURE_LINES = 100_000;
const LINE_RE = /^(?<path>.+?):(?<line>\d+): (?<msg>.+) \((?<conf>\d{1,3})% confidence(?:, (?<size>\d+) lines?)?\)$/;
// A name is an identifier or a dotted one: never a quote (a quote inside let a path pass for a name).
const UNUSED_RE = /^unused (attribute|class|function|import|method|property|variable) '([^']*)'$/;
const UNREACHABLE_AFTER_RE = /^unreachable code after '([^']+)'$/;
const V201_RE = /^(?:unsatisfiable '(?:if|while|ternary)' condition|unreachable 'else' (?:block|expression)|redundant if-condition)$/;

const VULTURE_CODES: Record<string, string> = {
  attribute: 'V101',
  class: 'V102',
  function: 'V103',
  import: 'V104',
  method: 'V105',
  property: 'V106',
  variable: 'V107',
};

/** Documented mapping, see the file comment. */
export function vultureSeverity(confidence: number): Severity {
  return confidence >= 100 ? 'medium' : 'low';
}

export function vultureConfidence(confidence: number): Confidence {
  if (confidence >= 100) return 'high';
  if (confidence >= 80) return 'medium';
  return 'low';
}

interface Classified {
  ruleId: string;
  ruleName: string;
  code?: string;
  name?: string;
}

function classify(msg: string): Classified {
  const u = UNUSED_RE.exec(msg);
  if (u) {
    const kind = u[1] as string;
    return { ruleId: `unused-${kind}`, ruleName: `unused ${kind}`, code: VULTURE_CODES[kind], name: u[2] as string };
  }
  const a = UNREACHABLE_AFTER_RE.exec(msg);
  if (a) return { ruleId: 'unreachable-code', ruleName: 'unreachable code', code: 'V201', name: a[1] as string };
  if (V201_RE.test(msg)) return { ruleId: 'unreachable-code', ruleName: msg, code: 'V201' };
  return { ruleId: 'dead-code', ruleName: 'dead code' };
}

const TAIL_RE = /^:(?<line>\d+): (?<msg>.+) \((?<conf>\d{1,3})% confidence(?:, (?<size>\d+) lines?)?\)$/;
/** Places a line may be split at, at most (more: refused as ambiguous). */
const MAX_SPLITS = 16;

/**
 * A line's parts, or 'ambiguous'. The path is taken up to the first `:<N>: `, unless the line holds
 * more than one: a path may hold it too (a file named `a:1: b.py`), and the split must not move
 * the finding to another file. Then the one split whose message is one vulture writes wins; two or
 * more such splits, or too many places to try, cannot be told apart: refused (fail closed). A
 * message vulture does not write (a newer vulture) keeps the first split, as before.
 */
function splitLine(raw: string): Record<string, string | undefined> | 'ambiguous' | undefined {
  const g = LINE_RE.exec(raw)?.groups;
  if (!g) return g;
  const sep = /:\d+: /g;
  const first = sep.exec(raw);
  sep.lastIndex = (first?.index ?? 0) + 1;
  if (!first || !sep.test(raw)) return g; // one place only: the usual line
  const known: Array<Record<string, string | undefined>> = [];
  sep.lastIndex = 1;
  for (let k = 0, s = sep.exec(raw); s; s = sep.exec(raw)) {
    if (++k > MAX_SPLITS) return 'ambiguous';
    const t = TAIL_RE.exec(raw.slice(s.index))?.groups;
    if (t && classify(t.msg as string).ruleId !== 'dead-code') known.push({ ...t, path: raw.slice(0, s.index) });
    sep.lastIndex = s.index + 1;
  }
  if (known.length > 1) return 'ambiguous';
  return known[0] ?? g;
}

/** Per-rule counts plus `total`. */
function countStats(findings: Finding[]): Record<string, number> {
  const stats: Record<string, number> = { total: findings.length };
  for (const f of findings) stats[f.ruleId] = (stats[f.ruleId] ?? 0) + 1;
  return stats;
}

export function parseVulture(content: string, file: string): ParsedReport {
  const text = stripBom(content);
  if (lineLimitOffset(text, MAX_VULTURE_LINES) >= 0) {
    throw new ReportParseError(
      'vulture',
      file,
      `line ${MAX_VULTURE_LINES + 1}`,
      `more than ${MAX_VULTURE_LINES.toLocaleString('en-US')} lines: too many for a vulture report (a real one has a few thousand); not read`,
    );
  }
  const lines = text.split(/\r?\n/);
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (raw.trim() === '') continue;
    if (raw.length > MAX_LINE) {
      throw new ReportParseError('vulture', file, `line ${i + 1}`, `line longer than ${MAX_LINE} characters: not a vulture report line`);
    }
    const g = splitLine(raw);
    if (g === 'ambiguous') {
      throw new ReportParseError('vulture', file, `line ${i + 1}`, 'the path cannot be told from the message (the line holds ":<N>: " in more than one place that reads as a vulture line)');
    }
    if (!g) {
      throw new ReportParseError(
        'vulture',
        file,
        `line ${i + 1}`,
        'not a vulture report line (expected "<path>:<line>: <message> (<N>% confidence)")',
      );
    }
    const conf = Number(g.conf);
    const lineNo = Number(g.line);
    if (conf > 100 || lineNo < 1) {
      throw new ReportParseError('vulture', file, `line ${i + 1}`, conf > 100 ? `confidence ${conf}% is over 100%` : 'line number 0');
    }
    const path = normalizePath(g.path as string);
    const msg = g.msg as string;
    const c = classify(msg);
    let key = `vulture:${c.ruleId}:${path}:${c.ruleId === 'unreachable-code' || c.name === undefined ? `${lineNo}:${msg}` : c.name}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > 1) key = `${key}#${n}`;
    const extra: Record<string, string | number> = { confidence: conf };
    if (c.name !== undefined) extra.name = c.name;
    if (c.code) extra.code = c.code;
    if (g.size !== undefined) extra.size = Number(g.size);
    findings.push({
      tool: 'vulture',
      ruleId: c.ruleId,
      ruleName: c.ruleName,
      title: msg,
      severity: vultureSeverity(conf),
      rawSeverity: `${conf}% confidence`,
      confidence: vultureConfidence(conf),
      location: { path, line: lineNo },
      fingerprint: key,
      sourceFile: file,
      extra,
    });
  }
  return { tool: 'vulture', format: VULTURE_FORMAT, findings, skipped: [], scanErrors: [], stats: countStats(findings) };
}

/**
 * Apply `vulture-min-confidence`: drop findings below `min` percent. Pure; the dropped ones are
 * counted in `stats.belowMinConfidence` (and `stats.minConfidence` records the setting), the other
 * counters are recomputed on what is kept.
 */
export function filterByConfidence(report: ParsedReport, min: number): ParsedReport {
  if (!(min > 0)) return report;
  const kept = report.findings.filter((f) => {
    const c = f.extra?.confidence;
    return typeof c !== 'number' || c >= min;
  });
  const dropped = report.findings.length - kept.length;
  const prior = report.stats.belowMinConfidence ?? 0;
  return {
    ...report,
    findings: kept,
    stats: { ...countStats(kept), belowMinConfidence: prior + dropped, minConfidence: min },
  };
}

export const vultureParser: ReportParser & { label: string } = {
  tool: 'vulture',
  format: VULTURE_FORMAT,
  label: 'vulture text report (stdout of vulture)',
  detect(content: string): boolean {
    // The first line only: the whole text is not split (a hostile report is hundreds of MB).
    const first = firstNonBlankLine(stripBom(content));
    // Bounded like parse: LINE_RE backtracks quadratically on a long line of `a:1: a:1: …` (seconds per 100 KB).
    return first === undefined || (first.length <= MAX_LINE && LINE_RE.test(first));
  },
  parse: parseVulture,
};
