// The environment a GitHub runner gives a JavaScript action, simulated in a temp directory:
// inputs as INPUT_<NAME> (upper-cased, hyphens kept), GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_ENV
// files, RUNNER_TEMP, GITHUB_WORKSPACE. The API URL points at a closed local port (nothing leaves).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function runnerEnv(workspace, inputs, extra = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-runner-'));
  const files = { output: join(dir, 'output'), summary: join(dir, 'summary'), env: join(dir, 'env'), temp: join(dir, 'temp') };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(files.env, '');
  mkdirSync(files.temp);
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    RUNNER_TEMP: files.temp,
    GITHUB_REPOSITORY: 'acme/api',
    GITHUB_SHA: '0'.repeat(40),
    GITHUB_EVENT_NAME: 'push',
    GITHUB_RUN_ID: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    ...extra,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return { env, dir, files, outputs: () => parseOutputs(readFileSync(files.output, 'utf8')) };
}

/** `name<<delimiter` blocks of GITHUB_OUTPUT. */
export function parseOutputs(text) {
  const out = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const body = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) body.push(lines[i]);
    out[m[1]] = body.join('\n');
  }
  return out;
}
