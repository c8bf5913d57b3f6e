/**
 * A review of ways an input makes the gate report a weaker verdict than its policy says. Each case
 * failed before its fix: a HIGH dropped as the duplicate of a LOW (within a report and across two),
 * another package's alias answering for a critical advisory, paths outside the repository and
 * findings without a path escaping the critical paths and the change, a mutmut run that judged no
 * mutant, files Bandit could not scan, a skipped pip-audit dependency's vulnerabilities, and a
 * vulture path holding `:1: `.
 */
import { describe, expect, it } from '@jest/globals';
import { parseSettings } from '../../src/config/schema.js';
import { resolveSeverities } from '../../src/enrich/severity.js';
import { evaluate, type ToolInput } from '../../src/policy/evaluate.js';
import { headlineFor } from '../../src/render/common.js';
import { parsePipAuditJsonValue } from '../../src/reports/pip-audit/json.js';
import { parseVulture } from '../../src/reports/vulture/parser.js';
import type { Finding, ParsedReport } from '../../src/reports/model.js';
import type { TestServer } from '../helpers/http-server.js';
import { banditResult, gateOn, REVIEW_NOW, reviewServer } from '../helpers/review.js';

const NOW = REVIEW_NOW;
const gate = (files: Record<string, string>, inputs: Record<string, string>) => gateOn(files, inputs, 'sg-verdict-');
const banditReport = (results: unknown[], errors: unknown[] = []) => JSON.stringify({ errors, generated_at: '2026-12-01T00:00:00Z', metrics: {}, results });

describe('Bandit duplicates never hide a more severe result', () => {
  it('keeps a HIGH listed after a LOW at the same place in one report', async () => {
    const results = [banditResult({ file: 'src/auth/views.py', line: 10, severity: 'LOW' }), banditResult({ file: 'src/auth/views.py', line: 10, severity: 'HIGH' })];
    const r = await gate({ 'bandit.json': banditReport(results) }, { 'bandit-report': 'bandit.json' });
    expect(r.verdict).toBe('block');
    expect(r.tools[0]!.findings.map((f) => f.severity).sort()).toEqual(['high', 'low']);
    // The same result twice is still one finding.
    const twice = await gate({ 'bandit.json': banditReport([results[1], results[1]]) }, { 'bandit-report': 'bandit.json' });
    expect(twice.tools[0]!.findings).toHaveLength(1);
    expect(twice.tools[0]!.stats.duplicates).toBe(1);
  });

  it('keeps a HIGH of a second report on another line with the same code', async () => {
    const a = banditReport([banditResult({ file: 'src/auth/views.py', line: 10, severity: 'LOW', code: '10 subprocess.call(cmd, shell=True)\n' })]);
    const b = banditReport([banditResult({ file: 'src/auth/views.py', line: 50, severity: 'HIGH', code: '50 subprocess.call(cmd, shell=True)\n' })]);
    const r = await gate({ 'a.json': a, 'b.json': b }, { 'bandit-report': 'a.json,b.json' });
    expect(r.verdict).toBe('block');
    expect(r.tools[0]!.findings.map((f) => `${f.location?.line} ${f.severity}`).sort()).toEqual(['10 low', '50 high']);
    // One scan saved twice still counts once.
    const same = await gate({ 'a.json': b, 'b.json': b }, { 'bandit-report': 'a.json,b.json' });
    expect(same.tools[0]!.findings).toHaveLength(1);
    expect(same.tools[0]!.stats.duplicates).toBe(1);
  });
});

describe('paths the policy cannot place count as critical and new', () => {
  it('a HIGH in a path outside the repository blocks, with a notice saying why', async () => {
    const results = [banditResult({ file: '../src/auth/views.py', line: 10, severity: 'HIGH' })];
    const r = await gate({ 'bandit.json': banditReport(results) }, { 'bandit-report': 'bandit.json' });
    expect(r.verdict).toBe('block');
    expect(r.tools[0]!.findings[0]!.reason).toContain('outside the repository');
    expect(r.notices.join('\n')).toMatch(/1 finding names a path the gate cannot place in the repository \(such as "\.\.\/src\/auth\/views\.py"\).*scan-root/);
  });

  const vultureFinding = (path: string | undefined): Finding => ({
    tool: 'vulture', ruleId: 'unused-function', title: "unused function 'f'", severity: 'low', fingerprint: `vulture:f:${path}`, sourceFile: 'v.txt',
    ...(path === undefined ? {} : { location: { path, line: 3 } }),
  });
  const input = (tool: ToolInput['tool'], findings: Finding[], outside?: string[]): ToolInput => {
    const report: ParsedReport = { tool, format: 'x', findings, skipped: [], scanErrors: [], stats: {} };
    return { tool, status: 'ok', messages: [], files: [{ path: 'r', findings: findings.length, bytes: 1 }], reports: [report], ...(outside ? { outsidePaths: new Set(outside) } : {}) };
  };
  const known = { known: true, isTouched: (p: string) => p === 'api/new.py' };
  const settings = parseSettings([{ phase: '2' }]);

  it('vulture dead code in a path outside the repository counts as in the change', () => {
    const touched = evaluate([input('vulture', [vultureFinding('api/new.py')])], { settings, now: NOW, change: known });
    const outside = evaluate([input('vulture', [vultureFinding('/opt/ci/api/new.py')], ['/opt/ci/api/new.py'])], { settings, now: NOW, change: known });
    expect(outside.tools[0]!.findings[0]!.disposition).toBe(touched.tools[0]!.findings[0]!.disposition);
    expect(outside.tools[0]!.findings[0]!.disposition).not.toBe('info');
    expect(outside.tools[0]!.findings[0]!.inChange).toBeUndefined(); // an assumption, not a fact
  });

  it('a deptry finding without a path counts as new, whether the change is known or not', () => {
    const dep: Finding = { tool: 'deptry', ruleId: 'DEP001', title: "'requests' imported but missing", severity: 'medium', fingerprint: 'deptry:DEP001:requests', sourceFile: 'deptry.json' };
    const withPath: Finding = { ...dep, location: { path: 'api/new.py', line: 1 } };
    const expected = evaluate([input('deptry', [withPath])], { settings, now: NOW, change: known }).tools[0]!.findings[0]!.disposition;
    for (const change of [known, { known: false, reason: 'no base', isTouched: () => true }]) {
      const f = evaluate([input('deptry', [dep])], { settings, now: NOW, change }).tools[0]!.findings[0]!;
      expect(f.disposition).toBe(expected);
      expect(f.reason).toMatch(/counted as new/);
    }
  });
});

describe('a mutmut run that judged no mutant is an error', () => {
  it.each([
    ['all interrupted', { killed: 0, survived: 0, total: 40, check_was_interrupted_by_user: 40 }, /judged none of its 40 mutants \(40 interrupted\)/],
    ['counts that leave the total unexplained', { killed: 0, survived: 0, total: 40 }, /judged none of its 40 mutants \(40 not checked\)/],
    // Found by a re-review: one mutant judged of 1,000 scored 100% and passed.
    ['almost all interrupted', { killed: 1, survived: 0, total: 1000, check_was_interrupted_by_user: 999 }, /did not finish \(999 interrupted of 1000 mutants\)/],
    ['almost all never run', { killed: 1, survived: 0, total: 1000 }, /did not finish \(999 not checked of 1000 mutants\)/],
  ])('%s', async (_, stats, message) => {
    const r = await gate({ 'mutmut.json': JSON.stringify(stats) }, { 'mutmut-report': 'mutmut.json' });
    expect(r.tools[0]!.status).toBe('error');
    expect(r.verdict).toBe('error');
    expect(r.tools[0]!.messages.join('\n')).toMatch(message);
  });

  it('refuses counts that add up to more than the total', async () => {
    const r = await gate({ 'mutmut.json': JSON.stringify({ killed: 30, survived: 20, total: 40 }) }, { 'mutmut-report': 'mutmut.json' });
    expect(r.tools[0]!.status).toBe('error');
    expect(r.tools[0]!.messages.join('\n')).toContain('$.total: the mutants counted by status add up to 50, more than the total of 40');
  });
});

describe('files Bandit could not scan', () => {
  const error = (filename: string) => ({ filename, reason: 'syntax error while parsing AST from file' });

  it('make the verdict warn, never pass', async () => {
    const r = await gate({ 'bandit.json': banditReport([], [error('scripts/legacy.py')]) }, { 'bandit-report': 'bandit.json' });
    expect(r.tools[0]!.status).toBe('ok');
    expect(r.verdict).toBe('warn');
    expect(headlineFor(r)).toContain('1 file not scanned');
  });

  it('in a critical path are an error of the scan', async () => {
    const r = await gate({ 'bandit.json': banditReport([], [error('src/auth/views.py')]) }, { 'bandit-report': 'bandit.json' });
    expect(r.tools[0]!.status).toBe('error');
    expect(r.verdict).toBe('error');
    expect(r.shouldFail).toBe(true);
    expect(r.tools[0]!.messages.join('\n')).toContain('Bandit could not scan a file in a critical path or outside the repository, such as "src/auth/views.py" (in a critical path: syntax error');
    expect(headlineFor(r)).toContain('1 file not scanned (in a critical path)');
    expect(headlineFor(r)).not.toContain('unreadable');
    // Found by a re-review: only the critical ones are called so.
    const mixed = await gate({ 'bandit.json': banditReport([], [error('src/auth/views.py'), error('scripts/legacy.py')]) }, { 'bandit-report': 'bandit.json' });
    expect(headlineFor(mixed)).toContain('2 files not scanned (1 in a critical path)');
  });

  it('a result that names no file counts as in a critical path', async () => {
    const sarif = JSON.stringify({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'Bandit', rules: [{ id: 'B602', name: 'subprocess_popen_with_shell_equals_true' }] } }, results: [{ ruleId: 'B602', level: 'error', message: { text: 'shell=True' }, properties: { issue_severity: 'HIGH', issue_confidence: 'HIGH' } }] }],
    });
    const r = await gate({ 'bandit.sarif': sarif }, { 'bandit-report': 'bandit.sarif' });
    expect(r.tools[0]!.findings[0]!.reason).toContain('no file named');
    expect(r.verdict).toBe('block');
  });
});

describe('report shapes that dropped findings', () => {
  it('a skipped pip-audit dependency that lists vulnerabilities is refused', () => {
    const dep = { name: 'django', version: '3.2.0', skip_reason: '', vulns: [{ id: 'GHSA-cccc-cccc-cccc', fix_versions: [], aliases: [] }] };
    expect(() => parsePipAuditJsonValue({ dependencies: [dep], fixes: [] }, 'p.json')).toThrow('$.dependencies[0].vulns: a skipped dependency (skip_reason) lists vulnerabilities');
    const plain = parsePipAuditJsonValue({ dependencies: [{ name: 'x', skip_reason: 'not on PyPI' }, { name: 'y', skip_reason: 'n', vulns: [] }] }, 'p.json');
    expect(plain.skipped).toHaveLength(2);
  });

  it('a vulture path holding ":1: " stays whole', () => {
    const r = parseVulture("api/a:1: b.py:7: unused function 'f' (60% confidence)\n", 'v.txt');
    expect(r.findings[0]).toMatchObject({ ruleId: 'unused-function', location: { path: 'api/a:1: b.py', line: 7 } });
    // Found by a re-review: a name that swallowed the rest of the line, and too many places to split.
    const swallowed = parseVulture("api/x:1: unused variable 'y' z.py:7: unused function 'f' (60% confidence)\n", 'v.txt');
    expect(swallowed.findings[0]).toMatchObject({ ruleId: 'unused-function', location: { path: "api/x:1: unused variable 'y' z.py", line: 7 } });
    const many = `${Array.from({ length: 17 }, (_, i) => `d${i}:1: q `).join('')}real.py:7: unused function 'f' (60% confidence)\n`;
    expect(() => parseVulture(many, 'v.txt')).toThrow('line 1: the path cannot be told from the message');
    // A message vulture does not write still parses as before, at the first split.
    const odd = parseVulture('x.py:3: something new (60% confidence)\n', 'v.txt');
    expect(odd.findings[0]).toMatchObject({ ruleId: 'dead-code', location: { path: 'x.py', line: 3 } });
  });
});

describe('pip-audit aliases never lower an advisory', () => {
  const sev: Record<string, string> = { 'GHSA-aaaa-aaaa-aaaa': 'low', 'GHSA-cccc-cccc-cccc': 'critical', 'GHSA-eeee-eeee-eeee': 'low', 'GHSA-ffff-ffff-ffff': 'high', 'PYSEC-2023-1': 'low', 'PYSEC-2023-9': 'critical' };
  /** GitHub- and OSV-shaped answers from `sev`; ids in `down` answer 503. */
  async function api(down: string[] = []) {
    const srv = await reviewServer();
    const asked: string[] = [];
    const answer = (id: string, body: unknown) => (down.includes(id) ? { status: 503, body: { message: 'down' } } : sev[id] ? { status: 200, body } : { status: 404, body: { message: 'Not Found' } });
    srv.on(/^GET \/advisories\//, (req) => {
      const id = decodeURIComponent(req.path.split('/').pop() ?? '');
      asked.push(`github ${id}`);
      return answer(id, { ghsa_id: id, severity: sev[id], type: 'reviewed', vulnerabilities: [] });
    });
    srv.on(/^GET \/v1\/vulns\//, (req) => {
      const id = decodeURIComponent(req.path.split('/').pop() ?? '');
      asked.push(`osv ${id}`);
      return answer(id, { id, aliases: [], database_specific: { severity: sev[id] } });
    });
    return { srv, asked };
  }
  const report = (deps: Array<[string, string, string[]]>) =>
    parsePipAuditJsonValue({ dependencies: deps.map(([name, id, aliases]) => ({ name, version: '1.0', vulns: [{ id, fix_versions: [], aliases }] })), fixes: [] }, 'p.json');
  const resolve = async (r: ParsedReport, source: 'github' | 'osv' | 'github,osv', srv: TestServer) =>
    Object.fromEntries((await resolveSeverities(r.findings, { source, githubApiUrl: srv.url, osvApiUrl: srv.url, retries: 0, backoffMs: 1 })).findings.map((f) => [f.package?.name, f.severity]));

  it("another package naming a low advisory as an alias does not lower a critical one, whichever is whose", async () => {
    const { srv, asked } = await api();
    const a = report([['django', 'GHSA-cccc-cccc-cccc', ['CVE-2023-0001']], ['requests', 'PYSEC-2023-1', ['CVE-2023-0001', 'GHSA-aaaa-aaaa-aaaa']]]);
    const b = report([['django', 'GHSA-aaaa-aaaa-aaaa', ['CVE-2023-0001']], ['requests', 'PYSEC-2023-1', ['CVE-2023-0001', 'GHSA-cccc-cccc-cccc']]]);
    // Merged through the CVE, both take the critical answer (fail closed).
    expect(await resolve(a, 'github,osv', srv)).toEqual({ django: 'critical', requests: 'critical' });
    expect(await resolve(b, 'github,osv', srv)).toEqual({ django: 'critical', requests: 'critical' });
    expect(asked.filter((x) => x.endsWith('cccc-cccc-cccc'))).toHaveLength(2);
    // GitHub alone cannot be asked about a PYSEC record merged in: unknown (fail closed).
    expect(await resolve(a, 'github', srv)).toEqual({ django: 'unknown', requests: 'unknown' });
  });

  it("two packages' own records merged through a CVE are each asked (third re-review)", async () => {
    const { srv } = await api();
    const r = report([['django', 'PYSEC-2023-1', ['CVE-2023-0001']], ['requests', 'PYSEC-2023-9', ['CVE-2023-0001']]]);
    expect(await resolve(r, 'osv', srv)).toEqual({ django: 'critical', requests: 'critical' });
    expect(await resolve(r, 'github,osv', srv)).toEqual({ django: 'critical', requests: 'critical' });
  });

  it('a record naming two GHSAs that disagree takes the most severe, from GitHub or from OSV', async () => {
    const { srv } = await api();
    const r = report([['flask', 'PYSEC-2024-7', ['GHSA-eeee-eeee-eeee', 'GHSA-ffff-ffff-ffff']]]);
    expect(await resolve(r, 'github', srv)).toEqual({ flask: 'high' });
    expect(await resolve(r, 'osv', srv)).toEqual({ flask: 'high' });
  });

  it("an alias followed for one id that had no answer never replaces the others' more severe answer (second re-review)", async () => {
    const srv = await reviewServer();
    srv.on(/^GET \/advisories\//, (req) => {
      const id = decodeURIComponent(req.path.split('/').pop() ?? '');
      const level: Record<string, string> = { 'GHSA-cccc-cccc-cccc': 'critical', 'GHSA-dddd-dddd-dddd': 'low' };
      return level[id] ? { status: 200, body: { ghsa_id: id, severity: level[id], type: 'reviewed', vulnerabilities: [] } } : { status: 404, body: { message: 'Not Found' } };
    });
    // OSV knows GHSA-bbbb without a severity, naming a low GHSA as its alias.
    srv.on(/^GET \/v1\/vulns\//, (req) => {
      const id = decodeURIComponent(req.path.split('/').pop() ?? '');
      return id === 'GHSA-bbbb-bbbb-bbbb' ? { status: 200, body: { id, aliases: ['GHSA-dddd-dddd-dddd'] } } : { status: 404, body: { message: 'Not Found' } };
    });
    const r = report([['flask', 'PYSEC-2024-7', ['GHSA-cccc-cccc-cccc', 'GHSA-bbbb-bbbb-bbbb']]]);
    expect(await resolve(r, 'github,osv', srv)).toEqual({ flask: 'critical' });
  });

  it('a lookup that fails leaves the merged group unknown instead of taking the answer of the other', async () => {
    const { srv } = await api(['GHSA-cccc-cccc-cccc']);
    const r = report([['django', 'GHSA-cccc-cccc-cccc', ['CVE-2023-0001']], ['requests', 'PYSEC-2023-1', ['CVE-2023-0001', 'GHSA-aaaa-aaaa-aaaa']]]);
    expect(await resolve(r, 'github', srv)).toEqual({ django: 'unknown', requests: 'unknown' });
    // With OSV behind GitHub, the id GitHub could not answer is asked there.
    expect(await resolve(r, 'github,osv', srv)).toEqual({ django: 'unknown', requests: 'unknown' });
  });
});
