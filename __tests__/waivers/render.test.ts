import { describe, expect, it } from '@jest/globals';
import { createWaiverSession } from '../../src/waivers/evaluate.js';
import { renderWaiverSection, waiverHeadline } from '../../src/waivers/render.js';
import { evaluated, waiver } from './helpers.js';

const NOW = new Date('2026-11-29T12:00:00Z');

describe('renderWaiverSection', () => {
  it('escapes everything the waivers file says (it is untrusted in a pull request)', () => {
    const w = waiver('deptry', { code: 'DEP002', module: 'x|y' }, {
      id: 'W-1',
      owner: '<img src=x onerror=alert(1)> @everyone | `',
      tracking: 'javascript:alert(1)',
      approvers: [],
    });
    const s = createWaiverSession({ file: 'w.md', waivers: [w], approvers: { security: [], senior: [] }, now: NOW });
    s.waive(evaluated('deptry', { ruleId: 'DEP002', extra: { module: 'x|y' } }));
    const md = renderWaiverSection(s.report());
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/@everyone/);
    expect(md).not.toContain('javascript:');
    const row = md.split('\n').find((l) => l.startsWith('| ⛔ invalid'))!;
    // Nine cells: no pipe from the data split the row.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(9);
    expect(row).toContain('`code=DEP002 module=x¦y`');
  });

  it('headline counts', () => {
    const a = waiver('deptry', { code: 'DEP002', module: 'a' });
    const b = waiver('deptry', { code: 'DEP002', module: 'b' }, { expires: '2026-12-01' });
    const c = waiver('deptry', { code: 'DEP002', module: 'c' });
    const s = createWaiverSession({ file: 'w.md', waivers: [a, b, c], approvers: { security: [], senior: [] }, now: NOW });
    s.waive(evaluated('deptry', { ruleId: 'DEP002', extra: { module: 'a' } }));
    s.waive(evaluated('deptry', { ruleId: 'DEP002', extra: { module: 'b' } }));
    expect(waiverHeadline(s.report())).toBe('Waivers: 2 waivers applied (2 findings waived) · 1 expiring soon · 1 stale');
    const empty = createWaiverSession({ file: 'w.md', waivers: [], approvers: { security: [], senior: [] }, now: NOW }).report();
    expect(renderWaiverSection(empty)).toContain('`w.md` holds no waivers.');
  });
});
