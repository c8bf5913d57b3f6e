import { describe, expect, it } from '@jest/globals';
import { alignAddedLines, approvalCode, createWaiverSession, touchedWaivers, waiversToVerify, type WaiverSessionOptions } from '../../src/waivers/evaluate.js';
import type { Waiver } from '../../src/waivers/types.js';
import { evaluated, waiver } from './helpers.js';

const NOW = new Date('2026-11-29T12:00:00Z');
const APPROVERS = { security: ['sec-sam', 'acme/security'], senior: ['senior-sue'] };

function session(waivers: Waiver[], over: Partial<WaiverSessionOptions> = {}) {
  return createWaiverSession({ file: 'w.md', waivers, approvers: APPROVERS, now: NOW, ...over });
}

describe('matching per tool', () => {
  it('pip-audit: the id or any alias, case-insensitive; package when given', () => {
    const w = waiver('pip-audit', { id: 'cve-2023-43804', package: 'URLLib3' });
    const s = session([w]);
    const hit = evaluated('pip-audit', { ruleId: 'GHSA-v845-jxx5-vc9f', aliases: ['CVE-2023-43804'], package: { name: 'urllib3' }, severity: 'low' });
    const otherPkg = evaluated('pip-audit', { ruleId: 'GHSA-v845-jxx5-vc9f', aliases: ['CVE-2023-43804'], package: { name: 'requests' }, severity: 'low' });
    expect(s.waive(hit)?.id).toBe(w.id);
    expect(s.waive(otherPkg)).toBeUndefined();
    const byId = session([waiver('pip-audit', { id: 'GHSA-V845-JXX5-VC9F' })]);
    expect(byId.waive(hit)).toBeDefined();
  });

  it('bandit: test id + path glob (+ line within the node\'s lines)', () => {
    const s = session([waiver('bandit', { test: 'B101', path: 'tests/**' }), waiver('bandit', { test: 'B602', path: 'tools/*.py', line: '12' })]);
    expect(s.waive(evaluated('bandit', { ruleId: 'B101', location: { path: 'tests/unit/test_x.py', line: 3 } }))).toBeDefined();
    expect(s.waive(evaluated('bandit', { ruleId: 'B101', location: { path: 'src/x.py', line: 3 } }))).toBeUndefined();
    expect(s.waive(evaluated('bandit', { ruleId: 'B102', location: { path: 'tests/x.py', line: 3 } }))).toBeUndefined();
    expect(s.waive(evaluated('bandit', { ruleId: 'B602', location: { path: 'tools/run.py', line: 10, endLine: 14 } }))).toBeDefined();
    expect(s.waive(evaluated('bandit', { ruleId: 'B602', location: { path: 'tools/run.py', line: 13 } }))).toBeUndefined();
    expect(s.waive(evaluated('bandit', { ruleId: 'B602', location: { path: 'tools/sub/run.py', line: 12 } }))).toBeUndefined();
  });

  it('gitleaks: rule + path glob or fingerprint (with or without the commit)', () => {
    const verified = { verifiedNotSecret: true };
    const s = session([
      waiver('gitleaks', { rule: 'generic-api-key', path: 'tests/fixtures/**' }, verified),
      waiver('gitleaks', { rule: 'jwt', fingerprint: 'docs/a.md:jwt:4' }, verified),
    ]);
    expect(s.waive(evaluated('gitleaks', { ruleId: 'generic-api-key', location: { path: 'tests/fixtures/k.txt', line: 1 } }))).toBeDefined();
    expect(s.waive(evaluated('gitleaks', { ruleId: 'generic-api-key', location: { path: 'src/k.py', line: 1 } }))).toBeUndefined();
    expect(s.waive(evaluated('gitleaks', { ruleId: 'jwt', fingerprint: 'abc123f:docs/a.md:jwt:4', location: { path: 'docs/a.md', line: 4 }, extra: { commit: 'abc123f' } }))).toBeDefined();
    expect(s.waive(evaluated('gitleaks', { ruleId: 'jwt', fingerprint: 'docs/a.md:jwt:4' }))).toBeDefined();
    expect(s.waive(evaluated('gitleaks', { ruleId: 'jwt', fingerprint: 'docs/a.md:jwt:5' }))).toBeUndefined();
  });

  it('gitleaks: a fingerprint without the commit is the finding\'s own commit and the waiver\'s, not any fingerprint ending so', () => {
    // A pull request adds a secret to a file named `x:docs/a.md`, on line 4: gitleaks fingerprints it
    // `<commit>:x:docs/a.md:jwt:4`, which ends with the waived `:docs/a.md:jwt:4` (found by review).
    const s = session([waiver('gitleaks', { rule: 'jwt', fingerprint: 'docs/a.md:jwt:4' }, { verifiedNotSecret: true })]);
    const commit = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
    const leak = (path: string, c = commit) => evaluated('gitleaks', { ruleId: 'jwt', fingerprint: `${c}:${path}:jwt:4`, location: { path, line: 4 }, extra: { commit: c.slice(0, 7) } });
    expect(s.waive(leak('docs/a.md'))).toBeDefined();
    expect(s.waive(leak('x:docs/a.md'))).toBeUndefined();
    expect(s.waive(leak('c0ffee:docs/a.md'))).toBeUndefined();
    // Without git (gitleaks dir mode) fingerprints have no commit: a file under `cafe:docs/` is not
    // one (second review).
    expect(s.waive(evaluated('gitleaks', { ruleId: 'jwt', fingerprint: 'docs/a.md:jwt:4', location: { path: 'docs/a.md', line: 4 } }))).toBeDefined();
    expect(s.waive(evaluated('gitleaks', { ruleId: 'jwt', fingerprint: 'cafe:docs/a.md:jwt:4', location: { path: 'cafe:docs/a.md', line: 4 } }))).toBeUndefined();
    // A waiver with its commit covers that commit's copy only, not a file named `<commit>:docs/a.md`.
    const pinned = session([waiver('gitleaks', { rule: 'jwt', fingerprint: `${commit}:docs/a.md:jwt:4` }, { verifiedNotSecret: true })]);
    expect(pinned.waive(leak('docs/a.md'))).toBeDefined();
    expect(pinned.waive(leak(`${commit}:docs/a.md`, 'd'.repeat(40)))).toBeUndefined();
    expect(pinned.waive(leak('docs/a.md', 'd'.repeat(40)))).toBeUndefined();
  });

  it('deptry code + module; vulture name + path; secret-scan file + line', () => {
    const s = session([
      waiver('deptry', { code: 'DEP002', module: 'gunicorn' }),
      waiver('vulture', { name: 'on_event', path: 'src/hooks/*.py' }),
      waiver('secret-scan', { file: 'config/dev.env', line: '3' }, { verifiedNotSecret: true }),
    ]);
    expect(s.waive(evaluated('deptry', { ruleId: 'DEP002', extra: { module: 'gunicorn' } }))).toBeDefined();
    expect(s.waive(evaluated('deptry', { ruleId: 'DEP001', extra: { module: 'gunicorn' } }))).toBeUndefined();
    expect(s.waive(evaluated('vulture', { ruleId: 'unused-function', extra: { name: 'on_event' }, location: { path: 'src/hooks/a.py', line: 9 } }))).toBeDefined();
    expect(s.waive(evaluated('vulture', { ruleId: 'unused-function', extra: { name: 'other' }, location: { path: 'src/hooks/a.py', line: 9 } }))).toBeUndefined();
    expect(s.waive(evaluated('secret-scan', { ruleId: 'keyword-assignment', location: { path: 'config/dev.env', line: 3 } }))).toBeDefined();
    expect(s.waive(evaluated('secret-scan', { ruleId: 'keyword-assignment', location: { path: 'config/dev.env', line: 4 } }))).toBeUndefined();
  });

  it('a path glob matches only findings placed in the repository, not one kept as written outside it (found by a waivers review)', () => {
    // The engine keeps a path it cannot place in the repository as the report wrote it (an
    // absolute path of another machine, one climbing out with `..`) and counts it as outside
    // (fail closed). A waiver's glob is repository-relative, yet picomatch's `**` matched
    // `/opt/build/src/app.py`, and `@(..)/x.py` or `[.][.]/x.py` matched `../x.py`.
    const verified = { verifiedNotSecret: true };
    const s = session([
      waiver('bandit', { test: 'B602', path: '**' }),
      waiver('bandit', { test: 'B603', path: '@(..)/x.py' }),
      waiver('bandit', { test: 'B604', path: '[.][.]/x.py' }),
      waiver('gitleaks', { rule: 'jwt', path: '**/*.py' }, verified),
      waiver('vulture', { name: 'helper', path: '**' }),
    ]);
    const bandit = (ruleId: string, path: string) => evaluated('bandit', { ruleId, location: { path, line: 3 } });
    expect(s.waive(bandit('B602', 'src/app.py'))).toBeDefined();
    expect(s.waive(bandit('B602', '/opt/build/src/app.py'))).toBeUndefined();
    expect(s.waive(bandit('B602', 'C:/build/src/app.py'))).toBeUndefined();
    expect(s.waive(bandit('B602', 'C:\\build\\src\\app.py'))).toBeUndefined();
    expect(s.waive(bandit('B603', '../x.py'))).toBeUndefined();
    expect(s.waive(bandit('B604', '../x.py'))).toBeUndefined();
    expect(s.waive(evaluated('gitleaks', { ruleId: 'jwt', location: { path: 'src/k.py', line: 1 } }))).toBeDefined();
    expect(s.waive(evaluated('gitleaks', { ruleId: 'jwt', location: { path: '/home/me/k.py', line: 1 } }))).toBeUndefined();
    expect(s.waive(evaluated('vulture', { ruleId: 'unused-function', extra: { name: 'helper' }, location: { path: '/srv/app/util.py', line: 9 } }))).toBeUndefined();
  });

  it('several waivers match: the first in file order that applies wins (ids and aliases alike)', () => {
    const byAlias = waiver('pip-audit', { id: 'CVE-2025-1' }, { id: 'first' });
    const byId = waiver('pip-audit', { id: 'GHSA-aaaa-bbbb-cccc' }, { id: 'second' });
    const f = evaluated('pip-audit', { ruleId: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2025-1'], severity: 'low' });
    expect(session([byAlias, byId]).waive(f)?.id).toBe('first');
    expect(session([byId, byAlias]).waive(f)?.id).toBe('second');
  });

  it('a waiver never crosses tools', () => {
    const s = session([waiver('bandit', { test: 'B101', path: '**' })]);
    expect(s.waive(evaluated('vulture', { ruleId: 'B101', location: { path: 'a.py', line: 1 } }))).toBeUndefined();
  });
});

describe('approval rules', () => {
  const pipHigh = () => evaluated('pip-audit', { ruleId: 'GHSA-aaaa-bbbb-cccc', severity: 'high' });
  const pipUnknownAsHigh = () => evaluated('pip-audit', { ruleId: 'GHSA-aaaa-bbbb-cccc', severity: 'unknown' }, 'high');
  const pipMedium = () => evaluated('pip-audit', { ruleId: 'GHSA-aaaa-bbbb-cccc', severity: 'medium' });
  const banditHigh = () => evaluated('bandit', { ruleId: 'B602', severity: 'high', rawSeverity: 'HIGH', location: { path: 'a.py', line: 1 } });
  const banditMedium = () => evaluated('bandit', { ruleId: 'B602', severity: 'medium', location: { path: 'a.py', line: 1 } });
  const pipW = (approvers: string[]) => waiver('pip-audit', { id: 'GHSA-aaaa-bbbb-cccc' }, { approvers });
  const banW = (approvers: string[]) => waiver('bandit', { test: 'B602', path: '*.py' }, { approvers });

  const table: Array<[string, () => Waiver, () => ReturnType<typeof evaluated>, boolean, RegExp | undefined]> = [
    ['pip-audit high, 2 approvers incl. security', () => pipW(['dev-dan', 'sec-sam']), pipHigh, true, undefined],
    ['pip-audit high, 2 approvers, no security', () => pipW(['dev-dan', 'senior-sue']), pipHigh, false, /pip-audit high needs 2 approvers, one of them a security approver; has 2 approvers, 0 security/],
    ['pip-audit high, 1 security approver only', () => pipW(['sec-sam']), pipHigh, false, /has 1 approver, 1 security/],
    ['pip-audit critical, same rule', () => pipW(['sec-sam']), () => evaluated('pip-audit', { ruleId: 'GHSA-aaaa-bbbb-cccc', severity: 'critical' }), false, /pip-audit critical needs 2 approvers/],
    ['pip-audit unknown treated as high: the high rule', () => pipW(['dev-dan']), pipUnknownAsHigh, false, /pip-audit high needs/],
    ['pip-audit medium, 1 approver', () => pipW(['dev-dan']), pipMedium, true, undefined],
    ['Bandit HIGH, security approver', () => banW(['sec-sam']), banditHigh, true, undefined],
    ['Bandit HIGH, senior approver', () => banW(['senior-sue']), banditHigh, true, undefined],
    ['Bandit HIGH, plain approver', () => banW(['dev-dan']), banditHigh, false, /Bandit HIGH needs a security or senior approver; none of @dev-dan is one/],
    ['Bandit MEDIUM, plain approver', () => banW(['dev-dan']), banditMedium, true, undefined],
    ['no approvers at all', () => banW([]), banditMedium, false, /no approvers/],
    ['logins compare case-insensitively', () => pipW(['Dev-Dan', 'SEC-SAM']), pipHigh, true, undefined],
  ];
  it.each(table)('%s', (_n, mk, f, applies, why) => {
    const w = mk();
    const s = session([w]);
    expect(s.waive(f()) !== undefined).toBe(applies);
    const e = s.report().waivers[0]!;
    if (applies) {
      expect(e.state).not.toBe('invalid');
      expect(e.matched).toBe(1);
    } else {
      expect(e.state).toBe('invalid');
      expect(e.unapplied).toBe(1);
      expect(e.problems.join('; ')).toMatch(why!);
    }
  });

  it('the same listed person counts once (two distinct approvers needed)', () => {
    const s = session([pipW(['sec-sam', 'Sec-Sam'])].map((w) => ({ ...w, approvers: ['sec-sam'] })));
    expect(s.waive(pipHigh())).toBeUndefined();
  });

  it('mixed severities: waives what its approvals cover, lists the rest as the reason it is invalid', () => {
    const w = banW(['dev-dan']);
    const s = session([w]);
    expect(s.waive(banditMedium())).toBeDefined();
    expect(s.waive(banditHigh())).toBeUndefined();
    const e = s.report().waivers[0]!;
    expect(e).toMatchObject({ state: 'invalid', matched: 1, unapplied: 1 });
    expect(s.report().notices[0]).toMatch(/is invalid and applies only to the 1 finding whose rule it meets: Bandit HIGH needs/);
  });

  it('a secret waiver must say it was verified not to be a real secret', () => {
    const f = evaluated('gitleaks', { ruleId: 'jwt', location: { path: 'docs/a.md', line: 1 } });
    const no = session([waiver('gitleaks', { rule: 'jwt', path: 'docs/**' })]);
    expect(no.waive(f)).toBeUndefined();
    expect(no.report().waivers[0]?.problems).toEqual(['a secret waiver must say the value was verified not to be a real secret (verified: yes)']);
    const no2 = session([waiver('gitleaks', { rule: 'jwt', path: 'docs/**' }, { verifiedNotSecret: false })]);
    expect(no2.waive(f)).toBeUndefined();
    const yes = session([waiver('gitleaks', { rule: 'jwt', path: 'docs/**' }, { verifiedNotSecret: true })]);
    expect(yes.waive(f)).toBeDefined();
  });

  it('approval date missing or in the future makes a waiver invalid', () => {
    const f = banditMedium();
    const { approved: _drop, ...noDate } = banW(['dev-dan']);
    expect(session([noDate]).waive(f)).toBeUndefined();
    const future = session([{ ...banW(['dev-dan']), approved: '2026-11-30' }]);
    expect(future.waive(f)).toBeUndefined();
    expect(future.report().waivers[0]?.problems).toEqual(['approval date 2026-11-30 is in the future']);
    // Approved "today" in UTC is fine even when it is already tomorrow in Tokyo.
    expect(session([{ ...banW(['dev-dan']), approved: '2026-11-29' }]).waive(f)).toBeDefined();
  });

  describe('team membership', () => {
    it('a member of a listed security team counts as security', () => {
      const s = session([pipW(['dev-dan', 'tina'])], { membership: (team, login) => (team === 'acme/security' && login === 'tina' ? { state: 'member' } : { state: 'not-member' }) });
      expect(s.waive(pipHigh())).toBeDefined();
    });
    it('membership that cannot be read is said plainly and does not count', () => {
      const s = session([pipW(['dev-dan', 'tina'])], { membership: () => ({ state: 'unknown', reason: 'the token may not read acme/security membership (HTTP 403)' }) });
      expect(s.waive(pipHigh())).toBeUndefined();
      expect(s.report().waivers[0]?.problems[0]).toMatch(/cannot tell whether @tina is in acme\/security: the token may not read acme\/security membership \(HTTP 403\)/);
    });
    it('membership not looked up at all (no token) is said too', () => {
      const s = session([banW(['tina'])]);
      expect(s.waive(banditHigh())).toBeUndefined();
      expect(s.report().waivers[0]?.problems[0]).toMatch(/cannot tell whether @tina is in acme\/security: team membership was not looked up \(no token\)/);
    });
  });
});

describe('four eyes: the owner does not approve their own waiver', () => {
  it('an approver who is the owner does not count; the others do', () => {
    const dep = () => evaluated('deptry', { ruleId: 'DEP001', extra: { module: 'x' } });
    const alone = session([waiver('deptry', { code: 'DEP001', module: 'x' }, { owner: '@Mallory', approvers: ['mallory'] })]);
    expect(alone.waive(dep())).toBeUndefined();
    expect(alone.report().waivers[0]?.problems).toContain('@Mallory owns the waiver and cannot approve it');
    const withOther = session([waiver('deptry', { code: 'DEP001', module: 'x' }, { owner: '@mallory', approvers: ['mallory', 'dev-dan'] })]);
    expect(withOther.waive(dep())).toBeDefined();
    const team = session([waiver('deptry', { code: 'DEP001', module: 'x' }, { owner: '@acme/api-team', approvers: ['dev-dan'] })]);
    expect(team.waive(dep())).toBeDefined();
  });
  it.each(['@mallory (auth lead)', '@bob, @Mallory', 'mallory', 'mallory (auth lead)', 'Mallory <mallory@acme.io>', 'mallory, auth lead'])('every login of the owner cell is left out (%s)', (owner) => {
    const dep = () => evaluated('deptry', { ruleId: 'DEP001', extra: { module: 'x' } });
    const s = session([waiver('deptry', { code: 'DEP001', module: 'x' }, { owner, approvers: ['mallory'] })]);
    expect(s.waive(dep())).toBeUndefined();
  });
});

describe('verified approvals (WAIVER APPROVED comments)', () => {
  const f = () => evaluated('pip-audit', { ruleId: 'GHSA-aaaa-bbbb-cccc', severity: 'high' });
  const w = () => waiver('pip-audit', { id: 'GHSA-aaaa-bbbb-cccc' }, { id: 'W-7', approvers: ['dev-dan', 'sec-sam'] });
  // Every approver without a role may write to the repository (looked up by the shell).
  const writer = () => ({ writes: true });

  it('each approver must have commented the waiver\'s approval code', () => {
    const code = approvalCode(w());
    expect(code).toMatch(/^W-7@[0-9a-f]{32}$/);
    const ok = session([w()], { verification: { access: writer, comments: [{ login: 'dev-dan', reason: `${code} fine` }, { login: 'SEC-SAM', reason: `mitigated by the proxy (${code.toUpperCase()})` }] } });
    expect(ok.waive(f())).toBeDefined();
    expect(ok.report().verification).toEqual({ requested: true, applied: true, note: 'approvals checked against `WAIVER APPROVED:` comments on the pull request' });
    const short = session([w()], { verification: { access: writer, comments: [{ login: 'dev-dan', reason: `${code} fine` }, { login: 'sec-sam', reason: 'W-7 mitigated by the proxy' }] } });
    expect(short.waive(f())).toBeUndefined();
    expect(short.report().waivers[0]?.problems[0]).toBe(`@sec-sam did not approve this waiver as it reads on this pull request (each approver comments \`WAIVER APPROVED: ${code} <reason>\`; the code changes whenever the row does)`);
  });

  it('the pull request\'s author does not approve its waivers (found by a hostile-input review)', () => {
    const dep = () => evaluated('deptry', { ruleId: 'DEP001', extra: { module: 'x' } });
    const own = waiver('deptry', { code: 'DEP001', module: 'x' }, { id: 'W-9', owner: '@acme/api-team', approvers: ['Mallory'] });
    const comments = [{ login: 'mallory', reason: `${approvalCode(own)} looks fine to me` }];
    const self = session([own], { verification: { access: writer, comments, author: 'mallory' } });
    expect(self.waive(dep())).toBeUndefined();
    expect(self.report().waivers[0]?.problems).toContain('@mallory opened this pull request and cannot approve its waivers');
    const other = session([own], { verification: { access: writer, comments, author: 'dev-dan' } });
    expect(other.waive(dep())).toBeDefined();
  });

  it('a comment approves exactly the codes it names, wherever they stand in it', () => {
    const other = waiver('deptry', { code: 'DEP002', module: 'x' }, { id: 'W-8', approvers: ['sec-sam', 'dev-dan'] });
    const dep2 = () => evaluated('deptry', { ruleId: 'DEP002', extra: { module: 'x' } });
    const s = session([w(), other], { verification: { access: writer, comments: [{ login: 'dev-dan', reason: `fine, approving ${approvalCode(w())}.` }, { login: 'sec-sam', reason: `${approvalCode(other)}, ${approvalCode(w())}` }] } });
    expect(s.waive(f())).toBeDefined();
    expect(s.waive(dep2())).toBeUndefined();
    // A comment naming no code approves nothing (it used to approve every waiver listing its author).
    const none = session([other], { verification: { access: writer, comments: [{ login: 'dev-dan', reason: 'all fine' }, { login: 'sec-sam', reason: 'ok' }] } });
    expect(none.waive(dep2())).toBeUndefined();
    // Part of a longer token is not the code.
    const glued = session([other], { verification: { access: writer, comments: [{ login: 'dev-dan', reason: `x${approvalCode(other)}` }, { login: 'sec-sam', reason: `${approvalCode(other)}0` }] } });
    expect(glued.waive(dep2())).toBeUndefined();
  });

  it('an approval is of the row as it read: a waiver changed or put in its place after the comments is not approved (found by review)', () => {
    // The approvers approved W-7, a low-severity waiver, by its code.
    const low = waiver('pip-audit', { id: 'GHSA-aaaa-bbbb-cccc' }, { id: 'W-7', approvers: ['dev-dan', 'sec-sam'] });
    const comments = [
      { login: 'dev-dan', reason: `${approvalCode(low)} ok` },
      { login: 'sec-sam', reason: `${approvalCode(low)} egress is filtered by the proxy` },
    ];
    expect(session([low], { verification: { access: writer, comments } }).waive(f())).toBeDefined();
    // The author then points W-7 at a critical CVE, or moves its expiry, or replaces it with W-8 for
    // that CVE: the same comments approve none of them.
    const critical = () => evaluated('pip-audit', { ruleId: 'CVE-2026-0001', severity: 'critical' });
    for (const changed of [
      { ...low, match: { tool: 'pip-audit' as const, id: 'cve-2026-0001' } },
      { ...low, expires: '2099-12-31' },
      { ...low, id: 'W-8', match: { tool: 'pip-audit' as const, id: 'cve-2026-0001' } },
      { ...low, id: 'proxy', match: { tool: 'pip-audit' as const, id: 'cve-2026-0001' } },
    ]) {
      const s = session([changed], { verification: { access: writer, comments } });
      expect(s.waive(critical())).toBeUndefined();
      expect(s.waive(f())).toBeUndefined();
    }
    // Where the row stands in the file is not part of it.
    expect(session([{ ...low, source: { file: 'w.md', line: 99, endLine: 99 } }], { verification: { access: writer, comments } }).waive(f())).toBeDefined();
  });

  it('an approver with no approver role counts only with write access to the repository (found by review)', () => {
    // The author lists a second account of theirs for a waiver no role rule covers (a deptry one here,
    // a live secret in the review) and has it comment the code.
    const own = waiver('deptry', { code: 'DEP001', module: 'x' }, { id: 'W-9', owner: '@acme/api-team', approvers: ['mallory-alt'] });
    const dep = () => evaluated('deptry', { ruleId: 'DEP001', extra: { module: 'x' } });
    const comments = [{ login: 'mallory-alt', reason: approvalCode(own) }];
    const outsider = session([own], { verification: { comments, access: () => ({ writes: false, reason: 'has read access to the repository, not write' }) } });
    expect(outsider.waive(dep())).toBeUndefined();
    expect(outsider.report().waivers[0]?.problems).toContain('@mallory-alt holds no approver role and has read access to the repository, not write: not counted');
    const unknown = session([own], { verification: { comments } });
    expect(unknown.waive(dep())).toBeUndefined();
    expect(unknown.report().waivers[0]?.problems).toContain('@mallory-alt holds no approver role and its access to the repository was not looked up: not counted');
    expect(session([own], { verification: { comments, access: writer } }).waive(dep())).toBeDefined();
    // A security or senior approver needs no lookup.
    const sec = waiver('deptry', { code: 'DEP001', module: 'x' }, { id: 'W-9', owner: '@acme/api-team', approvers: ['senior-sue'] });
    expect(session([sec], { verification: { comments: [{ login: 'senior-sue', reason: approvalCode(sec) }] } }).waive(dep())).toBeDefined();
  });

  it('only waivers the pull request touches need comments', () => {
    const touched = w();
    const old = { ...waiver('pip-audit', { id: 'GHSA-zzzz-zzzz-zzzz' }, { approvers: ['dev-dan', 'sec-sam'] }), source: { file: 'w.md', line: 40, endLine: 40 } };
    const t = { ...touched, source: { file: 'w.md', line: 12, endLine: 12 } };
    const s = session([t, old], { verification: { comments: [], appliesTo: touchedWaivers([t, old], [12]) } });
    expect(s.waive(f())).toBeUndefined();
    expect(s.waive(evaluated('pip-audit', { ruleId: 'GHSA-zzzz-zzzz-zzzz', severity: 'high' }))).toBeDefined();
  });

  it('comments that could not be read: waivers in scope do not apply (fail closed)', () => {
    const s = session([w()], { verification: { comments: [], unavailable: 'the token may not read this (HTTP 403)' } });
    expect(s.waive(f())).toBeUndefined();
    const r = s.report();
    expect(r.waivers[0]?.problems[0]).toBe('approvals could not be verified on the pull request: the token may not read this (HTTP 403)');
    expect(r.verification?.applied).toBe(false);
  });

  it('touchedWaivers: unknown change means all', () => {
    expect(touchedWaivers([], undefined)(w())).toBe(true);
  });

  it('waiversToVerify: only the waivers added lines fall in, when that is all the change does; else every one', () => {
    // Found by a governance review: removing the end of an HTML comment or a code fence, a `line:`
    // from a YAML match, or making the diff binary (`*.md -diff`, a NUL byte) brought waivers to
    // life with no added line in them, so none was verified.
    const a = { ...w(), source: { file: 'w.md', line: 10, endLine: 10 } };
    const b = { ...w(), source: { file: 'w.md', line: 20, endLine: 24 } };
    const picks = (change: Parameters<typeof waiversToVerify>[1]) => [a, b].map(waiversToVerify([a, b], change));
    const lines = (...n: number[]) => n.map((line) => ({ line, text: '' }));
    const modified = { status: 'modified', binary: false, deletedLines: 0 };
    expect(picks({ ...modified, addedLines: lines(22) })).toEqual([false, true]);
    expect(picks({ ...modified, addedLines: lines(10, 21) })).toEqual([true, true]);
    expect(picks('unchanged')).toEqual([false, false]);
    expect(picks(undefined)).toEqual([true, true]);
    expect(picks({ ...modified, deletedLines: 1, addedLines: lines(22) })).toEqual([true, true]); // a line removed
    expect(picks({ ...modified, addedLines: lines(22, 15) })).toEqual([true, true]); // a line added outside every waiver
    expect(picks({ status: 'modified', binary: true, addedLines: lines() })).toEqual([true, true]);
    expect(picks({ status: 'modified', binary: false, addedLines: lines(22) })).toEqual([true, true]); // git did not say
    expect(picks({ status: 'renamed', binary: false, deletedLines: 0, addedLines: lines() })).toEqual([true, true]);
  });
});

describe('expiry', () => {
  const f = () => evaluated('deptry', { ruleId: 'DEP002', extra: { module: 'x' } });
  const w = (expires: string) => waiver('deptry', { code: 'DEP002', module: 'x' }, { expires, approved: '2026-11-01' });
  const at = (iso: string, expires: string) => {
    const s = createWaiverSession({ file: 'w.md', waivers: [w(expires)], approvers: APPROVERS, now: new Date(iso) });
    const applied = s.waive(f()) !== undefined;
    return { applied, entry: s.report().waivers[0]! };
  };

  it('applies through the last second of the expiry day (UTC), not a millisecond later', () => {
    expect(at('2026-12-01T23:59:59.999Z', '2026-12-01')).toMatchObject({ applied: true, entry: { state: 'expiring', daysLeft: 0 } });
    expect(at('2026-12-02T00:00:00.000Z', '2026-12-01')).toMatchObject({ applied: false, entry: { state: 'expired', daysLeft: -1, unapplied: 1 } });
  });

  it('expires today still applies', () => {
    expect(at('2026-12-01T00:00:00Z', '2026-12-01').applied).toBe(true);
  });

  it('time zones: the instant decides, read in UTC', () => {
    // 20:00 in Los Angeles on Dec 1 is already Dec 2 in UTC: expired.
    expect(at('2026-12-01T20:00:00-08:00', '2026-12-01').applied).toBe(false);
    // 08:00 in Tokyo on Dec 2 is still Dec 1 in UTC: applies.
    expect(at('2026-12-02T08:00:00+09:00', '2026-12-01').applied).toBe(true);
  });

  it('warns within waiver-expiry-warning-days (inclusive), quiet beyond', () => {
    expect(at('2026-11-29T12:00:00Z', '2026-12-06').entry.state).toBe('expiring');
    expect(at('2026-11-29T12:00:00Z', '2026-12-07').entry.state).toBe('active');
    const s = createWaiverSession({ file: 'w.md', waivers: [w('2026-12-02')], approvers: APPROVERS, now: NOW, expiryWarningDays: 2 });
    s.waive(f());
    expect(s.report().waivers[0]?.state).toBe('active');
    expect(s.report().notices).toEqual([]);
  });

  it('waiver-max-days: a waiver running longer from its approval date does not apply, and says why', () => {
    const long = { ...w('9999-12-31'), approved: '2026-11-20' };
    const limited = createWaiverSession({ file: 'w.md', waivers: [long, { ...w('2027-02-18'), id: 'W-90', approved: '2026-11-20' }], approvers: APPROVERS, now: NOW, maxDays: 90 });
    expect(limited.waive(f())?.id).toBe('W-90');
    const r = limited.report();
    expect(r.waivers[0]).toMatchObject({ state: 'invalid' });
    expect(r.waivers[0]?.problems).toContain(`expires 9999-12-31, 2912119 days after its approval on 2026-11-20: longer than waiver-max-days (90)`);
    expect(r.waivers[1]).toMatchObject({ state: 'active' });
    // 91 days is one too many; no limit without the setting.
    expect(createWaiverSession({ file: 'w.md', waivers: [{ ...w('2027-02-19'), approved: '2026-11-20' }], approvers: APPROVERS, now: NOW, maxDays: 90 }).waive(f())).toBeUndefined();
    expect(createWaiverSession({ file: 'w.md', waivers: [long], approvers: APPROVERS, now: NOW }).waive(f())).toBeDefined();
  });

  it('expiring and expired notices', () => {
    const s = session([{ ...w('2026-12-01'), id: 'W-A' }, { ...w('2026-11-28'), id: 'W-B' }]);
    expect(s.waive(f())?.id).toBe('W-A');
    const r = s.report();
    expect(r.notices).toEqual([
      expect.stringMatching(/^Waiver W-A \(w\.md:\d+, deptry code=DEP002 module=x; owner @owner\) expires in 2 days \(2026-12-01\): renew it/) as unknown as string,
      expect.stringMatching(/^Waiver W-B .* expired on 2026-11-28 and no longer applies\.$/) as unknown as string,
    ]);
  });

  it('an expired waiver does not stop a later valid one; the finding counts as waived once', () => {
    const s = session([{ ...w('2026-11-01'), id: 'old' }, { ...w('2026-12-31'), id: 'new' }]);
    expect(s.waive(f())?.id).toBe('new');
    const r = s.report();
    expect(r.waivers.map((e) => [e.id, e.state, e.matched, e.unapplied])).toEqual([
      ['old', 'expired', 0, 0],
      ['new', 'active', 1, 0],
    ]);
    expect(r.counts.waivedFindings).toBe(1);
  });
});

describe('report', () => {
  it('counts states, reasons and waived findings; stale = matches nothing', () => {
    const s = session([
      waiver('deptry', { code: 'DEP002', module: 'a' }, { id: 'A', reasonCategory: 'false-positive' }),
      waiver('deptry', { code: 'DEP002', module: 'b' }, { id: 'B', reasonCategory: 'update-blocked', expires: '2026-12-01' }),
      waiver('deptry', { code: 'DEP002', module: 'c' }, { id: 'C', expires: '2026-11-01' }),
      waiver('deptry', { code: 'DEP002', module: 'd' }, { id: 'D', approvers: [] }),
      waiver('deptry', { code: 'DEP002', module: 'zzz' }, { id: 'E' }),
    ]);
    for (const m of ['a', 'a', 'b', 'c', 'd']) s.waive(evaluated('deptry', { ruleId: 'DEP002', extra: { module: m } }));
    const r = s.report();
    expect(r.waivers.map((e) => [e.id, e.state, e.matched, e.unapplied])).toEqual([
      ['A', 'active', 2, 0],
      ['B', 'expiring', 1, 0],
      ['C', 'expired', 0, 1],
      ['D', 'invalid', 0, 1],
      ['E', 'stale', 0, 0],
    ]);
    expect(r.counts).toEqual({ total: 5, active: 1, expiring: 1, expired: 1, invalid: 1, stale: 1, waivedFindings: 3 });
    expect(r.byReason).toEqual({ 'false-positive': 2, 'not-exploitable': 0, 'breaking-change': 0, 'update-blocked': 1 });
    expect(r.notices.find((n) => n.startsWith('Waiver E'))).toMatch(/matches no finding \(stale\): remove it or correct its match\./);
    expect(r.notices.find((n) => n.startsWith('Waiver D'))).toMatch(/is invalid and does not apply: no approvers\./);
    expect(r.notices.find((n) => n.startsWith('Waiver C'))).toMatch(/1 finding it matched is reported again/);
  });
});

describe('added lines numbered in the file as read (found by a governance review)', () => {
  // The diff numbers lines in the pull request head's copy; the merge commit a pull_request run
  // checks out may hold rows the base branch added above them. Line 3 in the head's copy is the new
  // row P-2; in the merged file line 3 is the old row P-1 and P-2 is line 4.
  const head = ['| id | x |', '|---|---|', '| P-2 | new |', ''].join('\n');
  const merged = ['| id | x |', '|---|---|', '| D-2 | from main |', '| P-2 | new |', ''].join('\n');
  const change = { status: 'modified', binary: false, deletedLines: 0, addedLines: [{ line: 3, text: '| P-2 | new |' }] };
  const w = () => waiver('pip-audit', { id: 'GHSA-aaaa-bbbb-cccc' });
  const d2 = { ...w(), source: { file: 'w.md', line: 3, endLine: 3 } };
  const p2 = { ...w(), source: { file: 'w.md', line: 4, endLine: 4 } };

  it('the new row is verified, wherever the base branch moved it', () => {
    expect([d2, p2].map(waiversToVerify([d2, p2], change))).toEqual([true, false]); // by number: the wrong row
    const aligned = alignAddedLines(merged, change);
    expect(aligned?.addedLines).toEqual([{ line: 4 }]);
    expect([d2, p2].map(waiversToVerify([d2, p2], aligned))).toEqual([false, true]);
    expect(alignAddedLines(head, change)?.addedLines).toEqual([{ line: 3 }]);
  });

  it('a run of added lines is found as a block: lines every YAML waiver repeats do not pull the others in (re-review)', () => {
    const entry = (id: string) => [`  - id: ${id}`, '    tool: deptry', '    reason: false-positive'];
    const yaml = ['waivers:', ...entry('W-1'), ...entry('W-X'), ...entry('W-2'), ''].join('\n');
    const added = entry('W-2').map((text, k) => ({ line: 8 + k, text }));
    expect(alignAddedLines(yaml, { ...change, addedLines: added })?.addedLines).toEqual([{ line: 8 }, { line: 9 }, { line: 10 }]);
    // A block found in two places stands for both.
    const twice = ['a', 'b', 'x', 'a', 'b', ''].join('\n');
    expect(alignAddedLines(twice, { ...change, addedLines: [{ line: 1, text: 'a' }, { line: 2, text: 'b' }] })?.addedLines).toEqual([{ line: 1 }, { line: 2 }, { line: 4 }, { line: 5 }]);
  });

  it('an added line the file does not hold: every waiver is verified', () => {
    const gone = { ...change, addedLines: [{ line: 3, text: '| P-3 | gone |' }] };
    expect(alignAddedLines(merged, gone)).toBeUndefined();
    expect([d2, p2].map(waiversToVerify([d2, p2], undefined))).toEqual([true, true]);
  });
});
