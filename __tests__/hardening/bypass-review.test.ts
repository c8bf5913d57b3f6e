/**
 * An adversarial review of verdict bypasses left by the earlier reviews. Each case failed before
 * its fix:
 * - a second report file a glob matches (a pull request can add one) holding an entry with the
 *   same fingerprint and line as a real finding, but another file or aliases: the cross-report
 *   de-duplication kept the decoy and dropped the real finding, so a waiver of the decoy's file
 *   (or alias) waived it, and a secret in live code passed as a fixture's.
 * - a report file the pull request commits where the lane writes it (or a link it makes on the
 *   way there): a scanner step that failed under continue-on-error left the clean file in place,
 *   and the gate read it as the scanner's output.
 * - a second look at that check: a submodule the change adds on the way to the report was not
 *   seen (a checkout with submodules brings its clean reports), and a regular file the change
 *   edits named like a directory on the way in another case (`BUILD`, reports in `build/`) put the
 *   tool in error on every such pull request.
 * - a re-review: such a tool was said to have its report "unreadable" (the headline, the summary
 *   and the log), sending the reader to look for a broken file that read fine.
 */
import { describe, expect, it } from '@jest/globals';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChangedFile, KnownChange } from '../../src/change/diff.js';
import { parseSettings } from '../../src/config/schema.js';
import { runEngine } from '../../src/engine/run.js';
import { renderSummary } from '../../src/render/summary.js';
import { renderTerminal } from '../../src/render/terminal.js';
import { createWaiverSession } from '../../src/waivers/evaluate.js';
import { parseWaivers } from '../../src/waivers/parse.js';
import { REVIEW_NOW, workspaceWith } from '../helpers/review.js';

const WAIVERS =
  '| id | tool | match | reason | rationale | owner | approvers | approved | expires | verified |\n' +
  '|---|---|---|---|---|---|---|---|---|---|\n' +
  '| SW-1 | gitleaks | `rule=generic-api-key path=tests/fixtures/**` | confirmed false positive | made-up keys | @owner | @sam-sec | 2026-11-20 | 2027-02-28 | yes |\n' +
  '| SW-2 | pip-audit | `id=CVE-2000-1 package=foo` | dependency update blocked | not reachable | @owner | @dana, @sam-sec | 2026-11-20 | 2027-02-28 | |\n';

async function gateWithWaivers(files: Record<string, string>, inputs: Record<string, string>) {
  const ws = await workspaceWith(files, 'sg-bypass-');
  const settings = parseSettings([{ phase: '2', 'severity-source': 'off', ...inputs }]);
  const session = createWaiverSession({ file: 'waivers.md', waivers: parseWaivers(WAIVERS, 'waivers.md'), approvers: { security: ['sam-sec'], senior: [] }, now: REVIEW_NOW });
  const { result } = await runEngine(settings, { workspace: ws, now: REVIEW_NOW, waive: (f) => session.waive(f) });
  return result;
}

const leak = (o: { file: string; line: number; secret: string; fingerprint: string }) => ({
  Description: 'Generic API Key',
  StartLine: o.line,
  EndLine: o.line,
  StartColumn: 5,
  EndColumn: 40,
  Match: `api_key = "${o.secret}"`,
  Secret: o.secret,
  File: o.file,
  SymlinkFile: '',
  Commit: '0123456789abcdef0123456789abcdef01234567',
  Entropy: 4.5,
  Author: 'a',
  Email: 'a@example.com',
  Date: '2026-12-01T00:00:00Z',
  Message: 'm',
  Tags: [],
  RuleID: 'generic-api-key',
  Fingerprint: o.fingerprint,
});

describe('a report file a glob adds never takes a real finding\'s place', () => {
  const FP = '0123456789abcdef0123456789abcdef01234567:src/app/settings.py:generic-api-key:12';

  it('gitleaks: an entry of a decoy report in a waived fixture path with the real leak\'s fingerprint does not waive the leak', async () => {
    const real = JSON.stringify([leak({ file: 'src/app/settings.py', line: 12, secret: 'Zk4pQ9rT2vX8yB1nM6wL3sD7', fingerprint: FP })]);
    const decoy = JSON.stringify([leak({ file: 'tests/fixtures/keys.txt', line: 12, secret: 'made-up-key-000000000000', fingerprint: FP })]);
    const r = await gateWithWaivers({ 'reports/gitleaks.json': real, 'reports/gitleaks-0.json': decoy }, { 'gitleaks-report': 'reports/gitleaks*.json' });
    const g = r.tools.find((t) => t.tool === 'gitleaks')!;
    expect(g.findings.map((f) => `${f.location?.path} ${f.disposition}`).sort()).toEqual(['src/app/settings.py block', 'tests/fixtures/keys.txt waived']);
    expect(r.shouldFail).toBe(true);
    expect(r.verdict).toBe('block');
  });

  it('pip-audit: a decoy naming a waived alias for the real advisory does not waive it', async () => {
    const real = JSON.stringify({ dependencies: [{ name: 'foo', version: '1.0', vulns: [{ id: 'GHSA-aaaa-bbbb-cccc', fix_versions: ['1.1'], aliases: ['CVE-2000-2'] }] }], fixes: [] });
    const decoy = JSON.stringify({ dependencies: [{ name: 'foo', version: '1.0', vulns: [{ id: 'GHSA-aaaa-bbbb-cccc', fix_versions: ['1.1'], aliases: ['CVE-2000-1'] }] }], fixes: [] });
    const r = await gateWithWaivers({ 'reports/pip-audit.json': real, 'reports/pip-audit-0.json': decoy }, { 'pip-audit-report': 'reports/pip-audit*.json' });
    const p = r.tools.find((t) => t.tool === 'pip-audit')!;
    expect(p.counts.block).toBe(1);
    expect(r.shouldFail).toBe(true);
  });

  it('bandit: a decoy whose range reaches a waived line, listed first, does not waive the real finding', async () => {
    // Findings that differ only in where their range ends count once (Bandit's SARIF and JSON of
    // one scan do): the narrower is kept, which no line waiver fits that the wider does not.
    const result = (range: number[]) => ({ code: '12 subprocess.call(cmd, shell=True)\n', filename: 'src/app/run.py', issue_confidence: 'HIGH', issue_severity: 'HIGH', issue_text: 'subprocess call with shell=True identified, security issue.', line_number: 12, line_range: range, test_id: 'B602', test_name: 'subprocess_popen_with_shell_equals_true' });
    const ws = await workspaceWith({ 'reports/bandit-0.json': JSON.stringify({ errors: [], results: [result([12, 13, 14, 15])] }), 'reports/bandit.json': JSON.stringify({ errors: [], results: [result([12])] }) }, 'sg-bypass-');
    const rows = '| id | tool | match | reason | rationale | owner | approvers | approved | expires | verified |\n|---|---|---|---|---|---|---|---|---|---|\n| SW-3 | bandit | `test=B602 path=src/app/run.py line=15` | confirmed false positive | the call on line 15 | @owner | @sam-sec | 2026-11-20 | 2027-02-28 | yes |\n';
    const session = createWaiverSession({ file: 'waivers.md', waivers: parseWaivers(rows, 'waivers.md'), approvers: { security: ['sam-sec'], senior: [] }, now: REVIEW_NOW });
    const { result: r } = await runEngine(parseSettings([{ phase: '2', 'bandit-report': 'reports/bandit*.json' }]), { workspace: ws, now: REVIEW_NOW, waive: (f) => session.waive(f) });
    const b = r.tools.find((t) => t.tool === 'bandit')!;
    expect(b.findings.map((f) => `${f.location?.line}-${f.location?.endLine ?? ''} ${f.disposition}`)).toEqual(['12- warn']);
    expect(b.counts.waived).toBe(0);
  });

  it('(guard) one report saved twice still counts once', async () => {
    const real = JSON.stringify([leak({ file: 'src/app/settings.py', line: 12, secret: 'Zk4pQ9rT2vX8yB1nM6wL3sD7', fingerprint: FP })]);
    const r = await gateWithWaivers({ 'reports/gitleaks.json': real, 'reports/gitleaks-0.json': real }, { 'gitleaks-report': 'reports/gitleaks*.json' });
    const g = r.tools.find((t) => t.tool === 'gitleaks')!;
    expect(g.findings).toHaveLength(1);
    expect(g.stats.duplicates).toBe(1);
  });
});

const AUDIT = JSON.stringify({ dependencies: [{ name: 'requests', version: '2.32.4', vulns: [] }], fixes: [] });
const changeOf = (files: Array<Partial<ChangedFile> & { path: string }>, more: Partial<KnownChange> = {}): KnownChange => ({
  known: true,
  base: 'a'.repeat(40),
  head: 'b'.repeat(40),
  source: 'pull_request',
  diffBase: 'a'.repeat(40),
  mode: 'three-dot',
  files: files.map((f) => ({ status: 'added', binary: false, addedLines: [], ...f })),
  addedLinesComplete: true,
  notes: [],
  ...more,
});
/** The engine on `files` with `change`, pip-audit's report at `report` (through `link`, made first, when given). */
const pipAudit = async (files: Record<string, string>, change: KnownChange, report = 'reports/pip-audit.json', link?: [string, string]) => {
  const ws = await workspaceWith(files, 'sg-committed-');
  if (link) await symlink(link[1], join(ws, link[0]));
  const settings = parseSettings([{ phase: '2', 'severity-source': 'off', 'pip-audit-report': report, 'secret-scan': 'false' }]);
  const { result } = await runEngine(settings, { workspace: ws, now: REVIEW_NOW, change });
  return { r: result, pip: result.tools.find((t) => t.tool === 'pip-audit')! };
};

describe('a report the pull request commits is never read as the scanner\'s output', () => {
  it('the report file itself, added or modified by the change: the tool is in error and the run fails', async () => {
    for (const status of ['added', 'modified'] as const) {
      const { r, pip } = await pipAudit({ 'reports/pip-audit.json': AUDIT }, changeOf([{ path: 'src/app.py' }, { path: 'reports/pip-audit.json', status }]));
      expect(pip.status).toBe('error');
      expect(pip.messages).toContain('"reports/pip-audit.json": this change adds or modifies the report file itself, so the gate may have read the change\'s own file rather than what pip-audit wrote in this run (a scanner step that failed leaves it in place). Remove it from the change; reports belong in .gitignore.');
      expect(r.shouldFail).toBe(true);
    }
  });

  it('a link the change makes on the way to it (reports -> a directory of clean reports)', async () => {
    const { pip } = await pipAudit({ 'tests/fixtures/audit/pip-audit.json': AUDIT }, changeOf([{ path: 'reports', symlink: true }]), 'reports/pip-audit.json', ['reports', 'tests/fixtures/audit']);
    expect(pip.status).toBe('error');
    expect(pip.messages.join('\n')).toContain('"reports/pip-audit.json": this change adds or modifies "reports", on the way to the report file');
  });

  it('(guard) a report the change does not hold, or moves away from the path, is read as before', async () => {
    const { r, pip } = await pipAudit({ 'reports/pip-audit.json': AUDIT }, changeOf([{ path: 'src/app.py' }, { path: 'old/pip-audit.json', oldPath: 'reports/pip-audit.json', status: 'renamed' }, { path: 'reports/pip-audit.json.bak' }]));
    expect(pip.status).toBe('ok');
    expect(r.shouldFail).toBe(false);
  });
});

describe('a second review of the reports the pull request holds', () => {

  it('a submodule the change adds or moves on the way to the report (its clean reports checked out with it)', async () => {
    // Not in `files` (its content is another repository's), but a checkout with submodules puts
    // its files on the path: the same bypass as a link to a directory of clean reports.
    const { r, pip } = await pipAudit({ 'reports/pip-audit.json': AUDIT }, changeOf([{ path: 'src/app.py' }], { submodules: ['reports'] }));
    expect(pip.status).toBe('error');
    expect(pip.messages.join('\n')).toContain('"reports/pip-audit.json": this change adds or modifies the submodule "reports", on the way to the report file');
    expect(r.shouldFail).toBe(true);
  });

  it('(false positive) a file the change edits whose name is a directory on the way in another case (Pants\' or Bazel\'s BUILD, reports in build/)', async () => {
    // Only a link (or a submodule) can stand on the way; a regular file of that name in another
    // letter case is another file on the runner's case-sensitive file system.
    const { r, pip } = await pipAudit({ 'build/reports/pip-audit.json': AUDIT }, changeOf([{ path: 'BUILD', status: 'modified' }, { path: 'Build/Reports', status: 'modified' }]), 'build/reports/pip-audit.json');
    expect(pip.status).toBe('ok');
    expect(r.shouldFail).toBe(false);
  });

  it('(guard) a new file a glob matches, a link at the report\'s own path, a rename or type change into it, another spelling, a workspace below the root', async () => {
    const held = async (files: Record<string, string>, change: KnownChange, report?: string, link?: [string, string]) => (await pipAudit(files, change, report, link)).pip.status;
    expect(await held({ 'reports/pip-audit.json': AUDIT, 'reports/pip-audit-extra.json': AUDIT }, changeOf([{ path: 'reports/pip-audit-extra.json' }]), 'reports/*.json')).toBe('error');
    expect(await held({ 'tests/clean.json': AUDIT, 'reports/.keep': '' }, changeOf([{ path: 'reports/pip-audit.json', symlink: true }]), undefined, ['reports/pip-audit.json', '../tests/clean.json'])).toBe('error');
    expect(await held({ 'reports/pip-audit.json': AUDIT }, changeOf([{ path: 'reports/pip-audit.json', oldPath: 'tests/clean.json', status: 'renamed' }]))).toBe('error');
    expect(await held({ 'reports/pip-audit.json': AUDIT }, changeOf([{ path: 'reports/pip-audit.json', status: 'type-changed' }]))).toBe('error');
    expect(await held({ 'reports/pip-audit.json': AUDIT }, changeOf([{ path: 'Reports/Pip-Audit.JSON', status: 'modified' }]), './reports//pip-audit.json')).toBe('error');
    expect(await held({ 'reports/pip-audit.json': AUDIT }, changeOf([{ path: 'api/reports/pip-audit.json' }], { workdir: 'api/' }))).toBe('error');
    expect(await held({ 'reports/pip-audit.json': AUDIT }, changeOf([{ path: 'reports/pip-audit.json' }], { workdir: 'api/' }))).toBe('ok');
  });
});

describe('a re-review of the reports the pull request holds: what the reader is told', () => {
  it('the report the change holds is said as such, never "unreadable" (it read fine)', async () => {
    const { r } = await pipAudit({ 'reports/pip-audit.json': AUDIT }, changeOf([{ path: 'reports/pip-audit.json' }]));
    expect(r.tools[0]!.stats['reportsInChange']).toBe(1);
    expect(r.headline).toBe('Security gate: error — 1 report from the change');
    const md = renderSummary(r);
    expect(md).toContain('**pip\\-audit** report from the change: &quot;reports/pip\\-audit\\.json&quot;: this change adds or modifies the report file itself');
    expect(md).not.toContain('unreadable');
    expect(renderTerminal(r)).toContain('pip-audit report from the change: "reports/pip-audit.json": this change adds or modifies the report file itself');
  });

  it('(guard) a report that cannot be read next to it is still unreadable', async () => {
    const { r } = await pipAudit({ 'reports/pip-audit.json': AUDIT, 'reports/broken.json': '{' }, changeOf([{ path: 'reports/pip-audit.json' }]), 'reports/*.json');
    expect(r.headline).toBe('Security gate: error — 1 report unreadable');
  });
});
