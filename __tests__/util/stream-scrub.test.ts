/** Scrubbing a report's copy as it streams past: the same bytes whatever the pieces, nothing of a secret left. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { StreamScrubber } from '../../src/util/redact.js';

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
  it('gives the same bytes however the text is cut into pieces, and no secret survives', () => {
    const unit = fc.constantFrom('a', 'b', 'é', '€', '😀', '"', '\\');
    const secret = fc.string({ unit, minLength: 4, maxLength: 10 });
    fc.assert(
      fc.property(fc.array(secret, { minLength: 1, maxLength: 40 }), fc.array(fc.oneof(secret, fc.string({ unit, maxLength: 12 })), { maxLength: 30 }), fc.array(fc.nat(400), { maxLength: 12 }), (secrets, parts, cuts) => {
        const text = parts.join('');
        const whole = scrubInPieces(secrets, text, []);
        expect(scrubInPieces(secrets, text, cuts)).toBe(whole);
        for (const s of secrets) expect(whole).not.toContain(s);
      }),
      { numRuns: 1500 },
    );
  });

  it('a run of overlapping secrets from a piece\'s start is held back until it ends (a re-review)', () => {
    const secrets = ['PASSWORD1234', '1234SECRETXYZ'];
    const text = 'xPASSWORD1234SECRETXYZ tail';
    const whole = scrubInPieces(secrets, text, []);
    expect(whole).toBe('xPA****(redacted, 21 chars) tail');
    expect(scrubInPieces(secrets, text, Array.from({ length: 12 }, (_, i) => 16 + i))).toBe(whole);
    for (let a = 0; a < text.length; a++) expect(scrubInPieces(secrets, text, [a, a + 1, a + 5])).toBe(whole);
  });

  it('masks a form split across two pieces, a byte at a time too', () => {
    const secret = 'ghp_R7kQ2mX9vL4pT8wN3zB6yH1cJ5fD0sA2eG7u';
    const text = `{"code": "token = '${secret}'"}\n`.repeat(3);
    for (const cuts of [[], [20], [25, 26, 27], Array.from({ length: text.length }, (_, i) => i)]) {
      const out = scrubInPieces([secret], text, cuts);
      expect(out).not.toContain(secret.slice(4));
      expect(out).toBe(`{"code": "token = 'gh****(redacted, 40 chars)'"}\n`.repeat(3));
    }
  });
});
