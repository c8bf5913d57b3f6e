/**
 * Writes what the gate produces into one directory: the result JSON, the summary markdown, and a
 * `reports/` copy of every raw report read (secret-bearing reports redacted on the way, unless
 * `redact-artifacts` is false). That directory is what the artifact uploads.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { GateResult } from '../policy/result.js';
import type { ToolId } from '../reports/model.js';
import { writeJsonFile } from './json-file.js';
import { RESULT_FILE, SUMMARY_FILE } from './outputs.js';

export interface StageOptions {
  outDir: string;
  workspace: string;
  result: GateResult;
  summary: string;
  /** Raw report files per tool, workspace-relative. */
  reports: Array<{ tool: ToolId; path: string }>;
  /** Per-tool transform of a raw report before it is copied (redaction). */
  transform?: Partial<Record<ToolId, (text: string) => string>>;
  /** More files to write (name -> content), e.g. the SARIF file. */
  extra?: Record<string, string>;
  /** Only the reports and `extra`: the result JSON and summary are written by a later call. */
  skipResult?: boolean;
}

export interface Staged {
  resultFile: string;
  summaryFile: string;
  /** Every file to upload, absolute. */
  files: string[];
}

export async function stage(opts: StageOptions): Promise<Staged> {
  await mkdir(opts.outDir, { recursive: true });
  const resultFile = join(opts.outDir, RESULT_FILE);
  const summaryFile = join(opts.outDir, SUMMARY_FILE);
  const files: string[] = [];
  if (!opts.skipResult) {
    // Streamed: the same bytes as JSON.stringify(result, null, 1), without a ~75 MB string for 80k findings.
    await writeJsonFile(resultFile, opts.result, 1);
    await writeFile(summaryFile, opts.summary);
    files.push(resultFile, summaryFile);
  }
  for (const [name, content] of Object.entries(opts.extra ?? {})) {
    const p = join(opts.outDir, name);
    await writeFile(p, content);
    files.push(p);
  }
  for (const r of opts.reports) {
    const target = join(opts.outDir, 'reports', r.path);
    if (!resolve(target).startsWith(resolve(opts.outDir, 'reports'))) continue;
    await mkdir(dirname(target), { recursive: true });
    const source = resolve(opts.workspace, r.path);
    const t = opts.transform?.[r.tool];
    if (t) await writeFile(target, t(await readFile(source, 'utf8')));
    else await copyFile(source, target);
    files.push(target);
  }
  return { resultFile, summaryFile, files };
}
