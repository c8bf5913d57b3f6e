/**
 * The built bundle (dist/gate/index.js, committed) run the way the runner runs it: simulated runner
 * files, inputs as INPUT_* env vars, the real @actions/artifact client uploading to a local Twirp
 * stub plus Azurite; outputs, summary and the uploaded zip read back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readZip, startArtifactService, type ArtifactService } from '../helpers/artifact-service.js';
import { REPO_ROOT, runAction } from '../helpers/runner.js';

const ENTRY = join(REPO_ROOT, 'dist/gate/index.js');
const FIX = join(REPO_ROOT, '__tests__/fixtures');

let service: ArtifactService;
let workspace: string;

beforeAll(async () => {
  if (!existsSync(ENTRY)) throw new Error('dist/gate/index.js is missing: run npm run build');
  service = await startArtifactService();
  workspace = await mkdtemp(join(tmpdir(), 'sg-gate-e2e-'));
  await mkdir(join(workspace, 'reports'));
  await copyFile(join(FIX, 'bandit/BahzingaDev__bandit-demo/bandit-report.json'), join(workspace, 'reports/bandit.json'));
  await copyFile(join(FIX, 'pip-audit/varshinivelmurugan47__secure-coding-review-task/pip-audit.json'), join(workspace, 'reports/pip-audit.json'));
  await writeFile(join(workspace, 'reports/broken.json'), '{"results": [');
});

afterAll(async () => {
  await service?.close();
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

const base = { 'bandit-report': 'reports/bandit.json', 'pip-audit-report': 'reports/pip-audit.json', 'severity-source': 'off' };

describe('the gate bundle, run like the runner runs it', () => {
  it('phase 1: warns, writes counts, summary and outputs, uploads the artifact', async () => {
    const r = await runAction({ entry: ENTRY, workspace, inputs: { ...base, phase: '1', 'artifact-name': 'gate-p1', 'retention-days': '5', 'output-dir': 'out-p1' }, env: service.env, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({
      verdict: 'warn',
      'should-fail': 'false',
      'bandit-high': '15',
      'bandit-medium': '21',
      'bandit-low': '480',
      'pip-audit-vulns': '15',
      'pip-audit-unknown': '15',
      'blocking-count': '0',
    });
    expect(Number(r.outputs['would-block'])).toBeGreaterThanOrEqual(15);
    expect(r.summary.split('\n')[0]).toMatch(/^## .*Security gate: warn/);
    expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024);
    const result = JSON.parse(readFileSync(r.outputs['result-file']!, 'utf8'));
    expect(result.schemaVersion).toBe(1);
    expect(result.tools.map((t: { tool: string; status: string }) => `${t.tool}:${t.status}`)).toEqual(['bandit:ok', 'pip-audit:ok']);
    // The artifact: raw reports, result JSON, summary.
    const recorded = service.artifacts().find((a) => a.name === 'gate-p1');
    expect(recorded?.finalized).toBe(true);
    expect(r.outputs['artifact-id']).toBe(String(recorded?.id));
    const zip = await readZip(await service.downloadZip('gate-p1'));
    expect([...zip.keys()].sort()).toEqual(
      expect.arrayContaining(['reports/reports/bandit.json', 'reports/reports/pip-audit.json', 'security-gate-result.json', 'security-gate-summary.md']),
    );
    expect(zip.get('reports/reports/pip-audit.json')!.equals(readFileSync(join(workspace, 'reports/pip-audit.json')))).toBe(true);
    expect(JSON.parse(zip.get('security-gate-result.json')!.toString()).verdict).toBe('warn');
    // The uploaded result cannot hold its own link; the local one gets it added at its end, and
    // is otherwise the uploaded text.
    const local = readFileSync(r.outputs['result-file']!, 'utf8');
    const uploaded = zip.get('security-gate-result.json')!.toString();
    expect(JSON.parse(uploaded).artifact).toBeUndefined();
    expect(result.artifact).toEqual({ name: 'gate-p1', id: recorded?.id, url: r.outputs['artifact-url'] });
    expect(local.startsWith(uploaded.slice(0, -3))).toBe(true);
    expect(local.slice(uploaded.length - 3)).toBe(`,\n "artifact": ${JSON.stringify(result.artifact, null, 1).replace(/\n/g, '\n ')}\n}\n`);
  });

  it('phase 2: blocks, should-fail true; fail-on-block fails the step', async () => {
    const r = await runAction({ entry: ENTRY, workspace, inputs: { ...base, phase: '2', 'upload-artifact': 'false' }, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(r.code).toBe(0);
    expect(r.outputs.verdict).toBe('block');
    expect(r.outputs['should-fail']).toBe('true');
    const f = await runAction({ entry: ENTRY, workspace, inputs: { ...base, phase: '2', 'upload-artifact': 'false', 'fail-on-block': 'true' }, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(f.code).toBe(1);
    expect(f.outputs.verdict).toBe('block');
  });

  it('a malformed report is an error naming the file; outputs are still written', async () => {
    const r = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/broken.json', phase: '2', 'upload-artifact': 'false' }, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(r.code).toBe(0);
    expect(r.outputs.verdict).toBe('error');
    expect(r.outputs['should-fail']).toBe('true');
    expect(r.stdout).toContain('reports/broken.json');
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });

  it('refuses an output-dir outside the workspace', async () => {
    const r = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/bandit.json', 'output-dir': '../elsewhere', 'upload-artifact': 'false' }, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(r.code).toBe(1);
    expect(r.commands.filter((c) => c.command === 'error').map((c) => c.message).join('\n')).toContain('output-dir: got "../elsewhere"; expected a directory inside the workspace');
  });

  it('output-dir and sarif-file given as absolute paths in the workspace are used as they are', async () => {
    // Found by a docs review: both were joined to the workspace again (`${{ github.workspace }}/out`
    // wrote to <workspace>/<workspace>/out), and a sarif-file outside the workspace was silently
    // replaced by the default.
    const out = join(workspace, 'out-abs');
    const sarif = join(workspace, 'sarif-abs', 'gate.sarif');
    const r = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/bandit.json', 'output-dir': out, 'sarif-file': sarif, 'upload-artifact': 'false' }, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(r.code).toBe(0);
    expect(r.outputs['result-file']).toBe(join(out, 'security-gate-result.json'));
    expect(r.outputs['sarif-file']).toBe(sarif);
    expect(existsSync(join(out, 'security-gate-result.json'))).toBe(true);
    expect(existsSync(sarif)).toBe(true);
    const outside = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/bandit.json', 'sarif-file': '../escape.sarif', 'upload-artifact': 'false' }, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(outside.code).toBe(1);
    expect(outside.commands.filter((c) => c.command === 'error').map((c) => c.message).join('\n')).toContain('sarif-file: got "../escape.sarif"; expected a file inside the workspace');
  });

  it('an invalid input fails the step naming the input', async () => {
    const r = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/bandit.json', phase: 'three' }, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(r.code).toBe(1);
    expect(r.commands.filter((c) => c.command === 'error').map((c) => c.message).join('\n')).toContain('phase: got "three"; expected one of 1, 2, auto');
    const outside = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/bandit.json', 'scan-root': '../elsewhere', 'upload-artifact': 'false' }, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(outside.code).toBe(1);
    expect(outside.commands.filter((c) => c.command === 'error').map((c) => c.message).join('\n')).toContain('scan-root: got "../elsewhere"; expected the directory the scanners ran in, inside the workspace');
  });

  it('scan-root: annotations, SARIF and the result name the file under the scan root, prefixed once', async () => {
    const finding = { code: '1 import pickle\n', col_offset: 0, end_col_offset: 13, filename: 'app/views.py', issue_confidence: 'HIGH', issue_severity: 'HIGH', issue_text: 'Consider possible security implications associated with pickle module.', line_number: 1, line_range: [1], more_info: 'https://bandit.readthedocs.io/en/1.7.5/blacklists/blacklist_imports.html#b403-import-pickle', test_id: 'B403', test_name: 'blacklist' };
    await writeFile(join(workspace, 'reports/scan-root.json'), JSON.stringify({ errors: [], generated_at: '2024-01-01T00:00:00Z', metrics: {}, results: [finding] }));
    const r = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/scan-root.json', 'scan-root': 'api', annotations: 'all', 'output-dir': 'out-sr', 'upload-artifact': 'false' }, env: service.env, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(r.code).toBe(0);
    const annotated = r.commands.filter((c) => c.command === 'warning' && c.properties['file'] !== undefined).map((c) => c.properties['file']);
    expect(annotated).toEqual(['api/app/views.py']);
    const sarif = JSON.parse(readFileSync(join(workspace, 'out-sr/security-gate.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((x: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['api/app/views.py']);
    const result = JSON.parse(readFileSync(r.outputs['result-file']!, 'utf8'));
    expect(result.tools[0].findings.map((f: { location: { path: string } }) => f.location.path)).toEqual(['api/app/views.py']);
  });

  it.each([
    ['error', 'error'],
    ['warn', 'warning'],
    ['ignore', 'a plain line'],
  ])('on-missing-report %s: a missing report is logged as %s', async (setting, logged) => {
    const level = logged === 'a plain line' ? undefined : logged;
    const r = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/nope.json', 'on-missing-report': setting, 'upload-artifact': 'false' }, actionYml: join(REPO_ROOT, 'action.yml') });
    const about = r.commands.filter((c) => ['error', 'warning', 'notice'].includes(c.command) && c.message.includes('reports/nope.json'));
    expect(about.map((c) => c.command)).toEqual(level ? [level] : []);
    if (!level) expect(r.stdout).toContain('bandit-report `reports/nope.json` matched no file');
    // said once: the summary's label and the message do not both say "report missing"
    expect(r.summary).toContain('**Bandit** report missing: bandit\\-report `reports/nope.json` matched no file');
    expect(r.summary).not.toMatch(/report missing:.*report missing/);
    expect(r.summary).toMatch(/^## .* Security gate: \w+ — 1 report missing/m);
    // as loud in the summary as in the log: ⛔ for an error, ⚠️ for a warning, ℹ️ when ignored
    const icon = { error: '⛔', warn: '⚠️', ignore: 'ℹ️' }[setting];
    expect(r.summary).toContain(`- ${icon} **Bandit** report missing`);
    expect(r.summary).toContain(`| ${icon} missing: bandit\\-report`);
  });

  it('reports, waivers and policy files behind a symbolic link out of the workspace or into .git are not read', async () => {
    // A link committed under a report's name copied /etc/passwd-like files, or the checkout's token
    // from .git/config, into the artifact; a waivers file linked to .git/config had its YAML error
    // quote the token in the summary (and a PR comment).
    const ws = await mkdtemp(join(tmpdir(), 'sg-e2e-links-'));
    const outside = await mkdtemp(join(tmpdir(), 'sg-e2e-links-out-'));
    try {
      const token = 'eC1hY2Nlc3MtdG9rZW46Z2hzX0xFQUtFRA==';
      await mkdir(join(ws, '.git'), { recursive: true });
      await mkdir(join(ws, 'reports'), { recursive: true });
      await mkdir(join(ws, 'docs'), { recursive: true });
      await writeFile(join(ws, '.git', 'config'), `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${token}\n`);
      await writeFile(join(outside, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
      await symlink(join(outside, 'passwd'), join(ws, 'reports', 'deptry.json'));
      await symlink('../.git/config', join(ws, 'reports', 'vulture.txt'));
      await symlink('../.git/config', join(ws, 'docs', 'waivers.yml'));
      const out = join(ws, 'out');
      const r = await runAction({ entry: ENTRY, workspace: ws, inputs: { 'deptry-report': 'reports/deptry.json', 'vulture-report': 'reports/vulture.txt', 'waivers-file': 'docs/waivers.yml', 'output-dir': out, 'artifact-name': 'gate-links' }, env: service.env, actionYml: join(REPO_ROOT, 'action.yml') });
      expect(r.stdout + r.stderr).not.toContain('internal error');
      expect(r.outputs['verdict']).toBe('error');
      const everything = [r.stdout, r.stderr, r.summary, JSON.stringify(r.outputs), readFileSync(r.outputs['result-file']!, 'utf8')].join('\n');
      expect(everything).not.toContain(token);
      expect(everything).not.toContain('root:x:0');
      expect(r.summary).toContain('is a symbolic link to a file outside the workspace: not read');
      expect(r.summary).toContain('is in a \\.git directory: not read'); // Markdown-escaped
      expect(existsSync(join(out, 'reports'))).toBe(false);
      const zip = await readZip(await service.downloadZip('gate-links'));
      expect([...zip.keys()].sort()).toEqual(['security-gate-result.json', 'security-gate-summary.md', 'security-gate.sarif']);
      for (const bytes of zip.values()) expect(bytes.toString('utf8')).not.toContain(token);
      await symlink('.git/config', join(ws, 'policy.yml'));
      const p = await runAction({ entry: ENTRY, workspace: ws, inputs: { 'deptry-report': 'reports/deptry.json', 'policy-file': 'policy.yml', 'upload-artifact': 'false' }, actionYml: join(REPO_ROOT, 'action.yml') });
      expect(p.code).toBe(1);
      expect(p.commands.filter((c) => c.command === 'error').map((c) => c.message).join('\n')).toContain('policy-file: "policy.yml" is in a .git directory: not read');
      expect(p.stdout + p.stderr).not.toContain(token);
    } finally {
      await rm(ws, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('writes no output through a link the checkout holds (output-dir, a file in it, sarif-file)', async () => {
    // A pull request committed out/reports/reports/vulture.txt -> a file outside the workspace (a
    // later step's code): the copy of the vulture report overwrote it.
    const ws = await mkdtemp(join(tmpdir(), 'sg-e2e-outlinks-'));
    const outside = await mkdtemp(join(tmpdir(), 'sg-e2e-outlinks-victim-'));
    try {
      await mkdir(join(ws, 'reports'));
      await mkdir(join(ws, 'out', 'reports', 'reports'), { recursive: true });
      await writeFile(join(ws, 'reports', 'vulture.txt'), 'app.py:1: unused import \'os\' (90% confidence)\n');
      await writeFile(join(outside, 'important.sh'), 'echo untouched\n');
      await symlink(join(outside, 'important.sh'), join(ws, 'out', 'reports', 'reports', 'vulture.txt'));
      await symlink(join(outside, 'important.sh'), join(ws, 'gate.sarif'));
      await symlink(outside, join(ws, 'linked-out'));
      const cases: Array<[Record<string, string>, string]> = [
        [{ 'output-dir': 'out' }, 'output-dir: `out/reports/reports/vulture.txt` is a symbolic link: the gate does not write through links'],
        [{ 'sarif-file': 'gate.sarif' }, 'sarif-file: `gate.sarif` is a symbolic link: the gate does not write through links'],
        [{ 'output-dir': 'linked-out/gate' }, 'output-dir: `linked-out` is a symbolic link: the gate does not write through links'],
      ];
      for (const [inputs, said] of cases) {
        const r = await runAction({ entry: ENTRY, workspace: ws, inputs: { 'vulture-report': 'reports/vulture.txt', 'upload-artifact': 'false', ...inputs }, actionYml: join(REPO_ROOT, 'action.yml') });
        expect(r.code).toBe(1);
        expect(r.commands.filter((c) => c.command === 'error').map((c) => c.message).join('\n')).toContain(said);
        expect(readFileSync(join(outside, 'important.sh'), 'utf8')).toBe('echo untouched\n');
        expect(existsSync(join(outside, 'gate'))).toBe(false);
      }
    } finally {
      await rm(ws, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  const itLinux = process.platform === 'linux' ? it : it.skip;
  itLinux('a pipe or a directory where a report, waivers or policy file should be is refused, never read (a pipe would hang the gate)', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'sg-e2e-pipes-'));
    try {
      await mkdir(join(ws, 'reports'));
      await writeFile(join(ws, 'reports', 'bandit.json'), JSON.stringify({ errors: [], results: [] }));
      execFileSync('mkfifo', [join(ws, 'reports', 'deptry.json'), join(ws, 'waivers.md'), join(ws, 'policy.yml')]);
      await mkdir(join(ws, 'reports', 'vulture.txt'));
      const r = await runAction({ entry: ENTRY, workspace: ws, inputs: { 'bandit-report': 'reports/bandit.json', 'deptry-report': 'reports/deptry.json', 'vulture-report': 'reports/vulture.txt', 'waivers-file': 'waivers.md', 'on-missing-report': 'ignore', 'upload-artifact': 'false' }, actionYml: join(REPO_ROOT, 'action.yml') });
      expect(r.outputs['verdict']).toBe('error'); // unreadable, not missing: on-missing-report does not apply
      const summary = r.summary.replace(/\\(.)/g, '$1'); // Markdown escapes off
      expect(summary).toContain('**deptry** report unreadable: deptry-report: `reports/deptry.json` is not a regular file (a pipe, socket or device): not read');
      expect(summary).toContain('**vulture** report unreadable: vulture-report: `reports/vulture.txt` is a directory: not read');
      expect(summary).toContain('no waiver applies: waivers.md: the path is not a regular file (a pipe, socket or device): not read');
      const p = await runAction({ entry: ENTRY, workspace: ws, inputs: { 'bandit-report': 'reports/bandit.json', 'policy-file': 'policy.yml', 'upload-artifact': 'false' }, actionYml: join(REPO_ROOT, 'action.yml') });
      expect(p.code).toBe(1);
      expect(p.commands.filter((c) => c.command === 'error').map((c) => c.message).join('\n')).toContain('policy-file: "policy.yml" is not a regular file (a pipe, socket or device): not read');
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  });

  it.each([
    ['on the main thread', 'known', {}],
    ['in the worker', 'known-w', { SECURITY_GATE_WORKER_MIN_BYTES: '0' }],
  ])('a secret gitleaks reveals is in no channel, even where another tool quotes it (result, SARIF, summary, log, artifact; %s)', async (_where, tag, extraEnv) => {
    const secret = 'q8ZrT2mVx9LpA7cWn4Ks3';
    const leaks = [{ Description: 'd', StartLine: 5, EndLine: 5, StartColumn: 1, EndColumn: 9, Match: `'k': '${secret}'`, Secret: secret, File: 'src/pay.py', Commit: 'c0ffee', Entropy: 4, Author: 'a', Email: 'e', Date: '2026-01-01T00:00:00Z', Message: 'm', Tags: [], RuleID: 'generic-api-key', Fingerprint: 'c0ffee:src/pay.py:generic-api-key:5' }];
    const bandit = { errors: [], results: [{ code: `5     requests.post(URL, json={'k': '${secret}'}, verify=False)\n`, filename: 'src/pay.py', issue_confidence: 'HIGH', issue_severity: 'HIGH', issue_text: 'verify=False', line_number: 5, test_id: 'B501', test_name: 'request_with_no_cert_validation' }] };
    await writeFile(join(workspace, 'reports/known-gitleaks.json'), JSON.stringify(leaks));
    await writeFile(join(workspace, 'reports/known-bandit.json'), JSON.stringify(bandit));
    const out = join(workspace, `out-${tag}`);
    const r = await runAction({ entry: ENTRY, workspace, inputs: { 'gitleaks-report': 'reports/known-gitleaks.json', 'bandit-report': 'reports/known-bandit.json', annotations: 'all', 'output-dir': `out-${tag}`, 'artifact-name': `gate-${tag}` }, env: { ...service.env, ...extraEnv }, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(r.code).toBe(0);
    expect(r.stdout.includes('read in a worker thread')).toBe(tag === 'known-w');
    const channels = [r.stdout.replace(/^::add-mask::.*$/gm, ''), r.stderr, r.summary, JSON.stringify(r.outputs), readFileSync(join(out, 'security-gate-result.json'), 'utf8'), readFileSync(join(out, 'security-gate.sarif'), 'utf8')];
    for (const c of channels) expect(c).not.toContain(secret);
    const zip = await readZip(await service.downloadZip(`gate-${tag}`));
    expect([...zip.keys()]).toEqual(expect.arrayContaining(['reports/reports/known-bandit.json', 'reports/reports/known-gitleaks.json']));
    for (const bytes of zip.values()) expect(bytes.toString('utf8')).not.toContain(secret);
  });

  it('a step that fails before a verdict (a setting refused) still says verdict error and should-fail true', async () => {
    const r = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/surrogate.json', phase: '3', 'upload-artifact': 'false' }, env: service.env, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error::phase: /);
    expect(r.outputs).toMatchObject({ verdict: 'error', 'should-fail': 'true' });
  });

  it('a lone surrogate in a report (JSON "\\ud800") is written, not a crash: outputs, SARIF and result', async () => {
    // Found by the parser fuzz suite: encodeURIComponent threw URIError in the SARIF's file URI
    // and in a pip-audit advisory link, and the step ended with an internal error and no outputs.
    const finding = { code: '1 import pickle \udc00\n', filename: 'app/a\ud800b.py', issue_confidence: 'HIGH', issue_severity: 'HIGH', issue_text: 'pickle \ud800', line_number: 1, test_id: 'B403', test_name: 'blacklist' };
    await writeFile(join(workspace, 'reports/surrogate.json'), JSON.stringify({ errors: [], generated_at: '2024-01-01T00:00:00Z', metrics: {}, results: [finding] }));
    const audit = { dependencies: [{ name: 'requests', version: '2.25.1', vulns: [{ id: 'PYSEC-\ud800', fix_versions: ['2.31.0'], aliases: [], description: 'x' }] }] };
    await writeFile(join(workspace, 'reports/surrogate-audit.json'), JSON.stringify(audit));
    const r = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/surrogate.json', 'pip-audit-report': 'reports/surrogate-audit.json', 'severity-source': 'off', 'output-dir': 'out-surrogate', 'upload-artifact': 'false' }, env: service.env, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(r.stdout + r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(r.outputs['verdict']).toBe('warn');
    expect(r.outputs['bandit-high']).toBe('1');
    const sarif = JSON.parse(readFileSync(join(workspace, 'out-surrogate/security-gate.sarif'), 'utf8'));
    const uris = sarif.runs.flatMap((run: { results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }) => run.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri));
    expect(uris).toContain('app/a%EF%BF%BDb.py');
    const result = JSON.parse(readFileSync(r.outputs['result-file']!, 'utf8'));
    expect(result.tools.map((t: { findings: unknown[] }) => t.findings.length)).toEqual([1, 1]);
  });

  it.each([[''], ['api']])('annotations and SARIF name only files the result names (scan-root %j, the example reports of all six tools)', async (scanRoot) => {
    const ex = join(REPO_ROOT, 'examples/reports');
    const names = { 'bandit-report': 'bandit-report.json', 'pip-audit-report': 'pip-audit.json', 'gitleaks-report': 'gitleaks-report.json', 'deptry-report': 'deptry.json', 'vulture-report': 'vulture.txt', 'mutmut-report': 'mutmut-cicd-stats.json' };
    await mkdir(join(workspace, 'examples'), { recursive: true });
    const inputs: Record<string, string> = { 'scan-root': scanRoot, annotations: 'all', phase: '2', 'output-dir': `out-paths-${scanRoot || 'none'}`, 'upload-artifact': 'false', 'severity-source': 'off' };
    for (const [input, name] of Object.entries(names)) {
      await copyFile(join(ex, name), join(workspace, 'examples', name));
      inputs[input] = `examples/${name}`;
    }
    const r = await runAction({ entry: ENTRY, workspace, inputs, env: service.env, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(r.outputs['result-file']!, 'utf8'));
    const paths = new Set<string>(result.tools.flatMap((t: { findings: Array<{ location?: { path: string } }> }) => t.findings.flatMap((f) => (f.location ? [f.location.path] : []))));
    expect(paths.size).toBeGreaterThan(10);
    if (scanRoot) for (const p of paths) expect(p.startsWith(`${scanRoot}/`) && !p.startsWith(`${scanRoot}/${scanRoot}/`)).toBe(true);
    const annotated = r.commands.filter((c) => ['error', 'warning', 'notice'].includes(c.command) && c.properties['file'] !== undefined).map((c) => c.properties['file']!);
    expect(annotated.length).toBeGreaterThan(0);
    for (const f of annotated) expect(paths).toContain(f);
    const sarif = JSON.parse(readFileSync(join(workspace, inputs['output-dir']!, 'security-gate.sarif'), 'utf8'));
    const uris = sarif.runs.flatMap((run: { results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } }; logicalLocations?: unknown }> }> }) =>
      run.results.filter((x) => x.locations[0]!.logicalLocations === undefined).map((x) => decodeURIComponent(x.locations[0]!.physicalLocation.artifactLocation.uri)),
    );
    expect(uris.length).toBeGreaterThan(10);
    // A finding without a file (a package, a mutation score) is placed at the report it came from.
    const reports = new Set(Object.values(names).map((n) => `examples/${n}`));
    for (const u of uris) expect(paths.has(u) || reports.has(u) ? u : `${u}: in neither the result's paths nor the reports`).toBe(u);
  });

  it('an artifact service failure is a warning; the verdict and outputs are still written', async () => {
    service.failNext('quota');
    const r = await runAction({ entry: ENTRY, workspace, inputs: { ...base, 'artifact-name': 'gate-fail' }, env: service.env, actionYml: join(REPO_ROOT, 'action.yml'), timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    expect(r.outputs.verdict).toBe('warn');
    expect(r.outputs['artifact-id']).toBe('');
    expect(r.commands.some((c) => c.command === 'warning' && /artifact/i.test(c.message))).toBe(true);
    expect(r.summary).toMatch(/upload failed/i);
    expect(r.summary).toMatch(/quota/i);
  }, 150_000);
});

describe('big reports: the same run in a worker thread', () => {
  // SECURITY_GATE_WORKER_MIN_BYTES=0 sends these small reports through the worker (engine/worker.ts),
  // so the path taken for 32 MiB and more is checked without writing 32 MiB.
  const inWorker = { SECURITY_GATE_WORKER_MIN_BYTES: '0' };
  const onMain = { SECURITY_GATE_WORKER_MIN_BYTES: '999999999999' };
  const stable = (outputs: Record<string, string>) =>
    Object.fromEntries(Object.entries(outputs).filter(([k]) => !/-file$|^artifact-/.test(k)));
  const notes = (stdout: string) => stdout.split('\n').filter((l) => /^::(error|warning|notice)/.test(l));

  it('gives the outputs, annotations, summary and exit code of the main-thread run', async () => {
    const inputs = { ...base, phase: '2', 'upload-artifact': 'false', 'fail-on-block': 'true' };
    const main = await runAction({ entry: ENTRY, workspace, inputs, env: onMain, actionYml: join(REPO_ROOT, 'action.yml') });
    const worker = await runAction({ entry: ENTRY, workspace, inputs, env: inWorker, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(main.stdout).not.toContain('worker thread');
    expect(worker.stdout).toMatch(/MiB of reports: read in a worker thread/);
    expect(worker.code).toBe(1);
    expect(main.code).toBe(1);
    expect(worker.outputs.verdict).toBe('block');
    expect(stable(worker.outputs)).toEqual(stable(main.outputs));
    expect(notes(worker.stdout)).toEqual(notes(main.stdout));
    expect(notes(worker.stdout).length).toBeGreaterThan(5);
    const summary = (s: string) => s.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T');
    expect(summary(worker.summary)).toEqual(summary(main.summary));
    expect(worker.runnerTempFiles).toEqual(main.runnerTempFiles);
    expect(worker.runnerTempFiles).toEqual(expect.arrayContaining(['security-gate/security-gate-result.json', 'security-gate/security-gate.sarif']));
  });

  it('a policy file reaches the worker: the same thresholds, phases and critical paths', async () => {
    await writeFile(
      join(workspace, 'policy.yml'),
      "phase: '1'\nphase-2-tools: [bandit]\ncritical-paths: ['**/*.py']\nthresholds:\n  bandit:\n    default: { high: warn, medium: info, low: info }\n    critical-path: { high: block, medium: block }\n",
    );
    const inputs = { ...base, 'policy-file': 'policy.yml', 'upload-artifact': 'false' };
    const main = await runAction({ entry: ENTRY, workspace, inputs, env: onMain, actionYml: join(REPO_ROOT, 'action.yml') });
    const worker = await runAction({ entry: ENTRY, workspace, inputs, env: inWorker, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(worker.stdout).toMatch(/read in a worker thread/);
    expect(worker.outputs.verdict).toBe('block');
    expect(Number(worker.outputs['blocking-count'])).toBe(36); // Bandit HIGH 15 + MEDIUM 21, every file critical
    expect(stable(worker.outputs)).toEqual(stable(main.outputs));
    expect(notes(worker.stdout)).toEqual(notes(main.stdout));
  });

  it('a malformed report or a bad input still fails the way it does on the main thread', async () => {
    const broken = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/broken.json', phase: '2', 'upload-artifact': 'false' }, env: inWorker, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(broken.code).toBe(0);
    expect(broken.outputs.verdict).toBe('error');
    expect(broken.stdout).toContain('reports/broken.json');
    expect(broken.stdout + broken.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    const outside = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/bandit.json', 'output-dir': '../elsewhere', 'upload-artifact': 'false' }, env: inWorker, actionYml: join(REPO_ROOT, 'action.yml') });
    expect(outside.stdout).toMatch(/read in a worker thread/);
    expect(outside.code).toBe(1);
    expect(outside.commands.filter((c) => c.command === 'error').map((c) => c.message).join('\n')).toContain('output-dir: got "../elsewhere"');
  });

  it('an output-dir it refuses is said before any work: no git runs, in the worker as on the main thread', async () => {
    // A review: a worker run started finding the change on the main thread (git, fetches from the
    // remote and all) before the worker checked where the outputs go, and the step then waited for git.
    const shim = await mkdtemp(join(tmpdir(), 'sg-git-shim-'));
    const calls = join(shim, 'calls');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    await writeFile(join(shim, 'git'), `#!/bin/sh\necho "$1" >> ${JSON.stringify(calls)}\nexec ${JSON.stringify(realGit)} "$@"\n`, { mode: 0o755 });
    const inputs = { 'bandit-report': 'reports/bandit.json', 'output-dir': '../elsewhere', 'upload-artifact': 'false' };
    const errors = (r: { commands: Array<{ command: string; message: string }> }) => r.commands.filter((c) => c.command === 'error').map((c) => c.message);
    for (const where of [onMain, inWorker]) {
      const r = await runAction({ entry: ENTRY, workspace, inputs, env: { ...where, PATH: `${shim}:${process.env.PATH}` }, actionYml: join(REPO_ROOT, 'action.yml') });
      expect(r.code).toBe(1);
      expect(r.outputs.verdict).toBe('error');
      expect(errors(r)).toEqual(['output-dir: got "../elsewhere"; expected a directory inside the workspace']);
      expect(existsSync(calls) ? readFileSync(calls, 'utf8') : '').toBe('');
    }
    await rm(shim, { recursive: true, force: true });
  });
});

describe('what the bundle loads at start-up (the cold start)', () => {
  // Each of these cost milliseconds of every run that did not need it (README, Performance):
  // zod (settings are checked by hand; waivers and severity lookups load it as a chunk), worker
  // threads (only for big reports), process.stdout (the action writes fd 1 directly).
  it('a Bandit-only run loads no worker_threads, no stream for stdout, and zod is not in the main bundle', async () => {
    const out = join(workspace, 'modules.json');
    const preload = join(workspace, 'modules-preload.cjs');
    await writeFile(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList)));\n`);
    const r = await runAction({ entry: ENTRY, workspace, inputs: { 'bandit-report': 'reports/bandit.json', 'upload-artifact': 'false', 'secret-scan': 'false' }, env: { NODE_OPTIONS: `--require ${preload}` } });
    expect(r.code).toBe(0);
    expect(r.outputs['bandit-high']).toBe('15');
    expect(r.commands.some((c) => c.command === 'warning')).toBe(true); // workflow commands still reach the runner
    const loaded = (JSON.parse(readFileSync(out, 'utf8')) as string[]).filter((m) => /^NativeModule (worker_threads|stream|net)$/.test(m));
    expect(loaded).toEqual([]);
    expect(readFileSync(ENTRY, 'utf8')).not.toContain('_zod');
  });
});

describe('file handling a review of the action shell found', () => {
  it('a report copy the artifact service refuses by name is said, not dropped in silence', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'sg-gate-names-'));
    try {
      await mkdir(join(ws, 'reports'));
      await copyFile(join(FIX, 'bandit/BahzingaDev__bandit-demo/bandit-report.json'), join(ws, 'reports/q?bandit.json'));
      const r = await runAction({ entry: ENTRY, workspace: ws, inputs: { 'bandit-report': 'reports/*bandit.json', 'artifact-name': 'gate-names', 'output-dir': 'out' }, env: service.env, actionYml: join(REPO_ROOT, 'action.yml') });
      expect(r.code).toBe(0);
      expect(r.outputs['artifact-id']).toMatch(/^\d+$/);
      const warned = r.commands.filter((c) => c.command === 'warning').map((c) => c.message);
      expect(warned.join('\n')).toContain('The artifact holds no copy of a file (skipped: reports/reports/q?bandit.json (path contains "?"');
      expect(r.summary).toContain('The artifact holds no copy of a file');
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  }, 60_000);

  it("a policy file's unknown key is quoted escaped in the step's error (no raw bidi override)", async () => {
    const ws = await mkdtemp(join(tmpdir(), 'sg-gate-policy-'));
    try {
      await writeFile(join(ws, 'policy.yml'), 'evil\u202eevil: 1\n');
      const r = await runAction({ entry: ENTRY, workspace: ws, inputs: { 'policy-file': 'policy.yml', 'upload-artifact': 'false' }, actionYml: join(REPO_ROOT, 'action.yml') });
      expect(r.code).toBe(1);
      const errors = r.commands.filter((c) => c.command === 'error').map((c) => c.message);
      expect(errors).toHaveLength(1);
      expect(errors[0]).not.toContain('\u202e');
      expect(errors[0]).toContain('[U+202E]');
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  }, 60_000);

  it('a copy that cannot be written is withheld with a warning, in a worker too (re-review)', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'sg-gate-copy-'));
    try {
      await mkdir(join(ws, 'reports'));
      await copyFile(join(FIX, 'bandit/BahzingaDev__bandit-demo/bandit-report.json'), join(ws, 'reports/bandit.json'));
      await mkdir(join(ws, 'out', 'reports', 'reports', 'bandit.json'), { recursive: true });
      for (const worker of ['0', '999999999999']) {
        const r = await runAction({ entry: ENTRY, workspace: ws, inputs: { 'bandit-report': 'reports/bandit.json', 'upload-artifact': 'false', 'output-dir': 'out' }, env: { SECURITY_GATE_WORKER_MIN_BYTES: worker }, actionYml: join(REPO_ROOT, 'action.yml') });
        expect({ worker, code: r.code, verdict: r.outputs.verdict }).toEqual({ worker, code: 0, verdict: 'warn' });
        expect(r.commands.filter((c) => c.command === 'warning').map((c) => c.message).join('\n')).toContain('EISDIR');
      }
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  }, 60_000);

  it('a directory committed at an output file name is a configuration error before any work, naming it', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'sg-gate-outdir-'));
    try {
      await mkdir(join(ws, 'reports'));
      await copyFile(join(FIX, 'bandit/BahzingaDev__bandit-demo/bandit-report.json'), join(ws, 'reports/bandit.json'));
      await mkdir(join(ws, 'out', 'security-gate-result.json'), { recursive: true });
      const r = await runAction({ entry: ENTRY, workspace: ws, inputs: { 'bandit-report': 'reports/bandit.json', 'upload-artifact': 'false', 'output-dir': 'out' }, actionYml: join(REPO_ROOT, 'action.yml') });
      expect(r.code).toBe(1);
      const errors = r.commands.filter((c) => c.command === 'error').map((c) => c.message);
      expect(errors).toEqual(['output-dir: `security-gate-result.json` is not a regular file']);
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  }, 60_000);
});
