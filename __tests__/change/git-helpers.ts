/** Real git repositories for the tests, built in temporary directories (never the project's own repo). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Isolated from the machine's git configuration so the tests mean the same everywhere. */
export const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Test Author', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'core.autocrlf=false', '-c', 'protocol.file.allow=always', ...args],
    { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  ).trim();
}

export function tempDir(prefix = 'sg-change-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function write(repo: string, path: string, content: string | Buffer): void {
  const full = join(repo, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
}

export function symlink(repo: string, path: string, target: string): void {
  symlinkSync(target, join(repo, path));
}

export function initRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

export function commit(repo: string, message: string): string {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '--allow-empty', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

export function writePayload(dir: string, payload: unknown): string {
  const p = join(dir, `event-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(p, JSON.stringify(payload));
  return p;
}

export const ZERO = '0'.repeat(40);
