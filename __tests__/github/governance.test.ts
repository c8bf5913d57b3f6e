/**
 * prepareGovernance on runs that are not about a pull request, with verify-waiver-approvals: the
 * approvals are taken as written only on the default branch (they were verified on the pull request
 * that merged them). On a push to another branch nothing verified them (found by review): no waiver
 * applies there. The default branch comes from the event, else from the API (a local server).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseSettings } from '../../src/config/schema.js';
import { policyFileNotice, prepareGovernance, workflowFileNotice } from '../../src/github/governance.js';
import { createHttpClient } from '../../src/io/http.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { scratchDir } from '../helpers/scratch.js';
import { evaluated } from '../waivers/helpers.js';
import { commit, git, GIT_ENV, initRepo, removeDir, tempDir } from '../change/git-helpers.js';
import { NO_WAIVERS, WAIVERS } from './governance-fixtures.js';

const NOW = new Date('2026-11-29T12:00:00Z');

/** A second repository of the branch (for a planted `.git` to point into), removed after `fn`. */
async function withBranchRepo(prefix: string, fn: (other: string) => Promise<void>): Promise<void> {
  const other = tempDir(prefix);
  try {
    initRepo(other);
    await fn(other);
  } finally {
    removeDir(other);
  }
}

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function governance(ref: string, event: unknown, api?: (srv: TestServer) => void, o: { checkout?: (workspace: string) => string | void; headSha?: string; waiversFile?: string } = {}) {
  const workspace = scratchDir('sg-governance-');
  const waiversFile = o.waiversFile ?? 'docs/governance/security-waivers.md';
  mkdirSync(dirname(join(workspace, waiversFile)), { recursive: true });
  writeFileSync(join(workspace, waiversFile), WAIVERS);
  // The run's commit (GITHUB_SHA): as given, or the commit the checkout made when it returns one.
  const headSha = o.checkout?.(workspace) ?? o.headSha;
  const srv = await startServer();
  servers.push(srv);
  api?.(srv);
  const client = createHttpClient({ baseUrl: srv.url, token: 'ghs_x', retries: 1, backoffMs: 1 });
  const settings = parseSettings([{ 'verify-waiver-approvals': 'true', ...(o.waiversFile ? { 'waivers-file': o.waiversFile } : {}) }]);
  const g = await prepareGovernance({ settings, workspace, now: NOW, client, runCtx: { owner: 'acme', repo: 'api', ref, ...(headSha ? { headSha } : {}) }, event, logError: () => undefined });
  const waived = g.waive(evaluated('deptry', { ruleId: 'DEP002', extra: { module: 'gunicorn' } }));
  const result = await g.finish({ notices: [] } as never);
  return { waived, result: result as unknown as { notices: string[]; waivers: { waivers: Array<{ problems: string[] }> } }, srv };
}

describe('verify-waiver-approvals on a run that is not about a pull request', () => {
  it('on the default branch: taken as written, and said so', async () => {
    const { waived, result } = await governance('refs/heads/main', { repository: { default_branch: 'main' } });
    expect(waived?.id).toBe('W-1');
    expect(result.notices.join('\n')).toMatch(/this run is not about a pull request, so approvals are taken as written/);
  });

  it('on a push to another branch: no waiver applies, and the waiver says why', async () => {
    const { waived, result } = await governance('refs/heads/feature/x', { repository: { default_branch: 'main' } });
    expect(waived).toBeUndefined();
    expect(result.waivers.waivers[0]?.problems[0]).toBe(
      "approvals could not be verified on the pull request: this run is not about a pull request and not on the default branch (refs/heads/feature/x; the default branch is main): nothing verified the approvals of the branch's waivers, so none applies here (they are verified on its pull request)",
    );
  });

  it('a merge queue run into the default branch takes them as written; a tag push does not (second review)', async () => {
    const queueRef = 'refs/heads/gh-readonly-queue/main/pr-7-0123456789abcdef0123456789abcdef01234567';
    const queue = await governance(queueRef, { merge_group: { base_ref: 'refs/heads/main', head_ref: queueRef }, repository: { default_branch: 'main' } });
    expect(queue.waived?.id).toBe('W-1');
    const intoOther = await governance(queueRef, { merge_group: { base_ref: 'refs/heads/release' }, repository: { default_branch: 'main' } });
    expect(intoOther.waived).toBeUndefined();
    const tag = await governance('refs/tags/v1.2.0', { repository: { default_branch: 'main' } });
    expect(tag.waived).toBeUndefined();
  });

  it("a workflow_run run is about the run that triggered it: a pull request's waivers are not taken as written (governance review)", async () => {
    const repo = { full_name: 'acme/api' };
    const fromPr = await governance('refs/heads/main', { workflow_run: { event: 'pull_request', head_branch: 'attack', head_sha: 'a'.repeat(40), head_repository: repo, repository: repo }, repository: { default_branch: 'main' } });
    expect(fromPr.waived).toBeUndefined();
    const fromFork = await governance('refs/heads/main', { workflow_run: { event: 'push', head_branch: 'main', head_repository: { full_name: 'mallory/api' }, repository: repo }, repository: { default_branch: 'main' } });
    expect(fromFork.waived).toBeUndefined();
    const fromMain = await governance('refs/heads/main', { workflow_run: { event: 'push', head_branch: 'main', head_repository: repo, repository: repo }, repository: { default_branch: 'main' } });
    expect(fromMain.waived?.id).toBe('W-1');
  });

  it('the default branch read through the API when the event does not say it; unreadable counts as another branch', async () => {
    const ok = await governance('refs/heads/trunk', { schedule: '0 3 * * *' }, (srv) => srv.on('GET /repos/acme/api', () => ({ body: { default_branch: 'trunk' } })));
    expect(ok.waived?.id).toBe('W-1');
    expect(ok.srv.requests.map((q) => q.path)).toEqual(['/repos/acme/api']);
    const gone = await governance('refs/heads/trunk', {}, (srv) => srv.on('GET /repos/acme/api', () => ({ status: 404, body: { message: 'Not Found' } })));
    expect(gone.waived).toBeUndefined();
    expect(gone.result.waivers.waivers[0]?.problems[0]).toMatch(/not on the default branch \(refs\/heads\/trunk; the default branch could not be read\)/);
  });
});

describe('a run on the default branch that checks out another commit (check_suite, repository_dispatch)', () => {
  const TIP = 'c'.repeat(40);
  const event = { repository: { default_branch: 'main' } };
  /** The workspace a git checkout; its HEAD is returned through `sha`. */
  const checkedOut = (sha: { head?: string }) => (ws: string): void => {
    initRepo(ws);
    sha.head = commit(ws, 'the pull request head');
  };
  const api = (status: string | number) => (srv: TestServer) => {
    srv.on('GET /repos/acme/api/git/ref/heads/main', () => ({ body: { ref: 'refs/heads/main', object: { sha: TIP, type: 'commit' } } }));
    srv.on(/^GET \/repos\/acme\/api\/compare\//, () => (typeof status === 'number' ? { status, body: { message: 'Server Error' } } : { body: { status } }));
  };

  it("a commit that is not in the default branch's history: its waivers are not taken as written", async () => {
    const sha: { head?: string } = {};
    const g = await governance('refs/heads/main', event, api('diverged'), { checkout: checkedOut(sha), headSha: 'd'.repeat(40) });
    expect(g.waived).toBeUndefined();
    expect(g.result.waivers.waivers[0]?.problems[0]).toBe(
      `approvals could not be verified on the pull request: this run is not about a pull request and checked out commit ${sha.head!.slice(0, 12)}, which is not in the history of main ("diverged"): nothing verified the approvals of the branch's waivers, so none applies here (they are verified on its pull request)`,
    );
    // Compared with the branch's tip read by its full ref, never with a name a tag could answer.
    expect(g.srv.requests.map((q) => q.path)).toEqual(['/repos/acme/api/git/ref/heads/main', `/repos/acme/api/compare/${TIP}...${sha.head}`]);
  });

  it('an older commit of the default branch: taken as written', async () => {
    const g = await governance('refs/heads/main', event, api('behind'), { checkout: checkedOut({}), headSha: 'd'.repeat(40) });
    expect(g.waived?.id).toBe('W-1');
  });

  it("the run's own commit checked out: taken as written, no request", async () => {
    const same = await governance('refs/heads/main', event, undefined, {
      checkout: (ws) => {
        initRepo(ws);
        return commit(ws, 'main');
      },
    });
    expect(same.waived?.id).toBe('W-1');
    expect(same.srv.requests).toEqual([]);
  });

  // Found by a review of this check: the checkout asked is the waivers file's, git's answer is its
  // checkout's (never a bare repository the pull request adds), and a workflow_run's head_sha is compared.
  it("a nested checkout holding the waivers file (actions/checkout's path:) is the one compared, not the workspace's", async () => {
    const sha: { head?: string } = {};
    const g = await governance('refs/heads/main', event, api('diverged'), {
      waiversFile: 'pr/docs/governance/security-waivers.md',
      checkout: (ws) => {
        // The pull request's head in pr/, then the default branch's commit (the run's) at the root.
        initRepo(join(ws, 'pr'));
        sha.head = commit(join(ws, 'pr'), 'the pull request head');
        initRepo(ws);
        return commit(ws, 'main');
      },
    });
    expect(g.waived).toBeUndefined();
    expect(g.result.waivers.waivers[0]?.problems[0]).toMatch(new RegExp(`checked out commit ${sha.head!.slice(0, 12)}, which is not in the history of main`));
  });

  it("a workflow_run's head_sha is compared (a pushed tag named like the branch has it as its head_branch)", async () => {
    const repo = { full_name: 'acme/api' };
    const sha: { head?: string } = {};
    const tagRun = { workflow_run: { event: 'push', head_branch: 'main', head_repository: repo, repository: repo }, repository: { default_branch: 'main' } };
    const g = await governance('refs/heads/main', tagRun, api('diverged'), {
      checkout: (ws) => {
        checkedOut(sha)(ws);
        // loadRunContext's headSha for a workflow_run: its head_sha, the commit checked out.
        return sha.head;
      },
    });
    expect(g.waived).toBeUndefined();
    expect(g.srv.requests.map((q) => q.path)).toEqual(['/repos/acme/api/git/ref/heads/main', `/repos/acme/api/compare/${TIP}...${sha.head}`]);
    const fromMain = await governance('refs/heads/main', tagRun, api('identical'), { checkout: (ws) => (checkedOut(sha)(ws), sha.head) });
    expect(fromMain.waived?.id).toBe('W-1');
  });

  it('a checkout git cannot read is not taken as written', async () => {
    const g = await governance('refs/heads/main', event, api('behind'), {
      headSha: 'd'.repeat(40),
      checkout: (ws) => {
        checkedOut({})(ws);
        writeFileSync(join(ws, '.git/HEAD'), 'garbage\n');
      },
    });
    expect(g.waived).toBeUndefined();
    expect(g.result.waivers.waivers[0]?.problems[0]).toMatch(/not about a pull request and its checkout's commit could not be read \(git rev-parse: /);
  });

  it("a bare repository added where the waivers file is does not answer for the checkout (it would name the run's commit)", async () => {
    const other = tempDir('sg-governance-bare-');
    try {
      initRepo(other);
      const runSha = commit(other, 'the default branch');
      git(other, 'clone', '-q', '--bare', other, join(other, 'bare.git'));
      const g = await governance('refs/heads/main', event, api('diverged'), {
        checkout: (ws) => {
          cpSync(join(other, 'bare.git'), join(ws, 'docs/governance'), { recursive: true });
          checkedOut({})(ws);
          return runSha;
        },
      });
      expect(g.waived).toBeUndefined();
    } finally {
      removeDir(other);
    }
  });

  // Found by a second re-review: HEAD is not the working tree. A workflow that applies the pull
  // request onto the default branch's checkout (`git merge --no-commit`, `git apply`, `git checkout
  // <sha> -- .`) keeps HEAD at the run's commit; and GIT_DIR in the environment answers for another
  // repository than the waivers file's. Before the fix both were taken as written.
  it("the run's commit checked out, but the waivers file changed in the working tree: not taken as written", async () => {
    const g = await governance('refs/heads/main', event, undefined, {
      checkout: (ws) => {
        initRepo(ws);
        const runSha = commit(ws, 'main');
        writeFileSync(join(ws, 'docs/governance/security-waivers.md'), WAIVERS.replace('used by the Procfile', 'added by the pull request'));
        return runSha;
      },
    });
    expect(g.waived).toBeUndefined();
    expect(g.result.waivers.waivers[0]?.problems[0]).toMatch(/not about a pull request and its waivers file is not the one of the commit checked out \([0-9a-f]{12}\): changed in the working tree, or not in that commit/);
    expect(g.srv.requests).toEqual([]);
  });

  it('a waivers file the checkout does not track (a pull request copied into it) is not taken as written', async () => {
    const g = await governance('refs/heads/main', event, undefined, {
      waiversFile: 'pr/docs/governance/security-waivers.md',
      checkout: (ws) => {
        mkdirSync(join(ws, '.keep'));
        writeFileSync(join(ws, '.keep/x'), 'x');
        initRepo(ws);
        git(ws, 'add', '.keep');
        git(ws, '-c', 'user.name=a', '-c', 'user.email=a@b.invalid', 'commit', '-q', '-m', 'main');
        return git(ws, 'rev-parse', 'HEAD');
      },
    });
    expect(g.waived).toBeUndefined();
  });

  it('the same file, with CRLF line ends where the commit has LF (core.autocrlf on Windows): taken as written', async () => {
    const g = await governance('refs/heads/main', event, undefined, {
      checkout: (ws) => {
        initRepo(ws);
        const runSha = commit(ws, 'main');
        writeFileSync(join(ws, 'docs/governance/security-waivers.md'), WAIVERS.replace(/\n/g, '\r\n'));
        return runSha;
      },
    });
    expect(g.waived?.id).toBe('W-1');
  });

  it('a `.git` file written next to the waivers file (not by a checkout: git refuses one in a tree), pointing at a copy of the branch: not taken as written', () =>
    withBranchRepo('sg-governance-pointer-', async (other) => {
      const runSha = commit(other, 'the default branch');
      const g = await governance('refs/heads/main', event, undefined, {
        checkout: (ws) => {
          checkedOut({})(ws);
          // safe.bareRepository does not cover a gitdir pointer: only the file's content does.
          git(other, 'clone', '-q', '--bare', other, join(ws, 'copy.git'));
          writeFileSync(join(ws, 'docs/governance/.git'), 'gitdir: ../../copy.git\n');
          return runSha;
        },
      });
      expect(g.waived).toBeUndefined();
      expect(g.result.waivers.waivers[0]?.problems[0]).toMatch(/its waivers file is not the one of the commit checked out/);
    }));

  // Found by a third re-review: git walks a path (`HEAD:./x`) through trees it does not check, and
  // from the real directory; a directory on the path that is a link names another file of the commit.
  it('a planted `.git` holding a real commit of the branch but a tree of its own under its tree\'s name: not taken as written', () =>
    withBranchRepo('sg-governance-forged-', async (other) => {
      writeFileSync(join(other, 'README.md'), 'the default branch: no waivers\n');
      const runSha = commit(other, 'the default branch');
      const rootTree = git(other, 'rev-parse', `${runSha}^{tree}`);
      const g = await governance('refs/heads/main', event, undefined, {
        checkout: (ws) => {
          checkedOut({})(ws);
          const fake = join(ws, 'copy.git');
          git(ws, 'init', '-q', '--bare', fake);
          git(fake, 'config', 'core.bare', 'false');
          // The real commit, under its own name (its hash is checked)...
          const loose = (id: string) => join(id.slice(0, 2), id.slice(2));
          mkdirSync(join(fake, 'objects', runSha.slice(0, 2)), { recursive: true });
          cpSync(join(other, '.git/objects', loose(runSha)), join(fake, 'objects', loose(runSha)));
          // ...and a tree naming the pull request's waivers file, under the name of the commit's tree.
          const blob = execFileSync('git', ['hash-object', '-w', join(ws, 'docs/governance/security-waivers.md')], { cwd: fake, env: GIT_ENV, encoding: 'utf8' }).trim();
          const forged = execFileSync('git', ['mktree'], { cwd: fake, env: GIT_ENV, input: `100644 blob ${blob}\tsecurity-waivers.md\n`, encoding: 'utf8' }).trim();
          mkdirSync(join(fake, 'objects', rootTree.slice(0, 2)), { recursive: true });
          cpSync(join(fake, 'objects', loose(forged)), join(fake, 'objects', loose(rootTree)));
          writeFileSync(join(fake, 'HEAD'), `${runSha}\n`);
          writeFileSync(join(ws, 'docs/governance/.git'), 'gitdir: ../../copy.git\n');
          return runSha;
        },
      });
      expect(g.waived).toBeUndefined();
      expect(g.result.waivers.waivers[0]?.problems[0]).toMatch(/its waivers file is not the one of the commit checked out/);
    }));

  it("a directory on the waivers file's path that is a link to another directory of the commit: not taken as written", async () => {
    const g = await governance('refs/heads/main', event, undefined, {
      checkout: (ws) => {
        // The branch: no waiver in its waivers file, a waivers table among its examples.
        mkdirSync(join(ws, 'examples'));
        writeFileSync(join(ws, 'examples/security-waivers.md'), WAIVERS);
        writeFileSync(join(ws, 'docs/governance/security-waivers.md'), NO_WAIVERS);
        initRepo(ws);
        const runSha = commit(ws, 'main');
        // The pull request, applied onto the checkout: docs/governance is now a link to examples.
        rmSync(join(ws, 'docs/governance'), { recursive: true });
        symlinkSync('../examples', join(ws, 'docs/governance'));
        return runSha;
      },
    });
    expect(g.waived).toBeUndefined();
    expect(g.result.waivers.waivers[0]?.problems[0]).toMatch(/its waivers file is not the one of the commit checked out .*not through a linked directory/);
  });

  it('a waivers file in a subdirectory of the checkout, unchanged: taken as written (the path is the one under the checkout)', async () => {
    const g = await governance('refs/heads/main', event, undefined, {
      waiversFile: 'app/docs/governance/security-waivers.md',
      checkout: (ws) => {
        initRepo(ws);
        return commit(ws, 'main');
      },
    });
    expect(g.waived?.id).toBe('W-1');
  });

  it("GIT_DIR in the environment does not answer for the waivers file's checkout", async () => {
    const other = tempDir('sg-governance-gitdir-');
    const saved = process.env.GIT_DIR;
    try {
      initRepo(other);
      const runSha = commit(other, 'the default branch');
      process.env.GIT_DIR = join(other, '.git');
      const g = await governance('refs/heads/main', event, api('diverged'), { checkout: checkedOut({}), headSha: runSha });
      expect(g.waived).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
      removeDir(other);
    }
  });

  it('a comparison that fails: not taken as written, and the waiver says why', async () => {
    const failed = await governance('refs/heads/main', event, api(502), { checkout: checkedOut({}), headSha: 'd'.repeat(40) });
    expect(failed.waived).toBeUndefined();
    expect(failed.result.waivers.waivers[0]?.problems[0]).toMatch(/which could not be compared with main \(server error \(HTTP 502\)\)/);
  });
});

describe('a change that edits the policy file', () => {
  const change = (paths: Array<{ path: string; oldPath?: string }>) => ({ known: true as const, base: 'a', head: 'b', source: 'pull_request' as const, diffBase: 'a', mode: 'three-dot' as const, files: paths.map((p) => ({ ...p, status: p.oldPath ? ('renamed' as const) : ('modified' as const), binary: false, addedLines: [] })), addedLinesComplete: true, notes: [] });
  it('is said in the notices (its settings already apply to this run); not when it leaves the file alone', () => {
    const ws = '/w';
    expect(policyFileNotice('.github/security-gate.yml', ws, change([{ path: '.github/security-gate.yml' }]))).toMatch(/^This change edits the policy file \.github\/security-gate\.yml, and this run already applies what it now says/);
    expect(policyFileNotice('./.github/security-gate.yml', ws, change([{ path: 'gate.yml', oldPath: '.github/security-gate.yml' }]))).toBeDefined();
    expect(policyFileNotice('/w/.github/security-gate.yml', ws, change([{ path: '.github/security-gate.yml' }]))).toBeDefined();
    expect(policyFileNotice('.github/security-gate.yml', ws, change([{ path: 'src/app.py' }]))).toBeUndefined();
    // Spelled in another case, as a macOS or Windows runner reads it (a fifth re-review).
    expect(policyFileNotice('.GitHub/Security-Gate.yml', ws, change([{ path: '.github/security-gate.yml' }]))).toBeDefined();
    expect(policyFileNotice(undefined, ws, change([{ path: '.github/security-gate.yml' }]))).toBeUndefined();
    expect(policyFileNotice('.github/security-gate.yml', ws, { known: false, reason: 'shallow clone' })).toBeUndefined();
  });

  it('and so is an edit of the workflow the run came from (its inputs to the gate already apply)', () => {
    const wf = '.github/workflows/ci.yml';
    expect(workflowFileNotice(wf, change([{ path: wf }]))).toBe(
      "This change edits the workflow that runs this gate, \".github/workflows/ci.yml\", and this run already applies it: the gate's inputs (phase, reports, thresholds, approvers) and the steps that ran the scanners are the change's own. Review that edit with the change; protect the workflows with CODEOWNERS.",
    );
    expect(workflowFileNotice(wf, change([{ path: '.github/workflows/gate.yml', oldPath: wf }]))).toBeDefined();
    expect(workflowFileNotice(wf, change([{ path: '.github/workflows/docs.yml' }]))).toBeUndefined();
    expect(workflowFileNotice(undefined, change([{ path: wf }]))).toBeUndefined();
    expect(workflowFileNotice(wf, { known: false, reason: 'shallow clone' })).toBeUndefined();
    // The file's name is the pull request's (it can add a workflow of any name): quoted, as its paths are.
    const odd = '.github/workflows/ci.yml, and nothing else applies. x.yml';
    expect(workflowFileNotice(odd, change([{ path: odd }]))).toContain(`this gate, ${JSON.stringify(odd)}, and this run`);
  });

  it('named from the repository\'s root: found when the workspace is a directory below it', () => {
    // GITHUB_WORKFLOW_REF names the file from the root; the change's workdir (`api/`) is where
    // the workspace's own paths start, not this one's.
    const wf = '.github/workflows/ci.yml';
    expect(workflowFileNotice(wf, { ...change([{ path: wf }]), workdir: 'api/' })).toBeDefined();
    expect(workflowFileNotice(wf, { ...change([{ path: `api/${wf}` }]), workdir: 'api/' })).toBeUndefined();
  });

  it("reaches the run's notices from the run context", async () => {
    const workspace = scratchDir('sg-governance-');
    const wf = '.github/workflows/ci.yml';
    const g = await prepareGovernance({ settings: parseSettings([{}]), workspace, now: NOW, change: change([{ path: wf }]), runCtx: { owner: 'acme', repo: 'api', workflowFile: wf }, logError: () => undefined });
    const result = (await g.finish({ notices: [] } as never)) as unknown as { notices: string[] };
    expect(result.notices).toContainEqual(expect.stringMatching(/^This change edits the workflow that runs this gate, "\.github\/workflows\/ci\.yml",/));
  });

  it("names the steps of the gate's own job that run the pull request's code before it, from the run's workflow file", async () => {
    const workspace = scratchDir('sg-governance-');
    const wf = '.github/workflows/ci.yml';
    mkdirSync(join(workspace, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(workspace, wf), 'jobs:\n  lane:\n    steps:\n      - uses: actions/checkout@v4\n      - name: Tests\n        run: pytest\n      - id: gate\n        uses: acme/security-gate@main\n');
    const finish = async (runCtx: Record<string, string>) => {
      const g = await prepareGovernance({ settings: parseSettings([{}]), workspace, now: NOW, change: change([{ path: 'src/app.py' }]), runCtx: { owner: 'acme', repo: 'api', ...runCtx }, logError: () => undefined });
      return ((await g.finish({ notices: [] } as never)) as unknown as { notices: string[] }).notices;
    };
    expect(await finish({ workflowFile: wf, job: 'lane', action: 'gate' })).toContain(
      'The job that runs this gate ("lane" in ".github/workflows/ci.yml") runs the pull request\'s own code before it: "Tests" (the tests (pytest)). That code could rewrite the reports the gate reads, so this verdict is only as sound as those steps. Run them in another job and hand over their reports as artifacts (README: Use it in a workflow).',
    );
    // Another job, or no workflow file: nothing said.
    expect((await finish({ workflowFile: wf, job: 'other', action: 'gate' })).join('\n')).not.toMatch(/The job that runs this gate/);
    expect((await finish({ workflowFile: '.github/workflows/missing.yml', job: 'lane', action: 'gate' })).join('\n')).not.toMatch(/The job that runs this gate/);
  });
});

describe('a change that adds waivers, approvals not verified (found by a waivers review)', () => {
  // Without verify-waiver-approvals the approvers are taken as written, and a pull request can
  // write them: one that adds a waiver of its own finding, naming the security lead, passed its
  // own gate while nothing said the waiver was the change's own (the policy and workflow files'
  // edits are said; this one was not).
  const WF = 'docs/governance/security-waivers.md';
  const change = (files: Array<{ path: string; addedLines: Array<{ line: number; text: string }>; deletedLines?: number }>) => ({
    known: true as const,
    base: 'a',
    head: 'b',
    source: 'pull_request' as const,
    diffBase: 'a',
    mode: 'three-dot' as const,
    files: files.map((f) => ({ status: 'modified' as const, binary: false, deletedLines: 0, ...f })),
    addedLinesComplete: true,
    notes: [],
  });
  const ROW = WAIVERS.split('\n')[2] as string;
  const ROW2 = '| W-2 | deptry | `code=DEP002 module=celery` | false-positive | used by the worker | @acme/api | @dev-dan | 2026-11-20 | 2027-01-31 |';
  const run = async (c: ReturnType<typeof change> | undefined, o: { verify?: boolean; text?: string } = {}) => {
    const workspace = scratchDir('sg-governance-');
    mkdirSync(dirname(join(workspace, WF)), { recursive: true });
    writeFileSync(join(workspace, WF), o.text ?? WAIVERS);
    const settings = parseSettings([o.verify ? { 'verify-waiver-approvals': 'true' } : {}]);
    const g = await prepareGovernance({ settings, workspace, now: NOW, ...(c ? { change: c } : {}), logError: () => undefined });
    const waived = g.waive(evaluated('deptry', { ruleId: 'DEP002', extra: { module: 'gunicorn' } }));
    const result = (await g.finish({ notices: [] } as never)) as unknown as { notices: string[] };
    return { waived, notices: result.notices };
  };

  it('the waivers it adds or changes that waive findings are named in the notices', async () => {
    const { waived, notices } = await run(change([{ path: WF, addedLines: [{ line: 3, text: ROW }] }]));
    expect(waived?.id).toBe('W-1');
    expect(notices).toContain(
      'This change edits the waivers file "docs/governance/security-waivers.md", and this run already applies its waivers as written: W-1 (1 finding waived) is the change\'s own (a waiver it adds or changes; every waiver of the file when it does more than add rows). Nothing checked that their approvers approved them (verify-waiver-approvals is off): confirm it with them, protect the waivers file with CODEOWNERS, or set verify-waiver-approvals.',
    );
    // A line added outside every waiver (or one removed) can bring any waiver to life: all are the change's.
    expect((await run(change([{ path: WF, addedLines: [{ line: 4, text: '' }] }]))).notices.join('\n')).toContain('W-1 (1 finding waived) is the change\'s own');
  });

  it('not when the change leaves the file alone, when what it adds waives nothing here, or when approvals are verified', async () => {
    const said = (ns: string[]) => ns.some((n) => n.startsWith('This change edits the waivers file'));
    expect(said((await run(change([{ path: 'src/app.py', addedLines: [{ line: 1, text: 'x' }] }]))).notices)).toBe(false);
    expect(said((await run(undefined)).notices)).toBe(false);
    // It adds W-2 only, which matches nothing in this run; W-1, which waives, is not its own.
    const both = `${WAIVERS}${ROW2}\n`;
    const addsW2 = await run(change([{ path: WF, addedLines: [{ line: 4, text: ROW2 }] }]), { text: both });
    expect(addsW2.waived?.id).toBe('W-1');
    expect(said(addsW2.notices)).toBe(false);
    expect(said((await run(change([{ path: WF, addedLines: [{ line: 3, text: ROW }] }]), { verify: true })).notices)).toBe(false);
  });
});
