/* eslint-disable no-control-regex -- the point is to find control characters in what the gate wrote */
/**
 * Checks shared by the hardening suites: what "inert" means on each channel the gate writes.
 */
import { expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseWorkflowCommands, REPO_ROOT, type WorkflowCommand } from '../helpers/runner.js';

/** Output names the action declares. */
export const DECLARED_OUTPUTS: ReadonlySet<string> = new Set(
  Object.keys((parseYaml(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { outputs: Record<string, unknown> }).outputs),
);

/** Workflow commands the gate itself writes. */
const OWN_COMMANDS = new Set(['error', 'warning', 'notice', 'debug', 'group', 'endgroup', 'add-mask']);
const ANNOTATION_PROPS = new Set(['file', 'line', 'endLine', 'col', 'endColumn', 'title']);

/**
 * The commands the runner would act on in one stream are only the gate's own: no legacy `##[…]`,
 * no stop-commands / set-output / set-env / add-path, an add-mask only for `allowedMasks`, annotation
 * properties only the documented ones, and nothing whose message is a forged one.
 */
export function assertOnlyOwnCommands(stream: string, where: string, opts: { allowedMasks?: string[]; forgedMarker?: RegExp } = {}): WorkflowCommand[] {
  const commands = parseWorkflowCommands(stream);
  const forged = opts.forgedMarker ?? /FORGED/;
  for (const c of commands) {
    const show = `${where}: ${JSON.stringify(c)}`;
    expect({ legacy: c.legacy, show }).toEqual({ legacy: false, show });
    if (!OWN_COMMANDS.has(c.command)) throw new Error(`${where}: a workflow command the gate never writes: ${show}`);
    // add-mask: the gate's token, or a value a library masks (the artifact client masks its signed URLs' signatures).
    if (c.command === 'add-mask' && (forged.test(c.message) || (opts.allowedMasks !== undefined && c.message.includes('PLANTED') && !opts.allowedMasks.includes(c.message)))) {
      throw new Error(`${where}: a forged add-mask: ${show}`);
    }
    for (const k of Object.keys(c.properties)) if (!ANNOTATION_PROPS.has(k)) throw new Error(`${where}: an annotation property that is not the gate's: ${show}`);
    // A forged command would carry the payload's own message right after `::`.
    if (forged.test(c.message.slice(0, 12)) || forged.test(c.command)) throw new Error(`${where}: a command with a forged message: ${show}`);
    for (const v of Object.values(c.properties)) if (/^FORGED/.test(v)) throw new Error(`${where}: a forged property: ${show}`);
  }
  return commands;
}

/** Text with code spans and fenced blocks removed: what GitHub renders as Markdown/HTML. */
export function outsideCode(md: string): string {
  return md.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/**
 * Markdown / HTML that GitHub renders (summary, comment): no live HTML from reports, no
 * javascript: link, no live @mention, tables keep their column count, no forged marker, no
 * terminal escapes or bidi overrides.
 */
export function assertInertMarkdown(md: string, where: string, ownMarkers = 1): void {
  const live = outsideCode(md);
  const fail = (what: string, m: RegExpMatchArray | null): void => {
    if (m) throw new Error(`${where}: ${what}: …${JSON.stringify(md.slice(Math.max(0, (m.index ?? 0) - 80), (m.index ?? 0) + 80))}…`);
  };
  // Inside a code span HTML is shown, not rendered: the HTML checks look at the rest.
  fail('raw <script>', /<script/i.exec(live));
  fail('raw <img>', /<img/i.exec(live));
  fail('raw HTML from a report (<iframe>, <svg>, <a href>)', /<(iframe|svg|a\s+href|object|embed)/i.exec(live));
  fail('a javascript: link', /\]\(\s*javascript:/i.exec(live) ?? /href\s*=\s*["']?\s*javascript:/i.exec(live));
  fail('a forged HTML comment marker', /<!--\s*security-gate:x/.exec(live));
  fail('a live @mention', /(^|[^\w\u200d\\])@octocat/m.exec(live));
  fail('a terminal escape', /\u001b/.exec(md));
  fail('a bidi override', /[\u202a-\u202e\u2066-\u2069]/.exec(md));
  fail('a NUL', /\u0000/.exec(md));
  fail('a forged heading', /^#+\s*FORGED/m.exec(md));
  expect({ where, markers: (live.match(/<!-- security-gate/g) ?? []).length <= ownMarkers }).toEqual({ where, markers: true });
  // Tables: every row of a table has the header's number of cells (an unescaped `|` would add one).
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || !/^\|[\s:|-]+\|?\s*$/.test(lines[i + 1] ?? '')) continue;
    const cells = (l: string): number => l.replace(/`[^`]*`/g, 'code').split(/(?<!\\)\|/).length;
    const n = cells(lines[i]!);
    for (let j = i + 2; j < lines.length && lines[j]!.startsWith('|'); j++) {
      if (cells(lines[j]!) !== n) throw new Error(`${where}: table row ${j + 1} has ${cells(lines[j]!)} cells, header ${n}: ${JSON.stringify(lines[j]!.slice(0, 300))}`);
    }
  }
}

/** None of the secrets (nor their second half) occurs in `text`. */
export function assertNoSecrets(text: string, where: string, secrets: readonly string[]): void {
  for (const s of secrets) {
    const tail = s.slice(Math.floor(s.length / 2));
    for (const probe of [s, tail, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]) {
      const at = text.indexOf(probe);
      if (at >= 0) throw new Error(`${where}: a planted secret leaks (${JSON.stringify(probe)}): …${JSON.stringify(text.slice(Math.max(0, at - 100), at + 100))}…`);
    }
  }
}
