import { describe, expect, it } from '@jest/globals';
import { parseWaivers, splitRow } from '../../src/waivers/parse.js';
import { WaiverFileError } from '../../src/waivers/types.js';

const HEADER = '| id | tool | match | reason | rationale | owner | approvers | approved | expires | mitigation | tracking |';
const DELIM = '|---|---|---|---|---|---|---|---|---|---|---|';

function table(...rows: string[]): string {
  return ['# Security waivers', '', 'Some prose | with a pipe that is not a table.', '', HEADER, DELIM, ...rows, '', 'Footer text.'].join('\n');
}

function errorsOf(text: string, file = 'docs/governance/security-waivers.md'): Array<{ line: number; message: string }> {
  try {
    parseWaivers(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(WaiverFileError);
    return (e as WaiverFileError).problems;
  }
  throw new Error('expected a WaiverFileError');
}

describe('Markdown table', () => {
  it('reads a row into a waiver with every field, lines counted from the file', () => {
    const ws = parseWaivers(
      table('| W-1 | pip-audit | id=GHSA-2xpw-w6gg-jr37 package=urllib3 | dependency update blocked | boto pins urllib3 < 2 | @alice | @bob, @sec-carol | 2026-11-20 | 2026-12-20 | egress proxy strips the header | https://github.com/o/r/issues/12 |'),
      'w.md',
    );
    expect(ws).toEqual([
      {
        id: 'W-1',
        tool: 'pip-audit',
        match: { tool: 'pip-audit', id: 'GHSA-2xpw-w6gg-jr37', package: 'urllib3' },
        matchText: 'id=GHSA-2xpw-w6gg-jr37 package=urllib3',
        reasonCategory: 'update-blocked',
        rationale: 'boto pins urllib3 < 2',
        owner: '@alice',
        approvers: ['bob', 'sec-carol'],
        approved: '2026-11-20',
        expires: '2026-12-20',
        mitigation: 'egress proxy strips the header',
        tracking: 'https://github.com/o/r/issues/12',
        source: { file: 'w.md', line: 7, endLine: 7 },
      },
    ]);
  });

  it('keeps escaped pipes inside cells (every one, not just the first)', () => {
    const [w] = parseWaivers(
      table('| W-2 | bandit | `test=B602 path="tools/run \\| tee.py"` | false positive | cmd is `a \\| b \\| c`, constant | @alice | @bob | 2026-11-20 | 2026-12-20 | - | - |'),
      'w.md',
    );
    expect(w?.rationale).toBe('cmd is `a | b | c`, constant');
    expect(w?.match).toEqual({ tool: 'bandit', test: 'B602', path: 'tools/run | tee.py' });
    expect(w?.mitigation).toBeUndefined();
    expect(w?.tracking).toBeUndefined();
  });

  it('splitRow: borders, escaped pipes, empty cells', () => {
    expect(splitRow('| a | b \\| c |  |')).toEqual(['a', 'b | c', '']);
    expect(splitRow('a | b')).toEqual(['a', 'b']);
  });

  it('normalises the four reason categories from the policy words', () => {
    const reasons = ['confirmed false positive', 'Not exploitable here', 'fix needs a breaking change', 'Dependency-update-blocked'];
    const rows = reasons.map((r, i) => `| W-${i} | deptry | code=DEP002 module=m${i} | ${r} | why | @a | @b | 2026-11-20 | 2026-12-20 | | |`);
    expect(parseWaivers(table(...rows), 'w.md').map((w) => w.reasonCategory)).toEqual(['false-positive', 'not-exploitable', 'breaking-change', 'update-blocked']);
  });

  it('reads every tool\'s match', () => {
    const ws = parseWaivers(
      table(
        '| a | bandit | test=b101 path=tests/** | false-positive | asserts in tests | @a | @b | 2026-11-20 | 2026-12-20 | | |',
        '| b | gitleaks | rule=generic-api-key fingerprint=abc123:tests/x.py:generic-api-key:4 | false-positive | test key | @a | @b | 2026-11-20 | 2026-12-20 | | |',
        '| c | deptry | code=dep003 module=yaml | not-exploitable | comes with pyyaml | @a | @b | 2026-11-20 | 2026-12-20 | | |',
        '| d | vulture | name=handler path=./src/app/hooks.py | false-positive | called by the framework | @a | @b | 2026-11-20 | 2026-12-20 | | |',
        '| e | secret scan | file=config/dev.env line=3 | false-positive | local dev placeholder | @a | @b | 2026-11-20 | 2026-12-20 | | |',
        '| f | pip-audit | CVE-2023-43804 | update-blocked | pinned | @a | @b | 2026-11-20 | 2026-12-20 | | |',
      ),
      'w.md',
    );
    expect(ws.map((w) => w.match)).toEqual([
      { tool: 'bandit', test: 'B101', path: 'tests/**' },
      { tool: 'gitleaks', rule: 'generic-api-key', fingerprint: 'abc123:tests/x.py:generic-api-key:4' },
      { tool: 'deptry', code: 'DEP003', module: 'yaml' },
      { tool: 'vulture', name: 'handler', path: 'src/app/hooks.py' },
      { tool: 'secret-scan', file: 'config/dev.env', line: 3 },
      { tool: 'pip-audit', id: 'CVE-2023-43804' },
    ]);
  });

  it('accepts header spellings in any case, the verified column, several tables, and ignores other tables', () => {
    const text = [
      '| Tool | Meaning |',
      '|---|---|',
      '| bandit | not a waiver |',
      '',
      '| Tool | Match | Reason Category | Rationale | Owner | Approved By | Approval Date | Expiry | Verified not secret |',
      '|:--|:--|:--|:--|:--|:--|:--|:--|:--:|',
      '| gitleaks | rule=generic-api-key path=tests/fixtures/** | confirmed false positive | fake keys | @a | @sec | 2026-11-20 | 2026-12-20 | yes |',
      '',
      '| tool | match | reason | rationale | owner | approvers | approved | expires |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      '| deptry | code=DEP002 module=gunicorn | false-positive | used by the Procfile | @a | @b | 2026-11-20 | 2026-12-20 |',
    ].join('\n');
    const ws = parseWaivers(text, 'w.md');
    expect(ws.map((w) => [w.id, w.tool, w.verifiedNotSecret])).toEqual([
      ['L7', 'gitleaks', true],
      ['L11', 'deptry', undefined],
    ]);
  });

  it('ignores tables in code fences and HTML comments', () => {
    const text = [
      '```markdown',
      HEADER,
      DELIM,
      '| x | bandit | test=B101 path=** | false-positive | r | @a | @b | 2026-11-20 | 2026-12-20 | | |',
      '```',
      '<!--',
      HEADER,
      DELIM,
      '| y | bandit | test=B101 path=** | false-positive | r | @a | @b | 2026-11-20 | 2026-12-20 | | |',
      '-->',
    ].join('\n');
    expect(parseWaivers(text, 'w.md')).toEqual([]);
  });

  it('a fence is closed only by backticks followed by spaces or tabs (as GitHub), not U+00A0 and the like', () => {
    const row = '| x | bandit | test=B101 path=** | false-positive | r | @a | @b | 2026-11-20 | 2026-12-20 | | |';
    for (const ws of ['\u00a0', '\u3000', '\u2003', '\f', '\v']) {
      // GitHub: one code block from the first line to the sixth (the table is shown as code), then
      // another opened by the last line, to the end. The gate read the table between as waivers;
      // now the last fence is the one never closed, and the file waives nothing.
      for (const f of ['```', '~~~']) {
        const text = [f, `${f}${ws}`, HEADER, DELIM, row, f, `${f}${ws}`].join('\n');
        expect(errorsOf(text, 'w.md')).toEqual([{ line: 7, message: 'code fence is never closed' }]);
      }
    }
    // Spaces and tabs after a closing fence still close it.
    expect(parseWaivers(['```', 'x', '``` \t', HEADER, DELIM, row].join('\n'), 'w.md').map((w) => w.id)).toEqual(['x']);
  });

  it('an HTML comment opened after another on the same line hides the lines after it', () => {
    const row = '| y | bandit | test=B101 path=** | false-positive | r | @a | @b | 2026-11-20 | 2026-12-20 | | |';
    expect(parseWaivers(['<!-- note --> <!--', HEADER, DELIM, row, '-->'].join('\n'), 'w.md')).toEqual([]);
    // A comment's closing line that opens another one.
    expect(parseWaivers(['<!--', 'note', '--> <!--', HEADER, DELIM, row, '-->'].join('\n'), 'w.md')).toEqual([]);
    // Complete comments (empty ones too) hide nothing after them.
    for (const lines of [['<!-- note -->'], ['<!-->'], ['<!--->'], ['<!-- a --> <!-- b -->'], ['<!--', 'x', '--> <!-- y -->']]) {
      expect(parseWaivers([...lines, HEADER, DELIM, row].join('\n'), 'w.md').map((w) => w.id)).toEqual(['y']);
    }
  });

  it('an empty file and a file without a waivers table give no waivers', () => {
    expect(parseWaivers('', 'w.md')).toEqual([]);
    expect(parseWaivers('# Waivers\n\nNone yet.\n', 'w.md')).toEqual([]);
  });

  it('handles CRLF and a BOM', () => {
    const text = '\uFEFF' + table('| W-1 | deptry | code=DEP002 module=x | false-positive | r | @a | @b | 2026-11-20 | 2026-12-20 | | |').replace(/\n/g, '\r\n');
    expect(parseWaivers(text, 'w.md')[0]?.source.line).toBe(7);
  });
});

describe('errors name the line (and nothing is returned)', () => {
  const row = (over: Partial<Record<'id' | 'tool' | 'match' | 'reason' | 'rationale' | 'owner' | 'approvers' | 'approved' | 'expires', string>>) => {
    const v = { id: 'W-1', tool: 'bandit', match: 'test=B101 path=tests/**', reason: 'false-positive', rationale: 'r', owner: '@a', approvers: '@b', approved: '2026-11-20', expires: '2026-12-20', ...over };
    return `| ${v.id} | ${v.tool} | ${v.match} | ${v.reason} | ${v.rationale} | ${v.owner} | ${v.approvers} | ${v.approved} | ${v.expires} | | |`;
  };
  const cases: Array<[string, string, RegExp]> = [
    ['unknown tool', row({ tool: 'semgrep' }), /tool: unknown tool "semgrep"; expected one of bandit, pip-audit/],
    ['mutmut is not waivable', row({ tool: 'mutmut' }), /tool: unknown tool "mutmut"/],
    ['bad expiry date', row({ expires: '2026-02-30' }), /expires: got "2026-02-30"; expected a date as YYYY-MM-DD/],
    ['date in another format', row({ expires: '20/12/2026' }), /expires: got "20\/12\/2026"/],
    ['missing expiry', row({ expires: '' }), /expires: required/],
    ['missing rationale', row({ rationale: '-' }), /rationale: required/],
    ['unknown reason', row({ reason: 'we like it' }), /reason: unknown reason category "we like it"; expected one of false-positive, not-exploitable/],
    ['expiry before approval', row({ approved: '2026-12-21' }), /expires: 2026-12-20 is before the approval date 2026-12-21/],
    ['bad approval date', row({ approved: 'yesterday' }), /approved: got "yesterday"/],
    ['team as approver', row({ approvers: '@acme/security' }), /approvers: @acme\/security is a team/],
    ['bot as approver', row({ approvers: '@sam-sec, @github-actions[bot]' }), /approvers: @github-actions\[bot\] is a bot; approvals are given by people/],
    ['bad login', row({ approvers: 'bob smith!' }), /approvers: "smith!" is not a GitHub login/],
    ['match without key=value', row({ match: 'B101 in tests' }), /match: cannot read "B101 in tests"/],
    ['bandit without path', row({ match: 'test=B101' }), /match: bandit needs path=/],
    ['bandit test id', row({ match: 'test=X1 path=a.py' }), /match: test "X1" is not a Bandit test id/],
    ['unknown match key', row({ match: 'test=B101 path=a.py severity=high' }), /match: unknown key "severity" for bandit; expected test, path, line/],
    ['gitleaks without path or fingerprint', row({ tool: 'gitleaks', match: 'rule=jwt' }), /match: gitleaks needs path= or fingerprint=/],
    ['deptry code', row({ tool: 'deptry', match: 'code=X module=y' }), /not a deptry code/],
    ['secret-scan line', row({ tool: 'secret-scan', match: 'file=a.py line=0' }), /line: got "0"; expected a line number/],
    ['absolute path', row({ match: 'test=B101 path=/etc/passwd' }), /must be relative to the repository root/],
    ['parent path', row({ match: 'test=B101 path=../x.py' }), /must not contain \.\./],
    // A negated glob waived every file but the one it names (found by a waivers review).
    ['negated path glob', row({ match: 'test=B101 path=!tests/x.py' }), /path "!tests\/x\.py" starts with "!", which would match every file but these/],
    ['negated extglob', row({ tool: 'vulture', match: 'name=helper path=!(src)/**' }), /starts with "!"/],
    ['duplicate match key', row({ match: 'test=B101 test=B102 path=a.py' }), /test given twice/],
    ['bad id', row({ id: 'W 1!' }), /id: expected letters, digits/],
  ];
  it.each(cases)('%s', (_name, r, re) => {
    const problems = errorsOf(table(r));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(7);
    expect(problems[0]?.message).toMatch(re);
  });

  it('a row with the wrong number of cells (an unescaped pipe)', () => {
    const problems = errorsOf(table('| W-1 | bandit | test=B602 path=a.py | false-positive | a | b | @a | @b | 2026-11-20 | 2026-12-20 | | |'));
    expect(problems).toEqual([{ line: 7, message: '12 cells; the header has 11 (write a pipe inside a cell as \\|)' }]);
  });

  it('duplicate ids name both lines', () => {
    const problems = errorsOf(table(row({}), row({})));
    expect(problems).toEqual([{ line: 8, message: 'id: "W-1" is already used on line 7' }]);
  });

  it('collects every problem, sorted by line, and the message is file:line: reason', () => {
    const text = table(row({ tool: 'semgrep' }), row({ id: 'W-2' }), row({ id: 'W-3', expires: 'soon' }));
    try {
      parseWaivers(text, 'docs/w.md');
      throw new Error('no error');
    } catch (e) {
      const err = e as WaiverFileError;
      expect(err.problems.map((p) => p.line)).toEqual([7, 9]);
      expect(err.message.split('\n')[0]).toMatch(/^docs\/w\.md:7: tool: unknown tool/);
      expect(err.message.split('\n')[1]).toMatch(/^docs\/w\.md:9: expires: got "soon"/);
      expect(err.line).toBe(7);
    }
  });

  it('header problems: unknown column, missing columns, no delimiter row', () => {
    expect(errorsOf('| tool | match | reason | rationale | owner | approvers | approved | expires | severity |\n|---|---|---|---|---|---|---|---|---|\n')).toEqual([
      { line: 1, message: expect.stringMatching(/^unknown column "severity"/) as unknown as string },
    ]);
    expect(errorsOf('| tool | match | owner |\n|---|---|---|\n')).toEqual([{ line: 1, message: 'the waivers table lacks the columns reason, rationale, approvers, approved, expires' }]);
    expect(errorsOf('text\n\n| tool | match | reason | rationale | owner | approvers | approved | expires |\n| bandit | x |\n')).toEqual([
      { line: 3, message: 'a waivers table header must be followed by a delimiter row (| --- | --- |)' },
    ]);
  });

  it('an unclosed code fence is an error', () => {
    expect(errorsOf('```yaml\nwaivers: []\n')).toEqual([{ line: 1, message: 'code fence is never closed' }]);
  });
});

describe('YAML', () => {
  const yaml = [
    '# security waivers',
    'waivers:',
    '  - id: W-1',
    '    tool: pip-audit',
    '    match: { id: GHSA-2xpw-w6gg-jr37, package: urllib3 }',
    '    reason: dependency update blocked',
    '    rationale: "boto pins urllib3 < 2 | see issue"',
    '    owner: "@alice"',
    '    approvers: ["@bob", "@carol"]',
    '    approved: 2026-11-20',
    '    expires: 2026-12-20',
    '  - id: W-2',
    '    tool: gitleaks',
    '    match: rule=generic-api-key path=tests/fixtures/**',
    '    reason: false-positive',
    '    rationale: fake keys for the parser tests',
    '    owner: alice',
    '    approvers: bob',
    '    approved: 2026-11-20',
    '    expires: 2026-12-20',
    '    verified-not-secret: true',
    '  - id: W-3',
    '    tool: secret-scan',
    '    match: { file: config/dev.env, line: 3 }',
    '    reason: false-positive',
    '    rationale: placeholder',
    '    owner: alice',
    '    approvers: [bob]',
    '    approved: 2026-11-20',
    '    expires: 2026-12-20',
  ].join('\n');

  it('reads a .yml file with lines from the document', () => {
    const ws = parseWaivers(yaml, 'waivers.yml');
    expect(ws.map((w) => [w.id, w.source.line, w.source.endLine])).toEqual([
      ['W-1', 3, 12],
      ['W-2', 12, 22],
      ['W-3', 22, 30],
    ]);
    expect(ws[0]?.match).toEqual({ tool: 'pip-audit', id: 'GHSA-2xpw-w6gg-jr37', package: 'urllib3' });
    expect(ws[0]?.rationale).toBe('boto pins urllib3 < 2 | see issue');
    expect(ws[0]?.approvers).toEqual(['bob', 'carol']);
    expect(ws[1]?.verifiedNotSecret).toBe(true);
    expect(ws[2]?.match).toEqual({ tool: 'secret-scan', file: 'config/dev.env', line: 3 });
  });

  it('a bare list is accepted', () => {
    const ws = parseWaivers('- tool: deptry\n  match: code=DEP002 module=x\n  reason: fp\n  rationale: r\n  owner: a\n  approvers: [b]\n  approved: 2026-11-20\n  expires: 2026-12-20\n', 'w.yaml');
    expect(ws[0]?.id).toBe('L1');
  });

  it('a yaml fence with waivers: inside the Markdown file, lines of the Markdown file', () => {
    const md = ['# Waivers', '', 'Prose.', '', '```yaml', yaml.split('\n').slice(1).join('\n'), '```', '', '```yaml', 'unrelated: example', '```'].join('\n');
    const ws = parseWaivers(md, 'w.md');
    expect(ws.map((w) => [w.id, w.source.line])).toEqual([
      ['W-1', 7],
      ['W-2', 16],
      ['W-3', 26],
    ]);
  });

  it('errors carry the line of the field', () => {
    const bad = yaml.replace('    expires: 2026-12-20\n  - id: W-2', '    expires: 2026-13-01\n  - id: W-2').replace('    tool: secret-scan', '    tool: trivy');
    expect(errorsOf(bad, 'w.yml')).toEqual([
      { line: 11, message: 'expires: got "2026-13-01"; expected a date as YYYY-MM-DD' },
      { line: 23, message: expect.stringMatching(/^tool: unknown tool "trivy"/) as unknown as string },
    ]);
  });

  it('YAML syntax errors, unknown fields, duplicate keys, non-mapping items, wrong top level', () => {
    expect(errorsOf('waivers:\n  - tool: [bandit\n', 'w.yml')[0]?.message).toMatch(/^YAML: /);
    expect(errorsOf('waivers:\n  - tool: bandit\n    colour: red\n', 'w.yml')).toContainEqual({ line: 3, message: expect.stringMatching(/^unknown field "colour"/) as unknown as string });
    expect(errorsOf('waivers:\n  - tool: bandit\n    tool: deptry\n', 'w.yml')[0]?.message).toMatch(/YAML: .*[Mm]ap keys must be unique/);
    expect(errorsOf('waivers:\n  - just a string\n', 'w.yml')).toEqual([{ line: 2, message: 'each waiver must be a mapping of fields (tool, match, reason, …)' }]);
    expect(errorsOf('waivers: yes\n', 'w.yml')[0]?.message).toBe('waivers: expected a list of waivers');
    expect(errorsOf('rules: []\n', 'w.yml')[0]?.message).toMatch(/unknown top-level key "rules"/);
    expect(errorsOf('waivers:\n  - tool: bandit\n    match: { test: B101, path: [a, b] }\n    reason: fp\n    rationale: r\n    owner: a\n    approvers: b\n    approved: 2026-11-20\n    expires: 2026-12-20\n', 'w.yml')).toEqual([
      { line: 3, message: 'match: path: expected a single value' },
    ]);
  });

  it('__proto__ keys are refused, never merged', () => {
    const problems = errorsOf('waivers:\n  - __proto__: { polluted: true }\n    tool: bandit\n', 'w.yml');
    expect(problems[0]?.message).toMatch(/unknown field "__proto__"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('empty waivers list', () => {
    expect(parseWaivers('waivers: []\n', 'w.yml')).toEqual([]);
    expect(parseWaivers('waivers:\n', 'w.yml')).toEqual([]);
    expect(parseWaivers('', 'w.yml')).toEqual([]);
  });
});

describe('a carriage return alone (found by a re-review)', () => {
  it('is refused: git reads one line where the parser read two rows, and only the first was verified', () => {
    const head = '| id | tool | match | reason | rationale | owner | approvers | approved | expires |\n|---|---|---|---|---|---|---|---|---|\n';
    const row = (id: string) => `| ${id} | deptry | \`code=DEP002 module=x\` | false-positive | r | @o | @dev-dan | 2026-11-20 | 2027-01-31 |`;
    for (const file of ['w.md', 'w.yml']) {
      const text = file === 'w.md' ? `${head}${row('W-2')}\r${row('W-3')}\n` : `waivers:\n  - id: W-2\r  - id: W-3\n`;
      expect(errorsOf(text, file)).toEqual([{ line: file === 'w.md' ? 3 : 2, message: 'a carriage return not followed by a line feed: git and the gate would read the lines differently (use LF or CRLF line ends)' }]);
    }
    expect(() => parseWaivers(`${head}${row('W-2')}\r\n`, 'w.md')).not.toThrow();
  });
});
