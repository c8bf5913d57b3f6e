/**
 * Reads ONE file out of an artifact zip, with fflate (pure JavaScript, no dependencies, no native
 * code). Zip-bomb guard: only the wanted entry is ever inflated, its declared size must be within
 * `maxBytes`, and it is inflated into a buffer of exactly that declared size, so a lying header
 * cannot make it allocate more (the output is then cut short and fails to parse: no data).
 */
import { unzipSync } from 'fflate';

/** More entries than a gate's artifact ever has (its result, summary, SARIF and report copies). */
export const MAX_ENTRIES = 10_000;

class TooManyEntries extends Error {}

export type ZipEntryResult = { ok: true; text: string; path: string } | { ok: false; reason: string };

/**
 * The entry whose base name is `fileName` (the shallowest one if several; upload-artifact keeps
 * paths below the common root). Pure.
 */
export function readZipEntry(zip: Uint8Array, fileName: string, maxBytes: number): ZipEntryResult {
  const candidates: Array<{ name: string; size: number }> = [];
  const baseOf = (n: string) => n.replace(/\\/g, '/').split('/').pop() ?? n;
  // fflate walks as many central-directory entries as the end record claims, reading zeros past
  // the buffer's end: a 600-byte zip claiming 2^32 (ZIP64) kept the event loop busy for most of an
  // hour, out of reach of every timeout. A central-directory entry takes 46 bytes at least.
  const maxEntries = Math.min(MAX_ENTRIES, Math.floor(zip.length / 46));
  let entries = 0;
  try {
    // First pass: list names and declared sizes only (the filter refuses every entry).
    unzipSync(zip, {
      filter: (f) => {
        if (++entries > maxEntries) throw new TooManyEntries();
        if (baseOf(f.name) === fileName && !f.name.endsWith('/')) candidates.push({ name: f.name, size: f.originalSize });
        return false;
      },
    });
  } catch (e) {
    if (e instanceof TooManyEntries) return { ok: false, reason: `the artifact's zip claims more entries than it can hold (over ${maxEntries})` };
    return { ok: false, reason: `the artifact is not a readable zip (${(e as Error).message})` };
  }
  if (candidates.length === 0) return { ok: false, reason: `the artifact has no ${fileName}` };
  const depth = (n: string) => n.replace(/\\/g, '/').split('/').length;
  candidates.sort((a, b) => depth(a.name) - depth(b.name) || a.name.localeCompare(b.name));
  const want = candidates[0]!;
  // Two entries the reader cannot tell apart (the same name twice, or two at the shallowest depth,
  // `a/x` and `b\x`): which one is the gate's result is unknown, so the run has no data. Reading
  // the "last one wins" would let a crafted artifact pick the clean one (and inflate a bomb).
  const ties = candidates.filter((c) => depth(c.name) === depth(want.name));
  if (ties.length > 1) return { ok: false, reason: `the artifact has ${ties.length} entries that could be the ${fileName} (${ties.slice(0, 3).map((c) => JSON.stringify(c.name.slice(0, 100))).join(', ')}): ambiguous` };
  if (want.size > maxBytes) return { ok: false, reason: `${want.name} declares ${want.size} bytes uncompressed, over the ${maxBytes}-byte limit` };
  try {
    // A stored entry is copied by its compressed size, which its header may not match: both sizes
    // within the limit, and the output checked too.
    let seen = 0;
    const files = unzipSync(zip, {
      filter: (f) => {
        if (++seen > maxEntries) throw new TooManyEntries();
        return f.name === want.name && f.originalSize <= maxBytes && f.size <= maxBytes;
      },
    });
    const out = files[want.name];
    if (!out) return { ok: false, reason: `${want.name} could not be unpacked (its sizes are over the ${maxBytes}-byte limit or disagree)` };
    if (out.byteLength > maxBytes) return { ok: false, reason: `${want.name} unpacks to ${out.byteLength} bytes, over the ${maxBytes}-byte limit` };
    return { ok: true, text: Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('utf8'), path: want.name };
  } catch (e) {
    return { ok: false, reason: `${want.name} could not be unpacked (${(e as Error).message})` };
  }
}
