/**
 * One promotion run, shared by the action and the CLI: read the history (API), the Justfile
 * (workspace), evaluate (pure), render, write the two report files. The caller decides what the
 * outcome means for the exit code (`exitCodeFor`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigurationError } from '../config/schema.js';
import { insideWorkspace, outputPathProblem, readReport, writeNoFollow } from '../io/files.js';
import { createHttpClient, githubApiUrl, type HttpClient } from '../io/http.js';
import { evaluatePromotion, type JustfileCheck, type PromotionReport } from './evaluate.js';
import { collectHistory, PromotionRuntimeError } from './history.js';
import { justfileRecipes } from './justfile.js';
import { renderPromotionMarkdown } from './render.js';
import { REPORT_JSON_FILE, REPORT_MARKDOWN_FILE, RESULT_FILE_NAME, type Env, type PromotionSettings } from './settings.js';

export interface PromotionDeps {
  env: Env;
  /** Directory relative paths are resolved against (the workspace, or the CLI's cwd). */
  cwd: string;
  now: () => Date;
  log: (message: string) => void;
  /** Injected client (tests); default: the project's HTTP client against GITHUB_API_URL. */
  http?: HttpClient;
  /** Options for the default client (tests shorten backoff). */
  httpOptions?: { backoffMs?: number; timeoutMs?: number; retries?: number; maxRetryWaitMs?: number };
  concurrency?: number;
}

export interface PromotionOutcome {
  report: PromotionReport;
  markdown: string;
  jsonPath: string;
  markdownPath: string;
  /** A runtime failure found after the reports were written (nothing readable at all). */
  failure?: string;
}

/** Overall time budget for the API calls. */
const DEADLINE_MS = 10 * 60 * 1000;

/** A Justfile is a few KB; more is a mistake, and a pipe or device at its name would hang the read. */
export const MAX_JUSTFILE_BYTES = 1024 * 1024;

/**
 * The Justfile's recipes. Read as reports are: inside `cwd`, not through a link that leads out of it
 * or into `.git`, only a regular file (never a wait on a pipe), at most MAX_JUSTFILE_BYTES. A path
 * given outside `cwd` (the CLI, run by hand) is the user's own and read as it is, with the same
 * file checks. What is refused is said in the criterion's detail, never read.
 */
async function readJustfile(cwd: string, given: string | undefined): Promise<JustfileCheck> {
  const candidates = given ? [given] : ['Justfile', 'justfile', '.justfile'];
  let lastError = '';
  for (const p of candidates) {
    // Inside, readReport refuses a link out of `cwd` or into `.git` on the file it opens.
    const read = await readReport(cwd, p, { maxBytes: MAX_JUSTFILE_BYTES, what: 'a Justfile', confine: insideWorkspace(cwd, p) });
    if (read.ok) return { path: p, found: true, recipes: justfileRecipes(read.text) };
    if (!read.missing) lastError = read.error;
  }
  return { path: given ?? 'Justfile', found: false, ...(lastError ? { error: lastError } : {}), recipes: [] };
}

/**
 * Where a report file goes. Inside `cwd` (the workspace: the checkout of whatever ran), not through
 * a link the checkout holds, as the gate's outputs (outputPathProblem); elsewhere, the user's choice.
 */
async function outputFile(cwd: string, dir: string, name: string): Promise<string> {
  const path = resolve(dir, name);
  const problem = insideWorkspace(cwd, path) ? await outputPathProblem(cwd, path) : undefined;
  if (problem) throw new ConfigurationError(`output-dir: ${problem}`);
  return path;
}

export async function runPromotion(s: PromotionSettings, deps: PromotionDeps): Promise<PromotionOutcome> {
  // Where the reports go is checked before the history is read (minutes of API calls at worst).
  const dir = resolve(deps.cwd, s['output-dir']);
  const jsonPath = await outputFile(deps.cwd, dir, REPORT_JSON_FILE);
  const markdownPath = await outputFile(deps.cwd, dir, REPORT_MARKDOWN_FILE);
  const http =
    deps.http ??
    createHttpClient({
      baseUrl: githubApiUrl(deps.env),
      token: s['github-token'],
      // The client measures time with the real clock; `deps.now` only stamps the report.
      deadline: Date.now() + DEADLINE_MS,
      maxBodyBytes: 256 * 1024 * 1024,
      headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
      ...deps.httpOptions,
    });
  deps.log(`Reading completed runs of ${s.workflow} on ${s.branch} in ${s.repository} (window ${s.window}, stable runs ${s['stable-runs']}, at most ${s['max-runs']} runs)`);
  const history = await collectHistory({
    http,
    repository: s.repository,
    workflow: s.workflow,
    branch: s.branch,
    events: s.events,
    currentRunId: /^\d{1,15}$/.test(deps.env.GITHUB_RUN_ID ?? '') ? Number(deps.env.GITHUB_RUN_ID) : undefined,
    artifactName: s['artifact-name'],
    resultFile: RESULT_FILE_NAME,
    window: s.window,
    stableRuns: s['stable-runs'],
    maxRuns: s['max-runs'],
    tools: s.tools,
    concurrency: deps.concurrency ?? 4,
    log: deps.log,
  });
  const justfile = await readJustfile(deps.cwd, s.justfile);
  const report = evaluatePromotion({
    history,
    requests: { total: http.requestCount, ...history.stats },
    source: {
      repository: s.repository,
      workflow: s.workflow,
      branch: s.branch,
      events: s.events,
      artifactName: s['artifact-name'],
      resultFile: RESULT_FILE_NAME,
      serverUrl: deps.env.GITHUB_SERVER_URL || 'https://github.com',
    },
    window: s.window,
    stableRuns: s['stable-runs'],
    maxRuns: s['max-runs'],
    strict: s.strict,
    tools: s.tools,
    justfile,
    requiredRecipes: s['justfile-recipes'],
    now: deps.now(),
  });
  const markdown = renderPromotionMarkdown(report);
  // Looked at again after the minutes of API calls, and written without following a link at the
  // name: what was planted meanwhile is refused, never written through.
  await outputFile(deps.cwd, dir, REPORT_JSON_FILE);
  await outputFile(deps.cwd, dir, REPORT_MARKDOWN_FILE);
  // Elsewhere (the CLI by hand) a link at the name is the user's own, followed as the gate's CLI does.
  const write = insideWorkspace(deps.cwd, dir) ? writeNoFollow : (path: string, text: string) => writeFile(path, text);
  try {
    await mkdir(dir, { recursive: true });
    await write(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    await write(markdownPath, markdown);
  } catch (e) {
    throw new PromotionRuntimeError(`writing the reports in ${s['output-dir']}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let failure: string | undefined;
  if (report.collection.runsExamined === 0) failure = `no completed run of ${s.workflow} on ${s.branch} in ${s.repository}: nothing to read`;
  else if (report.collection.runsWithData === 0) failure = `none of the ${report.collection.runsExamined} runs examined has a readable "${s['artifact-name']}" artifact with ${RESULT_FILE_NAME}: nothing readable at all`;
  return { report, markdown, jsonPath, markdownPath, ...(failure ? { failure } : {}) };
}

/** 0: reported (criteria may be unmet); 1: strict and a tool is not ready; 3: runtime failure. (2: invalid options, from the CLI.) */
export function exitCodeFor(o: PromotionOutcome, strict: boolean): 0 | 1 | 3 {
  if (o.failure) return 3;
  if (strict && (o.report.verdict.notReady.length > 0 || o.report.tools.length === 0)) return 1;
  return 0;
}

/** `strict: true` and a tool is not ready: the step fails, on purpose. */
export class PromotionNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromotionNotReadyError';
  }
}

export { PromotionRuntimeError };
