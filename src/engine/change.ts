/**
 * Whether this run needs to know the change, and finding it with git (I/O through src/io/git.ts).
 */
import type { Settings } from '../config/schema.js';
import type { Change } from '../change/diff.js';
import { detectChange } from '../io/git.js';

export interface ChangeContext {
  cwd: string;
  eventName?: string;
  eventPath?: string;
  headSha?: string;
}

/** Deptry and vulture judge "new in touched modules"; the secret scan reads added lines. */
export function needsChange(s: Settings): boolean {
  return s['deptry-report'].length > 0 || s['vulture-report'].length > 0 || s['secret-scan'];
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
