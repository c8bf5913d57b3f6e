/** The steps of the gate's own job that run the pull request's code before it (src/github/workflow-check.ts). */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeBeforeGate, codeBeforeGateNotice } from '../../src/github/workflow-check.js';
import { REPO_ROOT } from '../helpers/runner.js';

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
    const notice = codeBeforeGateNotice('lane', steps)!;
    expect(notice).toMatch(/^The job that runs this gate \("lane"\) runs the pull request's own code before it: "s0\\n::error::x" \(the tests \(pytest\)\);/);
    expect(notice).toContain('; and 2 more.');
    expect(notice).not.toMatch(/[\r\n]/);
    expect(codeBeforeGateNotice('lane', [])).toBeUndefined();
    expect(codeBeforeGateNotice('lane', undefined)).toBeUndefined();
  });
});
