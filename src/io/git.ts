/**
 * Find out what the change under review is, from git in the workspace. The I/O shell around the
 * pure parsing in `src/change/diff.ts`.
 *
 * - pull_request / pull_request_target: `base.sha...head.sha` (three-dot: what the pull request adds
 *   since it forked, the "Files changed" view), not the merge commit GITHUB_SHA.
 * - push: `before...after`; `before` all zeros = a new branch (compared with the default branch) or
 *   the first push of a repository (compared with the empty tree when `after` is a root commit).
 * - merge_group: `base_sha...head_sha`.
 * - an explicit `base-ref`: `<base-ref>...HEAD` (wins over the event); HEAD, the commit checked out,
 *   not GITHUB_SHA, which names another commit when the job checked out something else.
 *
 * Shallow clones (actions/checkout depth 1) are normal: a missing commit is fetched by id
 * (`git fetch --no-tags --depth=1 origin <sha>`), and when no merge base is found the history is
 * deepened a bounded number of times; after that the diff falls back to two-dot `base..head` and
 * says so. Anything that cannot be established returns `{ known: false, reason }`: the caller then
 * treats every finding as new (fail closed). Every git call has a timeout and bounded output.
 */
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { buildChangedFiles, parseUnifiedAddedLines, type Change, type ChangedFile, type ChangeSource, type KnownChange } from '../change/diff.js';
import { describeFailure, runFile, type RunResult } from './exec.js';
import { firstAndMore, pushAll } from '../util/lists.js';

export interface DetectChangeOptions {
  /** The repository's working tree (GITHUB_WORKSPACE). */
  cwd: string;
  /** GITHUB_EVENT_NAME, GITHUB_EVENT_PATH. */
  event: { name?: string; payloadPath?: string };
  /** Input `base-ref`: a branch, tag or commit to compare HEAD with; wins over the event. */
  baseRef?: string;
  /** GITHUB_SHA: the head for a push without `after`, and for `base-ref` only when HEAD cannot be resolved. */
  headSha?: string;
  /** Fetch missing commits from the remote (default true). */
  fetch?: boolean;
  /** Remote to fetch from (default `origin`). */
  remote?: string;
  /** Timeout of one local git call (default 60 s) and of one fetch (default 120 s). */
  gitTimeoutMs?: number;
  fetchTimeoutMs?: number;
  /** Depths tried, in order, to find a merge base in a shallow clone (default 10, 100, 1000). */
  deepenSteps?: number[];
  /** Bound on the unified diff read for added lines (default 64 MiB). */
  maxPatchBytes?: number;
  /** Bound on the file list outputs (default 32 MiB). */
  maxListBytes?: number;
  /** Injected for tests; defaults to reading the file as UTF-8. */
  readPayload?: (path: string) => Promise<string>;
}

const FAIL_CLOSED = 'Without a known change, every finding counts as new (fail closed).';
const PR_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']);

class ChangeUnknown extends Error {}

function unknown(reason: string): Change {
  return { known: false, reason: `${reason} ${FAIL_CLOSED}` };
}

/** A full commit id (SHA-1 or SHA-256), any case. */
export const isSha = (s: unknown): s is string => typeof s === 'string' && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(s);
const isZero = (s: string) => /^0+$/.test(s);
const short = (sha: string) => (isSha(sha) ? sha.slice(0, 12) : sha);

/** Own-property path lookup in parsed JSON (no prototype surprises). */
function dig(obj: unknown, ...keys: string[]): unknown {
  let cur: unknown = obj;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** A ref name the user gave: no option injection, no revision syntax beyond `~N`/`^N`. */
export function isSafeRefName(ref: string): boolean {
  return ref.length > 0 && ref.length <= 255 && !ref.startsWith('-') && /^[A-Za-z0-9._/@+~^-]+$/.test(ref) && !ref.includes('..');
}

/**
 * git as the gate runs it everywhere: no fsmonitor, automatic gc or maintenance, no prompt, no
 * optional locks, plain paths and the C locale (stable words in its errors). `env` is laid over
 * that (undefined unsets a variable).
 */
export function runGit(cwd: string, args: readonly string[], opts: { timeoutMs: number; maxStdoutBytes: number; env?: Record<string, string | undefined> }): Promise<RunResult> {
  return runFile(
    'git',
    ['-c', 'core.quotePath=false', '-c', 'core.fsmonitor=false', '-c', 'gc.auto=0', '-c', 'maintenance.auto=false', '-c', 'color.ui=never', ...args],
    {
      cwd,
      timeoutMs: opts.timeoutMs,
      maxStdoutBytes: opts.maxStdoutBytes,
      env: { GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', LANGUAGE: 'C', ...opts.env },
    },
  );
}

/** Thin, bounded git runner. */
class Git {
  readonly notes: string[] = [];
  private shallow: boolean | undefined;
  readonly cwd: string;
  readonly remote: string;
  readonly timeoutMs: number;
  readonly fetchTimeoutMs: number;
  readonly canFetch: boolean;
  readonly deepenSteps: number[];
  readonly maxPatchBytes: number;
  readonly maxListBytes: number;
  /**
   * The workspace's directory in the repository (`api/`; '' at the root): report paths are taken
   * from the workspace, git's from the root (a review: the CLI run in a monorepo's `api/` matched
   * no finding with the change). Read by detectChange's first call.
   */
  workdir = '';
  constructor(opts: DetectChangeOptions) {
    this.cwd = opts.cwd;
    this.remote = opts.remote ?? 'origin';
    this.timeoutMs = opts.gitTimeoutMs ?? 60_000;
    this.fetchTimeoutMs = opts.fetchTimeoutMs ?? 120_000;
    this.canFetch = opts.fetch ?? true;
    this.deepenSteps = (opts.deepenSteps ?? [10, 100, 1000]).filter((n) => Number.isInteger(n) && n > 0);
    this.maxPatchBytes = opts.maxPatchBytes ?? 64 * 1024 * 1024;
    this.maxListBytes = opts.maxListBytes ?? 32 * 1024 * 1024;
  }

  run(args: string[], opts?: { timeoutMs?: number; maxStdoutBytes?: number }): Promise<RunResult> {
    return runGit(this.cwd, args, { timeoutMs: opts?.timeoutMs ?? this.timeoutMs, maxStdoutBytes: opts?.maxStdoutBytes ?? 1024 * 1024 });
  }

  /** Run and return trimmed stdout, or throw ChangeUnknown with `what` and git's words. */
  async must(args: string[], what: string, opts?: { timeoutMs?: number; maxStdoutBytes?: number }): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new ChangeUnknown(`Could not ${what}: ${describeFailure('git', r, opts?.timeoutMs ?? this.timeoutMs)}.`);
    return r.stdout.toString('utf8').trim();
  }

  async hasCommit(sha: string): Promise<boolean> {
    const r = await this.run(['cat-file', '-e', `${sha}^{commit}`]);
    return r.code === 0;
  }

  async isShallow(): Promise<boolean> {
    if (this.shallow === undefined) {
      const r = await this.run(['rev-parse', '--is-shallow-repository']);
      this.shallow = r.code === 0 && r.stdout.toString('utf8').trim() === 'true';
    }
    return this.shallow;
  }

  async fetch(refs: string[], depth: number | undefined): Promise<RunResult> {
    const args = ['fetch', '--no-tags', '--no-recurse-submodules', '--quiet'];
    if (depth !== undefined) args.push(`--depth=${depth}`);
    pushAll(args, [this.remote], refs);
    const r = await this.run(args, { timeoutMs: this.fetchTimeoutMs, maxStdoutBytes: 64 * 1024 });
    this.shallow = undefined;
    return r;
  }

  /** Make sure a commit is present, fetching it by id when the clone lacks it. */
  async ensureCommit(sha: string, label: string): Promise<void> {
    if (await this.hasCommit(sha)) return;
    if (!this.canFetch) {
      throw new ChangeUnknown(`The ${label} commit ${short(sha)} is not in the clone and fetching is turned off.`);
    }
    const shallow = await this.isShallow();
    const r = await this.fetch([sha], shallow ? 1 : undefined);
    if (r.code !== 0 || !(await this.hasCommit(sha))) {
      const why = r.code !== 0 ? describeFailure('git fetch', r, this.fetchTimeoutMs) : 'the remote did not send it';
      throw new ChangeUnknown(
        `The ${label} commit ${short(sha)} is not in the clone${shallow ? ' (shallow clone)' : ''} and could not be fetched from ${this.remote} (${why}).`,
      );
    }
    this.notes.push(`Fetched the ${label} commit ${short(sha)} from ${this.remote}${shallow ? ' (shallow clone, depth 1)' : ''}.`);
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const r = await this.run(['merge-base', a, b]);
    if (r.code === 0) {
      const s = r.stdout.toString('utf8').trim().split('\n')[0] ?? '';
      return isSha(s) ? s : undefined;
    }
    if (r.code === 1) return undefined;
    throw new ChangeUnknown(`Could not compute the merge base of ${short(a)} and ${short(b)}: ${describeFailure('git merge-base', r, this.timeoutMs)}.`);
  }

  async resolve(rev: string): Promise<string | undefined> {
    const r = await this.run(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
    const s = r.stdout.toString('utf8').trim();
    return r.code === 0 && isSha(s) ? s : undefined;
  }

  async emptyTree(): Promise<string> {
    return this.must(['hash-object', '-t', 'tree', '--stdin'], 'compute the empty tree id');
  }

  async parents(sha: string): Promise<string[]> {
    const out = await this.must(['rev-list', '--parents', '-n', '1', sha], `read the parents of ${short(sha)}`);
    return out.split(/\s+/).slice(1).filter(isSha);
  }
}

export async function detectChange(opts: DetectChangeOptions): Promise<Change> {
  const git = new Git(opts);
  try {
    const inside = await git.run(['rev-parse', '--is-inside-work-tree', '--show-prefix']);
    if (inside.code !== 0) {
      return unknown(`${opts.cwd} is not a git working tree (${describeFailure('git', inside, git.timeoutMs)}).`);
    }
    git.workdir = inside.stdout.toString('utf8').split('\n')[1]?.trim() ?? '';
    return await detect(git, opts);
  } catch (e) {
    if (e instanceof ChangeUnknown) return unknown(e.message);
    throw e;
  }
}

async function detect(git: Git, opts: DetectChangeOptions): Promise<Change> {
  const baseRef = opts.baseRef?.trim();
  if (baseRef) return fromBaseRef(git, baseRef, opts);

  const name = opts.event.name?.trim() ?? '';
  if (name === '') {
    return unknown('No event name (GITHUB_EVENT_NAME) and no base-ref were given, so there is nothing to compare with.');
  }
  const isPr = PR_EVENTS.has(name);
  if (!isPr && name !== 'push' && name !== 'merge_group') {
    return unknown(
      `The "${name}" event does not describe a change (pull_request, pull_request_target, push and merge_group do); set base-ref to compare with a branch.`,
    );
  }
  const payload = await readPayload(opts);

  if (isPr) {
    const base = dig(payload, 'pull_request', 'base', 'sha');
    const head = dig(payload, 'pull_request', 'head', 'sha');
    if (!isSha(base) || !isSha(head)) {
      return unknown(`The ${name} event payload has no pull_request.base.sha / pull_request.head.sha commit ids.`);
    }
    return diffRange(git, base, head, 'pull_request');
  }
  if (name === 'merge_group') {
    const base = dig(payload, 'merge_group', 'base_sha');
    const head = dig(payload, 'merge_group', 'head_sha');
    if (!isSha(base) || !isSha(head)) return unknown('The merge_group event payload has no merge_group.base_sha / head_sha.');
    return diffRange(git, base, head, 'merge_group');
  }
  // push
  const before = dig(payload, 'before');
  const after = dig(payload, 'after') ?? opts.headSha;
  if (!isSha(after)) return unknown('The push event payload has no "after" commit id.');
  if (isZero(after)) return unknown('The push deleted the branch ("after" is all zeros): there is no new code to compare.');
  if (isSha(before) && !isZero(before)) return diffRange(git, before, after, 'push');
  if (before !== undefined && !isSha(before)) return unknown('The push event payload has no valid "before" commit id.');
  return newBranchPush(git, after, payload);
}

async function readPayload(opts: DetectChangeOptions): Promise<unknown> {
  const p = opts.event.payloadPath?.trim();
  if (!p) throw new ChangeUnknown(`The ${opts.event.name} event has no payload file (GITHUB_EVENT_PATH is not set).`);
  let text: string;
  try {
    text = await (opts.readPayload ?? ((f: string) => readFile(f, 'utf8')))(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ChangeUnknown(`Could not read the event payload ${p} (${code ?? (e as Error).message}).`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ChangeUnknown(`The event payload ${p} is not valid JSON.`);
  }
}

/** `before` all zeros: a new branch, or the first push of a repository. */
async function newBranchPush(git: Git, after: string, payload: unknown): Promise<Change> {
  await git.ensureCommit(after, 'pushed');
  const defaultBranch = dig(payload, 'repository', 'default_branch');
  const ref = dig(payload, 'ref');
  if (typeof defaultBranch === 'string' && isSafeRefName(defaultBranch) && ref !== `refs/heads/${defaultBranch}`) {
    const base = await resolveRef(git, defaultBranch);
    if (!base) {
      throw new ChangeUnknown(
        `The push created a new branch, and its default branch "${defaultBranch}" to compare with could not be found or fetched.`,
      );
    }
    git.notes.push(`The push created a new branch: compared with the default branch "${defaultBranch}" (${short(base)}).`);
    return diffRange(git, base, after, 'push');
  }
  // The default branch itself was created: a first push. Is `after` a root commit?
  if ((await git.isShallow()) && git.canFetch) {
    await git.fetch([after], 2); // a shallow boundary hides parents; one more level shows them
  }
  const parents = await git.parents(after);
  const empty = await git.emptyTree();
  if (parents.length === 0) {
    git.notes.push(`First commit of the repository (${short(after)}): compared with the empty tree, so every file is new.`);
  } else {
    git.notes.push(
      `The push created the branch with no earlier commit to compare with: compared ${short(after)} with the empty tree, so every file counts as touched.`,
    );
  }
  return diffCommits(git, { base: empty, head: after, source: 'first-commit', diffBase: empty, mode: 'empty-tree' });
}

/** A branch/tag/commit name given by the user (or the default branch): local, remote-tracking, or fetched. */
async function resolveRef(git: Git, ref: string): Promise<string | undefined> {
  const local = (await git.resolve(ref)) ?? (await git.resolve(`${git.remote}/${ref}`)) ?? (await git.resolve(`refs/remotes/${git.remote}/${ref}`));
  if (local) return local;
  if (!git.canFetch) return undefined;
  const shallow = await git.isShallow();
  const r = await git.fetch([ref], shallow ? 1 : undefined);
  if (r.code !== 0) {
    throw new ChangeUnknown(`"${ref}" is not in the clone and could not be fetched from ${git.remote} (${describeFailure('git fetch', r, git.fetchTimeoutMs)}).`);
  }
  const fetched = await git.resolve('FETCH_HEAD');
  if (fetched) git.notes.push(`Fetched "${ref}" (${short(fetched)}) from ${git.remote}${shallow ? ' (shallow clone, depth 1)' : ''}.`);
  return fetched;
}

/** The empty tree's id in SHA-1 and SHA-256 repositories (`git hash-object -t tree /dev/null`). */
const EMPTY_TREES = new Set(['4b825dc642cb6eb9a060e54bf8d69288fbee4904', '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321']);

async function fromBaseRef(git: Git, baseRef: string, opts: DetectChangeOptions): Promise<Change> {
  if (!isSafeRefName(baseRef)) {
    return unknown(`base-ref: got ${JSON.stringify(baseRef)}; expected a branch, tag or commit id (letters, digits, . _ / - only, not starting with -).`);
  }
  // The empty tree (what a first push is compared with, and what its reproduce line names): every
  // file of HEAD is new, as in that run. It is a tree, not a commit, so it is known by its id, which
  // git's object format fixes (no process started to hash it).
  const emptyTree = EMPTY_TREES.has(baseRef.toLowerCase()) ? baseRef.toLowerCase() : undefined;
  const base = isSha(baseRef) ? baseRef : await resolveRef(git, baseRef);
  if (!base) return unknown(`base-ref "${baseRef}" could not be found in the clone or fetched.`);
  if (isSha(baseRef) && base.toLowerCase() !== emptyTree) await git.ensureCommit(base, 'base-ref');
  // HEAD: the commit checked out, which the scanners read. GITHUB_SHA is another commit when the
  // job checked out something else (a workflow_run or pull_request_target job checking out the
  // pull request's head, GITHUB_SHA being the default branch's tip): comparing with it gave an
  // empty change, so the new code the scanners found counted as existing debt (a review).
  let head = await git.resolve('HEAD');
  if (head && opts.headSha && isSha(opts.headSha) && opts.headSha.toLowerCase() !== head.toLowerCase()) {
    git.notes.push(`HEAD (${short(head)}) is not GITHUB_SHA (${short(opts.headSha)}): compared base-ref with HEAD, the commit checked out and scanned.`);
  }
  if (!head && opts.headSha && isSha(opts.headSha)) head = opts.headSha;
  if (!head) return unknown('HEAD could not be resolved (an empty repository?).');
  if (base.toLowerCase() === emptyTree) {
    git.notes.push(`base-ref is the empty tree: compared ${short(head)} with it, so every file is new (as on a repository's first push).`);
    return diffCommits(git, { base: emptyTree, head, source: 'base-ref', diffBase: emptyTree, mode: 'empty-tree' });
  }
  return diffRange(git, base, head, 'base-ref');
}

/** Three-dot diff `base...head` with fetching and bounded deepening; two-dot fallback. */
async function diffRange(git: Git, base: string, head: string, source: ChangeSource): Promise<Change> {
  await git.ensureCommit(head, 'head');
  await git.ensureCommit(base, 'base');
  let mb = await git.mergeBase(base, head);
  if (!mb && git.canFetch && (await git.isShallow())) {
    for (const depth of git.deepenSteps) {
      const r = await git.fetch([base, head], depth);
      if (r.code !== 0) {
        git.notes.push(`Deepening the shallow clone to ${depth} commits failed (${describeFailure('git fetch', r, git.fetchTimeoutMs)}).`);
        break;
      }
      mb = await git.mergeBase(base, head);
      if (mb) {
        git.notes.push(`Deepened the shallow clone to ${depth} commits to find the merge base ${short(mb)}.`);
        break;
      }
      if (!(await git.isShallow())) break; // the whole history is here: there is no merge base
    }
  }
  if (mb) return diffCommits(git, { base, head, source, diffBase: mb, mode: 'three-dot' });
  git.notes.push(
    `No merge base of ${short(base)} and ${short(head)} was found${(await git.isShallow()) ? ' within the fetched history' : ''}: compared the two commits directly (two-dot), so files changed on the base side since the fork also count as touched.`,
  );
  return diffCommits(git, { base, head, source, diffBase: base, mode: 'two-dot' });
}

interface DiffPlan {
  base: string;
  head: string;
  source: ChangeSource;
  diffBase: string;
  mode: KnownChange['mode'];
}

const DIFF_ARGS = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--no-relative', '--submodule=short', '-M'];

/** Files git called binary that are read again as text, at most (a few in a usual change). */
const MAX_BINARY_REREAD = 2000;
/** Paths named to one git call (a command line of thousands of long paths fails with E2BIG). */
const REREAD_BATCH = 100;

/**
 * Git calls a file binary from its content (a NUL byte in its first 8 kB), or because
 * `.gitattributes` says so (`*.py -diff`, `binary`), and the pull request writes its own
 * `.gitattributes`: marking its Python files binary hid their added lines from the secret scan,
 * and so did one NUL byte at the top of a `.env` (a review). So every binary file the change adds
 * or modifies is diffed again with `--text`, and all its added lines are scanned, NUL bytes and
 * all: any rule that left some out (lines with a NUL, files mostly not text, files without an
 * attribute) was a place to put a token. The cost is bounded by the patch byte limit (random bytes
 * scan at about 20 MB/s; an image is a few hundred kB).
 * Names that are not UTF-8 (they cannot be named again), too many files, and a diff over the byte
 * limit stay as git said, and the scan says it is partial.
 */
async function readBinaryAsText(git: Git, plan: DiffPlan, files: ChangedFile[]): Promise<boolean> {
  const binaries = files.filter((f) => f.binary && f.status !== 'deleted' && !f.symlink);
  // A name that is not UTF-8 cannot be named to git again, so the scan is partial (a re-review
  // hid a token in such a file under `-diff`).
  const all = binaries.filter((f) => !f.path.includes('\uFFFD'));
  if (binaries.length === 0) return true;
  // Past the cap, or when git cannot answer, the scan is partial and says so: binary files were
  // not read (a review hid a token behind 500 decoys this way, without a word).
  const why: string[] = [];
  if (all.length > MAX_BINARY_REREAD) why.push(`more than ${MAX_BINARY_REREAD} of them`);
  if (all.length < binaries.length) why.push(`${binaries.length - all.length} named in bytes that are not UTF-8`);
  let complete = why.length === 0;
  const candidates = all.slice(0, MAX_BINARY_REREAD);
  // A renamed file is named with its old path too, so git pairs the two again: named alone, its
  // new path was a new file, every line of it "added" (a fifth re-review: moving a 100 MB model
  // made the scan partial, and a token already in the repository was found again as new).
  const pathspec = (f: ChangedFile): string[] => (f.status === 'renamed' && f.oldPath !== undefined && !f.oldPath.includes('\uFFFD') ? [f.path, f.oldPath] : [f.path]);
  // One time budget for all of it (a fifth re-review: a git call per 100 files, each up to the
  // timeout, let a change of many slow-to-diff files cost minutes).
  const deadline = Date.now() + git.timeoutMs;
  let bytes = 0;
  for (let at = 0; at < candidates.length; at += REREAD_BATCH) {
    const binary = candidates.slice(at, at + REREAD_BATCH);
    const left = deadline - Date.now();
    if (left <= 0) {
      why.push(`reading them took longer than ${Math.round(git.timeoutMs / 1000)} s`);
      complete = false;
      break;
    }
    const r = await git.run(['--literal-pathspecs', ...DIFF_ARGS, '-U0', '--text', '--src-prefix=a/', '--dst-prefix=b/', plan.diffBase, plan.head, '--', ...binary.flatMap(pathspec)], {
      maxStdoutBytes: Math.max(0, git.maxPatchBytes - bytes),
      timeoutMs: left,
    });
    bytes += r.stdout.length;
    if (r.code !== 0 || r.truncated) {
      complete = false;
      const names = `${JSON.stringify(binary[0]!.path)}${binary.length > 1 ? ` and ${binary.length - 1} more` : ''}`;
      if (r.truncated) why.push(`${names}: over the ${git.maxPatchBytes.toLocaleString('en-US')}-byte limit on the diff read (a large file, such as a model or a data set)`);
      else why.push(`${names}: ${describeFailure('git diff', r, left)}`);
      continue;
    }
    const { added } = parseUnifiedAddedLines(r.stdout.toString('utf8'));
    for (const f of binary) {
      const lines = added.get(f.path);
      if (!lines) continue;
      // Every line: a planted NUL hid a token on the next line (a re-review), and a rule skipping
      // content mostly not text would let control characters padded around a token hide it.
      f.binary = false;
      f.addedLines = lines;
    }
  }
  if (!complete) {
    const shown = firstAndMore(why, 3, { more: (k) => `and ${k} more` }).join('; ');
    git.notes.push(`Files git calls binary that the change adds or modifies (${binaries.length}) could not all be read again as text (${shown}): their added lines were not all scanned, so the secret scan is partial.`);
  }
  return complete;
}

async function diffCommits(git: Git, plan: DiffPlan): Promise<Change> {
  const listOpts = { maxStdoutBytes: git.maxListBytes };
  // The three read the same two commits and nothing else (no index, no work tree, no lock): run
  // side by side, each diff's time is no longer added to the others' (~0.15 s of a 30-commit diff).
  const [rawR, numR, patchR] = await Promise.all([
    git.run([...DIFF_ARGS, '--raw', '-z', plan.diffBase, plan.head], listOpts),
    git.run([...DIFF_ARGS, '--numstat', '-z', plan.diffBase, plan.head], listOpts),
    git.run([...DIFF_ARGS, '-U0', '--src-prefix=a/', '--dst-prefix=b/', plan.diffBase, plan.head], { maxStdoutBytes: git.maxPatchBytes }),
  ]);
  for (const [r, what] of [
    [rawR, 'list the changed files'],
    [numR, 'count the changed lines'],
  ] as const) {
    if (r.truncated) throw new ChangeUnknown(`Could not ${what}: the list is larger than ${git.maxListBytes} bytes.`);
    if (r.code !== 0) throw new ChangeUnknown(`Could not ${what} between ${short(plan.diffBase)} and ${short(plan.head)}: ${describeFailure('git diff', r, git.timeoutMs)}.`);
  }
  let patch: Buffer = patchR.stdout;
  let complete = true;
  if (patchR.truncated) {
    complete = false;
    const nl = patch.lastIndexOf(0x0a);
    patch = nl >= 0 ? patch.subarray(0, nl + 1) : Buffer.alloc(0);
    git.notes.push(`The diff is larger than ${git.maxPatchBytes} bytes: added lines were read for the first part only.`);
  } else if (patchR.code !== 0) {
    throw new ChangeUnknown(`Could not read the diff between ${short(plan.diffBase)} and ${short(plan.head)}: ${describeFailure('git diff', patchR, git.timeoutMs)}.`);
  }
  let files;
  const submodules: string[] = [];
  try {
    files = buildChangedFiles(rawR.stdout.toString('utf8'), numR.stdout.toString('utf8'), patch.toString('utf8'), { submodules });
  } catch (e) {
    throw new ChangeUnknown(`Could not understand git's diff output (${(e as Error).message}).`);
  }
  if (complete) complete = await readBinaryAsText(git, plan, files);
  if (submodules.length > 0) {
    git.notes.push(
      `The change adds or moves ${submodules.length === 1 ? 'a submodule' : `${submodules.length} submodules`} (such as ${JSON.stringify(submodules[0])}): findings in ${submodules.length === 1 ? 'its' : 'their'} files count as in the change; the secret scan does not read inside submodules.`,
    );
  }
  const { workdir } = git;
  return {
    known: true,
    base: plan.base,
    head: plan.head,
    source: plan.source,
    diffBase: plan.diffBase,
    mode: plan.mode,
    files,
    addedLinesComplete: complete,
    notes: [...git.notes],
    ...(workdir !== '' ? { workdir } : {}),
    ...(submodules.length > 0 ? { submodules } : {}),
  };
}

/**
 * Which of `paths` (workspace-relative, `/`-separated) git tracks in the workspace's repository.
 * Undefined when there is nothing to ask: no `.git` in the workspace or above it (a checkout
 * without one) and no GIT_DIR. Past that, any failure throws with git's words, git not installed
 * and a `.git` git cannot open included: the check was not made, and the run says so. Paths are
 * taken literally (`*` or `:(glob)` in a file name is no pattern), a few hundred a call; on a file
 * system that ignores letter case (Windows, macOS: `foldCase`), in any case, as the file read is
 * the same. What is read is the file a path leads to: one a submodule commits
 * (`--recurse-submodules`; the superproject's index holds only the pointer), and the end of a link
 * in the workspace (a committed `reports -> ci/out` reads the committed `ci/out/x.json`, which git
 * never names as `reports/x.json`) count as tracked.
 */
export async function trackedFiles(cwd: string, paths: readonly string[], opts: { timeoutMs?: number; foldCase?: boolean } = {}): Promise<Set<string> | undefined> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const fold = opts.foldCase ?? (process.platform === 'win32' || process.platform === 'darwin');
  // No `.git` here or above (and no GIT_DIR): no repository, and no git process to start.
  const top = await gitAbove(resolve(cwd));
  if (process.env.GIT_DIR === undefined && top === undefined) return undefined;
  const key = (p: string) => (fold ? p.toLowerCase() : p);
  // Each name to ask git about (by its key), with the paths asked that lead to it.
  const asked = new Map<string, { name: string; paths: string[] }>();
  const ask = (name: string, p: string) => {
    const k = key(name);
    const entry = asked.get(k);
    if (!entry) asked.set(k, { name, paths: [p] });
    else if (!entry.paths.includes(p)) entry.paths.push(p);
  };
  const root = await realpath(resolve(cwd)).catch(() => resolve(cwd));
  for (const p of paths) {
    ask(p, p);
    // A file that cannot be resolved now is asked by its name only (the read already said why).
    const real = await realpath(resolve(cwd, p)).then((r) => relative(root, r), () => undefined);
    if (real !== undefined && real !== '' && !isAbsolute(real) && real !== '..' && !real.startsWith(`..${sep}`)) ask(real.split(sep).join('/'), p);
  }
  const names = [...asked.values()].map((e) => e.name);
  const tracked = new Set<string>();
  if (!fold && top?.gitIsDir && (await indexRulesOut(top.dir, names))) return tracked;
  for (let i = 0; i < names.length; i += 200) {
    const batch = names.slice(i, i + 200);
    const r = await runGit(cwd, ['ls-files', '-z', '--cached', '--recurse-submodules', '--', ...batch.map((p) => `:(${fold ? 'literal,icase' : 'literal'})${p}`)], {
      timeoutMs,
      maxStdoutBytes: batch.reduce((n, p) => n + Buffer.byteLength(p) + 1, 0) * 4 + 4096,
    });
    if (r.code !== 0 || r.truncated || r.spawnError) throw new Error(describeFailure('git ls-files', r, timeoutMs));
    for (const name of r.stdout.toString('utf8').split('\0')) for (const p of asked.get(key(name))?.paths ?? []) tracked.add(p);
  }
  return tracked;
}

/**
 * The nearest directory at or above `dir` that holds `.git`, and whether that is a directory (not
 * the file of a worktree or submodule); undefined: no git checkout (tracked reports, the waivers
 * file's checkout in github/governance.ts).
 */
export async function gitAbove(dir: string): Promise<{ dir: string; gitIsDir: boolean } | undefined> {
  for (let d = dir; ; d = dirname(d)) {
    const st = await lstat(join(d, '.git')).catch(() => undefined);
    if (st) return { dir: d, gitIsDir: st.isDirectory() };
    if (dirname(d) === d) return undefined;
  }
}

/** Environment that moves git's repository or index elsewhere: git itself must be asked. */
const GIT_LOCATION_ENV = ['GIT_DIR', 'GIT_INDEX_FILE', 'GIT_WORK_TREE', 'GIT_COMMON_DIR'];
/** Bytes of index searched, over all names, before the pass costs more than the git process it saves. */
const INDEX_SCAN_BUDGET = 16 * 1024 * 1024;
/** An index entry's mode field for a gitlink (0o160000), as stored: big-endian. */
const GITLINK_MODE = Buffer.from([0, 0, 0xe0, 0]);

/**
 * True only when the index of the repository at `top` certainly lists none of `names`, so git
 * need not be started (a process start costs a small run ~30 ms here, a sixth of it; most runs'
 * reports are not tracked). An index of version 2 or 3 holds each entry's whole path, root-relative
 * and NUL-terminated, so a name (workspace-relative: a suffix of that path) whose bytes and NUL
 * occur nowhere in it is not an entry. Anything else is left to git (false): a version-4 index
 * (paths prefix-compressed), a split index (entries in `sharedindex.*`), a sparse one (`sdir`:
 * directories as entries), any submodule (a gitlink entry: git recurses into it with a
 * `.gitmodules` from the work tree, the index or HEAD, so one missing from the work tree, as a
 * sparse checkout leaves it, proves nothing), a `.git` git would not take for a repository (it
 * looks further up) or that shares another's (`commondir`), a name that is not a plain
 * relative path (`../x`: git names it from the workspace, no suffix of the index's path), an index
 * over 16 MiB or unreadable, more searching than a git process costs, or environment pointing git
 * elsewhere. A stray match (the name inside a longer path, or in an extension) only means git is
 * asked.
 */
async function indexRulesOut(top: string, names: readonly string[]): Promise<boolean> {
  // Each name is a pass over the index: many (a glob over a directory of reports) are git's to answer.
  if (names.length > 64 || GIT_LOCATION_ENV.some((k) => process.env[k] !== undefined)) return false;
  if (!names.every((n) => n !== '' && !n.startsWith('/') && n.split('/').every((s) => s !== '' && s !== '.' && s !== '..'))) return false;
  if (await lstat(join(top, '.gitmodules')).then(() => true, () => false)) return false;
  const gitDir = join(top, '.git');
  const entries = await readdir(gitDir, { withFileTypes: true }).catch(() => undefined);
  if (!entries || entries.some((e) => e.name.startsWith('sharedindex.') || e.name === 'commondir')) return false;
  // What git requires of a repository (else it passes over this `.git` to one further up).
  const has = (dir: string) => entries.some((e) => e.name === dir && e.isDirectory());
  if (!has('objects') || !has('refs')) return false;
  const head = await readFileAtMost(join(gitDir, 'HEAD'), 1024);
  if (!head || !/^(?:ref: refs\/|[0-9a-f]{40}\s*$)/.test(head.toString('latin1'))) return false;
  const index = await readFileAtMost(join(gitDir, 'index'), 16 * 1024 * 1024);
  if (!index || index.length < 12 || index.toString('latin1', 0, 4) !== 'DIRC') return false;
  const version = index.readUInt32BE(4);
  if (version !== 2 && version !== 3) return false;
  // A gitlink entry's mode (a submodule: git recurses into it, reading `.gitmodules` from the work
  // tree, the index or HEAD) or a sparse index's `sdir` extension anywhere in the bytes: git's to
  // answer. Searched, not parsed: a stray match only means git is asked.
  if (index.length * names.length > INDEX_SCAN_BUDGET || index.includes(GITLINK_MODE) || index.includes('sdir')) return false;
  return names.every((n) => !index.includes(Buffer.from(`${n}\0`, 'utf8')));
}

/** A file's bytes, or undefined when it cannot be read or is larger than `max`. */
async function readFileAtMost(file: string, max: number): Promise<Buffer | undefined> {
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile() || st.size > max) return undefined;
  const data = await readFile(file).catch(() => undefined);
  return data && data.length <= max ? data : undefined;
}
