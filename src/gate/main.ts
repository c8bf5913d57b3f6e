/**
 * The gate action's thin shell: inputs -> settings -> change, waivers -> engine -> override ->
 * publish -> outputs. Decisions live in the pure core; this file only wires adapters in order.
 */
import * as core from '../github/actions-core.js';
import { join, resolve } from 'node:path';
import { settingsWithPolicy } from '../config/policy-file.js';
import { ConfigurationError, type Settings } from '../config/schema.js';
import { insideWorkspace, outputPathProblem, readPolicyFile } from '../io/files.js';
import { findChange, type ChangeContext } from '../engine/change.js';
import { trackedFiles } from '../io/git.js';
import type { Change } from '../change/diff.js';
import { computeOutputs, RESULT_FILE, SUMMARY_FILE } from '../engine/outputs.js';
import { reproduceRun } from '../engine/publish.js';
import { handledLater, runEngine, toolLine } from '../engine/run.js';
import { loadRunContext } from '../github/comment.js';
import { prepareGovernance } from '../github/governance.js';
import { readEventPayload } from '../github/pull-request.js';
import { publish } from '../github/publish.js';
import type { RedactedCopier } from '../engine/stage.js';
import { givenInputs, log, readInputs, setOutputs } from '../github/runner.js';
import { createHttpClient, githubApiUrl } from '../io/http.js';
import { loadYaml } from '../util/yaml.js';
import { headlineFor, messageLevel } from '../render/common.js';

export function workspaceOf(env: NodeJS.ProcessEnv): string {
  return env.GITHUB_WORKSPACE || process.cwd();
}

/** Inputs (and the policy file they name) -> settings; masks the token first. */
export async function loadSettings(env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const inputs = readInputs();
  if (inputs['github-token']) core.setSecret(inputs['github-token']);
  const policy = await readPolicyFile(workspaceOf(env), inputs['policy-file']);
  if (policy) await loadYaml();
  return settingsWithPolicy(inputs, policy);
}

/**
 * Where the outputs go, checked before any work: the output directory and the SARIF file must be
 * in the workspace, and no link the checkout holds may lie on their way (the pull request's links
 * would have the gate write outside the workspace; runner temp, the default, is the runner's).
 * A worker run's main thread checks them too, before it finds the change (gate/index.ts).
 */
export async function outputDir(settings: Settings, workspace: string, env: NodeJS.ProcessEnv): Promise<string> {
  const outSetting = settings['output-dir'];
  if (outSetting && !insideWorkspace(workspace, outSetting)) throw new ConfigurationError(`output-dir: got ${JSON.stringify(outSetting)}; expected a directory inside the workspace`);
  const sarifSetting = settings['sarif-file'];
  if (sarifSetting && !insideWorkspace(workspace, sarifSetting)) throw new ConfigurationError(`sarif-file: got ${JSON.stringify(sarifSetting)}; expected a file inside the workspace`);
  // resolve, not join: `${{ github.workspace }}/out` is inside the workspace too.
  const outDir = outSetting ? resolve(workspace, outSetting) : join(env.RUNNER_TEMP || workspace, 'security-gate');
  const outProblem = outSetting ? await outputPathProblem(workspace, outDir, { dir: true }) : undefined;
  if (outProblem) throw new ConfigurationError(`output-dir: ${outProblem}`);
  const sarifProblem = sarifSetting ? await outputPathProblem(workspace, resolve(workspace, sarifSetting)) : undefined;
  if (sarifProblem) throw new ConfigurationError(`sarif-file: ${sarifProblem}`);
  // The files written at fixed names: something else already there (a directory the checkout
  // holds at `out/security-gate-result.json`) is said before any work, not a crash after it.
  for (const name of [RESULT_FILE, SUMMARY_FILE, 'security-gate.sarif']) {
    const problem = await outputPathProblem(outDir, join(outDir, name));
    if (problem) throw new ConfigurationError(`output-dir: ${problem}`);
  }
  return outDir;
}

/** Where the action looks for the change under review (the same on the main thread and in a worker). */
export function changeContextOf(workspace: string, env: NodeJS.ProcessEnv): ChangeContext {
  return { cwd: workspace, eventName: env.GITHUB_EVENT_NAME, eventPath: env.GITHUB_EVENT_PATH, headSha: env.GITHUB_SHA };
}

/**
 * The whole gate. `given`: settings already loaded (by the main thread, when this runs in a
 * worker); `copier`: who writes the artifact's redacted report copies (the idle main thread then);
 * `changed`: the change the main thread is finding meanwhile (found here otherwise).
 */
export async function run(env: NodeJS.ProcessEnv = process.env, given?: Settings, copier?: RedactedCopier, changed?: Promise<Change | undefined>): Promise<void> {
  const workspace = workspaceOf(env);
  const settings = given ?? (await loadSettings(env));
  const outDir = await outputDir(settings, workspace, env);
  const now = new Date();

  const runCtx = await loadRunContext(env);
  const token = settings['github-token'];
  const client = token && runCtx.owner ? createHttpClient({ baseUrl: githubApiUrl(env), token, deadline: Date.now() + 120_000 }) : undefined;
  // The change (git) and the waivers' approvals (the API) are worked out while the reports are
  // read: the engine waits for them after its reads (EngineDeps), and fails as they do.
  const changing = changed ?? findChange(settings, changeContextOf(workspace, env));
  const governing = changing.then(async (change) => prepareGovernance({ settings, workspace, now, change, client, runCtx, event: await readEventPayload(env), logError: log.error }));
  const waiving = governing.then((g) => g.waive);
  handledLater(changing, governing, waiving);

  const engine = await runEngine(settings, {
    workspace,
    now,
    change: changing,
    severity: { githubApiUrl: githubApiUrl(env), offline: false, log: log.info },
    waive: waiving,
    tracked: (paths) => trackedFiles(workspace, paths),
  });
  const result = await (await governing).finish(engine.result);
  result.headline = headlineFor(result);
  for (const t of result.tools) log.info(toolLine(t));
  // As loud as its level (messageLevel: a missing report as on-missing-report makes it).
  const logAt = { error: log.error, warn: log.warning, info: log.info };
  for (const t of result.tools) for (const m of t.messages) logAt[messageLevel(t)](m);

  const summaryOptions = { artifactName: settings['artifact-name'], reproduceCommand: reproduceRun(settings, result, workspace, givenInputs()), policySource: settings['policy-file'] };
  const { staged, sarifFile } = await publish({ env, workspace, outDir, settings, result, reports: engine.reports, knownSecrets: engine.knownSecrets, summaryOptions, now, runCtx, client, copier });

  setOutputs(computeOutputs(result, { ...staged, sarifFile }));
  log.info(`security-gate: ${result.headline}`);
  if (settings['fail-on-block'] && result.shouldFail) core.setFailed(`security-gate: ${result.headline}`);
}
