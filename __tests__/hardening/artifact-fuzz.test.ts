/**
 * Property-based fuzzing (fast-check) of what the promotion action reads from earlier runs: the
 * artifact zip (readZipEntry) and the gate's result file in it (readGateResult). Artifacts come
 * from runs of a workflow, so a run that was tampered with, or a bug, can leave anything there.
 *
 * Properties: a zip cut short, with bytes changed, or of random bytes is a reason in words or the
 * entry's text, never a throw; the text given back is never longer than the limit asked for; a
 * result with any field swapped for another type, a dangerous key or a non-JSON number is data or a
 * reason naming the place, never a throw, and pollutes nothing. Runs: FUZZ_RUNS (200 in CI).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readGateResult } from '../../src/promotion/result-read.js';
import { readZipEntry } from '../../src/promotion/zip.js';
import { gateResult } from '../promotion/helpers/factory.js';
import { zipOf } from '../promotion/helpers/fake-github.js';
import { addRawKey, assertNoPollution, DANGEROUS_KEYS, EDGE_NUMBERS, jsonPaths, NON_JSON_NUMBERS, objectPaths, POLLUTING_VALUES, prototypeSnapshot, RUNS, SEED, spliceRaw } from './fuzz-helpers.js';

const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, ...(SEED !== undefined ? { seed: SEED } : {}) });
const FILE = 'security-gate-result.json';
const LIMIT = 64 * 1024;

const RESULT = gateResult({
  bandit: { findings: [{ fingerprint: 'b1', severity: 'high' }, { fingerprint: 'b2', severity: 'low', waived: { id: 'W-1', owner: '@a', reasonCategory: 'false-positive' } }] },
  'pip-audit': { findings: [{ fingerprint: 'p1', severity: 'critical' }] },
});
const RESULT_TEXT = JSON.stringify(RESULT, null, 1);
const ZIP = zipOf({ [FILE]: RESULT_TEXT, 'security-gate-summary.md': '# summary', 'reports/bandit.json': '{"results": []}' });

function checkZipOutcome(r: ReturnType<typeof readZipEntry>): void {
  if (r.ok) {
    expect(typeof r.text).toBe('string');
    expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(LIMIT * 3); // decoded bytes of at most LIMIT (U+FFFD is 3 bytes)
  } else {
    expect(typeof r.reason).toBe('string');
    expect(r.reason.length).toBeGreaterThan(0);
  }
}

describe('the artifact zip', () => {
  it('the untouched artifact gives the result text', () => {
    expect(readZipEntry(ZIP, FILE, LIMIT)).toEqual({ ok: true, text: RESULT_TEXT, path: FILE });
  });

  it('cut short, bytes changed, or random bytes: the text or a reason, never a throw', () => {
    const mutated = fc.oneof(
      fc.nat({ max: ZIP.length }).map((n) => ZIP.slice(0, n)),
      fc.array(fc.tuple(fc.nat({ max: ZIP.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
        const z = Uint8Array.from(ZIP);
        for (const [at, b] of edits) z[at] = b;
        return z;
      }),
      fc.uint8Array({ maxLength: 4096 }),
    );
    fc.assert(
      fc.property(mutated, (zip) => {
        checkZipOutcome(readZipEntry(zip, FILE, LIMIT));
      }),
      params(RUNS),
    );
  });

  it('entry names that try to confuse the reader: a reason (ambiguous, missing) or the shallowest entry', () => {
    const names = fc.uniqueArray(fc.constantFrom(FILE, `a/${FILE}`, `b/${FILE}`, `a\\${FILE}`, `../${FILE}`, `${FILE}/`, `x${FILE}`, `${FILE}.bak`, `/${FILE}`, 'other.json'), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(names, (ns) => {
        const files: Record<string, string> = {};
        for (const n of ns) files[n] = `{"from": ${JSON.stringify(n)}}`;
        let zip: Uint8Array;
        try {
          zip = zipOf(files);
        } catch {
          return; // fflate refuses the name itself
        }
        const r = readZipEntry(zip, FILE, LIMIT);
        checkZipOutcome(r);
        if (r.ok) expect(JSON.parse(r.text)).toEqual({ from: r.path });
      }),
      params(RUNS),
    );
  });
});

describe('the result file in it', () => {
  const paths = jsonPaths(RESULT);
  const objects = objectPaths(RESULT);
  const raw = fc.constantFrom('null', 'true', '0', '-1', '""', '"x"', '[]', '{}', '[[[[]]]]', ...NON_JSON_NUMBERS, ...EDGE_NUMBERS, ...POLLUTING_VALUES);

  function check(text: string, before: string): void {
    const r = readGateResult(text, FILE);
    if (r.ok) {
      expect(Array.isArray(r.data.tools)).toBe(true);
      for (const t of r.data.tools) expect(typeof t.tool).toBe('string');
    } else {
      expect(r.reason.startsWith(FILE)).toBe(true);
    }
    assertNoPollution(before);
  }

  it('the untouched result reads', () => {
    expect(readGateResult(RESULT_TEXT, FILE).ok).toBe(true);
  });

  it('any value swapped for another type, a non-JSON number or a polluting object', () => {
    const before = prototypeSnapshot();
    fc.assert(
      fc.property(fc.constantFrom(...paths), raw, (p, v) => check(spliceRaw(RESULT, p, v), before)),
      params(RUNS),
    );
  });

  it('a dangerous key added to any object', () => {
    const before = prototypeSnapshot();
    fc.assert(
      fc.property(fc.constantFrom(...objects), fc.constantFrom(...DANGEROUS_KEYS), fc.constantFrom(...POLLUTING_VALUES), (p, k, v) => check(addRawKey(RESULT, p, k, v), before)),
      params(RUNS),
    );
  });

  it('cut short anywhere: a reason, never data', () => {
    fc.assert(
      fc.property(fc.nat({ max: RESULT_TEXT.length - 1 }), (n) => {
        const r = readGateResult(RESULT_TEXT.slice(0, n), FILE);
        expect(r.ok).toBe(false);
      }),
      params(RUNS),
    );
  });
});
