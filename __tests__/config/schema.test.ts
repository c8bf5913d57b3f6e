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
  it('quotes the value and says what was expected, once (found by a docs review)', () => {
    const msg = (layer: Record<string, unknown>) => {
      try {
        parseSettings([layer]);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(msg({ phase: 'auto' })).toBe('phase-2-from: got none; phase "auto" needs the day phase 2 starts (YYYY-MM-DD)');
    expect(msg({ 'osv-api-url': 'ftp://x' })).toBe('osv-api-url: got "ftp://x"; expected an http(s) URL');
    expect(msg({ 'osv-api-url': 'not a url' })).toBe('osv-api-url: got "not a url"; expected an http(s) URL');
    expect(msg({ 'artifact-name': 'a/b' })).toBe('artifact-name: got "a/b"; expected 1-200 characters without " : < > | * ? \\ / or newlines');
    expect(msg({ 'override-label': 'x'.repeat(51) })).toBe(`override-label: got "${'x'.repeat(51)}"; expected a label name of 1-50 characters`);
    expect(parseSettings([{ 'osv-api-url': 'https://osv.internal/api', 'override-label': 'hotfix' }])['osv-api-url']).toBe('https://osv.internal/api');
  });
  it('lets later layers win', () => {
    const s = parseSettings([{ phase: '2' }, { phase: '1' }]);
    expect(s.phase).toBe('1');
  });
});
