/**
 * Follow-ups of an adversarial review of secrets reaching an output channel: each scenario runs
 * the real engine (runEngine) and the artifact staging on a temp workspace, and looks for the
 * secret in the result JSON (what the result file, `--json` and the artifact carry) and in the
 * artifact's report copies. Each failed before its fix.
 */
import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Change } from '../../src/change/diff.js';
import { parseSettings } from '../../src/config/schema.js';
import { runEngine, type EngineRun } from '../../src/engine/run.js';
import { copyBanditRedacted, redactedCopyJob, stageReports, type RedactedCopyJob } from '../../src/engine/stage.js';
import { scanChange } from '../../src/policy/secret-scan.js';
import { encodedForms, salvageGitleaksSecrets } from '../../src/reports/gitleaks/parser.js';
import { passwordLiterals } from '../../src/reports/bandit/common.js';
import { secretForms, SecretScrubber } from '../../src/util/redact.js';
import { scratchDir } from '../helpers/scratch.js';

function banditResult(o: { test_id: string; test_name: string; line: number; code: string; text: string; file?: string }) {
  return {
    code: o.code,
    col_offset: 4,
    end_col_offset: 40,
    filename: o.file ?? 'app/auth.py',
    issue_confidence: 'HIGH',
    issue_cwe: { id: 78, link: 'https://cwe.mitre.org/data/definitions/78.html' },
    issue_severity: 'LOW',
    issue_text: o.text,
    line_number: o.line,
    line_range: [o.line],
    more_info: `https://bandit.readthedocs.io/en/1.7.10/plugins/${o.test_id.toLowerCase()}_${o.test_name}.html`,
    test_id: o.test_id,
    test_name: o.test_name,
  };
}
const banditDoc = (results: unknown[]) => `${JSON.stringify({ errors: [], generated_at: '2026-01-01T00:00:00Z', metrics: {}, results }, null, 2)}\n`;

function leak(o: { rule: string; secret: string; match?: string; file: string; line: number; tags?: string[] }) {
  return {
    RuleID: o.rule,
    Description: o.rule,
    StartLine: o.line,
    EndLine: o.line,
    StartColumn: 1,
    EndColumn: 40,
    Match: o.match ?? o.secret,
    Secret: o.secret,
    File: o.file,
    Commit: '',
    Entropy: 4,
    Author: '',
    Email: '',
    Date: '',
    Message: '',
    Tags: o.tags ?? [],
    Fingerprint: `${o.file}:${o.rule}:${o.line}`,
  };
}

function knownChange(path: string, line: number, text: string): Change {
  return {
    known: true,
    base: 'a'.repeat(40),
    head: 'b'.repeat(40),
    diffBase: 'a'.repeat(40),
    source: 'pull_request',
    mode: 'three-dot',
    addedLinesComplete: true,
    notes: [],
    files: [{ path, status: 'modified', binary: false, addedLines: [{ line, text }] }],
  } as unknown as Change;
}

/** Runs the engine on `files` (name -> content) and stages the artifact's copies, redacted. */
async function run(files: Record<string, string>, inputs: Record<string, string>, change?: Change): Promise<{ run: EngineRun; json: string; copies: Record<string, string> }> {
  const ws = scratchDir('sg-leaks-');
  for (const [name, text] of Object.entries(files)) await writeFile(join(ws, name), text);
  const r = await runEngine(parseSettings([inputs]), { workspace: ws, now: new Date('2026-12-07T00:00:00Z'), change });
  const staged = await stageReports({ outDir: join(ws, 'out'), workspace: ws, result: r.result, reports: r.reports, redact: true, knownSecrets: r.knownSecrets });
  const copies: Record<string, string> = {};
  for (const name of Object.keys(files)) {
    const f = staged.find((s) => s.endsWith(`/${name}`));
    if (f) copies[name] = await readFile(f, 'utf8');
  }
  return { run: r, json: JSON.stringify(r.result), copies };
}

describe('a Bandit B105-B107 password is a known secret', () => {
  const PW = 'hunter2hunter2';
  const l10 = '10 def login(user, password):\n';
  const l11 = `11     if password == "${PW}":\n`;
  const l12 = '12         subprocess.call("sync", shell=True)\n';
  const l13 = '13     return False\n';
  const bandit = banditDoc([
    banditResult({ test_id: 'B105', test_name: 'hardcoded_password_string', line: 11, code: l10 + l11 + l12, text: `Possible hardcoded password: '${PW}'` }),
    banditResult({ test_id: 'B602', test_name: 'subprocess_popen_with_shell_equals_true', line: 12, code: l11 + l12 + l13, text: 'subprocess call with shell=True identified, security issue.' }),
  ]);
  // mutmut 2 junitxml: the flagged line in <system-out> and in a survived mutant's diff.
  const mutmut = `<?xml version="1.0" ?>
<testsuites disabled="0" errors="0" failures="1" tests="2" time="0.0">
\t<testsuite disabled="0" errors="0" failures="1" name="mutmut" skipped="0" tests="2" time="0">
\t\t<testcase name="Mutant #1" file="app/auth.py" line="11">
\t\t\t<system-out>    if password == &quot;${PW}&quot;:</system-out>
\t\t</testcase>
\t\t<testcase name="Mutant #2" file="app/auth.py" line="11">
\t\t\t<failure message="bad_survived" type="failure">--- app/auth.py
+++ app/auth.py
@@ -8,7 +8,7 @@
-    if password == "${PW}":
+    if password != "${PW}":
</failure>
\t\t\t<system-out>    if password == "${PW}":</system-out>
\t\t</testcase>
\t</testsuite>
</testsuites>
`;

  it('is scrubbed from the neighbouring result that quotes its line, and from the Bandit and mutmut copies', async () => {
    const { run: r, json, copies } = await run({ 'bandit.json': bandit, 'mutmut.xml': mutmut }, { 'bandit-report': 'bandit.json', 'mutmut-report': 'mutmut.xml', phase: '2' });
    const b602 = r.result.tools.find((t) => t.tool === 'bandit')!.findings.find((f) => f.ruleId === 'B602')!;
    expect(b602.snippet).toContain('if password == ****(redacted, 16 chars):');
    expect(json).not.toContain(PW);
    expect(copies['bandit.json']).not.toContain(PW);
    expect(copies['mutmut.xml']).not.toContain(PW);
    expect(copies['mutmut.xml']).toContain('<system-out>'); // scrubbed, not withheld
  });

  it('stays out of the copy written by another thread (the job is cloned, its passwords named in it)', async () => {
    const ws = scratchDir('sg-leaks-');
    await writeFile(join(ws, 'bandit.json'), bandit);
    const r = await runEngine(parseSettings([{ 'bandit-report': 'bandit.json' }]), { workspace: ws, now: new Date('2026-12-07T00:00:00Z') });
    const jobs: unknown[] = [];
    const copier = async (job: RedactedCopyJob) => {
      const clone: unknown = structuredClone(job);
      jobs.push(clone);
      await copyBanditRedacted(redactedCopyJob(clone)!);
    };
    const staged = await stageReports({ outDir: join(ws, 'out'), workspace: ws, result: r.result, reports: r.reports, redact: true, knownSecrets: r.knownSecrets, copier });
    expect(jobs).toHaveLength(1);
    const copy = await readFile(staged.find((f) => f.endsWith('/bandit.json'))!, 'utf8');
    expect(copy).not.toContain(PW);
    expect(JSON.parse(copy).results[1].code).toContain('subprocess.call("sync", shell=True)');
  });

  it('is known quoted, so a password that is a common word masks that literal, not the word in titles and paths', async () => {
    const code = '5 PASSWORD_FIELD = "password"\n';
    const doc = banditDoc([
      banditResult({ test_id: 'B105', test_name: 'hardcoded_password_string', line: 5, code, text: "Possible hardcoded password: 'password'", file: 'app/password_reset.py' }),
      banditResult({ test_id: 'B303', test_name: 'blacklist', line: 6, code: '6 h = md5(form["password"])\n', text: 'Use of insecure MD2, MD4, MD5, or SHA1 hash function.', file: 'app/password_reset.py' }),
    ]);
    const { run: r } = await run({ 'bandit.json': doc }, { 'bandit-report': 'bandit.json' });
    const b303 = r.result.tools[0]!.findings.find((f) => f.ruleId === 'B303')!;
    expect(b303.location?.path).toBe('app/password_reset.py');
    expect(b303.snippet).toBe('6 h = md5(form[****(redacted, 10 chars)])\n');
    expect(b303.title).toBe('Use of insecure MD2, MD4, MD5, or SHA1 hash function.');
  });

  it('is known from a streamed report too (read in pieces)', async () => {
    const results = Array.from({ length: 6_000 }, (_, i) =>
      i === 10
        ? banditResult({ test_id: 'B105', test_name: 'hardcoded_password_string', line: 11, code: l11, text: `Possible hardcoded password: '${PW}'` })
        : banditResult({ test_id: 'B602', test_name: 'subprocess_popen_with_shell_equals_true', line: 12 + i, code: `${l11}${l12}${'#'.repeat(600)}\n`, text: 'subprocess call with shell=True identified, security issue.' }),
    );
    const doc = banditDoc(results);
    expect(doc.length).toBeGreaterThan(4 * 1024 * 1024);
    const { json } = await run({ 'bandit.json': doc }, { 'bandit-report': 'bandit.json' });
    expect(json).not.toContain(PW);
  });
});

describe('a report\'s own secrets, found in one result and quoted in another (a re-review)', () => {
  it('the secret scan masks a value found on one added line where another added line quotes it', () => {
    const report = scanChange([
      {
        path: 'app/settings.py',
        status: 'modified',
        binary: false,
        addedLines: [
          { line: 3, text: 'API_TOKEN = "Zq8vLm3pR7tYw2Kx9"' },
          { line: 4, text: 'DB_PASSWORD = "Another9Secret8Val"  # was Zq8vLm3pR7tYw2Kx9' },
        ],
      },
    ]);
    expect(report.findings.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(report.findings)).not.toContain('Zq8vLm3pR7tYw2Kx9');
  });

  it('a long name cut in the title or `extra` keeps no start of another line\'s secret', () => {
    const TOKEN = 'Zq8vLm3pR7tYw2Kx9';
    const report = scanChange([
      {
        path: 'app/settings.py',
        status: 'modified',
        binary: false,
        addedLines: [
          { line: 3, text: `API_TOKEN = "${TOKEN}"` },
          { line: 4, text: `${'a'.repeat(50)}${TOKEN}_password = "Another9Secret8Val"` },
        ],
      },
    ]);
    expect(report.findings.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(report.findings)).not.toContain(TOKEN.slice(0, 6));
  });

  it('the Bandit copy loses a password quoted in another file (a positional argument B106 does not flag)', async () => {
    const PW = 'hunter2hunter2';
    const doc = banditDoc([
      banditResult({ test_id: 'B105', test_name: 'hardcoded_password_string', line: 3, code: `3 ADMIN_PASSWORD = "${PW}"\n`, text: `Possible hardcoded password: '${PW}'`, file: 'app/settings.py' }),
      banditResult({ test_id: 'B101', test_name: 'assert_used', line: 9, code: `9     assert login(client, "admin", "${PW}")\n`, text: 'Use of assert detected.', file: 'tests/test_login.py' }),
      banditResult({ test_id: 'B101', test_name: 'assert_used', line: 12, code: '12     assert logout(client)\n', text: 'Use of assert detected.', file: 'tests/test_login.py' }),
    ]);
    const { json, copies } = await run({ 'bandit.json': doc }, { 'bandit-report': 'bandit.json' });
    expect(json).not.toContain(PW);
    expect(copies['bandit.json']).not.toContain(PW);
    // Only what may quote it is rewritten: the unrelated result keeps its code.
    expect(JSON.parse(copies['bandit.json']!).results[2].code).toBe('12     assert logout(client)\n');
  });

  it('a gitleaks CSV or JUnit report that cannot be read still gives up its secrets', async () => {
    const TOKEN = 'SKf3c9a1d07be24e6c9f1a08b37d5e2c4a';
    const csv = `RuleID,Commit,File,SymlinkFile,Secret,Match,StartLine,EndLine\ntwilio-api-key,abc,app/sms.py,,${TOKEN},"TWILIO_KEY = ""${TOKEN}""",8,8\n`;
    expect(salvageGitleaksSecrets(csv)).toEqual(expect.arrayContaining([TOKEN, `TWILIO_KEY = "${TOKEN}"`]));
    const junit = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="gitleaks"><testcase name="twilio"><failure message="leak" type="twilio-api-key">{&#34;RuleID&#34;:&#34;twilio-api-key&#34;,&#34;Secret&#34;:&#34;${TOKEN}&#34;}</failure></testcase></testsuite></testsuites>\n`;
    expect(salvageGitleaksSecrets(junit)).toContain(TOKEN);
    const code = `7 import random\n8 TWILIO_KEY = "${TOKEN}"\n9 n = random.random()\n`;
    const { run: r, json } = await run(
      {
        'bandit.json': banditDoc([banditResult({ test_id: 'B311', test_name: 'blacklist', line: 9, code, text: 'Standard pseudo-random generators are not suitable for security/cryptographic purposes.', file: 'app/sms.py' })]),
        'gitleaks.csv': csv,
      },
      { 'bandit-report': 'bandit.json', 'gitleaks-report': 'gitleaks.csv' },
    );
    expect(r.result.tools.find((t) => t.tool === 'gitleaks')!.status).toBe('error');
    expect(json).not.toContain(TOKEN);
  });
});

describe('Bandit passwords in every form the code may hold them (a second re-review)', () => {
  function pair(pwSource: string, pwMessage: string): string {
    const l10 = '10 def login(user, password):\n';
    const l11 = `11     if password == ${pwSource}:\n`;
    const l12 = '12         subprocess.call("sync", shell=True)\n';
    const l13 = '13     return False\n';
    return banditDoc([
      banditResult({ test_id: 'B105', test_name: 'hardcoded_password_string', line: 11, code: l10 + l11 + l12, text: `Possible hardcoded password: '${pwMessage}'` }),
      banditResult({ test_id: 'B602', test_name: 'subprocess_popen_with_shell_equals_true', line: 12, code: l11 + l12 + l13, text: 'subprocess call with shell=True identified, security issue.' }),
    ]);
  }
  const cases: Array<[string, string, string]> = [
    ['an apostrophe, in double quotes', "it's-Hunter2-Hunter2", `"it's-Hunter2-Hunter2"`],
    ['a backslash, in a raw string', 'C:\\Hunter2Hunter2', 'r"C:\\Hunter2Hunter2"'],
    ['a backslash, escaped', 'C:\\Hunter2Hunter2', '"C:\\\\Hunter2Hunter2"'],
    ['a double quote, escaped in double quotes', 'say"Hunter2Hunter2', '"say\\"Hunter2Hunter2"'],
  ];
  it('a password under 6 characters is left in the code around it (real reports flag \'POST\' and \'Pass\' by the hundred)', async () => {
    const { run: r } = await run({ 'bandit.json': pair('"POST"', 'POST') }, { 'bandit-report': 'bandit.json' });
    expect(r.result.tools[0]!.findings.find((f) => f.ruleId === 'B602')!.snippet).toContain('if password == "POST":');
    // Counted on the password, not on its escaped forms (three newlines escape to eight characters).
    for (const pw of ['\n\n\n', '\\\\\\', 'a"b"', 'POST']) expect(passwordLiterals('B105', `Possible hardcoded password: '${pw}'`)).toEqual([]);
    expect(passwordLiterals('B105', `Possible hardcoded password: 'ab"cdef'`)).toEqual(['"ab\\"cdef"', `'ab"cdef'`]);
  });
  for (const [name, pw, source] of cases) {
    it(`holding ${name}: out of the neighbour's snippet and the copy`, async () => {
      const { run: r, copies } = await run({ 'bandit.json': pair(source, pw) }, { 'bandit-report': 'bandit.json' });
      const b602 = r.result.tools[0]!.findings.find((f) => f.ruleId === 'B602')!;
      expect(b602.snippet).toContain('if password == ');
      expect(b602.snippet).not.toContain(source);
      expect(JSON.parse(copies['bandit.json']!).results[1].code).not.toContain(source);
    });
  }
});

describe('a salvaged gitleaks secret found decoded is known in its encodings too', () => {
  const SECRET = 'sk_live_decodedSecret1234';
  const B64 = Buffer.from(SECRET).toString('base64');
  const bandit = banditDoc([banditResult({ test_id: 'B303', test_name: 'blacklist', line: 9, code: `9 cfg = b64decode("${B64}")\n`, text: 'Use of insecure MD2, MD4, MD5, or SHA1 hash function.', file: 'app/cfg.py' })]);
  const entry = { ...leak({ rule: 'stripe-access-token', secret: SECRET, file: 'app/cfg.py', line: 9, tags: ['decoded:base64', 'decode-depth:1'] }) };
  const csv = `RuleID,Commit,File,SymlinkFile,Secret,Match,StartLine,EndLine,StartColumn,EndColumn,Author,Message,Date,Email,Fingerprint,Tags\nstripe-access-token,,app/cfg.py,,${SECRET},${SECRET},9,9,20,60,,,,,app/cfg.py:stripe-access-token:9,decoded:base64 decode-depth:1\n`;
  const junitData = JSON.stringify(entry, null, '\t').replace(/"/g, '&#34;').replace(/\n/g, '&#xA;').replace(/\t/g, '&#x9;');
  const junit = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n\t<testsuite failures="1" name="gitleaks" tests="1" time="">\n\t\t<testcase classname="Stripe" file="app/cfg.py" name="x" time="">\n\t\t\t<failure message="x" type="Stripe">${junitData}</failure>\n\t\t</testcase>\n\t</testsuite>\n</testsuites>\n`;
  const broken = JSON.stringify([entry, { RuleID: 'generic', Secret: 42 }]);
  for (const [name, file, report] of [
    ['CSV', 'gitleaks.csv', csv],
    ['JUnit', 'gitleaks.xml', junit],
    ['JSON that fails to parse', 'gitleaks.json', broken],
  ] as const) {
    it(`${name}: the base64 it was decoded from stays out of the Bandit finding and copy`, async () => {
      const { run: r, json, copies } = await run({ [file]: report, 'bandit.json': bandit }, { 'gitleaks-report': file, 'bandit-report': 'bandit.json' });
      expect(r.result.tools.find((t) => t.tool === 'gitleaks')!.status).toBe('error');
      expect(json).not.toContain(B64.slice(0, 24));
      expect(copies['bandit.json']).not.toContain(B64.slice(0, 24));
    });
  }
});

describe('snippets cut before other reports\' secrets are known', () => {
  it('lose the start of a gitleaks secret the Bandit snippet cap cut in two', async () => {
    const TOKEN = `SK${'0123456789abcdef0123456789abcdef'.split('').reverse().join('')}`;
    const prefix = '41 resp = requests.post("https://api.example.com/v1/messages", data={"to": "+15550100", "from": "+15550101", "body": "hello"}, headers={"X-Tenant": "acme-production-eu-west-1", "X-Trace": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "X-Twilio": "';
    const code = `40 import requests\n${prefix}${TOKEN}"})\n42 print(resp)\n`;
    // The 300-character cap falls inside the token.
    expect(code.indexOf(TOKEN)).toBeLessThan(299);
    expect(code.indexOf(TOKEN) + TOKEN.length).toBeGreaterThan(299);
    const { run: r, json } = await run(
      {
        'bandit.json': banditDoc([banditResult({ test_id: 'B113', test_name: 'request_without_timeout', line: 41, code, text: 'Call to requests without timeout', file: 'app/sms.py' })]),
        'gitleaks.json': JSON.stringify([leak({ rule: 'twilio-api-key', secret: TOKEN, file: 'app/sms.py', line: 41 })]),
      },
      { 'bandit-report': 'bandit.json', 'gitleaks-report': 'gitleaks.json' },
    );
    expect(r.knownSecrets).toContain(TOKEN);
    expect(json).not.toContain(TOKEN.slice(0, 8));
    expect(r.result.tools.find((t) => t.tool === 'bandit')!.findings[0]!.snippet).toMatch(/"X-Twilio": "SK\*\*\*\*\(redacted, 20 chars\)…$/);
  });
});

describe('gitleaks', () => {
  it('a report that fails to parse half way still keeps its secrets out of the other tools\' findings and copies', async () => {
    const TOKEN = 'SKf3c9a1d07be24e6c9f1a08b37d5e2c4a';
    const code = `7 import random\n8 TWILIO_KEY = "${TOKEN}"\n9 n = random.random()\n`;
    const bad = { ...leak({ rule: 'generic-api-key', secret: 'abcdefghijk', file: 'b.py', line: 12 }), StartLine: '12' };
    for (const gitleaks of [JSON.stringify([leak({ rule: 'twilio-api-key', secret: TOKEN, file: 'app/sms.py', line: 8 }), bad]), `[${JSON.stringify(leak({ rule: 'twilio-api-key', secret: TOKEN, file: 'app/sms.py', line: 8 }))}, {"RuleID": "trunc`]) {
      const { run: r, json, copies } = await run(
        {
          'bandit.json': banditDoc([banditResult({ test_id: 'B311', test_name: 'blacklist', line: 9, code, text: 'Standard pseudo-random generators are not suitable for security/cryptographic purposes.', file: 'app/sms.py' })]),
          'gitleaks.json': gitleaks,
        },
        { 'bandit-report': 'bandit.json', 'gitleaks-report': 'gitleaks.json' },
      );
      expect(r.result.tools.find((t) => t.tool === 'gitleaks')!.status).toBe('error');
      expect(json).not.toContain(TOKEN);
      expect(copies['bandit.json']).not.toContain(TOKEN);
    }
  });

  it('salvages Secret, Match, offender and SARIF snippet texts, parsed or not', () => {
    expect(salvageGitleaksSecrets('[{"Secret": "s3cr3t-value-1", "Match": "key = s3cr3t-value-1", "x": "not-a-secret-at-all"}]').sort()).toEqual(['key = s3cr3t-value-1', 's3cr3t-value-1']);
    expect(salvageGitleaksSecrets('[{"offender": "old-style-secret", "line": 3}, {"Secret": "tail\\"quoted\\" one", "Start')).toEqual(['old-style-secret', 'tail"quoted" one']);
    expect(salvageGitleaksSecrets('{"runs": [{"results": [{"locations": [{"physicalLocation": {"region": {"snippet": {"text": "sarif-secret-value"}}}}]}]}]}')).toEqual(['sarif-secret-value']);
    expect(salvageGitleaksSecrets('not json at all')).toEqual([]);
  });

  it('a short secret on a line shared with another finding is not shown in that finding\'s snippet', async () => {
    const A = 'AKIAZ7Q4XN2MW5TR3P6K';
    const B = 'Qx7#pw';
    const match = `aws_key_id=${A} db_pw=${B}`;
    const { run: r } = await run(
      { 'gitleaks.json': JSON.stringify([leak({ rule: 'aws-access-token', secret: A, match, file: '.env', line: 3 }), leak({ rule: 'db-password', secret: B, match, file: '.env', line: 3 })]) },
      { 'gitleaks-report': 'gitleaks.json' },
    );
    const snippets = r.result.tools[0]!.findings.map((f) => f.snippet ?? '');
    expect(snippets).toHaveLength(2);
    for (const s of snippets) {
      expect(s).not.toContain(B);
      expect(s).not.toContain(A);
    }
  });

  it('a secret found decoded is known in the encodings it was decoded from (base64 at any alignment, hex, percent)', async () => {
    const SECRET = 'ghp_R7kQ2mX9vL4pT8wN3zB6yH1cJ5fD0sA2eG7u';
    const B64 = Buffer.from(SECRET).toString('base64');
    const code = `3 import pickle\n4 BLOB = "${B64}"\n5 obj = pickle.loads(data)\n`;
    const { json, copies } = await run(
      {
        'bandit.json': banditDoc([banditResult({ test_id: 'B301', test_name: 'blacklist', line: 5, code, text: 'Pickle and modules that wrap it can be unsafe when used to deserialize untrusted data, possible security issue.', file: 'app/cfg.py' })]),
        'gitleaks.json': JSON.stringify([leak({ rule: 'github-pat', secret: SECRET, file: 'app/cfg.py', line: 4, tags: ['decoded:base64', 'decode-depth:1'] })]),
      },
      { 'bandit-report': 'bandit.json', 'gitleaks-report': 'gitleaks.json' },
    );
    expect(json).not.toContain(B64.slice(0, 16));
    expect(copies['bandit.json']).not.toContain(B64.slice(0, 16));
    // Inside a longer encoded value, whatever the bytes around it: most of it is masked.
    const scrubber = new SecretScrubber(encodedForms(SECRET, 'decoded:base64'));
    for (const before of ['', 'x', 'xy']) for (const after of ['', 'z']) {
      const enc = Buffer.from(`${before}${SECRET}${after}`).toString('base64');
      expect(scrubber.has(enc)).toBe(true);
    }
    expect(encodedForms(SECRET, 'decoded:hex')).toContain(Buffer.from(SECRET).toString('hex'));
    expect(encodedForms('a b/c', 'decoded:percent')).toEqual(['a%20b%2Fc', 'a%20b%2fc', 'a%20b/c', '%61%20%62%2F%63', '%61%20%62%2f%63']);
    // Python's quote() keeps `/` and escapes `!*'()`; lower-case hex as some encoders write it.
    const pw = 'p@ss!w0rd/Tr0ub4dor*3';
    const scrub = new SecretScrubber(encodedForms(pw, 'decoded:percent'));
    for (const enc of ['p%40ss%21w0rd/Tr0ub4dor%2A3', 'p%40ss%21w0rd%2fTr0ub4dor%2a3', encodeURIComponent(pw)]) expect(scrub.has(`x=${enc}&y`)).toBe(true);
    expect(encodedForms(SECRET, 'rule:x')).toEqual([]);
  });
});

describe('the secret scan', () => {
  it('takes the whole body of a one-line private key as the secret, not its first line', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const body = pem.trim().split('\n').slice(1, -1);
    // As a GCP service-account key file holds it: one JSON line, newlines escaped.
    const report = scanChange([{ path: 'deploy/sa-key.json', status: 'added', binary: false, addedLines: [{ line: 5, text: `  "private_key": ${JSON.stringify(pem)},` }] }]);
    expect(report.findings).toHaveLength(1);
    for (const l of body) expect(report.findings[0]!.snippet).not.toContain(l.slice(0, 16));
    expect(report.knownSecrets).toEqual([body.join('\\n')]);
  });

  it('a secret with XML-special characters is scrubbed from a junitxml copy (XML-escaped forms), and DEL as Python escapes it', async () => {
    const PW = 'Tr0ub&dor&3xQ9';
    const xml = PW.replace(/&/g, '&amp;');
    const mutmut = `<?xml version="1.0" ?>
<testsuites disabled="0" errors="0" failures="1" tests="1" time="0.0">
\t<testsuite disabled="0" errors="0" failures="1" name="mutmut" skipped="0" tests="1" time="0">
\t\t<testcase name="Mutant #1" file="app/settings.py" line="3">
\t\t\t<failure message="bad_survived" type="failure">--- app/settings.py
+++ app/settings.py
@@ -1,5 +1,5 @@
-DB_PASSWORD = "${xml}"
+DB_PASSWORD = "XX${xml}XX"
</failure>
\t\t\t<system-out>DB_PASSWORD = "${xml}"</system-out>
\t\t</testcase>
\t</testsuite>
</testsuites>
`;
    const { run: r, copies } = await run({ 'mutmut.xml': mutmut }, { 'mutmut-report': 'mutmut.xml' }, knownChange('app/settings.py', 3, `DB_PASSWORD = "${PW}"`));
    expect(r.knownSecrets).toContain(PW);
    expect(copies['mutmut.xml']).not.toContain(xml);
    expect(secretForms('pw\u007fSecret123')).toContain('pw\\u007fSecret123');
    expect(secretForms('a"b<c')).toEqual(expect.arrayContaining(['a"b&lt;c', 'a&quot;b&lt;c']));
  });
});
