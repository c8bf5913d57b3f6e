/**
 * A fourth re-review, of the last four commits' fixes (pip-audit merged groups, the dense-report
 * bound, the parser review, the reproduce command). Each case failed before its fix:
 *
 * - pip-audit: two packages whose advisories are listed under one and the same CVE were asked of
 *   GitHub for the first package only, so its low record answered for the other package's critical
 *   one (the neighbour of "one record answering for two advisories": one id instead of two).
 * - The "reproduce locally" command was cut at 2,000 characters: the cut command (a long policy's
 *   critical paths, say) ran with other settings than CI, or not at all. It is shown whole, or not
 *   at all with a word why.
 * - A mutmut junitxml report of millions of elements (the XML neighbour of the dense JSON refused
 *   by 30425e9) was parsed whole: 100 MB took 3.2 GB and a minute, a few hundred MB ran the process
 *   out of memory. Now refused before parsing, with its place.
 */
import { describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { parseSettings } from '../../src/config/schema.js';
import { reproduceCommand } from '../../src/engine/publish.js';
import { resolveSeverities } from '../../src/enrich/severity.js';
import { parsePipAuditJsonValue } from '../../src/reports/pip-audit/json.js';
import { loadMutmutXml, parseMutmutJunit } from '../../src/reports/mutmut/index.js';
import { reviewServer, workspaceWith } from '../helpers/review.js';
import { errorOf } from '../reports/registry-helpers.js';



/** django and requests, each listing CVE-2023-0002 as its own id. */
const twoPackagesOneCve = () =>
  parsePipAuditJsonValue(
    {
      dependencies: [
        { name: 'django', version: '1.0', vulns: [{ id: 'CVE-2023-0002', fix_versions: [], aliases: [] }] },
        { name: 'requests', version: '1.0', vulns: [{ id: 'CVE-2023-0002', fix_versions: [], aliases: [] }] },
      ],
      fixes: [],
    },
    'p.json',
  );

describe('pip-audit: one CVE listed for two packages', () => {
  it("each package's GitHub advisory for the CVE is heard: the other package's critical one is not answered by the first's low one", async () => {
    const srv = await reviewServer();
    // GitHub lists two advisories for the CVE, one per package, that disagree.
    srv.on(/^GET \/advisories$/, (req) => {
      expect(req.query.get('cve_id')).toBe('CVE-2023-0002');
      return {
        status: 200,
        body: [
          { ghsa_id: 'GHSA-aaaa-aaaa-aaaa', cve_id: 'CVE-2023-0002', severity: 'low', type: 'reviewed', vulnerabilities: [{ package: { ecosystem: 'pip', name: 'django' } }] },
          { ghsa_id: 'GHSA-cccc-cccc-cccc', cve_id: 'CVE-2023-0002', severity: 'critical', type: 'reviewed', vulnerabilities: [{ package: { ecosystem: 'pip', name: 'requests' } }] },
        ],
      };
    });
    const r = twoPackagesOneCve();
    const { findings } = await resolveSeverities(r.findings, { source: 'github', githubApiUrl: srv.url, osvApiUrl: srv.url, retries: 0, backoffMs: 1 });
    const by = Object.fromEntries(findings.map((f) => [f.package?.name, f.severity]));
    // Merged into one group (one id), the group takes the most severe answer (fail closed).
    expect(by.requests).toBe('critical');
    expect(by.django).toBe('critical');
  });
});

describe('pip-audit: one CVE listed for two packages, asked of OSV (left open by the fifth re-review)', () => {
  it("the record's most severe word answers for a group of both packages, not the first package's", async () => {
    const srv = await reviewServer();
    // One OSV record for the CVE, its two affected packages rated differently.
    srv.on(/^GET \/v1\/vulns\/CVE-2023-0002$/, () => ({
      status: 200,
      body: {
        id: 'CVE-2023-0002',
        affected: [
          { package: { ecosystem: 'PyPI', name: 'django' }, database_specific: { severity: 'LOW' } },
          { package: { ecosystem: 'PyPI', name: 'requests' }, database_specific: { severity: 'CRITICAL' } },
        ],
      },
    }));
    const r = twoPackagesOneCve();
    const { findings } = await resolveSeverities(r.findings, { source: 'osv', githubApiUrl: srv.url, osvApiUrl: srv.url, retries: 0, backoffMs: 1 });
    expect(Object.fromEntries(findings.map((f) => [f.package?.name, f.severity]))).toEqual({ django: 'critical', requests: 'critical' });
  });
});

describe('the reproduce command is never shown cut', () => {
  it('a long command (a policy of many critical paths) is printed whole, never with an ellipsis in a flag', async () => {
    const ws = await workspaceWith({}, 'sg-rr4-');
    await writeFile(join(ws, 'bandit.json'), JSON.stringify({ errors: [], generated_at: '2026-12-01T00:00:00Z', metrics: {}, results: [] }));
    const globs = Array.from({ length: 150 }, (_, i) => `services/component-${i}/handlers/**`);
    await writeFile(join(ws, 'policy.yml'), `critical-paths:\n${globs.map((g) => `  - "${g}"`).join('\n')}\nsecret-scan: false\n`);
    let out = '';
    const code = await runCli(['--workspace', ws, '--bandit-report', 'bandit.json', '--policy-file', 'policy.yml', '--phase', '2', '--offline', '--no-color'], {
      stdout: (s) => (out += s),
      stderr: () => undefined,
      cwd: ws,
      env: {},
      now: new Date('2026-12-07T12:00:00Z'),
    });
    expect(code).toBe(0);
    const line = out.split('\n').find((l) => l.startsWith('Reproduce locally: '));
    expect(line).toBeDefined();
    const cmd = line!.slice('Reproduce locally: '.length);
    // Whole: every critical path is there, and nothing was cut off.
    expect(cmd).not.toContain('…');
    expect(cmd).toContain(globs[globs.length - 1]);
    expect(cmd).toContain('--secret-scan false');
  });
});

describe('a mutmut junitxml report too dense to parse', () => {
  it('is refused before parsing, with its place, not parsed into gigabytes', async () => {
    await loadMutmutXml();
    const n = 4_100_000;
    const xml = `<?xml version="1.0"?>\n<testsuites><testsuite name="mutmut">${'<a/>'.repeat(n)}</testsuite></testsuites>\n`;
    const err = errorOf(() => parseMutmutJunit(xml, 'mutmut.xml'));
    expect(err.reason).toMatch(/too many/);
    expect(err.where).toMatch(/^line 2, column \d+$/);
    // Refused by a count, not after a parse (which took seconds and hundreds of MB here).
  });

  it('a real-sized report still parses', async () => {
    await loadMutmutXml();
    const cases = Array.from({ length: 2000 }, (_, i) => `<testcase name="Mutant #${i + 1}" file="src/a.py" line="${i + 1}"><system-out>x = ${i}</system-out></testcase>`).join('');
    const r = parseMutmutJunit(`<?xml version="1.0"?>\n<testsuites><testsuite name="mutmut">${cases}</testsuite></testsuites>\n`, 'mutmut.xml');
    expect(r.tool).toBe('mutmut');
  });
});

describe('the reproduce command names the commit CI compared with', () => {
  it('a base-ref naming a branch is printed as the commit it resolved to, not as the branch (which moves)', () => {
    const settings = parseSettings([{ 'bandit-report': 'bandit.json', phase: '2', 'base-ref': 'main' }]);
    const base = 'a'.repeat(40);
    const cmd = reproduceCommand(settings, { known: true, base, head: 'b'.repeat(40), source: 'base-ref', files: 3, notes: [] });
    expect(cmd).toContain(`--base-ref ${base}`);
    expect(cmd).not.toContain('--base-ref main');
    // Unresolved in CI (no change known), the ref is named as given.
    expect(reproduceCommand(settings, { known: false, reason: 'not found' })).toContain('--base-ref main');
  });
});
