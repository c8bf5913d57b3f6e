/**
 * A seventh re-review, of c37b210's element counting in the approval-line scanner
 * (src/github/pull-request.ts `approvalReasons`). The first test of each of the first two blocks
 * failed before its fix; the others guard the fix (never looser, and linear).
 */
import { describe, expect, it } from '@jest/globals';
import { approvalReasons } from '../../src/github/pull-request.js';
import { answerWithin } from '../helpers/deadline.js';

const code = 'W-1@0123456789abcdef0123456789abcdef';
const line = `WAIVER APPROVED: ${code} ok`;

describe('an element tag in a code span is text, not an element', () => {
  it('a plain approval after a line naming `<script>` or `<details>` in a code span counts', () => {
    expect(approvalReasons(`B703: the value is escaped, no \`<script>\` gets in.\n${line}`)).toEqual([`${code} ok`]);
    expect(approvalReasons(`Wrap the log in \`<details>\` next time.\n\n${line}`)).toEqual([`${code} ok`]);
    expect(approvalReasons(`The \`\`<!--\`\` marker is gone.\n${line}`)).toEqual([`${code} ok`]);
  });

  it('(guard) still refused where the span is not sure: a tag before it, an escaped backtick, a span over two lines, a table', () => {
    expect(approvalReasons(`<details> \`x\`\n${line}`)).toEqual([]);
    expect(approvalReasons(`\\\`<details>\`\n${line}`)).toEqual([]);
    expect(approvalReasons(`a \`b\nc\` <details> \`d\`\n${line}`)).toEqual([]);
    expect(approvalReasons(`<a title='\n\`x' > <details> \`\n${line}`)).toEqual([]);
    expect(approvalReasons(`| \`a | <details> | b\` |\n${line}`)).toEqual([]);
  });
});

describe('a closing tag closes only its own element', () => {
  it('an approval folded away in <details> after a stray </s> is refused', () => {
    expect(approvalReasons(`<details>\n</s>\n${line}`)).toEqual([]);
    expect(approvalReasons(`<blockquote>\n</code>\n${line}`)).toEqual([]);
    expect(approvalReasons(`<details><summary>x</summary>y</details>\n${line}`)).toEqual([`${code} ok`]);
  });
});

describe('code spans on hostile lines stay linear', () => {
  it('(guard) many backtick runs of differing lengths without closers', () => {
    const body = `${'`'.repeat(1)}${' `` ```'.repeat(100_000)}\n${line}`;
    expect(answerWithin(() => approvalReasons(body))).toEqual([`${code} ok`]);
  }, 20_000);
});

describe('a line separator GitHub does not break lines at (left open by the seventh re-review)', () => {
  it('an approval after U+2028 or U+2029 in the middle of a line is not an approval', () => {
    expect(approvalReasons(`see \`x\u2028${line}\``)).toEqual([]);
    expect(approvalReasons(`see x\u2029${line}`)).toEqual([]);
    // (guard) at the start of its own line it still counts.
    expect(approvalReasons(`see x\n${line}`)).toEqual([`${code} ok`]);
  });
});
