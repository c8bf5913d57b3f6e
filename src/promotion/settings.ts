/**
 * Settings of the promotion-evidence action and `security-gate promotion`: one zod schema owns the
 * input names, defaults and validation, so `promotion/action.yml`, the CLI flags and the docs cannot
 * drift apart (a test compares them). Values arrive as strings; an empty string means "not given".
 */
import { z } from 'zod';
import { ConfigurationError } from '../config/schema.js';
import { RESULT_FILE } from '../engine/outputs.js';
import { TOOL_IDS, type ToolId } from '../reports/model.js';

/** Name of the gate's result file inside its artifact: the gate's own constant (`security-gate-result.json`). */
export const RESULT_FILE_NAME: string = RESULT_FILE;
/** The gate's default artifact name (same default as the gate's `artifact-name` input). */
export const DEFAULT_ARTIFACT_NAME = 'security-gate-reports';
/** Report files written to `output-dir`. */
export const REPORT_JSON_FILE = '.ci-security-promotion-report.json';
export const REPORT_MARKDOWN_FILE = '.ci-security-promotion-report.md';
/** Runs of these events are the branch's own: a push to it, its schedule, a run started by hand. */
export const DEFAULT_EVENTS = ['push', 'schedule', 'workflow_dispatch'];
/** Justfile recipes the team documents for local reproduction. */
export const DEFAULT_RECIPES = ['api-security-bandit', 'api-security-audit', 'api-quality-security-hygiene'];

/** Input names, with the description used by action.yml and `--help` (the test keeps them in step). */
export const PROMOTION_INPUTS = {
  'github-token': "Token that can read Actions runs and artifacts and the branch's commits (actions: read, contents: read). Default: the workflow token.",
  repository: 'owner/name of the repository whose history is read. Default: the current repository.',
  workflow: 'Workflow file name (e.g. ci.yml) or numeric id whose runs carry the gate artifact. Default: the current workflow.',
  branch: 'Branch whose completed runs are examined.',
  events: "Events whose runs count as evidence (comma- or newline-separated). Runs of other events (issue_comment, workflow_run, repository_dispatch... may check out a pull request's code) are skipped; pull_request events are never evidence.",
  window: 'A tool must have executed in at least this many examined runs.',
  'stable-runs': 'The latest N runs where a tool executed must be consecutive up to the newest run, meet the baseline and never regress.',
  'max-runs': 'Most completed runs examined, newest first (examination stops earlier once every tool has as many runs as the larger of window and stable-runs). Default: 3 x the larger of window and stable-runs.',
  'artifact-name': "Name of the gate's artifact (the gate's artifact-name).",
  tools: 'Tools to judge (comma- or newline-separated). Default: every tool seen in the examined runs.',
  strict: 'true: exit non-zero when a tool is not ready. Default false: unmet criteria are reported, the step passes.',
  'output-dir': 'Directory for .ci-security-promotion-report.md and .json. In the workspace, never written through a symbolic link the checkout holds.',
  justfile: 'Path of the Justfile checked for the local recipes. Default: Justfile, else justfile, else .justfile. A link out of the workspace, a pipe or a file over 1 MiB is not read (the criterion says why).',
  'justfile-recipes': 'Recipes the Justfile must define (operational readiness).',
} as const;
export type PromotionInput = keyof typeof PROMOTION_INPUTS;

/** Defaults as they appear in action.yml (string form); absent = computed from the environment. */
export const PROMOTION_INPUT_DEFAULTS: Partial<Record<PromotionInput, string>> = {
  'github-token': '${{ github.token }}',
  branch: 'main',
  events: DEFAULT_EVENTS.join(','),
  window: '10',
  'stable-runs': '5',
  'artifact-name': DEFAULT_ARTIFACT_NAME,
  strict: 'false',
  'output-dir': '.',
  'justfile-recipes': DEFAULT_RECIPES.join(','),
};

export const PROMOTION_OUTPUTS = {
  'ready-tools': 'Comma-separated tools ready for phase 2.',
  'not-ready-tools': 'Comma-separated tools not ready (see the report for why).',
  'report-json': 'Path of .ci-security-promotion-report.json.',
  'report-markdown': 'Path of .ci-security-promotion-report.md.',
} as const;

const list = (name: string) =>
  z.string().transform((v) =>
    v
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter((s) => s !== '' && !s.startsWith('#')),
  ).describe(name);

const bool = (name: string) =>
  z.string().transform((v, ctx) => {
    const s = v.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(s)) return true;
    if (['false', 'no', 'off', '0'].includes(s)) return false;
    ctx.addIssue({ code: 'custom', message: `${name}: got ${JSON.stringify(v)}; expected true or false` });
    return z.NEVER;
  });

const intIn = (name: string, min: number, max: number) =>
  z.string().transform((v, ctx) => {
    const s = v.trim();
    const n = Number(s);
    if (/^\d+$/.test(s) && n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', message: `${name}: got ${JSON.stringify(v)}; expected a whole number from ${min} to ${max}` });
    return z.NEVER;
  });

const promotionSchema = z
  .object({
    'github-token': z.string().trim().min(1, 'github-token: missing; give a token that can read Actions (actions: read), e.g. ${{ github.token }} or GITHUB_TOKEN'),
    repository: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'repository: expected owner/name'),
    workflow: z
      .string()
      .trim()
      .regex(/^(\d+|[^/\\\s?#%]+\.ya?ml)$/, 'workflow: expected a workflow file name such as ci.yml, or its numeric id'),
    // A branch name git allows (check-ref-format): it goes into an API path (`/git/ref/heads/{branch}`).
    branch: z.string().trim().min(1).max(255).regex(/^(?!\/)(?!.*\/$)(?!.*\.\.)(?!.*\/\.)(?!.*@\{)(?!.*\.lock$)[^\s~^:?*[\\\p{Cc}]+$/u, 'branch: expected a branch name (no spaces, `..`, `~ ^ : ? * [ \\`)'),
    events: list('events').refine((e) => e.length > 0 && e.every((n) => /^[a-z_]{1,64}$/.test(n) && !n.startsWith('pull_request')), {
      message: 'events: expected event names such as push, schedule, workflow_dispatch (pull_request events carry a pull request\'s code: never evidence)',
    }),
    window: intIn('window', 1, 500),
    'stable-runs': intIn('stable-runs', 1, 500),
    'max-runs': intIn('max-runs', 1, 1000).optional(),
    'artifact-name': z
      .string()
      .trim()
      .regex(/^[^"<>|*?\\/:\r\n]{1,200}$/, 'artifact-name: expected 1-200 characters without " : < > | * ? \\ / or newlines'),
    tools: list('tools')
      .transform((tools, ctx) => {
        const bad = tools.filter((t) => !(TOOL_IDS as readonly string[]).includes(t));
        if (bad.length > 0) {
          ctx.addIssue({ code: 'custom', message: `tools: unknown tool ${bad.map((b) => JSON.stringify(b)).join(', ')}; expected any of ${TOOL_IDS.join(', ')}` });
          return z.NEVER;
        }
        return TOOL_IDS.filter((t) => tools.includes(t));
      })
      .optional(),
    strict: bool('strict'),
    'output-dir': z.string().trim().min(1),
    justfile: z.string().trim().min(1).optional(),
    'justfile-recipes': list('justfile-recipes').refine((r) => r.every((n) => /^[A-Za-z_][A-Za-z0-9_-]*$/.test(n)), 'justfile-recipes: expected recipe names (letters, digits, - and _)'),
  })
  .strict()
  .transform((s) => ({ ...s, 'max-runs': s['max-runs'] ?? Math.min(1000, Math.max(s.window, s['stable-runs']) * 3) }))
  .superRefine((s, ctx) => {
    if (s['max-runs'] < Math.max(s.window, s['stable-runs'])) {
      ctx.addIssue({ code: 'custom', path: ['max-runs'], message: `max-runs: got ${s['max-runs']}; expected at least window (${s.window}) and stable-runs (${s['stable-runs']})` });
    }
  });

export type PromotionSettings = z.output<typeof promotionSchema>;

export type Env = Readonly<Record<string, string | undefined>>;

/** The workflow file of the running job, from GITHUB_WORKFLOW_REF (`o/r/.github/workflows/ci.yml@refs/heads/main`). */
export function currentWorkflowFile(env: Env): string | undefined {
  const ref = env.GITHUB_WORKFLOW_REF;
  if (!ref) return undefined;
  const m = /\/\.github\/workflows\/([^@/]+)@/.exec(ref);
  return m?.[1];
}

/**
 * Settings from raw inputs (action inputs or CLI flags, by input name) with the environment's
 * defaults (repository, workflow, token). Throws ConfigurationError naming each bad input.
 */
export function parsePromotionSettings(raw: Partial<Record<PromotionInput, string | undefined>>, env: Env): PromotionSettings {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(PROMOTION_INPUT_DEFAULTS)) if (!v.startsWith('${{')) merged[k] = v;
  const fromEnv: Partial<Record<PromotionInput, string | undefined>> = {
    'github-token': env.GITHUB_TOKEN || env.GH_TOKEN,
    repository: env.GITHUB_REPOSITORY,
    workflow: currentWorkflowFile(env),
  };
  for (const layer of [fromEnv, raw]) {
    for (const [k, v] of Object.entries(layer)) if (v !== undefined && v.trim() !== '') merged[k] = v;
  }
  if (merged.repository === undefined) throw new ConfigurationError('repository: missing; give owner/name (GITHUB_REPOSITORY is not set)');
  if (merged.workflow === undefined) throw new ConfigurationError('workflow: missing; give the workflow file name (e.g. ci.yml) or id (GITHUB_WORKFLOW_REF is not set)');
  if (merged['github-token'] === undefined) throw new ConfigurationError('github-token: missing; give a token that can read Actions (actions: read), or set GITHUB_TOKEN');
  const r = promotionSchema.safeParse(merged);
  if (!r.success) throw new ConfigurationError(formatIssues(r.error.issues));
  return r.data;
}

export type { ToolId };

/** Formats zod issues into one message per problem, naming the key (and a line, via `locate`). */
export function formatIssues(issues: z.core.$ZodIssue[], locate?: (path: PropertyKey[]) => string | undefined): string {
  return issues
    .map((i) => {
      const key = i.path.map(String).join('.');
      // An unknown key is placed at its own line, not its parent's.
      const first = i.code === 'unrecognized_keys' ? i.keys[0] : undefined;
      const where = locate?.(first !== undefined ? [...i.path, first] : i.path) ?? (first !== undefined ? locate?.(i.path) : undefined);
      let msg = i.message;
      if (i.code === 'unrecognized_keys') msg = `unknown setting ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`;
      else if (i.code === 'invalid_type' || i.code === 'invalid_union') msg = `${key || 'value'}: ${i.message}`;
      else if (key && !msg.startsWith(key.split('.')[0] ?? '')) msg = `${key}: ${msg}`;
      return where ? `${where}: ${msg}` : msg;
    })
    .join('\n');
}
