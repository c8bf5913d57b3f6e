/**
 * The bundled action (`dist/promotion/index.js`, built by scripts/build.mjs) run as the runner runs
 * it: a child process with INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, against
 * the local fake GitHub. Skipped when the bundle has not been built (PROMOTION_BUNDLE overrides the path).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { scratchDir } from '../helpers/scratch.js';
import { REPO, serveGitHub, WORKFLOW } from './helpers/fake-github.js';
import { history, JUSTFILE } from './helpers/scenario.js';

const bundle = process.env.PROMOTION_BUNDLE ?? fileURLToPath(new URL('../../dist/promotion/index.js', import.meta.url));
const maybe = existsSync(bundle) ? describe : describe.skip;

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => srv.close());

function runBundle(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bundle], { env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout });
    });
  });
}

maybe('the bundled promotion action', () => {
  it('writes both reports, the summary and the outputs; strict fails the step', async () => {
    serveGitHub(srv, history([...Array.from({ length: 12 }, () => ({ bandit: {} }))]));
    const ws = scratchDir('promotion-bundle-');
    await writeFile(join(ws, 'Justfile'), JUSTFILE);
    await writeFile(join(ws, 'out.txt'), '');
    await writeFile(join(ws, 'summary.md'), '');
    const env = {
      GITHUB_API_URL: srv.url,
      GITHUB_REPOSITORY: REPO,
      GITHUB_WORKFLOW_REF: `${REPO}/.github/workflows/${WORKFLOW}@refs/heads/main`,
      GITHUB_WORKSPACE: ws,
      GITHUB_OUTPUT: join(ws, 'out.txt'),
      GITHUB_STEP_SUMMARY: join(ws, 'summary.md'),
      'INPUT_GITHUB-TOKEN': 'bundle-token',
      INPUT_BRANCH: 'main',
      INPUT_WINDOW: '10',
      'INPUT_STABLE-RUNS': '5',
      'INPUT_ARTIFACT-NAME': 'security-gate-reports',
      INPUT_STRICT: 'false',
      'INPUT_OUTPUT-DIR': '.',
    };
    const ok = await runBundle(env);
    expect(ok.code).toBe(0);
    expect(await readFile(join(ws, 'out.txt'), 'utf8')).toMatch(/ready-tools<<.*\nbandit\n/);
    expect(await readFile(join(ws, 'summary.md'), 'utf8')).toContain('Bandit: ready for phase 2');
    expect(JSON.parse(await readFile(join(ws, '.ci-security-promotion-report.json'), 'utf8')).verdict.ready).toEqual(['bandit']);
    expect(await readFile(join(ws, '.ci-security-promotion-report.md'), 'utf8')).toContain('Promotion evidence');
    const strict = await runBundle({ ...env, INPUT_STRICT: 'true', INPUT_TOOLS: 'bandit,pip-audit' });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('::error::promotion (strict): not ready: pip-audit');
  });
});
