/**
 * The runner side of the gate: inputs, outputs, step summary and log lines (src/github/actions-core.ts).
 * Report text that reaches the log goes through escapeLog first.
 */
import * as core from './actions-core.js';
import { readFile } from 'node:fs/promises';
import { INPUT_NAMES, ConfigurationError } from '../config/schema.js';
import { insideWorkspace, unreadableBecause } from '../io/files.js';
import { escapeLog } from '../util/escape.js';

export function readInputs(): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const name of INPUT_NAMES) inputs[name] = core.getInput(name);
  return inputs;
}

export async function readPolicyFile(workspace: string, path: string | undefined): Promise<{ text: string; file: string } | undefined> {
  if (!path) return undefined;
  if (!insideWorkspace(workspace, path)) throw new ConfigurationError(`policy-file: got ${JSON.stringify(path)}; expected a path inside the workspace`);
  const refused = await unreadableBecause(workspace, path);
  if (refused) throw new ConfigurationError(`policy-file: ${JSON.stringify(path)} ${refused}`);
  try {
    return { text: await readFile(`${workspace}/${path}`, 'utf8'), file: path };
  } catch (e) {
    throw new ConfigurationError(`policy-file: cannot read ${JSON.stringify(path)} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

export const log = {
  info: (msg: string) => core.info(escapeLog(msg)),
  warning: (msg: string) => core.warning(escapeLog(msg)),
  error: (msg: string) => core.error(escapeLog(msg)),
};

export function setOutputs(outputs: Record<string, string>): void {
  for (const [k, v] of Object.entries(outputs)) core.setOutput(k, v);
}

export async function writeStepSummary(markdown: string): Promise<void> {
  await core.appendSummary(markdown);
}
