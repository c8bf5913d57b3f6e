/** Entry of the promotion-evidence action: only runs main and turns a thrown error into a failed step. */
import * as core from '@actions/core';
import { ConfigurationError } from '../config/schema.js';
import { escapeLog } from '../util/escape.js';
import { run } from './main.js';
import { PromotionNotReadyError, PromotionRuntimeError } from './run.js';

run().catch((e: unknown) => {
  if (e instanceof ConfigurationError || e instanceof PromotionRuntimeError || e instanceof PromotionNotReadyError) core.setFailed(escapeLog(e.message));
  else core.setFailed(escapeLog(`security-gate promotion: internal error: ${e instanceof Error ? e.message : String(e)}`));
});
