/** Scrubbing a report's copy as it streams past: the same bytes whatever the pieces, nothing of a secret left. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { StreamScrubber } from '../../src/util/redact.js';
import { answerWithin } from '../helpers/deadline.js';

function scrubInPieces(forms: string[], text: string, cuts: number[]): string {
  const bytes = Buffer.from(text, 'utf8');
  const s = new StreamScrubber(forms);
  const out: Buffer[] = [];
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b)) {
    out.push(...s.push(bytes.subarray(at, c)));
    at = c;
  }
  out.push(...s.push(bytes.subarray(at)), ...s.end());
  return Buffer.concat(out).toString('utf8');
}

describe('StreamScrubber', () => {
  // A run of overlapping secrets that crosses a piece's end is masked in two parts (the second
  // without a head): the same text with each run of masks as one.
  const runs = (t: string) => t.replace(/\*\*\*\*\(redacted, \d+ (chars|more)\)(\*\*\*\*\(redacted, \d+ more\))*/g, '#');

  it('gives the same text however the text is cut into pieces, and no secret survives', () => {
    const unit = fc.constantFrom('a', 'b', 'é', '€', '😀', '"', '\\');
    const secret = fc.string({ unit, minLength: 4, maxLength: 10 });
    fc.assert(
      fc.property(fc.array(secret, { minLength: 1, maxLength: 40 }), fc.array(fc.oneof(secret, fc.string({ unit, maxLength: 12 })), { maxLength: 30 }), fc.array(fc.nat(400), { maxLength: 12 }), (secrets, parts, cuts) => {
        const text = parts.join('');
        const whole = scrubInPieces(secrets, text, []);
        const cut = scrubInPieces(secrets, text, cuts);
        expect(runs(cut)).toBe(runs(whole));
        for (const s of secrets) {
          expect(whole).not.toContain(s);
          expect(cut).not.toContain(s);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('a run of overlapping secrets across pieces is masked in full, in one mask or two (re-reviews)', () => {
    const secrets = ['PASSWORD1234', '1234SECRETXYZ'];
    const text = 'xPASSWORD1234SECRETXYZ tail';
    const whole = scrubInPieces(secrets, text, []);
    expect(whole).toBe('x****(redacted, 21 chars) tail');
    expect(runs(scrubInPieces(secrets, text, Array.from({ length: 12 }, (_, i) => 16 + i)))).toBe(runs(whole));
    for (let a = 0; a < text.length; a++) {
      const out = scrubInPieces(secrets, text, [a, a + 1, a + 5]);
      expect(runs(out)).toBe('x# tail');
      expect(out).not.toMatch(/SECRET|XYZ|WORD|1234/);
    }
  });

  it('stays linear on a long run of a secret whose start is also its end (nothing but a form\'s length held back)', () => {
    const s = new StreamScrubber(['Zq8vZq8vZq8v']);
    const piece = Buffer.from('Zq8v'.repeat(16 * 1024));
    const answer = answerWithin(() => {
      let bytes = 0;
      for (let n = 0; n < 256; n++) for (const b of s.push(piece)) bytes += b.length;
      for (const b of s.end()) bytes += b.length;
      return bytes;
    });
    // 16 MB of the run: a few masks per piece, never the secret.
    expect(answer).not.toBe('hung');
    expect(answer).toBeLessThan(256 * 200);
  });

  it('counts a split run in characters, whatever the piece sizes (a third re-review)', () => {
    const out = scrubInPieces(['€'.repeat(8)], `x${'€'.repeat(12)}y`, [25]);
    const counts = [...out.matchAll(/redacted, (\d+) (?:chars|more)/g)].map((m) => Number(m[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    expect(scrubInPieces(['aaaaaaaa'], `x${'a'.repeat(20)}y`, [11])).toBe('x****(redacted, 10 chars)****(redacted, 10 more)y');
    expect(scrubInPieces(['aaaaaaaa'], `x${'a'.repeat(20)}y`, [])).toBe('x****(redacted, 20 chars)y');
  });

  it('masks a form split across two pieces, a byte at a time too', () => {
    const secret = 'ghp_R7kQ2mX9vL4pT8wN3zB6yH1cJ5fD0sA2eG7u';
    const text = `{"code": "token = '${secret}'"}\n`.repeat(3);
    for (const cuts of [[], [20], [25, 26, 27], Array.from({ length: text.length }, (_, i) => i)]) {
      const out = scrubInPieces([secret], text, cuts);
      expect(out).not.toContain(secret.slice(4));
      expect(out).toBe(`{"code": "token = '****(redacted, 40 chars)'"}\n`.repeat(3));
    }
  });
});
