/**
 * Finding and reading report files (and the policy file) in the workspace, and checking where the
 * outputs go. Patterns are paths or globs relative to the workspace; nothing outside it is read (a
 * report input cannot be used to exfiltrate /etc/passwd into an artifact), and nothing is written
 * through a link the checkout holds.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, opendir, readFile, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { fdir } from 'fdir';
import picomatch from 'picomatch';
import { glob, isDynamicPattern } from 'tinyglobby';
import { ConfigurationError } from '../config/schema.js';
import { escapeLog } from '../util/escape.js';
import { pushAll } from '../util/lists.js';

/** Largest report read (bigger is refused with a clear message rather than exhausting memory). */
export const MAX_REPORT_BYTES = 512 * 1024 * 1024;

/**
 * Largest total of the reports one run reads, all tools together: no more than one report may hold
 * alone. Each report is bounded, but a glob can match many: the gate holds every finding of every
 * report at once, a report takes 2 to 4 times its size in memory (the 68 MB Bandit report ~240 MB),
 * and two reports of 512 MiB would need more than the 4 GB heap V8 gives a 16 GB runner (the 7 GB
 * ones get under 2 GB). The real reports of a whole lane add up to a few MB, the biggest known
 * Bandit reports to 68 and 109 MB. The report that would take the total over is refused before it
 * is read (an error for its tool, so the gate fails closed), and so is each one after it that does not fit.
 */
export const MAX_TOTAL_REPORT_BYTES = MAX_REPORT_BYTES;

/** The size of a report file resolvePatterns found, or undefined when it cannot be looked at (the read then says why). */
export async function reportSize(workspace: string, file: string): Promise<number | undefined> {
  return stat(resolve(workspace, file)).then(
    (st) => st.size,
    () => undefined,
  );
}

export interface ResolvedFiles {
  /** Workspace-relative POSIX paths, sorted, de-duplicated. */
  files: string[];
  /** Patterns that matched nothing, or were refused, with why. */
  problems: string[];
  /** Files that exist but must not be read (unreadableBecause), with why: an error, never "missing". */
  refused: string[];
  /** Plain paths (not globs) that name no file: a missing report even when other patterns matched. */
  missing: string[];
}

/** Whether a path relative to a directory leads out of it (`..b.json` is a name, not a way out). */
function leavesBase(rel: string): boolean {
  return isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`) || rel.startsWith('../');
}

/**
 * `p` (relative to the workspace, or absolute) as a workspace-relative `/`-separated path, by its
 * text (`.` and `..` resolved, no link followed; `''` for the workspace itself), or undefined when
 * it leads out of the workspace. How a setting's path names a file the change or a clone knows.
 */
export function workspaceRelative(workspace: string, p: string): string | undefined {
  const rel = relative(resolve(workspace), resolve(workspace, p));
  return leavesBase(rel) ? undefined : rel.split(sep).join('/');
}

export function insideWorkspace(workspace: string, p: string): boolean {
  return workspaceRelative(workspace, p) !== undefined;
}

/**
 * Why `file` (in the workspace) must not be read, or undefined. Its real path, symbolic links
 * followed, must stay in the workspace and out of any `.git` directory: a link committed under a
 * report's name would otherwise copy `/etc/passwd`, or the checkout's token from `.git/config`,
 * into the artifact, or quote it in an error. A file that does not exist, or is not a regular file
 * (a directory, a pipe), is left to the read, which refuses it on its handle (openRegular).
 * `realWorkspace`: the workspace's real path, when the caller has it already.
 */
export async function unreadableBecause(workspace: string, file: string, realWorkspace?: string): Promise<string | undefined> {
  let real: string;
  let root: string;
  try {
    real = await realpath(resolve(workspace, file));
    root = realWorkspace ?? (await realpath(resolve(workspace)));
  } catch {
    return undefined;
  }
  return placeProblem(root, real);
}

/** Why a file whose real path is `real` must not be read from the workspace whose real path is `root`. */
function placeProblem(root: string, real: string): string | undefined {
  const rel = relative(root, real);
  if (leavesBase(rel)) return 'is a symbolic link to a file outside the workspace: not read';
  if (rel.split(sep).includes('.git')) return 'is in a .git directory: not read';
  return undefined;
}

/**
 * Why the file open on `fh` (a regular file, stat `st`, opened by the name `abs`) must not be read
 * from `workspace`: its name must lead, links followed, into the workspace and out of `.git`, and to
 * this very file (device and inode), so a name swapped for a link between a check by name and the
 * open is caught on the handle, on every system. A name that no longer leads anywhere, or to
 * another file, is refused too (fail closed). A hard link is the same file under another name and
 * cannot be told apart: a process able to make one in the workspace can write a report's text too.
 */
export async function handleProblem(st: Stats, abs: string, workspace: string): Promise<string | undefined> {
  let real: string;
  let now: Stats;
  try {
    real = await realpath(abs);
    now = await stat(real);
  } catch {
    return 'changed while it was opened: not read';
  }
  if (now.dev !== st.dev || now.ino !== st.ino) return 'changed while it was opened: not read';
  const root = await realpath(resolve(workspace)).catch(() => resolve(workspace));
  return placeProblem(root, real);
}

/** Why something that exists is not a file to read (a pipe would block the read until a writer came). */
function notAFile(st: Stats | undefined): string | undefined {
  if (st === undefined || st.isFile()) return undefined;
  return `is ${st.isDirectory() ? 'a directory' : 'not a regular file (a pipe, socket or device)'}: not read`;
}

export async function resolvePatterns(workspace: string, patterns: string[]): Promise<ResolvedFiles> {
  const files = new Set<string>();
  const problems: string[] = [];
  const refused: string[] = [];
  const missing: string[] = [];
  let realWorkspace: string | undefined;
  for (const raw of patterns) {
    const pattern = raw.replace(/\\/g, '/');
    if (!insideWorkspace(workspace, pattern.replace(/[*?[\]{}]/g, 'x'))) {
      problems.push(`\`${raw}\` is outside the workspace`);
      continue;
    }
    let matched: string[];
    let refusedHere = false;
    // Inside, as checked above (a glob's characters are names here, as for the literal fallback below).
    const rel = workspaceRelative(workspace, pattern) ?? pattern;
    if (isDynamicPattern(pattern)) {
      // One spelling for both listings (`reports/./*.json`, `reports//*.json`, `x/../reports/*.json`).
      const abs = posix.normalize(isAbsolute(pattern) ? relative(workspace, pattern).split(sep).join('/') : pattern).replace(/^(?:\.\/)+/, '');
      matched = await glob(abs, { cwd: workspace, dot: true, onlyFiles: true, followSymbolicLinks: false, ignore: ['**/node_modules/**', '**/.git/**'] });
      pushAll(matched, await linksMatching(workspace, abs, matched));
      // A name that only looks like a glob (`bandit (1).json`: parentheses group, `a[1].json` a class)
      // and matches nothing as one is the file of that name when there is one, as a shell leaves an
      // unmatched pattern as written: next to other reports it was only noted, and never read.
      if (matched.length === 0 && (await stat(resolve(workspace, rel)).then((st) => st.isFile(), () => false))) matched = [rel];
    } else {
      try {
        const st = await stat(resolve(workspace, rel));
        matched = st.isFile() ? [rel] : [];
        // Something is there, but not a report: refused (an error), never "missing", which
        // on-missing-report may ignore. A pipe would also block the read until a writer came.
        const why = notAFile(st);
        if (why) {
          refused.push(`\`${raw}\` ${why}`);
          refusedHere = true;
        }
      } catch (e) {
        matched = [];
        // Only what is not there is missing; a link loop or a denied path is there, and unreadable.
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') {
          refused.push(`\`${raw}\` cannot be read (${code ?? 'error'}): not read`);
          refusedHere = true;
        }
      }
    }
    const inside: string[] = [];
    for (const m of matched) {
      if (!insideWorkspace(workspace, m)) continue;
      // The workspace's own real path once per call, not once per file a glob matched.
      realWorkspace ??= await realpath(resolve(workspace)).catch(() => resolve(workspace));
      const why = await unreadableBecause(workspace, m, realWorkspace);
      if (why) {
        refused.push(`\`${m}\` ${why}`);
        refusedHere = true;
      } else inside.push(m);
    }
    if (inside.length === 0 && !refusedHere && !problems.some((p) => p.startsWith(`\`${raw}\``))) {
      problems.push(`\`${raw}\` matched no file`);
      if (!isDynamicPattern(pattern)) missing.push(`\`${raw}\` matched no file`);
    }
    for (const m of inside) files.add(m);
  }
  return { files: [...files].sort(), problems, refused: [...new Set(refused)], missing };
}

/**
 * The symbolic links that a glob matches. The glob lists regular files only, and a link it dropped
 * hid a report: a pull request links `reports/bandit.json` elsewhere in the workspace, Bandit
 * writes through it, and the gate read only a decoy `reports/bandit-old.json` next to it. Listed
 * here without following any (fdir lists a link as a file), each is then checked as a path given
 * by name is: read when it leads to a file inside the workspace, refused when it leads out or
 * cannot be read (a loop, a pipe). Links to directories and dangling links are skipped, as the glob
 * skips directories and a file that is not there. The walk never leaves the workspace (a base
 * that is a link out of it is not walked) and goes no deeper than the pattern without `**`.
 */
async function linksMatching(workspace: string, pattern: string, files: string[]): Promise<string[]> {
  const { base, glob: rest } = picomatch.scan(pattern);
  const isMatch = picomatch(pattern, { dot: true });
  const root = resolve(workspace, base === '' ? '.' : base);
  const realRoot = await realpath(root).catch(() => undefined);
  const realWorkspace = await realpath(resolve(workspace)).catch(() => resolve(workspace));
  if (realRoot === undefined || leavesBase(relative(realWorkspace, realRoot))) return [];
  let crawler = new fdir().withRelativePaths().exclude((name) => name === 'node_modules' || name === '.git');
  if (!rest.includes('**')) crawler = crawler.withMaxDepth(rest.split('/').length - 1);
  let entries: string[];
  try {
    entries = await crawler.crawl(root).withPromise();
  } catch {
    return [];
  }
  const known = new Set(files);
  const links: string[] = [];
  for (const e of entries) {
    const abs = join(root, e);
    const rel = relative(resolve(workspace), abs).split(sep).join('/');
    if (known.has(rel) || !isMatch(posix.normalize(base === '' ? e : `${base}/${e}`))) continue;
    if (!(await lstat(abs).catch(() => undefined))?.isSymbolicLink()) continue;
    const target = await stat(abs).then(
      (st) => (st.isDirectory() ? 'skip' : 'keep'),
      // Dangling, also through a file taken for a directory (`x.json/y`: ENOTDIR).
      (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' || err.code === 'ENOTDIR' ? 'skip' : 'keep'),
    );
    if (target === 'keep') links.push(rel);
  }
  return links;
}

/**
 * A regular file opened for reading. Never waits on a pipe (O_NONBLOCK, where there is one), and
 * what is read is what was checked: a path swapped for a pipe after a check by name is refused
 * here, not read. `confineTo` (a workspace): the opened file must be in it and out of `.git`, as
 * unreadableBecause checks by name; checked again for the handle (handleProblem), so a report
 * swapped for a link to a file outside between that check and the read (a process an earlier step
 * left running) is refused, not read or copied. Throws with `notAFile` set when refused; gives the
 * handle and the file's size.
 */
async function openRegular(abs: string, confineTo?: string): Promise<{ fh: FileHandle; size: number }> {
  const fh = await open(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = await fh.stat();
    let why = notAFile(st);
    if (!why && confineTo !== undefined) why = await handleProblem(st, abs, confineTo);
    if (why) throw Object.assign(new Error(why), { notAFile: why });
    return { fh, size: st.size };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** A read error in words: the refusal of openRegular, or the system's code. */
function readError(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { notAFile?: string };
  return err.notAFile ? `the path ${err.notAFile}` : `cannot read the file (${err.code ?? err.message})`;
}

/** Entries of an existing output directory that are looked through for links (more: refused). */
const MAX_OUTPUT_ENTRIES = 20_000;

/**
 * Why the gate must not write at `path` (a directory or file it creates or overwrites, inside
 * `base`, a directory it trusts), or undefined. The workspace is the pull request's: a symbolic link
 * committed where an output goes (the output directory, one of its parents, or a file or
 * directory inside it) would have the gate write the reports' contents outside the workspace, over
 * a later step's code, say. So no component from `base` down may be a link or other than a
 * directory or regular file, and an existing output directory (`dir: true`) may hold none either.
 * What does not exist yet is created by the gate.
 */
export async function outputPathProblem(base: string, path: string, { dir = false } = {}): Promise<string | undefined> {
  const rel = relative(resolve(base), resolve(path));
  if (leavesBase(rel)) return 'is outside the workspace';
  let cur = resolve(base);
  const parts = rel === '' ? [] : rel.split(sep);
  for (let i = 0; i < parts.length; i++) {
    cur = join(cur, parts[i] as string);
    const shown = escapeLog(parts.slice(0, i + 1).join('/'));
    let st: Stats;
    try {
      st = await lstat(cur);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined; // the rest is created by the gate
      return `\`${shown}\` cannot be looked at (${code ?? 'error'})`;
    }
    if (st.isSymbolicLink()) return `\`${shown}\` is a symbolic link: the gate does not write through links`;
    const wantFile = i === parts.length - 1 && !dir;
    if (wantFile ? !st.isFile() : !st.isDirectory()) return `\`${shown}\` is not a ${wantFile ? 'regular file' : 'directory'}`;
  }
  return dir ? linkInside(cur, escapeLog(parts.join('/'))) : undefined;
}

/**
 * The first link (or pipe, device...) in an existing directory tree, or why it was not looked
 * through. Its name is the pull request's: escaped (a configuration error is printed as it is).
 */
async function linkInside(root: string, shownRoot: string): Promise<string | undefined> {
  const queue = [''];
  let seen = 0;
  for (let rel = queue.pop(); rel !== undefined; rel = queue.pop()) {
    const d = await opendir(join(root, rel)).catch(() => undefined);
    if (!d) continue;
    for await (const e of d) {
      if (++seen > MAX_OUTPUT_ENTRIES) return `\`${shownRoot}\` already holds over ${MAX_OUTPUT_ENTRIES} entries: not looked through, not written`;
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) queue.push(r);
      else if (!e.isFile()) return `\`${shownRoot}/${escapeLog(r)}\` is ${e.isSymbolicLink() ? 'a symbolic link: the gate does not write through links' : 'not a regular file'}`;
    }
  }
  return undefined;
}

/**
 * Flags to open an output file for writing without following a link at its name (O_NOFOLLOW where
 * the system has it): outputPathProblem looked at the path before the work, and a link planted at
 * the name since (a process an earlier step left running) makes the open fail (ELOOP) instead of
 * redirecting the write; a pipe planted there fails it too (O_NONBLOCK: ENXIO) instead of waiting
 * for a reader. Only the last component is covered, and a hard link is the file itself: such a
 * process can write anything the gate can anyway.
 */
export const WRITE_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** The same for reading back what the gate wrote (a copy to scrub, a note to find). */
export const READ_NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Writes `text` to `path`, never through a link at its name (WRITE_NO_FOLLOW). */
export async function writeNoFollow(path: string, text: string): Promise<void> {
  const fh = await open(path, WRITE_NO_FOLLOW, 0o666);
  try {
    await fh.writeFile(text);
  } finally {
    await fh.close();
  }
}

/** A policy file is a few KB; more is a mistake or an attack on the YAML parser. */
export const MAX_POLICY_BYTES = 1024 * 1024;

/**
 * The policy file's text, or undefined when none is set; problems are ConfigurationErrors naming
 * the setting. Refused as report files are (openRegular, on the file it opens), and over MAX_POLICY_BYTES.
 * `anywhere`: a path outside the workspace is read (the CLI, run by hand); the action refuses it.
 */
export async function readPolicyFile(workspace: string, path: string | undefined, { anywhere = false } = {}): Promise<{ text: string; file: string } | undefined> {
  if (!path) return undefined;
  const inside = insideWorkspace(workspace, path);
  if (!inside && !anywhere) throw new ConfigurationError(`policy-file: got ${JSON.stringify(path)}; expected a path inside the workspace`);
  const abs = resolve(workspace, path);
  let fh: FileHandle | undefined;
  try {
    // Given by hand outside the workspace (the CLI), it may be a pipe: `--policy-file <(...)`.
    if (!inside) return { text: await readFile(abs, 'utf8'), file: path };
    let size: number;
    ({ fh, size } = await openRegular(abs, workspace));
    if (size > MAX_POLICY_BYTES) throw new ConfigurationError(`policy-file: ${JSON.stringify(path)} is ${size} bytes, over the ${MAX_POLICY_BYTES}-byte limit for a policy file`);
    return { text: await fh.readFile('utf8'), file: path };
  } catch (e) {
    if (e instanceof ConfigurationError) throw e;
    const err = e as NodeJS.ErrnoException & { notAFile?: string };
    throw new ConfigurationError(err.notAFile ? `policy-file: ${JSON.stringify(path)} ${err.notAFile}` : `policy-file: cannot read ${JSON.stringify(path)} (${err.code ?? String(e)})`);
  } finally {
    await fh?.close();
  }
}

/** `missing`: the file is not there (ENOENT, ENOTDIR), as opposed to there and unreadable. */
export type ReadResult = { ok: true; text: string; bytes: number } | { ok: false; error: string; bytes: number; missing?: true };

/**
 * `limit`: the size limit (reports: MAX_REPORT_BYTES), and what the file is called in its message;
 * `confine: false` reads a file outside the workspace (a path the CLI's user gave), else openRegular
 * keeps the read in it.
 */
export async function readReport(workspace: string, file: string, limit: { maxBytes: number; what: string; confine?: boolean } = { maxBytes: MAX_REPORT_BYTES, what: '' }): Promise<ReadResult> {
  const abs = resolve(workspace, file);
  let fh: FileHandle | undefined;
  try {
    let size: number;
    ({ fh, size } = await openRegular(abs, limit.confine === false ? undefined : workspace));
    if (size > limit.maxBytes) return { ok: false, bytes: size, error: `file is ${size} bytes, over the ${limit.maxBytes}-byte limit${limit.what ? ` for ${limit.what}` : ''}` };
    const buf = await fh.readFile();
    if (buf.length > limit.maxBytes) return { ok: false, bytes: buf.length, error: `file grew over the ${limit.maxBytes}-byte limit while it was read` };
    return { ok: true, text: buf.toString('utf8'), bytes: buf.length };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, bytes: 0, error: readError(e), ...(code === 'ENOENT' || code === 'ENOTDIR' ? { missing: true as const } : {}) };
  } finally {
    await fh?.close();
  }
}

/** Chunk size for reading big reports in pieces. */
export const READ_CHUNK_BYTES = 1024 * 1024;

export type ChunkResult = { ok: true; bytes: number; stopped: boolean } | { ok: false; error: string; bytes: number };

/**
 * Read a report file in chunks, in order, to `consume` (two buffers, reused in turn while the next
 * chunk is read ahead: `consume` copies what it keeps). `consume` returns false to stop early. A
 * file smaller than `minBytes` is not read (`stopped`). The size limit and errors are as for
 * readReport.
 */
export async function readReportChunks(
  workspace: string,
  file: string,
  consume: (chunk: Buffer) => boolean | Promise<boolean>,
  minBytes = 0,
): Promise<ChunkResult> {
  const abs = resolve(workspace, file);
  let fh: FileHandle | undefined;
  let pending: Promise<{ bytesRead: number }> | undefined;
  try {
    let fileSize: number;
    ({ fh, size: fileSize } = await openRegular(abs, workspace));
    if (fileSize > MAX_REPORT_BYTES) return { ok: false, bytes: fileSize, error: `file is ${fileSize} bytes, over the ${MAX_REPORT_BYTES}-byte limit` };
    if (fileSize < minBytes) return { ok: true, bytes: 0, stopped: true };
    // Two buffers: the next chunk is read while `consume` works on this one (a read waits on the
    // thread pool: one chunk at a time left the big report's parse ~35 ms idle).
    const size = Math.min(READ_CHUNK_BYTES, Math.max(fileSize, 1));
    let buf = Buffer.allocUnsafe(size);
    let ahead = Buffer.allocUnsafe(size);
    let bytes = 0;
    pending = fh.read(buf, 0, size, null);
    for (;;) {
      const { bytesRead } = await pending;
      pending = undefined;
      if (bytesRead === 0) return { ok: true, bytes, stopped: false };
      bytes += bytesRead;
      if (bytes > MAX_REPORT_BYTES) return { ok: false, bytes, error: `file grew over the ${MAX_REPORT_BYTES}-byte limit while it was read` };
      pending = fh.read(ahead, 0, size, null);
      // Handled now, awaited later: a read that fails while `consume` awaits (the copier's writes)
      // must not be an unhandled rejection, which ends the process.
      pending.catch(() => undefined);
      if (!(await consume(bytesRead === size ? buf : buf.subarray(0, bytesRead)))) return { ok: true, bytes, stopped: true };
      [buf, ahead] = [ahead, buf];
    }
  } catch (e) {
    return { ok: false, bytes: 0, error: readError(e) };
  } finally {
    // a read still in flight (consume stopped or threw) ends before the file is closed
    await pending?.catch(() => undefined);
    await fh?.close();
  }
}

/**
 * Whether anything (a file, a directory, a link, even a dangling one) is at `rel`, a
 * workspace-relative path. A look-up that fails for any reason answers no (the caller fails closed).
 */
export async function existsInWorkspace(workspace: string, rel: string): Promise<boolean> {
  try {
    await lstat(join(workspace, rel));
    return true;
  } catch {
    return false;
  }
}
