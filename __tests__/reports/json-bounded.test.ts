/**
 * Reports that would take gigabytes to parse (found while reading the notes of a review: 50 MB of
 * `[],` under a key the parser ignores took 1.5 GB and 14 s, and 486 MiB of them ran the process
 * out of memory, a crash naming no file). JSON.parse builds every value at once, so a text of
 * more than MAX_JSON_VALUES values is refused before it is parsed, with its place in the file,
 * whether it is read whole or in pieces.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings } from '../../src/config/schema.js';
import { runEngine } from '../../src/engine/run.js';
import { MAX_JSON_VALUES, parseJsonBounded, valueLimitOffset } from '../../src/reports/json.js';
import { ReportParseError } from '../../src/reports/model.js';
import { openReportStream, parseReport } from '../../src/reports/registry.js';

describe('valueLimitOffset', () => {
  it('gives the place of the first `[`, `{` or `,` past the limit, strings included', () => {
    expect(valueLimitOffset('[1,{"a":[2]}]', 4)).toBe(-1);
    expect(valueLimitOffset('[1,{"a":[2]}]', 3)).toBe(8);
    expect(valueLimitOffset('["[,{"]', 3)).toBe(4);
    expect(valueLimitOffset('"plain"', 0)).toBe(-1);
    expect(valueLimitOffset('', 0)).toBe(-1);
  });
  it('parseJsonBounded parses what is under the limit as JSON.parse does', () => {
    expect(parseJsonBounded('{"a":[1,2,{"b":null}]}')).toEqual({ a: [1, 2, { b: null }] });
    expect(() => parseJsonBounded('[1,')).toThrow(SyntaxError);
  });
});

/** A Bandit report, valid but for the size of one key the parser ignores. */
function bloated(where: 'skeleton' | 'result'): string {
  const head = '{"errors":[],"generated_at":"2024-01-01T00:00:00Z","metrics":{"_totals":{}},"results":[';
  // Two values each: `[` and `,`.
  const many = '[],'.repeat(MAX_JSON_VALUES / 2 + 1000) + '[]';
  if (where === 'skeleton') return `${head}],"x":[${many}]}`;
  const result = '{"code":"x","filename":"a.py","issue_confidence":"HIGH","issue_severity":"HIGH","issue_text":"t","line_number":1,"line_range":[1],"more_info":"m","test_id":"B101","test_name":"n","x":[';
  return `${head}${result}${many}]}]}`;
}

/** The 1-based column of the first `[`, `{` or `,` past MAX_JSON_VALUES, by a plain loop. */
function columnPastLimit(text: string): number {
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ((c === '[' || c === '{' || c === ',') && seen++ === MAX_JSON_VALUES) return i + 1;
  }
  return -1;
}

describe('a report of too many values', () => {
  it('read whole: refused with its line and column, not parsed', () => {
    const text = bloated('skeleton');
    const column = columnPastLimit(text);
    expect(column).toBeGreaterThan(0);
    let error: unknown;
    try {
      parseReport('bandit', 'reports/bandit.json', text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReportParseError);
    expect((error as ReportParseError).message).toBe(
      `bandit: reports/bandit.json: line 1, column ${column}: more than 8,000,000 arrays, objects and values: too many to read safely (a real report holds about 25,000 per MB; this one would take gigabytes of memory)`,
    );
  });

  it('read in pieces: the stream gives up as soon as the skeleton is past the limit, for the whole read to refuse it', () => {
    const bytes = Buffer.from(bloated('skeleton'));
    const s = openReportStream('bandit', 'bandit.json', Buffer.from(bytes.subarray(0, 1 << 20)))!;
    expect(s).toBeDefined();
    let pushed = 0;
    for (let i = 0; i < bytes.length && !s.abandoned; i += 1 << 20) {
      s.push(bytes.subarray(i, Math.min(bytes.length, i + (1 << 20))));
      pushed = i + (1 << 20);
    }
    // Given up when counted past the limit (the last chunk here), not held and parsed.
    expect(s.abandoned).toBe(true);
    expect(pushed).toBeGreaterThan(0);
    expect(s.end()).toBeUndefined();
  });

  it('through the engine, as the action reads it, too many in one result: the tool is an error naming the file and place', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'sg-bounded-'));
    try {
      const text = bloated('result');
      await writeFile(join(ws, 'bandit.json'), text);
      const run = await runEngine(parseSettings([{ 'bandit-report': 'bandit.json', phase: '2' }]), { workspace: ws, now: new Date() });
      const bandit = run.result.tools.find((t) => t.tool === 'bandit')!;
      expect(bandit.status).toBe('error');
      expect(run.result.verdict).toBe('error');
      expect(JSON.stringify(run.result)).toContain(`bandit.json: line 1, column ${columnPastLimit(text)}: more than 8,000,000 arrays, objects and values`);
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  }, 60_000);
});
