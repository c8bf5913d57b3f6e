/**
 * Appends every item of each list to `target` and returns it. Not `push(...list)`: a spread puts
 * every item on the stack, and ~120k of them (a hostile waivers file's notices, a gitleaks
 * report's secrets) end the run with a RangeError. The lint config forbids that spread in src/.
 */
export function pushAll<T>(target: T[], ...lists: readonly (readonly T[])[]): T[] {
  for (const list of lists) for (const item of list) target.push(item);
  return target;
}

/**
 * The first `max` items of a list and, when some are left out, one more entry `more(rest)` saying
 * how many: the shape of every bounded list the gate writes ("a; b; and 3 more", or a line each
 * and an "…and 3 more" line). Entries, not one string: a message joins them with its separator
 * (`more` gives the words after it), a renderer pushes them as lines.
 *
 * `show` renders an item and is called only for the items shown: a list may hold 100k entries (a
 * hostile report's messages), each costly to render (a policy problem looked up in its file).
 * `total` is the length of the whole list when `items` keeps only its start (a capped collection
 * that counts all): what is left out is counted against it, not against `items`. With `max` 0 the
 * one entry is `more`'s, so a message joining the entries has no separator before it.
 */
export function firstAndMore<T>(items: readonly T[], max: number, o: MoreOptions & { show: (item: T) => string }): string[];
export function firstAndMore(items: readonly string[], max: number, o: MoreOptions): string[];
export function firstAndMore<T>(items: readonly T[], max: number, o: MoreOptions & { show?: (item: T) => string }): string[] {
  const { show } = o;
  const shown = items.slice(0, max);
  // Not `map(show)`: that passes the index too, which a `show` with a second parameter would take.
  const out = show ? shown.map((item) => show(item)) : (shown as unknown[] as string[]);
  const rest = (o.total ?? items.length) - out.length;
  if (rest > 0) out.push(o.more(rest));
  return out;
}

/** How `firstAndMore` words what it leaves out, and of how many in all. */
export interface MoreOptions {
  /** The last entry, for `rest` (at least 1) items left out: "and 3 more". */
  more: (rest: number) => string;
  /** The whole list's length, when `items` keeps only its start; `items.length` by default. */
  total?: number;
}
