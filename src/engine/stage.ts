/**
 * Writes what the gate produces into one directory: the result JSON, the summary markdown, and a
 * `reports/` copy of every raw report read (secret-bearing reports redacted on the way, unless
 * `redact-artifacts` is false). That directory is what the artifact uploads.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { GateResult } from '../policy/result.js';
import { READ_NO_FOLLOW, readReport, readReportChunks, WRITE_NO_FOLLOW, writeNoFollow } from '../io/files.js';
import { escapeLog } from '../util/escape.js';
import { BanditReportRedactor, WITHHELD_BANDIT_REPORT } from '../reports/bandit/redact.js';
import type { RawRedaction, ReportRef } from '../reports/model.js';
import { byteForms, MIN_KNOWN_SECRET, SecretScrubber, secretForms, StreamScrubber } from '../util/redact.js';
import { artifactTransforms } from './publish.js';
import { appendTopLevelKey, writeJsonFile } from './json-file.js';
import { RESULT_FILE, SUMMARY_FILE } from './outputs.js';

export interface StageOptions {
  outDir: string;
  workspace: string;
  result: GateResult;
  summary: string;
  /** Raw report files per tool, workspace-relative. */
  reports: ReportRef[];
  /**
   * Redact the reports' copies (`redact-artifacts`): a Bandit report the parser read (JSON or SARIF,
   * with `rawRedaction`) in pieces from what it found (a plain copy when it found nothing); the
   * others through artifactTransforms (gitleaks, and Bandit reports that failed to parse).
   */
  redact?: boolean;
  /**
   * The result as an earlier stage() into the same directory wrote it. When the only change since
   * is one new last key (the artifact link, after the upload), only the file's end is rewritten.
   */
  written?: ResultSnapshot;
}

export interface Staged {
  resultFile: string;
  summaryFile: string;
  /** Every file to upload, absolute. */
  files: string[];
  /** The result as written (for a later stage()). */
  written: ResultSnapshot;
}

/** A result's top-level keys and, as JSON, everything in it but the tools (the big part). */
export interface ResultSnapshot {
  keys: string[];
  rest: string;
}

export function snapshotResult(result: GateResult, without?: string): ResultSnapshot {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result)) if (k !== 'tools' && k !== without) rest[k] = v;
  return { keys: Object.keys(result).filter((k) => k !== without), rest: JSON.stringify(rest) };
}

/** The one key added last since `before`, when nothing else changed; else undefined. */
export function addedLastKey(before: ResultSnapshot, result: GateResult): string | undefined {
  const keys = Object.keys(result);
  const added = keys[keys.length - 1];
  if (added === undefined || keys.length !== before.keys.length + 1 || before.keys.includes(added)) return undefined;
  if (!before.keys.every((k, i) => keys[i] === k)) return undefined;
  const now = snapshotResult(result, added);
  return now.rest === before.rest ? added : undefined;
}

export async function stage(opts: StageOptions): Promise<Staged> {
  await mkdir(opts.outDir, { recursive: true });
  const resultFile = join(opts.outDir, RESULT_FILE);
  const summaryFile = join(opts.outDir, SUMMARY_FILE);
  const added = opts.written ? addedLastKey(opts.written, opts.result) : undefined;
  const appended = added !== undefined && (await appendTopLevelKey(resultFile, added, (opts.result as unknown as Record<string, unknown>)[added], 1, { compactLeaves: true }));
  // Streamed, without a ~60 MB string for 80k findings; one finding per line.
  if (!appended) await writeJsonFile(resultFile, opts.result, 1, { compactLeaves: true });
  await writeNoFollow(summaryFile, opts.summary);
  const files = [resultFile, summaryFile, ...(await stageReports(opts))];
  return { resultFile, summaryFile, files, written: snapshotResult(opts.result) };
}

/**
 * The `reports/` copies alone (absolute paths of what was written). They depend on the reports and
 * the findings only, so the action writes them while it renders and writes the SARIF and the result.
 */
export async function stageReports(
  opts: Pick<StageOptions, 'outDir' | 'workspace' | 'result' | 'reports' | 'redact'> & {
    /** Who writes a redacted Bandit copy (default: here; the action's worker hands it to the idle main thread). */
    copier?: RedactedCopier;
    /** With `redact`: secret values other reports revealed, scrubbed from every copy (EngineRun.knownSecrets). */
    knownSecrets?: string[];
    /** Told of each report whose copy is a note saying why it was withheld (the run says so too). */
    onWithheld?: (file: string, note: string) => void;
  },
): Promise<string[]> {
  const copier = opts.copier ?? copyBanditRedacted;
  const knownSecrets = opts.redact && opts.knownSecrets && opts.knownSecrets.length > 0 ? opts.knownSecrets : undefined;
  // Scrubbers of the known secrets' forms, built when a copy first needs one and shared by the
  // copies after it (thousands of gitleaks secrets make each build cost more than a small copy).
  let known: SecretScrubber | undefined;
  let knownBytes: SecretScrubber | undefined;
  const allBytes = () => (knownBytes ??= byteForms(copyForms(knownSecrets ?? [])));
  const files: string[] = [];
  const transforms = opts.redact && opts.reports.length > 0 ? artifactTransforms(opts.result) : undefined;
  for (const r of opts.reports) {
    const target = join(opts.outDir, 'reports', r.path);
    if (!resolve(target).startsWith(resolve(opts.outDir, 'reports'))) continue;
    try {
      if (await stageCopy(r, target)) files.push(target);
    } catch (e) {
      // A copy that cannot be written (a directory committed at its name, a name too long under
      // the output directory, a link planted there) is left out with a warning; the verdict, the
      // outputs and the other copies are still written. Anything else is a bug: thrown.
      const code = (e as NodeJS.ErrnoException).code;
      if (typeof code !== 'string') throw e;
      opts.onWithheld?.(r.path, `withheld: the copy could not be written under the output directory (${code})`);
    }
  }
  return files;

  /** One report's copy at `target`; false when none was written. */
  async function stageCopy(r: (typeof opts.reports)[number], target: string): Promise<boolean> {
    await mkdir(dirname(target), { recursive: true });
    const t = transforms?.[r.tool];
    // The note standing for a copy that could not be made: known here, except for the copier's
    // copy (it may be written by another thread), which is read back.
    let note: string | undefined;
    // Copies written in pieces are scrubbed of the known secrets on the way (StreamScrubber).
    if (opts.redact && r.withheld) {
      // Nothing can be scrubbed of what it may hold (secrets of a gitleaks report never read).
      note = withheldBecause(r.withheld).trim();
      await writeNoFollow(target, `${note}\n`);
    } else if (opts.redact && r.tool === 'bandit' && r.rawRedaction) {
      // Its own passwords are scrubbed from the results the copy rewrites (RawRedaction.secrets).
      const own = new Set(r.rawRedaction.secrets ?? []);
      const others = knownSecrets?.filter((x) => !own.has(x));
      const secrets = others && others.length > 0 ? others : undefined;
      if (r.rawRedaction.indices.length === 0) {
        const bytes = secrets && (secrets.length === knownSecrets?.length ? allBytes() : byteForms(copyForms(secrets)));
        note = await copyReport(opts.workspace, r.path, target, bytes);
      }
      else {
        // The passwords are named in the job: a copy of rawRedaction (another thread's) would lose them.
        const redaction = { ...r.rawRedaction, ...(own.size > 0 ? { secrets: [...own] } : {}) };
        await copier({ workspace: opts.workspace, file: r.path, target, redaction, ...(secrets ? { knownSecrets: secrets } : {}) });
        if (opts.onWithheld) note = await withheldNote(target);
      }
    } else if (t && r.notRead) {
      // Refused before it was read (the run's total of report bytes): a redacted copy would read it
      // whole here, after all (a gitleaks report of hundreds of MB), so there is none.
      note = withheldBecause('it was not read: it would have taken the reports of this run over their total size limit').trim();
      await writeNoFollow(target, `${note}\n`);
    } else if (t) {
      const read = await readReport(opts.workspace, r.path);
      const text = read.ok ? t(read.text) : withheld(read.error);
      if (!read.ok) note = text.trim();
      await writeNoFollow(target, text);
      // A note holds no report text to scrub.
      if (knownSecrets && note === undefined) await scrubCopy(target, (known ??= copyScrubber(knownSecrets)));
    } else note = await copyReport(opts.workspace, r.path, target, knownSecrets ? allBytes() : undefined);
    if (note) opts.onWithheld?.(r.path, note);
    return true;
  }
}

/** The known secrets (MIN_KNOWN_SECRET or longer) in every form a report file may hold them. */
function copyForms(secrets: readonly string[]): string[] {
  return secrets.filter((s) => s.length >= MIN_KNOWN_SECRET).flatMap(secretForms);
}
function copyScrubber(secrets: readonly string[]): SecretScrubber {
  return new SecretScrubber(copyForms(secrets));
}

/**
 * Rewrites a staged copy without the secret values other reports revealed (a Bandit snippet of
 * the line gitleaks flagged). The bytes are searched first: a copy that holds none is left as it is.
 */
export async function scrubCopy(file: string, secrets: readonly string[] | SecretScrubber): Promise<boolean> {
  const scrubber = secrets instanceof SecretScrubber ? secrets : copyScrubber(secrets);
  if (scrubber.secrets.length === 0) return false;
  // One pass for every secret and form (one `includes` each over a 70 MB copy took minutes for thousands).
  const fh = await open(file, READ_NO_FOLLOW);
  const text = await fh.readFile('utf8').finally(() => fh.close());
  if (!scrubber.has(text)) return false;
  await writeNoFollow(file, scrubber.scrub(text));
  return true;
}

/**
 * The file that stands for a report copy that could not be made: the report was read for the
 * verdict, so it changed since (gone, grown over the limit, swapped for a link out of the
 * workspace: openRegular refuses it on the handle, so nothing outside is ever copied).
 */
export function withheld(error: string): string {
  return withheldBecause(`it could not be read again for the copy (${error})`);
}

/** The note a copy is replaced by, saying why (escaped: a reason may quote a path). */
function withheldBecause(reason: string): string {
  return `${WITHHELD_PREFIX}: ${escapeLog(reason)}.\n`;
}

/** The log line for a withheld copy (a report's, the SARIF file's): `file: the report was withheld ...`. */
export function withheldWarning(file: string, note: string): string {
  return `${file}: ${note.replace(/^security-gate: this /, 'the ')}`;
}

/** How every note that stands for a withheld copy starts (this one, and WITHHELD_BANDIT_REPORT). */
const WITHHELD_PREFIX = 'security-gate: this report was withheld from the artifact';

/** The note a copy was replaced by (withheld, WITHHELD_BANDIT_REPORT), or undefined for a real copy. */
async function withheldNote(target: string): Promise<string | undefined> {
  const fh = await open(target, READ_NO_FOLLOW);
  try {
    const head = Buffer.alloc(1024);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const text = head.toString('utf8', 0, bytesRead);
    return text.startsWith(WITHHELD_PREFIX) || text === WITHHELD_BANDIT_REPORT ? text.trim() : undefined;
  } finally {
    await fh.close();
  }
}

/**
 * A report copied as it is, from the handle the checks were made on (readReportChunks), never by
 * name; the note that stands for it (withheld) when it cannot be read again, with why, else undefined.
 */
export async function copyReport(workspace: string, file: string, target: string, forms?: SecretScrubber): Promise<string | undefined> {
  const out = await open(target, WRITE_NO_FOLLOW, 0o666);
  // `forms`: the known secrets' forms to scrub on the way (byteForms), when there are any.
  const scrubber = forms && forms.secrets.length > 0 ? new StreamScrubber(forms) : undefined;
  let read: Awaited<ReturnType<typeof readReportChunks>>;
  try {
    read = await readReportChunks(workspace, file, async (chunk) => {
      await writePieces(out, scrubber ? scrubber.push(chunk) : [chunk]);
      return true;
    });
    if (read.ok && scrubber) await writePieces(out, scrubber.end());
  } finally {
    await out.close();
  }
  if (read.ok) return undefined;
  const note = withheld(read.error);
  await writeNoFollow(target, note);
  return note.trim();
}

/** Writes pieces in order (one write, or one writev for several). */
async function writePieces(out: FileHandle, pieces: Buffer[]): Promise<void> {
  if (pieces.length === 1) await out.write(pieces[0] as Buffer);
  else if (pieces.length > 1) await out.writev(pieces);
}

/** A redacted copy to write: the report (workspace-relative), where to, and what the parser found. */
export interface RedactedCopyJob {
  workspace: string;
  file: string;
  target: string;
  redaction: RawRedaction;
  /** Secret values the reports revealed (EngineRun.knownSecrets), scrubbed from the copy too. */
  knownSecrets?: string[];
}
export type RedactedCopier = (job: RedactedCopyJob) => Promise<void>;

/**
 * The redacted copy of a Bandit report, written in pieces (no 100 MB string, no second full parse).
 * Withheld (WITHHELD_BANDIT_REPORT) when the file no longer reads as it did when parsed.
 */
export async function copyBanditRedacted(job: RedactedCopyJob): Promise<void> {
  const { workspace, file, target, redaction } = job;
  const redactor = new BanditReportRedactor(redaction);
  const scrubber = job.knownSecrets && job.knownSecrets.length > 0 ? new StreamScrubber(copyForms(job.knownSecrets)) : undefined;
  const scrub = (pieces: Buffer[]): Buffer[] => (scrubber ? pieces.flatMap((p) => scrubber.push(p)) : pieces);
  const out = await open(target, WRITE_NO_FOLLOW, 0o666);
  let ok: boolean;
  let read: Awaited<ReturnType<typeof readReportChunks>>;
  try {
    read = await readReportChunks(workspace, file, async (chunk) => {
      await writePieces(out, scrub(redactor.push(chunk)));
      return true;
    });
    ok = read.ok && redactor.end();
    if (ok && scrubber) await writePieces(out, scrubber.end());
  } finally {
    await out.close();
  }
  // Not read again (gone, swapped for a link): said so; read but not as parsed: the Bandit note.
  if (!read.ok) await writeNoFollow(target, withheld(read.error));
  else if (!ok) await writeNoFollow(target, WITHHELD_BANDIT_REPORT);
}

/** A job as it arrives from another thread, checked field by field (undefined: not one). */
export function redactedCopyJob(v: unknown): RedactedCopyJob | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const j = v as Record<string, unknown>;
  const r = j.redaction as Record<string, unknown> | null | undefined;
  const strings = typeof j.workspace === 'string' && typeof j.file === 'string' && typeof j.target === 'string';
  const redaction =
    typeof r === 'object' &&
    r !== null &&
    typeof r.format === 'string' &&
    Number.isInteger(r.arrays) &&
    Number.isInteger(r.elements) &&
    Array.isArray(r.indices) &&
    r.indices.every((i) => Number.isInteger(i)) &&
    (r.secrets === undefined || (Array.isArray(r.secrets) && r.secrets.every((s) => typeof s === 'string')));
  const secrets = j.knownSecrets === undefined || (Array.isArray(j.knownSecrets) && j.knownSecrets.every((s) => typeof s === 'string'));
  return strings && redaction && secrets ? (v as RedactedCopyJob) : undefined;
}
