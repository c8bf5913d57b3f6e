/**
 * A review of the action's file handling (links, outputs, log lines). The end-to-end cases (a copy
 * the artifact service refuses by name, a directory at an output file's name) run the bundle in
 * __tests__/e2e/gate.test.ts; these are the pieces below them. Each failed before its fix.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings } from '../../src/config/schema.js';
import { runEngine } from '../../src/engine/run.js';
import { stageReports } from '../../src/engine/stage.js';
import { planAnnotations } from '../../src/render/annotations.js';
import { finding, gateResult, toolResult } from '../render/annotations.fixtures.js';

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

describe('report copies that cannot be written', () => {
  it('a directory at one copy\'s name withholds that copy with a note; the others are written', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'sg-stage-'));
    dirs.push(ws);
    const report = JSON.stringify({ errors: [], results: [] });
    await mkdir(join(ws, 'reports'));
    await writeFile(join(ws, 'reports', 'a.json'), report);
    await writeFile(join(ws, 'reports', 'b.json'), report);
    const run = await runEngine(parseSettings([{ 'bandit-report': 'reports/*.json' }]), { workspace: ws, now: new Date() });
    const out = join(ws, 'out');
    await mkdir(join(out, 'reports', 'reports', 'a.json'), { recursive: true });
    const withheld: Array<[string, string]> = [];
    const files = await stageReports({ outDir: out, workspace: ws, result: run.result, reports: run.reports, redact: true, onWithheld: (f, n) => withheld.push([f, n]) });
    expect(files).toEqual([join(out, 'reports', 'reports', 'b.json')]);
    expect(withheld).toEqual([['reports/a.json', 'withheld: the copy could not be written under the output directory (EISDIR)']]);
    expect(await readFile(join(out, 'reports', 'reports', 'b.json'), 'utf8')).toBe(report);
  });
});

describe('annotations', () => {
  it('a path longer than any real one is not put in `file=` (a 20 MiB name made a 20 MiB log line)', () => {
    const long = `src/${'a'.repeat(5000)}.py`;
    const result = gateResult([toolResult('bandit', [finding({ disposition: 'warn', location: { path: long, line: 3 } }), finding({ disposition: 'warn', location: { path: 'src/ok.py', line: 4 } })])]);
    const a = planAnnotations(result, { mode: 'all', workspace: '/ws', detailsUrl: 'https://example.invalid/run' });
    expect(a.map((x) => x.file)).toEqual(expect.arrayContaining([undefined, 'src/ok.py']));
    expect(a.every((x) => (x.file?.length ?? 0) <= 4096)).toBe(true);
  });
});
