/**
 * What the review suites (`__tests__/hardening/*review*.test.ts`) share: a workspace written from
 * a map of files, the engine run on it at a fixed time, local servers, and a Bandit result to vary.
 * Directories and servers made through here are removed or closed after each test of the file
 * that imports this (the `afterEach` below registers with that file).
 */
import { afterEach } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings } from '../../src/config/schema.js';
import { runEngine } from '../../src/engine/run.js';
import type { GateResult } from '../../src/policy/result.js';
import { startServer, type TestServer } from './http-server.js';

/** The time every review suite runs the engine at. */
export const REVIEW_NOW = new Date('2026-12-07T12:00:00Z');

const dirs: string[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A local server, closed after the test. */
export async function reviewServer(): Promise<TestServer> {
  const s = await startServer();
  servers.push(s);
  return s;
}

/** A fresh workspace holding `files` (name -> content), removed after the test. */
export async function workspaceWith(files: Record<string, string | Buffer>, prefix = 'sg-review-'): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(ws);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(ws, name, '..'), { recursive: true });
    await writeFile(join(ws, name), text);
  }
  return ws;
}

/** The engine run on `files` in phase 2 with lookups off, unless `inputs` say otherwise. */
export async function gateOn(files: Record<string, string | Buffer>, inputs: Record<string, string>, prefix?: string): Promise<GateResult> {
  const ws = await workspaceWith(files, prefix);
  const settings = parseSettings([{ phase: '2', 'severity-source': 'off', ...inputs }]);
  const { result } = await runEngine(settings, { workspace: ws, now: REVIEW_NOW });
  return result;
}

/** A Bandit JSON result of B602 at `file:line` with the given severity. */
export function banditResult(o: { file: string; line: number; severity: string; code?: string; col?: number }) {
  return {
    code: o.code ?? `${o.line} subprocess.call(cmd, shell=True)\n`,
    col_offset: o.col ?? 4,
    end_col_offset: 30,
    filename: o.file,
    issue_confidence: 'HIGH',
    issue_cwe: { id: 78, link: '' },
    issue_severity: o.severity,
    issue_text: 'subprocess call with shell=True identified, security issue.',
    line_number: o.line,
    line_range: [o.line],
    more_info: 'https://bandit.readthedocs.io/en/1.7.5/plugins/b602_subprocess_popen_with_shell_equals_true.html',
    test_id: 'B602',
    test_name: 'subprocess_popen_with_shell_equals_true',
  };
}
