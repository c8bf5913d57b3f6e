import { describe, expect, it } from '@jest/globals';
import {
  COMMENT_MAX_CHARS,
  commentDecision,
  commentMarker,
  defaultGateId,
  hasMarker,
  renderComment,
  resolvedCommentBody,
  sanitizeGateId,
  shortCommentBody,
} from '../../src/render/comment.js';
import { finding, gateResult, toolResult } from './annotations.fixtures.js';

describe('commentDecision', () => {
  it.each([
    ['off', 'block', 'skip'],
    ['off', 'pass', 'skip'],
    ['always', 'pass', 'post'],
    ['always', 'block', 'post'],
    ['on-warn', 'pass', 'resolve'],
    ['on-warn', 'warn', 'post'],
    ['on-warn', 'error', 'post'],
    ['on-block', 'warn', 'resolve'],
    ['on-block', 'block', 'post'],
    ['on-block', 'error', 'post'],
  ] as const)('%s + %s -> %s', (mode, verdict, expected) => {
    expect(commentDecision(mode, { verdict, shouldFail: false })).toBe(expected);
  });
});

describe('gate id and marker', () => {
  it('cannot close the HTML comment or inject markup', () => {
    expect(sanitizeGateId('CI / security --> <script>')).toBe('CI/security-script');
    expect(commentMarker('a-->b')).toBe('<!-- security-gate:a-b -->');
    expect(sanitizeGateId('')).toBe('default');
    expect(sanitizeGateId('x'.repeat(300))).toHaveLength(100);
    expect(defaultGateId({ GITHUB_WORKFLOW: 'Security checks', GITHUB_JOB: 'gate' })).toBe('Security-checks/gate');
    expect(defaultGateId({})).toBe('default');
  });
  it('matches the marker only as the first line', () => {
    const m = commentMarker('g');
    expect(hasMarker(`${m}\n## x`, m)).toBe(true);
    expect(hasMarker(`hello ${m}\n`, m)).toBe(false);
    expect(hasMarker(`${commentMarker('g2')}\n`, m)).toBe(false);
    expect(hasMarker(undefined, m)).toBe(false);
  });
});

describe('renderComment', () => {
  const result = gateResult([
    toolResult('bandit', [
      finding({ disposition: 'block', severity: 'high', title: 'shell=True <img src=x onerror=alert(1)> @team' }),
      finding({ disposition: 'warn', severity: 'medium' }),
    ]),
  ]);

  it('starts with the marker, reuses the summary and links the run', () => {
    const body = renderComment(result, { gateId: 'ci/gate', runUrl: 'https://github.com/o/r/actions/runs/9' });
    expect(body.split('\n')[0]).toBe('<!-- security-gate:ci/gate -->');
    expect(body).toContain('## 🔴 Security gate: block');
    expect(body).toContain('[workflow run and full summary](https://github.com/o/r/actions/runs/9)');
    expect(body).not.toContain('<img');
    expect(body).not.toMatch(/@team/);
  });

  it('stays within 65,536 characters with a huge result (short form when needed)', () => {
    const many = [];
    for (let i = 0; i < 3000; i++) many.push(finding({ disposition: 'block', severity: 'high', title: `t${i} ${'x'.repeat(300)}`, location: { path: `${'d/'.repeat(50)}f${i}.py`, line: 1 } }));
    const big = gateResult([toolResult('bandit', many)]);
    const body = renderComment(big, { gateId: 'g' });
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    const tiny = renderComment(big, { gateId: 'g', maxChars: 1500 });
    expect(tiny.length).toBeLessThanOrEqual(1500);
    expect(tiny).toContain('too long for a comment');
    expect(tiny.startsWith(commentMarker('g'))).toBe(true);
  });

  it('short and resolved forms', () => {
    const pass = gateResult([toolResult('bandit', [])]);
    const r = resolvedCommentBody(pass, { gateId: 'g', mode: 'on-block' });
    expect(r.startsWith(`${commentMarker('g')}\n`)).toBe(true);
    expect(r).toContain('**Resolved:** nothing blocks any more');
    expect(shortCommentBody(result, { gateId: 'g' })).toContain('| Bandit | 1 | ✅ 2 findings | 1 | 1 | 0 |');
  });
});
