import { beforeAll, describe, expect, it } from '@jest/globals';
import { checkVector, cvssRating, loadCvssScorer, severityOfRating, type CvssScorer } from '../../src/enrich/cvss.js';

let score: CvssScorer;
beforeAll(async () => {
  score = await loadCvssScorer();
});

// FIRST, "CVSS v3.1: Examples" (the same vectors score the same in the v3.0 examples document).
const V3_EXAMPLES: Array<[string, number, string]> = [
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1, 'phpMyAdmin reflected XSS, CVE-2013-1937'],
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 8.8, 'Cisco IOS command execution, CVE-2012-0384'],
  ['CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 7.8, 'Apple iWork DoS, CVE-2015-1098'],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5, 'OpenSSL Heartbleed, CVE-2014-0160'],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'GNU Bash Shellshock, CVE-2014-6271'],
  ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1, 'SSLv3 POODLE, CVE-2014-3566'],
];

// FIRST, "CVSS v4.0 Examples" and the v4.0 calculator.
const V4_EXAMPLES: Array<[string, number]> = [
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3],
  ['CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 7.3],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 7.7],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U', 5.2],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N', 8.3],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N/CR:H/IR:L/AR:L/MAV:N/MAC:H/MVC:H/MVI:L/MVA:L', 8.1],
  ['CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N', 4.6],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', 10],
];

describe('CVSS scoring (ae-cvss-calculator) against FIRST examples', () => {
  it.each(V3_EXAMPLES)('v3.1 %s = %d (%s)', (vector, expected) => {
    expect(score(vector)).toMatchObject({ ok: true, version: '3.1', score: expected });
    const v30 = vector.replace('CVSS:3.1/', 'CVSS:3.0/');
    expect(score(v30)).toMatchObject({ ok: true, version: '3.0', score: expected });
  });
  it.each(V4_EXAMPLES)('v4.0 %s = %d', (vector, expected) => {
    expect(score(vector)).toMatchObject({ ok: true, version: '4.0', score: expected });
  });
  it('uses the v3 base score even when temporal metrics are present', () => {
    expect(score('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/E:P/RL:O/RC:C')).toMatchObject({ ok: true, score: 7.5, rating: 'high' });
  });
});

describe('FIRST qualitative bands', () => {
  it.each([
    [0, 'none'],
    [0.1, 'low'],
    [3.9, 'low'],
    [4.0, 'medium'],
    [6.9, 'medium'],
    [7.0, 'high'],
    [8.9, 'high'],
    [9.0, 'critical'],
    [10, 'critical'],
  ] as const)('%d -> %s', (s, band) => {
    expect(cvssRating(s)).toBe(band);
  });
  it('maps "none" to info and keeps the others', () => {
    expect(severityOfRating('none')).toBe('info');
    expect(severityOfRating('medium')).toBe('medium');
  });
});

describe('malformed vectors are problems, never exceptions', () => {
  it.each([
    ['', 'prefix'],
    ['garbage', 'prefix'],
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', 'v2'],
    ['CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P', 'v2'],
    ['CVSS:3.1/AV:N', 'missing base metrics'],
    ['CVSS:3.1/AV:Z/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'invalid value AV:Z'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L', 'given twice'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/', 'malformed metric'],
    ['CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'invalid value S:U'],
    ['CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/C:H', 'unknown metric C'],
    ['CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'unknown metric AT'],
    ['CVSS:3.1/__proto__:x', 'malformed metric'],
    ['CVSS:3.1/constructor:N/AV:N', 'malformed metric'],
    ['CVSS:9.9/AV:N', 'prefix'],
  ])('%j', (vector, why) => {
    const r = score(vector);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(why);
    expect('reason' in checkVector(vector)).toBe(true);
  });
});
