import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { parseSettings } from '../../src/config/schema.js';
import { justfileRecipes } from '../../src/promotion/justfile.js';
import { readGateResult } from '../../src/promotion/result-read.js';
import {
  DEFAULT_ARTIFACT_NAME,
  parsePromotionSettings,
  PROMOTION_INPUT_DEFAULTS,
  PROMOTION_INPUTS,
  PROMOTION_OUTPUTS,
  RESULT_FILE_NAME,
} from '../../src/promotion/settings.js';
import { readZipEntry } from '../../src/promotion/zip.js';
import { gateResult } from './helpers/factory.js';
import { zipOf } from './helpers/fake-github.js';

describe('justfileRecipes', () => {
  it('finds recipes and aliases, not assignments, settings, comments or bodies', () => {
    const text = [
      'set shell := ["bash", "-cu"]',
      'export PY := "python3"',
      'reports := "reports:x"',
      '# api-security-commented:',
      '[private]',
      '@api-security-bandit:',
      '    bandit -r src',
      'api-security-audit target="req.txt" *flags: setup',
      '    pip-audit -r {{target}}',
      'alias hygiene := api-quality-security-hygiene',
      'api-quality-security-hygiene:',
      '  deptry .',
      '  not-a-recipe:',
    ].join('\r\n');
    expect(justfileRecipes(text).sort()).toEqual(['api-quality-security-hygiene', 'api-security-audit', 'api-security-bandit', 'hygiene']);
  });
});

describe('readZipEntry (zip-bomb guard)', () => {
  it('reads the result file, shallowest first', () => {
    const zip = zipOf({ 'sub/security-gate-result.json': 'deep', 'security-gate-result.json': 'top', 'bandit.json': '{}' });
    expect(readZipEntry(zip, 'security-gate-result.json', 1000)).toEqual({ ok: true, text: 'top', path: 'security-gate-result.json' });
  });
  it('refuses an entry that declares more than the cap, without inflating it', () => {
    const zip = zipOf({ 'security-gate-result.json': 'x'.repeat(2_000_000) });
    expect(zip.length).toBeLessThan(20_000);
    expect(readZipEntry(zip, 'security-gate-result.json', 1_000_000)).toEqual({ ok: false, reason: 'security-gate-result.json declares 2000000 bytes uncompressed, over the 1000000-byte limit' });
  });
  it('a header that lies about the size cannot make it allocate more than it declares', () => {
    const zip = zipOf({ 'security-gate-result.json': 'y'.repeat(2_000_000) });
    // Patch the central directory's uncompressed size (offset 24 of the 0x02014b50 record) to 100.
    const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    let patched = false;
    for (let i = zip.length - 22; i >= 0; i--) {
      if (dv.getUint32(i, true) === 0x02014b50) {
        dv.setUint32(i + 24, 100, true);
        patched = true;
        break;
      }
    }
    expect(patched).toBe(true);
    const r = readZipEntry(zip, 'security-gate-result.json', 1000);
    expect(r.ok ? r.text.length : 0).toBeLessThanOrEqual(100);
  });
  it('two entries it cannot tell apart are ambiguous: no data, nothing inflated (found by a promotion review)', () => {
    // The same name twice (the second a 600 MB bomb or the clean copy of a dirty result): the last
    // one used to win, past the size check made on the first.
    const zip = zipOf({ 'security-gate-result.json': 'dirty', 'xecurity-gate-result.json': ' '.repeat(2_000_000) });
    const from = new TextEncoder().encode('xecurity-gate-result.json');
    for (let i = 0; i + from.length <= zip.length; i++) {
      if (from.every((b, k) => zip[i + k] === b)) zip[i] = 's'.charCodeAt(0);
    }
    expect(readZipEntry(zip, 'security-gate-result.json', 1000)).toEqual({ ok: false, reason: 'the artifact has 2 entries that could be the security-gate-result.json ("security-gate-result.json", "security-gate-result.json"): ambiguous' });
    // A backslash is a separator too: `reports\x` is deeper than the root entry, and two at one depth tie.
    expect(readZipEntry(zipOf({ 'security-gate-result.json': 'top', 'reports\\security-gate-result.json': 'other' }), 'security-gate-result.json', 1000)).toMatchObject({ ok: true, text: 'top' });
    expect(readZipEntry(zipOf({ 'a/security-gate-result.json': '1', 'b\\security-gate-result.json': '2' }), 'security-gate-result.json', 1000).ok).toBe(false);
  });
  it('says plainly when the file is absent or the bytes are no zip', () => {
    expect(readZipEntry(zipOf({ 'a.json': '{}' }), 'security-gate-result.json', 10)).toEqual({ ok: false, reason: 'the artifact has no security-gate-result.json' });
    expect(readZipEntry(new TextEncoder().encode('nope'), 'security-gate-result.json', 10).ok).toBe(false);
  });
});

describe('readGateResult', () => {
  it('keeps what promotion needs from a valid result', () => {
    const r = readGateResult(JSON.stringify(gateResult({ bandit: { findings: [{ fingerprint: 'f', severity: 'high', inChange: true }] } })), 'r.json');
    expect(r.ok && r.data.tools[0]).toMatchObject({ tool: 'bandit', status: 'ok', severity: { high: 1 }, findings: [{ fingerprint: 'f', disposition: 'warn', inChange: true }] });
  });
  it('ignores unknown tools and fields, refuses prototype tricks by construction', () => {
    const g = gateResult({ bandit: {} }) as unknown as Record<string, unknown> & { tools: unknown[] };
    g.tools.push({ ...(g.tools[0] as object), tool: 'semgrep' });
    const text = JSON.stringify({ ...g, extra: 1 }).replace('"tools":', '"__proto__":{"polluted":true},"tools":');
    const r = readGateResult(text, 'r.json');
    expect(r.ok && r.data.unknownTools).toEqual(['semgrep']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('names the place of the first problem', () => {
    const g = gateResult({ bandit: { findings: [{ fingerprint: 'f' }] } });
    (g.tools[0]!.findings[0] as unknown as Record<string, unknown>).disposition = 'ignored';
    const r = readGateResult(JSON.stringify(g), 'r.json');
    expect(r.ok ? '' : r.reason).toMatch(/^r\.json: \$\.tools\[0\]\.findings\[0\]\.disposition: /);
    const twice = gateResult({ bandit: {} });
    twice.tools.push(twice.tools[0]!);
    expect(readGateResult(JSON.stringify(twice), 'r.json')).toEqual({ ok: false, reason: 'r.json: $.tools[1].tool: "bandit" appears twice' });
  });
});

describe('promotion settings', () => {
  const env = { GITHUB_REPOSITORY: 'acme/api', GITHUB_WORKFLOW_REF: 'acme/api/.github/workflows/security.yml@refs/heads/main', GITHUB_TOKEN: 't' };
  it('defaults from the issue and the environment', () => {
    expect(parsePromotionSettings({}, env)).toEqual({
      'github-token': 't',
      repository: 'acme/api',
      workflow: 'security.yml',
      branch: 'main',
      events: ['push', 'schedule', 'workflow_dispatch'],
      window: 10,
      'stable-runs': 5,
      'max-runs': 30,
      'artifact-name': 'security-gate-reports',
      strict: false,
      'output-dir': '.',
      'justfile-recipes': ['api-security-bandit', 'api-security-audit', 'api-quality-security-hygiene'],
    });
  });
  it('inputs win; an empty input means the default', () => {
    const s = parsePromotionSettings({ workflow: '1234', window: '20', tools: 'pip-audit, bandit', strict: 'true', branch: '' }, env);
    expect(s).toMatchObject({ workflow: '1234', window: 20, 'max-runs': 60, tools: ['bandit', 'pip-audit'], strict: true, branch: 'main' });
  });
  it('messages name the input, the value and the form expected', () => {
    expect(() => parsePromotionSettings({ tools: 'bandit,semgrep' }, env)).toThrow('tools: unknown tool "semgrep"; expected any of bandit, pip-audit, gitleaks, deptry, vulture, mutmut, secret-scan');
    expect(() => parsePromotionSettings({ strict: 'maybe' }, env)).toThrow('strict: got "maybe"; expected true or false');
    expect(() => parsePromotionSettings({ 'max-runs': '3' }, env)).toThrow('max-runs: got 3; expected at least window (10) and stable-runs (5)');
    expect(() => parsePromotionSettings({ workflow: '../x' }, env)).toThrow('workflow: expected a workflow file name such as ci.yml, or its numeric id');
    expect(parsePromotionSettings({ events: 'push\nworkflow_run' }, env).events).toEqual(['push', 'workflow_run']);
    for (const events of ['push, pull_request_target', 'Push!', ',']) expect(() => parsePromotionSettings({ events }, env)).toThrow(/^events: expected event names such as push/);
    expect(parsePromotionSettings({ branch: 'release/1.x' }, env).branch).toBe('release/1.x');
    for (const branch of ['a/../b', 'a b', '/main', 'main/', 'x?y', 'a..b']) expect(() => parsePromotionSettings({ branch }, env)).toThrow(/^branch: expected a branch name/);
    expect(() => parsePromotionSettings({}, { GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'a/b' })).toThrow('workflow: missing');
    expect(() => parsePromotionSettings({}, { GITHUB_REPOSITORY: 'a/b', GITHUB_WORKFLOW_REF: env.GITHUB_WORKFLOW_REF })).toThrow('github-token: missing');
  });
  it('uses the gate\'s artifact name and result file', () => {
    expect(DEFAULT_ARTIFACT_NAME).toBe(parseSettings([{}])['artifact-name']);
    expect(RESULT_FILE_NAME).toBe('security-gate-result.json');
  });
});

describe('promotion/action.yml', () => {
  it('documents every input and output the code knows, with the same defaults', async () => {
    const y = parseYaml(await readFile(new URL('../../promotion/action.yml', import.meta.url), 'utf8')) as {
      inputs: Record<string, { description: string; default?: string; required?: boolean }>;
      outputs: Record<string, { description: string }>;
      runs: { using: string; main: string };
    };
    expect(Object.keys(y.inputs)).toEqual(Object.keys(PROMOTION_INPUTS));
    for (const [k, v] of Object.entries(y.inputs)) {
      expect(v.description).toBe(PROMOTION_INPUTS[k as keyof typeof PROMOTION_INPUTS]);
      expect(v.default).toBe(PROMOTION_INPUT_DEFAULTS[k as keyof typeof PROMOTION_INPUTS]);
      expect(v.required).toBe(false);
    }
    expect(Object.fromEntries(Object.entries(y.outputs).map(([k, v]) => [k, v.description]))).toEqual(PROMOTION_OUTPUTS);
    expect(y.runs).toEqual({ using: 'node24', main: '../dist/promotion/index.js' });
  });
});
