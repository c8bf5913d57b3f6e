/**
 * Markdown for the promotion report (file and job summary). Pure. Leads with the one-line verdict,
 * then a table per tool, then each tool's criteria with their evidence, then the runs examined.
 * Text that came from artifacts or the API is escaped; within `budgetBytes` detail is dropped
 * first (runs table, evidence lists), then the text is cut, saying so.
 */
import { escapeCode, escapeMarkdown } from '../util/escape.js';
import type { Criterion, EvidenceRun, PromotionReport, ToolPromotion } from './evaluate.js';
import { firstAndMore, pushAll } from '../util/lists.js';

/** GitHub drops a step summary over 1 MiB; stay well below. */
export const SUMMARY_BUDGET_BYTES = 900 * 1024;

// No character that ends a link or splits a table cell (`|`) or escapes one.
const safeUrl = (u?: string) => (u && /^https?:\/\/[^\s()<>"'`|\\[\]]+$/.test(u) ? u : undefined);

function runLink(r: { number: number; url?: string }): string {
  const url = safeUrl(r.url);
  return url ? `[#${r.number}](${url})` : `#${r.number}`;
}

/** `2026-11-01 05:00 UTC` for an ISO date from the API; anything else escaped. */
const when = (iso: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : escapeMarkdown(iso));
const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 1000) / 10}%`);
const hours = (h: number | null) => (h === null ? '–' : h >= 48 ? `${Math.round((h / 24) * 10) / 10} d` : `${Math.round(h * 10) / 10} h`);
const mark = (met: boolean) => (met ? '✅' : '❌');

function evidenceList(ev: EvidenceRun[], max: number): string {
  if (ev.length === 0) return '';
  // Notes (why a run is a gap) are already in the detail; the JSON report keeps them per run.
  const shown = firstAndMore(ev, max, {
    show: (e) => `${runLink(e)}${e.value !== undefined ? ` (${e.value})` : e.note ? ' (gap)' : ''}`,
    more: (k) => `and ${k} more in the JSON report`,
  });
  return ` — runs: ${shown.join(', ')}`;
}

function criterionLine(c: Criterion, maxEvidence: number): string {
  return `- ${mark(c.met)} **${escapeMarkdown(c.label)}**: ${escapeMarkdown(c.detail)}${maxEvidence > 0 ? evidenceList(c.evidence, maxEvidence) : ''}`;
}

function toolSection(t: ToolPromotion, maxEvidence: number): string {
  const head = t.ready ? `### ✅ ${escapeMarkdown(t.label)}: ready for phase 2` : `### ❌ ${escapeMarkdown(t.label)}: not ready`;
  const m = t.metrics;
  return [
    head,
    '',
    `Baseline: ${escapeMarkdown(t.baseline)}.`,
    '',
    ...t.criteria.map((c) => criterionLine(c, maxEvidence)),
    '',
    `Metrics over ${m.runsExamined} runs: coverage ${pct(m.scanCoverage)} (${m.runsExecuted} executed, ${m.runsWithData} with data) · mean time to fix ${hours(m.meanTimeToFixHours)} (${m.findingsFixed} fixed, ${m.findingsOpen} open) · waiver rate ${pct(m.waiverRate)} (${m.waivedFindings} of ${m.distinctFindings}) · false-positive rate ${pct(m.falsePositiveRate)} (${m.falsePositives})`,
    '',
  ].join('\n');
}

function render(r: PromotionReport, detail: { evidence: number; runs: boolean }): string {
  const out: string[] = [];
  const icon = r.verdict.notReady.length === 0 && r.verdict.ready.length > 0 ? '🟢' : r.verdict.ready.length > 0 ? '🟡' : '⚪';
  out.push(`## ${icon} Promotion evidence: ${escapeMarkdown(r.verdict.headline)}`, '');
  out.push(
    `Policy: at least ${r.policy.window} runs on ${escapeCode(r.source.branch)} (${r.source.events.map((x) => escapeCode(x)).join(', ')}) where the tool executed; the latest ${r.policy.stableRuns} of them consecutive, meeting the baseline, never regressing; Justfile recipes present; every active waiver owned. ` +
      `Source: ${escapeCode(r.source.repository)} workflow ${escapeCode(r.source.workflow)}, artifact ${escapeCode(r.source.artifactName)}; ${r.collection.runsExamined} runs examined, ${r.collection.runsWithData} with data.`,
    '',
  );
  if (r.tools.length > 0) {
    out.push('| tool | verdict | executed | stable stretch | baseline | no regression | operational | coverage | MTTF | waiver rate | FP rate |');
    out.push('|---|---|---:|---|---|---|---|---:|---:|---:|---:|');
    for (const t of r.tools) {
      const c = (id: Criterion['id']) => t.criteria.find((x) => x.id === id);
      const ops = [c('justfile-recipes'), c('waiver-owners')].every((x) => x?.met);
      out.push(
        `| ${escapeMarkdown(t.label)} | ${t.ready ? '✅ ready' : '❌ not ready'} | ${t.metrics.runsExecuted}${t.metrics.runsExecuted >= r.policy.window ? '' : ` (needs ${r.policy.window})`} | ${mark(!!c('stable-consecutive')?.met)} | ${mark(!!c('stable-baseline')?.met)} | ${mark(!!c('stable-no-regression')?.met)} | ${mark(ops)} | ${pct(t.metrics.scanCoverage)} | ${hours(t.metrics.meanTimeToFixHours)} | ${pct(t.metrics.waiverRate)} | ${pct(t.metrics.falsePositiveRate)} |`,
      );
    }
    out.push('');
  }
  if (r.notices.length > 0) pushAll(out, r.notices.map((n) => `> ${escapeMarkdown(n)}`), ['']);
  for (const t of r.tools) out.push(toolSection(t, detail.evidence));
  if (detail.runs && r.runs.length > 0) {
    out.push(`<details><summary>${r.runs.length} runs examined (newest first)</summary>`, '');
    out.push('| run | attempt | created | conclusion | data |', '|---|---:|---|---|---|');
    for (const run of r.runs) {
      const data = run.data === 'ok' ? (run.tools ?? []).map((t) => `${t.tool}: ${t.status}`).join(', ') || 'no tools' : `no data: ${run.reason ?? ''}`;
      out.push(`| ${runLink(run)} | ${run.attempt} | ${when(run.createdAt)} | ${escapeMarkdown(run.conclusion ?? '–')} | ${escapeMarkdown(data)} |`);
    }
    out.push('', '</details>', '');
  }
  out.push(`Requests to the API: ${r.requests.total} (${r.requests.list} list, ${r.requests.commitChecks} commit checks, ${r.requests.artifactLookups} artifact lookups, ${r.requests.downloads} downloads). Full evidence: \`.ci-security-promotion-report.json\` (schema version ${r.schemaVersion}).`, '');
  return out.join('\n');
}

/** The report as Markdown within `budgetBytes` (default: no limit). */
export function renderPromotionMarkdown(r: PromotionReport, budgetBytes = Infinity): string {
  const attempts = [
    { evidence: 20, runs: true },
    { evidence: 20, runs: false },
    { evidence: 5, runs: false },
    { evidence: 0, runs: false },
  ];
  let md = '';
  for (const a of attempts) {
    md = render(r, a);
    if (Buffer.byteLength(md, 'utf8') <= budgetBytes) return a === attempts[0] ? md : `${md}\n_Detail was shortened to fit the summary; the JSON report has all of it._\n`;
  }
  const note = '\n\n_Cut to fit the summary; the full report is in `.ci-security-promotion-report.md` and `.json`._\n';
  let cut = Buffer.from(md, 'utf8').subarray(0, Math.max(0, budgetBytes - Buffer.byteLength(note))).toString('utf8');
  cut = cut.replace(/\uFFFD$/, '');
  const nl = cut.lastIndexOf('\n');
  return (nl > 0 ? cut.slice(0, nl) : cut) + note;
}
