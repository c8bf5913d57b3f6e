/** The steps of the gate's own job that run the pull request's code before it (src/github/workflow-check.ts). */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeBeforeGate, codeBeforeGateNotice } from '../../src/github/workflow-check.js';
import { answerWithin } from '../helpers/deadline.js';
import { REPO_ROOT } from '../helpers/runner.js';

/** A job `lane`: checkout, one step running `run`, then the gate (id `gate`). */
const oneStep = (run: string) => `jobs:\n  lane:\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${JSON.stringify(run)}\n      - id: gate\n        uses: acme/security-gate@main\n`;

const WORKFLOW = `
on: pull_request
jobs:
  lane:
    runs-on: ubuntu-latest
    steps:
      - run: python -m pip install --upgrade pip
      - uses: actions/checkout@v4
      - run: python -m pip install -r requirements.txt
      - run: python3 -P -m pip install -r requirements.txt
      - run: pip install bandit pip-audit && mkdir -p reports
      - name: Tests
        run: |
          pip install -e .[test]
          pytest -q
      - name: Bandit
        run: bandit -r src -f json -o reports/bandit.json
      - name: Local helper
        uses: ./.github/actions/prepare
      - run: python scripts/make_report.py
      - name: mutmut
        run: mutmut run
      - name: Security gate
        id: gate
        uses: your-org/security-gate@main
        with:
          bandit-report: reports/bandit.json
      - name: After the gate
        run: pytest
  other:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pytest
      - uses: your-org/security-gate@main
`;

describe('codeBeforeGate', () => {
  it("names each step between the checkout and the gate that runs the project's code, and nothing after it", () => {
    expect(codeBeforeGate(WORKFLOW, { job: 'lane', action: 'gate', actionRepository: 'your-org/security-gate' })).toEqual([
      { step: 'step 3', what: 'python -m, which imports from the checkout first' },
      { step: 'Tests', what: 'the tests (pytest)' },
      { step: 'Local helper', what: 'an action of the repository itself' },
      { step: 'step 9', what: 'a Python script of the repository' },
      { step: 'mutmut', what: 'the tests (mutmut run)' },
    ]);
  });

  it('finds the gate step without an id from GITHUB_ACTION (`__owner_repo`), in the job GITHUB_JOB names', () => {
    expect(codeBeforeGate(WORKFLOW, { job: 'other', action: '__your-org_security-gate', actionRepository: 'your-org/security-gate' })).toEqual([{ step: 'step 2', what: 'the tests (pytest)' }]);
  });

  it('finds the gate step by the name GitHub gives a step without an id, and only a step of the action that runs', () => {
    // GitHub's names: __acme_gate_2 for the first use of acme/gate_2 (sub-path actions included),
    // __acme_gate_2_2 for the second; __self, __self_2 for local actions, whatever their path.
    const wf = `jobs:\n  lane:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/prepare\n      - run: pytest\n      - uses: acme/gate_2@v1\n      - run: tox\n      - uses: acme/gate_2/sub@v1\n      - uses: ./\n`;
    const first = [{ step: './.github/actions/prepare', what: 'an action of the repository itself' }, { step: 'step 3', what: 'the tests (pytest)' }];
    const all = [...first, { step: 'step 5', what: 'tox or nox sessions' }];
    expect(codeBeforeGate(wf, { job: 'lane', action: '__acme_gate_2', actionRepository: 'acme/gate_2' })).toEqual(first);
    expect(codeBeforeGate(wf, { job: 'lane', action: '__acme_gate_2_2', actionRepository: 'acme/gate_2' })).toEqual(all);
    // No GITHUB_ACTION_REPOSITORY: the name alone, never the nth local action.
    expect(codeBeforeGate(wf, { job: 'lane', action: '__acme_gate_2' })).toEqual(first);
    expect(codeBeforeGate(wf, { job: 'lane', action: '__self_2' })).toEqual(all);
    // A step of that name using another action (the gate inside a composite action the job runs), or a name no step has: nothing said.
    expect(codeBeforeGate(wf, { job: 'lane', action: '__self_2', actionRepository: 'acme/gate_2' })).toBeUndefined();
    expect(codeBeforeGate(wf, { job: 'lane', action: '__self.__acme_gate_2', actionRepository: 'acme/gate_2' })).toBeUndefined();
  });

  it("installing a tool runs none of the project's code; an editable install of a URL is not the project", () => {
    const at = (run: string) => codeBeforeGate(oneStep(run), { job: 'lane', action: 'gate' });
    expect(at('pip install pytest pytest-cov tox bandit')).toEqual([]);
    expect(at('pipx install nox')).toEqual([]);
    expect(at('pip install -e git+https://github.com/acme/lib@v1#egg=lib')).toEqual([]);
    expect(at('pip install -e  git+ssh://git@github.com/acme/lib#egg=lib')).toEqual([]);
    // Running them, and installing the project, still are.
    expect(at('pip install pytest && pytest -q')).toEqual([{ step: 'step 2', what: 'the tests (pytest)' }]);
    expect(at('pip install tox\ntox -e py312')).toEqual([{ step: 'step 2', what: 'tox or nox sessions' }]);
    expect(at('pip install -r requirements.txt .[test]')).toEqual([{ step: 'step 2', what: 'a build of the project (pip install .)' }]);
    expect(at('pip install -e ./lib')).toEqual([{ step: 'step 2', what: 'an editable install of the project' }]);
    expect(at('pip install --editable=.')).toEqual([{ step: 'step 2', what: 'an editable install of the project' }]);
  });

  it('ends on a hostile workflow file (no backtracking pattern)', () => {
    // The file is the pull request's. A pattern free to start at every `pip` of a line and scan it
    // to its end took ~1 s per 100 KB line and over a minute here; one pass takes milliseconds.
    // No timed assertion: a hang is what fails.
    const run = `${'pip install '.repeat(50_000)}x`;
    expect(answerWithin(() => codeBeforeGate(oneStep(run), { job: 'lane', action: 'gate' }))).toEqual([]);
  });

  it('says nothing it cannot tell: another job, a step it cannot find, a file that is not a workflow', () => {
    expect(codeBeforeGate(WORKFLOW, { job: 'missing', action: 'gate' })).toBeUndefined();
    expect(codeBeforeGate(WORKFLOW, { job: 'lane', action: 'not-a-step' })).toBeUndefined();
    expect(codeBeforeGate(WORKFLOW, { job: '__proto__', action: 'gate' })).toBeUndefined();
    expect(codeBeforeGate('jobs: [1, 2', { job: 'lane', action: 'gate' })).toBeUndefined();
    expect(codeBeforeGate('just text', { job: 'lane', action: 'gate' })).toBeUndefined();
    expect(codeBeforeGate('a: &a [*a]', { job: 'lane', action: 'gate' })).toBeUndefined();
  });

  it("the example lane's gate job runs none of the pull request's code; the README's first workflow neither", () => {
    const lane = readFileSync(join(REPO_ROOT, 'examples/workflows/api-lane.yml'), 'utf8');
    expect(codeBeforeGate(lane, { job: 'api-lane', action: 'gate', actionRepository: 'your-org/security-gate' })).toEqual([]);
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const first = /```yaml\n(name: API lane[\s\S]*?)```/.exec(readme)![1]!;
    expect(codeBeforeGate(first, { job: 'api-security', action: 'gate', actionRepository: 'your-org/security-gate' })).toEqual([]);
  });

  it('the notice names at most five steps, quoted, and counts the rest', () => {
    const steps = Array.from({ length: 7 }, (_, i) => ({ step: `s${i}\n::error::x`, what: 'the tests (pytest)' }));
    const notice = codeBeforeGateNotice('lane', '.github/workflows/ci.yml', steps)!;
    expect(notice).toMatch(/^The job that runs this gate \("lane" in "\.github\/workflows\/ci\.yml"\) runs the pull request's own code before it: "s0\\n::error::x" \(the tests \(pytest\)\);/);
    expect(notice).toContain('; and 2 more.');
    expect(notice).not.toMatch(/[\r\n]/);
    expect(codeBeforeGateNotice('lane', 'ci.yml', [])).toBeUndefined();
    expect(codeBeforeGateNotice('lane', 'ci.yml', undefined)).toBeUndefined();
  });
});
