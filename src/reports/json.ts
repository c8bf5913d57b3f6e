/**
 * JSON helpers shared by every JSON report parser (Bandit, pip-audit, gitleaks, deptry, mutmut …).
 *
 * - `parseJson` parses ONCE and turns V8's SyntaxError into a ReportParseError with a line and
 *   column (never the V8 message's quoted excerpt of the file: it may hold a secret).
 * - The `expect*` / `req*` / `opt*` accessors check one value at a precise JSON path and throw a
 *   `JsonShapeError` (`$.results[3].issue_severity: expected a string, got number`). They read own
 *   properties only (`Object.hasOwn`), so `__proto__` / `constructor` keys in a report can neither
 *   pollute nor be mistaken for data. Wrap a parser body in `withReportErrors` to turn a
 *   JsonShapeError into a ReportParseError naming the tool and file.
 *
 * Paths are built lazily: the hot loops pass a base path (or a function making it) and the string
 * is only assembled when something is wrong.
 *
 * Pure: no I/O.
 */
import { JsonArraySplitter, StreamAbort, type PathStep } from './json-stream.js';
import { ReportParseError, type ParsedReport, type ReportParser, type ToolId } from './model.js';

export type JsonObject = { [key: string]: unknown };
/** A JSON path, or a function that builds it only when an error needs it. */
export type PathLike = string | (() => string);

/** A value at `where` (a JSON path) does not have the expected shape. */
export class JsonShapeError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
    this.name = 'JsonShapeError';
  }
}

export const EMPTY_FILE_REASON = 'empty file (the tool probably crashed or wrote nothing)';

/**
 * At most this many values (counted as below) in one JSON.parse of a report's text. JSON.parse
 * builds every value at once, and a value can take thirty times its bytes: 50 MB of `[],` took
 * 1.5 GB and 14 s, and a report of 486 MiB so made ran the process out of memory, a crash that
 * named no file. Real reports hold about 25,000 per MB (the 68 MB Bandit report 1.7 million, its
 * 109 MB SARIF 2.5 million), so this lets a one-piece parse read 300 MB of them; bigger Bandit
 * reports are streamed, one result at a time, and each piece is held to the same bound.
 */
export const MAX_JSON_VALUES = 8_000_000;

/** A text holding more than MAX_JSON_VALUES values, the last counted at `offset`. */
export class JsonTooManyValues extends Error {
  constructor(readonly offset: number) {
    super(`more than ${MAX_JSON_VALUES.toLocaleString('en-US')} arrays, objects and values: too many to read safely (a real report holds about 25,000 per MB; this one would take gigabytes of memory)`);
    this.name = 'JsonTooManyValues';
  }
}

/**
 * The offset of the (max + 1)th `[`, `{` or `,` in `text`, or -1 when there are no more than `max`.
 * Each value but a first scalar follows one of them; those inside strings count too, an overcount
 * that matters only past ~300 MB of real report. A plain loop: ~2 ns a character, where a native
 * search per character found was as fast in Node and 50 times slower under jest's VM modules.
 */
export function valueLimitOffset(text: string, max: number): number {
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 0x5b || c === 0x7b || c === 0x2c) && seen++ === max) return i;
  }
  return -1;
}

/** How many `[`, `{` and `,` bytes `buf` holds from `start` to `end` (as valueLimitOffset counts). */
function countValueBytes(buf: Buffer, start: number, end: number): number {
  const view = buf.subarray(start, end);
  let n = 0;
  for (const byte of [0x5b, 0x7b, 0x2c]) for (let at = view.indexOf(byte); at >= 0; at = view.indexOf(byte, at + 1)) n++;
  return n;
}

/** JSON.parse, after refusing a text of more than MAX_JSON_VALUES values (JsonTooManyValues). */
export function parseJsonBounded(text: string): unknown {
  // A shorter text cannot hold more (one counted character each): not counted.
  if (text.length >= MAX_JSON_VALUES) {
    const at = valueLimitOffset(text, MAX_JSON_VALUES);
    if (at >= 0) throw new JsonTooManyValues(at);
  }
  return JSON.parse(text) as unknown;
}

/** Remove a leading UTF-8 byte-order mark (as decoded text: U+FEFF). */
export function stripBom(content: string): string {
  return content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
}

/** True when the text is empty or only whitespace (checked without copying a large file). */
export function isBlank(content: string): boolean {
  for (let i = 0; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0xfeff) return false;
  }
  return true;
}

/** 1-based line and column (UTF-16 code units) of an offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

function trimmedLength(text: string): number {
  let n = text.length;
  while (n > 0) {
    const c = text.charCodeAt(n - 1);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    n--;
  }
  return n;
}

/**
 * Parse report text as JSON, once. Throws ReportParseError:
 * - `empty file (…)` for an empty / whitespace-only file,
 * - `truncated JSON (…)` when the text ends before the value is complete, `where` = `line L, column C` of the end,
 * - `invalid JSON: <what>` with `where` = `line L, column C` otherwise.
 */
export function parseJson(tool: ToolId, file: string, content: string): unknown {
  const text = stripBom(content);
  if (isBlank(text)) throw new ReportParseError(tool, file, '', EMPTY_FILE_REASON);
  try {
    return parseJsonBounded(text);
  } catch (e) {
    if (e instanceof JsonTooManyValues) {
      const { line, column } = lineColumnAt(text, e.offset);
      throw new ReportParseError(tool, file, `line ${line}, column ${column}`, e.message);
    }
    if (!(e instanceof SyntaxError)) throw e;
    const { offset, what } = describeSyntaxError(text, e.message);
    const end = trimmedLength(text);
    if (offset >= end) {
      const { line, column } = lineColumnAt(text, end);
      throw new ReportParseError(
        tool,
        file,
        `line ${line}, column ${column}`,
        'truncated JSON: the file ends before the JSON value is complete (the tool probably crashed or was killed while writing)',
      );
    }
    const { line, column } = lineColumnAt(text, offset);
    throw new ReportParseError(tool, file, `line ${line}, column ${column}`, `invalid JSON: ${what}`);
  }
}

/**
 * Offset and a safe one-line description of a JSON.parse SyntaxError.
 * Node 20: `Expected ',' or '}' after property value in JSON at position 111`;
 * Node 24 adds ` (line 2 column 110)`; both: `Unexpected end of JSON input` and
 * `Unexpected token 'x', "<excerpt>" is not valid JSON` (no position: we locate it ourselves).
 */
function describeSyntaxError(text: string, message: string): { offset: number; what: string } {
  if (/^Unexpected end of JSON input/.test(message)) return { offset: text.length, what: 'unexpected end of input' };
  const pos = /\bat position (\d+)/.exec(message);
  if (pos) {
    const head = message.slice(0, pos.index).replace(/\s*in JSON\s*$/, '').trim();
    return { offset: Number(pos[1]), what: lowerFirst(head) || 'syntax error' };
  }
  // No position (e.g. "Unexpected token"): find it with a small validating scanner (only runs on failure).
  const offset = locateJsonError(text);
  if (offset < 0) return { offset: 0, what: 'syntax error' };
  if (offset >= text.length) return { offset, what: 'unexpected end of input' };
  return { offset, what: `unexpected character ${JSON.stringify(text.charAt(offset))}` };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

class ScanFail {
  constructor(readonly at: number) {}
}

/**
 * Offset of the first character where `text` stops being valid JSON (text.length when it ends too
 * early), or -1 when it is valid. Iterative, so deep nesting cannot overflow the stack.
 */
export function locateJsonError(text: string): number {
  const n = text.length;
  let i = 0;
  const stack: number[] = []; // 0 object, 1 array
  type State = 'value' | 'key' | 'firstKey' | 'after' | 'firstValue';
  let state: State = 'value';
  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      i++;
    }
  };
  const scanString = (): void => {
    // at '"'
    i++;
    for (;;) {
      if (i >= n) throw new ScanFail(n);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new ScanFail(i);
      if (c === 0x5c) {
        i++;
        if (i >= n) throw new ScanFail(n);
        const e = text.charAt(i);
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (i + k >= n) throw new ScanFail(n);
            if (!/[0-9a-fA-F]/.test(text.charAt(i + k))) throw new ScanFail(i + k);
          }
          i += 5;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e)) throw new ScanFail(i);
      }
      i++;
    }
  };
  const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
  const scanNumber = (): void => {
    if (text.charCodeAt(i) === 0x2d) i++;
    if (i >= n) throw new ScanFail(n);
    if (text.charCodeAt(i) === 0x30) i++;
    else if (isDigit(text.charCodeAt(i))) while (i < n && isDigit(text.charCodeAt(i))) i++;
    else throw new ScanFail(i);
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (i >= n) throw new ScanFail(n);
      if (!isDigit(text.charCodeAt(i))) throw new ScanFail(i);
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const s = text.charCodeAt(i);
      if (s === 0x2b || s === 0x2d) i++;
      if (i >= n) throw new ScanFail(n);
      if (!isDigit(text.charCodeAt(i))) throw new ScanFail(i);
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
  };
  const scanLiteral = (word: string): void => {
    for (let k = 0; k < word.length; k++) {
      if (i + k >= n) throw new ScanFail(n);
      if (text.charAt(i + k) !== word.charAt(k)) throw new ScanFail(i + k);
    }
    i += word.length;
  };
  try {
    for (;;) {
      skipWs();
      if (i >= n) {
        if (state === 'after' && stack.length === 0) return -1;
        return n;
      }
      const ch = text.charAt(i);
      if (state === 'value' || state === 'firstValue') {
        if (state === 'firstValue' && ch === ']') {
          stack.pop();
          i++;
          state = 'after';
          continue;
        }
        if (ch === '{') {
          stack.push(0);
          i++;
          state = 'firstKey';
          continue;
        }
        if (ch === '[') {
          stack.push(1);
          i++;
          state = 'firstValue';
          continue;
        }
        if (ch === '"') scanString();
        else if (ch === '-' || isDigit(text.charCodeAt(i))) scanNumber();
        else if (ch === 't') scanLiteral('true');
        else if (ch === 'f') scanLiteral('false');
        else if (ch === 'n') scanLiteral('null');
        else return i;
        state = 'after';
        continue;
      }
      if (state === 'key' || state === 'firstKey') {
        if (state === 'firstKey' && ch === '}') {
          stack.pop();
          i++;
          state = 'after';
          continue;
        }
        if (ch !== '"') return i;
        scanString();
        skipWs();
        if (i >= n) return n;
        if (text.charAt(i) !== ':') return i;
        i++;
        state = 'value';
        continue;
      }
      // after a value
      if (stack.length === 0) return i; // non-whitespace after the top-level value
      const top = stack[stack.length - 1];
      if (ch === ',') {
        i++;
        state = top === 0 ? 'key' : 'value';
      } else if ((top === 0 && ch === '}') || (top === 1 && ch === ']')) {
        stack.pop();
        i++;
      } else return i;
    }
  } catch (e) {
    if (e instanceof ScanFail) return e.at;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Paths and types

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$.a` + key -> `$.a.key`, `$.a["odd key"]`, `$.a[3]`. Long keys are shortened. */
export function jsonPath(base: PathLike, key: string | number): string {
  const b = typeof base === 'function' ? base() : base;
  if (typeof key === 'number') return `${b}[${key}]`;
  if (key.length <= 80 && IDENT.test(key)) return `${b}.${key}`;
  const k = key.length > 80 ? `${key.slice(0, 77)}…` : key;
  return `${b}[${JSON.stringify(k)}]`;
}

function resolve(path: PathLike): string {
  return typeof path === 'function' ? path() : path;
}

/** `null`, `array`, `object`, `string`, `number`, `boolean`. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const isArray = Array.isArray;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !isArray(value);
}

/** The own property `key` of `obj`, or undefined (inherited properties are never returned). */
export function own(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

export function hasOwn(obj: JsonObject, key: string): boolean {
  return Object.hasOwn(obj, key);
}

function fail(path: PathLike, expected: string, value: unknown): never {
  throw new JsonShapeError(resolve(path), value === undefined ? `missing (expected ${expected})` : `expected ${expected}, got ${typeName(value)}`);
}

export function expectObject(value: unknown, path: PathLike): JsonObject {
  if (!isJsonObject(value)) fail(path, 'an object', value);
  return value;
}

export function expectArray(value: unknown, path: PathLike): unknown[] {
  if (!Array.isArray(value)) fail(path, 'an array', value);
  return value;
}

export function expectString(value: unknown, path: PathLike): string {
  if (typeof value !== 'string') fail(path, 'a string', value);
  return value;
}

export function expectNumber(value: unknown, path: PathLike): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'a number', value);
  return value;
}

/** An integer; `205.0` is accepted (JSON.parse already reads it as 205). */
export function expectInteger(value: unknown, path: PathLike): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(path, 'an integer', value);
  return value;
}

export function expectBoolean(value: unknown, path: PathLike): boolean {
  if (typeof value !== 'boolean') fail(path, 'a boolean', value);
  return value;
}

export function expectStringArray(value: unknown, path: PathLike): string[] {
  const arr = expectArray(value, path);
  for (let i = 0; i < arr.length; i++) {
    if (typeof arr[i] !== 'string') fail(() => jsonPath(path, i), 'a string', arr[i]);
  }
  return arr as string[];
}

// Field accessors: `obj` at `base`, own property `key`. `req*` throw when absent; `opt*` return
// undefined when absent or null.

export function reqField(obj: JsonObject, key: string, base: PathLike): unknown {
  if (!Object.hasOwn(obj, key)) throw new JsonShapeError(jsonPath(base, key), 'missing');
  return obj[key];
}

export function reqString(obj: JsonObject, key: string, base: PathLike): string {
  const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (typeof v !== 'string') fail(() => jsonPath(base, key), 'a string', v);
  return v;
}

export function optString(obj: JsonObject, key: string, base: PathLike): string | undefined {
  const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(() => jsonPath(base, key), 'a string', v);
  return v;
}

export function reqNumber(obj: JsonObject, key: string, base: PathLike): number {
  return expectNumber(Object.hasOwn(obj, key) ? obj[key] : undefined, () => jsonPath(base, key));
}

export function optNumber(obj: JsonObject, key: string, base: PathLike): number | undefined {
  const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (v === undefined || v === null) return undefined;
  return expectNumber(v, () => jsonPath(base, key));
}

export function reqInteger(obj: JsonObject, key: string, base: PathLike): number {
  return expectInteger(Object.hasOwn(obj, key) ? obj[key] : undefined, () => jsonPath(base, key));
}

export function optInteger(obj: JsonObject, key: string, base: PathLike): number | undefined {
  const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (v === undefined || v === null) return undefined;
  return expectInteger(v, () => jsonPath(base, key));
}

export function optBoolean(obj: JsonObject, key: string, base: PathLike): boolean | undefined {
  const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (v === undefined || v === null) return undefined;
  return expectBoolean(v, () => jsonPath(base, key));
}

export function reqArray(obj: JsonObject, key: string, base: PathLike): unknown[] {
  return expectArray(Object.hasOwn(obj, key) ? obj[key] : undefined, () => jsonPath(base, key));
}

export function optArray(obj: JsonObject, key: string, base: PathLike): unknown[] | undefined {
  const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (v === undefined || v === null) return undefined;
  return expectArray(v, () => jsonPath(base, key));
}

export function reqObject(obj: JsonObject, key: string, base: PathLike): JsonObject {
  return expectObject(Object.hasOwn(obj, key) ? obj[key] : undefined, () => jsonPath(base, key));
}

export function optObject(obj: JsonObject, key: string, base: PathLike): JsonObject | undefined {
  const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (v === undefined || v === null) return undefined;
  return expectObject(v, () => jsonPath(base, key));
}

export function optStringArray(obj: JsonObject, key: string, base: PathLike): string[] | undefined {
  const v = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (v === undefined || v === null) return undefined;
  return expectStringArray(v, () => jsonPath(base, key));
}

/** Run a parser body; a JsonShapeError becomes a ReportParseError naming the tool and file. */
export function withReportErrors<T>(tool: ToolId, file: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof JsonShapeError) throw new ReportParseError(tool, file, e.where, e.reason);
    throw e;
  }
}

/** Cut text to at most `max` characters, marking the cut with `…`. */
export function truncateText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Fast, stable 53-bit string hash (cyrb53) as 14 hex digits. For fingerprints, not for security:
 * it only has to tell lines apart and stay the same across runs and machines.
 */
export function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const n = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return n.toString(16).padStart(14, '0');
}

// ---------------------------------------------------------------------------------------------
// JSON report parsers: the registry parses a file ONCE and asks each parser about the value.

/**
 * A ReportParser for a JSON format. Besides the text-level `detect`/`parse` of ReportParser it
 * works on an already parsed value, so the registry runs JSON.parse once per file.
 */
export interface JsonReportParser extends ReportParser {
  /** For messages: `Bandit JSON (bandit -f json)`. */
  readonly label: string;
  /** Cheap check on the parsed value's top level (never walks the whole report). */
  detectValue(value: unknown): boolean;
  /** Throws ReportParseError with the JSON path of the problem. */
  parseValue(value: unknown, file: string): ParsedReport;
  /** Present when the format can be read in pieces (big reports: see streamJsonReport). */
  readonly stream?: JsonStreamSpec;
}

/**
 * How a JsonReportParser reads a big report in pieces (see json-stream.ts): the elements of the
 * array at `path` one by one, then the rest of the document (the skeleton, that array left empty).
 */
export interface JsonStreamSpec {
  readonly path: readonly PathStep[];
  /**
   * The reader needs the rest of the document before the elements (SARIF: a result names its run's
   * rules, which may come after the results): the file is read twice, the skeleton first.
   */
  readonly skeletonFirst?: boolean;
  /**
   * Whether the first bytes are worth streaming (default: the parser's `detect`). The parse decides
   * on the skeleton anyway; a looser test suits formats whose telling keys may come last (SARIF
   * with sorted keys names its tool after the results).
   */
  readonly sniff?: (head: string) => boolean;
  /** A fresh reader for one file (given the skeleton when `skeletonFirst`). */
  start(file: string, skeleton?: unknown): StreamingReader;
}

export interface StreamingReader {
  /** One element, in file order. Throws JsonShapeError (path with `index`) on a bad element. */
  element(value: unknown, index: number, array: number): void;
  /** The skeleton: checks the rest of the document (throws JsonShapeError) and returns the report. */
  finish(skeleton: unknown): ParsedReport;
}

export function isJsonReportParser(p: ReportParser): p is JsonReportParser {
  return typeof (p as Partial<JsonReportParser>).detectValue === 'function' && typeof (p as Partial<JsonReportParser>).parseValue === 'function';
}

/** How many leading characters `detect(content)` sniffs. */
export const SNIFF_CHARS = 4096;

/** The first SNIFF_CHARS characters without a BOM: what text-level `detect` looks at. */
export function sniffHead(content: string): string {
  return stripBom(content.length > SNIFF_CHARS + 1 ? content.slice(0, SNIFF_CHARS + 1) : content);
}

/**
 * Build a JsonReportParser from value-level functions. `sniff` is the text-level detect on the
 * first few KB; `parse(content)` = `parseJson` once + `parseValue`.
 */
export function jsonReportParser(spec: {
  tool: ToolId;
  format: string;
  label: string;
  sniff: (head: string) => boolean;
  detectValue: (value: unknown) => boolean;
  parseValue: (value: unknown, file: string) => ParsedReport;
  stream?: JsonStreamSpec;
}): JsonReportParser {
  const { tool, format, label, sniff, detectValue, parseValue, stream } = spec;
  return {
    tool,
    format,
    label,
    stream,
    detect: (content: string) => sniff(sniffHead(content)),
    detectValue,
    parseValue: (value: unknown, file: string) => withReportErrors(tool, file, () => parseValue(value, file)),
    parse: (content: string, file: string) => {
      const value = parseJson(tool, file, content);
      return withReportErrors(tool, file, () => parseValue(value, file));
    },
  };
}

/** A report read in pieces: push its bytes in order, then `end()`. */
export interface ReportStream {
  push(chunk: Buffer): void;
  /**
   * The report, or undefined when the file has to be read in one piece instead (anything unusual:
   * a syntax error, another shape, a duplicated key on the path): the one-piece parse then gives
   * the same answer and its precise message. `'again'`: push the whole file once more, then call
   * `end()` again (formats read in two passes). Throws ReportParseError like `parseValue`.
   */
  end(): ParsedReport | undefined | 'again';
  /** True once the stream has given up: the rest of the file need not be read. */
  readonly abandoned: boolean;
}

/**
 * Read a report of a streaming-capable parser in pieces. Accepts exactly what `parseJson` +
 * `detectValue` + `parseValue` accept, with the same report; gives up (end() = undefined) otherwise.
 * `others`: the tool's parsers asked before this one, which must not take the document.
 * Memory: one chunk, one element and the small skeleton at a time, never the whole text.
 */
export function streamJsonReport(parser: JsonReportParser, file: string, others: readonly JsonReportParser[] = []): ReportStream {
  const spec = parser.stream;
  if (!spec) throw new Error(`${parser.format}: no stream spec`);
  let reader: StreamingReader | undefined = spec.skeletonFirst ? undefined : spec.start(file);
  let skeletonValue: unknown;
  const skeleton: Buffer[] = [];
  /** Pass 2 of a skeleton-first read, when pass 1 took guesses nothing confirmed: its skeleton. */
  let recheck: Buffer[] | undefined;
  let unconfirmed = false;
  let shapeError: JsonShapeError | undefined;
  let abandoned = false;
  let pass = 1;
  let firstPassElements = 0;
  let elements = 0;
  let skeletonValues = 0;

  const makeSplitter = (): JsonArraySplitter =>
    new JsonArraySplitter(spec.path, {
      text: (buf, start, end) => {
        // Counted as it comes: a skeleton of too many values is not held until its parse refuses it.
        skeletonValues += countValueBytes(buf, start, end);
        if (skeletonValues > MAX_JSON_VALUES) throw new StreamAbort('the rest of the document holds too many values');
        if (pass === 1) skeleton.push(Buffer.from(buf.subarray(start, end)));
        else recheck?.push(Buffer.from(buf.subarray(start, end)));
      },
      // Without a reader (pass 1 of a skeleton-first read) no element is parsed, but pass 2 splits
      // the same bytes exactly (each guess parsed) and its skeleton must be pass 1's byte for byte:
      // a wrong guess in pass 1 can only make the read fall back to the one-piece parse. After a
      // bad element nothing is parsed either (the one-piece parse stops there too), and nothing
      // would check a guess.
      checksElements: () => reader === undefined || shapeError === undefined,
      element: (buf, start, end, index, array, guessed) => {
        if (!reader || shapeError) {
          if (guessed && reader) return false;
          if (guessed) unconfirmed = true;
          elements++;
          return true;
        }
        let value: unknown;
        try {
          value = parseJsonBounded(buf.toString('utf8', start, end));
        } catch (e) {
          if (guessed) return false;
          // Too many values: the one-piece parse then refuses it, with its place in the file.
          throw new StreamAbort(e instanceof JsonTooManyValues ? 'an element holds too many values' : 'an element is not valid JSON');
        }
        elements++;
        try {
          reader.element(value, index, array);
        } catch (e) {
          if (!(e instanceof JsonShapeError)) throw e;
          shapeError = e;
        }
      },
    });
  let splitter = makeSplitter();

  /** The skeleton parsed and the document taken by this parser, or undefined. */
  const acceptSkeleton = (): unknown => {
    let value: unknown;
    try {
      splitter.end();
      value = parseJsonBounded(Buffer.concat(skeleton).toString('utf8'));
    } catch (e) {
      // Each: the one-piece parse gives the answer, with its place in the file.
      if (!(e instanceof StreamAbort) && !(e instanceof SyntaxError) && !(e instanceof JsonTooManyValues)) throw e;
      return undefined;
    }
    if (splitter.streamedArrays === 0 || !parser.detectValue(value) || others.some((p) => p.detectValue(value))) return undefined;
    return value;
  };

  return {
    get abandoned() {
      return abandoned;
    },
    push(chunk: Buffer) {
      if (abandoned) return;
      try {
        splitter.push(chunk);
      } catch (e) {
        if (!(e instanceof StreamAbort)) throw e;
        abandoned = true;
      }
    },
    end() {
      if (abandoned) return undefined;
      if (pass === 1) {
        skeletonValue = acceptSkeleton();
        if (skeletonValue === undefined) return undefined;
        if (spec.skeletonFirst) {
          // Second pass: the elements, with the skeleton known.
          pass = 2;
          firstPassElements = elements;
          elements = 0;
          splitter = makeSplitter();
          skeletonValues = 0;
          if (unconfirmed) recheck = [];
          try {
            reader = spec.start(file, skeletonValue);
          } catch (e) {
            if (!(e instanceof JsonShapeError)) throw e;
            if (unconfirmed) return undefined; // the skeleton may be wrong: read the file whole
            return withReportErrors(parser.tool, file, () => {
              throw e;
            });
          }
          return 'again';
        }
      } else {
        try {
          splitter.end();
        } catch (e) {
          if (!(e instanceof StreamAbort)) throw e;
          return undefined;
        }
        // The file changed between the passes, or a guess of pass 1 was wrong: read it whole.
        if (elements !== firstPassElements) return undefined;
        if (recheck && !Buffer.concat(recheck).equals(Buffer.concat(skeleton))) return undefined;
      }
      const r = reader as StreamingReader;
      return withReportErrors(parser.tool, file, () => {
        // A skeleton-first reader checked, before each element, all that precedes it in the file:
        // a bad element is the first problem. Otherwise the rest of the document comes first, as
        // the one-piece parsers check the top level before the elements.
        if (shapeError && spec.skeletonFirst) throw shapeError;
        const report = r.finish(skeletonValue);
        if (shapeError) throw shapeError;
        return report;
      });
    },
  };
}
