/* eslint-disable no-control-regex -- these tests look for control characters */
/**
 * Report text is attacker controlled in a pull request: nothing in it may format the summary, open
 * HTML, mention a user, link to a script, break a table, or forge a workflow command in the log.
 */
import { describe, expect, it } from '@jest/globals';
import type { GateResult } from '../../src/policy/result.js';
import { renderSummary } from '../../src/render/summary.js';
import { renderTerminal } from '../../src/render/terminal.js';
import { finding, gate, markdownProblems, textOutsideCode, tool } from './helpers.js';

const EVIL = [
  '::error::x',
  '<img src=x onerror=alert(1)>',
  '| col |',
  '`code`',
  '@octocat',
  '[link](javascript:alert(1))',
  'line1\n## injected\n::warning file=a::y\r\n::add-mask::secret',
  '##[error]legacy',
  ':::stop-commands::tok',
  '\u001b[31mred\u001b[0m',
  '&lt;script&gt;',
  '<details><summary>x</summary>',
  '</details>',
  '#123',
  'see https://evil.example/x and www.evil.example',
  '\u202eevil',
  '**bold** _em_ ~~s~~',
  '<!-- c -->',
  '![img](https://evil.example/p.png)',
].join(' ');

function hostileResult(): GateResult {
  const f = (disposition: 'block' | 'warn' | 'info' | 'waived', extra = {}) =>
    finding({
      ruleId: EVIL,
      ruleName: EVIL,
      title: EVIL,
      severity: 'high',
      confidence: 'high',
      disposition,
      phase2Action: 'block',
      location: { path: EVIL, line: 7 },
      reason: EVIL,
      helpUri: 'javascript:alert(1)',
      snippet: EVIL,
      ...extra,
    });
  const bandit = tool('bandit', {
    phase: 1,
    toolVersion: EVIL,
    stats: { [EVIL]: 3 },
    findings: [f('warn'), f('info'), f('waived', { waiver: { id: EVIL, owner: '@octocat', expires: EVIL, reasonCategory: EVIL } })],
    skipped: [{ name: EVIL, reason: EVIL }],
    scanErrors: [{ path: EVIL, message: EVIL }],
  });
  const pip = tool('pip-audit', {
    phase: 2,
    findings: [
      f('block', {
        tool: 'pip-audit',
        package: { name: EVIL, version: EVIL, fixVersions: [EVIL] },
        helpUri: 'data:text/html,<script>alert(1)</script>',
        severitySource: { kind: 'github', advisory: EVIL, cvss: { version: EVIL, score: 9.8, vector: EVIL }, detail: EVIL },
      }),
    ],
  });
  const gl = tool('gitleaks', { phase: 2, status: 'error', messages: [EVIL], files: [{ path: EVIL, findings: 0, bytes: 1, error: EVIL }] });
  return gate([bandit, pip, gl], { notices: [EVIL], artifact: { name: EVIL, url: 'javascript:alert(1)', error: EVIL } });
}

const OPTS = { artifactName: EVIL, artifactUrl: 'javascript:alert(1)', reproduceCommand: `npx security-gate ${EVIL}`, policySource: EVIL };

describe('summary injection', () => {
  const md = renderSummary(hostileResult(), OPTS);
  // Code spans are inert (no HTML, no mentions, no links inside); check the rest.
  const text = textOutsideCode(md);

  it('is structurally intact: tags, entities, code spans, links, table widths', () => {
    expect(markdownProblems(md)).toEqual([]);
  });
  it('opens no HTML and links to no script', () => {
    expect(text).not.toMatch(/<img|<!--|<script|<summary>x/i);
    expect(text).not.toMatch(/\]\((?!https?:\/\/)/);
    expect(text).not.toContain('](javascript');
    expect(text).not.toContain('![img]');
  });
  it('mentions nobody, links no issue, autolinks no URL', () => {
    expect(text).not.toMatch(/@octocat/);
    expect(text).not.toMatch(/#123/);
    expect(text).not.toContain('https://evil');
    expect(text).not.toMatch(/www\\?\.evil/);
  });
  it('lets no newline start a block and no emphasis or code through', () => {
    const lines = md.split('\n');
    for (const line of lines.slice(1)) if (!line.startsWith('### ')) expect(line).not.toMatch(/^\s*(#|::|line1|!\[)/);
    expect(lines.filter((l) => /^#{2,3} /.test(l)).every((l) => /^## (✅|🟡|🔴|⛔) Security gate|^### (🔴|🟠) /.test(l))).toBe(true);
    expect(text).not.toContain('**bold**');
    expect(text).not.toContain('~~s~~');
    // Titles show backticks as text; reasons/messages may quote in backticks, which only makes an inert code span.
    expect(md).toContain('\\`code\\`');
    expect(md).not.toContain('\u202e');
    expect(md).not.toContain('\u001b');
    expect(md).not.toContain('\r');
  });
  it('still says what matters', () => {
    expect(md).toMatch(/^## ⛔ Security gate: error — 1 report unreadable · 1 blocking finding/);
    expect(md).toContain('[U+202E]evil');
  });
});

describe('terminal injection', () => {
  for (const color of [false, true]) {
    const txt = renderTerminal(hostileResult(), { color, links: true, artifactName: EVIL, reproduceCommand: `npx ${EVIL}` });
    it(`forges no workflow command (color ${color})`, () => {
      const plain = txt.replace(/\u001b\[[0-9;]*m/g, '');
      for (const line of plain.split('\n')) {
        expect(line).not.toMatch(/^\s*::/);
        expect(line).not.toMatch(/^\s*(## injected|line1)/);
      }
      expect(plain).not.toContain('::');
      expect(plain).not.toContain('##[');
      expect(plain).not.toContain('\u001b');
      expect(plain).not.toContain('\r');
      expect(plain).not.toContain('\u202e');
      expect(plain).toContain('\\x1b[31mred');
    });
  }
  it('colours only when asked', () => {
    const r = hostileResult();
    expect(renderTerminal(r, {})).not.toContain('\u001b');
    expect(renderTerminal(r, { color: true })).toContain('\u001b[1m\u001b[35mSecurity gate: error');
  });
});
