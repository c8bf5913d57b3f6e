/** The pure core: criteria per tool, baselines, evidence, rendering. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluatePromotion, type EvaluateInput } from '../../src/promotion/evaluate.js';
import type { RunRecord } from '../../src/promotion/history.js';
import { renderPromotionMarkdown } from '../../src/promotion/render.js';
import { readGateResult } from '../../src/promotion/result-read.js';
import type { ToolId } from '../../src/reports/model.js';
import { gateResult, type ToolSpec } from './helpers/factory.js';

type Spec = Partial<Record<ToolId, ToolSpec>> | string;

/** Records newest first from specs (a string = no data, with that reason). */
function records(specs: Spec[]): RunRecord[] {
  return specs.map((s, i) => {
    const run = { id: 100 - i, attempt: 1, number: 50 - i, createdAt: new Date(Date.UTC(2026, 10, 1, 12 - i)).toISOString(), url: `https://github.com/a/b/actions/runs/${100 - i}`, conclusion: 'success' };
    if (typeof s === 'string') return { run, data: { kind: 'no-data', reason: s } };
    const r = readGateResult(JSON.stringify(gateResult(s)), 'r.json');
    if (!r.ok) throw new Error(r.reason);
    return { run, data: { kind: 'ok', artifactId: 1, result: r.data } };
  });
}

function baseInput(): EvaluateInput {
  return evaluateInput([]);
}

function evaluate(specs: Spec[], extra: Partial<EvaluateInput> = {}) {
  return evaluatePromotion({ ...evaluateInput(records(specs)), ...extra });
}

function evaluateInput(recs: RunRecord[]): EvaluateInput {
  return {
    history: { records: recs, stoppedBecause: 'enough-evidence', skipped: { inProgress: 0, duplicates: 0, otherBranch: 0, pullRequest: 0, otherEvent: 0 }, stats: { list: 1, commitChecks: recs.length, artifactLookups: recs.length, downloads: recs.length } },
    requests: { total: 1 + 3 * recs.length, list: 1, commitChecks: recs.length, artifactLookups: recs.length, downloads: recs.length },
    source: { repository: 'a/b', workflow: 'ci.yml', branch: 'main', events: ['push', 'schedule', 'workflow_dispatch'], artifactName: 'security-gate-reports', resultFile: 'security-gate-result.json', serverUrl: 'https://github.com' },
    window: 3,
    stableRuns: 3,
    maxRuns: 9,
    strict: false,
    justfile: { path: 'Justfile', found: true, recipes: ['api-security-bandit', 'api-security-audit', 'api-quality-security-hygiene'] },
    requiredRecipes: ['api-security-bandit', 'api-security-audit', 'api-quality-security-hygiene'],
    now: new Date('2026-11-29T00:00:00Z'),
  };
}
const crit = (r: ReturnType<typeof evaluate>, t: ToolId, id: string) => r.tools.find((x) => x.tool === t)!.criteria.find((c) => c.id === id)!;
const n = (k: number, s: Spec): Spec[] => Array.from({ length: k }, () => s);

describe('baselines', () => {
  it('deptry / vulture: only new, unwaived findings in touched modules count', () => {
    const ok: Spec = { deptry: { findings: [{ fingerprint: 'old', inChange: false }, { fingerprint: 'w', inChange: true, waived: { id: 'W', owner: '@o' } }] }, vulture: { findings: [{ fingerprint: 'u' }] } };
    const bad: Spec = { deptry: { findings: [{ fingerprint: 'new', inChange: true }] }, vulture: { findings: [{ fingerprint: 'u' }] } };
    const r = evaluate([bad, ok, ok, ok]);
    expect(crit(r, 'deptry', 'stable-baseline')).toMatchObject({ met: false, detail: 'not met in run #50 (1 new findings in touched modules)' });
    expect(crit(r, 'vulture', 'stable-baseline').met).toBe(true);
  });
  it('deptry / vulture: a run that did not know the change counted every finding as new, and so does promotion', () => {
    // Found by a promotion review: the gate records no inChange when the change is unknown (every
    // finding counts as new, fail closed), and promotion read that as "none new": ready.
    const unknownChange = { known: false as const, reason: 'not a git working tree' };
    const recs = records(n(3, {}));
    for (const r of recs) {
      if (r.data.kind !== 'ok') continue;
      const parsed = readGateResult(JSON.stringify(gateResult({ vulture: { findings: [{ fingerprint: 'u', disposition: 'block' }] } }, '2026-11-01T00:00:00Z', unknownChange)), 'r.json');
      if (parsed.ok) r.data.result = parsed.data;
    }
    const r = evaluatePromotion({ ...baseInput(), history: { records: recs, stoppedBecause: 'enough-evidence', skipped: { inProgress: 0, duplicates: 0, otherBranch: 0, pullRequest: 0, otherEvent: 0 }, stats: { list: 1, commitChecks: 3, artifactLookups: 3, downloads: 3 } } });
    expect(r.tools.find((t) => t.tool === 'vulture')!.criteria.find((c) => c.id === 'stable-baseline')!.met).toBe(false);
  });
  it('Bandit: HIGH as the gate treated it, an undefined severity counted as unknown-severity', () => {
    const r = evaluate(n(3, { bandit: { findings: [{ fingerprint: 'c', severity: 'unknown', effectiveSeverity: 'high' }] } }));
    expect(crit(r, 'bandit', 'stable-baseline').met).toBe(false);
    const low = evaluate(n(3, { bandit: { findings: [{ fingerprint: 'c', severity: 'unknown', effectiveSeverity: 'low' }] } }));
    expect(crit(low, 'bandit', 'stable-baseline').met).toBe(true);
  });
  it('pip-audit: every vulnerability counts, waived or not (the policy says = 0)', () => {
    const r = evaluate(n(3, { 'pip-audit': { findings: [{ fingerprint: 'v', severity: 'unknown', waived: { id: 'W', owner: '@o' } }] } }));
    expect(crit(r, 'pip-audit', 'stable-baseline').detail).toBe('not met in run #50 (1 vulnerabilities), run #49 (1 vulnerabilities), run #48 (1 vulnerabilities)');
  });
  it('mutmut: ran is the baseline; an errored run is not an execution and breaks the stretch', () => {
    const r = evaluate([{ mutmut: { findings: [{ fingerprint: 's' }] } }, { mutmut: { status: 'error', messages: ['mutmut: results.txt: no mutants'] } }, ...n(3, { mutmut: {} })]);
    expect(crit(r, 'mutmut', 'stable-consecutive')).toMatchObject({ met: false, detail: 'broken: mutmut did not execute in run #49 (error: mutmut: results.txt: no mutants)' });
    expect(crit(r, 'mutmut', 'executed-in-window').met).toBe(true);
    expect(r.tools[0]!.timeline[1]).toMatchObject({ state: 'not-executed' });
  });
  it('a tool that stopped running on the branch is not ready, however good its past', () => {
    const r = evaluate([{ bandit: {} }, { bandit: {}, gitleaks: { status: 'missing', messages: ['gitleaks: reports/gitleaks.json matched no file'] } }, 'cancelled before upload', ...n(4, { bandit: {}, gitleaks: {} })]);
    expect(crit(r, 'gitleaks', 'stable-consecutive')).toMatchObject({
      met: false,
      detail: "newer runs without it: gitleaks is not in run #50's result; gitleaks did not execute in run #49 (missing: gitleaks: reports/gitleaks.json matched no file); run #48 has no data (cancelled before upload)",
    });
    expect(crit(r, 'bandit', 'stable-consecutive').detail).toBe('broken: run #48 has no data (cancelled before upload)');
  });

  it('secret scan: active secrets after waivers', () => {
    const r = evaluate(n(3, { 'secret-scan': { findings: [{ fingerprint: 's', waived: { id: 'W', owner: '@o', reasonCategory: 'false_positive' } }] } }));
    expect(r.verdict.ready).toEqual(['secret-scan']);
    expect(r.tools[0]!.metrics).toMatchObject({ waiverRate: 1, falsePositiveRate: 1 });
  });
});

describe('report', () => {
  it('judges every tool seen, in the tools order, no data never counts', () => {
    const r = evaluate([{ gitleaks: {}, bandit: {} }, { bandit: {} }, { bandit: {} }, { bandit: {} }, 'artifact expired']);
    expect(r.tools.map((t) => t.tool)).toEqual(['bandit', 'gitleaks']);
    expect(r.verdict).toMatchObject({ ready: ['bandit'], notReady: ['gitleaks'] });
    expect(r.runs[4]).toMatchObject({ id: 96, data: 'no-data', reason: 'artifact expired' });
    expect(r.tools[0]!.metrics).toMatchObject({ runsExamined: 5, runsWithData: 4, runsExecuted: 4, scanCoverage: 0.8 });
    expect(r.notices[0]).toBe('1 run of 5 examined had no data (expired or missing artifact, or unreadable result): they prove nothing, and a stretch of evidence cannot reach across them.');
  });
  it('a tool with no data at all is not ready on every criterion that needs data', () => {
    const r = evaluate(n(3, { bandit: {} }), { tools: ['bandit', 'gitleaks'] });
    const g = r.tools.find((t) => t.tool === 'gitleaks')!;
    expect(g.ready).toBe(false);
    expect(g.criteria.filter((c) => !c.met).map((c) => c.id)).toEqual(['executed-in-window', 'stable-consecutive', 'stable-baseline', 'stable-no-regression', 'waiver-owners']);
  });
});

describe('renderPromotionMarkdown', () => {
  it('escapes text from artifacts and stays within a budget', () => {
    const r = evaluate([{ bandit: {} }, { bandit: { status: 'missing', messages: ['<img src=x onerror=alert(1)> | @admin ::error::x'] } }, ...n(40, { bandit: {} })], { window: 30, maxRuns: 60 });
    const md = renderPromotionMarkdown(r);
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;img');
    expect(md).not.toContain('@admin');
    expect(md).toContain('[#50](https://github.com/a/b/actions/runs/100)');
    expect(md).toContain('| [#49](https://github.com/a/b/actions/runs/99) | 1 | 2026-11-01 11:00 UTC | success | bandit: missing |');
    expect(md.split('\n')[0]).toBe('## ⚪ Promotion evidence: No tool is ready for phase 2 \\(1 judged\\)');
    const small = renderPromotionMarkdown(r, 3000);
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(3000);
    expect(small).toMatch(/shortened|Cut to fit/);
  });
  it('never links a URL that could break out of the link', () => {
    const r = evaluate(n(3, { bandit: {} }));
    r.runs[0]!.url = 'javascript:alert(1)';
    r.tools[0]!.criteria[0]!.evidence[0]!.url = 'https://x) [evil](https://evil';
    const md = renderPromotionMarkdown(r);
    expect(md).not.toContain('javascript:');
    expect(md).not.toContain('evil');
  });
});

describe('golden report', () => {
  it('matches __tests__/promotion/golden/report.md and report.json (UPDATE_GOLDEN=1 rewrites)', async () => {
    const { readFile, writeFile, mkdir } = await import('node:fs/promises');
    const dir = new URL('./golden/', import.meta.url);
    const high: Spec = { bandit: { findings: [{ fingerprint: 'h', severity: 'high' }] }, gitleaks: {} };
    const r = evaluate(
      [
        { bandit: { findings: [{ fingerprint: 'l1', severity: 'low' }] }, gitleaks: { findings: [{ fingerprint: 'g', waived: { id: 'GATE-7', owner: '', reasonCategory: 'false-positive' } }] }, 'pip-audit': {} },
        { bandit: {}, gitleaks: {}, 'pip-audit': {} },
        'artifact "security-gate-reports" expired on 2026-11-20',
        { bandit: {}, gitleaks: {} },
        high,
        { bandit: {}, gitleaks: {} },
        { bandit: {}, gitleaks: {} },
      ],
      { window: 4, stableRuns: 3, maxRuns: 12 },
    );
    const md = renderPromotionMarkdown(r);
    const json = `${JSON.stringify(r, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1') {
      await mkdir(dir, { recursive: true });
      await writeFile(new URL('report.md', dir), md);
      await writeFile(new URL('report.json', dir), json);
    }
    expect(md).toBe(await readFile(new URL('report.md', dir), 'utf8'));
    expect(json).toBe(await readFile(new URL('report.json', dir), 'utf8'));
  });
});

describe('docs/promotion-report-schema.md', () => {
  it('documents every field the report has', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/promotion-report-schema.md', import.meta.url), 'utf8');
    const report = JSON.parse(await readFile(new URL('./golden/report.json', import.meta.url), 'utf8')) as unknown;
    const keys = new Set<string>();
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          keys.add(k);
          walk(x);
        }
      }
    };
    walk(report);
    const missing = [...keys].filter((k) => !doc.includes(`\`${k}\``) && !doc.includes(`\`${k}[]`));
    expect(missing).toEqual([]);
  });
});

describe('properties', () => {
  const runArb: fc.Arbitrary<Spec> = fc.oneof(
    fc.constant('no data'),
    fc.constant({}),
    fc.constant({ bandit: { status: 'missing' as const } }),
    fc.record({ high: fc.integer({ min: 0, max: 1 }), medium: fc.integer({ min: 0, max: 2 }) }).map(({ high, medium }) => ({
      bandit: {
        findings: [
          ...Array.from({ length: high }, (_, i) => ({ fingerprint: `h${i}`, severity: 'high' as const })),
          ...Array.from({ length: medium }, (_, i) => ({ fingerprint: `m${i}`, severity: 'medium' as const })),
        ],
      },
    })),
  );
  const caseArb = fc.record({ runs: fc.array(runArb, { minLength: 1, maxLength: 12 }), window: fc.integer({ min: 1, max: 5 }), stable: fc.integer({ min: 1, max: 4 }) });
  const ready = (runs: Spec[], window: number, stable: number) => evaluate(runs, { window, stableRuns: stable, maxRuns: 20, tools: ['bandit'] }).tools[0]!.ready;

  it('less data never makes a tool ready', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), ({ runs, window, stable }, k) => {
        const i = k % runs.length;
        const fewer = runs.map((r, j) => (j === i ? 'no data' : r));
        return !ready(fewer, window, stable) || ready(runs, window, stable);
      }),
      { numRuns: 300 },
    );
  });

  it('ready means: enough executions, the newest runs executed, zero HIGH, no rise', () => {
    fc.assert(
      fc.property(caseArb, ({ runs, window, stable }) => {
        if (!ready(runs, window, stable)) return true;
        const exec = runs.map((r) => (typeof r === 'object' && r.bandit && r.bandit.status !== 'missing' ? r.bandit : undefined));
        const newest = exec.slice(0, stable);
        const actives = newest.map((b) => b?.findings?.length ?? 0).reverse();
        return (
          exec.filter(Boolean).length >= window &&
          newest.length === stable &&
          newest.every((b) => b !== undefined && !(b.findings ?? []).some((f) => f.severity === 'high')) &&
          actives.every((n, j) => j === 0 || n <= actives[j - 1]!)
        );
      }),
      { numRuns: 300 },
    );
  });
});
