/**
 * The SARIF of every corpus report (every fixture the registry parses), through the real parsers and
 * the policy, validated against the SARIF 2.1.0 schema; gitleaks secrets never reach the file.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSettings } from '../../src/config/schema.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { parseReport } from '../../src/reports/registry.js';
import { ReportParseError, type ParsedReport, type ToolId } from '../../src/reports/model.js';
import { renderSarif } from '../../src/render/sarif.js';
import { planAnnotations, formatAnnotationCommand } from '../../src/render/annotations.js';
import { sarifErrors } from './sarif.validate.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const TOOLS: ToolId[] = ['bandit', 'pip-audit', 'gitleaks', 'deptry', 'vulture', 'mutmut'];

function filesUnder(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(filesUnder(p));
    else if (!/\.expected\.|\.golden\.|\.md$/.test(n)) out.push(p);
  }
  return out;
}

interface Case {
  tool: ToolId;
  file: string;
  report: ParsedReport;
}

const cases: Case[] = [];
const unparsed: string[] = [];
for (const tool of TOOLS) {
  for (const abs of filesUnder(join(fixtures, tool))) {
    const file = relative(fixtures, abs);
    try {
      cases.push({ tool, file, report: parseReport(tool, file, readFileSync(abs, 'utf8')) });
    } catch (e) {
      if (!(e instanceof ReportParseError)) throw e;
      unparsed.push(file); // formats the gate does not read (gitleaks csv/junit, mutmut show output…)
    }
  }
}

/** Clear secrets a gitleaks fixture holds (JSON Secret / v7 offender / SARIF snippet). */
function secretsIn(text: string): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, key?: string): void => {
    if (typeof v === 'string') {
      if ((key === 'Secret' || key === 'offender' || key === 'snippet.text') && v.length >= 8 && v !== 'REDACTED') found.add(v);
      return;
    }
    if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'snippet' && x && typeof x === 'object') walk((x as { text?: unknown }).text, 'snippet.text');
        else walk(x, k);
      }
    }
  };
  try {
    walk(JSON.parse(text));
  } catch {
    // not JSON
  }
  return [...found];
}

let secretsChecked = 0;
const settings = parseSettings([{ phase: '2' }]);
const now = new Date('2026-11-29T10:00:00Z');

describe('SARIF of every corpus report', () => {
  it('found the corpus', () => {
    expect(cases.length).toBeGreaterThan(30);
  });

  it.each(cases.map((c) => [c.file, c] as const))('%s validates against SARIF 2.1.0', (_name, c) => {
    const result = evaluate(
      [{ tool: c.tool, status: 'ok', messages: [], files: [{ path: c.file, findings: c.report.findings.length, bytes: 1 }], reports: [c.report] }],
      { settings, now },
    );
    const { sarif, cut } = renderSarif(result, { workspace: '/home/runner/work/repo/repo', toolVersions: {} });
    expect(sarifErrors(sarif)).toEqual([]);
    expect(cut).toEqual([]);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.results).toHaveLength(c.report.findings.length);
    for (const r of sarif.runs[0]!.results) {
      expect(r.locations).toHaveLength(1);
      expect(r.locations[0]!.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    }
    if (c.tool === 'gitleaks') {
      const text = JSON.stringify(sarif);
      const annotations = planAnnotations(result, { mode: 'all' }).map(formatAnnotationCommand).join('\n');
      for (const s of secretsIn(readFileSync(join(fixtures, c.file), 'utf8'))) {
        secretsChecked++;
        expect(text.includes(s)).toBe(false);
        expect(annotations.includes(s)).toBe(false);
      }
    }
  });

  it('checked real secrets (the gitleaks fixtures hold some)', () => {
    expect(secretsChecked).toBeGreaterThan(50);
  });

  it('all tools in one log validate too', () => {
    const byTool = new Map<ToolId, ParsedReport[]>();
    for (const c of cases) byTool.set(c.tool, [...(byTool.get(c.tool) ?? []), c.report]);
    const inputs = [...byTool].map(([tool, reports]) => ({ tool, status: 'ok' as const, messages: [], files: [], reports }));
    const result = evaluate(inputs, { settings, now });
    const { sarif } = renderSarif(result);
    expect(sarif.runs.length).toBe(byTool.size);
    expect(sarifErrors(sarif)).toEqual([]);
  });
});
