/**
 * The streaming splitter (json-stream.ts) and the Bandit report read in pieces: whatever the chunk
 * size, a report read in pieces is the same report as the one-piece parse, or the stream gives up
 * (and the caller reads the file whole); it never accepts what JSON.parse rejects.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { JsonArraySplitter, StreamAbort, type PathStep } from '../../src/reports/json-stream.js';
import { BanditReportRedactor, redactBanditReport } from '../../src/reports/bandit/redact.js';
import { ReportParseError, type ParsedReport, type RawRedaction } from '../../src/reports/model.js';
import { openReportStream, parseReport } from '../../src/reports/registry.js';
import { fixturesOf, RUNS, SEED } from '../hardening/fuzz-helpers.js';
import { answerWithin } from '../helpers/deadline.js';

interface Split {
  elements: string[];
  arrays: number[];
  skeleton: string;
  gaps: string;
}

/**
 * `guessing`: the handler parses its elements (as the report reader does), so the splitter may
 * guess where an element ends from its layout; `guessed` counts the guesses it took.
 */
function split(text: string | Buffer, path: PathStep[], chunk: number, guessing?: { guessed: number; wrong: number }): Split | 'abort' {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const out: Split = { elements: [], arrays: [], skeleton: '', gaps: '' };
  const sk: Buffer[] = [];
  const gaps: Buffer[] = [];
  const perArray: number[] = [];
  const s = new JsonArraySplitter(path, {
    text: (b, a, e) => sk.push(Buffer.from(b.subarray(a, e))),
    gap: (b, a, e) => gaps.push(Buffer.from(b.subarray(a, e))),
    checksElements: guessing ? () => true : undefined,
    element: (b, a, e, index, array, guessed) => {
      if (guessed) {
        expect(guessing).toBeDefined();
        try {
          JSON.parse(b.toString('utf8', a, e));
        } catch {
          (guessing as { wrong: number }).wrong++;
          return false;
        }
        (guessing as { guessed: number }).guessed++;
      }
      expect(index).toBe(perArray[array] ?? 0);
      perArray[array] = index + 1;
      out.elements.push(b.toString('utf8', a, e));
      out.arrays.push(array);
    },
  });
  // One buffer reused for every chunk, as the file reader does.
  const buf = Buffer.alloc(chunk);
  try {
    for (let i = 0; i < bytes.length; i += chunk) {
      const n = bytes.copy(buf, 0, i, Math.min(bytes.length, i + chunk));
      s.push(buf.subarray(0, n));
      buf.fill(0x21);
    }
    s.end();
  } catch (e) {
    if (e instanceof StreamAbort) return 'abort';
    throw e;
  }
  out.skeleton = Buffer.concat(sk).toString('utf8');
  out.gaps = Buffer.concat(gaps).toString('utf8');
  return out;
}

const CHUNKS = [1, 2, 3, 7, 64, 1 << 20];

describe('JsonArraySplitter', () => {
  it.each(CHUNKS)('hands over each element and keeps the rest as skeleton (chunk %i)', (chunk) => {
    const doc = '\ufeff{"a": "x\\"]}", "results": [ {"k": "v\\\\", "n": [1, {"o": "}"}]}, 2 ,"s\\"t", null, [] ], "z": {"results": [9]}}\n';
    const r = split(doc, ['results'], chunk);
    expect(r).not.toBe('abort');
    if (r === 'abort') return;
    expect(r.elements).toEqual(['{"k": "v\\\\", "n": [1, {"o": "}"}]}', '2', '"s\\"t"', 'null', '[]']);
    expect(r.skeleton).toBe('{"a": "x\\"]}", "results": [], "z": {"results": [9]}}\n');
    expect(r.gaps).toBe(' ,  ,, ,  ');
    expect(JSON.parse(r.skeleton)).toEqual({ a: 'x"]}', results: [], z: { results: [9] } });
  });

  it.each(CHUNKS)('streams every array on a path with a wildcard, matching escaped keys (chunk %i)', (chunk) => {
    const doc = '{"runs": [{"results": [1, 2]}, {"tool": {}, "re\\u0073ults": [3]}, {"results": []}]}';
    const r = split(doc, ['runs', null, 'results'], chunk);
    expect(r).not.toBe('abort');
    if (r === 'abort') return;
    expect(r.elements).toEqual(['1', '2', '3']);
    expect(r.arrays).toEqual([0, 0, 1]);
    expect(r.skeleton).toBe('{"runs": [{"results": []}, {"tool": {}, "re\\u0073ults": []}, {"results": []}]}');
  });

  it('leaves a value at the path that is not an array in the skeleton', () => {
    const r = split('{"results": {"a": [1]}, "x": 1}', ['results'], 4);
    expect(r).not.toBe('abort');
    if (r !== 'abort') expect(r.elements).toEqual([]);
  });

  it.each([
    ['a missing comma', '{"results": [1 2]}'],
    ['a trailing comma', '{"results": [1,]}'],
    ['a leading comma', '{"results": [,1]}'],
    ['two commas', '{"results": [1,,2]}'],
    ['a duplicated path key', '{"results": [1], "results": [2]}'],
    ['a truncated document', '{"results": [{"a": "b'],
    ['a truncated element', '{"results": [{"a": 1}'],
    ['text after the value', '{"results": []} x'],
    ['a second value', '{"results": []} {}'],
    ['a mismatched bracket', '{"results": [1]]'],
    ['an empty document', '   '],
    ['a missing colon', '{"results" [1]}'],
  ])('gives up on %s', (_what, doc) => {
    for (const chunk of [1, 3, 1000]) expect(split(doc, ['results'], chunk)).toBe('abort');
  });
});

describe('JsonArraySplitter guessing element ends from the layout', () => {
  const doc = { metrics: { 'a.py': { loc: 1 } }, results: [{ code: '1 x = "}"\n', n: [1, { o: '}' }], s: 'a' }, { code: '', n: [], s: 'b' }, { e: {} }] };

  it.each([
    ['pretty-printed', JSON.stringify(doc, null, 2)],
    ['pretty-printed with tabs and CRLF', JSON.stringify(doc, null, '\t').replace(/\n/g, '\r\n')],
    ['one element per line', `{"metrics": {}, "results": [\n${doc.results.map((r) => ` ${JSON.stringify(r)}`).join(',\n')}\n]}`],
    ['pretty-printed with braces everywhere', JSON.stringify({ results: [{ a: '}'.repeat(5000), b: [{ c: {} }, '\n  }'] }, { d: '} }  }' }, {}] }, null, 2)],
  ])('guesses every element of a %s document that fits in a chunk, and splits as the byte loop does', (_what, text) => {
    for (const chunk of [1, 7, 64, 1 << 20]) {
      const guessing = { guessed: 0, wrong: 0 };
      expect(split(text, ['results'], chunk, guessing)).toEqual(split(text, ['results'], chunk));
      expect(guessing.wrong).toBe(0);
      if (chunk === 1 << 20) expect(guessing.guessed).toBe(3);
    }
  });

  it('takes the byte loop when a guess is wrong: a nested object closed at the element\'s indentation', () => {
    const text = '{"results": [\n  {\n    "a": {\n  }, "b": "x"\n  },\n  {\n    "c": 1\n  }\n]}';
    const guessing = { guessed: 0, wrong: 0 };
    const r = split(text, ['results'], 1 << 20, guessing);
    expect(r).toEqual(split(text, ['results'], 1 << 20));
    expect(r !== 'abort' && r.elements).toEqual(['{\n    "a": {\n  }, "b": "x"\n  }', '{\n    "c": 1\n  }']);
    expect(guessing.wrong).toBe(1);
    expect(guessing.guessed).toBe(0); // the second element would be guessed right: no guessing after a wrong guess
  });

  it('goes on guessing after an element whose layout allows no guess (nothing was searched)', () => {
    // The first element sits deeper than guesses look (64) and the second after a comma on its line.
    const text = `{"results": [\n${' '.repeat(70)}{\n "a": 1\n${' '.repeat(70)}}, {"b": 2},\n  {\n    "c": 3\n  },\n  {\n    "d": 4\n  }\n]}`;
    const guessing = { guessed: 0, wrong: 0 };
    const r = split(text, ['results'], 1 << 20, guessing);
    expect(r).toEqual(split(text, ['results'], 1 << 20));
    expect(r !== 'abort' && r.elements.length).toBe(4);
    expect(guessing).toEqual({ guessed: 2, wrong: 0 });
  });

  it('stays linear when no element ends where its layout says (a failed search stops guessing for the chunk)', () => {
    // 100,000 elements opening a line but closing on it: each guess would search the rest of a
    // 1 MiB chunk (hours in all); one search per chunk takes milliseconds.
    const text = Buffer.from(`{"results": [\n${'{\n"a": 1},\n'.repeat(100_000)}{}]}`);
    const guessing = { guessed: 0, wrong: 0 };
    const r = answerWithin(() => split(text, ['results'], 1 << 20, guessing));
    expect(r !== 'hung' && r !== 'abort' && r.elements.length).toBe(100_001);
    expect(guessing).toEqual({ guessed: 0, wrong: 0 });
  });

  it('fuzz: a pretty-printed document with its layout mangled splits exactly as the byte loop does', () => {
    const docs = fc.record({ metrics: fc.jsonValue({ maxDepth: 2 }), results: fc.array(fc.oneof(fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 8 }) });
    // Indentation taken away, added, or moved; lines joined; CRLF; a stray `}` line.
    const edits = fc.array(fc.record({ at: fc.nat(), what: fc.constantFrom('\n', '\n  ', '\n    ', '\n  }', ' ', '', '\r\n', '\t', ',\n  {') }), { maxLength: 4 });
    fc.assert(
      fc.property(docs, fc.constantFrom(2, 4), edits, fc.constantFrom(3, 64, 1 << 20), (doc, indent, mangle, chunk) => {
        let text = JSON.stringify(doc, null, indent);
        for (const { at, what } of mangle) {
          // Only where a newline was (between tokens): the edit changes the layout, rarely the meaning.
          const nls = [...text.matchAll(/\n */g)];
          const m = nls.length ? nls[at % nls.length] : undefined;
          if (m) text = text.slice(0, m.index) + what + text.slice((m.index as number) + m[0].length);
        }
        const guessing = { guessed: 0, wrong: 0 };
        expect(split(text, ['results'], chunk, guessing)).toEqual(split(text, ['results'], chunk));
        expect(guessing.wrong).toBeLessThanOrEqual(1);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

// -----------------------------------------------------------------------------------------------
// Reports: read in pieces = read whole

function streamed(text: string | Buffer, chunk: number, file = 'bandit.json'): ParsedReport | undefined | ReportParseError {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  // The file reader's first chunk is 1 MiB: the format is sniffed on it, whatever size the test pushes.
  const s = openReportStream('bandit', file, Buffer.from(bytes.subarray(0, 1 << 20)));
  if (!s) return undefined;
  try {
    for (let pass = 1; ; pass++) {
      for (let i = 0; i < bytes.length && !s.abandoned; i += chunk) s.push(bytes.subarray(i, Math.min(bytes.length, i + chunk)));
      const r = s.end();
      if (r !== 'again') return r;
      expect(pass).toBe(1);
    }
  } catch (e) {
    if (e instanceof ReportParseError) return e;
    throw e;
  }
}

function whole(text: string | Buffer, file = 'bandit.json'): ParsedReport | ReportParseError {
  try {
    // As the file reader decodes the bytes (a lone surrogate in a test string becomes U+FFFD).
    return parseReport('bandit', file, (Buffer.isBuffer(text) ? text : Buffer.from(text)).toString('utf8'));
  } catch (e) {
    if (e instanceof ReportParseError) return e;
    throw e;
  }
}

/** The stream either gives up or gives exactly what the one-piece parse gives (report or error). */
function expectSame(text: string | Buffer, chunk: number): 'streamed' | 'fallback' {
  const s = streamed(text, chunk);
  if (s === undefined) return 'fallback';
  const w = whole(text);
  if (w instanceof ReportParseError) {
    expect(s).toBeInstanceOf(ReportParseError);
    expect((s as ReportParseError).message).toBe(w.message);
  } else {
    expect(s).toEqual(w);
  }
  return 'streamed';
}

const BANDIT = fixturesOf('bandit', 4 * 1024 * 1024).filter((f) => f.name.endsWith('.json') && !f.name.endsWith('.expected.json'));

describe('Bandit JSON read in pieces', () => {
  it('has real reports to check', () => {
    expect(BANDIT.length).toBeGreaterThanOrEqual(8);
  });

  it.each(BANDIT.map((f) => [f.name, f] as const))('%s: the same report whatever the chunk size', (_name, f) => {
    for (const chunk of [1, 5, 4096, 1 << 20]) expect(expectSame(f.text, chunk)).toBe('streamed');
  });

  it('notes the results the artifact copy must redact, duplicates included', () => {
    const r = {
      errors: [],
      metrics: {},
      results: [
        { filename: 'a.py', test_id: 'B101', issue_severity: 'LOW', issue_confidence: 'HIGH', issue_text: 'assert', line_number: 1, col_offset: 0, code: '1 assert x\n' },
        { filename: 'a.py', test_id: 'B105', issue_severity: 'LOW', issue_confidence: 'MEDIUM', issue_text: "Possible hardcoded password: 'hunter22'", line_number: 2, col_offset: 0, code: '2 p = "hunter22"\n' },
        { filename: 'a.py', test_id: 'B105', issue_severity: 'LOW', issue_confidence: 'MEDIUM', issue_text: "Possible hardcoded password: 'hunter22'", line_number: 2, col_offset: 0, code: '2 p = "hunter22"\n' },
        // a secret past the snippet cap: the finding's snippet is cut before it, the copy must still hide it
        { filename: 'a.py', test_id: 'B602', issue_severity: 'HIGH', issue_confidence: 'HIGH', issue_text: 'shell', line_number: 3, col_offset: 0, code: `${'x = 1\n'.repeat(60)}token = "ghp_${'a'.repeat(30)}"\n` },
      ],
    };
    const s = streamed(JSON.stringify(r), 16);
    expect(s).not.toBeInstanceOf(ReportParseError);
    // Every result of a.py: it holds a password, which the other results' code may quote.
    expect((s as ParsedReport).rawRedaction).toEqual({ format: 'bandit-json', arrays: 1, elements: 4, indices: [0, 1, 2, 3] });
    expect((s as ParsedReport).rawRedaction?.secrets).toEqual(['"hunter22"', "'hunter22'"]);
    expect((s as ParsedReport).stats.duplicates).toBe(1);
    expect((whole(JSON.stringify(r)) as ParsedReport).rawRedaction).toEqual({ format: 'bandit-json', arrays: 1, elements: 4, indices: [0, 1, 2, 3] });
  });

  it('reports a bad result with its JSON path, after a bad top level as the whole parse does', () => {
    const bad = '{"errors": [], "metrics": {}, "results": [{"filename": "a.py"}]}';
    expect(expectSame(bad, 7)).toBe('streamed');
    expect((streamed(bad, 7) as ReportParseError).where).toBe('$.results[0].test_id');
    const both = '{"errors": [3], "results": [{"filename": "a.py"}]}';
    expect(expectSame(both, 7)).toBe('streamed');
    expect((streamed(both, 7) as ReportParseError).where).toBe('$.errors[0]');
  });

  it('gives up (the file is then read whole) on what it cannot be sure of', () => {
    expect(streamed('{"results": [', 4)).toBeUndefined(); // truncated: the whole parse names line and column
    expect(streamed('{"results": [], "results": [{}]}', 4)).toBeUndefined(); // duplicated key
    expect(streamed('{"results": [{"test_id": "B101"}]}', 4)).toBeUndefined(); // no metadata: detection needs the first result
    expect(streamed('{"runs": [], "results": []}', 4)).toBeUndefined(); // not Bandit JSON
    expect(streamed('[1, 2]', 4)).toBeUndefined(); // not even sniffed
  });

  it('fuzz: mutated real reports are streamed exactly as parsed whole, or given up on', () => {
    const base = BANDIT.filter((f) => f.text.length < 200_000);
    const edits = fc.record({
      doc: fc.constantFrom(...base),
      at: fc.nat(),
      del: fc.nat({ max: 6 }),
      ins: fc.oneof(fc.constantFrom('', ',', ']', '}', '[', '{', '"', '\\', '\\"', ' ', 'null', '"results": []', '1e999', '\u2028', '\ud800'), fc.string({ maxLength: 4 })),
      chunk: fc.constantFrom(1, 2, 3, 13, 256, 4096),
    });
    fc.assert(
      fc.property(edits, ({ doc, at, del, ins, chunk }) => {
        const pos = at % (doc.text.length + 1);
        const text = doc.text.slice(0, pos) + ins + doc.text.slice(pos + del);
        expectSame(text, chunk);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('fuzz: random JSON documents with a results array', () => {
    const result = fc.record({ filename: fc.string(), test_id: fc.constantFrom('B101', 'B105', 'B602'), issue_severity: fc.constantFrom('LOW', 'HIGH', 'x'), issue_text: fc.string(), line_number: fc.integer(), code: fc.option(fc.string()) }, { requiredKeys: [] });
    const docs = fc.record({ errors: fc.array(fc.jsonValue(), { maxLength: 2 }), metrics: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }), results: fc.array(fc.oneof(result, fc.jsonValue()), { maxLength: 6 }), generated_at: fc.string() }, { requiredKeys: ['results'] });
    fc.assert(
      fc.property(docs, fc.constantFrom(1, 3, 64), fc.boolean(), (doc, chunk, pretty) => {
        const text = pretty ? JSON.stringify(doc, null, 2) : JSON.stringify(doc);
        const w = whole(text);
        const s = streamed(text, chunk);
        if (s !== undefined) expectSame(text, chunk);
        // Whatever has metadata beside its results is streamed (not given up on).
        if (!(w instanceof ReportParseError) && Object.keys(doc).length > 1) expect(s).toBeDefined();
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('reads invalid UTF-8 as the whole parse decodes it', () => {
    const r = { errors: [], results: [{ filename: 'a.py', test_id: 'B101', issue_severity: 'LOW', issue_text: 'X', line_number: 1 }] };
    const text = Buffer.from(JSON.stringify(r));
    const at = text.indexOf('X');
    const bad = Buffer.concat([text.subarray(0, at), Buffer.from([0xe2, 0x82]), text.subarray(at + 1)]);
    for (const chunk of [1, 2, 5]) expect(expectSame(bad, chunk)).toBe('streamed');
  });
});

// -----------------------------------------------------------------------------------------------
// The artifact's redacted copy, in pieces

function redactInPieces(text: string | Buffer, redaction: RawRedaction, chunk: number): string | false {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const r = new BanditReportRedactor(redaction);
  const out: Buffer[] = [];
  const buf = Buffer.alloc(chunk);
  for (let i = 0; i < bytes.length; i += chunk) {
    const n = bytes.copy(buf, 0, i, Math.min(bytes.length, i + chunk));
    for (const piece of r.push(buf.subarray(0, n))) out.push(Buffer.from(piece));
    buf.fill(0x21); // the reader reuses its buffer: a piece kept past its push would show this
  }
  return r.end() ? Buffer.concat(out).toString('utf8') : false;
}

describe('Bandit JSON redacted copy in pieces', () => {
  const withSecrets = BANDIT.filter((f) => /"B10[567]"/.test(f.text));

  it('has real reports with hard-coded passwords', () => {
    expect(withSecrets.length).toBeGreaterThanOrEqual(4);
  });

  it.each(withSecrets.map((f) => [f.name, f] as const))('%s: the same content as the one-piece redaction, other bytes untouched', (_name, f) => {
    const report = whole(f.text) as ParsedReport;
    const redaction = report.rawRedaction;
    expect(redaction?.indices.length).toBeGreaterThan(0);
    if (!redaction) return;
    const expected = JSON.parse(redactBanditReport(f.text)) as { results: unknown[] };
    const original = JSON.parse(f.text) as { results: unknown[] };
    for (const chunk of f.text.length > 100_000 ? [7, 4096, 1 << 20] : [1, 2, 7, 100, 4096, 1 << 20]) {
      const copy = redactInPieces(f.text, redaction, chunk);
      expect(copy).not.toBe(false);
      if (copy === false) return;
      expect(JSON.parse(copy)).toEqual(expected);
      // Outside the redacted results, the copy is the file byte for byte.
      const kept = (JSON.parse(copy) as { results: unknown[] }).results.filter((_, i) => !redaction.indices.includes(i));
      expect(kept).toEqual(original.results.filter((_, i) => !redaction.indices.includes(i)));
      expect(copy.slice(0, f.text.indexOf('"results"'))).toBe(f.text.slice(0, f.text.indexOf('"results"')));
    }
  });

  it('withholds the copy when the file no longer reads as it did when parsed', () => {
    const f = withSecrets[0] as (typeof withSecrets)[number];
    const redaction = (whole(f.text) as ParsedReport).rawRedaction as RawRedaction;
    expect(redactInPieces(f.text, { ...redaction, elements: redaction.elements + 1 }, 64)).toBe(false);
    expect(redactInPieces(f.text.slice(0, f.text.length - 10), redaction, 64)).toBe(false);
    expect(redactInPieces(f.text.replace('"results": [', '"results": [,'), redaction, 64)).toBe(false);
  });

  it('redacts a result whose bytes span many chunks, compact or indented', () => {
    const r = { errors: [], results: [{ filename: 'a.py', test_id: 'B101', issue_severity: 'LOW', issue_text: 'x', line_number: 1, code: 'a' }, { filename: 'a.py', test_id: 'B106', issue_severity: 'LOW', issue_text: "Possible hardcoded password: 'sup3rs3cret'", line_number: 2, code: `f(password="sup3rs3cret")${' '.repeat(500)}` }] };
    for (const text of [JSON.stringify(r), JSON.stringify(r, null, 4)]) {
      const redaction = (whole(text) as ParsedReport).rawRedaction as RawRedaction;
      expect(redaction.indices).toEqual([0, 1]);
      for (const chunk of [1, 3, 64, 200, 10_000]) {
        const copy = redactInPieces(text, redaction, chunk);
        expect(copy).not.toBe(false);
        expect(copy).not.toContain('sup3rs3cret');
        expect(JSON.parse(copy as string)).toEqual(JSON.parse(redactBanditReport(text)));
      }
    }
  });
});

describe('Bandit SARIF redacted copy in pieces', () => {
  const result = (ruleId: string | undefined, ruleIndex: number, message: string, snippets: string[]) => ({
    ...(ruleId ? { ruleId } : {}),
    ruleIndex,
    level: 'warning',
    message: { text: message },
    locations: snippets.map((s, i) => ({ physicalLocation: { artifactLocation: { uri: `app/m${i}.py` }, region: { startLine: 3 + i, startColumn: 5, snippet: { text: s } }, contextRegion: { startLine: 2 + i, endLine: 4 + i, snippet: { text: `x = 1\n${s}\ny = 2\n` } } } })),
    properties: { issue_severity: 'LOW', issue_confidence: 'MEDIUM' },
  });
  const rules = [
    { id: 'B101', name: 'assert_used' },
    { id: 'B105', name: 'hardcoded_password_string' },
    { id: 'B106', name: 'hardcoded_password_funcarg' },
    { id: 'B602', name: 'subprocess_popen_with_shell_equals_true' },
  ];
  const sarif = {
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Bandit', rules } },
        results: [
          result('B101', 0, 'Use of assert detected.', ['assert x']),
          result('B105', 1, "Possible hardcoded password: 'hunter22'", ['password = "hunter22"']),
          // a secret in the second location only
          result('B602', 3, 'subprocess call with shell=True', ['run(cmd, shell=True)', `token = "ghp_${'b'.repeat(30)}"`]),
        ],
      },
      // An empty run (a run without `results` is refused: SARIF says it did not complete).
      { tool: { driver: { name: 'Bandit', rules } }, results: [] },
      {
        tool: { driver: { name: 'Bandit', rules } },
        results: [
          // named by ruleIndex only: the parser knows it is B106
          result(undefined, 2, "Possible hardcoded password: 's3cr3tpw'", ['login(password="s3cr3tpw")']),
          result('B101', 0, 'Use of assert detected.', ['assert y']),
        ],
      },
    ],
  };

  it('notes the results to redact across runs and rewrites only those, whatever the chunk size', () => {
    for (const text of [JSON.stringify(sarif, null, 2), JSON.stringify(sarif)]) {
      const report = whole(text) as ParsedReport;
      expect(report.format).toBe('bandit-sarif');
      // Every result of the file that holds the passwords (app/a.py), rewritten with them scrubbed.
      expect(report.rawRedaction).toEqual({ format: 'bandit-sarif', arrays: 3, elements: 5, indices: [0, 1, 2, 3, 4] });
      const classic = JSON.parse(redactBanditReport(text)) as typeof sarif;
      for (const chunk of [1, 3, 64, 4096]) {
        const copy = redactInPieces(text, report.rawRedaction as RawRedaction, chunk);
        expect(copy).not.toBe(false);
        expect(copy).not.toMatch(/hunter22|s3cr3tpw|ghp_b/);
        const parsed = JSON.parse(copy as string) as typeof sarif;
        // Where the one-piece redaction knows the rule, both agree; it missed the ruleIndex-only
        // password. The results that only share the passwords' file are rewritten too (a SARIF
        // result's snippets whole): their code may quote a password's line.
        expect(parsed.runs[0]?.results?.slice(1)).toEqual(classic.runs[0]?.results?.slice(1));
        expect(parsed.runs[1]).toEqual(classic.runs[1]);
        expect(JSON.stringify(classic.runs[2])).toContain('s3cr3tpw');
        for (const r of [parsed.runs[0]?.results?.[0], parsed.runs[2]?.results?.[1]]) expect(JSON.stringify(r)).toContain('(redacted by security-gate: this code may hold a secret)');
      }
    }
  });

  it('copies a real report with nothing to redact byte for byte, and withholds one that changed', () => {
    const f = fixturesOf('bandit', 4 * 1024 * 1024).find((x) => x.name.endsWith('.sarif')) as { name: string; text: string };
    const redaction = (whole(f.text) as ParsedReport).rawRedaction as RawRedaction;
    expect(redaction).toMatchObject({ format: 'bandit-sarif', arrays: 1, elements: 1 });
    expect(redactInPieces(f.text, { ...redaction, indices: [0] }, 7)).not.toBe(false);
    expect(redactInPieces(f.text, redaction, 7)).toBe(f.text);
    expect(redactInPieces(f.text, { ...redaction, arrays: 2 }, 7)).toBe(false);
    expect(redactInPieces(f.text, { ...redaction, elements: 2 }, 7)).toBe(false);
  });
});

describe('Bandit SARIF read in pieces (two passes)', () => {
  const SARIF = fixturesOf('bandit', 4 * 1024 * 1024).filter((f) => f.name.endsWith('.sarif'));
  const multi = (runs: unknown[]) => JSON.stringify({ version: '2.1.0', runs }, null, 2);
  const rules = [{ id: 'B101', name: 'assert_used' }, { id: 'B105', name: 'hardcoded_password_string' }];
  const res = (ruleIndex: number, line: number, extra: Record<string, unknown> = {}) => ({
    ruleId: rules[ruleIndex]?.id,
    ruleIndex,
    message: { text: ruleIndex === 1 ? "Possible hardcoded password: 'pw1234'" : 'Use of assert detected.' },
    locations: [{ physicalLocation: { artifactLocation: { uri: 'a.py' }, region: { startLine: line, startColumn: 1, snippet: { text: 'assert x' } } } }],
    properties: { issue_severity: 'LOW', issue_confidence: 'HIGH' },
    ...extra,
  });
  // The results before the tool (rules) in the run: legal SARIF, and why the file is read twice.
  const resultsFirst = multi([
    { results: [res(0, 1), res(1, 2)], tool: { driver: { name: 'Bandit', rules } } },
    { tool: { driver: { name: 'Bandit', rules } }, results: [] },
    { tool: { driver: { name: 'Bandit', rules } }, results: [res(1, 3), res(0, 4)], invocations: [{ toolConfigurationNotifications: [{ message: { text: 'syntax error' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'b.py' } } }] }] }] },
  ]);

  it.each([...SARIF.map((f) => [f.name, f.text] as const), ['three runs, results before rules', resultsFirst] as const])('%s: the same report whatever the chunk size', (_name, text) => {
    for (const chunk of [1, 7, 4096]) expect(expectSame(text, chunk)).toBe('streamed');
    const r = streamed(text, 64) as ParsedReport;
    expect(r.format).toBe('bandit-sarif');
  });

  it('reports problems in file order, as the one-piece parse does', () => {
    // A bad result in run 0 comes before a bad run 1.
    const a = multi([{ tool: { driver: { name: 'Bandit', rules } }, results: [res(0, 1), { ruleIndex: 0 }] }, { tool: { driver: { name: 'Bandit', rules: 'x' } }, results: [] }]);
    expect(expectSame(a, 5)).toBe('streamed');
    expect((streamed(a, 5) as ReportParseError).where).toBe('$.runs[0].results[1].message.text');
    // A bad run 0 comes before its results.
    const b = multi([{ tool: { driver: { name: 'Bandit', rules: 'x' } }, results: [{ ruleIndex: 0 }] }]);
    expect(expectSame(b, 5)).toBe('streamed');
    expect((streamed(b, 5) as ReportParseError).where).toBe('$.runs[0].tool.driver.rules');
    // A run after the last results is still read.
    const c = multi([{ tool: { driver: { name: 'Bandit', rules } }, results: [res(0, 1)] }, { tool: { driver: { name: 'Bandit' } }, results: 7 }]);
    expect(expectSame(c, 5)).toBe('streamed');
    expect((streamed(c, 5) as ReportParseError).where).toBe('$.runs[1].results');
  });

  it('pass 1 guesses with nothing to confirm them; a wrong guess ends in the one-piece parse, never another report', () => {
    // A result whose nested object closes at the result's own indentation: pass 1 takes the wrong
    // end (it parses no result), pass 2 and the skeleton check catch it.
    const good = multi([{ results: [res(0, 1), res(1, 2)], tool: { driver: { name: 'Bandit', rules } } }]);
    const misled = good.replace('"properties": {\n            "issue_severity"', '"properties": {\n        }, "x": {\n            "issue_severity"');
    expect(misled).not.toBe(good);
    for (const chunk of [7, 1 << 20]) {
      expect(expectSame(good, chunk)).toBe('streamed');
      expectSame(misled, chunk);
    }
    // Found by the fuzz below with the checks taken out: two indentations taken away, and pass 1
    // read a different skeleton that still made a report.
    const lines = resultsFirst.split('\n');
    const newlines = (t: string) => [...t.matchAll(/\n */g)];
    let text = resultsFirst;
    for (const at of [242572448, 0]) {
      const nls = newlines(text);
      const m = nls[at % nls.length] as RegExpExecArray;
      text = `${text.slice(0, m.index)}\n${text.slice(m.index + m[0].length)}`;
    }
    expect(lines.length).toBeGreaterThan(10);
    expectSame(text, 1 << 20);
  });

  it('fuzz: SARIF reports with their layout mangled are streamed exactly as parsed whole, or given up on', () => {
    const base = [...SARIF.map((f) => f.text), resultsFirst];
    const edits = fc.array(fc.record({ at: fc.nat(), what: fc.constantFrom('\n', '\n        ', '\n          ', '\n        }', '\n        },', ' ', '', '\r\n', '\t', ',\n        {', '\n        {}') }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.constantFrom(...base), edits, fc.constantFrom(64, 1 << 20), (doc, mangle, chunk) => {
        let text = doc;
        for (const { at, what } of mangle) {
          const nls = [...text.matchAll(/\n */g)];
          const m = nls.length ? nls[at % nls.length] : undefined;
          if (m) text = text.slice(0, m.index) + what + text.slice((m.index as number) + m[0].length);
        }
        expectSame(text, chunk);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('fuzz: mutated SARIF reports are streamed exactly as parsed whole, or given up on', () => {
    const base = [...SARIF.map((f) => f.text), resultsFirst];
    fc.assert(
      fc.property(fc.constantFrom(...base), fc.nat(), fc.nat({ max: 6 }), fc.oneof(fc.constantFrom('', ',', ']', '}', '[', '{', '"', '\\', ' ', 'null', '"results": []', '"runs": []', '1'), fc.string({ maxLength: 4 })), fc.constantFrom(1, 3, 64, 4096), (doc, at, del, ins, chunk) => {
        const pos = at % (doc.length + 1);
        expectSame(doc.slice(0, pos) + ins + doc.slice(pos + del), chunk);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('Bandit SARIF with sorted keys (the tool named after the results)', () => {
  it('is streamed, the skeleton telling what it is', () => {
    const sorted = (v: unknown): unknown => (Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sorted(x)])) : v);
    const f = fixturesOf('bandit', 4 * 1024 * 1024).find((x) => x.name.endsWith('.sarif')) as { text: string };
    const value = sorted(JSON.parse(f.text)) as { runs: Array<{ results: unknown[] }> };
    const run = value.runs[0] as { results: unknown[] };
    run.results = Array.from({ length: 300 }, () => run.results[0]);
    const text = JSON.stringify(value, null, 2);
    expect(text.slice(0, 4096)).not.toMatch(/"name":\s*"Bandit"/);
    expect(expectSame(text, 512)).toBe('streamed');
    // Another tool's SARIF is given up on after the first pass; the whole read says what it is.
    const other = text.replace(/"name": "Bandit"/g, '"name": "Semgrep"');
    expect(streamed(other, 512)).toBeUndefined();
    expect((whole(other) as ReportParseError).reason).toMatch(/SARIF report from "Semgrep"/);
  });
});
