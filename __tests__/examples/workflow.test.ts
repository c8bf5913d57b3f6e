/**
 * examples/workflows/api-lane.yml, the whole lane feeding one gate: the gate step only uses inputs
 * the action has, reads the report every scanner step writes, and the steps after it only read
 * outputs the action sets. The scanner commands are the Justfile's (local parity). The job that
 * runs the gate runs none of the pull request's code: mutmut (its tests) runs in a job of its own
 * and hands over only its report.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../helpers/runner.js';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'continue-on-error'?: boolean;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  if?: string;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const TEXT = readFileSync(join(REPO_ROOT, 'examples/workflows/api-lane.yml'), 'utf8');
const WF = parseYaml(TEXT) as Workflow;
const ACTION = parseYaml(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
const JUSTFILE = readFileSync(join(REPO_ROOT, 'examples/Justfile'), 'utf8');
const STEPS = Object.values(WF.jobs).flatMap((j) => j.steps);
const GATE = STEPS.find((s) => s.id === 'gate')!;
const GATE_INDEX = STEPS.indexOf(GATE);

/** The scanner command of each tool, as the workflow runs it and the report it writes. */
const LANE: Record<string, { step: string; command: string; justfile: string; report: string }> = {
  bandit: { step: 'Bandit', command: 'bandit -r src -f json -o reports/bandit.json', justfile: 'bandit -r {{src}} -f json -o {{bandit_report}}', report: 'reports/bandit.json' },
  'pip-audit': { step: 'pip-audit', command: 'pip-audit -r requirements.txt -f json -o reports/pip-audit.json', justfile: 'pip-audit -r {{requirements}} -f json -o {{pip_audit_report}}', report: 'reports/pip-audit.json' },
  gitleaks: { step: 'gitleaks', command: 'gitleaks detect --source . --log-opts="$range" --report-format json --report-path reports/gitleaks.json --exit-code 0', justfile: "gitleaks detect --source . --log-opts='{{gitleaks_log_opts}}' --report-format json --report-path {{gitleaks_report}} --exit-code 0", report: 'reports/gitleaks.json' },
  deptry: { step: 'deptry', command: 'deptry . --json-output reports/deptry.json', justfile: 'deptry . --json-output {{deptry_report}}', report: 'reports/deptry.json' },
  vulture: { step: 'vulture', command: 'vulture src > reports/vulture.txt', justfile: 'vulture {{src}} > {{vulture_report}}', report: 'reports/vulture.txt' },
  mutmut: { step: 'mutmut (smoke test)', command: 'cp mutants/mutmut-cicd-stats.json reports/mutmut-cicd-stats.json', justfile: 'cp mutants/mutmut-cicd-stats.json {{mutmut_report}}', report: 'reports/mutmut-cicd-stats.json' },
};

describe('examples/workflows/api-lane.yml', () => {
  it('the gate step uses only inputs of action.yml, and reads all six reports', () => {
    expect(GATE).toBeDefined();
    const inputs = Object.keys(ACTION.inputs);
    for (const key of Object.keys(GATE.with ?? {})) expect(inputs).toContain(key);
    for (const [tool, lane] of Object.entries(LANE)) expect(GATE.with?.[`${tool}-report`]).toBe(lane.report);
  });

  it('every scanner runs before the gate with continue-on-error, writing the report the gate reads, with the Justfile\'s command', () => {
    for (const [tool, lane] of Object.entries(LANE)) {
      const step = STEPS.find((s) => s.name === lane.step);
      expect({ tool, found: step !== undefined }).toEqual({ tool, found: true });
      expect(step!['continue-on-error']).toBe(true);
      expect(STEPS.indexOf(step!)).toBeLessThan(GATE_INDEX);
      expect(step!.run).toContain(lane.command);
      expect(JUSTFILE).toContain(lane.justfile);
    }
    const mutmut = STEPS.find((s) => s.name === LANE.mutmut!.step)!;
    expect(mutmut.run).toMatch(/mutmut run\n\s*mutmut export-cicd-stats/);
  });

  it('the steps after the gate read only outputs the action sets; the last one fails on should-fail', () => {
    const outputs = Object.keys(ACTION.outputs);
    const after = STEPS.slice(GATE_INDEX + 1);
    const used = new Set<string>();
    for (const m of JSON.stringify(after).matchAll(/steps\.gate\.outputs\.([a-z0-9-]+)/g)) used.add(m[1]!);
    expect([...used].sort()).toEqual(['blocking-count', 'sarif-file', 'should-fail', 'verdict']);
    for (const o of used) expect(outputs).toContain(o);
    const last = STEPS[STEPS.length - 1]!;
    expect(last.if).toBe("steps.gate.outputs.should-fail == 'true'");
    expect(last.run).toMatch(/exit 1/);
    // Untrusted-free, but still: outputs reach the script through env, never spliced into it.
    expect(last.run).not.toMatch(/\$\{\{/);
    const sarif = after.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    expect(sarif?.with?.sarif_file).toBe('${{ steps.gate.outputs.sarif-file }}');
  });

  it('runs on pull requests and pushes, with the permissions it needs and the history gitleaks needs', () => {
    expect(Object.keys(WF.on).sort()).toEqual(['pull_request', 'push']);
    expect(WF.permissions).toMatchObject({ contents: 'read', 'security-events': 'write' });
    const gateJob = Object.values(WF.jobs).find((j) => j.steps.includes(GATE))!;
    const checkout = gateJob.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.['fetch-depth']).toBe(0);
    expect(TEXT).toMatch(/fetch-depth 0 because gitleaks/);
  });

  it("the gate's job runs none of the pull request's code; mutmut's job hands over only its report", () => {
    const [gateName, gateJob] = Object.entries(WF.jobs).find(([, j]) => j.steps.includes(GATE))!;
    const [mutmutName, mutmutJob] = Object.entries(WF.jobs).find(([, j]) => j.steps.some((s) => s.name === LANE.mutmut!.step))!;
    expect(mutmutName).not.toBe(gateName);
    // Its tests, the project's build, or `python -m` in the checkout (a `pip/` there runs instead).
    for (const step of gateJob.steps) expect({ step: step.name ?? step.uses, run: step.run ?? '' }).toEqual({ step: step.name ?? step.uses, run: expect.not.stringMatching(/\bmutmut\s+run\b|\bpytest\b|python3? -m|pip install (?:-e )?\.(?:\s|$)/) });
    expect([gateJob.needs].flat()).toContain(mutmutName);
    expect(gateJob.if).toBe('${{ !cancelled() }}');
    const upload = mutmutJob.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with).toMatchObject({ name: 'mutmut-report', path: LANE.mutmut!.report });
    // The artifact holds what that job's code chose (a directory at the report's path uploads its
    // files): it is downloaded outside the checkout, never into reports/, and only the one file is
    // copied over to where the gate reads it.
    const download = gateJob.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toMatchObject({ name: 'mutmut-report', path: '${{ runner.temp }}/mutmut-report' });
    expect(download['continue-on-error']).toBe(true);
    const copy = gateJob.steps[gateJob.steps.indexOf(download) + 1]!;
    expect(copy.run?.trim()).toBe(`cp "$RUNNER_TEMP/mutmut-report/mutmut-cicd-stats.json" ${LANE.mutmut!.report}`);
    expect(copy['continue-on-error']).toBe(true);
    expect(gateJob.steps.indexOf(copy)).toBeLessThan(gateJob.steps.indexOf(GATE));
    // The job that runs the pull request's code holds no token that can write (code scanning
    // alerts: security-events), nor one left in the checkout's git config for its code to read.
    expect(mutmutJob.permissions).toEqual({ contents: 'read' });
    expect(mutmutJob.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!.with?.['persist-credentials']).toBe(false);
    // No cache a job of the pull request's code could fill for the gate's job.
    expect(TEXT).not.toMatch(/actions\/cache@|cache: pip/);
  });
});
