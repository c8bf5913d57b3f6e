/** Shared by the report parser tests: fixture listing and golden files (`x.json` -> `x.expected.json`). */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@jest/globals';
import { ReportParseError, type ParsedReport } from '../../src/reports/model.js';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Report fixtures of one tool as `<owner>__<repo>/<file>` (goldens excluded), sorted. */
export function listFixtures(tool: string): string[] {
  const root = join(FIXTURES, tool);
  const out: string[] = [];
  for (const dir of readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(root, dir.name))) {
      if (f.endsWith('.expected.json')) continue;
      out.push(`${dir.name}/${f}`);
    }
  }
  return out.sort();
}

export function readFixture(tool: string, rel: string): string {
  return readFileSync(join(FIXTURES, tool, rel), 'utf8');
}

function countBy<T>(items: T[], key: (t: T) => string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) {
    const k = key(it) ?? '(none)';
    out[k] = (out[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function countSeverities(r: ParsedReport): Record<string, number> {
  return countBy(r.findings, (f) => f.severity);
}

export function countConfidences(r: ParsedReport): Record<string, number> {
  return countBy(r.findings, (f) => f.confidence);
}

/** A compact, stable view of a parsed report: counts and the first 5 findings. */
export function goldenView(r: ParsedReport): unknown {
  const view = {
    tool: r.tool,
    format: r.format,
    toolVersion: r.toolVersion ?? null,
    findings: r.findings.length,
    bySeverity: countSeverities(r),
    byConfidence: countConfidences(r),
    stats: Object.fromEntries(Object.entries(r.stats).sort(([a], [b]) => a.localeCompare(b))),
    skipped: r.skipped.length,
    firstSkipped: r.skipped.slice(0, 3),
    scanErrors: r.scanErrors.length,
    firstScanErrors: r.scanErrors.slice(0, 3),
    firstFindings: r.findings.slice(0, 5),
  };
  return JSON.parse(JSON.stringify(view)) as unknown;
}

/** Compare with `<fixture minus extension>.expected.json`; UPDATE_GOLDEN=1 rewrites it. */
export function expectGolden(tool: string, rel: string, r: ParsedReport, golden = join(FIXTURES, tool, rel.replace(/\.[^./]+$/, '') + '.expected.json')): void {
  const view = goldenView(r);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(golden, `${JSON.stringify(view, null, 2)}\n`);
    return;
  }
  if (!existsSync(golden)) throw new Error(`golden file missing: ${golden} (run the tests with UPDATE_GOLDEN=1 and review it)`);
  expect(view).toEqual(JSON.parse(readFileSync(golden, 'utf8')));
}

/** The ReportParseError a call throws (fails the test when it throws something else or nothing). */
export function errorOf(fn: () => unknown): ReportParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReportParseError) return e;
    throw e;
  }
  throw new Error('expected a ReportParseError');
}
