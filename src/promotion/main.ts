/**
 * The promotion-evidence action's thin shell: inputs -> settings -> run (history, evaluate, render,
 * report files) -> step summary and outputs. Throws on a runtime failure and, with `strict`, when a
 * tool is not ready; the entry turns that into a failed step.
 */
import * as core from '@actions/core';
import { log, setOutputs, writeStepSummary } from '../github/runner.js';
import { renderPromotionMarkdown, SUMMARY_BUDGET_BYTES } from './render.js';
import { exitCodeFor, PromotionNotReadyError, PromotionRuntimeError, runPromotion, type PromotionDeps } from './run.js';
import { parsePromotionSettings, PROMOTION_INPUTS, type PromotionInput } from './settings.js';

export async function run(env: NodeJS.ProcessEnv = process.env, deps: Partial<PromotionDeps> = {}): Promise<void> {
  const raw: Partial<Record<PromotionInput, string>> = {};
  for (const name of Object.keys(PROMOTION_INPUTS) as PromotionInput[]) raw[name] = core.getInput(name);
  const settings = parsePromotionSettings(raw, env);
  core.setSecret(settings['github-token']);
  const outcome = await runPromotion(settings, { env, cwd: env.GITHUB_WORKSPACE || process.cwd(), now: () => new Date(), log: log.info, ...deps });
  const { report } = outcome;
  for (const t of report.tools) log.info(`${t.tool}: ${t.verdict}`);
  for (const n of report.notices) log.warning(n);
  await writeStepSummary(renderPromotionMarkdown(report, SUMMARY_BUDGET_BYTES));
  setOutputs({
    'ready-tools': report.verdict.ready.join(','),
    'not-ready-tools': report.verdict.notReady.join(','),
    'report-json': outcome.jsonPath,
    'report-markdown': outcome.markdownPath,
  });
  log.info(`promotion: ${report.verdict.headline} (${report.requests.total} API requests)`);
  const code = exitCodeFor(outcome, settings.strict);
  if (code === 3) throw new PromotionRuntimeError(`promotion: ${outcome.failure}`);
  if (code === 1) throw new PromotionNotReadyError(`promotion (strict): not ready: ${report.verdict.notReady.join(', ') || 'no tool could be judged'}`);
}
