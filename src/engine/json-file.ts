/**
 * Writes a value as JSON to a file without building the whole text in memory: the same bytes as
 * `JSON.stringify(value, null, indent)`, produced piece by piece (objects and arrays near the top
 * are walked here, deeper values - e.g. each finding - are stringified one at a time) and written
 * in chunks of about 1 MiB. A result with 80,000 findings is a ~75 MB text: building it as one
 * string (and then one Buffer) doubled the gate's peak memory and time.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { WRITE_NO_FOLLOW } from '../io/files.js';

const CHUNK = 1 << 20;

function toJsonValue(v: unknown, key: string): unknown {
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return (v as { toJSON: (k: string) => unknown }).toJSON(key);
  }
  return v;
}

const wrappers = new Map<string, { prefix: number; suffix: number }>();

/** Lengths of the text before and after a value wrapped in `depth` one-element arrays. */
function wrapper(depth: number, indent: number): { prefix: number; suffix: number } {
  const key = `${depth}/${indent}`;
  let w = wrappers.get(key);
  if (!w) {
    let x: unknown = 0;
    for (let i = 0; i < depth; i++) x = [x];
    const s = JSON.stringify(x, null, indent);
    const at = s.indexOf('0');
    w = { prefix: at, suffix: s.length - at - 1 };
    wrappers.set(key, w);
  }
  return w;
}

/** What JSON.stringify omits as an object member (and writes as null in an array). */
function skipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/**
 * The pieces of `JSON.stringify(value, null, indent)`, walking `walkDepth` levels of containers
 * itself. Exported for tests (the pieces joined are the stringify output, byte for byte).
 */
export function* jsonPieces(value: unknown, indent: number, walkDepth = 4, key = '', depth = 0, compactLeaves = false): Generator<string> {
  const v = toJsonValue(value, key);
  const isArr = Array.isArray(v);
  if (depth >= walkDepth || v === null || typeof v !== 'object' || (!isArr && Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null)) {
    if (compactLeaves && depth >= walkDepth) {
      const s = JSON.stringify(v);
      if (s !== undefined) yield s;
      return;
    }
    if (depth > 0 && indent > 0 && v !== null && typeof v === 'object') {
      // Stringified inside `depth` one-element arrays, the value comes out indented for its depth;
      // the arrays' brackets are then sliced off (cheaper than re-indenting every line).
      const w = wrapper(depth, indent);
      let x: unknown = v;
      for (let i = 0; i < depth; i++) x = [x];
      const s = JSON.stringify(x, null, indent);
      yield s.slice(w.prefix, s.length - w.suffix);
      return;
    }
    const s = JSON.stringify(v, null, indent);
    if (s !== undefined) yield s;
    return;
  }
  const pad = indent > 0 ? `\n${' '.repeat((depth + 1) * indent)}` : '';
  const end = indent > 0 ? `\n${' '.repeat(depth * indent)}` : '';
  if (isArr) {
    const arr = v as unknown[];
    if (arr.length === 0) return yield '[]';
    yield '[';
    if (compactLeaves && depth + 1 >= walkDepth) {
      // Leaves (each finding): stringified here, with their separator, one piece each: 80,000
      // findings no longer go through a generator of their own and a delegation per piece.
      for (let i = 0; i < arr.length; i++) {
        // What JSON.stringify skips (undefined, functions, symbols) it answers with undefined: null here.
        const s = JSON.stringify(toJsonValue(arr[i], String(i))) ?? 'null';
        yield i === 0 ? pad + s : `,${pad}${s}`;
      }
      yield `${end}]`;
      return;
    }
    for (let i = 0; i < arr.length; i++) {
      yield i === 0 ? pad : `,${pad}`;
      const item = toJsonValue(arr[i], String(i));
      if (skipped(item)) yield 'null';
      else yield* jsonPieces(item, indent, walkDepth, String(i), depth + 1, compactLeaves);
    }
    yield `${end}]`;
    return;
  }
  let first = true;
  for (const k of Object.keys(v)) {
    const item = toJsonValue((v as Record<string, unknown>)[k], k);
    if (skipped(item)) continue;
    yield `${first ? '{' : ','}${pad}${JSON.stringify(k)}:${indent > 0 ? ' ' : ''}`;
    first = false;
    yield* jsonPieces(item, indent, walkDepth, k, depth + 1, compactLeaves);
  }
  yield first ? '{}' : `${end}}`;
}

/**
 * Writes `JSON.stringify(value, null, indent) + suffix` to `file`, in chunks: the pieces are
 * encoded straight into one reused buffer (writing strings instead, each chunk is flattened and
 * encoded again, which was three times slower on a 75 MB result).
 *
 * `compactLeaves`: values `walkDepth` (4) levels deep - each finding of a result, each result of a
 * SARIF run - are written without indentation, one per line. Still JSON, one finding per line to
 * read or grep, and smaller (80k findings: the result 63 MB instead of 76 MB, the SARIF 15 instead of 26).
 */
export async function writeJsonFile(file: string, value: unknown, indent: number, opts: { suffix?: string; compactLeaves?: boolean; followLink?: boolean } = {}): Promise<void> {
  const suffix = opts.suffix ?? '\n';
  // Never through a link planted at the name since the path was checked (outputPathProblem), unless
  // asked (`followLink`: a path the CLI's user gave outside the workspace, `/dev/stdout` say).
  const fh = await open(file, opts.followLink === true ? 'w' : WRITE_NO_FOLLOW, 0o666);
  // Two buffers: one is written while the next is filled, so the file's waits and the
  // stringifying overlap instead of taking turns. 1 MiB each: 4 MiB ones were no faster and cost
  // the action 12 MB of peak memory on the 68 MB report (244 -> 232 MB, 7 interleaved runs).
  let out = Buffer.allocUnsafe(CHUNK);
  let spare = Buffer.allocUnsafe(CHUNK);
  let pending: Promise<unknown> = Promise.resolve();
  const flush = async (n: number): Promise<void> => {
    await pending;
    pending = fh.write(out, 0, n);
    [out, spare] = [spare, out];
  };
  try {
    let n = 0;
    for (const piece of jsonPieces(value, indent, 4, '', 0, opts.compactLeaves === true)) {
      // A UTF-16 code unit is at most 3 bytes of UTF-8.
      if (n + piece.length * 3 > out.length) {
        await flush(n);
        n = 0;
        if (piece.length * 3 > out.length) {
          await pending;
          await fh.write(piece);
          continue;
        }
      }
      n += out.write(piece, n);
    }
    if (n > 0) await flush(n);
    await pending;
    await fh.write(suffix);
  } finally {
    await pending.catch(() => undefined);
    await fh.close();
  }
}

/**
 * Adds `key: value` as the last member of the top-level object of a file writeJsonFile wrote (same
 * indent and options, suffix `\n`), by rewriting only its end: the same bytes as writeJsonFile of
 * the object with the key added last, without writing the rest again (a 60 MB result gets its
 * artifact link this way). The caller makes sure nothing else changed. False, and the file
 * untouched, when its end is not what writeJsonFile writes.
 */
export async function appendTopLevelKey(file: string, key: string, value: unknown, indent: number, opts: { compactLeaves?: boolean } = {}): Promise<boolean> {
  if (indent <= 0 || value === undefined || typeof value === 'function' || typeof value === 'symbol') return false;
  const end = Buffer.from('\n}\n');
  // The file as it is open, never through a link planted at its name since writeJsonFile wrote it:
  // the open fails (ELOOP), and so does the step (fail closed).
  const fh = await open(file, constants.O_RDWR | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  try {
    const size = (await fh.stat()).size;
    if (size < end.length + 2) return false;
    const tail = Buffer.alloc(end.length);
    await fh.read(tail, 0, end.length, size - end.length);
    if (!tail.equals(end)) return false;
    const member = [...jsonPieces(value, indent, 4, key, 1, opts.compactLeaves === true)].join('');
    await fh.write(`,\n${' '.repeat(indent)}${JSON.stringify(key)}: ${member}\n}\n`, size - end.length);
  } finally {
    await fh.close();
  }
  return true;
}
