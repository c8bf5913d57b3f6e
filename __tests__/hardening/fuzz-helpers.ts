/**
 * Shared by the hardening fuzz suite: fixture loading, JSON mutation by path with raw-text splices
 * (so `__proto__` keys, `NaN` and `1e999` reach the parser as real JSON text), and the prototype
 * pollution check.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Runs per property: `FUZZ_RUNS` (default 200: CI). Locally `FUZZ_RUNS=5000 npm test -- __tests__/hardening/fuzz`. */
export const RUNS = Math.max(1, Number.parseInt(process.env['FUZZ_RUNS'] ?? '', 10) || 200);
/** Fewer runs for the expensive properties (deep nesting, megabyte strings). */
export const HEAVY_RUNS = Math.max(5, Math.floor(RUNS / 20));

/** Seed from `FUZZ_SEED` to replay a failure; fast-check prints the seed and path of any counterexample. */
export const SEED = process.env['FUZZ_SEED'] ? Number(process.env['FUZZ_SEED']) : undefined;

export interface Fixture {
  /** `<owner>__<repo>/<file>` */
  name: string;
  text: string;
}

/** Report fixtures of a tool no bigger than `maxBytes` (goldens excluded), sorted by name. */
export function fixturesOf(tool: string, maxBytes = 64 * 1024): Fixture[] {
  const root = join(FIXTURES, tool);
  const out: Fixture[] = [];
  for (const dir of readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(root, dir.name))) {
      if (f.includes('.expected.')) continue;
      const p = join(root, dir.name, f);
      if (statSync(p).size > maxBytes) continue;
      out.push({ name: `${dir.name}/${f}`, text: readFileSync(p, 'utf8') });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export type JsonPath = Array<string | number>;

/** Every path in a JSON value (objects and arrays included), at most `max`, breadth first. */
export function jsonPaths(value: unknown, max = 4000): JsonPath[] {
  const out: JsonPath[] = [[]];
  const queue: Array<{ v: unknown; p: JsonPath }> = [{ v: value, p: [] }];
  while (queue.length > 0 && out.length < max) {
    const { v, p } = queue.shift()!;
    if (Array.isArray(v)) {
      v.forEach((c, i) => {
        out.push([...p, i]);
        queue.push({ v: c, p: [...p, i] });
      });
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        out.push([...p, k]);
        queue.push({ v: (v as Record<string, unknown>)[k], p: [...p, k] });
      }
    }
  }
  return out.slice(0, max);
}

/** Paths whose value is an object (where a key can be added). */
export function objectPaths(value: unknown): JsonPath[] {
  return jsonPaths(value).filter((p) => {
    const v = getAt(value, p);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
}

export function getAt(value: unknown, path: JsonPath): unknown {
  let v = value;
  for (const k of path) v = (v as Record<string | number, unknown>)[k];
  return v;
}

const RAW = '\u0000@@fuzz-raw@@\u0000';
const RAW_KEY = '\u0000@@fuzz-key@@\u0000';

/**
 * JSON text of `value` with the value at `path` replaced by the raw JSON text `raw` (may be invalid
 * JSON on purpose: `NaN`, `1e999`, a deep nesting). `path` [] replaces the whole document.
 */
export function spliceRaw(value: unknown, path: JsonPath, raw: string, indent?: number): string {
  if (path.length === 0) return raw;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = RAW;
  return JSON.stringify(copy, null, indent).replace(JSON.stringify(RAW), () => raw);
}

/** JSON text of `value` with an extra own key `key` (e.g. `__proto__`) holding raw text, in the object at `path`. */
export function addRawKey(value: unknown, path: JsonPath, key: string, raw: string): string {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  const target = getAt(copy, path) as Record<string, unknown>;
  target[RAW_KEY] = RAW;
  return JSON.stringify(copy).replace(JSON.stringify(RAW_KEY), () => JSON.stringify(key)).replace(JSON.stringify(RAW), () => raw);
}

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` deep, as text (built without recursion). */
export function deepNesting(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** What `Object.prototype`, `Array.prototype`, `Function.prototype` and `String.prototype` hold now. */
export function prototypeSnapshot(): string {
  const protos = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype];
  return protos.map((p) => Reflect.ownKeys(p).map(String).sort().join(',')).join('|');
}

/** Throws when a prototype gained a key or `({}).polluted` / `isAdmin` resolve to something. */
export function assertNoPollution(before: string): void {
  const probe = {} as Record<string, unknown>;
  if (probe['polluted'] !== undefined || probe['isAdmin'] !== undefined || probe['toString'] !== Object.prototype.toString) {
    throw new Error('Object.prototype was polluted');
  }
  if (prototypeSnapshot() !== before) throw new Error('a built-in prototype gained or lost a key');
}

/** Raw JSON payloads that try to pollute when a parser copies keys around. */
export const POLLUTING_VALUES = [
  '{"polluted":"yes","isAdmin":true}',
  '{"prototype":{"polluted":"yes"}}',
  '{"__proto__":{"polluted":"yes"}}',
  '"polluted"',
  'null',
  '[{"polluted":"yes"}]',
];

export const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'];

/** Number literals at the edges: the non-JSON ones must be refused, the JSON ones handled. */
export const NON_JSON_NUMBERS = ['NaN', 'Infinity', '-Infinity', '+1', '0x10', '.5', '1.', '01'];
export const EDGE_NUMBERS = ['1e999', '-1e999', '1e-999', '-0', '0.0', '1E400', '9007199254740993', '1.7976931348623157e308', '5e-324', '-1', '2.5', '1e2', '123456789012345678901234567890'];

/** Bytes that are not valid UTF-8 (lone continuation, overlong, surrogate, truncated sequences, 0xFF). */
export const INVALID_UTF8: number[][] = [[0x80], [0xbf], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xff], [0xfe], [0xe2, 0x82], [0xf0, 0x9f, 0x98]];
