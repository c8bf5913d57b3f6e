/**
 * The waivers a default-branch run takes as written are the ones compared with the commit (a third
 * re-review): the check read the file a second time, so a file that changed between the two reads
 * (the pull request's waivers first, the commit's at the check) had the first taken as written. The
 * change is made where the second read happened (node:fs/promises' readFile), so no timing is needed.
 */
import { afterAll, expect, it, jest } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { NO_WAIVERS as COMMITTED, WAIVERS } from './governance-fixtures.js';

const FILE = 'docs/governance/security-waivers.md';

let swapAt: string | undefined;
const actual = await import('node:fs/promises');
jest.unstable_mockModule('node:fs/promises', () => ({
  ...actual,
  default: actual,
  // The file becomes the commit's again just before a second read of it.
  readFile: async (...args: Parameters<typeof actual.readFile>) => {
    if (swapAt !== undefined && typeof args[0] === 'string' && resolve(args[0]) === swapAt) writeFileSync(swapAt, COMMITTED);
    return actual.readFile(...args);
  },
}));

const { parseSettings } = await import('../../src/config/schema.js');
const { prepareGovernance } = await import('../../src/github/governance.js');
const { scratchDir } = await import('../helpers/scratch.js');
const { evaluated } = await import('../waivers/helpers.js');
const { commit, initRepo } = await import('../change/git-helpers.js');

afterAll(() => {
  swapAt = undefined;
});

it("the pull request's waivers read by the gate, the commit's there at the check: not taken as written", async () => {
  const ws = scratchDir('sg-governance-reread-');
  mkdirSync(dirname(join(ws, FILE)), { recursive: true });
  writeFileSync(join(ws, FILE), COMMITTED);
  initRepo(ws);
  const runSha = commit(ws, 'main');
  writeFileSync(join(ws, FILE), WAIVERS);
  swapAt = resolve(ws, FILE);
  const settings = parseSettings([{ 'verify-waiver-approvals': 'true' }]);
  const g = await prepareGovernance({
    settings,
    workspace: ws,
    now: new Date('2026-11-29T12:00:00Z'),
    runCtx: { owner: 'acme', repo: 'api', ref: 'refs/heads/main', headSha: runSha },
    event: { repository: { default_branch: 'main' } },
    logError: () => undefined,
  });
  expect(g.waive(evaluated('deptry', { ruleId: 'DEP002', extra: { module: 'gunicorn' } }))).toBeUndefined();
  const result = (await g.finish({ notices: [] } as never)) as unknown as { waivers: { waivers: Array<{ problems: string[] }> } };
  expect(result.waivers.waivers[0]?.problems[0]).toMatch(/its waivers file is not the one of the commit checked out/);
});
