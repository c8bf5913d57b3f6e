/**
 * The CLI bundle run as a user runs it, on the main thread and in the worker thread that big reports
 * get (engine/worker.ts; SECURITY_GATE_WORKER_MIN_BYTES=0 sends small reports there): same output,
 * same exit codes.
 */
import { describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/runner.js';
import { scratchDir } from '../helpers/scratch.js';

const CLI = join(REPO_ROOT, 'dist/cli/index.js');
const EX = ['--bandit-report', 'examples/reports/bandit-report.json', '--pip-audit-report', 'examples/reports/pip-audit.json', '--severity-source', 'off', '--no-color'];

function run(args: string[], minBytes: string, path = process.env.PATH): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { PATH: path, HOME: process.env.HOME, SECURITY_GATE_WORKER_MIN_BYTES: minBytes };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

describe('the CLI bundle in a worker thread', () => {
  it('prints the same summary, writes the same result and exits the same way', async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli/index.js is missing: run npm run build');
    const dir = scratchDir('sg-cli-bundle-');
    const args = (name: string) => [...EX, '--phase', '2', '--fail-on-block', '--result-file', join(dir, name)];
    const [main, worker] = await Promise.all([run(args('main.json'), '999999999999'), run(args('worker.json'), '0')]);
    expect(main.code).toBe(1);
    expect(worker.code).toBe(1);
    const ms = (s: string) => s.replace(/in \d+ ms/g, 'in N ms');
    expect(main.stderr).not.toContain('worker thread');
    expect(ms(worker.stderr)).toBe(`security-gate: 0.6 MiB of reports: read in a worker thread with a smaller young generation\n${ms(main.stderr)}`);
    expect(worker.stdout).toBe(main.stdout);
    expect(worker.stdout).toMatch(/^Security gate: block/);
    const result = (name: string) => readFileSync(join(dir, name), 'utf8').replace(/"generatedAt": "[^"]+"/, '').replace(/"wallMs": \d+/, '');
    expect(result('worker.json')).toBe(result('main.json'));
    expect(result('worker.json').length).toBeGreaterThan(10_000);
  });

  it('finds the change on the main thread while the worker reads: the same change, secret scan and result', async () => {
    // A repository of its own: a commit that adds a line holding a token, compared with its parent.
    const repo = scratchDir('sg-cli-change-');
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...a], { cwd: repo });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'app.py'), 'print("hi")\n');
    git('add', 'app.py');
    git('commit', '-qm', 'base');
    writeFileSync(join(repo, 'app.py'), 'print("hi")\nTOKEN = "ghp_Zr8qT2mVx9LpA7cWn4Ks3bY6dF1hJ0uE5oQi"\n');
    git('commit', '-qam', 'token');
    mkdirSync(join(repo, 'reports'));
    copyFileSync(join(REPO_ROOT, 'examples/reports/bandit-report.json'), join(repo, 'reports/bandit.json'));
    const args = (name: string) => ['--workspace', repo, '--bandit-report', 'reports/bandit.json', '--base-ref', 'HEAD~1', '--no-color', '--result-file', join(repo, name)];
    // git, as the worker run sees it: each call logs whether a worker thread started it (a worker's
    // environment carries SECURITY_GATE_WORKER_THREAD, and so do the processes it starts).
    const shim = scratchDir('sg-git-shim-');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(shim, 'git'), `#!/bin/sh\necho "worker=$SECURITY_GATE_WORKER_THREAD $1" >> ${JSON.stringify(join(shim, 'log'))}\nexec ${JSON.stringify(realGit)} "$@"\n`, { mode: 0o755 });
    const [main, worker] = await Promise.all([run(args('main.json'), '999999999999'), run(args('worker.json'), '0', `${shim}:${process.env.PATH}`)]);
    expect(worker.stderr).toContain('read in a worker thread');
    const calls = readFileSync(join(shim, 'log'), 'utf8').trim().split('\n');
    expect(calls.length).toBeGreaterThan(3);
    expect(calls.filter((c) => !c.startsWith('worker= '))).toEqual([]);
    expect(worker.code).toBe(main.code);
    expect(worker.stdout).toBe(main.stdout);
    const result = (name: string) => readFileSync(join(repo, name), 'utf8').replace(/"generatedAt": "[^"]+"/, '').replace(/"wallMs": \d+/, '');
    expect(result('worker.json')).toBe(result('main.json'));
    const parsed = JSON.parse(readFileSync(join(repo, 'worker.json'), 'utf8')) as { change: { known: boolean; files: number }; tools: Array<{ tool: string; findings: unknown[] }> };
    expect(parsed.change).toMatchObject({ known: true, files: 1 });
    expect(parsed.tools.find((t) => t.tool === 'secret-scan')?.findings).toHaveLength(1);
  });

  it('usage errors and --help behave the same', async () => {
    const [main, worker] = await Promise.all([run([...EX, '--phase', 'x'], '999999999999'), run([...EX, '--phase', 'x'], '0')]);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toBe(main.stderr);
    expect(worker.stderr).toContain('phase: got "x"');
    const help = await run(['--help'], '0');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: security-gate');
  });
});

describe('the CLI bundle read by a reader that stops early (`2>&1 | head`)', () => {
  it('drops the rest of its output and exits with its own code, on the main thread and in a worker (found by a docs review: an uncaught EPIPE, exit 1, read as "should fail")', async () => {
    const { spawn } = await import('node:child_process');
    const args = [...EX, '--gitleaks-report', 'examples/reports/gitleaks-report.json', '--vulture-report', 'examples/reports/vulture.txt', '--phase', '2'];
    const once = (minBytes: string, more: string[]) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        const child = spawn(process.execPath, [CLI, ...args, ...more], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, SECURITY_GATE_WORKER_MIN_BYTES: minBytes }, stdio: ['ignore', 'pipe', 'pipe'] });
        // The first bytes of either stream, then both pipes closed, as `head -c 10` does.
        const close = () => {
          child.stdout.destroy();
          child.stderr.destroy();
        };
        child.stdout.once('data', close);
        child.stderr.once('data', close);
        child.on('close', (code, signal) => resolve({ code, signal }));
      });
    for (const minBytes of ['999999999999', '0']) {
      expect(await once(minBytes, [])).toEqual({ code: 0, signal: null });
      // Its own code is kept: a block with --fail-on-block still exits 1.
      expect(await once(minBytes, ['--fail-on-block'])).toEqual({ code: 1, signal: null });
    }
  });
});
