/**
 * Waivers and the override label, wired for one run (shared by the action and the CLI): read and
 * check the waivers file, verify approvals through the API where asked, hand the policy its `waive`
 * hook, then record the waiver report and decide the override on the result.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { changedFileAt, type Change, type ChangedFile, type KnownChange } from '../change/diff.js';
import type { Settings } from '../config/schema.js';
import { insideWorkspace, readReport, workspaceRelative } from '../io/files.js';
import { gitAbove, isSha, runGit } from '../io/git.js';
import type { HttpClient } from '../io/http.js';
import { applyOverride, labelOnPullRequest, pullRequestAuthor } from '../policy/override.js';
import type { GateResult } from '../policy/result.js';
import { loadYaml } from '../util/yaml.js';
import { alignAddedLines, createWaiverSession, loadWaiverValidation, MAX_WAIVERS_FILE_BYTES, needsYaml, prepareWaivers, waiversToVerify, type WaiverReport, type WaiverSession } from '../waivers/index.js';
import type { RunContext } from './comment.js';
import { resolveOverride, resolveWaiverContext, type BranchRun } from './pull-request.js';
import { codeBeforeGate, codeBeforeGateNotice } from './workflow-check.js';
import { firstAndMore, pushAll } from '../util/lists.js';

export interface GovernanceOptions {
  settings: Settings;
  workspace: string;
  now: Date;
  change?: Change;
  /** GitHub API client (absent in the CLI or without a token: approvals are then not verified). */
  client?: HttpClient;
  runCtx?: RunContext;
  /** The event payload (for the override label). */
  event?: unknown;
  logError: (msg: string) => void;
}

export interface Governance {
  waive: WaiverSession['waive'];
  /** Records the waiver report and applies the override decision. */
  finish(result: GateResult): Promise<GateResult>;
}

/** The change's entry for a file given as a setting (`./docs/x.md` and an absolute path name the same file as git does), or undefined. */
function changedFileOf(change: KnownChange, workspace: string, file: string): ChangedFile | undefined {
  const rel = workspaceRelative(workspace, file);
  return rel === undefined ? undefined : changedFileAt(change, rel);
}

/**
 * Said when the change under review edits the policy file this run's settings came from: its
 * thresholds, phases and approver lists apply to the run that judges the change (as the workflow
 * file does, which a pull request can edit too). A review found a pull request making its author
 * an override approver that way; the gate cannot tell a legitimate policy change from that one, so
 * it says so where the reviewer reads, and the docs say to protect both files with CODEOWNERS.
 */
export function policyFileNotice(policyFile: string | undefined, workspace: string, change: Change | undefined): string | undefined {
  if (!policyFile || !change?.known || !changedFileOf(change, workspace, policyFile)) return undefined;
  return `This change edits the policy file ${policyFile}, and this run already applies what it now says (thresholds, phases, approvers, the override label and its approvers). Review that edit with the change; protect the policy file and the workflows with CODEOWNERS.`;
}

/**
 * Said when the change under review edits the workflow file this run came from: the gate's inputs
 * (phase, reports, thresholds, approvers) and the steps that ran the scanners are the change's own
 * in this run, as the policy file's are. A pull request that turns `phase: 2` into `phase: 1`, or
 * drops a report input, passes its own gate; the gate cannot tell that from a legitimate edit, so
 * it says so where the reviewer reads. A workflow it calls (`workflow_call`) or a composite action
 * is not this file: not seen.
 */
export function workflowFileNotice(workflowFile: string | undefined, change: Change | undefined): string | undefined {
  // Named from the repository's root: a workspace below it (`api/`) does not move it.
  if (!workflowFile || !change?.known || !changedFileAt(change, workflowFile, { fromRoot: true })) return undefined;
  // Quoted: the pull request can add a workflow of any name and run the gate from it.
  return `This change edits the workflow that runs this gate, ${JSON.stringify(workflowFile)}, and this run already applies it: the gate's inputs (phase, reports, thresholds, approvers) and the steps that ran the scanners are the change's own. Review that edit with the change; protect the workflows with CODEOWNERS.`;
}

/**
 * Said when the change under review edits the waivers file and nothing verifies approvals
 * (verify-waiver-approvals off): the waivers it adds or changes (`own`: every waiver of the file
 * when it does more than add rows, as waiversToVerify counts them) apply in this very run with the
 * approvers the change itself wrote. A review had a pull request waive its own finding naming the
 * security lead as approver, and pass while nothing said the waiver was its own (the policy and
 * workflow files' edits are said). Names those that waived a finding here; undefined when none did.
 */
export function ownWaiversNotice(file: string, report: WaiverReport, own: (id: string) => boolean): string | undefined {
  const applied = report.waivers.filter((e) => e.matched > 0 && own(e.id));
  if (applied.length === 0) return undefined;
  const SHOWN = 10;
  // Ids are letters, digits, `.`, `_`, `-` (parse.ts); the file's name is quoted, as the workflow's is.
  const list = firstAndMore(applied, SHOWN, { show: (e) => `${e.id} (${e.matched} ${e.matched === 1 ? 'finding' : 'findings'} waived)`, more: (k) => `${k} more` });
  return `This change edits the waivers file ${JSON.stringify(file)}, and this run already applies its waivers as written: ${list.join(', ')} ${applied.length === 1 ? 'is' : 'are'} the change's own (a waiver it adds or changes; every waiver of the file when it does more than add rows). Nothing checked that their approvers approved them (verify-waiver-approvals is off): confirm it with them, protect the waivers file with CODEOWNERS, or set verify-waiver-approvals.`;
}

/** Bytes of a workflow file read for codeBeforeGate (GitHub's own limit is 512 KB). */
const MAX_WORKFLOW_BYTES = 1024 * 1024;

/**
 * The notice naming the steps of the gate's own job that run the pull request's code before it
 * (src/github/workflow-check.ts), read from the workflow file the run came from; undefined when
 * there are none, or the file or the gate's step cannot be found (a workspace below the root, a
 * workflow it calls): an advice, never a reason to fail.
 */
async function codeBeforeGateIn(workspace: string, ctx: RunContext | undefined): Promise<string | undefined> {
  if (!ctx?.workflowFile || !ctx.job) return undefined;
  const read = await readReport(workspace, ctx.workflowFile, { maxBytes: MAX_WORKFLOW_BYTES, what: 'a workflow file' });
  if (!read.ok) return undefined;
  await loadYaml();
  return codeBeforeGateNotice(ctx.job, ctx.workflowFile, codeBeforeGate(read.text, { job: ctx.job, action: ctx.action, actionRepository: ctx.actionRepository }));
}

/**
 * Whether a run that is not about a pull request is on the repository's default branch (a merge
 * queue's run: merges into it): the event payload's `repository.default_branch`, else the
 * repository through the API; unknown counts as not. A tag's push is not on a branch.
 */
async function branchRunOf(ref: string, event: unknown, client: HttpClient | undefined, runCtx: RunContext, workspace: string, waiversFile: string, waivers: string | undefined): Promise<BranchRun> {
  let defaultBranch: string | undefined;
  const fromEvent = (event as { repository?: { default_branch?: unknown } } | undefined)?.repository?.default_branch;
  if (typeof fromEvent === 'string' && fromEvent !== '') defaultBranch = fromEvent;
  else if (client && runCtx.owner && runCtx.repo) {
    try {
      const r = await client.getJson<{ default_branch?: unknown }>(`/repos/${encodeURIComponent(runCtx.owner)}/${encodeURIComponent(runCtx.repo)}`);
      if (typeof r.data?.default_branch === 'string' && r.data.default_branch !== '') defaultBranch = r.data.default_branch;
    } catch {
      // Unknown: not the default branch (fail closed); the waiver's problem says so.
    }
  }
  // A merge queue's run is on its own ref (`gh-readonly-queue/main/pr-...`); what it merges into is
  // the event's base_ref. Its pull requests' approvals were verified on their own runs.
  const queueBase = (event as { merge_group?: { base_ref?: unknown } } | undefined)?.merge_group?.base_ref;
  let target = typeof queueBase === 'string' ? queueBase : ref;
  // A workflow_run run is about the run that triggered it (the commit it checks out, often a pull
  // request's), though its ref is the default branch: on it only when that run was a push to it
  // from this repository (a review had a pull request's own waivers taken as written this way).
  const wr = (event as { workflow_run?: { event?: unknown; head_branch?: unknown; head_repository?: { full_name?: unknown } | null; repository?: { full_name?: unknown } | null } } | undefined)?.workflow_run;
  if (wr && typeof wr === 'object') {
    const sameRepo = typeof wr.head_repository?.full_name === 'string' && wr.head_repository.full_name === wr.repository?.full_name;
    target = wr.event === 'push' && typeof wr.head_branch === 'string' && sameRepo ? `refs/heads/${wr.head_branch}` : '';
  }
  const onDefaultBranch = defaultBranch !== undefined && target === `refs/heads/${defaultBranch}`;
  // The run's own commit needs no comparison; a workflow_run's head_sha is not the run's own: it
  // is compared like any other (a pushed tag named like the branch has it as its head_branch).
  const ownSha = wr && typeof wr === 'object' ? undefined : runCtx.headSha;
  const offDefault = onDefaultBranch && defaultBranch !== undefined ? await checkoutOffBranch(workspace, waiversFile, waivers, defaultBranch, client, runCtx, ownSha) : undefined;
  return { ref, onDefaultBranch: onDefaultBranch && offDefault === undefined, ...(defaultBranch ? { defaultBranch } : {}), ...(offDefault ? { offDefault } : {}) };
}

/** The directory of `file` (in the workspace), or the nearest one above it that exists. */
async function existingDirOf(workspace: string, file: string): Promise<string> {
  const root = resolve(workspace);
  for (let d = dirname(resolve(root, file)); ; d = dirname(d)) {
    if (d === root || !insideWorkspace(root, d)) return root;
    if (await stat(d).then((st) => st.isDirectory(), () => false)) return d;
  }
}

/**
 * git asked about the checkout of the directory it runs in, whatever the environment says: no
 * GIT_DIR or GIT_WORK_TREE naming another repository, no replacement objects (`refs/replace`: a
 * commit's name with another tree), and never an implicit bare repository (files a pull request can add).
 */
const GIT_ENV = {
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_COMMON_DIR: undefined,
  GIT_INDEX_FILE: undefined,
  GIT_OBJECT_DIRECTORY: undefined,
  GIT_ALTERNATE_OBJECT_DIRECTORIES: undefined,
  GIT_NAMESPACE: undefined,
  GIT_NO_REPLACE_OBJECTS: '1',
};
const gitHere = (dir: string, args: string[], maxStdoutBytes = 1024) => runGit(dir, ['-c', 'safe.bareRepository=explicit', ...args], { timeoutMs: 10_000, maxStdoutBytes, env: GIT_ENV });

/** Bytes of a tree or commit git prints at most (a bigger one is not known to be the commit's). */
const MAX_OBJECT_BYTES = 8 * 1024 * 1024;

/** git's id of an object of `type` with `content` (SHA-1 or SHA-256 by the length of `like`). */
function objectId(type: string, content: Buffer, like: string): string {
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash(like.length === 40 ? 'sha1' : 'sha256').update(`${type} ${content.length}\0`).update(content).digest('hex');
}

/**
 * The content of object `id`, of `type`, in the checkout of `dir`, only when it hashes to `id`:
 * git does not check a tree's hash when it walks a path (`HEAD:x`), and a planted `.git` can hold
 * a tree of its own under the name of the commit's (a review had a pull request's waivers taken as
 * written that way, next to a real commit of the branch).
 */
async function verifiedObject(dir: string, type: 'commit' | 'tree', id: string): Promise<Buffer | undefined> {
  const r = await gitHere(dir, ['cat-file', type, id], MAX_OBJECT_BYTES);
  return r.code === 0 && !r.truncated && objectId(type, r.stdout, id) === id ? r.stdout : undefined;
}

/** The entry `name` of a raw tree object: its mode and id; undefined when not there. */
function treeEntry(tree: Buffer, name: string, idBytes: number): { mode: string; id: string } | undefined {
  const want = Buffer.from(name, 'utf8');
  for (let i = 0; i < tree.length; ) {
    const space = tree.indexOf(0x20, i);
    const nul = tree.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + idBytes > tree.length) return undefined;
    if (tree.subarray(space + 1, nul).equals(want)) return { mode: tree.toString('latin1', i, space), id: tree.toString('hex', nul + 1, nul + 1 + idBytes) };
    i = nul + 1 + idBytes;
  }
  return undefined;
}

/**
 * Whether `text`, the waivers the gate read from `path` in `dir` of a checkout, is the file at that
 * path in its commit `head`: the same bytes as the blob there, or the same with CRLF line ends where
 * the commit has LF (core.autocrlf). What was read is compared (not the file read again: it may have
 * changed since), through objects whose ids are checked here (no filter, hook or unchecked object of
 * the checkout answers), at the path the setting names: a directory on it that is a symbolic link
 * (to another file of the commit) is not known to be the commit's.
 */
async function sameAsHead(workspace: string, dir: string, path: string, text: string, head: string): Promise<boolean> {
  const root = resolve(workspace);
  const [realDir, realRoot] = await Promise.all([realpath(dir).catch(() => ''), realpath(root).catch(() => '')]);
  if (!realDir || !realRoot || realDir !== resolve(realRoot, relative(root, dir))) return false;
  const p = await gitHere(dir, ['rev-parse', '--show-prefix']);
  if (p.code !== 0 || p.truncated) return false;
  const names = [...p.stdout.toString('utf8').replace(/\n$/, '').split('/'), basename(path)].filter((n) => n !== '');
  const commitObj = await verifiedObject(dir, 'commit', head);
  let id = commitObj ? /^tree ([0-9a-f]+)\n/.exec(commitObj.toString('latin1'))?.[1] : undefined;
  let mode = '40000';
  for (const name of names) {
    if (!id || mode !== '40000') return false;
    const tree = await verifiedObject(dir, 'tree', id);
    const entry = tree ? treeEntry(tree, name, head.length / 2) : undefined;
    id = entry?.id;
    mode = entry?.mode ?? '';
  }
  if (!id || (mode !== '100644' && mode !== '100755')) return false;
  const bytes = Buffer.from(text, 'utf8');
  if (objectId('blob', bytes, head) === id) return true;
  return text.includes('\r\n') && objectId('blob', Buffer.from(text.replace(/\r\n/g, '\n'), 'utf8'), head) === id;
}

/**
 * Why the commit checked out where the waivers file is is not known to be on `branch`, or
 * undefined when it is. A run on the default branch's ref may check out another commit: a
 * `check_suite` or `repository_dispatch` workflow checking out the pull request's head it is about
 * (at the workspace's root or in a directory of it: the checkout asked is the waivers file's),
 * whose waivers file nobody verified (a left-open item of the reviews). The run's own commit
 * (GITHUB_SHA, `ownSha`) is on the branch; another one is compared with the branch's tip (read by
 * its full ref: a tag named like the branch must not answer). A bare repository in the workspace
 * (files a pull request can add) is never taken for the checkout. A workspace that is not a git
 * checkout cannot say: its waivers are taken as written, as before; one git cannot read is not
 * known to be on the branch.
 */
async function checkoutOffBranch(workspace: string, waiversFile: string, waivers: string | undefined, branch: string, client: HttpClient | undefined, runCtx: RunContext, ownSha: string | undefined): Promise<string | undefined> {
  const dir = await existingDirOf(workspace, waiversFile);
  const r = await gitHere(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  const head = r.code === 0 ? r.stdout.toString('utf8').trim().toLowerCase() : '';
  if (!isSha(head)) {
    if (!(await gitAbove(dir))) return undefined;
    const why = r.spawnError ?? (r.timedOut ? 'timed out' : r.stderr.split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 160) ?? `exit code ${r.code}`);
    return `its checkout's commit could not be read (git rev-parse: ${why})`;
  }
  // HEAD is not the working tree: a pull request applied onto the branch's checkout (`git merge
  // --no-commit`, `git apply`), or copied into it, leaves HEAD at the run's commit.
  const file = resolve(workspace, waiversFile);
  if (waivers !== undefined && (dirname(file) !== dir || !(await sameAsHead(workspace, dir, file, waivers, head)))) {
    return `its waivers file is not the one of the commit checked out (${head.slice(0, 12)}): changed in the working tree, or not in that commit (at that path, not through a linked directory)`;
  }
  if (head === ownSha?.toLowerCase()) return undefined;
  const off = (why: string) => `checked out commit ${head.slice(0, 12)}, which ${why}`;
  if (!client || !runCtx.owner || !runCtx.repo) return off(`is not the run's commit and could not be compared with ${branch} (no token)`);
  const repo = `/repos/${encodeURIComponent(runCtx.owner)}/${encodeURIComponent(runCtx.repo)}`;
  try {
    const ref = await client.getJson<{ object?: { sha?: unknown } }>(`${repo}/git/ref/heads/${branch.split('/').map(encodeURIComponent).join('/')}`);
    const tip = ref.data?.object?.sha;
    if (typeof tip !== 'string' || !isSha(tip)) return off(`could not be compared with ${branch} (its tip is not the expected shape)`);
    const cmp = await client.getJson<{ status?: unknown }>(`${repo}/compare/${tip}...${head}`);
    const status = cmp.data?.status;
    if (status === 'behind' || status === 'identical') return undefined;
    return off(`is not in the history of ${branch} (${typeof status === 'string' ? JSON.stringify(status.slice(0, 40)) : 'no status'})`);
  } catch (e) {
    return off(`could not be compared with ${branch} (${e instanceof Error ? e.message : String(e)})`);
  }
}

export async function prepareGovernance(o: GovernanceOptions): Promise<Governance> {
  const { settings, workspace, change, now } = o;
  // Read while the reports are: the run's workflow file, for finish's notice. Advice only, so a
  // failure (the YAML chunk not loading) says nothing rather than ending the run.
  const sameJobNotice = codeBeforeGateIn(workspace, o.runCtx).catch(() => undefined);
  const prTarget = o.runCtx?.target ? { owner: o.runCtx.target.owner, repo: o.runCtx.target.repo, pr: o.runCtx.target.issueNumber } : undefined;
  const file = settings['waivers-file'];
  // readReport refuses a link out of the workspace or into .git on the file it opens, in the words
  // used here for a path outside it ("docs/waivers.md: the path is ...").
  const read = insideWorkspace(workspace, file)
    ? await readReport(workspace, file, { maxBytes: MAX_WAIVERS_FILE_BYTES, what: 'a waivers file' })
    : ({ ok: false, error: 'the path is outside the workspace', bytes: 0 } as const);
  if (read.ok && needsYaml(read.text, file)) await loadYaml();
  if (read.ok) await loadWaiverValidation();
  const prepared = prepareWaivers(file, read);
  // Each problem on its own line, at most 20 of them (a 100k-row file must not flood the log); a
  // file that cannot be read at all is as loud.
  const LOGGED = 20;
  if (prepared.error) {
    const lines = firstAndMore(prepared.error.problems, LOGGED, {
      show: (p) => `${file}:${p.line}: ${p.message}`,
      more: (k) => `${file}: ${k} more ${k === 1 ? 'problem' : 'problems'} (fix the ones above first)`,
    });
    for (const line of lines) o.logError(line);
  } else if (prepared.report?.error) o.logError(prepared.report.error);
  const edited = change?.known ? changedFileOf(change, workspace, file) : undefined;
  const changed = change?.known && change.addedLinesComplete ? (edited ?? 'unchanged') : undefined;
  // Numbered in the file as read here, not in the pull request head's copy (alignAddedLines).
  const scope = changed && changed !== 'unchanged' && read.ok ? alignAddedLines(read.text, changed) : changed;
  // The waivers the change adds or changes, when it edits the file and nothing verifies approvals:
  // said in finish (ownWaiversNotice). Its added lines may be unreadable (then every waiver counts).
  const ownWaivers = !settings['verify-waiver-approvals'] && edited ? waiversToVerify(prepared.waivers, scope) : undefined;
  const approvers = { security: settings['security-approvers'], senior: settings['senior-approvers'] };
  const branchRun = settings['verify-waiver-approvals'] && !prTarget && o.runCtx?.ref ? await branchRunOf(o.runCtx.ref, o.event, o.client, o.runCtx, workspace, file, read.ok ? read.text : undefined) : undefined;
  const wctx = await resolveWaiverContext({
    client: o.client,
    ...(prTarget ? { target: prTarget } : {}),
    waivers: prepared.waivers,
    approvers,
    verify: settings['verify-waiver-approvals'],
    // On a push to another branch, a waiver an earlier push of that branch added is as unverified
    // as one this push adds: all of them are in scope there.
    ...(branchRun && !branchRun.onDefaultBranch ? {} : { appliesTo: waiversToVerify(prepared.waivers, scope) }),
    ...(prTarget ? { author: pullRequestAuthor(o.event) } : {}),
    ...(branchRun ? { branchRun } : {}),
  });
  const session = createWaiverSession({
    file,
    waivers: prepared.waivers,
    approvers,
    now,
    expiryWarningDays: settings['waiver-expiry-warning-days'],
    ...(settings['waiver-max-days'] !== undefined ? { maxDays: settings['waiver-max-days'] } : {}),
    ...(wctx.membership ? { membership: wctx.membership } : {}),
    ...(wctx.verification ? { verification: wctx.verification } : {}),
  });
  return {
    waive: session.waive,
    async finish(result) {
      const report = prepared.report ?? session.report();
      // A malformed waivers file waives nothing and is as loud as a broken report.
      result.waivers = report;
      pushAll(result.notices, wctx.notices, report.notices);
      if (ownWaivers) {
        const ids = new Set(prepared.waivers.filter(ownWaivers).map((w) => w.id));
        const own = ownWaiversNotice(file, report, (id) => ids.has(id));
        if (own) result.notices.push(own);
      }
      const policy = policyFileNotice(settings['policy-file'], workspace, change);
      if (policy) result.notices.push(policy);
      const workflow = workflowFileNotice(o.runCtx?.workflowFile, change);
      if (workflow) result.notices.push(workflow);
      const sameJob = await sameJobNotice;
      if (sameJob) result.notices.push(sameJob);
      const label = settings['override-label'];
      const decision = await resolveOverride({
        client: o.client,
        repo: { owner: o.runCtx?.owner ?? '', repo: o.runCtx?.repo ?? '' },
        pr: prTarget?.pr ?? 0,
        label,
        labelPresent: prTarget !== undefined && labelOnPullRequest(o.event, label),
        overrideApprovers: settings['override-approvers'],
        now,
      });
      return applyOverride(result, decision).result;
    },
  };
}
