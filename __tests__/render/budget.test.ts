/**
 * Byte budget of the step summary: never over maxBytes, whatever the input; detail degrades first;
 * the cut is announced; the Markdown stays well formed.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { EvaluatedFinding, GateResult } from '../../src/policy/result.js';
import { SEVERITIES } from '../../src/reports/model.js';
import { renderSummary, safeCut } from '../../src/render/summary.js';
import { renderTerminal } from '../../src/render/terminal.js';
import { finding, gate, markdownProblems, tool } from './helpers.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const OPTS = { artifactName: 'security-gate-reports', artifactUrl: 'https://github.com/acme/api/actions/runs/1/artifacts/2', reproduceCommand: 'npx security-gate --bandit-report b.json' };

function big(n: number): GateResult {
  const findings: EvaluatedFinding[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const kind = i % 10;
    const severity = SEVERITIES[1 + (i % 5)]!;
    findings[i] = finding({
      ruleId: `B${100 + (i % 600)}`,
      ruleName: 'some_rule',
      title: `Finding number ${i} with a reasonably long message about what is wrong here`,
      severity,
      confidence: 'medium',
      disposition: kind < 3 ? 'warn' : kind < 6 ? 'warn' : kind < 9 ? 'info' : 'waived',
      phase2Action: kind < 3 || kind === 9 ? 'block' : kind < 6 ? 'warn' : 'info',
      location: { path: `src/package_${i % 997}/module_${i}.py`, line: 1 + (i % 400) },
      reason: `${severity.toUpperCase()} in a critical path (\`**/auth/**\`)`,
      ...(kind === 9 ? { waiver: { id: `W-${i}`, owner: 'team', expires: '2027-01-01', reasonCategory: 'accepted-risk' } } : {}),
    });
  }
  return gate([tool('bandit', { toolVersion: '1.9.4', findings })]);
}

const HOSTILE = `${'<details>|`@x&amp;<img src=x>\n\n| a | b |\n'.repeat(200)}${'漢字🙂'.repeat(500)}`;

function hostile(n: number): GateResult {
  const findings = Array.from({ length: n }, (_, i) =>
    finding({
      ruleId: `X${i}${HOSTILE.slice(0, 2000)}`,
      ruleName: HOSTILE,
      title: HOSTILE,
      severity: 'high',
      disposition: i % 2 === 0 ? 'block' : 'warn',
      location: { path: `${HOSTILE}/${i}.py`, line: i },
      package: i % 3 === 0 ? { name: HOSTILE, version: HOSTILE, fixVersions: [HOSTILE, HOSTILE] } : undefined,
      reason: HOSTILE,
      helpUri: `https://example.com/${HOSTILE}`,
    }),
  );
  return gate(
    [
      tool('bandit', { phase: 2, toolVersion: HOSTILE, findings, skipped: Array.from({ length: 100 }, () => ({ name: HOSTILE, reason: HOSTILE })), scanErrors: [{ path: HOSTILE, message: HOSTILE }] }),
      tool('gitleaks', { phase: 2, status: 'error', messages: Array.from({ length: 100 }, () => HOSTILE), files: [] }),
    ],
    { notices: Array.from({ length: 1000 }, () => HOSTILE), phase: { setting: '2', base: 2, phase2Tools: [] } },
  );
}

describe('summary byte budget', () => {
  const result = big(100_000);

  it('stays under the default 1,000,000 bytes with 100,000 findings and lists at most maxListed per section', () => {
    const md = renderSummary(result, OPTS);
    expect(bytes(md)).toBeLessThanOrEqual(1_000_000);
    expect(markdownProblems(md)).toEqual([]);
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && l.includes('`src/package_'));
    expect(rows.length).toBeLessThanOrEqual(4 * 50);
    expect(md).toContain('…and 29950 more in artifact **security\\-gate\\-reports**');
    expect(md).toMatch(/^## 🟡 Security gate: warn — phase 1, nothing blocks yet · 30000 findings would block in phase 2\n/);
  });

  it('degrades detail first under a small limit: keeps the would-block list, drops info, announces the cut', () => {
    const md = renderSummary(result, { ...OPTS, maxBytes: 20_000 });
    expect(bytes(md)).toBeLessThanOrEqual(20_000);
    expect(markdownProblems(md)).toEqual([]);
    expect(md).toContain('Shortened to fit the 20,000-byte step-summary limit');
    expect(md).toContain('not listed here to keep the summary under its size limit');
    expect(md).not.toContain('Summary cut here'); // degraded, not cut
    expect(md).toContain('### 🟠 Would block in phase 2: 30000 findings');
    expect(md).toMatch(/\| `src\/package_/); // some rows survived
    expect(md).toContain('reproduce locally: `npx security-gate --bandit-report b.json`'); // footer kept
  });

  it('the terminal counts every tool\'s files not checked, past the ones it lists (found by a review: it stopped counting with the list)', () => {
    const skipped = (n: number, what: string) => Array.from({ length: n }, (_, i) => ({ name: `${what}-${i}`, reason: 'not audited' }));
    const scanErrors = Array.from({ length: 4 }, (_, i) => ({ path: `src/broken_${i}.py`, message: 'syntax error' }));
    const r = gate([tool('pip-audit', { skipped: skipped(3, 'pkg') }), tool('bandit', { scanErrors })]);
    const txt = renderTerminal(r, { maxListed: 2 });
    expect(txt).toContain('Not checked (7)');
    expect(txt).toContain('…and 5 more');
    expect(txt.split('\n').filter((l) => /pkg-\d|broken_\d/.test(l))).toHaveLength(2);
    const all = renderTerminal(r, { maxListed: 10 });
    expect(all.split('\n').filter((l) => /pkg-\d|broken_\d/.test(l))).toHaveLength(7);
    expect(all).not.toMatch(/…and \d+ more/);
    // The summary counts each tool's, as it did.
    expect(renderSummary(r, { maxListed: 2 })).toContain('Not checked: 3 not audited (pip-audit) · 4 files not scanned (Bandit)');
  });

  it('degrades when maxListed is huge (100,000 rows wanted, 1 MB allowed)', () => {
    const md = renderSummary(result, { ...OPTS, maxListed: 100_000 });
    expect(bytes(md)).toBeLessThanOrEqual(1_000_000);
    expect(bytes(md)).toBeGreaterThan(900_000);
    expect(markdownProblems(md)).toEqual([]);
    expect(md).toContain('Shortened to fit the 1,000,000-byte step-summary limit');
    expect(md).not.toContain('Summary cut here');
  });

  it('never exceeds maxBytes with huge hostile strings, at any limit', () => {
    const r = hostile(300);
    const unlimited = bytes(renderSummary(r, { ...OPTS, maxBytes: Number.MAX_SAFE_INTEGER, artifactName: HOSTILE.slice(0, 300) }));
    for (const maxBytes of [0, 1, 7, 50, 200, 500, 1000, 3000, 10_000, 65_536, 300_000, 1_000_000]) {
      const md = renderSummary(r, { ...OPTS, maxBytes, artifactName: HOSTILE.slice(0, 300) });
      expect(bytes(md)).toBeLessThanOrEqual(maxBytes);
      expect(markdownProblems(md)).toEqual([]);
      if (maxBytes >= 500 && unlimited > maxBytes) expect(md).toMatch(/Summary cut here|Shortened to fit|cut \(size limit\)/);
      expect(md).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no half of a surrogate pair
    }
  });

  it('degrades every list to a count line before it cuts anything', () => {
    const findings = Array.from({ length: 3000 }, (_, i) =>
      finding({ location: { path: `src/a${i}.py`, line: i }, severity: 'high', disposition: (['warn', 'info', 'waived'] as const)[i % 3], phase2Action: i % 5 === 0 ? 'block' : 'warn' }),
    );
    const r = gate([tool('bandit', { findings }), tool('gitleaks', { phase: 2, findings: [finding({ tool: 'gitleaks', disposition: 'block', location: { path: 'x.env', line: 1 } })] })]);
    for (const maxBytes of [3000, 4500, 6000, 9000, 20_000]) {
      const md = renderSummary(r, { maxBytes, artifactName: 'security-gate-reports' });
      expect(bytes(md)).toBeLessThanOrEqual(maxBytes);
      expect(markdownProblems(md)).toEqual([]);
      expect(md).not.toContain('Summary cut here');
      expect(md).toContain('Shortened to fit');
      expect(md).toContain('`x.env:1`'); // the one blocking finding is always listed first
    }
  });

  it('hard-trims the skeleton when even the head does not fit, closing <details>', () => {
    const r = hostile(3);
    const md = renderSummary(r, { maxBytes: 4000 });
    expect(bytes(md)).toBeLessThanOrEqual(4000);
    expect(md).toContain('Summary cut here');
    expect(markdownProblems(md)).toEqual([]);
  });

  it('holds for random inputs and limits (property)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 300 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: text, path: text, reason: text, sev: fc.constantFrom(...SEVERITIES), disp: fc.constantFrom('block', 'warn', 'info', 'waived' as const) }), { maxLength: 40 }),
        fc.array(text, { maxLength: 5 }),
        fc.integer({ min: 0, max: 30_000 }),
        fc.integer({ min: 0, max: 60 }),
        (items, notices, maxBytes, maxListed) => {
          const findings = items.map((x) => finding({ title: x.title, reason: x.reason, severity: x.sev, disposition: x.disp, location: { path: x.path, line: 3 } }));
          const r = gate([tool('bandit', { findings, phase: 2 }), tool('pip-audit', { status: 'missing', messages: notices, files: [] })], { notices });
          const md = renderSummary(r, { maxBytes, maxListed, artifactName: 'a' });
          expect(bytes(md)).toBeLessThanOrEqual(maxBytes);
          expect(markdownProblems(md)).toEqual([]);
          const txt = renderTerminal(r, { maxListed });
          expect(txt.split('\n').some((l) => /^\s*::/.test(l))).toBe(false);
          expect(txt).not.toContain('##[');
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('safeCut', () => {
  it('never splits a character, an entity, a tag or an escape', () => {
    expect(safeCut('ab漢', 4)).toBe('ab');
    expect(safeCut('a🙂b', 3)).toBe('a');
    expect(safeCut('x &amp; y', 4)).toBe('x ');
    expect(safeCut('x <details> y', 6)).toBe('x ');
    expect(safeCut('x \\* y', 3)).toBe('x ');
    expect(safeCut('x @\u200docto', 3)).toBe('x ');
    expect(safeCut('short', 100)).toBe('short');
  });
});

describe('the reproduce line and approval comments (a consistency review)', () => {
  const report = (verification?: { requested: boolean; applied: boolean; note: string }) => ({
    file: 'docs/governance/security-waivers.md',
    present: true,
    waivers: [],
    counts: { total: 0, active: 0, expiring: 0, expired: 0, invalid: 0, stale: 0, waivedFindings: 0 },
    byReason: { 'false-positive': 0, 'not-exploitable': 0, 'breaking-change': 0, 'update-blocked': 0 },
    notices: [],
    ...(verification ? { verification } : {}),
  });
  it('says the CLI takes approvers as written when CI checked approval comments, and only then', () => {
    const withWaivers = (w: ReturnType<typeof report>): GateResult => ({ ...gate([tool('bandit')]), waivers: w as unknown as GateResult['waivers'] });
    const checked = renderSummary(withWaivers(report({ requested: true, applied: true, note: 'checked' })), OPTS);
    expect(checked).toContain("reproduce locally: `npx security-gate --bandit-report b.json` (approval comments are checked in CI only: the CLI takes the waivers file's approvers as written)");
    const unchecked = renderSummary(withWaivers(report()), OPTS);
    expect(unchecked).toContain('reproduce locally: `npx security-gate --bandit-report b.json`\n');
  });
});
