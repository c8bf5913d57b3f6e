/**
 * Waivers, the pieces the shell wires (pure): from the waivers file's read result to the waivers and,
 * when there are none to apply (no file, malformed file), the report to show instead.
 */
import { emptyWaiverReport } from './evaluate.js';
import { parseWaivers } from './parse.js';
import { WaiverFileError, type Waiver, type WaiverReport } from './types.js';

export * from './types.js';
export { parseWaivers, isYamlFile, needsYaml, loadWaiverValidation, MAX_WAIVERS_FILE_BYTES } from './parse.js';
export { alignAddedLines, createWaiverSession, emptyWaiverReport, holdsApproverRole, touchedWaivers, waiversToVerify, matcherFor, type WaiversFileChange, type ApprovalComment, type ApprovalVerification, type ApproverConfig, type MembershipAnswer, type MembershipLookup, type WaiverSession, type WaiverSessionOptions } from './evaluate.js';
export { renderWaiverSection, waiverHeadline } from './render.js';

/** What reading the waivers file gave (the shape of `readReport` in src/io/files.ts). */
export type WaiverFileRead = { ok: true; text: string } | { ok: false; error: string };

export interface PreparedWaivers {
  waivers: Waiver[];
  /** Set when no waiver can apply (no file, unreadable or malformed): use it as the report. */
  report?: WaiverReport;
  /** The parse error, for an annotation on `file:line`. */
  error?: WaiverFileError;
}

/**
 * A missing file means "no waivers" (nothing applies, said in the report). An unreadable or malformed
 * file also applies no waiver at all, and the report carries the error naming the line.
 */
export function prepareWaivers(file: string, read: WaiverFileRead): PreparedWaivers {
  if (!read.ok) {
    if (/ENOENT|ENOTDIR/.test(read.error)) return { waivers: [], report: emptyWaiverReport(file, { present: false }) };
    return { waivers: [], report: emptyWaiverReport(file, { present: true, error: `${file}: ${read.error}` }) };
  }
  try {
    return { waivers: parseWaivers(read.text, file) };
  } catch (e) {
    if (!(e instanceof WaiverFileError)) throw e;
    return { waivers: [], report: emptyWaiverReport(file, { present: true, error: e.message }), error: e };
  }
}
