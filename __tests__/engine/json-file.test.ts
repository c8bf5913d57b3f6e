import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonPieces, writeJsonFile } from '../../src/engine/json-file.js';

const samples: unknown[] = [
  { a: 1, b: [1, 2, { c: 'x\ny', d: undefined, e: null }], f: {}, g: [], h: 'é→"', i: () => 1, j: [undefined, () => 2], k: new Date(0) },
  { schemaVersion: 1, tools: [{ tool: 'bandit', findings: [{ ruleId: 'B101', location: { path: 'a|b', line: 3 }, tags: ['x'], nested: { deep: { deeper: [1, [2, [3]]] } } }], counts: { block: 0 } }] },
  [],
  {},
  'text',
  42,
  null,
  [[[[[[1]]]]], { toJSON: () => ({ z: [1] }) }],
  Object.assign(Object.create(null) as object, { p: 1 }),
];

describe('jsonPieces / writeJsonFile', () => {
  for (const [i, v] of samples.entries()) {
    for (const indent of [0, 1, 2]) {
      it(`sample ${i}, indent ${indent}: the pieces joined are JSON.stringify's output`, () => {
        expect([...jsonPieces(v, indent)].join('')).toBe(JSON.stringify(v, null, indent));
        expect([...jsonPieces(v, indent, 1)].join('')).toBe(JSON.stringify(v, null, indent));
      });
    }
  }

  it('compactLeaves: the same JSON, each value four levels deep on one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-json-file-'));
    try {
      const value = samples[1] as { tools: Array<{ findings: unknown[] }> };
      const file = join(dir, 'c.json');
      await writeJsonFile(file, value, 1, { compactLeaves: true });
      const text = await readFile(file, 'utf8');
      expect(JSON.parse(text)).toEqual(value);
      expect(text.split('\n')).toContain(`    ${JSON.stringify(value.tools[0]?.findings[0])}`);
      for (const v of samples) {
        expect(JSON.parse([...jsonPieces(v, 2, 4, '', 0, true)].join('') || 'null')).toEqual(JSON.parse(JSON.stringify(v) ?? 'null'));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes a big value in chunks, byte for byte', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-json-file-'));
    try {
      const findings: unknown[] = Array.from({ length: 20_000 }, (_, i) => ({ i, title: `finding ${i} → "quoted"`, location: { path: `src/m${i}.py`, line: i } }));
      findings.splice(7, 0, { big: 'é'.repeat(2_000_000), lone: '\ud800' }); // a piece bigger than the write buffer
      const value = { tools: [{ findings }] };
      const file = join(dir, 'r.json');
      await writeJsonFile(file, value, 1);
      expect(await readFile(file, 'utf8')).toBe(JSON.stringify(value, null, 1) + '\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
