import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import {
  annotationCandidates,
  capAnnotations,
  formatAnnotationCommand,
  planAnnotations,
  planAnnotationsDetailed,
  toCoreProperties,
  topAnnotationCandidates,
  toRepoPath,
  type Annotation,
  type PlanOptions,
} from '../../src/render/annotations.js';
import type { GateResult } from '../../src/policy/result.js';
import { finding, gateResult, toolResult } from './annotations.fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const goldenDir = join(here, 'golden-annotations');

function golden(name: string, annotations: Annotation[]): void {
  const text = annotations.map(formatAnnotationCommand).join('\n') + '\n';
  const file = join(goldenDir, `${name}.expected.txt`);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}

/** 13 blockers, 12 warnings (4 would block in phase 2), 15 info, 2 waived — shuffled. */
function bigResult(): GateResult {
  const bandit = [];
  for (let i = 1; i <= 13; i++) {
    bandit.push(
      finding({
        tool: 'bandit',
        ruleId: `B6${String(i).padStart(2, '0')}`,
        ruleName: 'subprocess_popen_with_shell_equals_true',
        severity: i % 3 === 0 ? 'medium' : 'high',
        disposition: 'block',
        title: `Blocker ${i}`,
        location: { path: `src/auth/m${i}.py`, line: i, column: 5, endColumn: 9 },
        reason: 'Bandit HIGH in a critical path (**/auth/**) → block',
      }),
    );
  }
  for (let i = 1; i <= 12; i++) {
    bandit.push(
      finding({
        tool: 'bandit',
        ruleId: 'B311',
        ruleName: 'blacklist',
        severity: i <= 4 ? 'high' : i % 2 === 0 ? 'medium' : 'low',
        disposition: 'warn',
        phase2Action: i <= 4 ? 'block' : 'warn',
        title: `Warning ${i}`,
        location: { path: `src/w${i}.py`, line: 10 + i, endLine: 12 + i },
        reason: `Bandit → ${i <= 4 ? 'block' : 'warn'}`,
      }),
    );
  }
  for (let i = 1; i <= 2; i++) {
    bandit.push(finding({ tool: 'bandit', disposition: 'waived', severity: 'high', title: `Waived ${i}`, location: { path: 'src/waived.py', line: i } }));
  }
  const vulture = [];
  for (let i = 1; i <= 15; i++) {
    vulture.push(
      finding({
        tool: 'vulture',
        ruleId: 'unused-function',
        severity: 'low',
        disposition: 'info',
        phase2Action: 'info',
        title: `unused function 'f${i}'`,
        location: { path: `lib/dead${String(i).padStart(2, '0')}.py`, line: i },
        reason: 'vulture LOW existing debt: file not touched → info',
      }),
    );
  }
  // reverse so the planner has to sort
  return gateResult([toolResult('bandit', bandit.reverse(), { phase: 1 }), toolResult('vulture', vulture.reverse())]);
}

const base: PlanOptions = { mode: 'all', workspace: '/home/runner/work/repo/repo', detailsUrl: 'https://github.com/o/r/actions/runs/42' };

describe('planAnnotations: golden lists', () => {
  it('caps each kind at 10 and ends with one overflow notice (mode all)', () => {
    const plan = planAnnotationsDetailed(bigResult(), base);
    const a = plan.annotations;
    expect(a.filter((x) => x.level === 'error')).toHaveLength(10);
    expect(a.filter((x) => x.level === 'warning')).toHaveLength(10);
    expect(a.filter((x) => x.level === 'notice')).toHaveLength(10); // 9 info + overflow
    expect(a.at(-1)!.title).toMatch(/more findings not annotated/);
    expect(a.at(-1)!.message).toContain('3 blocking findings, 2 warnings, 6 info findings');
    expect(a.at(-1)!.message).toContain('https://github.com/o/r/actions/runs/42');
    expect(plan.eligible).toBe(40);
    // blockers first, high before medium; would-block warnings before plain warnings
    expect(a.slice(0, 10).every((x) => x.level === 'error')).toBe(true);
    expect(a.slice(0, 10).map((x) => x.title.includes('(HIGH)')).lastIndexOf(true)).toBeLessThan(a.slice(0, 10).map((x) => x.title.includes('(MEDIUM)')).indexOf(true));
    expect(a.slice(10, 14).every((x) => x.message.startsWith('Warning') && /Would block in phase 2/.test(x.message))).toBe(true);
    expect(a.some((x) => x.message.includes('Waived'))).toBe(false);
    golden('caps-overflow-all', a);
  });

  it('mode blocking: errors only, overflow counts only blockers', () => {
    const a = planAnnotations(bigResult(), { ...base, mode: 'blocking' });
    expect(a.filter((x) => x.level === 'error')).toHaveLength(10);
    expect(a.filter((x) => x.level === 'warning')).toHaveLength(0);
    expect(a).toHaveLength(11);
    expect(a.at(-1)!.message).toMatch(/^3 blocking findings not shown/);
    golden('caps-overflow-blocking', a);
  });

  it('mode none: nothing', () => {
    expect(planAnnotations(bigResult(), { ...base, mode: 'none' })).toEqual([]);
  });

  it('the per-job cap spends the budget on blockers first', () => {
    const a = planAnnotations(bigResult(), { ...base, perJobCap: 15 });
    expect(a).toHaveLength(15);
    expect(a.filter((x) => x.level === 'error')).toHaveLength(10);
    expect(a.filter((x) => x.level === 'warning')).toHaveLength(4);
    expect(a.at(-1)!.level).toBe('notice');
    expect(a.at(-1)!.message).toMatch(/^3 blocking findings, 8 warnings, 15 info findings not shown/);
  });

  it('no overflow line when everything fits', () => {
    const r = gateResult([
      toolResult('bandit', [
        finding({ disposition: 'warn', severity: 'medium', location: { path: 'a.py', line: 3 }, title: 'w' }),
        finding({ disposition: 'block', severity: 'high', location: { path: 'b.py', line: 1 }, title: 'b' }),
        finding({ disposition: 'info', severity: 'low', location: { path: 'c.py', line: 2 }, title: 'i' }),
      ]),
    ]);
    const a = planAnnotations(r, base);
    expect(a.map((x) => x.level)).toEqual(['error', 'warning', 'notice']);
    golden('fits', a);
  });

  it('a line or column GitHub cannot place (over 2^31-1, 1e21) is left out, the file kept (found by review)', () => {
    const r = gateResult([
      toolResult('bandit', [
        finding({ disposition: 'block', severity: 'high', location: { path: 'a.py', line: 1e21 }, title: 'huge' }),
        finding({ disposition: 'block', severity: 'high', location: { path: 'b.py', line: 2 ** 31, column: 3 }, title: 'over' }),
        finding({ disposition: 'block', severity: 'high', location: { path: 'c.py', line: 2 ** 31 - 1, column: 2 ** 40 }, title: 'max' }),
      ]),
    ]);
    const a = planAnnotations(r, base);
    expect(a.map((x) => [x.file, x.line, x.col])).toEqual([
      ['a.py', undefined, undefined],
      ['b.py', undefined, undefined],
      ['c.py', 2 ** 31 - 1, undefined],
    ]);
  });

  it('paths, file-less findings and hostile text', () => {
    const r = gateResult([
      toolResult('bandit', [
        finding({ disposition: 'block', severity: 'high', title: 'absolute in workspace', location: { path: '/home/runner/work/repo/repo/src/app.py', line: 7, column: 3, endColumn: 8 } }),
        finding({ disposition: 'block', severity: 'high', title: 'windows absolute', location: { path: 'D:\\a\\repo\\repo\\src\\win.py', line: 2 } }),
        finding({ disposition: 'block', severity: 'high', title: 'windows relative', location: { path: 'pkg\\mod\\x.py', line: 4, endLine: 9, column: 2 } }),
        finding({ disposition: 'block', severity: 'high', title: 'outside the repo', location: { path: '/usr/lib/python3/site.py', line: 1 } }),
        finding({
          disposition: 'block',
          severity: 'high',
          title: 'evil\n::set-env name=X::1\r\n%0A::error::forged ##[warning]x',
          ruleName: 'r,u:le',
          location: { path: 'src/we,ird:name.py', line: 1 },
        }),
      ]),
      toolResult('pip-audit', [
        finding({
          tool: 'pip-audit',
          ruleId: 'GHSA-xxxx-yyyy-zzzz',
          severity: 'critical',
          disposition: 'block',
          title: 'urllib3: request smuggling',
          location: undefined,
          package: { name: 'urllib3', version: '1.26.5', fixVersions: ['1.26.18', '2.0.7'] },
          reason: 'pip-audit CRITICAL → block',
        }),
      ]),
    ]);
    const a = planAnnotations(r, { ...base, scanRoot: 'backend' });
    const byTitle = (t: string) => a.find((x) => x.message.startsWith(t))!;
    expect(byTitle('absolute in workspace')).toMatchObject({ file: 'src/app.py', line: 7, col: 3, endColumn: 8 });
    expect(byTitle('windows absolute').file).toBe('src/win.py');
    expect(byTitle('windows relative')).toMatchObject({ file: 'backend/pkg/mod/x.py', line: 4, endLine: 9 });
    expect(byTitle('windows relative').col).toBeUndefined(); // columns only on one line
    expect(byTitle('outside the repo').file).toBeUndefined();
    expect(byTitle('outside the repo').message).toContain('at /usr/lib/python3/site.py:1');
    const pkg = a.find((x) => x.title.startsWith('pip-audit'))!;
    expect(pkg.file).toBeUndefined();
    expect(pkg.message).toContain('urllib3 1.26.5 → fixed in 1.26.18, 2.0.7');
    expect(a[0]!.title).toMatch(/^pip-audit/); // critical first
    const lines = a.map(formatAnnotationCommand);
    // every annotation is exactly one line: nothing can start another command
    for (const l of lines) expect(l.split('\n')).toHaveLength(1);
    expect(lines.join('\n')).not.toMatch(/\n::set-env/);
    golden('paths-and-escaping', a);
  });
});

describe('toRepoPath', () => {
  const ws = '/home/runner/work/repo/repo';
  it.each([
    ['src/x.py', {}, 'src/x.py'],
    ['./src/./x.py', {}, 'src/x.py'],
    ['src\\x.py', {}, 'src/x.py'],
    ['/home/runner/work/repo/repo/src/x.py', { workspace: ws }, 'src/x.py'],
    ['/home/runner/work/other/other/src/x.py', { workspace: ws }, 'src/x.py'],
    ['C:\\a\\repo\\repo\\src\\x.py', { workspace: 'C:\\a\\repo\\repo' }, 'src/x.py'],
    ['c:\\A\\repo\\repo\\src\\x.py', { workspace: 'C:\\a\\repo\\repo' }, 'src/x.py'],
    ['D:\\a\\repo\\repo\\src\\x.py', { workspace: ws }, 'src/x.py'],
    ['/__w/repo/repo/src/x.py', {}, 'src/x.py'],
    ['/github/workspace/src/x.py', {}, 'src/x.py'],
    ['/etc/passwd', { workspace: ws }, undefined],
    ['app/x.py', { scanRoot: 'backend' }, 'backend/app/x.py'],
    ['../common/x.py', { scanRoot: 'backend' }, 'common/x.py'],
    ['../../x.py', { scanRoot: 'backend' }, undefined],
    ['app/x.py', { scanRoot: '/home/runner/work/repo/repo/backend', workspace: ws }, 'backend/app/x.py'],
    ['app/x.py', { scanRoot: '/tmp/elsewhere', workspace: ws }, undefined],
    ['file:///home/runner/work/repo/repo/src/a%20b.py', { workspace: ws }, 'src/a b.py'],
    ['<stdin>', {}, undefined],
    ['', {}, undefined],
    ['..', {}, undefined],
    ['.venv/lib/x.py', {}, '.venv/lib/x.py'],
    ['a/../b.py', {}, 'b.py'],
    ['a//b.py', {}, 'a/b.py'],
    [' src/x.py ', {}, 'src/x.py'],
    ['src/.../x.py', {}, 'src/.../x.py'],
  ] as const)('%s %j -> %s', (raw, opts, expected) => {
    expect(toRepoPath(raw, opts)).toBe(expected);
  });

  it('a path returned as it is (the fast path) is what resolving it gives', () => {
    // A scan root of `.` changes nothing but takes every path through the full resolution.
    const seg = fc.oneof(fc.constantFrom('.', '..', '', 'src', '.venv', 'a b', '...', 'x.py', '~u', 'C:', '\\', '<stdin>'), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 6 }), fc.constantFrom('', '/', ' '), (segs, lead) => {
        const raw = lead + segs.join('/');
        expect(toRepoPath(raw)).toBe(toRepoPath(raw, { scanRoot: '.' }));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatAnnotationCommand', () => {
  it('matches @actions/core output byte for byte', () => {
    const a: Annotation = { level: 'warning', title: 'T: a,b%', message: 'line1\nline2\r%25 ::x', file: 'src/a,b:c.py', line: 3, col: 2, endColumn: 5 };
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      core.warning(a.message, toCoreProperties(a));
    } finally {
      spy.mockRestore();
    }
    expect(writes.join('').trimEnd()).toBe(formatAnnotationCommand(a));
    expect(formatAnnotationCommand(a)).toBe('::warning title=T%3A a%2Cb%25,file=src/a%2Cb%3Ac.py,line=3,col=2,endColumn=5::line1%0Aline2%0D%2525 ::x');
  });

  it('capAnnotations with a zero budget shows nothing', () => {
    const c: Annotation[] = [{ level: 'error', title: 't', message: 'm' }];
    expect(capAnnotations(c, { perKindCap: 0 }).annotations).toEqual([]);
  });
});

describe('annotation candidates, only the first of each priority', () => {
  it('plans exactly as with every candidate, for every mode and cap', () => {
    const sev = ['critical', 'high', 'medium', 'low', 'info'] as const;
    const disp = ['block', 'warn', 'info', 'waived'] as const;
    const findings = Array.from({ length: 700 }, (_, i) =>
      finding({ severity: sev[i % 5], disposition: disp[(i * 7) % 4], phase2Action: i % 3 === 0 ? 'block' : undefined, location: { path: `src/m${i % 37}.py`, line: (i * 13) % 50 } }),
    );
    const result = gateResult([toolResult('bandit', findings.slice(0, 400)), toolResult('vulture', findings.slice(400))]);
    const view = (p: ReturnType<typeof capAnnotations>) => ({ ...p, annotations: p.annotations.map((a) => ({ ...toCoreProperties(a), level: a.level, message: a.message })) });
    for (const mode of ['all', 'blocking'] as const) {
      for (const caps of [{}, { perKindCap: 3, perJobCap: 7 }, { perJobCap: 1000, perKindCap: 1000 }, { reserved: { notice: 1, job: 1 } }]) {
        const opts = { mode, workspace: '/ws', ...caps };
        const all = capAnnotations(annotationCandidates(result, opts), opts);
        const limit = (caps as { perJobCap?: number }).perJobCap ?? 50;
        const { candidates, beyond } = topAnnotationCandidates(result, opts, limit);
        expect(candidates.length).toBeLessThanOrEqual(4 * limit);
        expect(view(capAnnotations(candidates, { ...opts, beyond }))).toEqual(view(all));
        expect(view(planAnnotationsDetailed(result, opts as PlanOptions))).toEqual(view(all));
      }
    }
  });
});
