/**
 * End to end: the REAL @actions/artifact v6 client, through uploadReports, against a local Twirp stub + Azurite.
 * Everything listens on 127.0.0.1; the stub and Azurite are closed in afterAll.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uploadReports } from '../../src/github/artifact.js';
import { readZip, startArtifactService, type ArtifactService } from '../helpers/artifact-service.js';

const CLIENT_ENV = [
  'ACTIONS_RESULTS_URL',
  'ACTIONS_RUNTIME_TOKEN',
  'GITHUB_SERVER_URL',
  'GITHUB_REPOSITORY',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_ATTEMPT',
  'GITHUB_RETENTION_DAYS',
  'ACTIONS_STEP_DEBUG',
  'RUNNER_DEBUG',
] as const;

let service: ArtifactService;
let dir: string;
let savedEnv: Record<string, string | undefined>;
let stdout: string[];

const FILES: Record<string, string> = {
  'bandit.json': '{"results": [], "errors": []}\n',
  'nested/pip-audit.json': '{"dependencies": []}\n',
  'gitleaks report.json': '[]\n',
};

beforeAll(async () => {
  savedEnv = Object.fromEntries(CLIENT_ENV.map((k) => [k, process.env[k]]));
  service = await startArtifactService();
  dir = await mkdtemp(join(tmpdir(), 'sg-artifact-e2e-'));
  await mkdir(join(dir, 'nested'));
  for (const [file, content] of Object.entries(FILES)) await writeFile(join(dir, file), content);
});

afterAll(async () => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await service?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  for (const k of CLIENT_ENV) delete process.env[k];
  Object.assign(process.env, service.env);
  // the client logs with process.stdout.write (::debug::, ::add-mask::, ::warning::): keep it for assertions, out of the test output
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  jest.restoreAllMocks();
});

/**
 * The client sleeps 3 s, ~5 s, ~8 s, ~12 s between its 5 attempts (hard-coded, no env switch). To keep the test fast,
 * shorten only those sleeps (2.5-20 s) while `fn` runs; the retry logic itself runs unchanged.
 */
async function withShortRetrySleeps<T>(fn: () => Promise<T>): Promise<{ value: T; sleeps: number[] }> {
  const real = globalThis.setTimeout;
  const sleeps: number[] = [];
  const fast = ((handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    if (typeof ms === 'number' && ms >= 2500 && ms <= 20000) {
      sleeps.push(ms);
      return real(handler, 5, ...args);
    }
    return real(handler, ms, ...args);
  }) as typeof setTimeout;
  globalThis.setTimeout = fast;
  try {
    return { value: await fn(), sleeps };
  } finally {
    globalThis.setTimeout = real;
  }
}

describe('uploadReports with the real @actions/artifact client', () => {
  it('uploads three files (one nested, one with spaces) and the zip read back from Azurite holds them', async () => {
    const result = await uploadReports({
      name: 'security-gate-reports',
      files: ['bandit.json', join(dir, 'nested/pip-audit.json'), 'gitleaks report.json'],
      rootDirectory: dir,
      retentionDays: 7,
    });
    expect(result).toMatchObject({ ok: true, skipped: [] });
    if (!result.ok) throw new Error(result.error);
    expect(result.files).toEqual(['bandit.json', 'nested/pip-audit.json', 'gitleaks report.json']);

    const recorded = service.artifacts().find((a) => a.name === 'security-gate-reports');
    expect(recorded).toMatchObject({ finalized: true, mimeType: 'application/zip', version: 7 });
    expect(result.id).toBe(recorded?.id);
    expect(result.url).toBe(`https://github.com/octo-org/octo-repo/actions/runs/4242/artifacts/${recorded?.id}`);

    // retention: the client turns 7 days into expires_at = now + 7 days
    const expires = Date.parse(recorded?.expiresAt ?? '');
    const days = (expires - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7.01);

    const zip = await service.downloadZip('security-gate-reports');
    expect(result.size).toBe(zip.length);
    expect(recorded?.size).toBe(zip.length);
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(zip).digest('hex');
    expect(recorded?.hash).toBe(`sha256:${sha}`);
    expect(result.digest).toBe(`sha256:${sha}`);

    const entries = await readZip(zip);
    expect([...entries.keys()].sort()).toEqual(['bandit.json', 'gitleaks report.json', 'nested/pip-audit.json']);
    for (const [file, content] of Object.entries(FILES)) expect(entries.get(file)?.toString('utf8')).toBe(content);

    // the client sent the bearer token; the SAS signature was masked before any log line
    expect(service.calls('CreateArtifact').every((c) => c.authorization === `Bearer ${service.token}`)).toBe(true);
    expect(stdout.join('')).toContain('::add-mask::');
  });

  it('the real client lists and downloads what it uploaded (ListArtifacts, GetSignedArtifactURL)', async () => {
    const result = await uploadReports({ name: 'round-trip', files: ['bandit.json', 'nested/pip-audit.json'], rootDirectory: dir });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(service.artifacts().find((a) => a.name === 'round-trip')?.expiresAt).toBeUndefined();

    const { DefaultArtifactClient } = await import('@actions/artifact');
    const client = new DefaultArtifactClient();
    const listed = await client.listArtifacts();
    expect(listed.artifacts.map((a) => a.name)).toEqual(expect.arrayContaining(['security-gate-reports', 'round-trip']));
    const byName = await client.getArtifact('round-trip');
    expect(byName.artifact).toMatchObject({ id: result.id, name: 'round-trip', size: result.size });

    const target = join(dir, '..', `${join(dir).split('/').pop()}-download`);
    process.env['GITHUB_WORKSPACE'] = dir;
    try {
      const downloaded = await client.downloadArtifact(result.id, { path: target });
      expect(downloaded.downloadPath).toBe(target);
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(join(target, 'nested/pip-audit.json'), 'utf8')).toBe(FILES['nested/pip-audit.json']);
      expect(await readFile(join(target, 'bandit.json'), 'utf8')).toBe(FILES['bandit.json']);
    } finally {
      delete process.env['GITHUB_WORKSPACE'];
      await rm(target, { recursive: true, force: true });
    }
  });

  it('skips missing files, files outside the root and symlinks leaving it, and uploads the rest', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'sg-artifact-outside-'));
    try {
      await writeFile(join(outside, 'secret.txt'), 'not for upload');
      await symlink(join(outside, 'secret.txt'), join(dir, 'link-out.json'));
      const result = await uploadReports({
        name: 'partial',
        files: ['bandit.json', 'missing.json', join(outside, 'secret.txt'), '../escape.json', 'link-out.json', 'nested'],
        rootDirectory: dir,
      });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.files).toEqual(['bandit.json']);
      expect(result.skipped.map((s) => s.file)).toEqual(['missing.json', join(outside, 'secret.txt'), '../escape.json', 'link-out.json', 'nested']);
      const entries = await readZip(await service.downloadZip('partial'));
      expect([...entries.keys()]).toEqual(['bandit.json']);
    } finally {
      await rm(join(dir, 'link-out.json'), { force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('a second upload with the same name is the 409 conflict, reported with the artifact name', async () => {
    const first = await uploadReports({ name: 'twice', files: ['bandit.json'], rootDirectory: dir });
    expect(first.ok).toBe(true);
    const second = await uploadReports({ name: 'twice', files: ['bandit.json'], rootDirectory: dir });
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.error).toBe(
      'artifact "twice" was not uploaded: an artifact with this name already exists in this workflow run (409 Conflict); artifact names must be unique per run',
    );
    expect(service.calls('CreateArtifact').filter((c) => c.status === 409)).toHaveLength(1);
  });

  it('a persistent 500 on CreateArtifact: the client retries 5 times, then ok:false with a clear message', async () => {
    service.failNext('http-500', { method: 'CreateArtifact', times: 5 });
    const before = service.calls('CreateArtifact').length;
    const { value: result, sleeps } = await withShortRetrySleeps(() =>
      uploadReports({ name: 'always-500', files: ['bandit.json'], rootDirectory: dir }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/^artifact "always-500" was not uploaded: Failed to CreateArtifact: Failed to make request after 5 attempts: Failed request: \(500\)/);
    expect(result.error).not.toContain('\n');
    expect(service.calls('CreateArtifact').length - before).toBe(5);
    expect(sleeps).toHaveLength(4); // 3 s, then x1.5 with jitter
    expect(sleeps[0]).toBe(3000);
    expect(service.artifacts().some((a) => a.name === 'always-500')).toBe(false);
  });

  it('a single 500 is retried and the upload succeeds', async () => {
    service.failNext('http-500', { method: 'FinalizeArtifact', times: 1 });
    const { value: result, sleeps } = await withShortRetrySleeps(() =>
      uploadReports({ name: 'retried', files: ['bandit.json'], rootDirectory: dir }),
    );
    expect(result.ok).toBe(true);
    expect(sleeps).toEqual([3000]);
    expect(service.calls('FinalizeArtifact').filter((c) => c.status === 500)).toHaveLength(1);
  });

  it('a connection reset fails at once (no retry) with a network message', async () => {
    service.failNext('reset');
    const result = await uploadReports({ name: 'reset', files: ['bandit.json'], rootDirectory: dir });
    expect(result).toMatchObject({ ok: false, error: 'artifact "reset" was not uploaded: cannot reach the artifact service (ECONNRESET in CreateArtifact)' });
  });

  it('blob storage refusing the signed URL (403) is ok:false, without leaking the signature', async () => {
    service.failNext('bad-upload-url');
    const result = await uploadReports({ name: 'bad-sas', files: ['bandit.json'], rootDirectory: dir });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/^artifact "bad-sas" was not uploaded: blob storage answered 403/);
    expect(result.error).not.toMatch(/sig=[^*]/);
  });

  it('the storage quota answer is reported as such', async () => {
    service.failNext('quota');
    const result = await uploadReports({ name: 'quota', files: ['bandit.json'], rootDirectory: dir });
    expect(result).toMatchObject({
      ok: false,
      error: 'artifact "quota" was not uploaded: the artifact storage quota is used up, GitHub refuses new artifacts',
    });
  });

  it('a backend that does not answer is cut off by timeoutMs', async () => {
    service.failNext('slow', { delayMs: 30_000 });
    const result = await uploadReports({ name: 'slow', files: ['bandit.json'], rootDirectory: dir, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, error: 'artifact "slow" was not uploaded: no answer within 300 ms, gave up' });
  });

  it('without ACTIONS_RUNTIME_TOKEN: ok:false, and the client is never called', async () => {
    delete process.env['ACTIONS_RUNTIME_TOKEN'];
    const before = service.calls().length;
    const result = await uploadReports({ name: 'no-token', files: ['bandit.json'], rootDirectory: dir });
    expect(result).toMatchObject({
      ok: false,
      error: 'artifact "no-token" was not uploaded: ACTIONS_RUNTIME_TOKEN not set: artifacts can only be uploaded from a GitHub Actions job',
    });
    expect(service.calls()).toHaveLength(before);
  });

  it('a token the client cannot use (no Actions.Results scope) is ok:false', async () => {
    const { unsignedJwt } = await import('../helpers/artifact-service.js');
    process.env['ACTIONS_RUNTIME_TOKEN'] = unsignedJwt({ scp: 'Actions.GenericRead:1' });
    const result = await uploadReports({ name: 'bad-token', files: ['bandit.json'], rootDirectory: dir });
    expect(result).toMatchObject({
      ok: false,
      error: 'artifact "bad-token" was not uploaded: ACTIONS_RUNTIME_TOKEN is not a valid runtime token (no Actions.Results scope)',
    });
  });
});
