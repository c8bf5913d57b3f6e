/**
 * The gate, in-process, when a report changes between the read and the artifact's copy: the copy is
 * withheld and the run says so in a warning (not only in a note inside the artifact). The swap is
 * made by the copier hook, the point where the action's main thread writes the redacted copy.
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyBanditRedacted, type RedactedCopyJob } from '../../src/engine/stage.js';
import { run } from '../../src/gate/main.js';
import { inputEnvName } from '../helpers/runner.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const temp = async (prefix: string) => {
  const d = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

describe('a report swapped for a link after the read', () => {
  it('is withheld from the artifact with a note, and the run warns', async () => {
    const ws = await temp('sg-withheld-');
    const runner = await temp('sg-withheld-runner-');
    const outside = await temp('sg-withheld-outside-');
    await writeFile(join(outside, 'credentials'), 'RUNNER-CREDENTIAL-do-not-upload\n');
    // A B105 result: the copy is redacted from the parser's notes, by the copier.
    const result = { filename: 'app/db.py', test_id: 'B105', test_name: 'hardcoded_password_string', issue_severity: 'LOW', issue_confidence: 'MEDIUM', issue_text: "Possible hardcoded password: 'hunter2hunter2'", line_number: 3, code: "3 PASSWORD = 'hunter2hunter2'\n" };
    await writeFile(join(ws, 'bandit.json'), JSON.stringify({ errors: [], results: [result] }));
    for (const f of ['output', 'summary', 'env']) await writeFile(join(runner, f), '');
    const env: NodeJS.ProcessEnv = {
      GITHUB_WORKSPACE: ws,
      GITHUB_OUTPUT: join(runner, 'output'),
      GITHUB_STEP_SUMMARY: join(runner, 'summary'),
      GITHUB_ENV: join(runner, 'env'),
      RUNNER_TEMP: runner,
      GITHUB_API_URL: 'http://127.0.0.1:9',
      GITHUB_EVENT_NAME: 'push',
      [inputEnvName('bandit-report')]: 'bandit.json',
      [inputEnvName('upload-artifact')]: 'false',
      [inputEnvName('severity-source')]: 'off',
      [inputEnvName('secret-scan')]: 'false',
      [inputEnvName('annotations')]: 'none',
      [inputEnvName('comment')]: 'off',
    };
    const swapThenCopy = async (job: RedactedCopyJob) => {
      await rm(join(job.workspace, job.file));
      await symlink(join(outside, 'credentials'), join(job.workspace, job.file));
      await copyBanditRedacted(job);
    };
    let stdout = '';
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    const saved = { ...process.env };
    try {
      for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_') || k.startsWith('GITHUB_')) delete process.env[k];
      Object.assign(process.env, env);
      await run(process.env, undefined, swapThenCopy);
    } finally {
      spy.mockRestore();
      for (const k of Object.keys(process.env)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    const copy = await readFile(join(runner, 'security-gate', 'reports', 'bandit.json'), 'utf8');
    expect(copy).not.toContain('RUNNER-CREDENTIAL');
    expect(copy).toBe('security-gate: this report was withheld from the artifact: it could not be read again for the copy (the path is a symbolic link to a file outside the workspace: not read).\n');
    expect(stdout).toContain('::warning::bandit.json: the report was withheld from the artifact: it could not be read again for the copy (the path is a symbolic link to a file outside the workspace: not read).');
  });
});
