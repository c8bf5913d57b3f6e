/**
 * Property-based fuzzing (fast-check) of every report parser through `parseReport`, the policy file
 * and the waivers file. Inputs are derived from the real fixtures (truncated, type-swapped, deeply
 * nested, huge strings, `__proto__`/`constructor` keys as real own keys, non-JSON and edge numbers,
 * BOM, invalid UTF-8 decoded as the gate decodes it) plus fully random text.
 *
 * Properties, for every input:
 * - the result is a well-formed ParsedReport, or the error is a ReportParseError (`instanceof`; for
 *   the policy file a ConfigurationError, for the waivers file a WaiverFileError with line numbers);
 *   never a TypeError / RangeError / stack overflow;
 * - it terminates (inputs are bounded; the suite has a jest timeout);
 * - no built-in prototype gains a key, `({}).polluted` stays undefined;
 * - garbage is never a clean pass: a JSON or XML report cut short, a report holding `NaN` /
 *   `Infinity` literals, a JSON scalar or a random object at the top level, a text report cut in
 *   the middle of a line, random bytes: each is an error, never an (empty) report.
 *
 * Runs per property: FUZZ_RUNS (default 200 in CI; `FUZZ_RUNS=5000` locally). Replay a failure with
 * the seed fast-check prints: `FUZZ_SEED=<seed> FUZZ_RUNS=<n>`.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { ConfigurationError } from '../../src/config/schema.js';
import { readPolicyYaml, settingsWithPolicy } from '../../src/config/policy-file.js';
import { ReportParseError, SEVERITIES, type ParsedReport, type ToolId } from '../../src/reports/model.js';
import { parseReport } from '../../src/reports/registry.js';
import { parseWaivers } from '../../src/waivers/parse.js';
import { WaiverFileError } from '../../src/waivers/types.js';
import {
  addRawKey,
  assertNoPollution,
  DANGEROUS_KEYS,
  deepNesting,
  EDGE_NUMBERS,
  fixturesOf,
  HEAVY_RUNS,
  INVALID_UTF8,
  jsonPaths,
  NON_JSON_NUMBERS,
  objectPaths,
  POLLUTING_VALUES,
  prototypeSnapshot,
  RUNS,
  SEED,
  spliceRaw,
  type Fixture,
  type JsonPath,
} from './fuzz-helpers.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/runner.js';
import { answerWithin } from '../helpers/deadline.js';

const TOOLS = ['bandit', 'pip-audit', 'gitleaks', 'deptry', 'vulture', 'mutmut'] as const satisfies readonly ToolId[];
type Tool = (typeof TOOLS)[number];

/** fast-check parameters; `shrink: false` for the megabyte-sized inputs (shrinking them takes long). */
const params = (numRuns: number, shrink = true): fc.Parameters<unknown> => ({ numRuns, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: !shrink });

// ---------------------------------------------------------------------------------------------
// The checks every run goes through

type Outcome = { ok: true; report: ParsedReport } | { ok: false; error: ReportParseError };

function checkReport(tool: Tool, r: ParsedReport): void {
  expect(r.tool).toBe(tool);
  expect(typeof r.format).toBe('string');
  expect(Array.isArray(r.findings)).toBe(true);
  expect(Array.isArray(r.skipped)).toBe(true);
  expect(Array.isArray(r.scanErrors)).toBe(true);
  for (const [k, v] of Object.entries(r.stats)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`stats.${k} is not a finite number: ${String(v)}`);
  }
  for (const f of r.findings) {
    if (typeof f.ruleId !== 'string' || typeof f.title !== 'string' || typeof f.fingerprint !== 'string') throw new Error(`finding with a non-string id/title/fingerprint: ${JSON.stringify(f).slice(0, 300)}`);
    if (!SEVERITIES.includes(f.severity)) throw new Error(`finding with severity ${String(f.severity)}`);
    if (f.location) {
      if (typeof f.location.path !== 'string') throw new Error('location.path is not a string');
      for (const k of ['line', 'endLine', 'column', 'endColumn'] as const) {
        const v = f.location[k];
        if (v !== undefined && !Number.isFinite(v)) throw new Error(`location.${k} is not finite: ${String(v)}`);
      }
    }
  }
  // Everything downstream serialises the report: it must survive JSON.stringify.
  JSON.stringify(r);
}

/** Parse, classify, and assert the invariants that hold for every input. */
function run(tool: Tool, content: string, file = 'reports/fuzz.json'): Outcome {
  const before = prototypeSnapshot();
  let outcome: Outcome;
  try {
    const report = parseReport(tool, file, content);
    outcome = { ok: true, report };
  } catch (e) {
    if (!(e instanceof ReportParseError)) {
      throw new Error(`${tool}: not a ReportParseError: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e)}`, { cause: e });
    }
    expect(e.tool).toBe(tool);
    expect(e.file).toBe(file);
    expect(typeof e.where).toBe('string');
    expect(typeof e.reason).toBe('string');
    expect(e.reason.length).toBeGreaterThan(0);
    // A message, never a stack trace.
    expect(e.reason).not.toMatch(/\n\s+at /);
    outcome = { ok: false, error: e };
  }
  assertNoPollution(before);
  if (outcome.ok) checkReport(tool, outcome.report);
  return outcome;
}

function mustThrow(tool: Tool, content: string, why: string): void {
  const o = run(tool, content);
  if (o.ok) {
    throw new Error(`${tool}: ${why}: parsed as a clean ${o.report.format} report with ${o.report.findings.length} findings; input (first 300 chars): ${JSON.stringify(content.slice(0, 300))}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures, grouped by what they are

interface Base extends Fixture {
  kind: 'json' | 'xml' | 'text';
  /** Parsed value for JSON fixtures. */
  value?: unknown;
  /** How the unmutated fixture parses: a format, or undefined when the registry refuses it (CSV, JUnit gitleaks). */
  format?: string;
  findings: number;
  paths?: JsonPath[];
  objects?: JsonPath[];
}

function load(tool: Tool): Base[] {
  return fixturesOf(tool).map((f) => {
    const t = f.text.replace(/^\uFEFF/, '').trimStart();
    const kind: Base['kind'] = t.startsWith('{') || t.startsWith('[') ? 'json' : t.startsWith('<') ? 'xml' : 'text';
    const o = run(tool, f.text, `fixtures/${f.name}`);
    const base: Base = { ...f, kind, format: o.ok ? o.report.format : undefined, findings: o.ok ? o.report.findings.length : 0 };
    if (kind === 'json') {
      base.value = JSON.parse(t) as unknown;
      base.paths = jsonPaths(base.value);
      base.objects = objectPaths(base.value);
    }
    return base;
  });
}

const FIXTURES = Object.fromEntries(TOOLS.map((t) => [t, load(t)])) as Record<Tool, Base[]>;

/** Text formats with one item per line and a strict line grammar. */
const LINE_FORMATS = new Set(['vulture-text', 'mutmut3-results']);

const pick = <T>(items: readonly T[]): fc.Arbitrary<T> => fc.integer({ min: 0, max: items.length - 1 }).map((i) => items[i]!);

/** A JSON fixture and a path in it. */
function jsonPathArb(tool: Tool, which: 'paths' | 'objects' = 'paths'): fc.Arbitrary<{ fx: Base; path: JsonPath }> {
  const json = FIXTURES[tool].filter((f) => f.kind === 'json' && (f[which]?.length ?? 0) > 0);
  return pick(json).chain((fx) => pick(fx[which]!).map((path) => ({ fx, path })));
}

/** Values of every JSON type (and a few that look like what parsers expect), as JSON text. */
const swapValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('null', 'true', 'false', '0', '-1', '1.5', '""', '"HIGH"', '"high"', '"B105"', '[]', '{}', '[null]', '{"":null}', '"../../etc/passwd"', '"C:\\\\x.py"'),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s)),
  fc.integer().map(String),
);

describe.each(TOOLS)('%s parsers', (tool) => {
  const bases = FIXTURES[tool];
  const hasJson = bases.some((b) => b.kind === 'json');
  /** JSON mutations only where the tool has a JSON fixture (vulture is text only). */
  const itJson = hasJson ? it : it.skip;

  it('has fixtures, and every fixture parses or is refused with a ReportParseError', () => {
    expect(bases.length).toBeGreaterThan(0);
    // At least one fixture of the tool is a report the gate reads.
    expect(bases.some((b) => b.format !== undefined)).toBe(true);
  });

  it('a report cut short is an error, never a (smaller) clean report', () => {
    const cuttable = bases.filter((b) => b.text.trim().length > 2);
    fc.assert(
      fc.property(pick(cuttable), fc.double({ min: 0, max: 1, noNaN: true }), (b, frac) => {
        const body = b.text.trimEnd();
        const at = Math.max(1, Math.min(body.length - 1, Math.floor(frac * body.length)));
        const cut = body.slice(0, at);
        if (cut.trim() === '') return; // blank: the empty-file rules apply (tested below)
        if (b.kind === 'json' || b.kind === 'xml') {
          mustThrow(tool, cut, `${b.name} cut at ${at}/${body.length}`);
          return;
        }
        // Text: in the one-item-per-line formats (vulture, mutmut 3 results) a cut in the middle of a
        // line leaves a line that is not the grammar: an error. (mutmut 2's free-text diff bodies can
        // be cut anywhere; there, a cut report must not gain findings.)
        const lineEnd = body.indexOf('\n', at);
        const restOfLine = body.slice(at, lineEnd < 0 ? body.length : lineEnd).replace(/\r$/, '');
        const cutLine = cut.slice(cut.lastIndexOf('\n') + 1);
        const o = run(tool, cut);
        if (!o.ok) return;
        if (o.report.findings.length > b.findings) throw new Error(`${tool}: ${b.name} cut at ${at} gained findings`);
        if (LINE_FORMATS.has(b.format ?? '') && restOfLine.trim() !== '' && cutLine.trim() !== '') {
          throw new Error(`${tool}: ${b.name} cut mid-line at ${at} (${JSON.stringify(cutLine.slice(-80))}|${JSON.stringify(restOfLine.slice(0, 40))}) parsed as ${o.report.format} with ${o.report.findings.length} findings`);
        }
      }),
      params(RUNS),
    );
  });

  itJson('a value of another type at any JSON path: a report or a ReportParseError', () => {
    fc.assert(
      fc.property(jsonPathArb(tool), swapValue, ({ fx, path }, raw) => {
        run(tool, spliceRaw(fx.value, path, raw));
      }),
      params(RUNS),
    );
  });

  itJson('a field removed at any JSON path: a report or a ReportParseError', () => {
    fc.assert(
      fc.property(jsonPathArb(tool), ({ fx, path }) => {
        if (path.length === 0) return;
        const copy = structuredClone(fx.value) as Record<string | number, unknown>;
        let parent: Record<string | number, unknown> = copy;
        for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
        const last = path[path.length - 1]!;
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        run(tool, JSON.stringify(copy));
      }),
      params(RUNS),
    );
  });

  itJson('`__proto__`, `constructor` and other prototype keys as real own keys pollute nothing', () => {
    fc.assert(
      fc.property(jsonPathArb(tool, 'objects'), fc.constantFrom(...DANGEROUS_KEYS), fc.constantFrom(...POLLUTING_VALUES), ({ fx, path }, key, raw) => {
        const text = addRawKey(fx.value, path, key, raw);
        // The key really is an own key of the parsed JSON (not a prototype assignment).
        run(tool, text);
      }),
      params(RUNS),
    );
  });

  it('the whole report wrapped in / made of `__proto__` objects pollutes nothing', () => {
    const before = prototypeSnapshot();
    for (const text of [
      '{"__proto__":{"polluted":"yes"}}',
      '[{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}]',
      '{"results":[{"__proto__":{"polluted":"yes"}}],"errors":[],"metrics":{"__proto__":{"polluted":1}}}',
      '{"dependencies":[{"name":"x","version":"1","vulns":[{"id":"X","__proto__":{"polluted":"yes"}}]}]}',
      '{"runs":[{"tool":{"driver":{"name":"gitleaks","__proto__":{"polluted":"yes"}}},"results":[{"__proto__":{"polluted":"yes"}}]}]}',
    ]) {
      run(tool, text);
    }
    assertNoPollution(before);
  });

  it('non-JSON number literals (NaN, Infinity, hex …) are an error; edge numbers are handled', () => {
    const numeric = (fx: Base): JsonPath[] => fx.paths!.filter((p) => typeof fxValueAt(fx, p) === 'number');
    const withNumbers = bases.filter((b) => b.kind === 'json' && numeric(b).length > 0);
    if (withNumbers.length === 0) return;
    const arb = pick(withNumbers).chain((fx) => pick(numeric(fx)).map((path) => ({ fx, path })));
    fc.assert(
      fc.property(arb, fc.constantFrom(...NON_JSON_NUMBERS), ({ fx, path }, lit) => {
        mustThrow(tool, spliceRaw(fx.value, path, lit), `${fx.name} with ${lit} at ${JSON.stringify(path)}`);
      }),
      params(RUNS),
    );
    fc.assert(
      fc.property(arb, fc.constantFrom(...EDGE_NUMBERS), ({ fx, path }, lit) => {
        run(tool, spliceRaw(fx.value, path, lit));
      }),
      params(RUNS),
    );
    // Any JSON value position (not only numbers) with a non-JSON literal is garbage too.
    fc.assert(
      fc.property(jsonPathArb(tool), fc.constantFrom('NaN', 'Infinity', 'undefined', "'x'"), ({ fx, path }, lit) => {
        if (path.length === 0) return;
        mustThrow(tool, spliceRaw(fx.value, path, lit), `${fx.name} with ${lit} at ${JSON.stringify(path)}`);
      }),
      params(RUNS),
    );
  });

  itJson('deep nesting anywhere (arrays and objects, 1k to 200k levels): no stack overflow', () => {
    fc.assert(
      fc.property(jsonPathArb(tool), fc.integer({ min: 1000, max: 200_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'), ({ fx, path }, depth, kind) => {
        run(tool, spliceRaw(fx.value, path, deepNesting(depth, kind)));
      }),
      params(HEAVY_RUNS, false),
    );
    for (const kind of ['array', 'object'] as const) run(tool, deepNesting(500_000, kind));
    // Deep and cut short: the error locator must not recurse either.
    mustThrow(tool, '['.repeat(300_000), 'an unclosed 300k-deep array');
  });

  it('huge strings (up to 2 MB, with newlines, controls and workflow commands) in any string field', () => {
    const strings = (fx: Base): JsonPath[] => fx.paths!.filter((p) => typeof fxValueAt(fx, p) === 'string');
    const withStrings = bases.filter((b) => b.kind === 'json' && strings(b).length > 0);
    if (withStrings.length === 0) return;
    const arb = pick(withStrings).chain((fx) => pick(strings(fx)).map((path) => ({ fx, path })));
    const unit = fc.constantFrom('A', '\n', '::error::x\n', '\u0000', '\u202e', '%0A', '"', '\\', '<script>', '|', 'é', '😀', '\ud800');
    fc.assert(
      fc.property(arb, unit, fc.integer({ min: 10_000, max: 2_000_000 }), ({ fx, path }, u, size) => {
        run(tool, spliceRaw(fx.value, path, JSON.stringify(u.repeat(Math.ceil(size / u.length)))));
      }),
      params(HEAVY_RUNS, false),
    );
  });

  it('a long line of a text format (or one huge line of garbage) ends quickly', () => {
    for (const b of bases.filter((x) => x.kind === 'text' && x.text.trim() !== '')) {
      const first = b.text.split('\n').find((l) => l.trim() !== '') ?? '';
      // Regex backtracking bait: a very long line that almost matches. answerWithin stops a
      // parse that backtracks (jest's timeout cannot stop synchronous code).
      for (const text of [`${first.replace(/\)\s*$/, '')}${' ('.repeat(200_000)}\n`, `${'a:1: '.repeat(100_000)}\n`, `${first}\n${'x'.repeat(2_000_000)}\n`]) {
        expect(answerWithin(() => run(tool, text), 20_000)).not.toBe('hung');
      }
    }
  }, 120_000);

  it('a byte-order mark in front changes nothing', () => {
    fc.assert(
      fc.property(pick(bases), (b) => {
        const plain = run(tool, b.text);
        const bom = run(tool, `\uFEFF${b.text}`);
        expect(bom.ok).toBe(plain.ok);
        if (plain.ok && bom.ok) {
          expect(bom.report.format).toBe(plain.report.format);
          expect(bom.report.findings.length).toBe(plain.report.findings.length);
        }
      }),
      params(Math.min(RUNS, 50)),
    );
    // Two BOMs, or a BOM in the middle: garbage, or at worst the same report.
    for (const b of bases.filter((x) => x.kind === 'json')) mustThrow(tool, `\uFEFF\uFEFF${b.text}`, `${b.name} with two BOMs`);
  });

  it('invalid UTF-8 bytes anywhere, decoded as the gate decodes files (U+FFFD)', () => {
    fc.assert(
      fc.property(pick(bases), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...INVALID_UTF8), fc.integer({ min: 1, max: 4 }), (b, frac, bytes, times) => {
        const buf = Buffer.from(b.text, 'utf8');
        const at = Math.floor(frac * buf.length);
        const bad = Buffer.concat([buf.subarray(0, at), ...Array.from({ length: times }, () => Buffer.from(bytes)), buf.subarray(at)]);
        run(tool, bad.toString('utf8'));
      }),
      params(RUNS),
    );
    // A file that is only binary garbage is refused.
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 4096 }), (bytes) => {
        const text = Buffer.from(bytes).toString('utf8');
        const o = run(tool, text);
        // Random bytes that happen to be blank or a valid document are not garbage; anything else must be refused.
        if (o.ok && !/^[\s\uFEFF]*$/.test(text)) {
          const t = text.trim();
          if (!/^(\[\s*\]|null|\{\s*\})$/.test(t)) throw new Error(`${tool}: random bytes parsed as ${o.report.format}: ${JSON.stringify(text.slice(0, 200))}`);
        }
      }),
      params(RUNS),
    );
  });

  it('fully random text and random JSON: a report or a ReportParseError; scalars and foreign objects are refused', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 2000 }), fc.string({ unit: 'binary', maxLength: 2000 }), fc.lorem({ maxCount: 40 })), (text) => {
        run(tool, text);
      }),
      params(RUNS),
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        run(tool, JSON.stringify(v));
      }),
      params(RUNS),
    );
    // Top-level JSON scalars (gitleaks 7's `null` aside) are never a report.
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 50 }).map((s) => JSON.stringify(s)), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.boolean().map(String)), (text) => {
        if (!/^\s*[-"\dtf]/.test(text)) return;
        mustThrow(tool, text, 'a top-level JSON scalar');
      }),
      params(RUNS),
    );
    // An object whose keys are none of any format's: refused.
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).map((k) => `zz-${k}`), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 6 }), (obj) => {
        mustThrow(tool, JSON.stringify(obj), 'an object with unknown keys');
      }),
      params(RUNS),
    );
  });

  it('empty and blank files follow the empty-file rule (an error, except the formats that write nothing)', () => {
    for (const text of ['', ' ', '\n\n', '\uFEFF', '\uFEFF\n', '\t\r\n']) {
      const o = run(tool, text);
      // mutmut 3 and vulture write nothing when there is nothing to report; everything else must be refused.
      if (o.ok) expect(['mutmut', 'vulture']).toContain(tool);
    }
  });
});

function fxValueAt(fx: Base, p: JsonPath): unknown {
  let v = fx.value;
  for (const k of p) v = (v as Record<string | number, unknown>)[k];
  return v;
}

// ---------------------------------------------------------------------------------------------
// The policy file: readPolicyYaml + the settings schema. Only ConfigurationError.

const POLICY = `phase: auto
phase-2-from: 2026-12-23
phase-2-tools: [gitleaks]
critical-paths: ['**/auth/**', 'src/payments/**']
on-missing-report: warn
unknown-severity: high
thresholds:
  bandit:
    default: { high: warn, medium: warn, low: info }
    critical-path: { high: block, medium: block }
    phase-1: { default: { medium: info } }
  pip-audit:
    default: { critical: block, high: block, medium: warn, low: info }
`;

function runPolicy(text: string): void {
  const before = prototypeSnapshot();
  try {
    settingsWithPolicy({}, { text, file: '.github/security-gate.yml' });
  } catch (e) {
    if (!(e instanceof ConfigurationError)) {
      throw new Error(`policy file: not a ConfigurationError: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e)}\ninput: ${JSON.stringify(text.slice(0, 300))}`, { cause: e });
    }
    expect(e.message).toMatch(/^\.github\/security-gate\.yml:\d+|^[a-z0-9-]+[:.]/);
    expect(e.message).not.toMatch(/\n\s+at /);
  }
  assertNoPollution(before);
}

describe('the policy file', () => {
  it('the example policy parses', () => {
    expect(readPolicyYaml(POLICY, 'p.yml').values).toHaveProperty('phase', 'auto');
    runPolicy(POLICY);
  });

  it('cut short anywhere: settings or a ConfigurationError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: POLICY.length }), (at) => runPolicy(POLICY.slice(0, at))),
      params(RUNS),
    );
  });

  it('any line replaced by garbage, a type swap or a dangerous key', () => {
    const lines = POLICY.split('\n');
    const replacement = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom(
        '__proto__: { polluted: yes }',
        'constructor: { prototype: { polluted: yes } }',
        '  __proto__: { polluted: yes }',
        '    __proto__: block',
        'thresholds: { __proto__: { default: { high: block } } }',
        'thresholds: { bandit: { __proto__: { high: block } } }',
        'thresholds: { bandit: { default: { __proto__: block } } }',
        'phase: [1, 2]',
        'phase: .nan',
        'phase: .inf',
        'retention-days: 1e999',
        'retention-days: .nan',
        'severity-budget-seconds: -.inf',
        'phase-2-from: 2026-02-30',
        'critical-paths: { a: b }',
        'a: &a [*a]',
        '!!js/function "function(){}"',
        'x: !!binary AAAA',
        '<<: { polluted: yes }',
        '- just a list',
        '"\\u0000": 1',
      ),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: lines.length - 1 }), replacement, (i, line) => {
        const copy = [...lines];
        copy[i] = line;
        runPolicy(copy.join('\n'));
      }),
      params(RUNS),
    );
  });

  it('random YAML documents (from random JSON), deep nesting, alias bombs, huge strings', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => runPolicy(JSON.stringify(v))),
      params(RUNS),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => runPolicy(s)),
      params(RUNS),
    );
    runPolicy(`thresholds: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    runPolicy(`thresholds: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    runPolicy(bomb.join('\n'));
    runPolicy(`phase: "${'x'.repeat(3_000_000)}"\n`);
    runPolicy(`\uFEFF${POLICY}`);
    runPolicy(Buffer.concat([Buffer.from(POLICY.slice(0, 20)), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from(POLICY.slice(20))]).toString('utf8'));
  });

  it('a `__proto__` key in the policy file is a plain key: it sets nothing and pollutes nothing', () => {
    for (const text of ['__proto__: { phase: "2" }\n', 'thresholds:\n  __proto__: { default: { high: block } }\n', 'constructor: { phase: "2" }\n']) runPolicy(text);
    const layer = (() => {
      try {
        return readPolicyYaml('__proto__:\n  polluted: yes\n', 'p.yml');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigurationError);
        return undefined;
      }
    })();
    if (layer) expect(Object.getPrototypeOf(layer.values)).toBeNull();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// The waivers file: only WaiverFileError, every problem with a line inside the file.

const WAIVERS_MD = readFileSync(join(REPO_ROOT, 'examples/governance/security-waivers.md'), 'utf8');
const WAIVERS_YAML = [
  '# security waivers',
  'waivers:',
  '  - id: W-1',
  '    tool: pip-audit',
  '    match: { id: GHSA-2xpw-w6gg-jr37, package: urllib3 }',
  '    reason: dependency update blocked',
  '    rationale: "boto pins urllib3 < 2 | see issue"',
  '    owner: "@alice"',
  '    approvers: ["@bob", "@carol"]',
  '    approved: 2026-11-20',
  '    expires: 2026-12-20',
  '  - id: W-2',
  '    tool: gitleaks',
  '    match: rule=generic-api-key path=tests/fixtures/**',
  '    reason: false-positive',
  '    rationale: fake keys for the parser tests',
  '    owner: alice',
  '    approvers: bob',
  '    approved: 2026-11-20',
  '    expires: 2026-12-20',
  '    verified-not-secret: true',
  '',
].join('\n');

function runWaivers(text: string, file: string): void {
  const before = prototypeSnapshot();
  try {
    const ws = parseWaivers(text, file);
    expect(Array.isArray(ws)).toBe(true);
    for (const w of ws) {
      expect(typeof w.tool).toBe('string');
      expect(Number.isInteger(w.source.line)).toBe(true);
      JSON.stringify(w);
    }
  } catch (e) {
    if (!(e instanceof WaiverFileError)) {
      throw new Error(`waivers: not a WaiverFileError: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e)}\ninput: ${JSON.stringify(text.slice(0, 300))}`, { cause: e });
    }
    expect(e.problems.length).toBeGreaterThan(0);
    const lineCount = text.split('\n').length;
    for (const p of e.problems) {
      if (!Number.isInteger(p.line) || p.line < 1 || p.line > lineCount + 1) throw new Error(`waivers: problem line ${p.line} outside 1..${lineCount + 1}: ${p.message}`, { cause: e });
      expect(typeof p.message).toBe('string');
    }
  }
  assertNoPollution(before);
}

describe('the waivers file', () => {
  const docs: Array<{ file: string; text: string }> = [
    { file: 'docs/governance/security-waivers.md', text: WAIVERS_MD },
    { file: '.github/waivers.yml', text: WAIVERS_YAML },
  ];

  it('the examples parse', () => {
    expect(parseWaivers(WAIVERS_MD, 'w.md').length).toBeGreaterThan(0);
    expect(parseWaivers(WAIVERS_YAML, 'w.yml').length).toBe(2);
  });

  it('cut short anywhere', () => {
    fc.assert(
      fc.property(pick(docs), fc.double({ min: 0, max: 1, noNaN: true }), (d, frac) => runWaivers(d.text.slice(0, Math.floor(frac * d.text.length)), d.file)),
      params(RUNS),
    );
  });

  it('a line replaced: garbage, a dangerous key, a huge cell, controls, a broken table row', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.constantFrom(
        '| __proto__ | constructor | prototype | polluted | x | y | z | 2026-11-20 | 2026-12-20 | | | |',
        '| id | __proto__ | match | reason | rationale | owner | approvers | approved | expires |',
        '| W-9 | bandit | `__proto__=1 constructor=2 test=B101 path=x` | fp | r | @a | @b | 2026-11-20 | 2026-12-20 | | | |',
        '| W-9 | bandit | test=B101 path=x | fp | r | @a | @b | 2026-02-30 | 9999-99-99 | | | |',
        '    match: { __proto__: { polluted: yes }, id: X }',
        '  - __proto__: { polluted: yes }',
        '    constructor: { prototype: { polluted: yes } }',
        '    expires: .nan',
        '    approved: 1e999',
        '    approvers: { __proto__: x }',
        '```yaml',
        '```',
        '<!--',
        '-->',
        '|',
        '||||||||||||||||||||||||||||||||||||||||||||||||',
        '| \\| \\| \\| |',
        '\u0000\u202e\r',
      ),
      fc.integer({ min: 1000, max: 500_000 }).map((n) => `| W-9 | bandit | test=B101 path=${'x'.repeat(n)} | fp | r | @a | @b | 2026-11-20 | 2026-12-20 | | | |`),
    );
    fc.assert(
      fc.property(pick(docs), fc.nat(), line, fc.boolean(), (d, i, l, insert) => {
        const lines = d.text.split('\n');
        const at = i % lines.length;
        if (insert) lines.splice(at, 0, l);
        else lines[at] = l;
        runWaivers(lines.join('\n'), d.file);
      }),
      params(RUNS),
    );
  });

  it('random text, deep nesting, BOM, invalid UTF-8, huge files', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 1000 }), fc.boolean(), (s, yml) => runWaivers(s, yml ? 'w.yml' : 'w.md')),
      params(RUNS),
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => runWaivers(JSON.stringify({ waivers: v }), 'w.yml')),
      params(RUNS),
    );
    for (const d of docs) {
      runWaivers(`\uFEFF${d.text}`, d.file);
      const buf = Buffer.from(d.text);
      runWaivers(Buffer.concat([buf.subarray(0, 300), Buffer.from([0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80]), buf.subarray(300)]).toString('utf8'), d.file);
    }
    runWaivers(`waivers: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'w.yml');
    runWaivers(`waivers:\n  - match: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`, 'w.yml');
    runWaivers(['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 10 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`), 'waivers: *k'].join('\n'), 'w.yml');
    const row = WAIVERS_MD.split('\n').find((l) => l.startsWith('| SW-101'))!;
    runWaivers(`${WAIVERS_MD}\n${Array.from({ length: 20_000 }, (_, i) => row.replace('SW-101', `SW-${i}`)).join('\n')}\n`, 'w.md');
    runWaivers(`${'```\n'.repeat(10_000)}`, 'w.md');
  });

  it('YAML waivers from random structures keep prototypes clean', () => {
    const before = prototypeSnapshot();
    for (const text of ['waivers:\n  - __proto__: { polluted: yes }\n    tool: bandit\n', '__proto__: { waivers: [] }\n', 'waivers: { __proto__: [] }\n']) runWaivers(text, 'w.yml');
    expect(parseYaml('__proto__: 1') as unknown).toBeDefined();
    assertNoPollution(before);
  });
});
