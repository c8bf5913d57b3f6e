/**
 * Golden files: every case in cases.ts rendered to golden/<case>.md (step summary) and
 * golden/<case>.txt (terminal). Rewrite them with UPDATE_GOLDEN=1 and review the diff.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSummary } from '../../src/render/summary.js';
import { renderTerminal } from '../../src/render/terminal.js';
import { CASES } from './cases.js';
import { markdownProblems } from './helpers.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function golden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (update || !existsSync(path)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
    if (!update) throw new Error(`golden file ${file} was missing and has been written: review it and re-run`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe.each(Object.entries(CASES))('golden %s', (name, make) => {
  it('renders the step summary', () => {
    const c = make();
    const md = renderSummary(c.result, c.summary ?? {});
    expect(markdownProblems(md)).toEqual([]);
    golden(`${name}.md`, md);
  });
  it('renders the terminal text', () => {
    const c = make();
    const txt = renderTerminal(c.result, { artifactName: c.summary?.artifactName, reproduceCommand: c.summary?.reproduceCommand });
    expect(txt).not.toContain('\u001b');
    golden(`${name}.txt`, txt);
  });
});
