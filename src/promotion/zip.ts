/**
 * Reads ONE file out of an artifact zip, with fflate (pure JavaScript, no dependencies, no native
 * code). Zip-bomb guard: only the wanted entry is ever inflated, its declared size must be within
 * `maxBytes`, and it is inflated into a buffer of exactly that declared size, so a lying header
 * cannot make it allocate more (the output is then cut short and fails to parse: no data).
 */
import { unzipSync } from 'fflate';

export type ZipEntryResult = { ok: true; text: string; path: string } | { ok: false; reason: string };

/**
 * The entry whose base name is `fileName` (the shallowest one if several; upload-artifact keeps
 * paths below the common root). Pure.
 */
export function readZipEntry(zip: Uint8Array, fileName: string, maxBytes: number): ZipEntryResult {
  const candidates: Array<{ name: string; size: number }> = [];
  const baseOf = (n: string) => n.replace(/\\/g, '/').split('/').pop() ?? n;
  try {
    // First pass: list names and declared sizes only (the filter refuses every entry).
    unzipSync(zip, {
      filter: (f) => {
        if (baseOf(f.name) === fileName && !f.name.endsWith('/')) candidates.push({ name: f.name, size: f.originalSize });
        return false;
      },
    });
  } catch (e) {
    return { ok: false, reason: `the artifact is not a readable zip (${(e as Error).message})` };
  }
  if (candidates.length === 0) return { ok: false, reason: `the artifact has no ${fileName}` };
  candidates.sort((a, b) => a.name.split('/').length - b.name.split('/').length || a.name.localeCompare(b.name));
  const want = candidates[0]!;
  if (want.size > maxBytes) return { ok: false, reason: `${want.name} declares ${want.size} bytes uncompressed, over the ${maxBytes}-byte limit` };
  let out: Uint8Array | undefined;
  try {
    const files = unzipSync(zip, { filter: (f) => f.name === want.name });
    out = files[want.name];
  } catch (e) {
    return { ok: false, reason: `${want.name} could not be unpacked (${(e as Error).message})` };
  }
  if (!out) return { ok: false, reason: `${want.name} could not be unpacked` };
  return { ok: true, text: Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('utf8'), path: want.name };
}
