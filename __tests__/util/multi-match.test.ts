/** The multi-string matcher behind secret scrubbing: exactly `includes`, in one pass whatever the number of strings. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MultiMatcher } from '../../src/util/multi-match.js';
import { SecretScrubber, redactSecret } from '../../src/util/redact.js';
import { answerWithin } from '../helpers/deadline.js';

const found = (m: MultiMatcher, text: string): string[] => m.find(text).map((k) => m.patterns[k] as string).sort();

describe('MultiMatcher', () => {
  it('finds every pattern the text holds, overlapping, nested and repeated ones once each', () => {
    const m = new MultiMatcher(['he', 'she', 'his', 'hers', 'ushers', 'rs']);
    expect(found(m, 'ushers')).toEqual(['he', 'hers', 'rs', 'she', 'ushers']);
    expect(found(m, 'hishe hishe')).toEqual(['he', 'his', 'she']);
    expect(found(m, 'nothing')).toEqual([]);
    expect(m.has('xxhisxx')).toBe(true);
    expect(m.has('hxixs')).toBe(false);
  });

  it('works on UTF-16 code units, as includes does (surrogate halves, combining marks)', () => {
    const m = new MultiMatcher(['\u{1F600}k', '\uDE00k', 'e\u0301', 'e']);
    expect(found(m, 'a\u{1F600}k')).toEqual(['\u{1F600}k', '\uDE00k']);
    expect(found(m, 'cafe\u0301')).toEqual(['e', 'e\u0301']);
  });

  it('agrees with includes on random patterns and texts over a small alphabet', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', '\u00e9', '\uD83D', '\uDE00');
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: alphabet, minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 40 }), fc.string({ unit: alphabet, maxLength: 80 }), (patterns, text) => {
        const m = new MultiMatcher(patterns);
        expect(found(m, text)).toEqual(patterns.filter((p) => text.includes(p)).sort());
        expect(m.has(text)).toBe(patterns.some((p) => text.includes(p)));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with includes at the edges of the root table: code unit 0, \\uffff, a lone surrogate, shared first units', () => {
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const alpha = ['\u0000', 'a', 'b', '\uffff', '\ud800'];
    const word = (max: number, min: number) => Array.from({ length: min + Math.floor(rnd() * max) }, () => alpha[Math.floor(rnd() * alpha.length)]).join('');
    for (let trial = 0; trial < 300; trial++) {
      const patterns = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => word(4, 1)))];
      const m = new MultiMatcher(patterns);
      for (let k = 0; k < 20; k++) {
        const text = word(12, 0);
        expect(found(m, text)).toEqual(patterns.filter((p) => text.includes(p)).sort());
        expect(m.has(text)).toBe(patterns.some((p) => text.includes(p)));
      }
    }
  });

  it('grows its tables past the first million nodes and still finds exactly what includes finds', () => {
    // 300 patterns of 4,000 code units that share only a few first characters: ~1.2M trie nodes,
    // more than the tables are first sized for.
    let x = 12345;
    const unit = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return String.fromCharCode(0x41 + ((x >>> 16) % 40));
    };
    const patterns = Array.from({ length: 300 }, () => Array.from({ length: 4_000 }, unit).join(''));
    const m = new MultiMatcher(patterns);
    const text = `${patterns[7]} ${(patterns[299] as string).slice(0, 3_999)} ${patterns[150]}${patterns[0]}`;
    expect(found(m, text)).toEqual(patterns.filter((p) => text.includes(p)).sort());
    expect(m.find(text).sort((a, b) => a - b)).toEqual([0, 7, 150]);
    expect(m.has((patterns[42] as string).slice(1))).toBe(false);
  });

  it('stays linear: 50,000 secrets sharing a prefix, and 5,000 nested patterns in a text of their letter', () => {
    const secrets = Array.from({ length: 50_000 }, (_, i) => `ghp_${'x'.repeat(20)}${i.toString(36).padStart(4, '0')}`);
    const texts = Array.from({ length: 20_000 }, (_, i) => `token = "ghp_${'x'.repeat(20)}" # ${i} ${secrets[(i * 7919) % secrets.length]}`);
    const answer = answerWithin(() => {
      const s = new SecretScrubber(secrets);
      return texts.map((t) => s.scrub(t)).filter((t) => t.includes('redacted')).length;
    });
    expect(answer).toBe(20_000);
    const nested = Array.from({ length: 5_000 }, (_, i) => 'a'.repeat(i + 1));
    const m = new MultiMatcher(nested);
    expect(answerWithin(() => m.find('a'.repeat(4_000_000)).length)).toBe(5_000);
  });

  it('scrubbing with few or many secrets masks each run of overlapping occurrences whole, and nothing else', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', 'x');
    const secret = fc.string({ unit: alphabet, minLength: 4, maxLength: 9 });
    // The reference, naively: every occurrence of every secret (the finding's own too), runs of
    // overlapping ones merged, each run replaced by its redacted form.
    const reference = (text: string, secrets: string[]): string => {
      const occ: Array<[number, number]> = [];
      for (const s of new Set(secrets)) for (let at = text.indexOf(s); at !== -1; at = text.indexOf(s, at + 1)) occ.push([at, at + s.length]);
      occ.sort((a, b) => a[0] - b[0]);
      const runs: Array<[number, number]> = [];
      for (const [a, b] of occ) {
        const last = runs[runs.length - 1];
        if (last && a < last[1]) last[1] = Math.max(last[1], b);
        else runs.push([a, b]);
      }
      let out = '';
      let at = 0;
      for (const [a, b] of runs) {
        out += text.slice(at, a) + redactSecret(text.slice(a, b));
        at = b;
      }
      return out + text.slice(at);
    };
    fc.assert(
      fc.property(fc.array(secret, { minLength: 1, maxLength: 90 }), fc.string({ unit: alphabet, maxLength: 160 }), fc.option(secret), (secrets, text, first) => {
        const own = first !== null && text.includes(first) ? [first] : [];
        const out = new SecretScrubber(secrets).scrub(text, first ?? undefined);
        expect(out).toBe(reference(text, [...secrets, ...own]));
        for (const s of [...secrets, ...own]) expect(out).not.toContain(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('two secrets that partly overlap leave neither tail in clear (with few secrets and with many)', () => {
    const s1 = 'AAAAbbbbCCCC1234';
    const s2 = 'CCCC1234zz99QQ';
    const filler = Array.from({ length: 40 }, (_, i) => `unrelated-secret-${i}`);
    for (const list of [[s1, s2], [s1, s2, ...filler]]) {
      const out = new SecretScrubber(list).scrub(`x ${s1}zz99QQ y`);
      expect(out).toBe(`x ${redactSecret(`${s1}zz99QQ`)} y`);
    }
  });

  it('a text cut short loses an end that begins (or finishes) a secret', () => {
    const secret = 'SKf3c9a1d07be24e6c9f1a08b37d5e2c4a';
    const s = new SecretScrubber([secret, 'another-secret-value']);
    const cut = `"X-Twilio": "${secret.slice(0, 21)}…`;
    expect(s.scrub(cut)).toBe(`"X-Twilio": "${redactSecret(secret.slice(0, 21))}…`);
    const head = `…${secret.slice(-9)}" # the key`;
    expect(s.scrub(head)).toBe(`…${redactSecret(secret.slice(-9))}" # the key`);
    // Not cut (no ellipsis), or less than 4 characters of a secret: left as it is.
    expect(s.scrub(`"X-Twilio": "${secret.slice(0, 21)}`)).toBe(`"X-Twilio": "${secret.slice(0, 21)}`);
    expect(s.scrub('x = "SKf…')).toBe('x = "SKf…');
  });

  it('stays linear when a text holds thousands of secrets: apart (spans) or overlapping one another (masked whole)', () => {
    const rand = (n: number, seed: number): string => {
      let x = seed;
      let s = '';
      for (let i = 0; i < n; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[x % 62];
      }
      return s;
    };
    // 20,000 planted secrets quoted one per line (a Bandit copy of B105 results): 48 s before.
    const apart = Array.from({ length: 20_000 }, (_, i) => `ghp_${rand(36, i + 1)}`);
    const copy = apart.map((s, i) => `${i} password = '${s}'`).join('\n');
    const scrubbedApart = answerWithin(() => new SecretScrubber(apart).scrub(copy));
    expect(scrubbedApart).not.toBe('hung');
    expect(apart.some((s) => (scrubbedApart as string).includes(s))).toBe(false);
    // 20,000 secrets that are overlapping windows of one long string: one span, masked whole.
    const long = rand(200_040, 7);
    const windows = Array.from({ length: 20_000 }, (_, i) => long.slice(i * 10, i * 10 + 40));
    const scrubbedWindows = answerWithin(() => new SecretScrubber(windows).scrub(`before ${long} after`));
    expect(scrubbedWindows).toBe(`before ${long.slice(0, 2)}****(redacted, ${long.length} chars) after`);
  });
});
