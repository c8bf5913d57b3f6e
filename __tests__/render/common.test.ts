import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CONFIDENCES, SEVERITIES } from '../../src/reports/model.js';
import { firstByPriority, findingsByPriority } from '../../src/render/annotations.js';
import { headlineFor, mostSevere, ruleDocUrl, sectionsOf, sortMostSevereFirst, toolName, titleAddsToRule, toolStatsParts, waiverText, whereText } from '../../src/render/common.js';
import { finding, gate, tool } from './helpers.js';
import { renderSarif } from '../../src/render/sarif.js';

describe('titleAddsToRule', () => {
  it('is false for a title that repeats the rule or, for pip-audit, the rule and the package', () => {
    expect(titleAddsToRule(finding({ ruleId: 'B101', title: 'Use of assert detected.' }))).toBe(true);
    expect(titleAddsToRule(finding({ ruleId: 'B101', title: 'B101' }))).toBe(false);
    expect(titleAddsToRule(finding({ ruleId: 'B101', ruleName: 'assert_used', title: 'assert_used' }))).toBe(false);
    const pkg = { name: 'urllib3', version: '2.5.0', fixVersions: [] };
    expect(titleAddsToRule(finding({ tool: 'pip-audit', ruleId: 'GHSA-2xpw-w6gg-jr37', title: 'GHSA-2xpw-w6gg-jr37 in urllib3 2.5.0', package: pkg }))).toBe(false);
    expect(titleAddsToRule(finding({ tool: 'pip-audit', ruleId: 'GHSA-2xpw-w6gg-jr37', title: 'GHSA-2xpw-w6gg-jr37 in urllib3 2.6.0', package: pkg }))).toBe(true);
    expect(titleAddsToRule(finding({ tool: 'pip-audit', ruleId: 'GHSA-2xpw-w6gg-jr37', title: 'Decompression bomb in urllib3', package: pkg }))).toBe(true);
    // a CycloneDX component without a version
    expect(titleAddsToRule(finding({ tool: 'pip-audit', ruleId: 'GHSA-2xpw-w6gg-jr37', title: 'GHSA-2xpw-w6gg-jr37 in urllib3', package: { name: 'urllib3', fixVersions: [] } }))).toBe(false);
  });
});

describe('toolStatsParts', () => {
  it('names the counters in words, keeps labelled zeros and drops unlabelled ones', () => {
    const t = tool('pip-audit', { stats: { dependencies: 79, skipped: 0, vulnerablePackages: 2, duplicates: 0 } });
    expect(toolStatsParts(t)).toEqual(['79 packages audited', '2 vulnerable packages']);
    expect(toolStatsParts(tool('pip-audit', { stats: { dependencies: 1, vulnerablePackages: 0 } }))).toEqual(['1 package audited', '0 vulnerable packages']);
    expect(toolStatsParts(tool('deptry', { stats: { raw: 11, duplicates: 3, DEP001: 2 } }))).toEqual(['11 raw findings', 'duplicates 3', 'DEP001 2']);
  });
});

describe('headlineFor', () => {
  it('says verdict and phase in plain words', () => {
    expect(headlineFor(gate([tool('bandit')]))).toBe('Security gate: pass');
    const p1 = gate([tool('bandit', { findings: [finding({ disposition: 'warn', phase2Action: 'block' }), finding({ disposition: 'warn', phase2Action: 'warn' })] })]);
    expect(headlineFor(p1)).toBe('Security gate: warn — phase 1, nothing blocks yet · 1 finding would block in phase 2');
    const w1 = gate([tool('bandit', { findings: [finding({ disposition: 'warn', phase2Action: 'warn' })] })]);
    expect(headlineFor(w1)).toBe('Security gate: warn — phase 1, nothing blocks yet · 1 warning');
    const b2 = gate([tool('bandit', { phase: 2, findings: [1, 2, 3].map(() => finding({ disposition: 'block' })) })], { phase: { setting: '2', base: 2, phase2Tools: [] } });
    expect(headlineFor(b2)).toBe('Security gate: block — 3 blocking findings (phase 2)');
    const e = gate([tool('bandit'), tool('gitleaks', { status: 'missing', messages: ['x'] })]);
    expect(headlineFor(e)).toBe('Security gate: error — 1 report missing');
    const u = gate([tool('bandit', { status: 'error', messages: ['x'] }), tool('gitleaks', { status: 'error', messages: ['y'] })]);
    expect(headlineFor(u)).toBe('Security gate: error — 2 reports unreadable');
    const both = gate([tool('bandit', { status: 'error', messages: ['x'] }), tool('gitleaks', { status: 'missing', messages: ['y'] }), tool('pip-audit', { status: 'missing', messages: ['z'] })]);
    expect(headlineFor(both)).toBe('Security gate: error — 2 reports missing, 1 unreadable');
    // on-missing-report: ignore says the report is missing, but the run is not broken for it
    const ign = gate([tool('bandit', { findings: [finding({ disposition: 'warn', phase2Action: 'warn' })] }), tool('mutmut', { status: 'missing', missingAs: 'ignore', messages: ['x'] })], { verdict: 'warn' });
    expect(headlineFor(ign)).toBe('Security gate: warn — 1 report missing (ignored) · phase 1, nothing blocks yet · 1 warning');
    const some = gate([tool('gitleaks', { status: 'missing', missingAs: 'ignore', messages: ['x'] }), tool('mutmut', { status: 'missing', missingAs: 'warn', messages: ['y'] })], { verdict: 'warn' });
    expect(headlineFor(some)).toBe('Security gate: warn — 2 reports missing (1 ignored)');
    const mixed = gate([tool('bandit'), tool('gitleaks', { phase: 2, findings: [finding({ tool: 'gitleaks', disposition: 'block' })] })]);
    expect(headlineFor(mixed)).toBe('Security gate: block — 1 blocking finding (phase 2: gitleaks)');
    const over = gate([tool('bandit', { phase: 2, findings: [finding({ disposition: 'block' })] })], { overridden: true });
    expect(headlineFor(over)).toBe('Security gate: block — 1 blocking finding (phase 2) · overridden');
  });
  it('stays plain text for a result file from elsewhere (unknown tool or verdict)', () => {
    const r = gate([tool('bandit')]);
    const odd = { ...r, verdict: '::error::x' as never, tools: [{ ...r.tools[0]!, tool: '::set-output <b>' as never, status: 'error' as const, phase: 2 as const }] };
    expect(headlineFor(odd)).not.toMatch(/::|<|>/);
    expect(toolName('a b::<c>')).toBe('a?b???c?');
  });
});

describe('order and sections', () => {
  const arb = fc.record({
    severity: fc.constantFrom(...SEVERITIES),
    effectiveSeverity: fc.constantFrom(...SEVERITIES),
    confidence: fc.constantFrom(...CONFIDENCES),
    path: fc.string({ maxLength: 4 }),
    line: fc.nat(20),
  });
  it('mostSevere(k) is the first k of a full sort: the same findings in the same order (property)', () => {
    // every field of the order varies (tool, package or place, rule), with many ties
    const few = fc.record({ severity: fc.constantFrom('high', 'low'), effectiveSeverity: fc.constantFrom('high', 'low'), confidence: fc.constantFrom('high', 'low') }) as fc.Arbitrary<{ severity: 'high' | 'low'; effectiveSeverity: 'high' | 'low'; confidence: 'high' | 'low' }>;
    const more = fc.record({ tool: fc.constantFrom('bandit', 'gitleaks', 'pip-audit') as fc.Arbitrary<'bandit' | 'gitleaks' | 'pip-audit'>, ruleId: fc.constantFrom('B101', 'B602', 'x'), pkg: fc.constantFrom(null, null, null, 'a', 'b'), path: fc.constantFrom('a.py', 'b.py'), line: fc.nat(4) });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(arb, few), more), { maxLength: 300, size: 'max' }), fc.nat(30), (items, k) => {
        const fs = items.map(([x, y]) =>
          finding({ tool: y.tool, ruleId: y.ruleId, severity: x.severity, effectiveSeverity: x.effectiveSeverity, confidence: x.confidence, ...(y.pkg === null ? { location: { path: y.path, line: y.line } } : { package: { name: y.pkg, version: '1' } }) }),
        );
        const full = sortMostSevereFirst(fs).slice(0, k);
        const top = mostSevere(fs, k);
        expect(top.length).toBe(full.length);
        top.forEach((f, i) => expect(f).toBe(full[i]));
      }),
    );
  });
  it('mostSevere keeps the best of findings that differ only in line, or only in rule', () => {
    const byLine = Array.from({ length: 40 }, (_, i) => finding({ location: { path: 'a.py', line: 40 - i } }));
    expect(mostSevere(byLine, 3).map((f) => f.location?.line)).toEqual([1, 2, 3]);
    const byRule = ['B9', 'B8', 'B7', 'B6', 'B5', 'B4', 'B3', 'B2', 'B1', 'B0'].flatMap((r) => [finding({ ruleId: r, location: { path: 'a.py', line: 1 } }), finding({ ruleId: r, location: { path: 'a.py', line: 1 } })]);
    expect(mostSevere(byRule, 2).map((f) => f.ruleId)).toEqual(['B0', 'B0']);
  });
  it('firstByPriority(k) is the first k of findingsByPriority, the same findings in the same order (property)', () => {
    const disp = fc.constantFrom('block', 'warn', 'info', 'waived') as fc.Arbitrary<'block' | 'warn' | 'info' | 'waived'>;
    const act = fc.constantFrom('block', 'warn', 'info') as fc.Arbitrary<'block' | 'warn' | 'info'>;
    fc.assert(
      fc.property(fc.array(fc.tuple(arb, disp, act), { maxLength: 150 }), fc.constantFrom(1, 2) as fc.Arbitrary<1 | 2>, fc.nat(160), (items, phase, k) => {
        const fs = items.map(([x, d, a]) => finding({ severity: x.severity, effectiveSeverity: x.effectiveSeverity, confidence: x.confidence, disposition: d, phase2Action: a, location: { path: x.path, line: x.line } }));
        const tools = [tool('bandit', { phase, findings: fs })];
        expect(firstByPriority(tools, k)).toEqual(findingsByPriority(tools).slice(0, k));
      }),
    );
  });
  it('puts every finding in exactly one section', () => {
    const r = gate([
      tool('bandit', {
        findings: [
          finding({ disposition: 'warn', phase2Action: 'block' }),
          finding({ disposition: 'warn', phase2Action: 'warn' }),
          finding({ disposition: 'info', phase2Action: 'info' }),
          finding({ disposition: 'waived', phase2Action: 'block' }),
        ],
      }),
      tool('gitleaks', { phase: 2, findings: [finding({ tool: 'gitleaks', disposition: 'block' }), finding({ tool: 'gitleaks', disposition: 'warn', phase2Action: 'warn' })] }),
    ]);
    const s = sectionsOf(r, 10);
    expect([s.blocking.total, s.wouldBlock.total, s.warnings.total, s.waived.total, s.info.total]).toEqual([1, 1, 2, 1, 1]);
  });
});

describe('labels', () => {
  it('links rule docs only through validated http(s) URLs', () => {
    expect(ruleDocUrl(finding({ helpUri: 'javascript:alert(1)' }))).toBeUndefined();
    expect(ruleDocUrl(finding({ helpUri: 'https://bandit.readthedocs.io/x.html' }))).toBe('https://bandit.readthedocs.io/x.html');
    expect(ruleDocUrl(finding({ tool: 'pip-audit', ruleId: 'GHSA-7f5h-v6xp-fcq8' }))).toBe('https://github.com/advisories/GHSA-7f5h-v6xp-fcq8');
    expect(ruleDocUrl(finding({ tool: 'pip-audit', ruleId: 'PYSEC-2021-76' }))).toBe('https://osv.dev/vulnerability/PYSEC-2021-76');
    expect(ruleDocUrl(finding({ tool: 'pip-audit', ruleId: '../../x' }))).toBeUndefined();
  });
  it('links a report\'s own documentation URL only to Bandit\'s docs and the advisory databases', () => {
    // Found by a hostile-input review: `more_info: https://evil.example/phish` became a live link in
    // the summary, the PR comment and the SARIF's help Markdown.
    for (const url of ['https://evil.example/phish', 'https://bandit.readthedocs.io.evil.example/x', 'http://bandit.readthedocs.io/x.html', 'https://bandit.readthedocs.io:8443/x', 'https://github.com/evil/repo', 'https://user@osv.dev/x']) {
      expect(ruleDocUrl(finding({ helpUri: url }))).toBeUndefined();
    }
    expect(ruleDocUrl(finding({ helpUri: 'https://osv.dev/vulnerability/PYSEC-2021-76' }))).toBe('https://osv.dev/vulnerability/PYSEC-2021-76');
    expect(ruleDocUrl(finding({ tool: 'pip-audit', ruleId: 'GHSA-7f5h-v6xp-fcq8', helpUri: 'https://evil.example/' }))).toBe('https://github.com/advisories/GHSA-7f5h-v6xp-fcq8');
    const sarif = renderSarif(gate([tool('bandit', { findings: [finding({ helpUri: 'https://evil.example/phish' })] })]), {}).sarif;
    expect(sarif.runs[0]!.results).toHaveLength(1);
    expect(JSON.stringify(sarif)).not.toContain('evil.example');
  });
  it('places a finding: path:line, package version, or the report file', () => {
    expect(whereText(finding({ location: { path: 'a.py', line: 3 } }))).toBe('a.py:3');
    expect(whereText(finding({ package: { name: 'urllib3', version: '1.26.5' } }))).toBe('urllib3 1.26.5');
    expect(whereText(finding({ sourceFile: 'r.json' }))).toBe('r.json');
  });
  it('calls out a waiver that expires soon or has expired', () => {
    const w = (expires: string) => finding({ disposition: 'waived', waiver: { id: 'W1', owner: 'o', expires, reasonCategory: 'fp' } });
    // UTC days, as the waivers table counts them (consistency review: this said "in 1 day").
    expect(waiverText(w('2026-12-01'), '2026-11-29T09:00:00Z')).toBe('W1 · owner o · expires 2026-12-01 (in 2 days) · fp');
    expect(waiverText(w('2026-12-01'), '2026-12-01T23:59:59Z')).toBe('W1 · owner o · expires 2026-12-01 (expires today) · fp');
    expect(waiverText(w('2026-12-01'), '2026-12-02T00:00:00Z')).toContain('(expired)');
    expect(waiverText(w('2026-11-01'), '2026-11-29T09:00:00Z')).toContain('(expired)');
    expect(waiverText(w('2027-11-01'), '2026-11-29T09:00:00Z')).toBe('W1 · owner o · expires 2027-11-01 · fp');
  });
});
