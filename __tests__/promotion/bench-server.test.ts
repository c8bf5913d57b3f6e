/**
 * The promotion benchmark's GitHub-shaped server (scripts/bench/fake-github.mjs) answers what the
 * promotion reads: run against it, the CLI finds the tool ready with one request per kind per run.
 * The benchmark is not part of CI; this keeps its server in step with the reader.
 */
import { expect, it } from '@jest/globals';
// @ts-expect-error: a plain ESM script of the benchmark, without types
import { serveGitHub } from '../../scripts/bench/fake-github.mjs';
import { gateResult } from './helpers/factory.js';
import { runCli, tool } from './helpers/scenario.js';

it('the benchmark server gives the promotion ten runs of evidence', async () => {
  const resultJson = JSON.stringify(gateResult({ bandit: { findings: [{ fingerprint: 'b-low', severity: 'low' }] } }));
  const gh = (await serveGitHub({ runs: 10, resultJson, latencyMs: 0 })) as { url: string; state: { byKind: Record<string, number> }; close: () => Promise<void> };
  try {
    const r = await runCli(gh.url);
    expect(r.report!.collection.runsWithData).toBe(10);
    expect(tool(r.report, 'bandit').ready).toBe(true);
    expect(gh.state.byKind).toEqual({ list: 1, ref: 1, compare: 10, artifacts: 10, zip: 10, blob: 10 });
  } finally {
    await gh.close();
  }
});
