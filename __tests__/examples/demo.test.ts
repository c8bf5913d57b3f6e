/**
 * `npm run demo`, the README's first command: what it prints is what the README says it shows
 * (phase 1 warns, 14 findings would block in phase 2: 11 gitleaks secrets and 3 pip-audit advisories
 * of unknown severity). The bundled reports come from other projects, so their files are not in
 * this repository; the demo compares HEAD with itself, and deptry's and vulture's findings there
 * are existing debt, not findings the gate "cannot place" (a check that once counted them new).
 */
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/runner.js';

function demo(): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'scripts/demo.mjs')], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? -1) : 0, stdout });
    });
  });
}

describe('npm run demo', () => {
  it('shows what the README says: warn, 14 findings that would block in phase 2, nothing it cannot place', async () => {
    const r = await demo();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Security gate: warn — phase 1, nothing blocks yet · 14 findings would block in phase 2');
    expect(r.stdout).not.toMatch(/cannot place/);
    // The would-block list: 11 gitleaks, 3 pip-audit (the fourth is waived).
    const after = r.stdout.slice(r.stdout.indexOf('Would block in phase 2 (14)')).split('\n').slice(1);
    const end = after.findIndex((l) => /^\S/.test(l));
    const rows = after.slice(0, end < 0 ? undefined : end).filter((l) => /^ {2}(HIGH|CRITICAL|MEDIUM|LOW) /.test(l));
    const byTool = rows.reduce<Record<string, number>>((m, l) => ((m[l.trim().split(/\s+/)[1]!] = (m[l.trim().split(/\s+/)[1]!] ?? 0) + 1), m), {});
    expect(byTool).toEqual({ gitleaks: 11, 'pip-audit': 3 });
    expect(r.stdout).toMatch(/Reproduce locally: npx security-gate .* --offline\n/);
  });
});
