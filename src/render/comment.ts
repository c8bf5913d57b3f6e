/**
 * The sticky pull-request comment, pure: when to comment, the hidden marker, and the body.
 *
 * - `comment` setting: `off` (default: no API call at all), `always`, `on-warn` (verdict warn, block
 *   or error), `on-block` (verdict block or error, or the gate fails).
 * - One comment per gate: the body starts with `<!-- security-gate:<gate-id> -->`; the gate id comes
 *   from the `comment-id` setting (default: workflow name + job id), sanitised so it cannot end the
 *   HTML comment. Two gates in one PR (two workflows, matrix legs with their own id) do not fight.
 * - The body is the step summary rendered with a comment-sized budget (fewer rows listed), then a
 *   footer linking the run; it never exceeds 65,536 characters (bytes are counted, which is
 *   stricter): when the summary does not fit, a short form (headline + counts) is used.
 * - When the mode says "no comment" now but an earlier comment exists (a block that was fixed), that
 *   comment is rewritten to say the problem is resolved instead of leaving a stale verdict.
 */
import type { GateResult, Verdict } from '../policy/result.js';
import { clip, escapeMarkdown, safeHttpUrl } from '../util/escape.js';
import { LEVEL_ICON, VERDICT_EMOJI, headlineFor, messageLevel, plural, toolName } from './common.js';
import { renderSummary, type SummaryOptions } from './summary.js';

export type CommentMode = 'off' | 'always' | 'on-warn' | 'on-block';
export const COMMENT_MODES: readonly CommentMode[] = ['off', 'always', 'on-warn', 'on-block'];

/** GitHub's limit for an issue comment body (characters). */
export const COMMENT_MAX_CHARS = 65_536;
/** Findings listed per summary section in a comment (the step summary lists 50). */
export const COMMENT_MAX_LISTED = 10;

/**
 * `post`: create or update the comment; `resolve`: only rewrite an existing comment as resolved;
 * `skip`: no API call.
 */
export type CommentDecision = 'post' | 'resolve' | 'skip';

export function commentDecision(mode: CommentMode, result: Pick<GateResult, 'verdict' | 'shouldFail'>): CommentDecision {
  const v: Verdict = result.verdict;
  switch (mode) {
    case 'off':
      return 'skip';
    case 'always':
      return 'post';
    case 'on-warn':
      return v === 'warn' || v === 'block' || v === 'error' || result.shouldFail ? 'post' : 'resolve';
    case 'on-block':
      return v === 'block' || v === 'error' || result.shouldFail ? 'post' : 'resolve';
    default:
      return 'skip';
  }
}

/** A gate id that is safe inside an HTML comment: `[A-Za-z0-9._/:-]`, no `--`, at most 100 chars. */
export function sanitizeGateId(raw: string | undefined): string {
  const s = String(raw ?? '')
    .trim()
    .replace(/[^A-Za-z0-9._/:-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/-*\/-*/g, '/')
    .replace(/^[-/]+|[-/]+$/g, '')
    .slice(0, 100)
    .replace(/-+$/g, '');
  return s === '' ? 'default' : s;
}

/** Default gate id: `<workflow>/<job>` from the runner's environment. */
export function defaultGateId(env: Readonly<Record<string, string | undefined>>): string {
  const parts = [env.GITHUB_WORKFLOW, env.GITHUB_JOB].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return sanitizeGateId(parts.length > 0 ? parts.join('/') : 'default');
}

export function commentMarker(gateId: string): string {
  return `<!-- security-gate:${sanitizeGateId(gateId)} -->`;
}

/** True when a comment body is this gate's sticky comment (the marker is its first line). */
export function hasMarker(body: unknown, marker: string): boolean {
  return typeof body === 'string' && (body.startsWith(`${marker}\n`) || body === marker || body.startsWith(`${marker}\r\n`));
}

export interface CommentOptions {
  gateId: string;
  /** Link to the workflow run (where the full summary and the artifact are). */
  runUrl?: string;
  /** Passed through to the summary renderer (artifact name/URL, reproduce command, policy source). */
  summary?: Omit<SummaryOptions, 'maxBytes'>;
  /** Limit in characters (default 65,536). */
  maxChars?: number;
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function footer(result: GateResult, opts: CommentOptions, note?: string): string {
  const url = safeHttpUrl(opts.runUrl);
  const parts = [`security-gate \`${sanitizeGateId(opts.gateId)}\``];
  if (url) parts.push(`[workflow run and full summary](${url})`);
  parts.push(`updated ${escapeMarkdown(result.generatedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))}`);
  return `\n${note ? `\n${note}\n` : ''}\n<sub>${parts.join(' · ')}</sub>\n`;
}

/** Headline + counts per tool: the short form, always small. */
export function shortCommentBody(result: GateResult, opts: CommentOptions, note?: string): string {
  const lines = [commentMarker(opts.gateId), `## ${VERDICT_EMOJI[result.verdict] ?? '❔'} ${escapeMarkdown(clip(headlineFor(result), 500))}`, ''];
  if (result.tools.length > 0) {
    lines.push('| tool | phase | status | blocks | warns | info |', '|---|---:|---|---:|---:|---:|');
    for (const t of result.tools.slice(0, 20)) {
      const status = t.status === 'ok' ? `✅ ${plural(t.findings.length, 'finding')}` : `${LEVEL_ICON[messageLevel(t)]} ${t.status}`;
      lines.push(`| ${escapeMarkdown(toolName(t.tool))} | ${t.phase} | ${status} | ${t.counts.block} | ${t.counts.warn} | ${t.counts.info} |`);
    }
    lines.push('');
  }
  return lines.join('\n') + footer(result, opts, note);
}

/** The comment for a verdict that needs one: the summary within the comment's budget, else the short form. */
export function renderComment(result: GateResult, opts: CommentOptions): string {
  const max = Math.min(opts.maxChars ?? COMMENT_MAX_CHARS, COMMENT_MAX_CHARS);
  const head = `${commentMarker(opts.gateId)}\n`;
  const foot = footer(result, opts);
  const budget = max - bytes(head) - bytes(foot);
  if (budget > 2000) {
    const summary = renderSummary(result, { maxListed: COMMENT_MAX_LISTED, ...opts.summary, maxBytes: budget });
    const body = head + summary + foot;
    if (bytes(body) <= max) return body;
  }
  const note = 'The full report is too long for a comment: see the workflow run.';
  const short = shortCommentBody(result, opts, note);
  return bytes(short) <= max ? short : `${commentMarker(opts.gateId)}\n## ${VERDICT_EMOJI[result.verdict] ?? '❔'} Security gate: ${result.verdict}\n${footer(result, opts)}`;
}

/** The body that replaces an earlier comment when the verdict no longer needs one. */
export function resolvedCommentBody(result: GateResult, opts: CommentOptions & { mode: CommentMode }): string {
  const what = opts.mode === 'on-block' ? 'blocks' : 'blocks or warns';
  const note = `✅ **Resolved:** nothing ${what} any more, so the earlier security-gate report on this pull request no longer applies (comment: \`${opts.mode}\`).`;
  return shortCommentBody(result, opts, note);
}
