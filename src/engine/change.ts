/**
 * Whether this run needs to know the change, and finding it with git (I/O through src/io/git.ts).
 */
import { REPORT_INPUTS, thresholdsFor, usesChangeScopes, type ReportTool, type Settings } from '../config/schema.js';
import type { Change } from '../change/diff.js';
import { detectChange } from '../io/git.js';

export interface ChangeContext {
  cwd: string;
  eventName?: string;
  eventPath?: string;
  headSha?: string;
}

/**
 * The secret scan reads added lines; a tool whose thresholds have a `changed` or `unchanged` scope
 * (deptry's and vulture's "new in touched modules" by default, or any tool's in a policy file, phase
 * 1's included) is judged by whether its findings are in the change. Not asked for, those scopes
 * would never apply (a policy's `bandit.changed: {medium: block}` quietly stayed at `default`).
 */
export function needsChange(s: Settings): boolean {
  if (s['secret-scan']) return true;
  return (Object.keys(REPORT_INPUTS) as ReportTool[]).some((tool) => s[REPORT_INPUTS[tool]].length > 0 && usesChangeScopes(thresholdsFor(s, tool)));
}

export async function findChange(s: Settings, ctx: ChangeContext): Promise<Change | undefined> {
  if (!needsChange(s)) return undefined;
  return detectChange({
    cwd: ctx.cwd,
    event: { name: ctx.eventName, payloadPath: ctx.eventPath },
    baseRef: s['base-ref'],
    headSha: ctx.headSha,
  });
}
