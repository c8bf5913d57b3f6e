/**
 * Golden files for the gitleaks, deptry, vulture and mutmut parser tests (shared by the four).
 * `x.json` -> `x.expected.json`; other extensions keep theirs (`gitleaks.sarif` ->
 * `gitleaks.sarif.expected.json`) so a `.json` and a `.sarif` of one scan do not share a golden.
 * UPDATE_GOLDEN=1 rewrites them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import type { ParsedReport } from '../../src/reports/model.js';
import { FIXTURES, goldenView } from './registry-helpers.js';

export function goldenPath(tool: string, rel: string): string {
  const base = rel.endsWith('.json') ? rel.slice(0, -'.json'.length) : rel;
  return join(FIXTURES, tool, `${base}.expected.json`);
}

export function expectGoldenFile(tool: string, rel: string, r: ParsedReport): void {
  const golden = goldenPath(tool, rel);
  const view = goldenView(r);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(golden, `${JSON.stringify(view, null, 2)}\n`);
    return;
  }
  if (!existsSync(golden)) throw new Error(`golden file missing: ${golden} (run the tests with UPDATE_GOLDEN=1 and review it)`);
  expect(view).toEqual(JSON.parse(readFileSync(golden, 'utf8')));
}
