/**
 * The text the CLI prints (and the gate may log): the same information as the step summary, compact,
 * plain text with optional ANSI colour. Pure.
 *
 * Every untrusted string goes through `escapeLog`, so a report can never forge a workflow command
 * (`::error::`, `::add-mask::`, `##[…]`); every line starts with text of ours, never with `::`.
 */
import type { EvaluatedFinding, GateResult, ToolResult, Verdict } from '../policy/result.js';
import type { Severity } from '../reports/model.js';
import { clip, escapeLog, safeHttpUrl } from '../util/escape.js';
import {
  CLIP,
  DEFAULT_MAX_LISTED,
  fixText,
  headlineFor,
  messageLevel,
  plural,
  REPRODUCE_MAX_CHARS,
  reproduceTooLong,
  ruleDocUrl,
  ruleText,
  sectionsOf,
  type Section,
  severityColumns,
  severitySourceText,
  titleAddsToRule,
  toolMessages,
  toolMessagesLabel,
  toolName,
  toolStatsParts,
  waiverText,
  whereText,
} from './common.js';
import { firstAndMore, pushAll } from '../util/lists.js';

export interface TerminalOptions {
  /** ANSI colours (default false). */
  color?: boolean;
  /** Findings listed per section (default 50). */
  maxListed?: number;
  /** Show rule documentation links (default false: compact). */
  links?: boolean;
  /** Artifact name / reproduce command to print at the end, when known. */
  artifactName?: string;
  reproduceCommand?: string;
}

const ANSI = { reset: '\u001b[0m', bold: '\u001b[1m', dim: '\u001b[2m', red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', blue: '\u001b[34m', magenta: '\u001b[35m' };
type Style = keyof typeof ANSI;

const VERDICT_STYLE: Record<Verdict, Style[]> = { pass: ['bold', 'green'], warn: ['bold', 'yellow'], block: ['bold', 'red'], error: ['bold', 'magenta'] };
/** A tool message's mark and colour by level (see messageLevel). */
const LEVEL_MARK = { error: 'x', warn: '!', info: '-' } as const;
const LEVEL_STYLE: Record<keyof typeof LEVEL_MARK, Style[]> = { error: ['bold', 'red'], warn: ['yellow'], info: ['dim'] };
const SEVERITY_STYLE: Record<Severity, Style[]> = { critical: ['bold', 'red'], high: ['red'], medium: ['yellow'], low: ['blue'], info: ['dim'], unknown: ['magenta'] };

/** Untrusted text for a log line: clipped, then made inert. */
const t = (s: string | undefined, max: number): string => escapeLog(clip(String(s ?? ''), max));

export function renderTerminal(result: GateResult, opts: TerminalOptions = {}): string {
  const paint = (text: string, styles: Style[] | undefined): string =>
    opts.color && styles && styles.length > 0 ? `${styles.map((s) => ANSI[s]).join('')}${text}${ANSI.reset}` : text;
  const maxListed = Math.max(0, Math.floor(opts.maxListed ?? DEFAULT_MAX_LISTED));
  const artifactName = opts.artifactName ?? result.artifact?.name;
  const fullRef = artifactName ? `in artifact ${t(artifactName, 200)}` : 'in the full result file';
  const out: string[] = [];

  out.push(paint(escapeLog(headlineFor(result)), VERDICT_STYLE[result.verdict]), '');

  // Broken reports and notices first: as loud as findings.
  const alerts: string[] = [];
  for (const tool of result.tools) {
    const msgs = toolMessages(tool);
    const what = toolMessagesLabel(tool);
    const level = messageLevel(tool);
    const mark = paint(LEVEL_MARK[level], LEVEL_STYLE[level]);
    pushAll(alerts, firstAndMore(msgs, 20, { show: (m) => `  ${mark} ${t(toolName(tool.tool), 60)} ${what}: ${t(m, CLIP.message)}`, more: (k) => `    …and ${k} more` }));
  }
  pushAll(alerts, firstAndMore(result.notices, 20, { show: (n) => `  ${paint('!', ['yellow'])} ${t(n, CLIP.notice)}`, more: (k) => `    …and ${k} more notices` }));
  if (result.overridden) alerts.push(`  ${paint('!', ['yellow'])} overridden for this run: blocking findings do not fail the job`);
  if (alerts.length > 0) pushAll(out, alerts, ['']);

  // One line per tool.
  if (result.tools.length === 0) {
    out.push('  No report was configured: nothing was checked.', '');
  } else {
    out.push(paint('Tools', ['bold']));
    const cols = severityColumns(result);
    const names = result.tools.map((tool) => t(`${toolName(tool.tool)}${tool.toolVersion ? ` ${clip(tool.toolVersion, CLIP.version)}` : ''}`, 80));
    const width = Math.min(40, Math.max(...names.map((n) => n.length)));
    result.tools.forEach((tool, i) => out.push(`  ${names[i]!.padEnd(width)}  ${toolLine(tool, cols, paint)}`));
    out.push('');
  }

  // Lists, most urgent first.
  const sec = sectionsOf(result, maxListed);
  const list = (title: string, section: Section, kind: 'why' | 'waiver'): void => {
    if (section.total === 0) return;
    out.push(paint(`${title} (${section.total})`, ['bold']));
    for (const f of section.top) pushAll(out, findingLines(f, kind, paint, opts.links === true, result.generatedAt));
    if (section.total > section.top.length) out.push(`  …and ${section.total - section.top.length} more ${fullRef}`);
    out.push('');
  };
  list('Blocking', sec.blocking, 'why');
  list('Would block in phase 2', sec.wouldBlock, 'why');

  // Every tool's count, though only the first maxListed are listed (the listing stops there; the
  // count once stopped with it, and said too few, as the summary does not).
  const notCheckedTotal = result.tools.reduce((n, tool) => n + tool.skipped.length + tool.scanErrors.length, 0);
  const notChecked: string[] = [];
  for (const tool of result.tools) {
    for (const s of tool.skipped) if (notChecked.length < maxListed) notChecked.push(`  ${t(toolName(tool.tool), 40)}  ${t(s.name, CLIP.where)}: ${t(s.reason, CLIP.reason)}`);
    for (const e of tool.scanErrors) if (notChecked.length < maxListed) notChecked.push(`  ${t(toolName(tool.tool), 40)}  ${e.path ? t(e.path, CLIP.where) : 'scan'}: ${t(e.message, CLIP.reason)}`);
  }
  if (notCheckedTotal > 0) {
    pushAll(out, [paint(`Not checked (${notCheckedTotal})`, ['bold'])], notChecked);
    if (notCheckedTotal > notChecked.length) out.push(`  …and ${notCheckedTotal - notChecked.length} more ${fullRef}`);
    out.push('');
  }

  list('Warnings', sec.warnings, 'why');
  list('Waived', sec.waived, 'waiver');
  if (sec.info.total > 0) out.push(`Info: ${plural(sec.info.total, 'finding')} (not gating, not listed; all are ${fullRef})`, '');

  const tail: string[] = [];
  if (artifactName) tail.push(`Full reports: artifact ${t(artifactName, 200)}${result.artifact?.url && safeHttpUrl(result.artifact.url) ? ` ${t(safeHttpUrl(result.artifact.url), 2048)}` : ''}`);
  if (result.artifact?.error) tail.push(`Artifact upload failed: ${t(result.artifact.error, CLIP.message)}`);
  // Whole or not at all: a cut command is one the reader copies and runs with other settings.
  const cmd = opts.reproduceCommand;
  if (cmd) tail.push(`Reproduce locally: ${cmd.length <= REPRODUCE_MAX_CHARS ? escapeLog(cmd) : reproduceTooLong(cmd)}`);
  pushAll(out, tail);
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}

function toolLine(tool: ToolResult, cols: string[], paint: (s: string, st: Style[] | undefined) => string): string {
  const phase = `phase ${tool.phase}`;
  if (tool.status !== 'ok') {
    const first = toolMessages(tool)[0];
    return `${phase}  ${paint(tool.status.toUpperCase(), LEVEL_STYLE[messageLevel(tool)])}${first ? `: ${t(first, 200)}` : ''}`;
  }
  const status = `ok: ${plural(tool.files.length, 'report')}, ${plural(tool.findings.length, 'finding')}`;
  const stats = toolStatsParts(tool).map((p) => t(p, 80));
  const sev = cols.map((c) => `${c} ${tool.severity[c as keyof ToolResult['severity']] ?? 0}`).join(' ');
  const k = tool.counts;
  const blocks = tool.phase === 1 && k.wouldBlock > 0 ? `blocks ${k.block} (${k.wouldBlock} in phase 2)` : `blocks ${k.block}`;
  const disp = [paint(blocks, k.block > 0 ? ['bold', 'red'] : undefined), `warns ${k.warn}`, `info ${k.info}`, ...(k.waived > 0 ? [`waived ${k.waived}`] : [])].join(', ');
  return `${phase}  ${status}${stats.length > 0 ? ` · ${stats.join(' · ')}` : ''}  |  ${sev}  |  ${disp}`;
}

function findingLines(
  f: EvaluatedFinding,
  kind: 'why' | 'waiver',
  paint: (s: string, st: Style[] | undefined) => string,
  links: boolean,
  now: string,
): string[] {
  const sev = paint(f.effectiveSeverity.toUpperCase().padEnd(8), SEVERITY_STYLE[f.effectiveSeverity]);
  const title = titleAddsToRule(f) ? `: ${t(f.title, CLIP.title)}` : '';
  const first = `  ${sev} ${t(toolName(f.tool), 30)}  ${t(whereText(f), CLIP.where)}  ${t(ruleText(f), CLIP.rule)}${title}`;
  const details: string[] = [];
  if (kind === 'waiver') details.push(`waiver ${t(waiverText(f, now) ?? '', CLIP.reason)}`);
  else if (f.reason) details.push(t(f.reason, CLIP.reason));
  if (f.inChange) details.push('in this change');
  // The policy's reason already says how an unknown severity was treated; a waiver's line does not.
  if (f.severity !== f.effectiveSeverity && (kind === 'waiver' || !f.reason)) details.push(`${t(f.severity, 20).toUpperCase()} → treated as ${t(f.effectiveSeverity, 20).toUpperCase()}`);
  if (f.confidence && f.confidence !== 'undefined') details.push(`conf. ${t(f.confidence, 20).toUpperCase()}`);
  const src = severitySourceText(f);
  if (src) details.push(t(src, 200));
  const fix = fixText(f);
  if (fix) details.push(`fix: ${t(fix, 80)}`);
  const url = links ? ruleDocUrl(f) : undefined;
  if (url) details.push(t(url, 2048));
  return details.length > 0 ? [first, `           ${paint(details.join(' · '), ['dim'])}`] : [first];
}
