import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactUrl, describeUploadError, selectFiles, uploadReports } from '../../src/github/artifact.js';
import { useDirectStdout, useStdoutStream, writeStdout } from '../../src/util/stdout.js';

const RUNTIME = { ACTIONS_RUNTIME_TOKEN: 'x.y.z', ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/' };

let root: string;
let outside: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-artifact-unit-'));
  outside = await mkdtemp(join(tmpdir(), 'sg-artifact-unit-out-'));
  await mkdir(join(root, 'sub'));
  await writeFile(join(root, 'a.json'), '{}');
  await writeFile(join(root, 'sub', 'b c.json'), '{}');
  await writeFile(join(outside, 'secret'), 'x');
  await symlink(join(root, 'a.json'), join(root, 'link-in.json'));
  await symlink(join(outside, 'secret'), join(root, 'link-out.json'));
  await symlink(join(root, 'gone.json'), join(root, 'broken.json'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('artifactUrl', () => {
  it('links the run page artifact when the three variables are set', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com/', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '99' };
    expect(artifactUrl(5, env)).toBe('https://github.com/o/r/actions/runs/99/artifacts/5');
  });
  it('is undefined when one is missing', () => {
    expect(artifactUrl(5, { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r' })).toBeUndefined();
    expect(artifactUrl(5, {})).toBeUndefined();
  });
});

describe('selectFiles', () => {
  it('keeps regular files (relative to the root or absolute) and symlinks inside the root, once each', async () => {
    const s = await selectFiles(['a.json', join(root, 'sub', 'b c.json'), './a.json', 'link-in.json'], root);
    expect(s.entries).toEqual(['a.json', 'sub/b c.json', 'link-in.json']);
    expect(s.files).toEqual([join(root, 'a.json'), join(root, 'sub', 'b c.json'), join(root, 'link-in.json')]);
    expect(s.skipped).toEqual([]);
  });

  it('skips, with a reason, what must not or cannot be uploaded', async () => {
    const s = await selectFiles(
      ['missing.json', '../x.json', join(outside, 'secret'), 'link-out.json', 'broken.json', 'sub', '', 'a:b.json', root],
      root,
    );
    expect(s.files).toEqual([]);
    expect(s.skipped).toEqual([
      { file: 'missing.json', reason: 'missing' },
      { file: '../x.json', reason: 'outside the root directory' },
      { file: join(outside, 'secret'), reason: 'outside the root directory' },
      { file: 'link-out.json', reason: 'symbolic link to a file outside the root directory' },
      { file: 'broken.json', reason: 'broken symbolic link' },
      { file: 'sub', reason: 'a directory, not a file' },
      { file: '', reason: 'empty path' },
      { file: 'a:b.json', reason: 'path contains ":", which artifacts do not allow' },
      { file: root, reason: 'outside the root directory' },
    ]);
  });

  it('does not take a sibling directory that shares the root as a prefix', async () => {
    const s = await selectFiles([`${root}-other/a.json`], root);
    expect(s.skipped).toEqual([{ file: `${root}-other/a.json`, reason: 'outside the root directory' }]);
  });
});

describe('uploadReports and standard output', () => {
  it('switches the run to process.stdout first: the client logs there, and a full pipe queues its lines', async () => {
    const direct: string[] = [];
    useDirectStdout((_fd, buf, off) => {
      direct.push(Buffer.from(buf.subarray(off)).toString('utf8'));
      return buf.length - off;
    }, 'linux');
    const streamed: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      streamed.push(String(chunk));
      return true;
    });
    try {
      writeStdout('before\n');
      await uploadReports({ name: 'r', files: ['a.json'], rootDirectory: root }, {});
      writeStdout('after\n');
    } finally {
      spy.mockRestore();
      useStdoutStream();
    }
    expect([direct, streamed]).toEqual([['before\n'], ['after\n']]);
  });
});

describe('uploadReports preflight (no client, no network)', () => {
  it('outside Actions: ok:false naming the missing variables', async () => {
    await expect(uploadReports({ name: 'r', files: ['a.json'], rootDirectory: root }, {})).resolves.toEqual({
      ok: false,
      error: 'artifact "r" was not uploaded: ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL not set: artifacts can only be uploaded from a GitHub Actions job',
      skipped: [],
    });
  });

  it('GHES is refused up front', async () => {
    const result = await uploadReports({ name: 'r', files: ['a.json'], rootDirectory: root }, { ...RUNTIME, GITHUB_SERVER_URL: 'https://ghes.example.com' });
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('not supported on GitHub Enterprise Server') });
  });

  it.each([
    [{ name: '' }, 'artifact "" was not uploaded: the artifact name is empty'],
    [{ name: 'a/b' }, 'artifact "a/b" was not uploaded: the name contains "/", which artifact names do not allow'],
    [{ retentionDays: 0 }, 'artifact "r" was not uploaded: retention days must be a whole number of at least 1, got 0'],
    [{ retentionDays: 1.5 }, 'artifact "r" was not uploaded: retention days must be a whole number of at least 1, got 1.5'],
    [{ rootDirectory: '/nonexistent/sg-root' }, 'artifact "r" was not uploaded: root directory /nonexistent/sg-root does not exist'],
    [{ files: ['missing.json'] }, 'artifact "r" was not uploaded: no files to upload (skipped: missing.json (missing))'],
  ])('%j -> %s', async (override, error) => {
    const result = await uploadReports({ name: 'r', files: ['a.json'], rootDirectory: root, ...override }, RUNTIME);
    expect(result).toMatchObject({ ok: false, error });
  });

  it('does not import @actions/artifact statically (cold start)', async () => {
    const source = await readFile(new URL('../../src/github/artifact.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^import[^;]*from '@actions\/artifact'/m);
    expect(source).toContain("await import('@actions/artifact')");
  });
});

describe('describeUploadError', () => {
  const named = (name: string, message: string, extra: Record<string, unknown> = {}): Error =>
    Object.assign(new Error(message), { name }, extra);

  it.each([
    [named('GHESNotSupportedError', '@actions/artifact v2.0.0+ ... GHES.'), 'artifact upload with @actions/artifact v2+ is not supported on GitHub Enterprise Server'],
    [
      new Error('Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run'),
      'an artifact with this name already exists in this workflow run (409 Conflict); artifact names must be unique per run',
    ],
    [named('UsageError', 'Artifact storage quota has been hit.\nMore info...'), 'the artifact storage quota is used up, GitHub refuses new artifacts'],
    [named('NetworkError', 'Unable to make request: ECONNREFUSED\nIf you are using self-hosted runners...', { code: 'ECONNREFUSED' }), 'cannot reach the artifact service (ECONNREFUSED)'],
    [new Error('Failed to FinalizeArtifact: Unable to make request: ETIMEDOUT\nIf you are...'), 'cannot reach the artifact service (ETIMEDOUT in FinalizeArtifact)'],
    [new Error('Unable to get the ACTIONS_RUNTIME_TOKEN env variable'), 'not running in a GitHub Actions job (ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL not set)'],
    [new Error('Failed to get backend IDs: The provided JWT token is invalid and/or missing claims'), 'ACTIONS_RUNTIME_TOKEN is not a valid runtime token (no Actions.Results scope)'],
    [named('FilesNotFoundError', 'No files were found to upload'), 'no files to upload'],
    [named('RestError', 'Server failed to authenticate the request.\nRequestId:1', { statusCode: 403 }), 'blob storage answered 403: Server failed to authenticate the request.'],
    ['a string', 'a string'],
  ])('%s', (error, reason) => {
    expect(describeUploadError(error, 'reports')).toBe(`artifact "reports" was not uploaded: ${reason}`);
  });

  it('keeps one line, caps its length and hides SAS signatures and bearer tokens', () => {
    const message = `upload to https://acct.blob.core.windows.net/c/b?sv=2024&sig=abc%2Bdef&se=2030 failed with Bearer eyJabc ${'x'.repeat(400)}\nsecond line`;
    const text = describeUploadError(new Error(message), 'r');
    expect(text).not.toContain('\n');
    expect(text).not.toContain('abc%2Bdef');
    expect(text).not.toContain('eyJabc');
    expect(text).toContain('sig=***');
    expect(text.length).toBeLessThan(360);
  });
});
