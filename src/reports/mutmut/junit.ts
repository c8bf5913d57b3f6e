/**
 * mutmut 2.x `mutmut junitxml` (junit-xml library output):
 *   <testsuites><testsuite name="mutmut"> <testcase name="Mutant #<id>" file="<path>" line="<line+1>">
 *   - `<failure message="bad_survived">` + diff: survived
 *   - `<error type="timeout" message="bad_timeout">`: timed out
 *   - `<failure|error|skipped message="ok_suspicious">` / `message="untested"`: per
 *     `--suspicious-policy` / `--untested-policy` (with policy `ignore` they look killed: unknowable);
 *     an untested mutant is one the run never reached (counted `notChecked`)
 *   - only `<system-out>` (the source line): killed
 *
 * Parsed with fast-xml-parser (loaded lazily: see xml.ts). Hardening: a DOCTYPE/ENTITY declaration
 * is refused (no entity expansion at all), nesting is capped (maxNestedTags), attribute/tag values
 * are kept as strings.
 */
import { ReportParseError, normalizePath, type ParsedReport, type ReportParser } from '../model.js';
import { MutantCounter, idFinding, isReported, type MutantStatus } from './common.js';
import { mutmutXml } from './xml.js';
import { lineColumnAt } from '../json.js';

export const MUTMUT2_JUNIT_FORMAT = 'mutmut2-junitxml';

const MAX_DEPTH = 16;
/**
 * At most this many tags, attributes in one element, and attributes in all (counted before
 * parsing). fast-xml-parser builds an object per element and per attribute: 100 MB of `<a/>` took
 * 3.2 GB and a minute, one `<testcase` with two million attributes (18 MB) 3 GB and 25 s, and a
 * few hundred MB ran the process out of memory, a crash that named no file (the XML neighbour of
 * MAX_JSON_VALUES; the fourth and fifth re-reviews). A mutant is 2 to 4 tags, a testcase carries
 * three attributes (name, file, line): these read a million mutants.
 */
export const MAX_XML_TAGS = 4_000_000;
export const MAX_XML_ATTRIBUTES_PER_ELEMENT = 256;
export const MAX_XML_ATTRIBUTES = 4_000_000;

/**
 * Where `text` goes over one of those limits (the offset of the `<` or `=` past it), and which, or
 * undefined. One pass from `<` to `<`: comments and CDATA sections are skipped; in a tag, an `=`
 * outside quotes is an attribute (XML has no other).
 */
function densityLimit(text: string): { at: number; what: string } | undefined {
  let tags = 0;
  let total = 0;
  let i = text.indexOf('<');
  while (i !== -1) {
    if (++tags > MAX_XML_TAGS) return { at: i, what: `more than ${MAX_XML_TAGS.toLocaleString('en-US')} XML tags` };
    const skip = text.startsWith('<!--', i) ? '-->' : text.startsWith('<![CDATA[', i) ? ']]>' : undefined;
    if (skip !== undefined) {
      const end = text.indexOf(skip, i + 4);
      if (end < 0) return undefined; // unterminated: the validator says so
      i = text.indexOf('<', end + skip.length);
      continue;
    }
    let inElement = 0;
    let quote = 0;
    let j = i + 1;
    for (; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 0x22 || c === 0x27) {
        quote = c;
      } else if (c === 0x3d) {
        if (++inElement > MAX_XML_ATTRIBUTES_PER_ELEMENT) return { at: j, what: `more than ${MAX_XML_ATTRIBUTES_PER_ELEMENT} attributes in one element` };
        if (++total > MAX_XML_ATTRIBUTES) return { at: j, what: `more than ${MAX_XML_ATTRIBUTES.toLocaleString('en-US')} XML attributes` };
      } else if (c === 0x3e) {
        break;
      }
    }
    i = text.indexOf('<', j + 1);
  }
  return undefined;
}

type XmlNode = Record<string, unknown>;

function asNodes(v: unknown): XmlNode[] {
  if (v === undefined || v === null) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((x) => (typeof x === 'object' && x !== null ? (x as XmlNode) : { '#text': String(x) }));
}

function attr(node: XmlNode, name: string): string | undefined {
  const k = `@_${name}`;
  const v = Object.hasOwn(node, k) ? node[k] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function lineOf(content: string, offset: number): number {
  let n = 1;
  for (let i = content.indexOf('\n'); i !== -1 && i < offset; i = content.indexOf('\n', i + 1)) n++;
  return n;
}

function statusOfCase(tc: XmlNode): MutantStatus {
  const marks = [...asNodes(tc.failure), ...asNodes(tc.error), ...asNodes(tc.skipped)];
  for (const m of marks) {
    const msg = attr(m, 'message') ?? '';
    const type = attr(m, 'type') ?? '';
    if (msg === 'bad_survived') return 'survived';
    if (msg === 'bad_timeout' || type === 'timeout') return 'timeout';
    if (msg === 'ok_suspicious') return 'suspicious';
    // mutmut 2 registers every mutant `untested` until it runs it: one still so was never run.
    if (msg === 'untested') return 'notChecked';
    if (msg === 'skipped') return 'skipped';
  }
  // A failure without a known message is a surviving mutant (junit-xml's failure = the mutant was not caught).
  if (asNodes(tc.failure).length > 0) return 'survived';
  if (asNodes(tc.error).length > 0) return 'suspicious';
  if (asNodes(tc.skipped).length > 0) return 'skipped';
  return 'killed';
}

export function parseMutmutJunit(content: string, file: string): ParsedReport {
  const text = content.replace(/^\uFEFF/, '');
  const dt = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (dt) {
    throw new ReportParseError('mutmut', file, `line ${lineOf(text, dt.index)}`, 'XML with a DOCTYPE/ENTITY declaration is refused (entity expansion)');
  }
  // Counted first: validating and parsing build and walk every element and attribute.
  const dense = densityLimit(text);
  if (dense) {
    const { line, column } = lineColumnAt(text, dense.at);
    throw new ReportParseError('mutmut', file, `line ${line}, column ${column}`, `${dense.what}: too many to read safely (a real mutmut junitxml report holds 2 to 4 tags per mutant, 2 or 3 attributes per element)`);
  }
  const { XMLParser, XMLValidator } = mutmutXml();
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new ReportParseError('mutmut', file, `line ${valid.err.line}, column ${valid.err.col}`, `invalid XML: ${valid.err.msg}`);
  }
  let doc: XmlNode;
  try {
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: false,
      parseAttributeValue: false,
      processEntities: true,
      htmlEntities: false,
      maxNestedTags: MAX_DEPTH,
      isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
    });
    doc = parser.parse(text) as XmlNode;
  } catch (e) {
    throw new ReportParseError('mutmut', file, '', `unreadable XML: ${e instanceof Error ? e.message.split('\n')[0] : 'parse error'}`);
  }
  const root = Object.hasOwn(doc, 'testsuites') ? asNodes(doc.testsuites)[0] : doc;
  const suites = root ? asNodes(root.testsuite) : [];
  if (suites.length === 0) throw new ReportParseError('mutmut', file, '/testsuites/testsuite', 'no <testsuite> element: not a mutmut junitxml report');
  const counter = new MutantCounter(true);
  suites.forEach((suite, si) => {
    const name = attr(suite, 'name');
    if (name !== undefined && name !== 'mutmut') {
      throw new ReportParseError('mutmut', file, `/testsuites/testsuite[${si + 1}]/@name`, `expected "mutmut", got ${JSON.stringify(name)}`);
    }
    asNodes(suite.testcase).forEach((tc, ci) => {
      const where = `/testsuites/testsuite[${si + 1}]/testcase[${ci + 1}]`;
      const m = /^Mutant #(\d+)$/.exec(attr(tc, 'name') ?? '');
      if (!m) throw new ReportParseError('mutmut', file, `${where}/@name`, 'expected "Mutant #<id>"');
      const id = Number(m[1]);
      const rawFile = attr(tc, 'file');
      const path = rawFile ? normalizePath(rawFile) : undefined;
      const lineAttr = attr(tc, 'line');
      const line = lineAttr && /^\d+$/.test(lineAttr) && Number(lineAttr) > 0 ? Number(lineAttr) : undefined;
      const status = statusOfCase(tc);
      counter.add(status, isReported(status) ? () => idFinding(status, id, path, line, file) : undefined);
    });
  });
  return {
    tool: 'mutmut',
    format: MUTMUT2_JUNIT_FORMAT,
    toolVersion: '2.x',
    findings: counter.findings,
    skipped: [],
    scanErrors: [],
    stats: counter.stats(),
  };
}

export const mutmutJunitParser: ReportParser & { label: string } = {
  tool: 'mutmut',
  format: MUTMUT2_JUNIT_FORMAT,
  label: 'mutmut 2 `mutmut junitxml`',
  detect(content: string): boolean {
    const head = content.replace(/^\uFEFF/, '').trimStart().slice(0, 2048);
    return head.startsWith('<') && /<testsuites?\b/.test(head) && /name="mutmut"/.test(head);
  },
  parse: parseMutmutJunit,
};
