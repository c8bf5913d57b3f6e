/**
 * The approval code of a waiver row (waivers/evaluate.ts): the same for the same row however it is
 * written, different for any other row, and too long to collide on purpose (found by review).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { approvalCode } from '../../src/waivers/evaluate.js';
import { loadWaiverValidation, parseWaivers } from '../../src/waivers/parse.js';
import { loadYaml } from '../../src/util/yaml.js';

beforeAll(async () => {
  await loadWaiverValidation();
  await loadYaml();
});
const HEAD = '| id | tool | match | reason | rationale | owner | approvers | approved | expires |\n|---|---|---|---|---|---|---|---|---|';
const md = (approvers: string, match = 'test=B602 path=a/*.py line=12') =>
  approvalCode(parseWaivers(`${HEAD}\n| SW-1 | bandit | ${match} | not exploitable here | r | @o | ${approvers} | 2026-11-20 | 2026-12-31 |`, 'w.md')[0]!);
const yml = approvalCode(
  parseWaivers('waivers:\n  - id: SW-1\n    tool: bandit\n    match: {line: 12, path: a/*.py, test: B602}\n    reason: not exploitable here\n    rationale: r\n    owner: "@o"\n    approvers: [alice, bob]\n    approved: 2026-11-20\n    expires: 2026-12-31\n', 'w.yml')[0]!,
);

describe('approval code stability', () => {
  it('is the same for the same row in Markdown and YAML, and for a match written in another key order', () => {
    expect(md('@alice, @bob')).toBe(yml);
    expect(md('@alice, @bob', 'line=12 path=a/*.py test=B602')).toBe(md('@alice, @bob'));
  });
  it('does not change when the approvers are reordered or their logins re-cased (GitHub logins are case-insensitive)', () => {
    expect(md('@bob, @alice')).toBe(md('@alice, @bob'));
    expect(md('@Alice, @bob')).toBe(md('@alice, @bob'));
  });
});

describe('approval code strength', () => {
  it('has a digest of at least 128 bits: the author writes both the approved row and its replacement, so 64 bits fall to a birthday search (~2^32 hashes)', () => {
    const digest = md('@alice, @bob').split('@')[1]!;
    expect(digest).toMatch(/^[0-9a-f]{32}$/);
  });
  it('changes with anything the row says', () => {
    const base = md('@alice, @bob');
    expect(md('@alice, @carol')).not.toBe(base);
    expect(md('@alice, @bob', 'test=B602 path=a/*.py line=13')).not.toBe(base);
    expect(approvalCode(parseWaivers(`${HEAD}\n| SW-1 | bandit | test=B602 path=a/*.py line=12 | not exploitable here | r | @o | @alice, @bob | 2026-11-20 | 2027-12-31 |`, 'w.md')[0]!)).not.toBe(base);
  });
});
