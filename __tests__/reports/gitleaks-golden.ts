/**
 * Golden files for the gitleaks, deptry, vulture and mutmut parser tests (shared by the four).
 * `x.json` -> `x.expected.json`; other extensions keep theirs (`gitleaks.sarif` ->
 * `gitleaks.sarif.expected.json`) so a `.json` and a `.sarif` of one scan do not share a golden.
 * UPDATE_GOLDEN=1 rewrites them.
 */
import { join } from 'node:path';
import type { ParsedReport } from '../../src/reports/model.js';
import { expectGolden, FIXTURES } from './registry-helpers.js';

export function goldenPath(tool: string, rel: string): string {
  const base = rel.endsWith('.json') ? rel.slice(0, -'.json'.length) : rel;
  return join(FIXTURES, tool, `${base}.expected.json`);
}

export function expectGoldenFile(tool: string, rel: string, r: ParsedReport): void {
  expectGolden(tool, rel, r, goldenPath(tool, rel));
}
