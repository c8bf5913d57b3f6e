/** The golden cases: one GateResult each, rendered to `golden/<case>.md` and `golden/<case>.txt`. */
import type { GateResult } from '../../src/policy/result.js';
import type { SummaryOptions } from '../../src/render/summary.js';
import { finding, gate, tool } from './helpers.js';

export interface RenderCase {
  result: GateResult;
  summary?: SummaryOptions;
}

const FOOTER: SummaryOptions = {
  artifactName: 'security-gate-reports',
  artifactUrl: 'https://github.com/acme/api/actions/runs/42/artifacts/7',
  reproduceCommand: 'npx security-gate --bandit-report reports/bandit.json --pip-audit-report reports/pip-audit.json --phase 1',
  policySource: '.github/security-gate.yml',
};

const banditDoc = (id: string, name: string): string => `https://bandit.readthedocs.io/en/1.9.4/plugins/${id.toLowerCase()}_${name}.html`;

function pass(): RenderCase {
  return {
    result: gate([
      tool('bandit', {
        toolVersion: '1.9.4',
        stats: { loc: 1204, nosec: 1 },
        findings: [
          finding({ ruleId: 'B101', ruleName: 'assert_used', severity: 'low', confidence: 'high', disposition: 'info', location: { path: 'tests/test_api.py', line: 12 }, helpUri: banditDoc('B101', 'assert_used'), reason: 'LOW: info (default threshold)' }),
        ],
      }),
      tool('pip-audit', { stats: { dependencies: 137 } }),
    ]),
    summary: FOOTER,
  };
}

function warnPhase1(): RenderCase {
  const bandit = tool('bandit', {
    toolVersion: '1.9.4',
    stats: { loc: 5120 },
    findings: [
      finding({ ruleId: 'B324', ruleName: 'hashlib', title: 'Use of weak MD5 hash for security. Consider usedforsecurity=False', severity: 'high', confidence: 'high', disposition: 'warn', phase2Action: 'block', location: { path: 'app/auth/login.py', line: 86 }, helpUri: banditDoc('B324', 'hashlib'), reason: 'HIGH in a critical path (`**/auth/**`)', cwe: 327 }),
      finding({ ruleId: 'B608', ruleName: 'hardcoded_sql_expressions', title: 'Possible SQL injection vector through string-based query construction.', severity: 'medium', confidence: 'low', disposition: 'warn', location: { path: 'app/db/queries.py', line: 40 }, helpUri: banditDoc('B608', 'hardcoded_sql_expressions'), reason: 'MEDIUM: warn (default threshold)' }),
      finding({ ruleId: 'B105', ruleName: 'hardcoded_password_string', title: "Possible hardcoded password: 'ab****(redacted, 16 chars)'", severity: 'low', confidence: 'medium', disposition: 'info', location: { path: 'app/settings.py', line: 7 }, reason: 'LOW: info (default threshold)' }),
      finding({ ruleId: 'B101', ruleName: 'assert_used', severity: 'low', confidence: 'high', disposition: 'info', location: { path: 'app/util.py', line: 3 }, reason: 'LOW: info (default threshold)' }),
    ],
  });
  const pip = tool('pip-audit', {
    toolVersion: '2.9.0',
    stats: { dependencies: 79 },
    findings: [
      finding({ tool: 'pip-audit', ruleId: 'GHSA-v845-jxx5-vc9f', title: 'urllib3 does not strip Proxy-Authorization header on cross-origin redirects', severity: 'medium', disposition: 'warn', phase2Action: 'warn', package: { name: 'urllib3', version: '1.26.5', fixVersions: ['1.26.18', '2.0.7'] }, aliases: ['CVE-2023-43804'], sourceFile: 'reports/pip-audit.json', severitySource: { kind: 'github', advisory: 'GHSA-v845-jxx5-vc9f', cvss: { version: '3.1', score: 5.9, vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N' } }, reason: 'MEDIUM: warn (default threshold)' }),
      finding({ tool: 'pip-audit', ruleId: 'GHSA-7f5h-v6xp-fcq8', title: 'Starlette vulnerable to denial of service via multipart', severity: 'critical', disposition: 'warn', phase2Action: 'block', package: { name: 'starlette', version: '0.27.0', fixVersions: ['0.40.0'] }, sourceFile: 'reports/pip-audit.json', severitySource: { kind: 'github', advisory: 'GHSA-7f5h-v6xp-fcq8', cvss: { version: '3.1', score: 9.8, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' } }, reason: 'CRITICAL: block (phase 2)' }),
    ],
  });
  const gl = tool('gitleaks', { toolVersion: '8.18.4' });
  return { result: gate([bandit, pip, gl], { notices: ['Changed files unknown (no base ref): deptry and vulture treat every finding as unchanged.'] }), summary: FOOTER };
}

function blockPhase2(): RenderCase {
  const findings = [
    finding({ ruleId: 'B602', ruleName: 'subprocess_popen_with_shell_equals_true', title: 'subprocess call with shell=True identified, security issue.', severity: 'high', confidence: 'high', disposition: 'block', location: { path: 'app/auth/tokens.py', line: 19 }, reason: 'HIGH in a critical path (`**/auth/**`)' }),
    finding({ ruleId: 'B324', ruleName: 'hashlib', title: 'Use of weak MD5 hash for security.', severity: 'high', confidence: 'high', disposition: 'block', location: { path: 'app/auth/login.py', line: 86 }, reason: 'HIGH in a critical path (`**/auth/**`)' }),
    finding({ ruleId: 'B506', ruleName: 'yaml_load', title: 'Use of unsafe yaml load.', severity: 'critical', confidence: 'high', disposition: 'block', location: { path: 'app/security/config.py', line: 5 }, reason: 'CRITICAL in a critical path (`**/security/**`)' }),
    finding({ ruleId: 'B311', ruleName: 'blacklist', title: 'Standard pseudo-random generators are not suitable for security/cryptographic purposes.', severity: 'low', confidence: 'high', disposition: 'info', location: { path: 'app/jitter.py', line: 9 }, reason: 'LOW: info' }),
    finding({ ruleId: 'B113', ruleName: 'request_without_timeout', title: 'Call to requests without timeout', severity: 'medium', confidence: 'low', disposition: 'warn', location: { path: 'app/clients/http.py', line: 33 }, reason: 'MEDIUM: warn' }),
  ];
  const r = gate([tool('bandit', { phase: 2, toolVersion: '1.9.4', findings, stats: { loc: 9001 } })], {
    phase: { setting: '2', base: 2, phase2Tools: [] },
  });
  return { result: r, summary: { ...FOOTER, reproduceCommand: 'npx security-gate --bandit-report reports/bandit.json --phase 2' } };
}

function errorMissing(): RenderCase {
  const bandit = tool('bandit', { toolVersion: '1.9.4', findings: [finding({ severity: 'low', disposition: 'info', location: { path: 'app/x.py', line: 1 } })] });
  const gl = tool('gitleaks', { phase: 2, status: 'missing', files: [], messages: ['`reports/gitleaks.json` matched no file (gitleaks-report)'] });
  return { result: gate([bandit, gl]), summary: FOOTER };
}

function errorMalformed(): RenderCase {
  const bandit = tool('bandit', {
    status: 'error',
    files: [{ path: 'reports/bandit.json', findings: 0, bytes: 512, error: '$.results[3].issue_severity: expected one of LOW, MEDIUM, HIGH; got "SEVERE"' }],
    messages: ['reports/bandit.json: $.results[3].issue_severity: expected one of LOW, MEDIUM, HIGH; got "SEVERE"'],
  });
  const pip = tool('pip-audit', { status: 'error', files: [{ path: 'reports/pip-audit.json', findings: 0, bytes: 0, error: 'line 1: empty file' }], messages: [] });
  return { result: gate([bandit, pip]), summary: { artifactName: 'security-gate-reports' } };
}

function mixedPhase2Tools(): RenderCase {
  const gl = tool('gitleaks', {
    phase: 2,
    toolVersion: '8.18.4',
    findings: [
      finding({ tool: 'gitleaks', ruleId: 'aws-access-token', title: 'Identified a pattern that may indicate AWS credentials', severity: 'high', disposition: 'block', phase2Action: 'block', location: { path: 'deploy/settings.env', line: 4 }, snippet: 'AK****(redacted, 20 chars)', sourceFile: 'reports/gitleaks.json', reason: 'secret: always blocks', inChange: true }),
    ],
  });
  const bandit = tool('bandit', {
    toolVersion: '1.9.4',
    findings: [
      finding({ ruleId: 'B324', ruleName: 'hashlib', title: 'Use of weak MD5 hash for security.', severity: 'high', confidence: 'high', disposition: 'warn', phase2Action: 'block', location: { path: 'app/auth/login.py', line: 86 }, reason: 'HIGH in a critical path (`**/auth/**`)' }),
      finding({ ruleId: 'B110', ruleName: 'try_except_pass', title: 'Try, Except, Pass detected.', severity: 'low', confidence: 'high', disposition: 'info', location: { path: 'app/worker.py', line: 70 }, reason: 'LOW: info' }),
    ],
  });
  const r = gate([bandit, gl], { phase: { setting: 'auto', base: 1, phase2From: '2026-12-23', phase2Tools: ['gitleaks'] } });
  return { result: r, summary: FOOTER };
}

function pipAuditSeverities(): RenderCase {
  const pf = (p: Parameters<typeof finding>[0]) => finding({ tool: 'pip-audit', sourceFile: 'reports/pip-audit.json', ...p });
  const pip = tool('pip-audit', {
    toolVersion: '2.7.3',
    stats: { dependencies: 65 },
    skipped: [{ name: 'azure-devops 0.17.0', reason: 'Dependency not found on PyPI and could not be audited: azure-devops (0.17.0)' }],
    findings: [
      pf({ ruleId: 'PYSEC-2023-221', title: 'Werkzeug multipart parser DoS', severity: 'unknown', effectiveSeverity: 'high', disposition: 'warn', phase2Action: 'block', package: { name: 'werkzeug', version: '2.2.3', fixVersions: ['2.3.8', '3.0.1'] }, severitySource: { kind: 'default', unknownReason: 'offline' }, reason: 'unknown severity treated as HIGH (unknown-severity: high, fail closed)' }),
      pf({ ruleId: 'GHSA-j8r2-6x86-q33q', title: 'Requests Proxy-Authorization header leak', severity: 'medium', disposition: 'warn', phase2Action: 'warn', package: { name: 'requests', version: '2.28.1', fixVersions: ['2.31.0'] }, severitySource: { kind: 'github', advisory: 'GHSA-j8r2-6x86-q33q', cvss: { version: '3.1', score: 6.1, vector: 'CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:N' } }, reason: 'MEDIUM: warn' }),
      pf({ ruleId: 'PYSEC-2022-43012', title: 'setuptools ReDoS in package_index.py', severity: 'high', disposition: 'warn', phase2Action: 'block', package: { name: 'setuptools', version: '65.5.0', fixVersions: ['65.5.1'] }, severitySource: { kind: 'osv', advisory: 'PYSEC-2022-43012', cvss: { version: '3.1', score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' } }, reason: 'HIGH: block (phase 2)' }),
      pf({ ruleId: 'PYSEC-2023-74', title: 'pip may install the wrong distribution', severity: 'unknown', effectiveSeverity: 'high', disposition: 'warn', phase2Action: 'block', package: { name: 'pip', version: '22.3.1' }, severitySource: { kind: 'none', unknownReason: 'not-found', detail: 'no advisory in GitHub or OSV' }, reason: 'unknown severity treated as HIGH (fail closed)' }),
    ],
  });
  return { result: gate([pip], { notices: ['pip-audit severities unknown for 2 vulnerabilities (offline, not-found): treated as high (fail closed).'] }), summary: FOOTER };
}

function waived(): RenderCase {
  const bandit = tool('bandit', {
    phase: 2,
    toolVersion: '1.9.4',
    findings: [
      finding({ ruleId: 'B324', ruleName: 'hashlib', title: 'Use of weak MD5 hash for security.', severity: 'high', confidence: 'high', disposition: 'waived', phase2Action: 'block', location: { path: 'app/auth/legacy.py', line: 12 }, reason: 'HIGH in a critical path; waived', waiver: { id: 'SG-12', owner: '@acme/platform', expires: '2026-12-01', reasonCategory: 'false-positive' } }),
      finding({ ruleId: 'B602', ruleName: 'subprocess_popen_with_shell_equals_true', title: 'subprocess call with shell=True identified, security issue.', severity: 'high', confidence: 'high', disposition: 'waived', phase2Action: 'block', location: { path: 'app/auth/admin.py', line: 40 }, reason: 'HIGH in a critical path; waived', waiver: { id: 'SG-15', owner: 'jdoe', expires: '2027-03-01', reasonCategory: 'accepted-risk' } }),
      finding({ ruleId: 'B113', ruleName: 'request_without_timeout', title: 'Call to requests without timeout', severity: 'medium', confidence: 'low', disposition: 'warn', location: { path: 'app/clients/http.py', line: 33 }, reason: 'MEDIUM: warn' }),
    ],
  });
  return { result: gate([bandit], { phase: { setting: '2', base: 2, phase2Tools: [] } }), summary: FOOTER };
}

export const CASES: Record<string, () => RenderCase> = {
  pass,
  'warn-phase1': warnPhase1,
  'block-phase2': blockPhase2,
  'error-missing': errorMissing,
  'error-malformed': errorMalformed,
  'mixed-phase2-tools': mixedPhase2Tools,
  'pip-audit-severities': pipAuditSeverities,
  waived,
};
