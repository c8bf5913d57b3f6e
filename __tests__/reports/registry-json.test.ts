import { describe, expect, it } from '@jest/globals';
import {
  expectInteger,
  expectString,
  expectStringArray,
  hash53,
  jsonPath,
  JsonShapeError,
  lineColumnAt,
  locateJsonError,
  optString,
  own,
  parseJson,
  reqObject,
  reqString,
  stripBom,
  withReportErrors,
} from '../../src/reports/json.js';
import { ReportParseError } from '../../src/reports/model.js';

function jsonError(content: string): ReportParseError {
  try {
    parseJson('deptry', 'deptry.json', content);
  } catch (e) {
    if (e instanceof ReportParseError) return e;
    throw e;
  }
  throw new Error('expected a ReportParseError');
}

describe('parseJson', () => {
  it('parses, with or without a BOM', () => {
    expect(parseJson('bandit', 'f', '{"a": [1]}')).toEqual({ a: [1] });
    expect(parseJson('bandit', 'f', '\uFEFF[]')).toEqual([]);
    expect(stripBom('\uFEFFx')).toBe('x');
  });

  it('rejects an empty or whitespace-only file', () => {
    for (const c of ['', ' \n\r\n\t', '\uFEFF', '\uFEFF  \n']) {
      const e = jsonError(c);
      expect(e.where).toBe('');
      expect(e.reason).toBe('empty file (the tool probably crashed or wrote nothing)');
      expect(e.message).toBe('deptry: deptry.json: empty file (the tool probably crashed or wrote nothing)');
    }
  });

  it('gives line and column from the position in the V8 message', () => {
    let e = jsonError('{\n  "results": [\n    {"a" 1}\n  ]\n}');
    expect(e.where).toBe('line 3, column 10');
    expect(e.reason).toBe("invalid JSON: expected ':' after property name");
    e = jsonError('{"a":1} x');
    expect(e.where).toBe('line 1, column 9');
    expect(e.reason).toBe('invalid JSON: unexpected non-whitespace character after JSON');
    e = jsonError('{"a":"\u0001"}');
    expect(e.where).toBe('line 1, column 7');
  });

  it('locates errors V8 reports without a position ("Unexpected token")', () => {
    let e = jsonError('{"a":}');
    expect(e.where).toBe('line 1, column 6');
    expect(e.reason).toBe('invalid JSON: unexpected character "}"');
    e = jsonError('[\n  1,\n  2,\n]');
    expect(e.where).toBe('line 4, column 1');
    e = jsonError('{\n "a": 1,\n "b": @\n}');
    expect(e.where).toBe('line 3, column 7');
    expect(e.reason).toBe('invalid JSON: unexpected character "@"');
  });

  it('never echoes the file text in the message (it may hold a secret)', () => {
    const e = jsonError('{"token": ghp_SECRETSECRETSECRET}');
    expect(e.where).toBe('line 1, column 11');
    expect(e.message).not.toContain('SECRET');
  });

  it('says "truncated JSON" when the file ends early, with the place where it ends', () => {
    const cases: [string, string][] = [
      ['{"a": [1, 2', 'line 1, column 12'],
      ['{"a": [1,\n', 'line 1, column 10'],
      ['{"a": "abc', 'line 1, column 11'],
      ['{\n "a": tr', 'line 2, column 9'],
      ['{"a": 1,\n  "b": {"c": \n\n', 'line 2, column 13'],
      ['[', 'line 1, column 2'],
    ];
    for (const [text, where] of cases) {
      const e = jsonError(text);
      expect([text, e.where]).toEqual([text, where]);
      expect(e.reason).toMatch(/^truncated JSON: /);
    }
  });
});

describe('locateJsonError', () => {
  it('returns -1 for valid JSON and agrees with JSON.parse on a set of inputs', () => {
    const valid = ['{}', '[]', ' {"a": [1, -2.5e+3, true, false, null, "x\\u00e9\\n"]} ', '"s"', '0', '-0.1', '{"a":{"b":[[]]}}'];
    for (const v of valid) expect([v, locateJsonError(v)]).toEqual([v, -1]);
    const invalid: [string, number][] = [
      ['{"a":}', 5],
      ['[1,]', 3],
      ['{"a" 1}', 5],
      ['01', 1],
      ['{"a":1}}', 7],
      ['"\\q"', 2],
      ['{,}', 1],
      ['[1 2]', 3],
      ['tru', 3],
      ['nul!', 3],
      ['-', 1],
      ['1.', 2],
      ['1e', 2],
      ['"\\u12G4"', 5],
    ];
    for (const [text, at] of invalid) expect([text, locateJsonError(text)]).toEqual([text, at]);
  });

  it('does not overflow the stack on deep nesting', () => {
    const deep = '['.repeat(200000);
    expect(locateJsonError(deep)).toBe(200000);
  });
});

describe('accessors', () => {
  it('name the JSON path and the type found', () => {
    expect(() => expectString(3, '$.results[3].issue_severity')).toThrow(new JsonShapeError('$.results[3].issue_severity', 'expected a string, got number'));
    expect(() => expectString(undefined, '$.x')).toThrow('$.x: missing (expected a string)');
    expect(() => expectString(null, () => '$.lazy')).toThrow('$.lazy: expected a string, got null');
    expect(() => expectInteger(1.5, '$.n')).toThrow('$.n: expected an integer, got number');
    expect(expectInteger(205.0, '$.n')).toBe(205);
    expect(() => expectStringArray(['a', {}], '$.tags')).toThrow('$.tags[1]: expected a string, got object');
    expect(() => reqString({ a: [] }, 'a', '$.o')).toThrow('$.o.a: expected a string, got array');
    expect(() => reqObject({}, 'metrics', '$')).toThrow('$.metrics: missing (expected an object)');
    expect(optString({ a: null }, 'a', '$')).toBeUndefined();
  });

  it('quote keys that are not identifiers', () => {
    expect(jsonPath('$.metrics', 'dojo/x.py')).toBe('$.metrics["dojo/x.py"]');
    expect(jsonPath('$', 'bom-ref')).toBe('$["bom-ref"]');
    expect(jsonPath('$.a', 3)).toBe('$.a[3]');
    expect(jsonPath('$', 'x'.repeat(100)).length).toBeLessThan(100);
  });

  it('read own properties only', () => {
    const parsed = JSON.parse('{"__proto__": {"secret": "s"}, "name": "n"}') as Record<string, unknown>;
    expect(own(parsed, 'secret')).toBeUndefined();
    expect(own(parsed, 'constructor')).toBeUndefined();
    expect(own(parsed, 'toString')).toBeUndefined();
    expect(() => reqString(parsed, 'toString', '$')).toThrow('$.toString: missing (expected a string)');
    expect(() => reqString(parsed, 'secret', '$')).toThrow('$.secret: missing');
    expect(own(parsed, 'name')).toBe('n');
    expect(({} as Record<string, unknown>).secret).toBeUndefined();
  });

  it('withReportErrors turns a shape error into a ReportParseError naming tool and file', () => {
    expect(() => withReportErrors('gitleaks', 'g.json', () => expectString(1, '$[0].RuleID'))).toThrow(
      new ReportParseError('gitleaks', 'g.json', '$[0].RuleID', 'expected a string, got number'),
    );
  });

  it('lineColumnAt and hash53 behave', () => {
    expect(lineColumnAt('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumnAt('ab', 0)).toEqual({ line: 1, column: 1 });
    expect(hash53('assert x')).toBe(hash53('assert x'));
    expect(hash53('assert x')).not.toBe(hash53('assert y'));
    expect(hash53('')).toMatch(/^[0-9a-f]{14}$/);
  });
});
