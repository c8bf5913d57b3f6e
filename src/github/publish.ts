/**
 * Publishing the gate's result on the runner: SARIF file, staged files and artifact, step summary,
 * annotations, the sticky comment. Each step reports failures as warnings and notices; none of them
 * can stop the verdict and outputs from being written.
 */
import * as core from './actions-core.js';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Settings } from '../config/schema.js';
import { writeJsonFile } from '../engine/json-file.js';
import { copyReport, stage, stageReports, withheldWarning, type RedactedCopier, type Staged } from '../engine/stage.js';
import type { HttpClient } from '../io/http.js';
import { insideWorkspace } from '../io/files.js';
import type { GateResult } from '../policy/result.js';
import type { ReportRef } from '../reports/model.js';
import { defaultGateId } from '../render/comment.js';
import { describeSarifCut, renderSarif } from '../render/sarif.js';
import { renderSummary } from '../render/summary.js';
import { publishAnnotations } from './annotate.js';
import { skippedNote, uploadReports } from './artifact.js';
import { publishComment, type RunContext } from './comment.js';
import { log } from './runner.js';
import { pushAll } from '../util/lists.js';

export interface PublishContext {
  env: NodeJS.ProcessEnv;
  workspace: string;
  outDir: string;
  settings: Settings;
  result: GateResult;
  reports: ReportRef[];
  /** Secret values the reports revealed: scrubbed from the reports' copies too (EngineRun.knownSecrets). */
  knownSecrets?: string[];
  summaryOptions: Parameters<typeof renderSummary>[1];
  now: Date;
  runCtx: RunContext;
  client?: HttpClient;
  /** Who writes the redacted copies of Bandit reports (default: here). */
  copier?: RedactedCopier;
}

export interface Published {
  staged: Staged;
  sarifFile: string;
  summary: string;
}

export async function publish(p: PublishContext): Promise<Published> {
  const { settings, result, workspace, outDir } = p;
  // The result's paths are repository paths already: the engine resolved them once, scan-root
  // included. Passing scan-root again put `api/api/app.py` into annotations and SARIF.
  const pathOpts = { workspace };

  // The raw reports' copies (a 70 MB report is read, redacted and written again) depend on nothing
  // below: they are written while the SARIF and the result are, so one's file waits fill the other's.
  const copying = mkdir(outDir, { recursive: true }).then(() =>
    stageReports({
      outDir,
      workspace,
      result,
      reports: p.reports,
      redact: settings['redact-artifacts'],
      copier: p.copier,
      knownSecrets: p.knownSecrets ?? [],
      // Read for the verdict, then not readable the same way for the copy: said, not only in the artifact.
      onWithheld: (file, note) => log.warning(withheldWarning(file, note)),
    }).then(
      (files) => ({ files }),
      (error: unknown) => ({ error }),
    ),
  );
  const copies = async (): Promise<string[]> => {
    const c = await copying;
    if ('error' in c) throw c.error;
    return c.files;
  };

  // SARIF first, so a cut is said in the summary.
  const sarifSetting = settings['sarif-file'];
  // The gate refused a sarif-file outside the workspace before it got here.
  const sarifFile = sarifSetting && insideWorkspace(workspace, sarifSetting) ? resolve(workspace, sarifSetting) : join(outDir, 'security-gate.sarif');
  const { sarif, cut } = renderSarif(result, { ...pathOpts, dependencyFile: settings['sarif-dependency-file'] });
  const cutNote = describeSarifCut(cut);
  if (cutNote) result.notices.push(cutNote);
  await mkdir(dirname(sarifFile), { recursive: true });
  // Streamed (no 25k-result string in memory), each result on one line: the same JSON as renderSarifText.
  await writeJsonFile(sarifFile, sarif, 2, { compactLeaves: true });
  const stagedSarif = join(outDir, 'security-gate.sarif');
  if (resolve(sarifFile) !== resolve(stagedSarif)) {
    await mkdir(outDir, { recursive: true });
    // From the handle the checks are made on: the SARIF file is in the workspace, where a planted link could swap it.
    const shown = relative(workspace, sarifFile);
    const note = await copyReport(workspace, shown, stagedSarif);
    if (note) log.warning(withheldWarning(shown, note));
  }

  // Without an upload, the result JSON and summary are written once, below (they are big for big reports).
  const upload = settings['upload-artifact'];
  let uploaded: Staged | undefined;
  if (upload) {
    uploaded = await stage({ outDir, workspace, result, summary: renderSummary(result, p.summaryOptions), reports: [] });
    await copies();
    const files = [join(outDir, 'security-gate-result.json'), join(outDir, 'security-gate-summary.md'), join(outDir, 'security-gate.sarif'), ...p.reports.map((r) => join(outDir, 'reports', r.path))];
    const up = await uploadReports({ name: settings['artifact-name'], files, rootDirectory: outDir, retentionDays: settings['retention-days'] });
    if (up.ok) {
      result.artifact = { name: settings['artifact-name'], id: up.id, ...(up.url ? { url: up.url } : {}) };
      // Read for the verdict, but not in the artifact (a name the service refuses, a copy withheld):
      // said, with each one's reason, never silent.
      if (up.skipped.length > 0) {
        const note = `The artifact holds no copy of ${up.skipped.length === 1 ? 'a file' : `${up.skipped.length} files`}${skippedNote(up.skipped.map((k) => ({ ...k, file: relative(outDir, k.file).split(sep).join('/') })))}.`;
        result.notices.push(note);
        log.warning(note);
      }
    } else {
      result.artifact = { name: settings['artifact-name'], error: up.error };
      result.notices.push(`Artifact upload failed: ${up.error}. The verdict and outputs are still written.`);
      log.warning(`Artifact upload failed: ${up.error}`);
    }
  }
  const summaryOptions = { ...p.summaryOptions, artifactUrl: result.artifact?.url };
  const summary = renderSummary(result, summaryOptions);
  // With an upload, the result file gets the artifact link: only its end is rewritten when that is
  // all that changed (an 80k-finding result is not written twice).
  const staged = await stage({ outDir, workspace, result, summary, reports: [], written: uploaded?.written });
  pushAll(staged.files, await copies());
  if (settings.summary) await core.appendSummary(summary);

  const ctx = p.runCtx;
  const client = p.client;
  const outcome = await publishAnnotations(result, {
    mode: settings.annotations,
    viaChecks: settings['annotations-via-checks'],
    ...pathOpts,
    detailsUrl: ctx.runUrl,
    detailsWhere: `the job summary and the ${settings['artifact-name']} artifact`,
    sink: core,
    checks: client && ctx.headSha && ctx.owner && ctx.repo ? { client, owner: ctx.owner, repo: ctx.repo, headSha: ctx.headSha, completedAt: p.now.toISOString() } : undefined,
  });
  if (outcome.fallbackReason) log.info(`annotations: ${outcome.fallbackReason}`);

  if (settings.comment !== 'off') {
    const out = client
      ? await publishComment({ client, target: ctx.target, mode: settings.comment, gateId: settings['comment-id'] ?? defaultGateId(p.env), result, runUrl: ctx.runUrl, summary: summaryOptions })
      : ({ action: 'failed', warning: 'comment: no github-token or repository, so no pull request comment was written' } as const);
    if ('warning' in out && out.warning) log.warning(out.warning);
  }
  return { staged, sarifFile, summary };
}
