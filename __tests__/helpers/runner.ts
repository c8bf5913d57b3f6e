/**
 * Runs a built action entry (e.g. `dist/gate/index.js`) the way the Actions runner runs a `node24` action:
 * a child `node <entry>` with cwd = GITHUB_WORKSPACE, inputs as `INPUT_<NAME>` env vars (upper-cased, spaces to `_`,
 * hyphens kept), and fresh GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_ENV / GITHUB_STATE / GITHUB_PATH files and
 * RUNNER_TEMP, read back after the run. Async `execFile`, never spawnSync: tests serve HTTP in this same process.
 *
 * The child gets a clean environment (not this process's): a real CI job's GITHUB_OUTPUT or ACTIONS_RUNTIME_TOKEN
 * must never leak into the action under test. GITHUB_API_URL defaults to a closed local port, so an API call that a
 * test forgot to point at its own server fails at once instead of going out.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** Repository root (this file is `__tests__/helpers/runner.ts`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Env var naming a node binary for runAction (e.g. Node 24, the runner's runtime). */
export const TEST_NODE_ENV = 'SECURITY_GATE_TEST_NODE';

export interface RunActionOptions {
  /** Entry script, absolute or relative to the repository root, e.g. `dist/gate/index.js`. */
  entry: string;
  /** Inputs by their action.yml name; set as `INPUT_<NAME>`. */
  inputs?: Record<string, string>;
  /** Extra environment for the child, applied last; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** GITHUB_WORKSPACE and the child's cwd. */
  workspace: string;
  /** Node binary; default `resolveTestNode()` (SECURITY_GATE_TEST_NODE, else this process's node). */
  node?: string;
  /** An action.yml whose input defaults are applied to inputs not given, as the runner does. */
  actionYml?: string;
  /** GITHUB_EVENT_NAME and the payload written to GITHUB_EVENT_PATH (default `push`, `{}`). */
  event?: { name?: string; payload?: unknown };
  /** Kill the child after this long (default 60 s). */
  timeoutMs?: number;
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
  /** `##[command]` form (v1) rather than `::command::`. */
  legacy: boolean;
}

export interface RunActionResult {
  /** Exit code; -1 when the child was killed by a signal (see `signal`, `timedOut`). */
  code: number;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT, parsed like the runner does. */
  outputs: Record<string, string>;
  /** GITHUB_STEP_SUMMARY content. */
  summary: string;
  /** Variables exported through GITHUB_ENV. */
  env: Record<string, string>;
  /** GITHUB_STATE (saveState). */
  state: Record<string, string>;
  /** Lines added to GITHUB_PATH. */
  path: string[];
  /** Workflow commands the runner would act on, from stdout (annotations, masks, groups...). */
  commands: WorkflowCommand[];
  /** Files the action left in RUNNER_TEMP (relative paths); the directory itself is removed after the run. */
  runnerTempFiles: string[];
}

/** SECURITY_GATE_TEST_NODE when set, else the node running the tests. */
export function resolveTestNode(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[TEST_NODE_ENV]?.trim();
  return fromEnv ? fromEnv : process.execPath;
}

function execFileAsync(file: string, args: string[], options: { timeout: number; env?: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, { ...options, encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolvePromise(stdout)));
  });
}

/** The major version of a node binary, or undefined when it does not run. */
export async function nodeMajor(node: string): Promise<number | undefined> {
  try {
    const version = await execFileAsync(node, ['--version'], { timeout: 10_000, env: { PATH: process.env['PATH'] ?? '' } });
    const match = /^v(\d+)\./.exec(version.trim());
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A node binary of the given major version already on this machine, without downloading anything:
 * SECURITY_GATE_TEST_NODE, this process's node, then npx's cache of `npx -y node@<major>`
 * (`~/.npm/_npx/<hash>/node_modules/node/bin/node`). Undefined when none is found.
 */
export async function findNode(major: number, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const candidates: string[] = [];
  const fromEnv = env[TEST_NODE_ENV]?.trim();
  if (fromEnv) candidates.push(fromEnv);
  candidates.push(process.execPath);
  const npxCache = join(env['npm_config_cache'] ?? join(homedir(), '.npm'), '_npx');
  try {
    for (const hash of await readdir(npxCache)) candidates.push(join(npxCache, hash, 'node_modules', 'node', 'bin', 'node'));
  } catch {
    // no npx cache
  }
  for (const candidate of candidates) {
    if ((await nodeMajor(candidate)) === major) return candidate;
  }
  return undefined;
}

/** `core.getInput`'s variable name: `INPUT_` + name with spaces as `_`, upper-cased (hyphens kept). */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * Parses a GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE file like the runner: `name=value` lines and
 * `name<<DELIMITER` heredocs ending at a line equal to DELIMITER. Empty lines are ignored; the last value wins.
 * Throws on a line that is neither, an empty name, or a heredoc without its closing delimiter (the runner fails the step).
 */
export function parseFileCommands(content: string): Record<string, string> {
  const result: Record<string, string> = Object.create(null) as Record<string, string>;
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === '') throw new Error(`line ${i + 1}: invalid format: empty name in "${line}"`);
      result[name] = line.slice(equals + 1);
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === '' || delimiter === '') throw new Error(`line ${i + 1}: invalid format: "${line}"`);
      const value: string[] = [];
      let closed = false;
      for (i = i + 1; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        value.push(lines[i] ?? '');
      }
      if (!closed) throw new Error(`invalid format: matching delimiter "${delimiter}" not found for "${name}"`);
      result[name] = value.join('\n');
    } else {
      throw new Error(`line ${i + 1}: invalid format: "${line}"`);
    }
  }
  return { ...result };
}

function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return text
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%25/g, '%');
}

/**
 * Workflow commands in stdout as the runner reads them: `::name k=v,k=v::message` (after leading whitespace),
 * legacy `##[name k=v;k=v]message`, and no command at all between `::stop-commands::TOKEN` and `::TOKEN::`.
 */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  let stopToken: string | undefined;
  for (const rawLine of stdout.split(/\r?\n/)) {
    const line = rawLine.trimStart();
    if (stopToken !== undefined) {
      if (line.trimEnd() === `::${stopToken}::`) stopToken = undefined;
      continue;
    }
    if (line.startsWith('::')) {
      const end = line.indexOf('::', 2);
      if (end < 0) continue;
      const info = line.slice(2, end);
      const space = info.indexOf(' ');
      const command = space < 0 ? info : info.slice(0, space);
      if (command === '') continue;
      const properties: Record<string, string> = {};
      if (space >= 0) {
        for (const pair of info.slice(space + 1).split(',')) {
          const eq = pair.indexOf('=');
          if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
        }
      }
      const message = unescapeData(line.slice(end + 2));
      if (command === 'stop-commands' && message !== '') {
        stopToken = message;
      }
      commands.push({ command, properties, message, legacy: false });
    } else if (line.startsWith('##[')) {
      const end = line.indexOf(']');
      if (end < 0) continue;
      const info = line.slice(3, end);
      const space = info.indexOf(' ');
      const command = space < 0 ? info : info.slice(0, space);
      if (command === '') continue;
      const properties: Record<string, string> = {};
      if (space >= 0) {
        for (const pair of info.slice(space + 1).split(';')) {
          const eq = pair.indexOf('=');
          if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
        }
      }
      commands.push({ command, properties, message: unescapeData(line.slice(end + 1)), legacy: true });
    }
  }
  return commands;
}

const PASS_THROUGH_ENV = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT', 'USER'] as const;

interface InputSpec {
  default?: unknown;
}

async function actionDefaults(actionYml: string, env: Record<string, string | undefined>): Promise<Record<string, string>> {
  const doc = parseYaml(await readFile(actionYml, 'utf8')) as { inputs?: Record<string, InputSpec | null> } | null;
  const defaults: Record<string, string> = {};
  for (const [name, spec] of Object.entries(doc?.inputs ?? {})) {
    if (spec?.default === undefined || spec.default === null) continue;
    const value = String(spec.default);
    // the runner evaluates expressions; the only one a default commonly uses is github.token
    defaults[name] = value.replace(/\$\{\{\s*github\.token\s*\}\}/g, env['GITHUB_TOKEN'] ?? '').replace(/\$\{\{[^}]*\}\}/g, '');
  }
  return defaults;
}

async function readIfExists(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true }).catch(() => [])) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(root, rel)));
    else files.push(rel);
  }
  return files.sort();
}

/** Runs the action entry like the runner does and reads back everything it wrote. Never rejects on a non-zero exit. */
export async function runAction(opts: RunActionOptions): Promise<RunActionResult> {
  const entry = isAbsolute(opts.entry) ? opts.entry : resolve(REPO_ROOT, opts.entry);
  const node = opts.node ?? resolveTestNode();
  const temp = await mkdtemp(join(tmpdir(), 'sg-runner-'));
  try {
    const files = {
      output: join(temp, 'files', 'output.txt'),
      summary: join(temp, 'files', 'step_summary.md'),
      env: join(temp, 'files', 'env.txt'),
      state: join(temp, 'files', 'state.txt'),
      path: join(temp, 'files', 'path.txt'),
      event: join(temp, 'files', 'event.json'),
    };
    const runnerTemp = join(temp, 'runner-temp');
    await mkdir(join(temp, 'files'));
    await mkdir(runnerTemp);
    await mkdir(join(temp, 'tool-cache'));
    for (const file of [files.output, files.summary, files.env, files.state, files.path]) await writeFile(file, '');
    await writeFile(files.event, JSON.stringify(opts.event?.payload ?? {}));

    const env: Record<string, string | undefined> = {};
    for (const key of PASS_THROUGH_ENV) env[key] = process.env[key];
    Object.assign(env, {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: opts.workspace,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_ENV: files.env,
      GITHUB_STATE: files.state,
      GITHUB_PATH: files.path,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_EVENT_NAME: opts.event?.name ?? 'push',
      RUNNER_TEMP: runnerTemp,
      RUNNER_TOOL_CACHE: join(temp, 'tool-cache'),
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'security-gate-test-runner',
      RUNNER_ENVIRONMENT: 'github-hosted',
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_REPOSITORY_OWNER: 'octo-org',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_NUMBER: '7',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'gate',
      GITHUB_WORKFLOW: 'ci',
      GITHUB_ACTION: '__security-gate',
      GITHUB_ACTOR: 'octocat',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_REF_NAME: 'main',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'http://127.0.0.1:9',
      GITHUB_GRAPHQL_URL: 'http://127.0.0.1:9/graphql',
    });
    const inputs = { ...(opts.actionYml ? await actionDefaults(resolve(REPO_ROOT, opts.actionYml), { ...env, ...opts.env }) : {}), ...opts.inputs };
    for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;
    Object.assign(env, opts.env);
    const childEnv: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(env)) if (value !== undefined) childEnv[key] = value;

    const timeoutMs = opts.timeoutMs ?? 60_000;
    const run = await new Promise<{ code: number; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }>(
      (resolvePromise) => {
        const started = Date.now();
        execFile(
          node,
          [entry],
          { cwd: opts.workspace, env: childEnv, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' },
          (error, stdout, stderr) => {
            const failure = error as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals | null; killed?: boolean }) | null;
            const signal = failure?.signal ?? null;
            const timedOut = Boolean(failure?.killed) && signal === 'SIGKILL' && Date.now() - started >= timeoutMs;
            let code = 0;
            if (failure) code = typeof failure.code === 'number' ? failure.code : -1;
            const spawnError = failure && typeof failure.code === 'string' ? `\n[runAction] could not run ${node}: ${failure.message}` : '';
            resolvePromise({ code, signal, stdout, stderr: stderr + spawnError, timedOut });
          },
        );
      },
    );

    const [output, summary, exported, state, pathFile] = await Promise.all(
      [files.output, files.summary, files.env, files.state, files.path].map(readIfExists),
    );
    return {
      ...run,
      outputs: parseFileCommands(output ?? ''),
      summary: summary ?? '',
      env: parseFileCommands(exported ?? ''),
      state: parseFileCommands(state ?? ''),
      path: (pathFile ?? '').split(/\r?\n/).filter((line) => line !== ''),
      commands: parseWorkflowCommands(run.stdout),
      runnerTempFiles: await listFiles(runnerTemp),
    };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
