/**
 * Hand-built GateResult values for renderer tests. Counts are computed from the findings, the way the
 * policy does, so a case only states findings and dispositions.
 */
import type { Action, Disposition, EvaluatedFinding, GateResult, Phase, ToolResult, Verdict } from '../../src/policy/result.js';
import type { Severity, ToolId } from '../../src/reports/model.js';
import { headlineFor } from '../../src/render/common.js';

let seq = 0;

export function finding(p: Partial<EvaluatedFinding> & { tool?: ToolId; disposition?: Disposition }): EvaluatedFinding {
  seq += 1;
  const severity: Severity = p.severity ?? 'medium';
  const disposition: Disposition = p.disposition ?? 'warn';
  const f: EvaluatedFinding = {
    tool: p.tool ?? 'bandit',
    ruleId: p.ruleId ?? 'B101',
    title: p.title ?? 'Use of assert detected.',
    severity,
    fingerprint: p.fingerprint ?? `fp-${seq}`,
    sourceFile: p.sourceFile ?? 'reports/bandit.json',
    disposition,
    phase2Action: p.phase2Action ?? (disposition === 'waived' ? 'block' : (disposition as Action)),
    effectiveSeverity: p.effectiveSeverity ?? severity,
    reason: p.reason ?? `${severity.toUpperCase()} (default threshold)`,
  };
  return { ...f, ...p, severity, disposition, effectiveSeverity: p.effectiveSeverity ?? severity } as EvaluatedFinding;
}

export function tool(id: ToolId, p: Partial<ToolResult> & { phase?: Phase } = {}): ToolResult {
  const findings = p.findings ?? [];
  const severity = { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 };
  const counts = { block: 0, warn: 0, info: 0, waived: 0, wouldBlock: 0 };
  for (const f of findings) {
    severity[f.severity] += 1;
    counts[f.disposition] += 1;
    if (f.phase2Action === 'block' && f.disposition !== 'waived') counts.wouldBlock += 1;
  }
  return {
    tool: id,
    phase: p.phase ?? 1,
    status: p.status ?? 'ok',
    messages: p.messages ?? [],
    files: p.files ?? [{ path: `reports/${id}.json`, format: `${id}-json`, findings: findings.length, bytes: 1234 }],
    findings,
    skipped: p.skipped ?? [],
    scanErrors: p.scanErrors ?? [],
    stats: p.stats ?? {},
    severity,
    counts,
    ...(p.toolVersion ? { toolVersion: p.toolVersion } : {}),
    ...(p.missingAs ? { missingAs: p.missingAs } : {}),
  };
}

export function gate(tools: ToolResult[], p: Partial<GateResult> = {}): GateResult {
  const totals = { block: 0, warn: 0, info: 0, waived: 0, wouldBlock: 0, findings: 0 };
  for (const t of tools) {
    for (const k of ['block', 'warn', 'info', 'waived', 'wouldBlock'] as const) totals[k] += t.counts[k];
    totals.findings += t.findings.length;
  }
  const broken = tools.some((t) => t.status !== 'ok');
  const verdict: Verdict = p.verdict ?? (broken ? 'error' : totals.block > 0 ? 'block' : totals.warn > 0 ? 'warn' : 'pass');
  const base: Phase = p.phase?.base ?? 1;
  const r: GateResult = {
    schemaVersion: 1,
    generatedAt: '2026-11-29T09:00:00.000Z',
    verdict,
    shouldFail: verdict === 'block' || verdict === 'error',
    headline: '',
    phase: p.phase ?? { setting: String(base) as '1' | '2', base, phase2Tools: tools.filter((t) => t.phase === 2 && base === 1).map((t) => t.tool) },
    tools,
    totals,
    notices: p.notices ?? [],
    ...(p.overridden !== undefined ? { overridden: p.overridden } : {}),
    ...(p.artifact ? { artifact: p.artifact } : {}),
  };
  r.headline = headlineFor(r);
  return r;
}

/**
 * Splits a Markdown line into text outside code spans (backslash escapes honoured outside code, none
 * inside, as in CommonMark); reports an unclosed code span. As in CommonMark, a span opened by a run
 * of N backticks ends at the next run of exactly N: the reproduce command keeps its backticks in a
 * longer fence (escapeCode's `outsideTable`), and a run of one inside it closes nothing.
 */
function outsideCode(line: string): { text: string; unclosed: boolean } {
  let text = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      text += c + (line[i + 1] ?? '');
      i += 1;
    } else if (c === '`') {
      let n = 1;
      while (line[i + n] === '`') n++;
      const closer = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, 'g');
      closer.lastIndex = i + n;
      const end = closer.exec(line);
      if (!end) return { text, unclosed: true };
      text += '<code/>';
      i = end.index + n - 1;
    } else {
      text += c;
    }
  }
  return { text, unclosed: false };
}

/** The Markdown with every code span's content replaced by `<code/>` (code is inert). */
export function textOutsideCode(md: string): string {
  return md
    .split('\n')
    .map((l) => outsideCode(l).text)
    .join('\n');
}

/**
 * Structural checks of rendered Markdown: balanced details, only our tags outside code spans, sane
 * entities, closed code spans, only http(s) links, every table row as wide as its header.
 */
export function markdownProblems(md: string): string[] {
  const problems: string[] = [];
  const lines = md.split('\n');
  const outside: string[] = [];
  lines.forEach((line, i) => {
    const o = outsideCode(line);
    if (o.unclosed) problems.push(`line ${i + 1}: unclosed code span: ${line.slice(0, 80)}`);
    outside.push(o.text);
  });
  const text = outside.join('\n');
  const opens = (text.match(/<details>/g) ?? []).length;
  const closes = (text.match(/<\/details>/g) ?? []).length;
  if (opens !== closes) problems.push(`<details> ${opens} opened, ${closes} closed`);
  for (const m of text.matchAll(/<\/?([A-Za-z][A-Za-z0-9-]*)/g)) {
    if (!['details', 'summary', 'code'].includes(m[1]!.toLowerCase())) problems.push(`unexpected tag <${m[1]}>`);
  }
  for (const m of text.matchAll(/&([^;\s]{0,12})(;?)/g)) {
    if (!m[2] || !/^(amp|lt|gt|quot|#124|#39)$/.test(m[1]!)) problems.push(`stray & near ${JSON.stringify(text.slice(m.index, m.index + 20))}`);
  }
  for (const m of text.matchAll(/\]\(([^)]*)\)/g)) {
    if (!/^https?:\/\//.test(m[1]!)) problems.push(`link to ${JSON.stringify(m[1])}`);
  }
  // Every table row has as many cells as its header (code spans cannot hide a pipe: we emit none).
  let cols = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith('|')) {
      cols = -1;
      continue;
    }
    const n = (line.match(/\|/g) ?? []).length;
    if (cols < 0) cols = n;
    else if (n !== cols) problems.push(`table row ${i + 1} has ${n} pipes, header ${cols}: ${line.slice(0, 80)}`);
  }
  return problems;
}
