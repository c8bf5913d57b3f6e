/* eslint-disable no-control-regex -- these tests look for control characters */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { clip, escapeCode, escapeHtml, escapeLog, escapeMarkdown, safeHttpUrl, showInvisible } from '../../src/util/escape.js';

describe('escapeLog', () => {
  it('breaks workflow commands wherever they are', () => {
    expect(escapeLog('::error::x')).not.toContain('::');
    expect(escapeLog(':::error::x')).not.toContain('::'); // a global /::/ would leave one behind
    expect(escapeLog('::::')).not.toContain('::');
    expect(escapeLog('  ::add-mask::s')).not.toMatch(/^\s*::/);
    expect(escapeLog('##[error]x')).not.toContain('##[');
    expect(escapeLog('###[x')).not.toContain('##[');
  });
  it('keeps one message on one line and shows control characters', () => {
    const s = escapeLog('a\nb\r\nc\rd');
    expect(s).not.toMatch(/[\r\n]/);
    expect(s).toBe('a ⏎ b ⏎ c ⏎ d');
    expect(escapeLog('\u001b[31mred')).toBe('\\x1b[31mred');
    expect(escapeLog('\u009b31m')).toBe('\\x9b31m');
    expect(escapeLog('\u0000\u0007')).toBe('\\x00\\x07');
    expect(escapeLog('a\tb')).toBe('a\tb');
  });
  it('shows bidirectional overrides instead of obeying them', () => {
    expect(escapeLog('ab\u202ecd')).toBe('ab[U+202E]cd');
    expect(showInvisible('\u2066x\u2069')).toBe('[U+2066]x[U+2069]');
  });
  it('never lets a line start with :: (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(':', '#', '[', ' ', '\n', '\r', 'a', '\u001b', '\u2028') }), (s) => {
        const e = escapeLog(s);
        expect(e).not.toContain('::');
        expect(e).not.toContain('##[');
        expect(e).not.toMatch(/[\r\n\u001b]/);
      }),
    );
  });
});

describe('escapeMarkdown', () => {
  it('escapes every Markdown and HTML special character', () => {
    expect(escapeMarkdown('*a* _b_ `c` [d](e) ~f~ \\ # + - . ! { } = $ ^')).toBe(
      '\\*a\\* \\_b\\_ \\`c\\` \\[d\\]\\(e\\) \\~f\\~ \\\\ \\# \\+ \\- \\. \\! \\{ \\} \\= \\$ \\^',
    );
    expect(escapeMarkdown('<img src=x onerror="alert(1)">')).toBe('&lt;img src\\=x onerror\\=&quot;alert\\(1\\)&quot;&gt;');
    expect(escapeMarkdown('a & b &amp;')).toBe('a &amp; b &amp;amp;');
  });
  it('keeps tables intact: every pipe, newlines to spaces', () => {
    expect(escapeMarkdown('| a | b |')).toBe('&#124; a &#124; b &#124;');
    expect(escapeMarkdown('a\nb\r\nc')).toBe('a b c');
    expect(escapeMarkdown('a\u0000b')).toBe('ab');
  });
  it('breaks mentions, issue refs and autolinks without touching its own entities', () => {
    expect(escapeMarkdown('@octocat')).toBe('@\u200doctocat');
    expect(escapeMarkdown('a@b.com')).not.toMatch(/@b/);
    expect(escapeMarkdown('@\u0000octocat')).toBe('@\u200doctocat'); // a removed control does not join
    expect(escapeMarkdown('#123')).toBe('\\#\u200d123');
    expect(escapeMarkdown('|1')).toBe('&#124;1'); // `&#124;` is not an issue ref
    expect(escapeMarkdown('https://evil.example')).toBe('https:\u200b//evil\\.example');
    expect(escapeMarkdown('www.evil.example')).toBe('www\u200b\\.evil\\.example');
  });
  it('output never contains raw HTML or unescaped pipes (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeMarkdown(s);
        expect(e).not.toMatch(/[<>|\n\r]/);
        expect(e).not.toMatch(/@[A-Za-z0-9_-]/);
        expect(e).not.toMatch(/&(?!(amp|lt|gt|quot|#124);)/);
      }),
    );
  });
});

describe('escapeCode', () => {
  it('makes a single safe code span', () => {
    expect(escapeCode('a`b')).toBe('`aˋb`');
    expect(escapeCode('a|b')).toBe('`a¦b`'); // an entity would show literally inside code
    expect(escapeCode('')).toBe('` `');
    expect(escapeCode('a\nb')).toBe('`a b`');
    expect(escapeCode('<img>')).toBe('`<img>`');
    expect(escapeCode('x\u202ey')).toBe('`x[U+202E]y`');
  });
  it('has backticks only at its ends and no pipe or newline (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeCode(s);
        expect(e.startsWith('`') && e.endsWith('`')).toBe(true);
        expect(e.slice(1, -1)).not.toMatch(/[`|\n\r]/);
      }),
    );
  });
  it('outside a table (a command the reader copies), keeps backticks in a longer fence that Markdown shows as the text', () => {
    expect(escapeCode("--bandit-report 'a`b``c.json'", { outsideTable: true })).toBe("``` --bandit-report 'a`b``c.json' ```");
    expect(escapeCode('a|b', { outsideTable: true })).toBe('`a|b`');
    // CommonMark: the span ends at the first run as long as its fence, and loses one space at each end.
    const rendered = (span: string) => {
      const fence = /^`+/.exec(span)![0];
      const end = new RegExp(`(?<!\`)${fence}(?!\`)`).exec(span.slice(fence.length))!;
      const body = span.slice(fence.length, fence.length + end.index);
      return { body: body.length > 1 && body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '' ? body.slice(1, -1) : body, rest: span.slice(fence.length + end.index + fence.length) };
    };
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('`', 'a', ' ', '|', "'") }), (s) => {
        const cmd = `npx security-gate ${s}`;
        expect(rendered(escapeCode(cmd, { outsideTable: true }))).toEqual({ body: cmd, rest: '' });
      }),
    );
  });
});

describe('escapeHtml', () => {
  it('escapes markup, quotes, mentions and newlines (a blank line would end the HTML block)', () => {
    expect(escapeHtml(`<b a="1" b='2'>&</b>`)).toBe('&lt;b a=&quot;1&quot; b=&#39;2&#39;&gt;&amp;&lt;/b&gt;');
    expect(escapeHtml('a\n\nb')).toBe('a  b');
    expect(escapeHtml('@octocat #12')).toBe('@\u200doctocat #\u200d12');
    expect(escapeHtml("it's")).toBe('it&#39;s'); // its own &#39; stays intact
  });
});

describe('safeHttpUrl', () => {
  it('accepts absolute http(s) URLs and normalises them', () => {
    expect(safeHttpUrl('https://bandit.readthedocs.io/en/1.9.4/plugins/b101_assert_used.html')).toBe(
      'https://bandit.readthedocs.io/en/1.9.4/plugins/b101_assert_used.html',
    );
    expect(safeHttpUrl(' HTTP://Example.com/a?b=1&c=2#x ')).toBe('http://example.com/a?b=1&c=2#x');
  });
  it('rejects everything else', () => {
    for (const u of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd', 'ftp://x.org/', '//evil.example/x', '/relative', 'https://user:pw@evil.example/', 'https://', '', undefined, `https://x.org/${'a'.repeat(3000)}`]) {
      expect(safeHttpUrl(u)).toBeUndefined();
    }
    expect(safeHttpUrl(' \njavascript:alert(1)')).toBeUndefined();
  });
  it('percent-encodes what could end a link, split a table cell or open markup', () => {
    const u = safeHttpUrl('https://x.org/a b(c)|d<e>"f`g*h[i]@j');
    expect(u).toBe('https://x.org/a%20b%28c%29%7Cd%3Ce%3E%22f%60g%2Ah%5Bi%5D%40j');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = safeHttpUrl(`https://x.org/${s}`);
        if (e !== undefined) expect(e).toMatch(/^https:\/\/x\.org\/[A-Za-z0-9\-._~:/?#=%+,;!$&]*$/);
      }),
    );
  });
});

describe('clip', () => {
  it('cuts to max characters with an ellipsis, never half a surrogate pair', () => {
    expect(clip('abcdef', 10)).toBe('abcdef');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('ab🙂cd', 4)).toBe('ab…');
    expect(clip('ab🙂cd', 5)).toBe('ab🙂…');
  });
});
