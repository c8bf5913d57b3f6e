/**
 * The job step summary (GitHub-flavoured Markdown) of a GateResult. Pure.
 *
 * Shape: a one-line verdict, notices and broken reports, one counts row per tool, then capped lists
 * (blocking, would block in phase 2, not checked, warnings, waivers, info), then where the full
 * reports are and how to reproduce locally.
 *
 * Byte budget: GitHub drops a step summary over 1 MiB entirely, so the result never exceeds
 * `maxBytes` (UTF-8). Sections are built as pre-rendered rows and measured; rows are granted in
 * priority order (blocking first, info last), so detail degrades before anything is cut. Only when
 * even the skeleton does not fit is the text cut, at a line boundary, with open `<details>` closed and
 * the cut announced.
 *
 * Every piece of report text goes through `src/util/escape.ts`.
 */
import { renderWaiverSection } from '../waivers/render.js';
import type { EvaluatedFinding, GateResult, ToolResult } from '../policy/result.js';
import { clip, escapeCode, escapeHtml, escapeMarkdown, safeHttpUrl } from '../util/escape.js';
import {
  CLIP,
  DEFAULT_MAX_LISTED,
  LEVEL_ICON,
  SEVERITY_EMOJI,
  VERDICT_EMOJI,
  daysUntil,
  fixText,
  headlineFor,
  messageLevel,
  plural,
  REPRODUCE_MAX_CHARS,
  reproduceTooLong,
  ruleDocUrl,
  ruleText,
  sectionsOf,
  severityColumns,
  severitySourceText,
  severityText,
  titleAddsToRule,
  toolMessages,
  toolMessagesLabel,
  toolName,
  toolStatsParts,
  waiverText,
  whereText,
} from './common.js';
import { firstAndMore, pushAll } from '../util/lists.js';

export interface SummaryOptions {
  /** Hard limit in UTF-8 bytes (default 1,000,000: under GitHub's 1 MiB). */
  maxBytes?: number;
  artifactUrl?: string;
  artifactName?: string;
  /** Shell command that reproduces this verdict locally (shown in a code span). */
  reproduceCommand?: string;
  /** Where the policy came from, e.g. `.github/security-gate.yml` or `defaults`. */
  policySource?: string;
  /** Findings listed per section (default 50). */
  maxListed?: number;
  /** Most notices / messages per tool shown (default 20). */
  maxMessages?: number;
}

export const DEFAULT_MAX_BYTES = 1_000_000;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const md = (s: string | undefined, max: number): string => escapeMarkdown(clip(String(s ?? ''), max));
const code = (s: string | undefined, max: number): string => escapeCode(clip(String(s ?? ''), max));
/**
 * Text that may quote things in backticks (policy reasons, messages: "HIGH in a critical path
 * (`**\/auth/**`)"): each quoted part becomes an escaped code span, the rest escaped Markdown. An
 * unpaired backtick stays text.
 */
const mdq = (s: string | undefined, max: number): string =>
  clip(String(s ?? ''), max)
    .split(/`([^`\r\n]*)`/)
    .map((part, i) => (i % 2 === 1 ? escapeCode(part) : escapeMarkdown(part)))
    .join('');
const num = (n: number | undefined): string => (typeof n === 'number' && n > 0 ? String(n) : '–');

export function renderSummary(result: GateResult, opts: SummaryOptions = {}): string {
  const mb = opts.maxBytes;
  const maxBytes = typeof mb === 'number' && mb >= 0 ? Math.floor(Math.min(mb, Number.MAX_SAFE_INTEGER)) : DEFAULT_MAX_BYTES;
  const maxListed = Math.max(0, Math.floor(opts.maxListed ?? DEFAULT_MAX_LISTED));
  const maxMessages = Math.max(1, Math.floor(opts.maxMessages ?? 20));
  const artifactName = opts.artifactName ?? result.artifact?.name;
  const artifactUrl = safeHttpUrl(opts.artifactUrl ?? result.artifact?.url);
  const fullRef = artifactName ? `in artifact **${md(artifactName, 200)}**` : 'in the full result file';

  const head = renderHead(result, maxMessages);
  // The waivers' states (applied, expiring, expired, invalid, stale) sit just above the footer, when they fit in a quarter of the budget.
  const waivers = result.waivers ? renderWaiverSection(result.waivers, { limit: 30 }) : '';
  const footer = (waivers && bytes(waivers) < maxBytes / 4 ? `${waivers}\n` : '') + renderFooter(result, opts, artifactName, artifactUrl);
  const sections = buildSections(result, maxListed, maxBytes, fullRef);

  // Budget: the head, the footer and a possible "shortened" note are fixed; rows are granted in
  // priority order while they fit.
  const total = sections.reduce((n, s) => n + s.total, 0);
  const shortNote = (hidden: number): string =>
    `> ✂️ **Shortened to fit the ${String(maxBytes).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}-byte step-summary limit:** ` +
    `${plural(hidden, 'entry', 'entries')} of the lists below not shown. Everything is ${fullRef}.\n\n`;
  const fixed = bytes(head) + bytes(footer) + bytes(shortNote(total));
  // A section that has rows but gets none is shown as a count with the reason: that is its minimum.
  const minCosts = sections.map((s) => bytes(renderSection(s, 0, s.rows.length > 0)));
  let remaining = maxBytes - fixed - minCosts.reduce((a, b) => a + b, 0);

  if (remaining < 0) {
    // Not even the skeleton fits (tiny maxBytes, or huge notices): cut at a safe place.
    const skeleton = head + sections.map((s) => renderSection(s, 0, s.rows.length > 0)).join('');
    return hardTrim(skeleton, footer, maxBytes, fullRef, artifactUrl);
  }

  const granted = new Map<SectionSpec, number>();
  for (const s of [...sections].sort((a, b) => a.priority - b.priority)) {
    if (s.rows.length === 0) continue;
    const switchCost = s.frameBytes - minCosts[sections.indexOf(s)]!;
    let k = 0;
    if (switchCost + s.rowBytes[0]! <= remaining) {
      remaining -= switchCost;
      while (k < s.rows.length && s.rowBytes[k]! <= remaining) {
        remaining -= s.rowBytes[k]!;
        k += 1;
      }
    }
    granted.set(s, k);
  }

  let hidden = 0;
  const body: string[] = [];
  for (const s of sections) {
    const k = granted.get(s) ?? 0;
    const cut = k < s.rows.length;
    if (cut) hidden += Math.min(s.total, maxListed) - k;
    body.push(renderSection(s, k, cut));
  }
  const headline = head.slice(0, head.indexOf('\n') + 1);
  const out = headline + '\n' + (hidden > 0 ? shortNote(hidden) : '') + head.slice(headline.length + 1) + body.join('') + footer;
  // Defensive: the accounting above is an upper bound, but never hand back more than the limit.
  return bytes(out) <= maxBytes ? out : hardTrim(out.slice(0, out.length - footer.length), footer, maxBytes, fullRef, artifactUrl);
}

// ---------------------------------------------------------------------------------------------
// Head: headline, notices, broken reports, counts table

function renderHead(result: GateResult, maxMessages: number): string {
  const lines: string[] = [];
  lines.push(`## ${VERDICT_EMOJI[result.verdict] ?? '❔'} ${escapeMarkdown(headlineFor(result))}`, '');

  const bullets: string[] = [];
  for (const t of result.tools) {
    if (t.status === 'ok' && t.messages.length === 0) continue;
    const icon = LEVEL_ICON[messageLevel(t)];
    const what = toolMessagesLabel(t);
    const msgs = toolMessages(t);
    pushAll(
      bullets,
      firstAndMore(msgs, maxMessages, {
        show: (m) => `- ${icon} **${md(toolName(t.tool), 60)}** ${what}: ${mdq(m, CLIP.message)}`,
        more: (k) => `- …and ${k} more messages from ${md(toolName(t.tool), 60)}`,
      }),
    );
  }
  pushAll(bullets, firstAndMore(result.notices, maxMessages, { show: (n) => `- ⚠️ ${mdq(n, CLIP.notice)}`, more: (k) => `- …and ${k} more notices` }));
  if (result.overridden) bullets.push('- ⚠️ The gate was **overridden** for this run: blocking findings do not fail the job.');
  if (bullets.length > 0) pushAll(lines, bullets, ['']);

  if (result.tools.length === 0) {
    lines.push('No report was configured: nothing was checked.', '');
    return lines.join('\n') + '\n';
  }

  const sevCols = severityColumns(result);
  const anyWaived = result.tools.some((t) => t.counts.waived > 0);
  const headers = ['tool', 'phase', 'status', ...sevCols, 'blocks', 'warns', 'info', ...(anyWaived ? ['waived'] : [])];
  const align = ['---', '---:', '---', ...sevCols.map(() => '---:'), '---:', '---:', '---:', ...(anyWaived ? ['---:'] : [])];
  lines.push(`| ${headers.join(' | ')} |`, `|${align.join('|')}|`);
  for (const t of result.tools) lines.push(toolRow(t, sevCols, anyWaived));
  if (result.tools.length > 1) {
    const sum = (f: (t: ToolResult) => number): number => result.tools.reduce((n, t) => n + f(t), 0);
    const later = sum((t) => (t.phase === 1 ? t.counts.wouldBlock : 0));
    const cells = [
      '**total**',
      '',
      plural(result.totals.findings, 'finding'),
      ...sevCols.map((c) => num(sum((t) => t.severity[c] ?? 0))),
      `**${result.totals.block}**${later > 0 ? ` (${later} in phase 2)` : ''}`,
      String(result.totals.warn),
      String(result.totals.info),
      ...(anyWaived ? [String(result.totals.waived)] : []),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n') + '\n';
}

function toolRow(t: ToolResult, sevCols: string[], anyWaived: boolean): string {
  const name = md(`${toolName(t.tool)}${t.toolVersion ? ` ${clip(t.toolVersion, CLIP.version)}` : ''}`, 120);
  let status: string;
  if (t.status === 'ok') {
    status = `✅ ${plural(t.files.length, 'report')}, ${plural(t.findings.length, 'finding')}`;
  } else {
    const first = toolMessages(t)[0];
    status = `${LEVEL_ICON[messageLevel(t)]} ${t.status}${first ? `: ${mdq(first, 200)}` : ''}`;
  }
  const stats = toolStatsParts(t).map((p) => md(p, 80));
  if (stats.length > 0) status += ` · ${stats.join(' · ')}`;
  const hasCounts = t.status === 'ok' || t.findings.length > 0;
  const blocks = t.phase === 1 ? `${t.counts.block}${t.counts.wouldBlock > 0 ? ` (${t.counts.wouldBlock} in phase 2)` : ''}` : `**${t.counts.block}**`;
  const cells = [
    name,
    String(t.phase),
    status,
    ...sevCols.map((c) => (hasCounts ? num(t.severity[c as keyof ToolResult['severity']]) : '')),
    hasCounts ? blocks : '',
    hasCounts ? String(t.counts.warn) : '',
    hasCounts ? String(t.counts.info) : '',
    ...(anyWaived ? [hasCounts ? num(t.counts.waived) : ''] : []),
  ];
  return `| ${cells.join(' | ')} |`;
}

// ---------------------------------------------------------------------------------------------
// Sections

interface SectionSpec {
  /** Lower is granted rows first. */
  priority: number;
  total: number;
  /** Heading form (`### …`) or collapsible (`<details>`). */
  collapsible: boolean;
  /** Title: Markdown for a heading, HTML-escaped text for a `<summary>`. */
  title: string;
  /** A line under the heading (Markdown), optional. */
  lead?: string;
  tableHeader: string;
  rows: string[];
  rowBytes: number[];
  fullRef: string;
  /** Bytes of the section with 0 rows but in list form (header, table header, widest "more" line). */
  frameBytes: number;
}

const FINDING_HEADER = '| | tool | where | rule | severity | why |\n|---|---|---|---|---|---|\n';
const WAIVED_HEADER = '| | tool | where | rule | severity | waiver |\n|---|---|---|---|---|---|\n';
const NOT_CHECKED_HEADER = '| tool | not checked | why |\n|---|---|---|\n';

function spec(
  partial: Omit<SectionSpec, 'rowBytes' | 'frameBytes'>,
): SectionSpec {
  const s: SectionSpec = { ...partial, rowBytes: partial.rows.map(bytes), frameBytes: 0 };
  s.frameBytes = bytes(renderSection({ ...s, rows: [] }, 0, true, true));
  return s;
}

function buildSections(result: GateResult, maxListed: number, maxBytes: number, fullRef: string): SectionSpec[] {
  const sec = sectionsOf(result, maxListed);
  // Rows are rendered only while they could still fit: a huge maxListed costs no more than maxBytes.
  const rows = (list: EvaluatedFinding[], last: 'why' | 'waiver'): string[] => {
    const out: string[] = [];
    let size = 0;
    for (const f of list) {
      if (out.length >= maxListed || size > maxBytes) break;
      const row = findingRow(f, last, result.generatedAt);
      out.push(row);
      size += bytes(row);
    }
    return out;
  };
  const from = result.phase.phase2From ? ` (from ${md(result.phase.phase2From, 20)})` : '';
  const out: SectionSpec[] = [];

  out.push(
    spec({
      priority: 0,
      total: sec.blocking.total,
      collapsible: false,
      title: `### 🔴 Blocking: ${plural(sec.blocking.total, 'finding')}`,
      lead: 'Each of these stops the gate (phase 2 rules) unless fixed or waived.',
      tableHeader: FINDING_HEADER,
      rows: rows(sec.blocking.top, 'why'),
      fullRef,
    }),
  );
  out.push(
    spec({
      priority: 1,
      total: sec.wouldBlock.total,
      collapsible: false,
      title: `### 🟠 Would block in phase 2: ${plural(sec.wouldBlock.total, 'finding')}`,
      lead: `Reported only for now (phase 1); these will stop the gate once the tool is in phase 2${from}. Fix or waive them before then.`,
      tableHeader: FINDING_HEADER,
      rows: rows(sec.wouldBlock.top, 'why'),
      fullRef,
    }),
  );

  const notChecked: string[] = [];
  const parts: string[] = [];
  let notCheckedTotal = 0;
  for (const t of result.tools) {
    const tn = md(toolName(t.tool), 60);
    if (t.skipped.length > 0) parts.push(`${t.skipped.length} ${t.tool === 'pip-audit' ? 'not audited' : 'skipped'} (${toolName(t.tool)})`);
    if (t.scanErrors.length > 0) parts.push(`${plural(t.scanErrors.length, 'file')} not scanned (${toolName(t.tool)})`);
    notCheckedTotal += t.skipped.length + t.scanErrors.length;
    for (const s of t.skipped) {
      if (notChecked.length >= maxListed) break;
      notChecked.push(`| ${tn} | ${code(s.name, CLIP.where)} | ${mdq(s.reason, CLIP.reason)} |\n`);
    }
    for (const e of t.scanErrors) {
      if (notChecked.length >= maxListed) break;
      notChecked.push(`| ${tn} | ${e.path ? code(e.path, CLIP.where) : 'scan'} | ${mdq(e.message, CLIP.reason)} |\n`);
    }
  }
  out.push(
    spec({
      priority: 2,
      total: notCheckedTotal,
      collapsible: true,
      title: `⚠️ Not checked: ${escapeHtml(parts.join(' · '))}`,
      tableHeader: NOT_CHECKED_HEADER,
      rows: notChecked,
      fullRef,
    }),
  );

  out.push(
    spec({
      priority: 3,
      total: sec.warnings.total,
      collapsible: true,
      title: `🟡 ${plural(sec.warnings.total, 'warning')}${sec.wouldBlock.total > 0 ? ' (besides the ones that would block in phase 2)' : ''}`,
      tableHeader: FINDING_HEADER,
      rows: rows(sec.warnings.top, 'why'),
      fullRef,
    }),
  );

  // Waivers (not the findings they waive) that expire soon: as the waivers table counts them
  // (`waiver-expiry-warning-days`), or within 7 days when the result has no waivers report. This
  // title said "Waivers: 2 applied · 2 expire within 7 days" of one waiver waiving two findings.
  const expiring = result.waivers ? new Set(result.waivers.waivers.filter((w) => w.state === 'expiring').map((w) => w.id)) : undefined;
  const soon = new Set<string>();
  for (const t of result.tools) {
    for (const f of t.findings) {
      if (f.disposition !== 'waived' || !f.waiver) continue;
      const d = daysUntil(f.waiver.expires, result.generatedAt);
      if (expiring ? expiring.has(f.waiver.id) : d !== undefined && d <= 7) soon.add(f.waiver.id);
    }
  }
  out.push(
    spec({
      priority: 4,
      total: sec.waived.total,
      collapsible: true,
      title: `💤 Waived: ${plural(sec.waived.total, 'finding')}${soon.size > 0 ? ` · ${plural(soon.size, 'waiver')} expiring soon` : ''}`,
      tableHeader: WAIVED_HEADER,
      rows: rows(sec.waived.top, 'waiver'),
      fullRef,
    }),
  );
  out.push(
    spec({
      priority: 5,
      total: sec.info.total,
      collapsible: true,
      title: `⚪ ${plural(sec.info.total, 'info finding')} (not gating)`,
      tableHeader: FINDING_HEADER,
      rows: rows(sec.info.top, 'why'),
      fullRef,
    }),
  );
  return out;
}

/**
 * One section with its first `k` rows. `cut` says rows were dropped for the byte budget (not only
 * by the cap). `widest` renders the "more" line at its longest, for budgeting.
 */
function renderSection(s: SectionSpec, k: number, cut: boolean, widest = false): string {
  if (s.total === 0) return '';
  const open = s.collapsible ? `<details><summary>${s.title}</summary>\n\n` : `${s.title}\n\n${s.lead ? `${s.lead}\n\n` : ''}`;
  const close = s.collapsible ? '</details>\n\n' : '';
  const shown = widest ? 0 : k;
  const more = s.total - shown;
  const why = cut || widest ? ' (not listed here to keep the summary under its size limit)' : '';
  if (!widest && k === 0) {
    return `${open}_${plural(s.total, 'item')} ${s.fullRef}${why}._\n\n${close}`;
  }
  const moreLine = more > 0 ? `_…and ${more} more ${s.fullRef}${why}._\n\n` : '';
  return `${open}${s.tableHeader}${s.rows.slice(0, k).join('')}\n${moreLine}${close}`;
}

function findingRow(f: EvaluatedFinding, last: 'why' | 'waiver', now: string): string {
  let where = code(whereText(f), CLIP.where);
  const fix = fixText(f);
  if (fix) where += ` → fix ${code(fix, 80)}`;

  const url = ruleDocUrl(f);
  const ruleMd = md(ruleText(f), CLIP.rule);
  let rule = url ? `[${ruleMd}](${url})` : ruleMd;
  if (titleAddsToRule(f)) rule += `: ${md(f.title, CLIP.title)}`;

  let sev = md(severityText(f), 80);
  const src = severitySourceText(f);
  if (src) sev += ` · ${md(src, 200)}`;

  let tail: string;
  if (last === 'waiver') {
    tail = md(waiverText(f, now) ?? 'waived', CLIP.reason);
  } else {
    tail = mdq(f.reason, CLIP.reason);
    if (f.inChange) tail += ' · in this change';
  }
  const icon = SEVERITY_EMOJI[f.effectiveSeverity] ?? '';
  return `| ${icon} | ${md(toolName(f.tool), 40)} | ${where} | ${rule} | ${sev} | ${tail || '–'} |\n`;
}

// ---------------------------------------------------------------------------------------------
// Footer and hard trim

function renderFooter(result: GateResult, opts: SummaryOptions, artifactName: string | undefined, artifactUrl: string | undefined): string {
  const parts: string[] = [];
  if (opts.policySource) parts.push(`Policy: ${code(opts.policySource, 200)}`);
  const phase = [`phase setting ${code(result.phase.setting, 10)}`];
  if (result.phase.phase2From) phase.push(`phase 2 from ${md(result.phase.phase2From, 20)}`);
  if (result.phase.phase2Tools.length > 0) phase.push(`phase 2 tools: ${result.phase.phase2Tools.map((t) => md(toolName(t), 60)).join(', ')}`);
  parts.push(phase.join(', '));
  if (artifactName) {
    const name = `**${md(artifactName, 200)}**`;
    parts.push(`full reports, result JSON and SARIF in artifact ${artifactUrl ? `[${name}](${artifactUrl})` : name}`);
  }
  if (result.artifact?.error) parts.push(`⚠️ artifact upload failed: ${mdq(result.artifact.error, CLIP.message)}`);
  const cmd = opts.reproduceCommand;
  if (cmd) {
    // Approval comments are read from the pull request, which the CLI does not see: a waiver CI
    // found unapproved would apply on a laptop (a consistency review).
    const approvals = result.waivers?.verification ? ' (approval comments are checked in CI only: the CLI takes the waivers file\'s approvers as written)' : '';
    // Whole or not at all: a cut command is one the reader copies and runs with other settings. Its
    // `|` kept (the footer is no table row): `@(auth¦payments)` copied from the summary matched nothing.
    parts.push(`reproduce locally: ${cmd.length <= REPRODUCE_MAX_CHARS ? escapeCode(cmd, { outsideTable: true }) : escapeMarkdown(reproduceTooLong(cmd))}${approvals}`);
  }
  return `---\n\n${parts.join(' · ')}\n`;
}

/** Cut a single line to at most `max` bytes without splitting a character, an entity, a tag or an escape. */
export function safeCut(line: string, max: number): string {
  if (bytes(line) <= max) return line;
  let used = 0;
  let end = 0;
  for (const ch of line) {
    const b = bytes(ch);
    if (used + b > max) break;
    used += b;
    end += ch.length;
  }
  let s = line.slice(0, end);
  const amp = s.lastIndexOf('&');
  if (amp >= 0 && /^&#?[A-Za-z0-9]*$/.test(s.slice(amp))) s = s.slice(0, amp);
  const lt = s.lastIndexOf('<');
  if (lt >= 0 && lt > s.lastIndexOf('>')) s = s.slice(0, lt);
  // A dangling backslash would escape what follows; a bare `@`/`#`/`:` lost its protecting joiner.
  s = s.replace(/\\+$/, (m) => (m.length % 2 === 1 ? m.slice(1) : m)).replace(/[@#:]+$/, '');
  return s;
}

const CLOSE_DETAILS = '\n</details>\n';

/**
 * Keep whole lines of `body` while they fit, close every `<details>` left open, and announce the cut
 * with where the full report is; then the footer if it still fits. Never exceeds `maxBytes`.
 */
function hardTrim(body: string, footer: string, maxBytes: number, fullRef: string, artifactUrl?: string): string {
  const linkNote = artifactUrl ? ` ([download](${artifactUrl}))` : '';
  const longNote = `\n\n> ✂️ **Summary cut here** to stay under the ${maxBytes}-byte step-summary limit. The full reports are ${fullRef}${linkNote}.\n\n`;
  const shortNote = '\n\n✂️ cut (size limit); see the artifact.\n';
  let tail = longNote + footer;
  if (bytes(tail) > maxBytes / 2) tail = longNote;
  if (bytes(tail) > maxBytes / 2) tail = shortNote;
  if (bytes(tail) > maxBytes) return '';
  const budget = maxBytes - bytes(tail);

  const lines = body.split('\n');
  const kept: string[] = [];
  let used = 0;
  let depth = 0;
  const closeBytes = bytes(CLOSE_DETAILS);
  for (const line of lines) {
    // Our tags always start a line; report text never does (it sits in cells, bullets, code spans).
    const opens = line.startsWith('<details>') ? 1 : 0;
    const closes = line.startsWith('</details>') ? 1 : 0;
    const next = Math.max(0, depth + opens - closes);
    const b = bytes(line) + 1;
    if (used + b + next * closeBytes > budget) {
      if (kept.length === 0 && opens === 0) {
        const piece = safeCut(line, budget - depth * closeBytes - 1);
        if (piece) kept.push(piece);
      }
      break;
    }
    kept.push(line);
    used += b;
    depth = next;
  }
  const out = kept.join('\n') + '\n' + CLOSE_DETAILS.repeat(depth) + tail;
  // Bound by construction; a last guard so the limit holds whatever the accounting missed.
  return bytes(out) <= maxBytes ? out : tail;
}
