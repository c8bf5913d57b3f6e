/**
 * The action's shell with a simulated runner (INPUT_* env, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY files)
 * against the local fake GitHub.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/promotion/main.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { scratchDir } from '../helpers/scratch.js';
import { REPO, serveGitHub, WORKFLOW } from './helpers/fake-github.js';
import { history, JUSTFILE, type RunSpec } from './helpers/scenario.js';

let srv: TestServer;
let saved: NodeJS.ProcessEnv;
let ws: string;
beforeEach(async () => {
  srv = await startServer();
  saved = { ...process.env };
  ws = scratchDir('promotion-action-');
  await writeFile(join(ws, 'Justfile'), JUSTFILE);
  await writeFile(join(ws, 'out.txt'), '');
  await writeFile(join(ws, 'summary.md'), '');
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_') || k.startsWith('GITHUB_')) delete process.env[k];
  Object.assign(process.env, {
    GITHUB_API_URL: srv.url,
    GITHUB_REPOSITORY: REPO,
    GITHUB_WORKFLOW_REF: `${REPO}/.github/workflows/${WORKFLOW}@refs/heads/main`,
    GITHUB_WORKSPACE: ws,
    GITHUB_OUTPUT: join(ws, 'out.txt'),
    GITHUB_STEP_SUMMARY: join(ws, 'summary.md'),
    'INPUT_GITHUB-TOKEN': 'action-token',
    'INPUT_OUTPUT-DIR': 'promotion',
  });
});
afterEach(async () => {
  process.env = saved;
  await srv.close();
});

const clean: RunSpec = { bandit: {}, gitleaks: {} };
const outputs = async () => {
  const text = await readFile(join(ws, 'out.txt'), 'utf8');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!;
  return out;
};

describe('promotion action', () => {
  it('writes the reports, the job summary and the outputs', async () => {
    serveGitHub(srv, history([clean, clean, { bandit: {} }, ...Array.from({ length: 11 }, () => clean)]));
    await run(process.env, { httpOptions: { backoffMs: 1 } });
    const out = await outputs();
    expect(out).toEqual({
      'ready-tools': 'bandit',
      'not-ready-tools': 'gitleaks',
      'report-json': join(ws, 'promotion', '.ci-security-promotion-report.json'),
      'report-markdown': join(ws, 'promotion', '.ci-security-promotion-report.md'),
    });
    const summary = await readFile(join(ws, 'summary.md'), 'utf8');
    expect(summary).toContain('Promotion evidence: 1 of 2 tools ready for phase 2: Bandit');
    expect(summary).toContain('gitleaks: not ready');
    const report = JSON.parse(await readFile(out['report-json']!, 'utf8'));
    expect(report).toMatchObject({ schemaVersion: 1, kind: 'security-gate-promotion-report', source: { repository: REPO, workflow: WORKFLOW } });
    expect(srv.requests[0]!.headers.authorization).toBe('Bearer action-token');
  });

  it('strict: true fails the step after writing everything; default passes', async () => {
    serveGitHub(srv, history(Array.from({ length: 3 }, () => clean)));
    await expect(run(process.env, { httpOptions: { backoffMs: 1 } })).resolves.toBeUndefined();
    process.env.INPUT_STRICT = 'true';
    await expect(run(process.env, { httpOptions: { backoffMs: 1 } })).rejects.toThrow('promotion (strict): not ready: bandit, gitleaks');
    expect((await outputs())['not-ready-tools']).toBe('bandit,gitleaks');
  });

  it('a runtime failure throws (the entry turns it into setFailed)', async () => {
    srv.on(/^GET \//, () => ({ status: 403, body: { message: 'Resource not accessible by integration' } }));
    await expect(run(process.env, { httpOptions: { backoffMs: 1 } })).rejects.toThrow('the token may not read Actions data (it needs actions: read)');
  });
});
