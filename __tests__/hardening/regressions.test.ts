/**
 * The counterexamples the hardening suites found, kept as plain regression cases (fast, no fuzzing).
 */
import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '../../src/config/schema.js';
import { readPolicyYaml, settingsWithPolicy } from '../../src/config/policy-file.js';
import { artifactTransforms } from '../../src/engine/publish.js';
import { ReportParseError } from '../../src/reports/model.js';
import { parseReport } from '../../src/reports/registry.js';
import { REDACTED_CODE, redactBanditReport, WITHHELD_BANDIT_REPORT } from '../../src/reports/bandit/redact.js';
import { DuplicateIndex, looksLikeSecret, versionFromMoreInfo } from '../../src/reports/bandit/common.js';
import { MAX_WAIVERS } from '../../src/waivers/parse.js';
import { WaiverFileError } from '../../src/waivers/types.js';
import { matcherFor, waiversToVerify } from '../../src/waivers/evaluate.js';
import type { Waiver } from '../../src/waivers/types.js';
import type { EvaluatedFinding } from '../../src/policy/result.js';
import { parseSettings } from '../../src/config/schema.js';
import { pushAll } from '../../src/util/lists.js';
import { parseWaivers } from '../../src/waivers/parse.js';
import { justfileRecipes } from '../../src/promotion/justfile.js';
import { approvalReasons } from '../../src/github/pull-request.js';
import { scanChange } from '../../src/policy/secret-scan.js';
import { answerWithin } from '../helpers/deadline.js';
import { scrubDeep, scrubKnownSecrets } from '../../src/util/redact.js';
import fc from 'fast-check';
import { vultureParser } from '../../src/reports/vulture/parser.js';
import { annotationCandidates } from '../../src/render/annotations.js';
import { pathToUri } from '../../src/render/sarif.js';
import { encodeUriComponentSafe } from '../../src/util/escape.js';
import type { GateResult } from '../../src/policy/result.js';

describe('vulture detect: a long line of `a:1: a:1: …` (quadratic regex backtracking)', () => {
  // Found by fuzz.test.ts ("a long line … ends quickly"): 500 KB took ~70 s in vultureParser.detect,
  // which the registry also runs to describe any unknown text file (gitleaks, mutmut inputs too).
  const line = `${'a:1: '.repeat(100_000)}\n`;

  it('detect refuses it without running the regex', () => {
    expect(vultureParser.detect(line)).toBe(false);
  });

  it.each(['vulture', 'gitleaks', 'mutmut'] as const)('parseReport(%s) refuses it with a ReportParseError', (tool) => {
    expect(() => parseReport(tool, 'r.txt', line)).toThrow(ReportParseError);
  });
});

describe('policy file: an alias bomb', () => {
  // Found by fuzz.test.ts: yaml's toJS threw a ReferenceError ("Excessive alias count …") instead of a ConfigurationError.
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
  const text = bomb.join('\n');

  it('is a ConfigurationError naming the file', () => {
    expect(() => readPolicyYaml(text, '.github/security-gate.yml')).toThrow(ConfigurationError);
    expect(() => settingsWithPolicy({}, { text, file: '.github/security-gate.yml' })).toThrow(/^\.github\/security-gate\.yml:1: policy file cannot be read: /);
  });
});

describe('the raw Bandit report copied into the artifact (B105-B107 quote the password)', () => {
  // Found by injection.test.ts: reports/reports/bandit.json in the artifact held the clear passwords.
  const secret = 'PLANTEDbandit105pw8Xc3Vb7Nm1Qa';
  const report = {
    errors: [],
    results: [
      { code: `12 password = '${secret}'\n`, filename: 'a.py', issue_text: `Possible hardcoded password: '${secret}'`, test_id: 'B105', line_number: 12 },
      { code: '3 token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"\n', filename: 'b.py', issue_text: 'something else', test_id: 'B999', line_number: 3 },
      { code: '1 import os\n', filename: 'c.py', issue_text: 'Use of assert', test_id: 'B101', line_number: 1 },
    ],
  };

  it('redacts code and message, keeps the rest, same JSON layout', () => {
    const text = `${JSON.stringify(report, null, 2)}\n`;
    const out = redactBanditReport(text);
    expect(out).not.toContain(secret);
    expect(out).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    const parsed = JSON.parse(out) as typeof report;
    expect(parsed.results[0]!.code).toBe(REDACTED_CODE);
    expect(parsed.results[0]!.issue_text).toMatch(/^Possible hardcoded password: 'PL\*\*\*\*\(redacted, 30 chars\)'$/);
    expect(parsed.results[1]!.code).toBe(REDACTED_CODE);
    expect(parsed.results[2]).toEqual(report.results[2]);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.split('\n')[1]).toBe('  "errors": [],');
  });

  it('SARIF: the snippets and the message of B105-B107 results', () => {
    const sarif = {
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'Bandit' } },
          results: [
            {
              ruleId: 'B106',
              message: { text: `Possible hardcoded password: '${secret}'` },
              locations: [{ physicalLocation: { artifactLocation: { uri: 'a.py' }, region: { startLine: 1, snippet: { text: `f(password='${secret}')\n` } } } }],
            },
          ],
        },
      ],
    };
    const out = redactBanditReport(JSON.stringify(sarif));
    expect(out).not.toContain(secret);
    expect(JSON.parse(out)).toMatchObject({ runs: [{ results: [{ locations: [{ physicalLocation: { region: { snippet: { text: REDACTED_CODE } } } }] }] }] });
  });

  it('fails closed: unparsable or unknown shapes are withheld; an empty file stays empty', () => {
    expect(redactBanditReport(`{"results": [{"code": "${secret}"`)).toBe(WITHHELD_BANDIT_REPORT);
    expect(redactBanditReport('[1, 2]')).toBe(WITHHELD_BANDIT_REPORT);
    expect(redactBanditReport('')).toBe('');
    expect(redactBanditReport('{"results": [{"__proto__": {"polluted": 1}, "test_id": "B105", "code": "x"}]}')).not.toContain('"code":"x"');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('is the artifact transform for Bandit whenever a report holds something to redact or failed to parse', () => {
    const withTool = (tool: Record<string, unknown>) => ({ tools: [{ tool: 'bandit', status: 'ok', files: [{ path: 'b.json', findings: 1, bytes: 1 }], findings: [], ...tool }] }) as unknown as GateResult;
    expect(artifactTransforms(withTool({ findings: [{ ruleId: 'B105' }] })).bandit).toBe(redactBanditReport);
    expect(artifactTransforms(withTool({ findings: [{ ruleId: 'B602', extra: { snippetRedacted: true } }] })).bandit).toBe(redactBanditReport);
    expect(artifactTransforms(withTool({ status: 'error', files: [{ path: 'b.json', findings: 0, bytes: 1, error: 'x' }] })).bandit).toBe(redactBanditReport);
    // Nothing the parser would redact: the raw copy goes as it is (no second parse of a big report).
    expect(artifactTransforms(withTool({ findings: [{ ruleId: 'B101' }] })).bandit).toBeUndefined();
  });
});

describe('annotations: bidi overrides (Trojan Source) in titles, messages and paths', () => {
  // Found by injection.test.ts: `::error title=…evil\u202eyp.txt…` reached the runner as is.
  const result = {
    tools: [
      {
        tool: 'bandit',
        phase: 2,
        findings: [
          {
            tool: 'bandit',
            ruleId: 'B307',
            ruleName: 'eval evil\u202eyp.txt',
            title: 'Use of eval \u2066isolate\u2069',
            severity: 'high',
            effectiveSeverity: 'high',
            fingerprint: 'x',
            sourceFile: 'r.json',
            location: { path: 'src/evil\u202egnp.py', line: 3 },
            disposition: 'block',
            phase2Action: 'block',
            reason: 'r',
          },
        ],
      },
    ],
  } as unknown as GateResult;

  it('shows them as [U+202E] and drops a file= that holds one (the path goes in the message, escaped)', () => {
    const [a] = annotationCandidates(result, { mode: 'all', workspace: '/w' });
    expect(a!.title).toContain('[U+202E]');
    expect(a!.message).toContain('[U+2066]isolate[U+2069]');
    expect(a!.file).toBeUndefined();
    expect(a!.message).toContain('src/evil[U+202E]gnp.py');
    expect(JSON.stringify(a)).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });
});

describe('a lone surrogate in a report string (JSON "\\ud800")', () => {
  // Found by fuzz.test.ts (FUZZ_RUNS=6000, seed 20261130): a CycloneDX vulnerability id of lone
  // surrogates made encodeURIComponent throw URIError, an internal error instead of a report.
  // The same in the SARIF file URI of a Bandit filename ended the action with no outputs.
  it('encodeUriComponentSafe encodes a lone surrogate as U+FFFD and keeps a pair', () => {
    expect(encodeUriComponentSafe('a\ud800b\udc00')).toBe('a%EF%BF%BDb%EF%BF%BD');
    expect(encodeUriComponentSafe('\ud83d\ude00')).toBe(encodeURIComponent('\ud83d\ude00'));
    expect(() => encodeURIComponent('\ud800')).toThrow(URIError);
  });

  it('a SARIF file URI', () => {
    expect(pathToUri('app/a\ud800b.py')).toBe('app/a%EF%BF%BDb.py');
  });

  it.each([
    ['pip-audit JSON', { dependencies: [{ name: 'requests', version: '2.25.1', vulns: [{ id: 'PYSEC-\ud800', fix_versions: [], aliases: [], description: 'x' }] }] }],
    [
      'CycloneDX',
      {
        bomFormat: 'CycloneDX',
        specVersion: '1.4',
        version: 1,
        components: [{ 'bom-ref': 'r1', name: 'requests', version: '2.25.1', type: 'library' }],
        vulnerabilities: [{ 'bom-ref': 'v1', id: '\ud800'.repeat(3), description: 'x', affects: [{ ref: 'r1' }] }],
      },
    ],
  ])('a pip-audit advisory id (%s) gives a report with a valid link', (_label, value) => {
    const report = parseReport('pip-audit', 'audit.json', JSON.stringify(value));
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]!.helpUri).toMatch(/^https:\/\/osv\.dev\/vulnerability\/[A-Z-]*(%EF%BF%BD)+$/);
  });
});

describe('Bandit snippets that hold a secret of a well-known shape are hidden', () => {
  // Found by a hostile-input review: a Stripe live key in a B501 snippet reached the result JSON.
  it.each([
    "requests.post(URL, json={'k': 'sk_live_51HqLyjWDarjtT1zdp7dc4f6Q'}, verify=False)",
    'DSN = "postgres://app:hunter22@db.internal:5432/app"',
    "client = Gitlab(url, private_token='glpat-aB3dE5gH7jK9mN1pQ3sT')",
    "key = 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'",
    "GH = 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop'",
  ])('%s', (code) => {
    expect(looksLikeSecret(code)).toBe(true);
  });
  it.each(['x = "http://host:8080/path"', "url = 'https://example.com/a:b@c'", 'sk_live = 1'])('not %s', (code) => {
    expect(looksLikeSecret(code)).toBe(false);
  });
});

describe('the secret check on a long line of the code under review (quadratic regex backtracking)', () => {
  // Found by a ReDoS review: every start inside a long word scanned to the word's end. A Bandit
  // `code` is the flagged lines of the code under review, checked whole when it is long: `eyJ-`
  // repeated over 100 KB took 5 s in the CLI. Unbounded, each of these took a minute or more;
  // bounded, milliseconds (answerWithin stops the check at 10 s).
  it.each([
    ['eyJ- repeated', 'eyJ-'.repeat(100_000)],
    ['auth repeated', 'auth'.repeat(150_000)],
    ['token repeated', 'token'.repeat(120_000)],
    ['password_ repeated', 'password_'.repeat(60_000)],
  ])('%s: not a secret, and answered at once', (_name, code) => {
    expect(answerWithin(() => looksLikeSecret(code))).toBe(false);
  }, 20_000);

  it('still finds a JWT, a long key name and the Bandit finding whose code is such a line', () => {
    expect(looksLikeSecret('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig')).toBe(true);
    expect(looksLikeSecret(`db_password_for_the_${'x'.repeat(40)} = 'hunter22'`)).toBe(true);
    const code = `1 x = "${'eyJ-'.repeat(50_000)}"\n2 token = "s3cr3t-value"\n`;
    const text = JSON.stringify({ errors: [], results: [{ code, filename: 'a.py', issue_severity: 'LOW', issue_confidence: 'HIGH', issue_text: 't', line_number: 1, test_id: 'B101' }] });
    const report = parseReport('bandit', 'bandit.json', text);
    expect(report.findings).toHaveLength(1);
    // The snippet is the capped start of the code; the whole code holds a secret, so the
    // artifact's copy of the report rewrites this result.
    expect(report.findings[0]!.snippet).not.toContain('s3cr3t');
    expect(report.rawRedaction?.indices).toEqual([0]);
  });
});

describe('other regexes on hostile text that backtracked super-linearly (a ReDoS review)', () => {
  // Each input took from 25 s to minutes before the fix (measured); answerWithin stops it at 10 s.
  it('the Bandit version in a long more_info without the closing slash', () => {
    expect(answerWithin(() => versionFromMoreInfo(`https://x/en/1.${'1'.repeat(120_000)}`))).toBeUndefined();
    expect(versionFromMoreInfo('https://bandit.readthedocs.io/en/1.9.4/plugins/b101_assert_used.html')).toBe('1.9.4');
    expect(versionFromMoreInfo('https://bandit.readthedocs.io/en/1.7.5.dev3+g1a2b/x')).toBe('1.7.5.dev3+g1a2b');
    expect(versionFromMoreInfo('https://bandit.readthedocs.io/en/latest/x')).toBeUndefined();
  }, 20_000);

  const table = (cell: string) =>
    '| id | tool | match | reason | rationale | owner | approvers | approved | expires |\n|---|---|---|---|---|---|---|---|---|\n' +
    `| W-1 | bandit | ${cell} | false positive | test code only | @o | @a | 2026-01-01 | 2027-01-01 |\n`;

  it('a waivers file: a fence line holding U+2028, and a table cell of unbalanced backticks', () => {
    const fence = `\`\`\`${'a'.repeat(200_000)}\u2028x\n\`\`\`\n${table('test=B101 path=a.py')}`;
    const cell = `${'`'.repeat(300_000)}a${'`'.repeat(299_999)}b${'x'.repeat(300_000)}`;
    expect(answerWithin(() => parseWaivers(fence, 'w.md').length)).toBe(1);
    const count = (): number | 'refused' => {
      try {
        return parseWaivers(table(cell), 'w.md').length;
      } catch {
        return 'refused';
      }
    };
    expect(answerWithin(count)).not.toBe('hung');
    // code spans are still read as their text
    const plain = parseWaivers(table('test=B101 path=a.py'), 'w.md')[0]?.match;
    expect(plain).toBeDefined();
    expect(parseWaivers(table('`test=B101 path=a.py`'), 'w.md')[0]?.match).toEqual(plain);
    expect(parseWaivers(table('``test=B101 path=a.py``'), 'w.md')[0]?.match).toEqual(plain);
  }, 40_000);

  it('a Justfile line of spaces without a colon', () => {
    expect(answerWithin(() => justfileRecipes(`a${' '.repeat(6_000)}`))).toEqual([]);
    expect(justfileRecipes('build target="x":\n    make\n@quiet:\nx := 1\nalias b := build\n')).toEqual(['build', 'quiet', 'b']);
  }, 20_000);

  it('an approval comment line of many unclosed HTML comments', () => {
    expect(answerWithin(() => approvalReasons(`x${'<!--'.repeat(200_000)}`))).toEqual([]);
    expect(approvalReasons('WAIVER APPROVED: ok <!-- not this --> and this <!-- nor')).toEqual(['ok  and this']);
  }, 20_000);

  it('the secret scan: added lines of `-eyJ` repeated (6 ms a line before)', () => {
    const addedLines = Array.from({ length: 6_000 }, (_, i) => ({ line: i + 1, text: '-eyJ'.repeat(1_024) }));
    const report = answerWithin(() => scanChange([{ path: 'a.txt', status: 'added', binary: false, addedLines }]));
    expect(report).not.toBe('hung');
    const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(scanChange([{ path: 'a.txt', status: 'added', binary: false, addedLines: [{ line: 1, text: `auth: ${jwt}` }] }]).findings.map((f) => f.ruleId)).toEqual(['jwt']);
  }, 20_000);
});

describe('work that grew faster than the input (a complexity review)', () => {
  // Each took from 30 s to minutes on the old code at these sizes (answerWithin stops it at 10 s).
  it('Bandit: thousands of test ids on one file, line and column', () => {
    const seen = (): number => {
      const d = new DuplicateIndex();
      let dups = 0;
      for (let i = 0; i < 200_000; i++) if (d.seen('a.py', 1, 0, `B${i}`)) dups++;
      return dups + (d.seen('a.py', 1, 0, 'B7') ? 1 : 0);
    };
    expect(answerWithin(seen)).toBe(1);
  }, 20_000);

  it('a waivers table header of 200k unknown columns and 200k `tool` columns', () => {
    const header = `| ${Array.from({ length: 200_000 }, (_, i) => `x${i}`).join(' | ')} | ${Array(200_000).fill('tool').join(' | ')} | match |`;
    const text = `${header}\n|${' --- |'.repeat(400_001)}\n`;
    const problems = (): number | 'parsed' => {
      try {
        parseWaivers(text, 'w.md');
        return 'parsed';
      } catch (e) {
        return (e as WaiverFileError).problems.length;
      }
    };
    expect(answerWithin(problems)).toBeGreaterThan(200_000);
  }, 30_000);

  it('approvals to verify: a pull request adding 200k lines inside as many waivers', () => {
    const waivers = Array.from({ length: 200_000 }, (_, i) => ({ source: { file: 'w.md', line: 2 * i + 1, endLine: 2 * i + 2 } }) as Waiver);
    const addedLines = Array.from({ length: 200_000 }, (_, i) => ({ line: 2 * i + 2 }));
    const verify = answerWithin(() => waiversToVerify(waivers, { status: 'modified', binary: false, deletedLines: 0, addedLines }));
    expect(verify).not.toBe('hung');
    // only lines inside waivers were added, so only those waivers are verified
    const outside = [{ source: { file: 'w.md', line: 500_000, endLine: 500_001 } } as Waiver];
    expect(typeof verify === 'function' && verify(waivers[5]!)).toBe(true);
    expect(waiversToVerify([...waivers, ...outside], { status: 'modified', binary: false, deletedLines: 0, addedLines: [{ line: 500_000 }] })(waivers[5]!)).toBe(false);
    // a line between waivers (or past nested ones) means every waiver is verified
    const nested = [{ source: { file: 'w.md', line: 10, endLine: 50 } }, { source: { file: 'w.md', line: 20, endLine: 21 } }] as Waiver[];
    expect(waiversToVerify(nested, { status: 'modified', binary: false, deletedLines: 0, addedLines: [{ line: 30 }] })(nested[1]!)).toBe(false);
    expect(waiversToVerify(nested, { status: 'modified', binary: false, deletedLines: 0, addedLines: [{ line: 51 }] })(nested[1]!)).toBe(true);
  }, 20_000);

  it('a mutmut 2 report whose id ranges name hundreds of millions of mutants', () => {
    const ranges = Array.from({ length: 300 }, () => '1-1000000').join(', ');
    const text = ['To apply a mutant on disk:', '    mutmut apply <id>', '', 'To show a mutant:', '    mutmut show <id>', '', 'Survived 🙁 (5)', '', '---- a.py (5) ----', '', ranges, ''].join('\n');
    const outcome = (): string => {
      try {
        parseReport('mutmut', 'mutmut.txt', text);
        return 'parsed';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(answerWithin(outcome)).toMatch(/announces 5 mutants but lists more/);
  }, 20_000);

  it('bounds: at most 500 critical-path patterns and 2,000 waivers', () => {
    expect(() => parseSettings([{ 'critical-paths': Array.from({ length: 501 }, (_, i) => `src/p${i}/**`).join('\n') }])).toThrow(/critical-paths: at most 500 patterns/);
    expect(parseSettings([{ 'critical-paths': Array.from({ length: 500 }, (_, i) => `src/p${i}/**`).join('\n') }])['critical-paths']).toHaveLength(500);
    const row = (i: number) => `| W-${i} | bandit | test=B101 path=a${i}.py | false positive | test code | @o | @a | 2026-01-01 | 2027-01-01 |`;
    const head = '| id | tool | match | reason | rationale | owner | approvers | approved | expires |\n|---|---|---|---|---|---|---|---|---|\n';
    const many = head + Array.from({ length: MAX_WAIVERS + 1 }, (_, i) => row(i)).join('\n');
    expect(() => parseWaivers(many, 'w.md')).toThrow(/w\.md:2003: the file lists 2001 waivers; at most 2000 are read/);
    expect(parseWaivers(head + Array.from({ length: MAX_WAIVERS }, (_, i) => row(i)).join('\n'), 'w.md')).toHaveLength(MAX_WAIVERS);
  });

  it('a waiver glob is answered once per file, and still per file', () => {
    const m = matcherFor({ match: { tool: 'bandit', test: 'B101', path: 'src/**/*.py' } } as Waiver);
    const f = (path: string) => ({ tool: 'bandit', ruleId: 'B101', location: { path, line: 1 } }) as EvaluatedFinding;
    expect(['src/a.py', 'src/a.py', 'lib/b.py', 'src/a.py', 'lib/b.py'].map((p) => m(f(p)))).toEqual([true, true, false, true, false]);
  });

  it('pushAll appends 200k items (a spread of them into push overflowed the stack)', () => {
    const items = Array.from({ length: 200_000 }, (_, i) => i);
    expect(pushAll([-1], items, [7])).toHaveLength(200_002);
  });
});

describe('known secrets: scrubbed in one pass whatever their number (a complexity review)', () => {
  // Each secret was looked for with `includes` in every string of every finding: 8,000 gitleaks
  // secrets took 93 s to parse, 80k findings and 1,000 secrets 19 s. answerWithin stops it at 10 s.
  const secretOf = (i: number) => `tok_${i.toString(36).padStart(6, '0')}_${(i * 7919).toString(36)}Xq9`;

  it('a gitleaks report of 10,000 distinct secrets', () => {
    const leaks = Array.from({ length: 10_000 }, (_, i) => ({
      RuleID: 'generic-api-key',
      Description: 'Generic API key',
      File: `src/conf${i}.py`,
      StartLine: 1,
      EndLine: 1,
      Secret: secretOf(i),
      Match: `key = "${secretOf(i)}"`,
      Fingerprint: `src/conf${i}.py:generic-api-key:1`,
    }));
    const report = answerWithin(() => parseReport('gitleaks', 'gitleaks.json', JSON.stringify(leaks)));
    expect(report).not.toBe('hung');
    const json = JSON.stringify(report);
    expect(json).not.toContain(secretOf(4242));
    expect(json).toContain('redacted');
  }, 20_000);

  it('80,000 findings scrubbed of 8,000 secrets', () => {
    const secrets = Array.from({ length: 8_000 }, (_, i) => secretOf(i));
    const findings = Array.from({ length: 80_000 }, (_, i) => ({ title: `finding ${i} in module ${i % 97}`, snippet: i % 1000 === 0 ? `x = '${secretOf(i % 8000)}'` : `y = compute(${i})`, location: { path: `app/m${i % 500}.py` } }));
    expect(answerWithin(() => scrubKnownSecrets(findings, secrets))).not.toBe('hung');
    expect(findings[0]!.snippet).toBe(`x = '${'to'}****(redacted, ${secretOf(0).length} chars)'`);
    expect(findings[1]!.snippet).toBe('y = compute(1)');
  }, 20_000);

  it('masks a run of overlapping secrets whole: no secret, nor the tail of one, survives', () => {
    // Masking the longest first used to leave a partly overlapping secret's tail in clear (and a
    // shorter one at the start whole); the run of occurrences is now one masked span.
    expect(scrubDeep('aaaabbbbcccccc', ['aaaabbbb', 'bbbcccccc', 'aaaab'])).toBe('aa****(redacted, 14 chars)');
    expect(scrubDeep('x aaaabbbb y bbbcccccc z', ['aaaabbbb', 'bbbcccccc', 'aaaab'])).toBe('x ****(redacted, 8 chars) y ****(redacted, 9 chars) z');
    const alphabet = fc.constantFrom('a', 'b');
    // Few secrets (one by one) and more (the multi-string matcher): nothing of any secret is left.
    for (const [minLength, maxLength] of [[0, 6], [40, 60]] as const) {
      fc.assert(
        fc.property(fc.array(fc.string({ unit: alphabet, minLength: 4, maxLength: 8 }), { minLength, maxLength }), fc.string({ unit: alphabet, maxLength: 60 }), (secrets, text) => {
          const out = scrubDeep(text, secrets) as string;
          for (const s of secrets) expect(out).not.toContain(s);
          if (!secrets.some((s) => text.includes(s))) expect(out).toBe(text);
        }),
        { numRuns: 1000 },
      );
    }
  });
});

describe('policy file: an unknown key is placed at its own line', () => {
  // Found by a docs review: the line given was the parent map's (`bogus` on line 4 said `:2:`).
  it('names the line of the key, at the top level and nested', () => {
    const text = '# policy\n\nphase: 2\nbogus: 1\nthresholds:\n  bandit:\n    defaults: {}\n';
    expect(() => settingsWithPolicy({}, { text, file: 'policy.yml' })).toThrow(/policy\.yml:4: unknown setting "bogus"/);
    // Nested keys name their place and what may go there (since settings are checked by hand-written code).
    expect(() => settingsWithPolicy({}, { text, file: 'policy.yml' })).toThrow(/policy\.yml:7: thresholds\.bandit: unknown scope "defaults"/);
  });
});

describe('known secrets: one deep scrub for the gitleaks copy and every finding', () => {
  it('reaches nested arrays and an own `__proto__` key, leaves the prototype alone', () => {
    const secret = 'q8ZrT2mVx9LpA7cWn4Ks3';
    const o = JSON.parse(`{"__proto__": "k = '${secret}'", "a": [{"b": "x ${secret}"}]}`) as object;
    scrubKnownSecrets([o], [secret]);
    expect(JSON.stringify(o)).not.toContain(secret);
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(scrubDeep(`a ${secret} b`, [secret])).toBe('a q8****(redacted, 21 chars) b');
  });
});
