#!/usr/bin/env node
/**
 * Entry of the `security-gate` CLI: only runs main and sets the exit code. Big reports are read in
 * a worker thread of this same file with a smaller young generation, as the action does
 * (engine/worker.ts).
 */
import { changeFromMainThread, inWorkerThread, ReportsOutOfMemory, runInWorker, workerInput, workerPlan } from '../engine/worker.js';
import { findChange } from '../engine/change.js';
import type { Change } from '../change/diff.js';
import { escapeLog } from '../util/escape.js';
import { changeContextOf, runCli, type CliIo } from './main.js';

const inWorker = inWorkerThread();
const shared = { isTTY: inWorker ? (workerInput() as { isTTY?: boolean }).isTTY : process.stdout.isTTY };

/**
 * Writes to a standard stream until its reader goes away (`security-gate ... 2>&1 | head`): then the
 * rest is dropped and the run ends with its own exit code. Unhandled, the EPIPE was an uncaught
 * error, exit 1, which reads as "the gate should fail" (a docs review).
 */
function writerTo(stream: NodeJS.WriteStream): (s: string) => void {
  let gone = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    gone = true;
    if (e.code !== 'EPIPE' && stream === process.stdout) internalError(e);
  });
  return (s) => {
    if (!gone) stream.write(s);
  };
}

const io: CliIo = {
  stdout: writerTo(process.stdout),
  stderr: writerTo(process.stderr),
  cwd: process.cwd(),
  env: process.env,
  isTTY: shared.isTTY,
  change: inWorker ? changeFromMainThread<Change | undefined>() : undefined,
  handOff: !inWorker
    ? async (settings, workspace) => {
        const plan = await workerPlan(settings, workspace, process.env);
        if (plan === undefined) return undefined;
        io.stderr(`${plan.note}\n`);
        // The change is found here, where git's output is read at once, while the worker reads the reports.
        const changing = findChange(settings, changeContextOf(settings, workspace, process.env));
        // The worker's output reaches this process's stdout and stderr; its errors are reported below.
        try {
          return await runInWorker(new URL(import.meta.url), shared, internalError, { files: plan.files, change: changing });
        } catch {
          io.change = changing;
          return undefined; // no worker: the same run here
        }
      }
    : undefined,
};

function internalError(e: unknown): void {
  // An unexpected error's message may quote report text (a parser's SyntaxError does): escaped.
  // Out of memory on the reports is said as such, naming them (exit code 3 all the same).
  const what = e instanceof ReportsOutOfMemory ? '' : 'internal error: ';
  io.stderr(`security-gate: ${what}${escapeLog(e instanceof Error ? e.message : String(e))}\n`);
  process.exitCode = 3;
}

runCli(process.argv.slice(2), io).then((code) => {
  process.exitCode = process.exitCode || code;
}, internalError);
