import { describe, expect, it } from '@jest/globals';
import { describeFailure, redactUrlCredentials, runFile } from '../../src/io/exec.js';

const node = process.execPath;

describe('runFile', () => {
  it('passes arguments as an array, never through a shell', async () => {
    const r = await runFile(node, ['-e', 'process.stdout.write(process.argv[1])', '$(echo hi); `x` | & ;'], { cwd: process.cwd() });
    expect(r.code).toBe(0);
    expect(r.stdout.toString('utf8')).toBe('$(echo hi); `x` | & ;');
  });
  it('stops a process that runs too long and says so', async () => {
    const r = await runFile(node, ['-e', 'setInterval(() => {}, 1000)'], { cwd: process.cwd(), timeoutMs: 300 });
    expect(r).toMatchObject({ code: null, timedOut: true });
    expect(describeFailure('node', r, 300)).toMatch(/did not finish within/);
  });
  it('keeps only the first bytes of a huge output and stops the writer', async () => {
    const r = await runFile(node, ['-e', 'const b = Buffer.alloc(65536, 97); (function w() { process.stdout.write(b, w); })()'], { cwd: process.cwd(), maxStdoutBytes: 100_000 });
    expect(r.truncated).toBe(true);
    expect(r.stdout.length).toBe(100_000);
  });
  it('reports a program that cannot be started', async () => {
    const r = await runFile('/nonexistent/program', [], { cwd: process.cwd() });
    expect(r.spawnError).toMatch(/ENOENT/);
    expect(describeFailure('x', r)).toMatch(/could not be started/);
  });
  it('names the exit code and the first stderr lines, without URL credentials', async () => {
    const r = await runFile(node, ['-e', 'console.error("hint: ignore me\\nfatal: could not read from https://user:s3cr3t@example.invalid/r.git"); process.exit(128)'], { cwd: process.cwd() });
    const d = describeFailure('git', r);
    expect(d).toBe('git exited with 128: fatal: could not read from https://***@example.invalid/r.git');
    expect(redactUrlCredentials('ssh://git:pw@host/x and https://a@b')).toBe('ssh://***@host/x and https://***@b');
  });
});
