/**
 * Steps of the gate's own job, before it, that run the pull request's code (pure: the workflow's
 * text and who the gate is in, out come the steps).
 *
 * The gate trusts the files of its job. A step before it that runs code the pull request wrote
 * (its tests, mutmut, a build of the project, `python -m` from the checkout, where a `pip/` or
 * `bandit/` directory the pull request adds is imported instead, a script of the repository, a
 * local action) could rewrite any report, or the gate's own files in the runner's action cache;
 * no check of the reports can see that. The gate reads the workflow file its run came from and
 * says which steps do it, so a team learns it from the summary rather than from an incident.
 *
 * What is matched is a short list of commands that certainly run the project's code; a step that
 * runs it some other way (a Makefile target, a shell script named by path) is not seen. The file
 * is the pull request's (its own workflow runs): a change that hides such a step from this check
 * is an edit of the workflow, which the run's notices already name.
 */
import { yaml } from '../util/yaml.js';
import { firstAndMore } from '../util/lists.js';

export interface CodeStep {
  /** The step's name, else its `uses`, else its position (`step 3`). */
  step: string;
  /** What in it runs the pull request's code. */
  what: string;
}

export interface GateIdentity {
  /** GITHUB_JOB: the job's id (its key under `jobs:`). */
  job: string;
  /** GITHUB_ACTION: the step's `id`, or `__owner_repo` (with `_2`... for a second one) without one. */
  action?: string | undefined;
  /** GITHUB_ACTION_REPOSITORY: `owner/repo` of the action (empty for a local `uses: ./`). */
  actionRepository?: string | undefined;
}

/**
 * Commands that run the project's own code, each with the words it is shown with. Each is tried on
 * one command of a `run` at a time (split at newlines, `;`, `&` and `|`), with what an `install`
 * names cut off (`pip install pytest tox` installs them and runs nothing of the project's).
 */
const RUNS_PROJECT_CODE: ReadonlyArray<readonly [RegExp, string]> = [
  // Not with -P or -I (Python 3.11+ and isolated mode leave the current directory out of the path).
  [/(?:^|[\s;&|(])(?:python3?(?:\.\d+)?|py)\s+(?:-(?![a-zA-Z]*[PI])[a-zA-Z]*\s+)*-m\s+[\w.]+/, 'python -m, which imports from the checkout first'],
  [/(?:^|[\s;&|(])(?:python3?(?:\.\d+)?|py)\s+(?:-[a-zA-Z]+\s+)*(?!-)[^\s;&|]+\.py\b/, "a Python script of the repository"],
  [/\bpytest\b|\bpy\.test\b/, 'the tests (pytest)'],
  [/\bmutmut\s+run\b/, 'the tests (mutmut run)'],
  [/(?:^|[\s;&|(])(?:tox|nox)(?:\s|$)/, 'tox or nox sessions'],
  [/\bsetup\.py\b/, 'setup.py'],
];

/**
 * The same for the arguments of a command's first `pip install` (from the space before them).
 * Matched once per command: a pattern free to start at every `pip` of a line and scan it to its
 * end went quadratic on a hostile file (~1 s per 100 KB line, over a minute at the size limit).
 */
const PIP_INSTALLS_PROJECT: ReadonlyArray<readonly [RegExp, string]> = [
  [/\s(?:-e\s+)?\.(?:\[[^\]\s]*\])?(?=\s|$)/, 'a build of the project (pip install .)'],
  // A path, not a VCS or other URL (`-e git+https://…#egg=lib` installs someone else's code).
  [/\s(?:-e|--editable)(?:\s+|=)(?!\s|[\w.+-]*:)/, 'an editable install of the project'],
];

/** At most this many steps are named (the rest are counted). */
const MAX_STEPS = 5;

/**
 * The steps before the gate in its job that run the pull request's code, or undefined when the
 * job or the gate's step cannot be told from the file (a workflow it calls, a parse failure).
 */
export function codeBeforeGate(text: string, who: GateIdentity): CodeStep[] | undefined {
  let root: unknown;
  try {
    const { parseDocument } = yaml();
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
    if (doc.errors.length > 0) return undefined;
    root = doc.toJS({ maxAliasCount: 50 });
  } catch {
    return undefined;
  }
  const jobs = field(root, 'jobs');
  const steps = field(field(jobs, who.job), 'steps');
  if (!Array.isArray(steps)) return undefined;
  const at = gateStepIndex(steps, who);
  if (at === undefined) return undefined;
  // Before the checkout the workspace holds nothing of the pull request's.
  const checkout = steps.findIndex((s) => /^actions\/checkout@/i.test(str(field(s, 'uses')) ?? ''));
  const found: CodeStep[] = [];
  steps.slice(0, at).forEach((s, i) => {
    if (checkout < 0 || i <= checkout) return;
    const what = runsProjectCode(s);
    if (what) found.push({ step: stepLabel(s, i), what });
  });
  return found;
}

/**
 * The notice for the summary, or undefined when no step runs the pull request's code; `file`, the
 * workflow file read, is named (quoted: the pull request may name a workflow anything).
 */
export function codeBeforeGateNotice(job: string, file: string, steps: CodeStep[] | undefined): string | undefined {
  if (!steps || steps.length === 0) return undefined;
  const shown = firstAndMore(steps, MAX_STEPS, { show: (s) => `${JSON.stringify(s.step)} (${s.what})`, more: (k) => `and ${k} more` });
  return (
    `The job that runs this gate (${JSON.stringify(job)} in ${JSON.stringify(file)}) runs the pull request's own code before it: ${shown.join('; ')}. ` +
    `That code could rewrite the reports the gate reads, so this verdict is only as sound as those steps. Run them in another job and hand over their reports as artifacts (README: Use it in a workflow).`
  );
}

function field(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, key) ? (v as Record<string, unknown>)[key] : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Where the gate's step is: the step GITHUB_ACTION names, as GitHub names the job's steps (below);
 * when GITHUB_ACTION_REPOSITORY is set, only a step that uses that action (a name no step has, or
 * one of another action's step, is the gate inside a composite action: not told). Undefined when
 * not found.
 */
function gateStepIndex(steps: unknown[], who: GateIdentity): number | undefined {
  if (!who.action) return undefined;
  const at = stepNames(steps).indexOf(who.action);
  if (at < 0) return undefined;
  const repo = who.actionRepository?.toLowerCase();
  return repo && actionOf(steps[at])?.toLowerCase() !== repo ? undefined : at;
}

/**
 * The name of each step (GITHUB_ACTION) as GitHub gives it: its `id`; else `__` and what it runs
 * (`owner/repo` of an action, `self` for a local one, `run` for a script), each character other
 * than a letter, digit, `_` or `-` made `_`, with `_2`, `_3`… for the second and later use of a
 * name (actions/languageservices, workflow-parser converter/steps.ts and id-builder.ts). The old
 * reading, the nth step using GITHUB_ACTION_REPOSITORY, took the name's `_2` of a repository
 * named `…_2` for a count, and without that variable counted local actions.
 */
function stepNames(steps: unknown[]): (string | undefined)[] {
  const taken = new Set<string>();
  for (const s of steps) {
    const id = str(field(s, 'id'));
    if (id) taken.add(id);
  }
  return steps.map((s) => {
    const id = str(field(s, 'id'));
    if (id) return id;
    const action = actionOf(s);
    const base = `__${action === undefined ? 'run' : action.startsWith('docker://') ? action.slice('docker://'.length) || 'run' : action}`.replace(/[^A-Za-z0-9_-]/g, '_');
    for (let n = 1; n < 1000; n++) {
      const suffix = n === 1 ? '' : `_${n}`;
      const name = base.slice(0, 100 - suffix.length) + suffix;
      if (!taken.has(name)) {
        taken.add(name);
        return name;
      }
    }
    return undefined;
  });
}

/** What a step's `uses` runs: `owner/repo` (a sub-path dropped), `self` (`./…`), the `docker://` reference as is; undefined for none. */
function actionOf(step: unknown): string | undefined {
  const uses = str(field(step, 'uses'));
  if (uses === undefined || uses.startsWith('docker://')) return uses;
  if (uses.startsWith('./') || uses.startsWith('.\\')) return 'self';
  const [path, ref, ...rest] = uses.split('@');
  const parts = (path ?? '').split(/[\\/]/).filter((p) => p.length > 0);
  return rest.length === 0 && ref && parts.length >= 2 ? `${parts[0]}/${parts[1]}` : undefined;
}

function runsProjectCode(step: unknown): string | undefined {
  if (actionOf(step) === 'self') return 'an action of the repository itself';
  const run = str(field(step, 'run'));
  if (!run) return undefined;
  const commands = run.split(/[\n;&|]/);
  const called = commands.map((c) => c.replace(/\binstall\b.*/, ''));
  for (const [re, what] of RUNS_PROJECT_CODE) if (called.some((c) => re.test(c))) return what;
  const pipArgs = commands.map((c) => {
    const m = /\bpip3?\s+install(?=\s)/.exec(c);
    return m ? c.slice(m.index + m[0].length) : '';
  });
  for (const [re, what] of PIP_INSTALLS_PROJECT) if (pipArgs.some((a) => re.test(a))) return what;
  return undefined;
}

function stepLabel(step: unknown, i: number): string {
  const name = str(field(step, 'name')) ?? str(field(step, 'uses'));
  return (name ?? `step ${i + 1}`).slice(0, 120);
}
