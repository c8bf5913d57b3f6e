import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendTopLevelKey, jsonPieces, writeJsonFile } from '../../src/engine/json-file.js';
import { addedLastKey, snapshotResult, stage } from '../../src/engine/stage.js';
import type { GateResult } from '../../src/policy/result.js';
import { writeNoFollow } from '../../src/io/files.js';

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
      // Every sample with its arrays of leaves at each depth (undefined, functions and toJSON among them).
      for (const v of samples) {
        for (const walkDepth of [1, 2, 3, 4]) {
          expect(JSON.parse([...jsonPieces(v, 2, walkDepth, '', 0, true)].join('') || 'null')).toEqual(JSON.parse(JSON.stringify(v) ?? 'null'));
        }
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

describe('output files are never written through a link planted at their name', () => {
  // outputPathProblem looks at the path before the work; a link planted at the name since (a process
  // an earlier step left running) makes the open fail instead of redirecting the write.
  const itPosix = process.platform === 'win32' ? it.skip : it;
  itPosix('writeJsonFile, appendTopLevelKey and writeNoFollow refuse a link (ELOOP) or a pipe (ENXIO) and leave the link target alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-json-file-'));
    try {
      await writeFile(join(dir, 'victim.sh'), 'echo original\n');
      await symlink(join(dir, 'victim.sh'), join(dir, 'result.json'));
      await expect(writeJsonFile(join(dir, 'result.json'), { a: 1 }, 1)).rejects.toMatchObject({ code: 'ELOOP' });
      await expect(writeNoFollow(join(dir, 'result.json'), 'x')).rejects.toMatchObject({ code: 'ELOOP' });
      expect(await readFile(join(dir, 'victim.sh'), 'utf8')).toBe('echo original\n');
      // The artifact link added to the result's end: not through a link planted at its name since.
      await writeJsonFile(join(dir, 'written.json'), { a: 1 }, 1);
      await writeJsonFile(join(dir, 'victim.json'), { a: 1 }, 1);
      await rm(join(dir, 'written.json'));
      await symlink(join(dir, 'victim.json'), join(dir, 'written.json'));
      await expect(appendTopLevelKey(join(dir, 'written.json'), 'artifact', { id: 1 }, 1)).rejects.toMatchObject({ code: 'ELOOP' });
      expect(await readFile(join(dir, 'victim.json'), 'utf8')).toBe('{\n "a": 1\n}\n');
      // A pipe planted at the name: refused at once (ENXIO), never a wait for a reader.
      execFileSync('mkfifo', [join(dir, 'pipe.json')]);
      await expect(writeNoFollow(join(dir, 'pipe.json'), 'x')).rejects.toMatchObject({ code: 'ENXIO' });
      await expect(writeJsonFile(join(dir, 'pipe.json'), { a: 1 }, 1)).rejects.toMatchObject({ code: 'ENXIO' });
      // A regular file at the name is overwritten as before.
      await writeFile(join(dir, 'plain.json'), 'a much longer text than what replaces it');
      await writeJsonFile(join(dir, 'plain.json'), { a: 1 }, 0);
      expect(await readFile(join(dir, 'plain.json'), 'utf8')).toBe('{"a":1}\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('appendTopLevelKey', () => {
  const base = () => ({ schemaVersion: 1, verdict: 'warn', tools: [{ tool: 'bandit', findings: [{ ruleId: 'B101', title: 'é → "x"', location: { path: 'a.py', line: 1 } }] }], notices: ['n'] });
  const values: unknown[] = [{ name: 'gate', id: 42, url: 'https://example.test/a?b=1&c=%20' }, { name: 'x', error: 'quota\nexceeded → "no"' }, [1, [2, { deep: { deeper: [3] } }]], 'text', 7, null, {}, []];

  it('gives the bytes writeJsonFile gives for the object with the key added last', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-append-'));
    try {
      for (const compactLeaves of [false, true]) {
        for (const [i, v] of values.entries()) {
          const file = join(dir, `r${i}-${compactLeaves}.json`);
          const value: Record<string, unknown> = base();
          await writeJsonFile(file, value, 1, { compactLeaves });
          expect(await appendTopLevelKey(file, 'artifact', v, 1, { compactLeaves })).toBe(true);
          value.artifact = v;
          const full = join(dir, `full${i}-${compactLeaves}.json`);
          await writeJsonFile(full, value, 1, { compactLeaves });
          expect({ i, compactLeaves, text: await readFile(file, 'utf8') }).toEqual({ i, compactLeaves, text: await readFile(full, 'utf8') });
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves a file alone when its end is not what writeJsonFile writes, or the value cannot be written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-append-'));
    try {
      const cases: Array<[string, unknown, number]> = [['{}\n', { a: 1 }, 1], ['{\n "a": 1\n}', { a: 1 }, 1], ['{\n "a": 1\n}\n\n', 1, 1], ['{"a":1}\n', 1, 0], ['{\n "a": 1\n}\n', undefined, 1], ['', 1, 1]];
      for (const [i, [text, v, indent]] of cases.entries()) {
        const file = join(dir, `c${i}.json`);
        await writeFile(file, text);
        expect({ i, appended: await appendTopLevelKey(file, 'k', v, indent) }).toEqual({ i, appended: false });
        expect(await readFile(file, 'utf8')).toBe(text);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('addedLastKey', () => {
  const result = () => ({ schemaVersion: 1, verdict: 'warn', tools: [{ tool: 'bandit', findings: [] }], notices: ['a'] }) as unknown as GateResult;

  it('names the one key added last when nothing else changed', () => {
    const r = result();
    const before = snapshotResult(r);
    expect(addedLastKey(before, r)).toBeUndefined();
    r.artifact = { name: 'gate', id: 1 };
    expect(addedLastKey(before, r)).toBe('artifact');
  });

  it('is undefined when anything else changed too: a notice, a value, two keys, another order', () => {
    const notice = result();
    const b1 = snapshotResult(notice);
    notice.artifact = { name: 'gate', error: 'quota' };
    notice.notices.push('Artifact upload failed');
    expect(addedLastKey(b1, notice)).toBeUndefined();

    const verdict = result();
    const b2 = snapshotResult(verdict);
    verdict.verdict = 'block';
    verdict.artifact = { name: 'gate', id: 1 };
    expect(addedLastKey(b2, verdict)).toBeUndefined();

    const two = result();
    const b3 = snapshotResult(two);
    Object.assign(two, { extra: 1, artifact: { name: 'gate' } });
    expect(addedLastKey(b3, two)).toBeUndefined();

    const reordered = result();
    const b4 = snapshotResult(reordered);
    const { schemaVersion, ...rest } = reordered;
    const moved = { ...rest, schemaVersion, artifact: { name: 'gate' } } as unknown as GateResult;
    expect(addedLastKey(b4, moved)).toBeUndefined();
  });
});

describe('stage: the result file after the upload', () => {
  it('only gets its end rewritten when the artifact link is all that changed, else is written again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-stage-'));
    try {
      const result = { schemaVersion: 1, verdict: 'warn', tools: [{ tool: 'bandit', findings: [{ title: 'MARK' }] }], notices: ['a'] } as unknown as GateResult;
      const first = await stage({ outDir: dir, workspace: dir, result, summary: 's', reports: [] });
      // A mark only the first write has: it survives when the end alone is rewritten.
      const marked = (await readFile(first.resultFile, 'utf8')).replace('MARK', 'KRAM');
      await writeFile(first.resultFile, marked);
      result.artifact = { name: 'gate', id: 7 };
      const second = await stage({ outDir: dir, workspace: dir, result, summary: 's', reports: [], written: first.written });
      const appended = await readFile(second.resultFile, 'utf8');
      expect(appended).toContain('KRAM');
      expect(JSON.parse(appended).artifact).toEqual({ name: 'gate', id: 7 });
      // Another change too (the upload failed and said so): the whole file is written again.
      result.notices.push('Artifact upload failed');
      result.artifact = { name: 'gate', error: 'quota' };
      await writeFile(second.resultFile, marked);
      const third = await stage({ outDir: dir, workspace: dir, result, summary: 's', reports: [], written: first.written });
      const rewritten = await readFile(third.resultFile, 'utf8');
      expect(rewritten).toContain('MARK');
      expect(JSON.parse(rewritten)).toEqual(JSON.parse(JSON.stringify(result)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
