import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, DEFAULT_CRITICAL_PATHS, parseSettings } from '../../src/config/schema.js';

describe('parseSettings', () => {
  it('applies defaults when nothing is given', () => {
    const s = parseSettings([{}]);
    expect(s.phase).toBe('1');
    expect(s['on-missing-report']).toBe('error');
    expect(s['critical-paths']).toEqual(DEFAULT_CRITICAL_PATHS);
    expect(s['fail-on-block']).toBe(false);
    expect(s['artifact-name']).toBe('security-gate-reports');
  });
  it('splits lists on newlines and commas and treats empty as absent', () => {
    const s = parseSettings([{ 'bandit-report': 'a.json, b/*.json\n\nc.json', phase: '' }]);
    expect(s['bandit-report']).toEqual(['a.json', 'b/*.json', 'c.json']);
    expect(s.phase).toBe('1');
  });
  it('names the input, the value and the expected form', () => {
    expect(() => parseSettings([{ phase: '3' }])).toThrow(ConfigurationError);
    expect(() => parseSettings([{ phase: '3' }])).toThrow('phase: got "3"; expected one of 1, 2, auto');
    expect(() => parseSettings([{ 'fail-on-block': 'maybe' }])).toThrow('fail-on-block: got "maybe"; expected true or false');
    expect(() => parseSettings([{ 'phase-2-from': '2026-02-30' }])).toThrow('phase-2-from: got "2026-02-30"; expected a date as YYYY-MM-DD');
    expect(() => parseSettings([{ 'phase-2-tools': 'bandit,flake8' }])).toThrow('unknown tool "flake8"');
    expect(() => parseSettings([{ phase: 'auto' }])).toThrow('phase-2-from');
  });
  it('lets later layers win', () => {
    const s = parseSettings([{ phase: '2' }, { phase: '1' }]);
    expect(s.phase).toBe('1');
  });
});
