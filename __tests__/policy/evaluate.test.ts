import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { DEFAULT_CRITICAL_PATHS, parseSettings } from '../../src/config/schema.js';
import { basePhase, criticalPathMatcher, evaluate, type ToolInput } from '../../src/policy/evaluate.js';
import { headlineFor } from '../../src/render/common.js';
import type { Finding, ParsedReport, Severity, ToolId } from '../../src/reports/model.js';

const NOW = new Date('2026-11-29T12:00:00Z');

function finding(tool: ToolId, severity: Severity, path?: string, extra: Partial<Finding> = {}): Finding {
  return {
    tool,
    ruleId: tool === 'bandit' ? 'B303' : 'GHSA-aaaa-bbbb-cccc',
    title: 't',
    severity,
    fingerprint: `${tool}:${severity}:${path ?? ''}:${Math.random()}`,
    sourceFile: 'r.json',
    ...(path ? { location: { path, line: 1 } } : { package: { name: 'pkg', version: '1.0' } }),
    ...extra,
  };
}

function input(tool: ToolId, findings: Finding[], status: ToolInput['status'] = 'ok'): ToolInput {
  const report: ParsedReport = { tool, format: `${tool}-json`, findings, skipped: [], scanErrors: [], stats: {} };
  return { tool, status, messages: status === 'ok' ? [] : [`${tool}: something`], files: [{ path: 'r.json', findings: findings.length, bytes: 10 }], reports: status === 'ok' ? [report] : [] };
}

describe('Bandit thresholds: every severity x phase x critical path', () => {
  const table: Array<[Severity, 1 | 2, boolean, string, string]> = [
    // severity, phase, in critical path, disposition, phase-2 action
    ['high', 2, true, 'block', 'block'],
    ['high', 2, false, 'warn', 'warn'],
    ['medium', 2, true, 'warn', 'warn'],
    ['medium', 2, false, 'warn', 'warn'],
    ['low', 2, true, 'info', 'info'],
    ['low', 2, false, 'info', 'info'],
    ['info', 2, false, 'info', 'info'],
    ['high', 1, true, 'warn', 'block'],
    ['high', 1, false, 'warn', 'warn'],
    ['medium', 1, true, 'warn', 'warn'],
    ['medium', 1, false, 'warn', 'warn'],
    ['low', 1, true, 'info', 'info'],
    ['low', 1, false, 'info', 'info'],
  ];
  it('a severity Bandit does not define (CRITICAL, " HIGH") is unknown-severity, not info (fail closed)', () => {
    // Found by a hostile-input review: it fell through every threshold to info, so phase 2 passed
    // a HIGH-looking finding in a critical path.
    const odd = (raw: string) => finding('bandit', 'unknown', 'app/auth/login.py', { rawSeverity: raw });
    const r = evaluate([input('bandit', [odd('CRITICAL'), odd(' HIGH')])], { settings: parseSettings([{ phase: '2' }]), now: NOW, unknownExplained: true });
    expect(r.tools[0]!.findings.map((f) => [f.effectiveSeverity, f.disposition])).toEqual([['high', 'block'], ['high', 'block']]);
    expect(r.verdict).toBe('block');
    expect(r.notices.join('\n')).toContain('Bandit: 2 findings have severities the tool does not define and are treated as high (unknown-severity; fail closed).');
    const low = evaluate([input('bandit', [odd('CRITICAL')])], { settings: parseSettings([{ phase: '2', 'unknown-severity': 'low' }]), now: NOW });
    expect(low.tools[0]!.findings[0]!.disposition).toBe('info');
  });
  it.each(table)('%s in phase %i, critical=%s -> %s (phase 2: %s)', (sev, phase, critical, disp, p2) => {
    const settings = parseSettings([{ phase: String(phase) }]);
    const path = critical ? 'app/auth/login.py' : 'app/views/home.py';
    const r = evaluate([input('bandit', [finding('bandit', sev, path)])], { settings, now: NOW });
    const f = r.tools[0]!.findings[0]!;
    expect(f.disposition).toBe(disp);
    expect(f.phase2Action).toBe(p2);
    if (critical && sev === 'high') expect(f.reason).toContain('critical path (**/auth/**)');
  });
});

describe('pip-audit thresholds', () => {
  const table: Array<[Severity, 1 | 2, string]> = [
    ['critical', 2, 'block'],
    ['high', 2, 'block'],
    ['medium', 2, 'warn'],
    ['low', 2, 'warn'],
    ['critical', 1, 'warn'],
    ['high', 1, 'warn'],
    ['medium', 1, 'warn'],
    ['low', 1, 'warn'],
  ];
  it.each(table)('%s in phase %i -> %s', (sev, phase, disp) => {
    const settings = parseSettings([{ phase: String(phase) }]);
    const r = evaluate([input('pip-audit', [finding('pip-audit', sev)])], { settings, now: NOW });
    expect(r.tools[0]!.findings[0]!.disposition).toBe(disp);
  });
  it('treats unknown severity as unknown-severity (high by default) and says so', () => {
    const r = evaluate([input('pip-audit', [finding('pip-audit', 'unknown')])], { settings: parseSettings([{ phase: '2' }]), now: NOW });
    const f = r.tools[0]!.findings[0]!;
    expect(f.effectiveSeverity).toBe('high');
    expect(f.disposition).toBe('block');
    expect(f.reason).toContain('severity unknown, treated as high');
    expect(r.tools[0]!.severity.unknown).toBe(1);
    expect(r.notices.join('\n')).toContain('treated as high');
    const low = evaluate([input('pip-audit', [finding('pip-audit', 'unknown')])], { settings: parseSettings([{ phase: '2', 'unknown-severity': 'low' }]), now: NOW });
    expect(low.tools[0]!.findings[0]!.disposition).toBe('warn');
  });
});

describe('verdict and should-fail', () => {
  const high = () => input('bandit', [finding('bandit', 'high', 'src/auth/x.py')]);
  it('phase 1 never blocks: warn, would-block counted', () => {
    const r = evaluate([high()], { settings: parseSettings([{}]), now: NOW });
    expect(r.verdict).toBe('warn');
    expect(r.shouldFail).toBe(false);
    expect(r.totals.wouldBlock).toBe(1);
    expect(r.totals.block).toBe(0);
    expect(headlineFor(r)).toContain('would block in phase 2');
  });
  it('phase 2 blocks', () => {
    const r = evaluate([high()], { settings: parseSettings([{ phase: '2' }]), now: NOW });
    expect([r.verdict, r.shouldFail, r.totals.block]).toEqual(['block', true, 1]);
  });
  it('phase-2-tools promote one tool only', () => {
    const s = parseSettings([{ 'phase-2-tools': 'pip-audit' }]);
    const r = evaluate([high(), input('pip-audit', [finding('pip-audit', 'critical')])], { settings: s, now: NOW });
    expect(r.tools.map((t) => [t.tool, t.phase, t.counts.block])).toEqual([
      ['bandit', 1, 0],
      ['pip-audit', 2, 1],
    ]);
    expect(r.verdict).toBe('block');
  });
  it('auto switches on phase-2-from', () => {
    expect(basePhase(parseSettings([{ phase: 'auto', 'phase-2-from': '2026-11-29' }]), NOW)).toBe(2);
    expect(basePhase(parseSettings([{ phase: 'auto', 'phase-2-from': '2026-11-30' }]), NOW)).toBe(1);
  });
  it('a missing report is an error; should-fail only in phase 2', () => {
    const p1 = evaluate([input('bandit', [], 'missing')], { settings: parseSettings([{}]), now: NOW });
    expect([p1.verdict, p1.shouldFail]).toEqual(['error', false]);
    const p2 = evaluate([input('bandit', [], 'missing')], { settings: parseSettings([{ phase: '2' }]), now: NOW });
    expect([p2.verdict, p2.shouldFail]).toEqual(['error', true]);
    const warn = evaluate([input('bandit', [], 'missing')], { settings: parseSettings([{ 'on-missing-report': 'warn' }]), now: NOW });
    expect(warn.verdict).toBe('warn');
    const ignore = evaluate([input('bandit', [], 'missing')], { settings: parseSettings([{ 'on-missing-report': 'ignore' }]), now: NOW });
    expect(ignore.verdict).toBe('pass');
  });
  it('an unreadable report is an error whatever on-missing-report says', () => {
    const r = evaluate([input('bandit', [], 'error')], { settings: parseSettings([{ 'on-missing-report': 'ignore' }]), now: NOW });
    expect(r.verdict).toBe('error');
  });
  it('a phase-1 error does not hide phase-2 blocks (fail closed)', () => {
    const s = parseSettings([{ 'phase-2-tools': 'pip-audit' }]);
    const r = evaluate([input('bandit', [], 'error'), input('pip-audit', [finding('pip-audit', 'high')])], { settings: s, now: NOW });
    expect(r.verdict).toBe('error');
    expect(r.shouldFail).toBe(true);
  });
  it('pass when nothing warns', () => {
    const r = evaluate([input('bandit', [finding('bandit', 'low', 'a.py')])], { settings: parseSettings([{ phase: '2' }]), now: NOW });
    expect([r.verdict, r.shouldFail, r.totals.info]).toEqual(['pass', false, 1]);
  });
  it('policy thresholds override the defaults, per phase', () => {
    const s = parseSettings([{ phase: '1', thresholds: { bandit: { default: { medium: 'info' }, 'phase-1': { default: { high: 'info' } } } } }]);
    const r = evaluate([input('bandit', [finding('bandit', 'medium', 'a.py'), finding('bandit', 'high', 'b.py')])], { settings: s, now: NOW });
    expect(r.tools[0]!.findings.map((f) => f.disposition).sort()).toEqual(['info', 'info']);
    expect(r.verdict).toBe('pass');
  });
  it('waived findings neither block nor warn', () => {
    const r = evaluate([high()], { settings: parseSettings([{ phase: '2' }]), now: NOW, waive: () => ({ id: 'W1', owner: 'a', expires: '2027-01-01', reasonCategory: 'false-positive' }) });
    expect([r.verdict, r.totals.waived, r.totals.block, r.totals.wouldBlock]).toEqual(['pass', 1, 0, 0]);
  });
});

describe('changed files (deptry / vulture)', () => {
  it('blocks in touched files in phase 2, info elsewhere, everything new when the change is unknown', () => {
    const fs = [finding('vulture', 'low', 'src/a.py'), finding('vulture', 'low', 'src/b.py')];
    const change = { known: true, isTouched: (p: string) => p === 'src/a.py' };
    const r = evaluate([input('vulture', fs)], { settings: parseSettings([{ phase: '2' }]), now: NOW, change });
    const byPath = Object.fromEntries(r.tools[0]!.findings.map((f) => [f.location!.path, f.disposition]));
    expect(byPath).toEqual({ 'src/a.py': 'block', 'src/b.py': 'info' });
    const unknown = evaluate([input('vulture', fs)], { settings: parseSettings([{ phase: '2' }]), now: NOW, change: { known: false, reason: 'no base', isTouched: () => true } });
    expect(unknown.tools[0]!.counts.block).toBe(2);
    expect(unknown.notices.join(' ')).toMatch(/every finding counts as new/i);
  });
  it('says the change is unknown for a tool judged by an `unchanged` or a phase-1 `changed` scope too (a review)', () => {
    const fs = [finding('bandit', 'low', 'src/a.py')];
    const unknownChange = { known: false as const, reason: 'no base', isTouched: () => true };
    for (const bandit of [{ unchanged: { low: 'info' } }, { 'phase-1': { changed: { low: 'warn' } } }]) {
      const r = evaluate([input('bandit', fs)], { settings: parseSettings([{ thresholds: { bandit } }]), now: NOW, change: unknownChange });
      expect(r.notices.join(' ')).toMatch(/The change under review is unknown: no base\. Every finding counts as new/);
    }
    // A tool that is not judged by the change says nothing of it.
    expect(evaluate([input('bandit', fs)], { settings: parseSettings([{}]), now: NOW, change: unknownChange }).notices.join(' ')).not.toMatch(/change under review/);
  });
});

describe('critical paths', () => {
  // The matcher tests picomatch's regex directly (no result object per call): it must answer as
  // picomatch's own matcher does, and name the first glob that matches.
  const globs = [...DEFAULT_CRITICAL_PATHS, 'src/payments/**', '*.py', 'a/[bc]/?.py', 'docs/{x,y}/**', '!(tests)/**', 'exact[1].py'];
  const segment = fc.constantFrom('auth', 'authn', 'login.py', 'x_auth_y.py', 'security', 'permissions.py', 'crypto', 'src', 'payments', 'a', 'b', 'c', 'd.py', 'docs', 'x', 'tests', '.hidden', 'exact[1].py', 'exact1.py', 'é', '');
  const path = fc.array(segment, { minLength: 0, maxLength: 5 }).map((s) => s.join('/'));

  it('answers as picomatch does for every glob and path', () => {
    const reference = globs.map((g) => ({ g, m: picomatch(g, { dot: true, nocase: false }) }));
    fc.assert(
      fc.property(path, fc.subarray(globs, { minLength: 0 }), (p, chosen) => {
        const ours = criticalPathMatcher(chosen)(p);
        const theirs = reference.filter((r) => chosen.includes(r.g)).find((r) => p !== '' && r.m(p))?.g;
        return ours === (chosen.find((g) => g === theirs) ?? undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('names the first matching glob; the empty path matches none', () => {
    const m = criticalPathMatcher(['**/auth/**', '**/*.py']);
    expect(m('app/auth/views.py')).toBe('**/auth/**');
    expect(m('app/views.py')).toBe('**/*.py');
    expect(m('.github/x.py')).toBe('**/*.py');
    expect(m('README.md')).toBeUndefined();
    expect(m('')).toBeUndefined();
  });
});

describe('reasons', () => {
  it('reads as severity, scope and action, in ASCII', () => {
    const settings = parseSettings([{ phase: '2' }]);
    const r = evaluate([input('bandit', [finding('bandit', 'high', 'app/auth/login.py', { rawSeverity: 'HIGH' }), finding('bandit', 'low', 'app/views.py', { rawSeverity: 'LOW' })])], { settings, now: NOW });
    expect(r.tools[0]!.findings.map((f) => f.reason)).toEqual(['Bandit HIGH in a critical path (**/auth/**) -> block', 'Bandit LOW -> info']);
    const change = { known: true, isTouched: (p: string) => p === 'src/a.py' };
    const v = evaluate([input('vulture', [finding('vulture', 'low', 'src/a.py'), finding('vulture', 'low', 'src/b.py')])], { settings, now: NOW, change });
    expect(v.tools[0]!.findings.map((f) => f.reason)).toEqual(['vulture low in a file this change touches -> block', 'vulture low existing debt: file not touched -> info']);
  });

  // evaluate works a reason out once per run of findings in one file and per severity pair; a
  // finding must get the reason it gets when evaluated alone, whatever comes before it.
  it('are the ones each finding gets alone, in any order of paths and severities', () => {
    const tools: ToolId[] = ['bandit', 'pip-audit', 'vulture', 'deptry'];
    const paths = ['app/auth/a.py', 'app/views.py', 'src/touched.py', 'src/other.py', undefined];
    const one = fc.record({
      sev: fc.constantFrom<Severity>('critical', 'high', 'medium', 'low', 'info', 'unknown'),
      raw: fc.constantFrom(undefined, 'HIGH', 'MEDIUM', 'LOW', 'weird'),
      path: fc.constantFrom(...paths),
    });
    fc.assert(
      fc.property(fc.constantFrom(...tools), fc.array(one, { maxLength: 30 }), fc.constantFrom('1', '2'), fc.constantFrom('none', 'known', 'unknown'), (tool, specs, phase, changeKind) => {
        const settings = parseSettings([{ phase }]);
        const change =
          changeKind === 'none' ? undefined : changeKind === 'known' ? { known: true, isTouched: (p: string) => p.startsWith('src/touched') } : { known: false, reason: 'no base', isTouched: () => true };
        const fs = specs.map((s) => finding(tool, s.sev, s.path, s.raw === undefined ? {} : { rawSeverity: s.raw }));
        const together = evaluate([input(tool, fs)], { settings, now: NOW, change }).tools[0]!.findings;
        for (const f of together) {
          const alone = evaluate([input(tool, [fs.find((x) => x.fingerprint === f.fingerprint)!])], { settings, now: NOW, change }).tools[0]!.findings[0]!;
          expect([f.reason, f.disposition, f.phase2Action]).toEqual([alone.reason, alone.disposition, alone.phase2Action]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
