/** firstAndMore: the bounded lists of the gate's messages and renderers ("a; b; and 3 more"). */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { firstAndMore } from '../../src/util/lists.js';

const more = (k: number) => `and ${k} more`;

describe('firstAndMore', () => {
  it('keeps a list no longer than max as it is, with no "more" entry', () => {
    expect(firstAndMore([], 3, { more })).toEqual([]);
    expect(firstAndMore(['a', 'b'], 3, { more })).toEqual(['a', 'b']);
    expect(firstAndMore(['a', 'b', 'c'], 3, { more })).toEqual(['a', 'b', 'c']);
  });

  it('shows the first max items and says how many are left out', () => {
    expect(firstAndMore(['a', 'b', 'c', 'd'], 3, { more })).toEqual(['a', 'b', 'c', 'and 1 more']);
    expect(firstAndMore(['a', 'b', 'c', 'd', 'e'], 2, { more }).join('; ')).toBe('a; b; and 3 more');
    expect(firstAndMore(['a', 'b'], 1, { more }).join(', ')).toBe('a, and 1 more');
  });

  it('with max 0 gives only the "more" entry (a joined message has no separator before it)', () => {
    expect(firstAndMore(['a', 'b'], 0, { more })).toEqual(['and 2 more']);
    expect(firstAndMore([], 0, { more })).toEqual([]);
  });

  it('renders with show only the items shown, one argument each, in order', () => {
    const seen: unknown[][] = [];
    const show = (...args: unknown[]) => {
      seen.push(args);
      return `<${String(args[0])}>`;
    };
    expect(firstAndMore([1, 2, 3, 4, 5], 2, { show, more })).toEqual(['<1>', '<2>', 'and 3 more']);
    // Only the item: `map(show)` would pass the index and the array too.
    expect(seen).toEqual([[1], [2]]);
  });

  it('counts what is left out against total when the items keep only the start of the list', () => {
    expect(firstAndMore(['a', 'b', 'c'], 2, { more, total: 1000 })).toEqual(['a', 'b', 'and 998 more']);
    // Every item kept is shown, but the list had more.
    expect(firstAndMore(['a', 'b'], 5, { more, total: 7 })).toEqual(['a', 'b', 'and 5 more']);
    expect(firstAndMore(['a', 'b'], 5, { more, total: 2 })).toEqual(['a', 'b']);
  });

  it('returns a fresh array: pushing to it leaves the items alone', () => {
    const items = ['a', 'b'];
    const out = firstAndMore(items, 5, { more });
    out.push('c');
    expect(items).toEqual(['a', 'b']);
  });

  it('takes items other than strings only with show (a type error otherwise)', () => {
    // @ts-expect-error -- numbers are not lines: they need a show
    expect(firstAndMore([1, 2], 1, { more })).toEqual([1, 'and 1 more']);
    expect(firstAndMore([1, 2], 1, { more, show: String })).toEqual(['1', 'and 1 more']);
  });

  it('is the hand-written "first max, then and k more" of the call sites it replaced (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3 }), { maxLength: 12 }), fc.nat(14), (items, max) => {
        const byHand = items.slice(0, max).join('; ') + (items.length > max ? `; and ${items.length - max} more` : '');
        const shown = firstAndMore(items, max, { more }).join('; ');
        // With max 0 the hand-written form starts with the separator; the call sites all show at least one.
        if (max > 0 || items.length === 0) expect(shown).toBe(byHand);
        else expect(`; ${shown}`).toBe(byHand);
      }),
      { numRuns: 500 },
    );
  });
});
