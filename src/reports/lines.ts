/**
 * Lines of a text report (vulture, mutmut), found without splitting the whole text: a report of
 * hundreds of megabytes split into lines is millions of strings at once, where a format check
 * needs only its first line and a bound only a count. Pure.
 */

/** The line from `start` to the next `\n` or the end, without a `\r` before the `\n`. */
function lineAt(text: string, start: number): { line: string; next: number } {
  const nl = text.indexOf('\n', start);
  const end = nl < 0 ? text.length : nl;
  const line = text.slice(start, end > start && text.charCodeAt(end - 1) === 0x0d && nl >= 0 ? end - 1 : end);
  return { line, next: nl < 0 ? -1 : nl + 1 };
}

/** The first line (as `text.split(/\r?\n/)[0]`). */
export function firstLine(text: string): string {
  return lineAt(text, 0).line;
}

/** The first line that is not blank (as `text.split(/\r?\n/).find((l) => l.trim() !== '')`). */
export function firstNonBlankLine(text: string): string | undefined {
  for (let at = 0; at >= 0; ) {
    const { line, next } = lineAt(text, at);
    if (line.trim() !== '') return line;
    at = next;
  }
  return undefined;
}

/**
 * Where line `max + 1` starts when `text` holds more than `max` lines, else -1. Lines end at `\n`;
 * the empty end after a final newline is not a line. A loop of native searches: ~1 ms per MB.
 */
export function lineLimitOffset(text: string, max: number): number {
  let at = 0;
  for (let n = 0; n < max; n++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return -1;
    at = nl + 1;
  }
  return at < text.length ? at : -1;
}
