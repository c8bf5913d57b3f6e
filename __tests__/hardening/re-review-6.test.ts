/**
 * A sixth re-review, of 81b08fa's approval-line scanner (src/github/pull-request.ts
 * `approvalReasons`). Each test failed before its fix.
 */
import { describe, expect, it } from '@jest/globals';
import { approvalReasons } from '../../src/github/pull-request.js';

const code = 'W-1@0123456789abcdef0123456789abcdef';
const line = `WAIVER APPROVED: ${code} ok`;

describe('approval lines GitHub does not show as the approver\'s plain words', () => {
  it('a later HTML comment on a line whose first one closes still hides the next lines', () => {
    expect(approvalReasons(`<!-- note --> <!--\n${line}\n-->`)).toEqual([]);
    expect(approvalReasons(`See above <!-- a --> and <!--\n${line}\n-->`)).toEqual([]);
  });

  it('a line of non-breaking or ideographic spaces is not blank: the quote goes on', () => {
    expect(approvalReasons(`> please approve\n\u00a0\n${line}`)).toEqual([]);
    expect(approvalReasons(`> please approve\n\u3000\n${line}`)).toEqual([]);
  });

  it('a quote in a list item continues lazily too', () => {
    expect(approvalReasons(`- > please approve\n${line}`)).toEqual([]);
    expect(approvalReasons(`1. > please approve\n   ${line}`)).toEqual([]);
  });

  it('HTML quote, code, folded and hidden elements, and bogus comments, hide their lines', () => {
    expect(approvalReasons(`<blockquote>\n${line}\n</blockquote>`)).toEqual([]);
    expect(approvalReasons(`<blockquote>\n\n${line}\n\n</blockquote>`)).toEqual([]);
    expect(approvalReasons(`<pre>\n${line}\n</pre>`)).toEqual([]);
    expect(approvalReasons(`<details><summary>template</summary>\n\n${line}\n\n</details>`)).toEqual([]);
    expect(approvalReasons(`<script>\n${line}\n</script>`)).toEqual([]);
    expect(approvalReasons(`<?php\n${line}\n?>`)).toEqual([]);
    expect(approvalReasons(`<![CDATA[\n${line}\n]]>`)).toEqual([]);
    // After the element closes, a line counts again.
    expect(approvalReasons(`<details>\n\ntemplate\n\n</details>\n\n${line}`)).toEqual([`${code} ok`]);
  });
});

describe('approval lines GitHub shows plainly still count', () => {
  it('after a quote whose last line is a bare `>` (the quote\'s paragraph is closed)', () => {
    expect(approvalReasons(`> please approve\n>\n${line}`)).toEqual([`${code} ok`]);
    expect(approvalReasons(`> please approve\r\n> \r\n${line}\r\n`)).toEqual([`${code} ok`]);
  });

  it('the usual forms (guards: held before too)', () => {
    expect(approvalReasons(`> q\n\n${line}`)).toEqual([`${code} ok`]);
    expect(approvalReasons(`\`\`\`\nx\n\`\`\`\n${line}`)).toEqual([`${code} ok`]);
    expect(approvalReasons(`Reviewed.\n**WAIVER APPROVED:** ${code} ok`)).toEqual([`${code} ok`]);
    expect(approvalReasons(`<!-- c -->\n${line}`)).toEqual([`${code} ok`]);
    expect(approvalReasons(`> q\r\n\r\n${line}\r\n`)).toEqual([`${code} ok`]);
  });
});
