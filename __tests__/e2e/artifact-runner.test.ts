/**
 * The artifact stub and Azurite serve a child process started like the runner starts an action (runAction):
 * the same path the gate bundle takes, with the environment the stub hands out.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readZip, startArtifactService, type ArtifactService } from '../helpers/artifact-service.js';
import { runAction } from '../helpers/runner.js';

const ENTRY = '__tests__/fixtures/runner/upload-action.mjs';

let service: ArtifactService;
let workspace: string;

beforeAll(async () => {
  service = await startArtifactService();
  workspace = await mkdtemp(join(tmpdir(), 'sg-artifact-runner-'));
  await mkdir(join(workspace, 'reports'));
  await writeFile(join(workspace, 'reports', 'bandit.json'), '{"results": []}\n');
  await writeFile(join(workspace, 'reports', 'vulture report.txt'), 'app.py:3: unused import\n');
});

afterAll(async () => {
  await service?.close();
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

describe('artifact upload from an action run like the runner runs it', () => {
  it('uploads with the env from startArtifactService, and the zip holds the files', async () => {
    const result = await runAction({
      entry: ENTRY,
      workspace,
      inputs: { name: 'from-runner', files: 'reports/bandit.json\nreports/vulture report.txt', 'retention-days': '3' },
      env: service.env,
    });
    expect({ code: result.code, errors: result.commands.filter((c) => c.command === 'error') }).toEqual({ code: 0, errors: [] });
    const recorded = service.artifacts().find((a) => a.name === 'from-runner');
    expect(recorded?.finalized).toBe(true);
    expect(result.outputs['artifact-id']).toBe(String(recorded?.id));
    expect(recorded?.expiresAt).toBeDefined();
    const entries = await readZip(await service.downloadZip('from-runner'));
    expect([...entries.keys()].sort()).toEqual(['reports/bandit.json', 'reports/vulture report.txt']);
    expect(entries.get('reports/vulture report.txt')?.toString()).toBe('app.py:3: unused import\n');
    // the signed upload URL's signature was masked before anything was logged
    expect(result.commands.some((c) => c.command === 'add-mask')).toBe(true);
  });

  it('without the stub env the action fails cleanly (no runtime token)', async () => {
    const result = await runAction({ entry: ENTRY, workspace, inputs: { name: 'no-env', files: 'reports/bandit.json' } });
    expect(result.code).toBe(1);
    expect(result.commands.filter((c) => c.command === 'error').map((c) => c.message)).toEqual([
      'Unable to get the ACTIONS_RUNTIME_TOKEN env variable',
    ]);
  });
});
