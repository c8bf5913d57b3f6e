/**
 * Entry of the gate action: runs main and turns an unexpected error into a failed step.
 * Big reports are read in a worker thread of this same file, with a smaller young generation
 * (engine/worker.ts); the main thread then writes the artifact's redacted report copies when the
 * worker asks (on the other core, while the worker writes the SARIF and the result) and passes the
 * worker's exit code on.
 */
import * as core from '../github/actions-core.js';
import { ConfigurationError, type Settings } from '../config/schema.js';
import { copyBanditRedacted, redactedCopyJob } from '../engine/stage.js';
import { callMainThread, changeFromMainThread, inWorkerThread, ReportsOutOfMemory, runInWorker, workerInput, workerPlan } from '../engine/worker.js';
import { findChange } from '../engine/change.js';
import type { Change } from '../change/diff.js';
import { log } from '../github/runner.js';
import { escapeLog } from '../util/escape.js';
import { useDirectStdout, useStdoutStream } from '../util/stdout.js';
import { changeContextOf, loadSettings, outputDir, run, workspaceOf } from './main.js';

function fail(e: unknown): void {
  // No verdict was reached: the outputs say so, so a later step reading `should-fail` (after a gate
  // step with continue-on-error) fails closed instead of reading an empty output as "no".
  try {
    core.setOutput('verdict', 'error');
    core.setOutput('should-fail', 'true');
  } catch {
    // the outputs file cannot be written either: the failed step is all that is left
  }
  // A setting's message may quote the policy file (a key, a value): escaped like any other text.
  if (e instanceof ConfigurationError) core.setFailed(escapeLog(e.message));
  // The worker ran out of memory on the reports: said as such, naming them (their paths are the pull request's).
  else if (e instanceof ReportsOutOfMemory) core.setFailed(`security-gate: ${escapeLog(e.message)}`);
  // An unexpected error's message may quote report text (a parser's SyntaxError does): escaped.
  else core.setFailed(`security-gate: internal error: ${escapeLog(e instanceof Error ? e.message : String(e))}`);
}

async function main(): Promise<void> {
  if (inWorkerThread()) return run(process.env, (workerInput() as { settings: Settings }).settings, callMainThread, changeFromMainThread<Change | undefined>());
  // Workflow commands and log lines written with fs.writeSync (util/stdout.ts) ...
  useDirectStdout();
  const settings = await loadSettings(process.env);
  const workspace = workspaceOf(process.env);
  const plan = await workerPlan(settings, workspace, process.env);
  if (plan === undefined) return run(process.env, settings);
  log.info(plan.note);
  // ... until a worker writes: its output reaches this thread's process.stdout, and this thread's
  // own lines then go the same way, in order.
  useStdoutStream();
  let code: number;
  // The change is found here, where git's output is read at once, while the worker reads the reports.
  // But where the outputs go is checked first, as run() does before any work: an output-dir it
  // refuses ran git here (fetches from the remote too) before the worker said so, and the step
  // waited for git to end (a review).
  await outputDir(settings, workspace, process.env);
  const changing = findChange(settings, changeContextOf(workspace, process.env));
  try {
    const serve = async (request: unknown): Promise<void> => {
      const job = redactedCopyJob(request);
      if (!job) throw new Error('not a redacted-copy job');
      await copyBanditRedacted(job);
    };
    code = await runInWorker(new URL(import.meta.url), { settings }, fail, { serve, files: plan.files, change: changing });
  } catch (e) {
    // No worker (the settings could not be passed, or threads are unavailable): the same run here.
    log.info(`security-gate: no worker thread (${e instanceof Error ? e.message : String(e)}); reading here`);
    return run(process.env, settings, undefined, changing);
  }
  if (code !== 0) process.exitCode = code;
}

main().catch(fail);
