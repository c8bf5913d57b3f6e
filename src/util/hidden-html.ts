/**
 * Text GitHub does not show in rendered Markdown: an HTML comment `<!-- … -->`, and what HTML reads
 * as one (a bogus comment: `<? … >`, `<!X … >`, `<![CDATA[ … >`). Shared by the readers of text a
 * person writes for GitHub to show: approval comments (github/pull-request.ts) and the waivers file
 * (waivers/parse.ts). Pure.
 */

const HIDDEN_OPEN = /<!--|<\?|<![A-Za-z[]/g;

/**
 * A line's shown text, from a state (the closer of a span still open, or undefined), and the state
 * at its end. By index, not with `/<!--.*?-->/g`: on a line of many `<!--` and no `-->` every one of
 * them scanned to the end. Every opener of the line counts, not only the first (a review: `<!-- note
 * --> <!--` hid the next lines and they counted). `<!-->` and `<!--->` are complete, empty comments
 * (HTML's abrupt closing of an empty comment): what follows them is shown.
 */
export function shownText(line: string, closer: string | undefined): { text: string; closer: string | undefined } {
  let out = '';
  let from = 0;
  for (;;) {
    if (closer !== undefined) {
      const close = line.indexOf(closer, from);
      if (close < 0) return { text: out, closer };
      from = close + closer.length;
      closer = undefined;
    }
    HIDDEN_OPEN.lastIndex = from;
    const open = HIDDEN_OPEN.exec(line);
    if (!open) return { text: out + line.slice(from), closer };
    out += line.slice(from, open.index);
    from = open.index + open[0].length;
    if (open[0] !== '<!--') closer = '>';
    else if (line.startsWith('>', from)) from += 1;
    else if (line.startsWith('->', from)) from += 2;
    else closer = '-->';
  }
}
