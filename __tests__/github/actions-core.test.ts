/** The gate's small runner-protocol module writes the same bytes as the real @actions/core. */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import * as real from '@actions/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ours from '../../src/github/actions-core.js';
import { scratchDir } from '../helpers/scratch.js';

const HOSTILE = 'a%b\r\nc::error::x, d: e\n::add-mask::y';

function captureStdout(fn: () => void): string {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return out;
}

let dir: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = scratchDir('sg-core-');
});
afterEach(() => {
  process.env = { ...saved };
  process.exitCode = undefined;
});

describe('actions-core (the runner protocol without @actions/core at start-up)', () => {
  it('annotations, log lines and masks are byte-identical', () => {
    const props = { title: HOSTILE, file: 'src/a,b:c.py', startLine: 3, endLine: 4, startColumn: 2, endColumn: 9 };
    for (const level of ['error', 'warning', 'notice'] as const) {
      expect(captureStdout(() => ours[level](HOSTILE, props))).toBe(captureStdout(() => real[level](HOSTILE, props)));
      expect(captureStdout(() => ours[level](HOSTILE))).toBe(captureStdout(() => real[level](HOSTILE)));
    }
    expect(captureStdout(() => ours.info(HOSTILE))).toBe(captureStdout(() => real.info(HOSTILE)));
    expect(captureStdout(() => ours.setSecret('s3cr3t,:%'))).toBe(captureStdout(() => real.setSecret('s3cr3t,:%')));
  });

  it('reads inputs like core.getInput', () => {
    process.env['INPUT_BANDIT-REPORT'] = '  reports/b.json \n';
    process.env['INPUT_MY_INPUT'] = 'x';
    expect(ours.getInput('bandit-report')).toBe(real.getInput('bandit-report'));
    expect(ours.getInput('my input')).toBe(real.getInput('my input'));
    expect(ours.getInput('absent')).toBe(real.getInput('absent'));
  });

  it('makes random, version-4-shaped delimiters without loading node:crypto where /dev/urandom exists', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const u = ours.randomUUID();
      expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(u);
    }
    expect(seen.size).toBe(200);
  });

  it('writes outputs in the name<<delimiter form the runner parses, and the step summary', async () => {
    const out = join(dir, 'out');
    writeFileSync(out, '');
    process.env.GITHUB_OUTPUT = out;
    ours.setOutput('counts', '{"a":1}\nline2');
    const text = readFileSync(out, 'utf8');
    const m = /^counts<<(ghadelimiter_[0-9a-f-]+)\n\{"a":1\}\nline2\n\1\n$/.exec(text);
    expect(m).not.toBeNull();
    const sum = join(dir, 'sum');
    writeFileSync(sum, '');
    process.env.GITHUB_STEP_SUMMARY = sum;
    await ours.appendSummary('## hi');
    await real.summary.addRaw('## hi', true).write();
    const both = readFileSync(sum, 'utf8');
    expect(both).toBe('## hi\n## hi\n');
  });

  it('setFailed sets the exit code and prints an error', () => {
    expect(captureStdout(() => ours.setFailed('boom'))).toBe('::error::boom\n');
    expect(process.exitCode).toBe(1);
  });
});
