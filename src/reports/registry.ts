/**
 * Tool -> parsers, and format detection.
 *
 * `parseReport` reads a file's text at most once with JSON.parse, then asks each parser of the
 * tool, in table order:
 * - a JsonReportParser (`detectValue`/`parseValue`, see json.ts) looks at the parsed value's top level;
 * - a plain ReportParser (text formats such as vulture/mutmut, or a JSON parser without the value
 *   methods) gets `detect(text)` and then `parse(text, file)`.
 * An empty file is an error ('empty file …') unless a plain parser's `detect('')` accepts it
 * (mutmut 3 writes nothing when there is nothing to report).
 * A file that fits none of the tool's formats gets an error saying what it looks like (another
 * tool's report, a SARIF file from some tool, …) and which formats the tool accepts.
 *
 * To add a tool's parsers: put them in its array below, most specific first.
 */
import { ReportParseError, TOOL_LABELS, type ParsedReport, type ReportParser, type ToolId } from './model.js';
import {
  EMPTY_FILE_REASON,
  isBlank,
  isJsonObject,
  isJsonReportParser,
  parseJson,
  SNIFF_CHARS,
  sniffHead,
  stripBom,
  streamJsonReport,
  typeName,
  type JsonReportParser,
  type ReportStream,
} from './json.js';
import { BANDIT_PARSERS, sarifDriverName } from './bandit/index.js';
import { looksLikeCycloneDx, PIP_AUDIT_PARSERS } from './pip-audit/index.js';
import { GITLEAKS_PARSERS } from './gitleaks/index.js';
import { deptryParser } from './deptry/parser.js';
import { vultureParser } from './vulture/parser.js';
import { MUTMUT_PARSERS } from './mutmut/index.js';

export const PARSERS: Record<ToolId, ReportParser[]> = {
  bandit: BANDIT_PARSERS,
  'pip-audit': PIP_AUDIT_PARSERS,
  gitleaks: GITLEAKS_PARSERS,
  deptry: [deptryParser],
  vulture: [vultureParser],
  mutmut: MUTMUT_PARSERS,
  'secret-scan': [],
};

/** Human names of the formats a tool accepts, for messages and docs. */
export function acceptedFormats(tool: ToolId): string[] {
  return PARSERS[tool].map(parserLabel);
}

function parserLabel(p: ReportParser): string {
  const label = (p as { label?: unknown }).label;
  return typeof label === 'string' && label !== '' ? label : p.format;
}

/**
 * First non-blank character of the text, as a JSON hint: 2 = an object or array (`{`, `[`), 1 = a
 * JSON scalar could start here (`null` is gitleaks 7's empty report), 0 = not JSON.
 */
function jsonHint(text: string): 0 | 1 | 2 {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c === 0x7b || c === 0x5b) return 2;
    // " - 0-9 t f n
    return c === 0x22 || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e ? 1 : 0;
  }
  return 0;
}

/**
 * Parse one report of `tool`. Throws ReportParseError naming the tool, the file and the place
 * (`line 3, column 7`, `$.results[2].line_number`) or, for a file of another format, what it looks like.
 */
export function parseReport(tool: ToolId, file: string, content: string): ParsedReport {
  const parsers = PARSERS[tool];
  if (parsers.length === 0) throw new ReportParseError(tool, file, '', `no parser is registered for ${TOOL_LABELS[tool]} reports`);
  const text = stripBom(content);

  if (isBlank(text)) {
    for (const p of parsers) if (!isJsonReportParser(p) && p.detect(text)) return p.parse(text, file);
    throw new ReportParseError(tool, file, '', EMPTY_FILE_REASON);
  }

  let value: unknown;
  let parsed = false;
  let jsonError: ReportParseError | undefined;
  const hint = jsonHint(text);
  if (hint !== 0) {
    try {
      value = parseJson(tool, file, text);
      parsed = true;
    } catch (e) {
      if (!(e instanceof ReportParseError)) throw e;
      // `{`/`[` then broken: a damaged JSON report. A bare word that is not JSON: probably text (vulture, mutmut).
      if (hint === 2) jsonError = e;
    }
  }

  for (const p of parsers) {
    if (isJsonReportParser(p)) {
      if (parsed && p.detectValue(value)) return p.parseValue(value, file);
    } else if (p.detect(text)) {
      return p.parse(text, file);
    }
  }
  // It started like JSON but is broken: the syntax error (with its line and column) is the useful message.
  if (jsonError) throw jsonError;

  const what = parsed ? describeValue(tool, value) : describeText(tool, text);
  throw new ReportParseError(
    tool,
    file,
    '',
    `not a ${TOOL_LABELS[tool]} report: this file ${what}. ${TOOL_LABELS[tool]} accepts: ${acceptedFormats(tool).join('; ')}`,
  );
}

/**
 * A report read in pieces (big Bandit JSON reports), when the tool's first format can be read so
 * and the file's first bytes (`head`) look like it; otherwise undefined: read the file whole and
 * call parseReport. The stream accepts only what parseReport would read with that same format and
 * gives up otherwise (its `end()` is then undefined), so both ways give the same answer.
 */
export function openReportStream(tool: ToolId, file: string, head: Buffer): ReportStream | undefined {
  const text = head.toString('utf8', 0, Math.min(head.length, SNIFF_CHARS + 4));
  const before: JsonReportParser[] = [];
  for (const p of PARSERS[tool]) {
    // A text format asked first could take the file: only the one-piece path asks it.
    if (!isJsonReportParser(p)) return undefined;
    // The formats asked before this one must not take the document (checked on its skeleton).
    if (p.stream && (p.stream.sniff ? p.stream.sniff(sniffHead(text)) : p.detect(text))) return streamJsonReport(p, file, before);
    before.push(p);
  }
  return undefined;
}

function quoteShort(s: string, max = 60): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max - 1)}…` : s);
}

/** What a parsed JSON value that none of the tool's parsers took looks like. */
export function describeValue(tool: ToolId, value: unknown): string {
  if (Array.isArray(value) && value.length === 0) {
    return 'is an empty JSON array (what gitleaks 8, deptry or pip-audit < 2.0 write when they find nothing)';
  }
  for (const other of Object.keys(PARSERS) as ToolId[]) {
    if (other === tool) continue;
    for (const p of PARSERS[other]) {
      if (isJsonReportParser(p) && p.detectValue(value)) return `looks like ${parserLabel(p)}, a ${TOOL_LABELS[other]} report`;
    }
  }
  const driver = sarifDriverName(value);
  if (driver !== undefined) return `looks like a SARIF report from ${driver ? quoteShort(driver) : 'an unnamed tool'}`;
  if (looksLikeCycloneDx(value)) return 'looks like a CycloneDX BOM from another tool';
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    if (isJsonObject(first)) return `is a JSON array of objects with keys ${keyList(first)}`;
    return `is a JSON array of ${typeName(first)} values`;
  }
  if (isJsonObject(value)) {
    const keys = keyList(value);
    return keys ? `is a JSON object with keys ${keys}` : 'is an empty JSON object';
  }
  return `is a JSON ${typeName(value)}`;
}

function keyList(obj: object): string {
  const keys = Object.keys(obj);
  const shown = keys.slice(0, 6).map((k) => quoteShort(k, 40));
  return shown.join(', ') + (keys.length > 6 ? `, … (${keys.length} keys)` : '');
}

/** What a non-JSON text looks like. Never quotes the content (it may hold a secret). */
function describeText(tool: ToolId, text: string): string {
  for (const other of Object.keys(PARSERS) as ToolId[]) {
    if (other === tool) continue;
    for (const p of PARSERS[other]) {
      if (!isJsonReportParser(p) && p.detect(text)) return `looks like ${parserLabel(p)}, a ${TOOL_LABELS[other]} report`;
    }
  }
  if (/^\s*</.test(text.slice(0, 200))) return 'looks like XML or HTML (for example CycloneDX XML or JUnit XML)';
  return 'is not JSON and matches none of its text formats';
}
