/**
 * The runner side of the gate: inputs, outputs, step summary and log lines (src/github/actions-core.ts).
 * Report text that reaches the log goes through escapeLog first.
 */
import * as core from './actions-core.js';
import { INPUT_NAMES } from '../config/schema.js';
import { escapeLog } from '../util/escape.js';

export function readInputs(): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const name of INPUT_NAMES) inputs[name] = core.getInput(name);
  return inputs;
}

/** The inputs the workflow gave a value (an empty one means the default, as if not given). */
export function givenInputs(): Set<string> {
  return new Set(Object.entries(readInputs()).filter(([, v]) => v !== '').map(([k]) => k));
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
