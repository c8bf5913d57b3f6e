/**
 * Local performance check, NOT a timed test (skipped unless BENCH=1; it asserts nothing about time):
 *   BENCH=1 npm test -- __tests__/reports/registry-perf
 * Builds an ~68 MB / 80,000-result Bandit JSON in the temp dir by repeating the real results of a
 * corpus report (under distinct file names, so nothing is a duplicate), then prints the best of N
 * runs of a bare JSON.parse and of parseReport('bandit') on the same text, and their ratio.
 * BENCH_SOURCE picks the fixture (default AndrewAltimit__template-repo, ≈ 860 B/result like the
 * 78k-result report in FORMATS.md; BahzingaDev__bandit-demo results are ≈ 2.2 KB each).
 */
import { describe, expect, it } from '@jest/globals';
import { parseReport } from '../../src/reports/registry.js';
import { readFixture } from './registry-helpers.js';

const run = process.env.BENCH === '1' ? it : it.skip;

function buildReport(sourceRel: string, count: number): string {
  const src = JSON.parse(readFixture('bandit', sourceRel)) as { results: Record<string, unknown>[]; generated_at: string };
  const results: Record<string, unknown>[] = [];
  const metrics: Record<string, unknown> = { _totals: { loc: 1, nosec: 0, skipped_tests: 0 } };
  for (let copy = 0; results.length < count; copy++) {
    for (const r of src.results) {
      if (results.length >= count) break;
      const filename = `copy${copy}/${String(r.filename)}`;
      results.push({ ...r, filename });
      metrics[filename] = { loc: 100, nosec: 0, skipped_tests: 0 };
    }
  }
  return JSON.stringify({ errors: [], generated_at: src.generated_at, metrics, results }, null, 2);
}

describe('Bandit parse performance (local check)', () => {
  run('parses an 80k-result report in about 1.5x a bare JSON.parse', () => {
    const source = process.env.BENCH_SOURCE ?? 'AndrewAltimit__template-repo/bandit-report.json';
    const text = buildReport(source, Number(process.env.BENCH_RESULTS ?? 80000));
    const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
    let bare = Infinity;
    let full = Infinity;
    let findings = 0;
    JSON.parse(text);
    parseReport('bandit', 'bench.json', text);
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      JSON.parse(text);
      bare = Math.min(bare, performance.now() - t);
      t = performance.now();
      findings = parseReport('bandit', 'bench.json', text).findings.length;
      full = Math.min(full, performance.now() - t);
    }
    console.log(
      `${process.version}: ${(text.length / 1e6).toFixed(1)} M chars, ${findings} findings; best of ${rounds}: ` +
        `JSON.parse ${bare.toFixed(0)} ms, parseReport ${full.toFixed(0)} ms, ratio ${(full / bare).toFixed(2)}`,
    );
    expect(findings).toBeGreaterThan(0);
  });
});
