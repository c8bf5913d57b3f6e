/**
 * The "reproduce locally" command the summary prints: it names every setting that changes a verdict
 * and the commit the change was compared with, quotes what a shell would expand, and the CLI accepts
 * every flag in it.
 */
import { describe, expect, it } from '@jest/globals';
import { parseSettings } from '../../src/config/schema.js';
import { reproduceCommand } from '../../src/engine/publish.js';
import { runCli } from '../../src/cli/main.js';
import { shellWords } from '../helpers/shell-words.js';

const BASE = 'a'.repeat(40);
const HEAD = 'b'.repeat(40);
const known = (source: string) => ({ known: true as const, base: BASE, head: HEAD, source, files: 3, notes: [] });

const words = shellWords;

async function cliAccepts(cmd: string): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await runCli([...words(cmd).slice(2), '--help'], { stdout: () => {}, stderr: (s) => (err += s), cwd: process.cwd(), env: {} });
  return { code, err };
}

describe('reproduceCommand', () => {
  it('defaults: the reports and the phase only', () => {
    const s = parseSettings([{ 'bandit-report': 'reports/bandit.json', phase: '1' }]);
    expect(reproduceCommand(s)).toBe('npx security-gate --bandit-report reports/bandit.json --phase 1');
  });

  it('names the base commit of a known change, from the event or the base-ref it resolved (a branch moves); a first push names the empty tree it was compared with', () => {
    const s = parseSettings([{ 'deptry-report': 'reports/deptry.json' }]);
    expect(reproduceCommand(s, known('pull_request'))).toBe(`npx security-gate --deptry-report reports/deptry.json --phase 1 --base-ref ${BASE}`);
    expect(reproduceCommand(s, known('push'))).toContain(`--base-ref ${BASE}`);
    // A first push was compared with the empty tree: its id is named (the CLI's base-ref takes it).
    expect(reproduceCommand(s, known('first-commit'))).toContain(`--base-ref ${BASE}`);
    expect(reproduceCommand(s, { known: false, reason: 'no event' })).not.toContain('--base-ref');
    const withRef = parseSettings([{ 'deptry-report': 'reports/deptry.json', 'base-ref': 'origin/main' }]);
    expect(reproduceCommand(withRef, known('base-ref'))).toBe(`npx security-gate --deptry-report reports/deptry.json --phase 1 --base-ref ${BASE}`);
    // Not resolved in CI: named as given.
    expect(reproduceCommand(withRef, { known: false, reason: 'not found' })).toContain('--base-ref origin/main');
  });

  it('adds every non-default setting that changes a verdict', () => {
    const s = parseSettings([
      {
        'mutmut-report': 'reports/mutmut.json',
        'mutmut-min-score': '80',
        'vulture-min-confidence': '70',
        'unknown-severity': 'medium',
        'severity-source': 'off',
        'on-missing-report': 'warn',
        'critical-paths': 'src/payments/**',
        'scan-root': 'api',
        'secret-scan-keywords': 'password,pin',
        'waivers-file': 'docs/team-waivers.md',
        'security-approvers': 'sam-sec,acme/security',
        'senior-approvers': 'sue-senior',
        'waiver-max-days': '90',
      },
    ]);
    const cmd = reproduceCommand(s);
    // Waivers too (found by a docs review): without its approvers a waiver is invalid, so the CLI
    // counted the findings CI waived.
    for (const part of ['--mutmut-min-score 80', '--vulture-min-confidence 70', '--unknown-severity medium', '--severity-source off', '--on-missing-report warn', "--critical-paths 'src/payments/**'", '--scan-root api', '--secret-scan-keywords password,pin', '--waivers-file docs/team-waivers.md', '--security-approvers sam-sec,acme/security', '--senior-approvers sue-senior', '--waiver-max-days 90']) {
      expect(cmd).toContain(part);
    }
    expect(reproduceCommand(parseSettings([{ 'bandit-report': 'b.json', 'secret-scan': 'false' }]))).toContain('--secret-scan false');
    // Which waivers the summary calls expiring (found by the differential review).
    expect(reproduceCommand(parseSettings([{ 'bandit-report': 'b.json', 'waiver-expiry-warning-days': '14' }]))).toContain('--waiver-expiry-warning-days 14');
    expect(reproduceCommand(parseSettings([{ 'bandit-report': 'b.json' }]))).not.toContain('--waiver-expiry-warning-days');
  });

  it('quotes globs and odd characters so the shell passes them through unchanged', () => {
    const s = parseSettings([{ 'bandit-report': 'reports/*.json', 'gitleaks-report': "it's here.json" }]);
    const cmd = reproduceCommand(s);
    expect(cmd).toContain("--bandit-report 'reports/*.json'");
    expect(words(cmd)).toEqual(['npx', 'security-gate', '--bandit-report', 'reports/*.json', '--gitleaks-report', "it's here.json", '--phase', '1']);
  });

  it('the CLI accepts every flag the command uses', async () => {
    const s = parseSettings([
      {
        'bandit-report': 'reports/*.json',
        'pip-audit-report': 'p.json',
        'gitleaks-report': 'g.json',
        'deptry-report': 'd.json',
        'vulture-report': 'v.txt',
        'mutmut-report': 'm.json',
        'policy-file': '.github/security-gate.yml',
        phase: 'auto',
        'phase-2-from': '2026-12-23',
        'phase-2-tools': 'gitleaks',
        'mutmut-min-score': '80',
        'vulture-min-confidence': '70',
        'unknown-severity': 'low',
        'severity-source': 'osv',
        'on-missing-report': 'ignore',
        'critical-paths': 'src/payments/**',
        'scan-root': 'api',
        'secret-scan': 'false',
        'waivers-file': 'docs/team-waivers.md',
        'security-approvers': 'sam-sec',
        'senior-approvers': 'sue-senior',
        'waiver-max-days': '30',
        'waiver-expiry-warning-days': '14',
      },
    ]);
    expect(await cliAccepts(reproduceCommand(s, known('pull_request')))).toEqual({ code: 0, err: '' });
  });
});

describe('reproduceCommand, found by the differential test (differential.test.ts)', () => {
  it('with a policy file, names the verdict settings at their defaults too: an input may set back what the file changes', () => {
    // As settingsWithPolicy makes them: the file said `unknown-severity: low`, the workflow `high`.
    const s = parseSettings([{ 'unknown-severity': 'low', 'secret-scan': false }, { 'bandit-report': 'b.json', 'policy-file': 'gate.yml', 'unknown-severity': 'high', 'secret-scan': 'true' }]);
    const cmd = reproduceCommand(s);
    for (const part of ['--unknown-severity high', '--on-missing-report error', '--waivers-file docs/governance/security-waivers.md', '--secret-scan true', "--critical-paths '**/auth/**,"]) expect(cmd).toContain(part);
    // Told which settings the inputs gave: those only (the file's own settings are its to say).
    const given = new Set(['bandit-report', 'policy-file', 'unknown-severity', 'secret-scan']);
    const told = reproduceCommand(s, undefined, { given });
    expect(told).toBe('npx security-gate --bandit-report b.json --policy-file gate.yml --phase 1 --unknown-severity high --secret-scan true');
    // Without a policy file the defaults go without saying.
    expect(reproduceCommand(parseSettings([{ 'bandit-report': 'b.json', 'unknown-severity': 'high' }]))).toBe('npx security-gate --bandit-report b.json --phase 1');
  });

  it('names a glob or a path under the workspace relative to it, whatever its characters', () => {
    const ws = '/work/a "b" |c|';
    const s = parseSettings([{ 'bandit-report': `${ws}/reports/*.json`, 'pip-audit-report': `${ws}/./x/../p.json`, 'scan-root': `${ws}/api`, 'waivers-file': '/elsewhere/w.md' }]);
    expect(words(reproduceCommand(s, undefined, { workspace: ws }))).toEqual(['npx', 'security-gate', '--bandit-report', 'reports/*.json', '--pip-audit-report', 'p.json', '--phase', '1', '--scan-root', 'api', '--waivers-file', '/elsewhere/w.md']);
  });
});

describe('reproduceRun of a CLI run with --offline (found by a docs review)', () => {
  async function cliRun(args: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const code = await runCli(args, { stdout: (s) => (out += s), stderr: () => {}, cwd: process.cwd(), env: {}, now: new Date('2026-12-01T00:00:00Z') });
    return { code, out };
  }
  const reproduceOf = (out: string) => /npx security-gate [^\n`]*/.exec(out)?.[0];

  it('names --offline when the run made no lookups for want of the network, so the command gives the same severities', async () => {
    const offline = await cliRun(['--pip-audit-report', 'examples/reports/pip-audit.json', '--offline', '--no-color']);
    const cmd = reproduceOf(offline.out);
    expect(cmd).toMatch(/ --offline$/);
    // Not when lookups were turned off by the setting (named as such) or no pip-audit report was read.
    const off = await cliRun(['--pip-audit-report', 'examples/reports/pip-audit.json', '--severity-source', 'off', '--no-color']);
    expect(reproduceOf(off.out)).toMatch(/--severity-source off$/);
    const bandit = await cliRun(['--bandit-report', 'examples/reports/bandit-report.json', '--offline', '--no-color']);
    expect(reproduceOf(bandit.out)).not.toContain('--offline');
    // Run as printed, it prints the same summary.
    const again = await cliRun([...words(cmd!).slice(2), '--no-color']);
    expect(again.out).toBe(offline.out);
  });
});
