/** Entry of the gate action: only runs main and turns an unexpected error into a failed step. */
import * as core from '../github/actions-core.js';
import { ConfigurationError } from '../config/schema.js';
import { run } from './main.js';

run().catch((e: unknown) => {
  if (e instanceof ConfigurationError) core.setFailed(e.message);
  else core.setFailed(`security-gate: internal error: ${e instanceof Error ? e.message : String(e)}`);
});
