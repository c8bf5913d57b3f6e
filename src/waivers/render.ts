/**
 * The waivers section of the step summary, pure: every waiver's state in one collapsed table.
 * The waivers file is untrusted text in a pull request: every cell is escaped.
 */
import { clip, escapeCode, escapeHtml, escapeMarkdown, safeHttpUrl } from '../util/escape.js';
import { REASON_LABELS, type WaiverReport, type WaiverReportEntry, type WaiverState } from './types.js';

const STATE_WORD: Record<WaiverState, string> = {
  active: '✅ active',
  expiring: '⏳ expiring',
  expired: '⌛ expired',
  invalid: '⛔ invalid',
  stale: '💤 stale',
};

const ORDER: WaiverState[] = ['invalid', 'expired', 'expiring', 'stale', 'active'];

function n(k: number, one: string, many = `${one}s`): string {
  return `${k} ${k === 1 ? one : many}`;
}

/** `Waivers: 2 applied (5 findings) · 1 expires soon · 1 stale` (plain text). */
export function waiverHeadline(r: WaiverReport): string {
  if (r.error) return 'Waivers: the waivers file cannot be used (malformed or unreadable), no waiver applies';
  if (!r.present) return 'Waivers: no waivers file';
  const c = r.counts;
  // Applied: every waiver that waived a finding, an invalid one that applies only to the findings
  // whose rule it meets included (it said "0 waivers applied (1 finding waived)").
  const applied = r.waivers.length > 0 ? r.waivers.filter((e) => e.matched > 0).length : c.active + c.expiring;
  const parts = [`${n(applied, 'waiver')} applied (${n(c.waivedFindings, 'finding')} waived)`];
  if (c.expiring > 0) parts.push(`${c.expiring} expiring soon`);
  if (c.expired > 0) parts.push(`${c.expired} expired`);
  if (c.invalid > 0) parts.push(`${c.invalid} invalid`);
  if (c.stale > 0) parts.push(`${c.stale} stale`);
  return `Waivers: ${parts.join(' · ')}`;
}

function expiryCell(e: WaiverReportEntry): string {
  const when = e.daysLeft < 0 ? `expired ${-e.daysLeft}d ago` : e.daysLeft === 0 ? 'today' : `in ${e.daysLeft}d`;
  return `${e.expires} (${when})`;
}

/**
 * A `<details>` block with one row per waiver (most urgent first), at most `limit` rows. Returns ''
 * when there is no waivers file and nothing to say.
 */
export function renderWaiverSection(r: WaiverReport, opts: { limit?: number } = {}): string {
  const limit = opts.limit ?? 50;
  if (!r.present && !r.error) return '';
  const lines: string[] = [`<details><summary>${escapeHtml(waiverHeadline(r))}</summary>`, ''];
  if (r.error) {
    lines.push(`Fix ${escapeCode(r.file)}; until then every finding is treated as if no waiver existed:`, '');
    for (const l of r.error.split('\n').slice(0, 20)) lines.push(`- ${escapeMarkdown(clip(l, 300))}`);
  } else if (r.waivers.length === 0) {
    lines.push(`${escapeCode(r.file)} holds no waivers.`);
  } else {
    if (r.verification) lines.push(`Approvals: ${escapeMarkdown(clip(r.verification.note, 300))}`, '');
    lines.push('| state | waiver | tool | match | reason | owner | expires | waived | why |', '|---|---|---|---|---|---|---|---:|---|');
    const sorted = [...r.waivers].sort((a, b) => ORDER.indexOf(a.state) - ORDER.indexOf(b.state) || a.daysLeft - b.daysLeft);
    for (const e of sorted.slice(0, limit)) {
      const track = safeHttpUrl(e.tracking);
      const id = track ? `[${escapeMarkdown(clip(e.id, 64))}](${track})` : escapeMarkdown(clip(e.id, 64));
      const why = e.problems.length > 0 ? escapeMarkdown(clip(e.problems.join('; '), 400)) : e.state === 'stale' ? 'matches no finding' : '';
      const waived = e.unapplied > 0 ? `${e.matched} (${e.unapplied} not)` : String(e.matched);
      lines.push(
        `| ${STATE_WORD[e.state]} | ${id} | ${escapeMarkdown(e.tool)} | ${escapeCode(clip(e.match, 160))} | ${escapeMarkdown(REASON_LABELS[e.reasonCategory])} | ${escapeMarkdown(clip(e.owner, 64))} | ${expiryCell(e)} | ${waived} | ${why} |`,
      );
    }
    if (sorted.length > limit) lines.push('', `…and ${sorted.length - limit} more in the result JSON.`);
  }
  lines.push('', '</details>');
  return lines.join('\n');
}
