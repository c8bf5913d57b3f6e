/**
 * `security-gate promotion`: the promotion evidence on a laptop or in any CI step (the team's
 * `just api-security-promotion-evidence`). Flags are named like the action's inputs; the token
 * comes from --github-token or GITHUB_TOKEN / GH_TOKEN.
 *
 * Exit codes: 0 report written (criteria may be unmet), 1 --strict and a tool is not ready,
 * 2 invalid options, 3 runtime failure (bad token, API unreachable after retries, nothing readable).
 */
import { parseArgs } from 'node:util';
import { takeBooleanValues } from '../cli/flags.js';
import { ConfigurationError } from '../config/schema.js';
import { escapeLog } from '../util/escape.js';
import { PromotionRuntimeError } from './history.js';
import { exitCodeFor, runPromotion, type PromotionDeps } from './run.js';
import { parsePromotionSettings, PROMOTION_INPUT_DEFAULTS, PROMOTION_INPUTS, type Env, type PromotionInput } from './settings.js';

export interface PromotionCliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  /** Test hooks (HTTP client options, clock). */
  deps?: Partial<PromotionDeps>;
}

export function promotionUsage(): string {
  const lines = Object.entries(PROMOTION_INPUTS).map(([name, desc]) => {
    const d = PROMOTION_INPUT_DEFAULTS[name as PromotionInput];
    const def = d && !d.startsWith('${{') ? ` (default ${d})` : '';
    return `  --${name.padEnd(18)} ${desc}${def}`;
  });
  return `Usage: security-gate promotion [options]

Reads the gate's result artifacts from the workflow's recent runs and says, per tool, whether it is
ready for phase 2, with the evidence. Writes .ci-security-promotion-report.md and .json.

${lines.join('\n')}
  --json               print the JSON report instead of the Markdown
  -h, --help           this text

Environment: GITHUB_TOKEN or GH_TOKEN (token), GITHUB_REPOSITORY, GITHUB_WORKFLOW_REF, GITHUB_API_URL.
Exit codes: 0 report written (criteria may be unmet), 1 --strict and a tool is not ready,
2 invalid options, 3 runtime failure (bad token, API unreachable after retries, nothing readable).
`;
}

const defaultIo = (): PromotionCliIo => ({ stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), cwd: process.cwd() });

const BOOLEAN_FLAGS: ReadonlySet<string> = new Set(['strict']);

export async function runPromotionCli(argv: string[], env: Env, io: PromotionCliIo = defaultIo()): Promise<number> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } };
  for (const name of Object.keys(PROMOTION_INPUTS)) options[name] = { type: name === 'strict' ? 'boolean' : 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    // `--strict` alone, or with the input's value (`--strict true`, `--strict=false`), as the gate's boolean flags.
    const { args, explicit } = takeBooleanValues(argv, BOOLEAN_FLAGS, (name) => options[name]?.type === 'string');
    values = parseArgs({ args, options, allowPositionals: false, strict: true }).values as Record<string, string | boolean | undefined>;
    for (const [name, v] of explicit) values[name] = v;
  } catch (e) {
    io.stderr(`security-gate promotion: ${(e as Error).message}\n\n${promotionUsage()}`);
    return 2;
  }
  if (values.help) {
    io.stdout(promotionUsage());
    return 0;
  }
  const raw: Partial<Record<PromotionInput, string>> = {};
  for (const name of Object.keys(PROMOTION_INPUTS) as PromotionInput[]) {
    const v = values[name];
    if (typeof v === 'string') raw[name] = v;
    else if (v === true) raw[name] = 'true';
  }
  let settings;
  try {
    settings = parsePromotionSettings(raw, env);
  } catch (e) {
    if (e instanceof ConfigurationError) {
      io.stderr(`security-gate promotion: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  try {
    const outcome = await runPromotion(settings, {
      env,
      cwd: io.cwd,
      now: () => new Date(),
      log: (m) => io.stderr(`${escapeLog(m)}\n`),
      ...io.deps,
    });
    const { report } = outcome;
    if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else {
      io.stdout(`${report.verdict.headline}\n`);
      for (const t of report.tools) io.stdout(`  ${escapeLog(`${t.tool}: ${t.verdict}`)}\n`);
      for (const n of report.notices) io.stdout(`  note: ${escapeLog(n)}\n`);
      io.stdout(`Reports: ${outcome.markdownPath}, ${outcome.jsonPath} (${report.requests.total} API requests)\n`);
    }
    const code = exitCodeFor(outcome, settings.strict);
    if (code === 3) io.stderr(`security-gate promotion: ${escapeLog(outcome.failure ?? '')}\n`);
    return code;
  } catch (e) {
    if (e instanceof PromotionRuntimeError) {
      io.stderr(`security-gate promotion: ${escapeLog(e.message)}\n`);
      return 3;
    }
    // An output path the checkout's links would redirect (checked before any request).
    if (e instanceof ConfigurationError) {
      io.stderr(`security-gate promotion: ${escapeLog(e.message)}\n`);
      return 2;
    }
    throw e;
  }
}
