/**
 * Escaping of untrusted text for every channel the gate writes. Report contents are attacker
 * controlled in a pull request: nothing from a report reaches stdout or Markdown without going
 * through here.
 */
/* eslint-disable no-control-regex -- matching control characters is the point of this module */

/**
 * Make text inert in a log line: the runner treats a line starting with `::` (after whitespace) as a
 * workflow command, and `##[` as a legacy one. Control characters are shown as escapes; newlines are
 * kept out so one message is one line.
 */
export function escapeLog(text: string): string {
  return showInvisible(text.replace(/\r\n|\r|\n/g, ' ⏎ '))
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    // Every colon followed by a colon: `:::x` must not leave a `::` behind (a global `/::/` would).
    .replace(/:(?=:)/g, ':\u200b')
    .replace(/#(?=#\[)/g, '#\u200b');
}

/**
 * Characters that change how text is displayed without being seen (bidirectional overrides and
 * isolates, "Trojan Source"): a path must not be able to look like another one. They are shown as
 * `[U+202E]`, which the channel's escaping then makes inert.
 */
const INVISIBLE = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function showInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

const MD_SPECIAL = /[\\`*_{}[\]()<>#+\-.!|~&"'=$^]/g;

/**
 * Break what GitHub would turn into a link or a notification, before any escaping (so an entity the
 * escaping writes, like `&#124;`, is never touched): `@mentions` and `#123` refs get a zero-width
 * joiner, `https://…` and `www.…` autolinks a zero-width space.
 */
function breakAutolinks(text: string): string {
  return text
    .replace(/@(?=[A-Za-z0-9_-])/g, '@\u200d')
    .replace(/#(?=[0-9])/g, '#\u200d')
    .replace(/:(?=\/\/)/g, ':\u200b')
    .replace(/\b(www)(?=\.)/gi, '$1\u200b');
}

/**
 * Escape text for Markdown (GitHub flavoured) inline content, including table cells: every special
 * character is backslash-escaped or turned into an entity, `@mentions`, `#refs` and autolinks are
 * broken with zero-width characters, newlines become spaces.
 */
export function escapeMarkdown(text: string): string {
  // Controls go first: a removed character must not be able to join `@` to a name afterwards.
  return breakAutolinks(
    showInvisible(text)
      .replace(/\r\n|\r|\n/g, ' ')
      .replace(/[\u0000-\u001f\u007f]/g, ''),
  ).replace(MD_SPECIAL, (c) => {
      switch (c) {
        case '<':
          return '&lt;';
        case '>':
          return '&gt;';
        case '&':
          return '&amp;';
        case '|':
          return '&#124;';
        case '"':
          return '&quot;';
        default:
          return `\\${c}`;
      }
    });
}

/**
 * Text inside an inline code span: backticks cannot be escaped inside one, so they are replaced by a
 * look-alike; `|` becomes the look-alike `¦` so tables survive (entities are NOT decoded inside a code
 * span, so `&#124;` would show literally, and `\|` only works inside a table); newlines become
 * spaces. HTML, emphasis, mentions and links are inert inside code. `outsideTable`: text the reader
 * copies (a command) keeps its `|`, where no table row can be split by it, and its backticks: the
 * look-alike in a copied command named another file (`reports/aˋb.json`, which the CLI did not
 * find). There the span is fenced by one backtick more than the longest run inside, with a space
 * inside each end, which Markdown strips (CommonMark's code spans): no run inside can close it.
 */
export function escapeCode(text: string, opts: { outsideTable?: boolean } = {}): string {
  const t = showInvisible(text)
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  if (opts.outsideTable && t.includes('`')) {
    let longest = 0;
    for (const run of t.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
    const fence = '`'.repeat(longest + 1);
    return `${fence} ${t} ${fence}`;
  }
  const shown = (opts.outsideTable ? t : t.replace(/\|/g, '¦')).replace(/`/g, 'ˋ');
  return `\`${shown === '' ? ' ' : shown}\``;
}

/** Escape for an HTML attribute or element body (used inside <details><summary>). */
export function escapeHtml(text: string): string {
  // A blank line would end the HTML block and turn the rest into Markdown: no newlines at all.
  return breakAutolinks(
    showInvisible(text)
      .replace(/\r\n|\r|\n/g, ' ')
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, ''),
  )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A link target that is safe to put in Markdown or an href: only absolute `http:`/`https:` URLs
 * without credentials, at most `maxLength` characters, normalised by the URL parser and with every
 * character that could end a link destination, split a table cell or start an entity
 * percent-encoded. Anything else (`javascript:`, `data:`, relative, unparsable) gives `undefined`.
 */
export function safeHttpUrl(url: string | undefined, maxLength = 2048): string | undefined {
  if (typeof url !== 'string') return undefined;
  const raw = url.trim();
  if (raw === '' || raw.length > maxLength || !/^https?:\/\//i.test(raw)) return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username !== '' || u.password !== '' || u.hostname === '') {
    return undefined;
  }
  const href = u.href.replace(/[^A-Za-z0-9\-._~:/?#=%+,;!$&]/g, (c) =>
    [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  return href.length > maxLength ? undefined : href;
}

/**
 * `encodeURIComponent` for untrusted text: a lone surrogate (JSON's `"\ud800"` parses to one)
 * makes the built-in throw `URIError`; it is encoded as U+FFFD instead.
 */
export function encodeUriComponentSafe(text: string): string {
  return encodeURIComponent(text.replace(/\p{Cs}/gu, '\uFFFD'));
}

/**
 * Shorten untrusted text to at most `max` characters (code points, never half a surrogate pair),
 * ending in `…` when cut. Apply before escaping so an escape sequence is never cut.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** A workflow command's message, escaped as the runner (and @actions/core) expect: `%`, CR, LF. */
export function escapeCommandData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: the message escapes plus `:` and `,`. */
export function escapeCommandProperty(s: string): string {
  return escapeCommandData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
