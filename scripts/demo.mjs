#!/usr/bin/env node
// Runs the built CLI (dist/, committed) on the bundled example reports of all six tools, the way a developer would
// reproduce a CI verdict locally, and prints the summary. Writes the result JSON and the step-summary
// markdown under .security-gate/ for a look.
import { execFileSync } from 'node:child_process';

const args = [
  'dist/cli/index.js',
  '--bandit-report', 'examples/reports/bandit-report.json',
  '--pip-audit-report', 'examples/reports/pip-audit.json',
  '--gitleaks-report', 'examples/reports/gitleaks-report.json',
  '--deptry-report', 'examples/reports/deptry.json',
  '--vulture-report', 'examples/reports/vulture.txt',
  '--mutmut-report', 'examples/reports/mutmut-cicd-stats.json',
  '--waivers-file', 'examples/governance/security-waivers.md',
  // Who the example waivers' approvers are (a team, @acme/security there, needs a token with read:org).
  '--security-approvers', 'sam-sec',
  '--senior-approvers', 'sue-senior',
  '--phase', process.env.DEMO_PHASE ?? '1',
  // The example waivers were approved in late November 2026 with fixed expiry days: judged as of a
  // day inside their window, the demo shows the same verdict on any day (DEMO_AS_OF=now: today's).
  ...(process.env.DEMO_AS_OF === 'now' ? [] : ['--as-of', process.env.DEMO_AS_OF ?? '2026-12-01']),
  // The demo runs without network: pip-audit severities stay unknown and are treated as high.
  '--offline',
  // Compare with HEAD itself: no file is touched, so deptry/vulture findings show as existing debt
  // (in CI the change is the pull request's base...head).
  '--base-ref', 'HEAD',
  '--result-file', '.security-gate/demo-result.json',
  '--markdown-file', '.security-gate/demo-summary.md',
  ...process.argv.slice(2),
];
try {
  execFileSync(process.execPath, args, { stdio: 'inherit', cwd: new URL('..', import.meta.url).pathname });
  console.log('\nThe step summary the action would write is in .security-gate/demo-summary.md; the result JSON in .security-gate/demo-result.json.');
} catch (e) {
  process.exitCode = e.status ?? 1;
}
