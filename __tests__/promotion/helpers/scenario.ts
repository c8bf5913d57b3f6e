/** Builds run histories and runs `security-gate promotion` against the local fake GitHub. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ToolId } from '../../../src/reports/model.js';
import { runPromotionCli } from '../../../src/promotion/cli.js';
import type { PromotionReport } from '../../../src/promotion/evaluate.js';
import { gateResult, type ToolSpec } from './factory.js';
import { REPO, WORKFLOW, type FakeRun } from './fake-github.js';
import { scratchDir } from '../../helpers/scratch.js';

export type RunSpec = Partial<Record<ToolId, ToolSpec>> | 'no-artifact' | 'expired' | 'in-progress' | { raw: string };

/** Runs newest first, ids 500, 499, … */
export function history(specs: RunSpec[], firstId = 500): FakeRun[] {
  return specs.map((s, i) => {
    const id = firstId - i;
    if (s === 'no-artifact') return { id, artifact: null, conclusion: 'cancelled' };
    if (s === 'expired') return { id, artifact: { result: gateResult({ bandit: {} }), expired: true } };
    if (s === 'in-progress') return { id, status: 'in_progress', conclusion: null, artifact: null };
    if ('raw' in s && typeof s.raw === 'string') return { id, artifact: { result: s.raw } };
    return { id, artifact: { result: gateResult(s as Partial<Record<ToolId, ToolSpec>>) } };
  });
}

export const JUSTFILE = `set shell := ["bash", "-cu"]
api-security-bandit:
    bandit -r src -f json -o reports/bandit.json
api-security-audit:
    pip-audit -f json -o reports/pip-audit.json
@api-quality-security-hygiene *args:
    deptry . --json-output reports/deptry.json
`;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  report?: PromotionReport;
  markdown?: string;
  dir: string;
}

export async function runCli(apiUrl: string, args: string[] = [], opts: { justfile?: string | null; env?: Record<string, string>; prepare?: (dir: string) => Promise<void>; onLog?: (dir: string, message: string) => void } = {}): Promise<CliRun> {
  const dir = scratchDir('promotion-');
  if (opts.justfile !== null) await writeFile(join(dir, 'Justfile'), opts.justfile ?? JUSTFILE);
  await opts.prepare?.(dir);
  let stdout = '';
  let stderr = '';
  const code = await runPromotionCli(
    ['--repository', REPO, '--workflow', WORKFLOW, ...args],
    { GITHUB_API_URL: apiUrl, GITHUB_TOKEN: 'test-token', ...opts.env },
    {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      cwd: dir,
      deps: {
        httpOptions: { backoffMs: 1, timeoutMs: 5000 },
        now: () => new Date('2026-11-29T09:00:00Z'),
        ...(opts.onLog ? { log: (m: string) => opts.onLog?.(dir, m) } : {}),
      },
    },
  );
  let report: PromotionReport | undefined;
  let markdown: string | undefined;
  try {
    report = JSON.parse(await readFile(join(dir, '.ci-security-promotion-report.json'), 'utf8')) as PromotionReport;
    markdown = await readFile(join(dir, '.ci-security-promotion-report.md'), 'utf8');
  } catch {
    /* not written */
  }
  return { code, stdout, stderr, report, markdown, dir };
}

export const tool = (r: PromotionReport | undefined, t: ToolId) => {
  const x = r?.tools.find((y) => y.tool === t);
  if (!x) throw new Error(`no ${t} in report`);
  return x;
};
export const criterion = (r: PromotionReport | undefined, t: ToolId, id: string) => {
  const c = tool(r, t).criteria.find((x) => x.id === id);
  if (!c) throw new Error(`no criterion ${id}`);
  return c;
};
