#!/usr/bin/env node
/**
 * Entry of the `security-gate` CLI: only runs main and sets the exit code. Big reports are read in
 * a worker thread of this same file with a smaller young generation, as the action does
 * (engine/worker.ts).
 */
import { inWorkerThread, runInWorker, workerInput, workerNote } from '../engine/worker.js';
import { escapeLog } from '../util/escape.js';
import { runCli, type CliIo } from './main.js';

const inWorker = inWorkerThread();
const shared = { isTTY: inWorker ? (workerInput() as { isTTY?: boolean }).isTTY : process.stdout.isTTY };

const io: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  env: process.env,
  isTTY: shared.isTTY,
  handOff: !inWorker
    ? async (settings, workspace) => {
        const note = await workerNote(settings, workspace, process.env);
        if (note === undefined) return undefined;
        process.stderr.write(`${note}\n`);
        // The worker's output reaches this process's stdout and stderr; its errors are reported below.
        try {
          return await runInWorker(new URL(import.meta.url), shared, internalError);
        } catch {
          return undefined; // no worker: the same run here
        }
      }
    : undefined,
};

function internalError(e: unknown): void {
  // An unexpected error's message may quote report text (a parser's SyntaxError does): escaped.
  process.stderr.write(`security-gate: internal error: ${escapeLog(e instanceof Error ? e.message : String(e))}\n`);
  process.exitCode = 3;
}

runCli(process.argv.slice(2), io).then((code) => {
  process.exitCode = process.exitCode || code;
}, internalError);
