/**
 * The local CLI over the same engine as the action: flags are named like the inputs, so a CI
 * verdict reproduces on a laptop from the same files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { settingsWithPolicy } from '../config/policy-file.js';
import { ConfigurationError, INPUT_NAMES, shown, type Settings } from '../config/schema.js';
import { handledLater, runEngine } from '../engine/run.js';
import { writeJsonFile } from '../engine/json-file.js';
import { renderSummary } from '../render/summary.js';
import { renderTerminal } from '../render/terminal.js';
import { reproduceRun } from '../engine/publish.js';
import { takeBooleanValues } from './flags.js';
import { findChange, type ChangeContext } from '../engine/change.js';
import type { Change } from '../change/diff.js';
import { githubApiUrl } from '../io/http.js';
import { insideWorkspace, outputPathProblem, readPolicyFile, writeNoFollow } from '../io/files.js';
import { escapeLog } from '../util/escape.js';
import { loadYaml } from '../util/yaml.js';
import { prepareGovernance } from '../github/governance.js';
import { headlineFor } from '../render/common.js';
import { trackedFiles } from '../io/git.js';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
  isTTY?: boolean;
  now?: Date;
  /**
   * Called once the settings are known, before any report is read: a number ends the run with
   * that exit code (the entry ran it again in a worker thread for big reports, engine/worker.ts).
   */
  handOff?: (settings: Settings, workspace: string) => Promise<number | undefined>;
  /** The change under review, found by the thread that started this one (found here otherwise). */
  change?: Promise<Change | undefined>;
}

/** Where the CLI looks for the change under review (the same on the main thread and in a worker). */
export function changeContextOf(settings: Settings, workspace: string, env: Record<string, string | undefined>): ChangeContext {
  return { cwd: workspace, eventName: settings['base-ref'] ? undefined : env.GITHUB_EVENT_NAME, eventPath: env.GITHUB_EVENT_PATH, headSha: env.GITHUB_SHA };
}

const BOOLEAN_FLAGS: ReadonlySet<string> = new Set(['fail-on-block', 'summary', 'upload-artifact']);

export const USAGE = `Usage: security-gate [options]
       security-gate promotion [options]   (promotion evidence; see --help there)

Runs the gate on report files, prints the summary, exits 0 unless --fail-on-block is given and
the gate should fail. Options are named like the action's inputs (every input is accepted; those
only the action acts on, such as --annotations or --sarif-file, are checked and do nothing here):

  --bandit-report <globs>      --pip-audit-report <globs>   --gitleaks-report <globs>
  --deptry-report <globs>      --vulture-report <globs>     --mutmut-report <globs>
  --phase 1|2|auto             --phase-2-from YYYY-MM-DD    --phase-2-tools <tools>
  --critical-paths <globs>     --on-missing-report error|warn|ignore
  --policy-file <file>         --unknown-severity critical|high|medium|low
  --severity-source github,osv|github|osv|off   where pip-audit severities are looked up
  --github-token <token>       for GitHub's advisory API (default: $GITHUB_TOKEN)
  --offline                    no network: pip-audit severities stay unknown (unknown-severity applies)
  --base-ref <ref>             compare HEAD with this ref: deptry/vulture "new" findings, secret scan
  --fail-on-block              exit 1 when the gate should fail (also --fail-on-block true|false)
  --refuse-committed-reports   a report file git tracks puts its tool in error, as in the action
  --as-of <day or time>        judge waivers' expiry and phase "auto" as of then (2026-12-01, or
                               2026-12-01T09:30:00Z), as a CI run's reproduce command does
  --workspace <dir>            where report paths are resolved (default: current directory)
  --result-file <file>         write the result JSON here
  --markdown-file <file>       write the step-summary markdown here
  --json                       print the result JSON instead of the text summary
  --no-color                   plain text
  -h, --help                   this text

Exit codes: 0 done (whatever the verdict, unless --fail-on-block), 1 the gate should fail
(--fail-on-block), 2 invalid options or policy file, 3 internal error.`;

/** What only the action does: uploads, files in output-dir, annotations, the comment, the override label. */
const ACTION_ONLY_INPUTS = [
  'summary',
  'upload-artifact',
  'artifact-name',
  'retention-days',
  'output-dir',
  'sarif-file',
  'sarif-dependency-file',
  'annotations',
  'annotations-via-checks',
  'comment',
  'comment-id',
  'redact-artifacts',
  'verify-waiver-approvals',
  'override-label',
  'override-approvers',
] as const satisfies ReadonlyArray<keyof Settings>;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'promotion') {
    const { runPromotionCli } = await import('../promotion/cli.js');
    return runPromotionCli(argv.slice(1), io.env, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd });
  }
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    workspace: { type: 'string' },
    'result-file': { type: 'string' },
    'markdown-file': { type: 'string' },
    json: { type: 'boolean' },
    offline: { type: 'boolean' },
    'as-of': { type: 'string' },
    'refuse-committed-reports': { type: 'boolean' },
    'no-color': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of INPUT_NAMES) options[name] = { type: BOOLEAN_FLAGS.has(name) ? 'boolean' : 'string' };
  let values: Record<string, string | boolean | undefined>;
  let explicit: Map<string, string>;
  try {
    let args: string[];
    ({ args, explicit } = takeBooleanValues(argv, BOOLEAN_FLAGS, (name) => options[name]?.type === 'string'));
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
  } catch (e) {
    io.stderr(`security-gate: ${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  // The last of a flag's spellings wins, as for any option.
  for (const [name, v] of explicit) values[name] = v;
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  try {
    const workspace = resolve(io.cwd, String(values.workspace ?? '.'));
    const inputs: Record<string, string> = {};
    for (const name of INPUT_NAMES) if (values[name] !== undefined) inputs[name] = String(values[name]);
    // Inputs only the action acts on are accepted (a workflow's inputs can be pasted) and checked,
    // but said to do nothing here, rather than ignored in silence.
    const actionOnly = ACTION_ONLY_INPUTS.filter((name) => values[name] !== undefined);
    if (actionOnly.length > 0) io.stderr(`security-gate: ${actionOnly.map((n) => `--${n}`).join(', ')}: ${actionOnly.length === 1 ? 'an action input' : 'action inputs'}, no effect in the CLI\n`);
    // The CLI never uploads; the action does.
    inputs['upload-artifact'] = 'false';
    const policyPath = inputs['policy-file'];
    // As in the action (a link in the workspace out of it or into .git is not followed), but a
    // path outside the workspace may be given by hand.
    const policy = await readPolicyFile(workspace, policyPath, { anywhere: true });
    if (!inputs['github-token'] && io.env.GITHUB_TOKEN) inputs['github-token'] = io.env.GITHUB_TOKEN;
    if (policy) await loadYaml();
    const settings = settingsWithPolicy(inputs, policy);
    const handedOff = await io.handOff?.(settings, workspace);
    if (handedOff !== undefined) return handedOff;
    // The change is found while the reports are read (in a worker run, by the main thread), as in the action.
    const changing = io.change ?? findChange(settings, changeContextOf(settings, workspace, io.env));
    const now = values['as-of'] !== undefined ? parseAsOf(String(values['as-of'])) : (io.now ?? new Date());
    // Waivers apply locally as in CI; approvals are taken as written (no API calls from the CLI).
    const governing = changing.then((change) => prepareGovernance({ settings, workspace, now, change, logError: (m) => io.stderr(`${escapeLog(m)}\n`) }));
    const waiving = governing.then((g) => g.waive);
    handledLater(changing, governing, waiving);
    const engine = await runEngine(settings, {
      workspace,
      now,
      change: changing,
      severity: { githubApiUrl: githubApiUrl(io.env), offline: values.offline === true, log: (m) => io.stderr(`${escapeLog(m)}\n`) },
      waive: waiving,
      // Off by default here (the README's CLI section says why); the action always asks.
      tracked: values['refuse-committed-reports'] === true ? (paths) => trackedFiles(workspace, paths) : undefined,
    });
    const result = await (await governing).finish(engine.result);
    result.headline = headlineFor(result);
    // A file in the workspace is not written through a link the checkout holds (as in the action),
    // nor through one planted since the check; elsewhere it is the user's path (`/dev/stdout` too).
    const outputPath = async (flag: string, file: string) => {
      const p = resolve(io.cwd, file);
      const inside = insideWorkspace(workspace, p);
      const problem = inside ? await outputPathProblem(workspace, p) : undefined;
      if (problem) throw new ConfigurationError(`--${flag}: ${problem}`);
      await mkdir(dirname(p), { recursive: true });
      return { p, inside };
    };
    const write = async (flag: string, file: string, content: string) => {
      const { p, inside } = await outputPath(flag, file);
      await (inside ? writeNoFollow(p, content) : writeFile(p, content));
    };
    if (values['result-file']) {
      // Streamed: a result with 80,000 findings is a ~75 MB text.
      const { p, inside } = await outputPath('result-file', String(values['result-file']));
      await writeJsonFile(p, result, 1, { compactLeaves: true, followLink: !inside });
    }
    const reproduce = reproduceRun(settings, result, workspace, new Set(Object.keys(inputs).filter((k) => inputs[k]!.trim() !== '')));
    if (values['markdown-file']) await write('markdown-file', String(values['markdown-file']), renderSummary(result, { reproduceCommand: reproduce }));
    if (values.json) io.stdout(JSON.stringify(result, null, 1) + '\n');
    else io.stdout(renderTerminal(result, { color: useColor(values['no-color'] === true, io), reproduceCommand: reproduce }));
    return settings['fail-on-block'] && result.shouldFail ? 1 : 0;
  } catch (e) {
    if (e instanceof ConfigurationError) {
      io.stderr(`security-gate: ${e.message}\n`);
      return 2;
    }
    io.stderr(`security-gate: internal error: ${escapeLog((e as Error).message)}\n`);
    return 3;
  }
}

const AS_OF = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/;

/**
 * `--as-of`: the instant the run is judged at (waivers' expiry and approval days, phase `auto`, the
 * result's `generatedAt`). A day alone is its start in UTC; a time must carry its zone (`Z` or
 * `+02:00`): a time read in the laptop's own zone could fall on another UTC day than CI's, and the
 * day is what a waiver's expiry is compared with. Every field is checked (`2026-02-30` is refused,
 * not rolled over into March).
 */
export function parseAsOf(text: string): Date {
  const m = AS_OF.exec(text.trim());
  const n = (i: number): number => Number(m?.[i] ?? 0);
  if (m && n(1) >= 1970 && n(2) >= 1 && n(2) <= 12 && n(3) >= 1 && n(4) <= 23 && n(5) <= 59 && n(6) <= 59 && n(10) <= 23 && n(11) <= 59) {
    const day = new Date(Date.UTC(n(1), n(2) - 1, n(3)));
    if (day.getUTCDate() === n(3)) {
      const offsetMinutes = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (n(10) * 60 + n(11));
      const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
      return new Date(day.getTime() + ((n(4) * 60 + n(5) - offsetMinutes) * 60 + n(6)) * 1000 + ms);
    }
  }
  throw new ConfigurationError(`--as-of: got ${shown(text)}; expected a day as YYYY-MM-DD, or a time with its zone such as 2026-12-01T09:30:00Z`);
}

function useColor(noColorFlag: boolean, io: CliIo): boolean {
  if (noColorFlag || io.env.NO_COLOR || io.env.TERM === 'dumb') return false;
  if (io.env.FORCE_COLOR !== undefined) return io.env.FORCE_COLOR !== '0';
  return io.isTTY === true;
}
