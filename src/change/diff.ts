/**
 * The change under review, as plain data, and the pure parsing of `git diff` output into it.
 * No I/O here: `src/io/git.ts` runs git and hands the raw output to these functions.
 *
 * Formats parsed (git 2.x):
 * - `git diff --raw -z`:      `:<mode a> <mode b> <sha a> <sha b> <status>\0<path>\0` and, for renames
 *                             and copies, `…<R|C><score>\0<old path>\0<new path>\0`.
 * - `git diff --numstat -z`:  `<added>\t<deleted>\t<path>\0`, renames `<added>\t<deleted>\t\0<old>\0<new>\0`;
 *                             binary files show `-\t-`.
 * - `git diff -U0` (unified): `+++ b/<path>` headers (C-quoted when the path holds `"`, `\` or control
 *                             characters; a TAB appended when it holds a space) and `@@ -a,b +c,d @@` hunks.
 */
import { posix } from 'node:path';

export interface AddedLine {
  /** 1-based line number in the new version of the file. */
  line: number;
  /** The line's text without the leading `+` and without a trailing `\r`. */
  text: string;
}

/**
 * An added line as the scans read it (secrets, suppressions): without NUL bytes. A file saved as
 * UTF-16 (PowerShell scripts, .reg and .config files often are) is binary to git and read again as
 * text (src/io/git.ts), every other byte of it NUL: `$\0p\0a\0s\0s\0…` matched no rule, whatever it held.
 */
export function withoutNul(text: string): string {
  return text.includes('\0') ? text.replace(/\0/g, '') : text;
}

export type FileStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed';

export interface ChangedFile {
  /** Repository-relative POSIX path (the new path for renames and copies). */
  path: string;
  /** The path before a rename or copy. */
  oldPath?: string;
  status: FileStatus;
  binary: boolean;
  /** True when the new version is a symbolic link (its "content" is the link target). */
  symlink?: boolean;
  /** Rename/copy similarity in percent, when git gave one. */
  similarity?: number;
  addedLines: AddedLine[];
  /** Lines the change removes (git's numstat); undefined for a binary file or when git gave none. */
  deletedLines?: number;
}

export type ChangeSource = 'pull_request' | 'push' | 'base-ref' | 'first-commit' | 'merge_group';

export interface KnownChange {
  known: true;
  /** The base commit asked for (PR base, push `before`, resolved `base-ref`); the empty tree for a first commit. */
  base: string;
  head: string;
  source: ChangeSource;
  /** The commit the diff was actually taken from: the merge base (three-dot), `base` (two-dot) or the empty tree. */
  diffBase: string;
  /** `three-dot` = changes since the merge base; `two-dot` = fallback when no merge base was found. */
  mode: 'three-dot' | 'two-dot' | 'empty-tree';
  files: ChangedFile[];
  /** False when the unified diff was too large and added lines are missing for some files. */
  addedLinesComplete: boolean;
  /** Plain-words notes about how the change was found (fetched commits, fallbacks). */
  notes: string[];
  /**
   * The workspace's directory in the repository (`git rev-parse --show-prefix`, `api/`) when it is
   * not the repository's root: report paths are relative to the workspace, git's to the root.
   */
  workdir?: string;
  /**
   * Submodules (gitlinks) the change adds, moves or points elsewhere: left out of `files` (their
   * content is another repository's), but the code they bring into the checkout is new to it.
   */
  submodules?: string[];
}

export interface UnknownChange {
  known: false;
  /** What failed and what it means: everything counts as new (fail closed). */
  reason: string;
}

export type Change = KnownChange | UnknownChange;

// ---------------------------------------------------------------------------------------------
// --raw -z

export interface RawEntry {
  oldMode: string;
  newMode: string;
  /** One letter: A C D M R T U X. */
  status: string;
  score?: number;
  path: string;
  oldPath?: string;
}

/** Parse `git diff --raw -z` output. Throws on a malformed record (the caller fails closed). */
export function parseRawZ(text: string): RawEntry[] {
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop(); // the terminating NUL
  const entries: RawEntry[] = [];
  let i = 0;
  while (i < parts.length) {
    const head = parts[i++] ?? '';
    if (head === '' || head === '\n') continue;
    // Without -z a record is on one line; with -z a header may be preceded by a newline in some
    // versions when mixed with other formats: tolerate leading whitespace.
    const h = head.replace(/^\s+/, '');
    if (!h.startsWith(':')) throw new Error(`unexpected raw diff record ${JSON.stringify(h.slice(0, 80))}`);
    const fields = h.slice(1).split(' ');
    if (fields.length < 5) throw new Error(`unexpected raw diff header ${JSON.stringify(h.slice(0, 80))}`);
    const [oldMode = '', newMode = '', , , statusField = ''] = fields;
    const status = statusField.charAt(0);
    const scoreText = statusField.slice(1);
    const score = scoreText !== '' && /^\d+$/.test(scoreText) ? Number(scoreText) : undefined;
    if (!/^[ACDMRTUX]$/.test(status)) throw new Error(`unknown diff status ${JSON.stringify(statusField)}`);
    const p1 = parts[i++];
    if (p1 === undefined || p1 === '') throw new Error('raw diff record without a path');
    if (status === 'R' || status === 'C') {
      const p2 = parts[i++];
      if (p2 === undefined || p2 === '') throw new Error('rename/copy record without a new path');
      entries.push({ oldMode, newMode, status, score, oldPath: p1, path: p2 });
    } else {
      entries.push({ oldMode, newMode, status, score, path: p1 });
    }
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// --numstat -z

export interface NumstatEntry {
  path: string;
  oldPath?: string;
  added: number | null;
  deleted: number | null;
  binary: boolean;
}

/** Parse `git diff --numstat -z` output. */
export function parseNumstatZ(text: string): NumstatEntry[] {
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  const out: NumstatEntry[] = [];
  let i = 0;
  while (i < parts.length) {
    const rec = (parts[i++] ?? '').replace(/^\n+/, '');
    if (rec === '') continue;
    const t1 = rec.indexOf('\t');
    const t2 = t1 < 0 ? -1 : rec.indexOf('\t', t1 + 1);
    if (t1 < 0 || t2 < 0) throw new Error(`unexpected numstat record ${JSON.stringify(rec.slice(0, 80))}`);
    const a = rec.slice(0, t1);
    const d = rec.slice(t1 + 1, t2);
    const rest = rec.slice(t2 + 1);
    const binary = a === '-' && d === '-';
    const added = binary ? null : Number(a);
    const deleted = binary ? null : Number(d);
    if (rest === '') {
      const oldPath = parts[i++];
      const path = parts[i++];
      if (oldPath === undefined || path === undefined) throw new Error('numstat rename record without paths');
      out.push({ path, oldPath, added, deleted, binary });
    } else {
      out.push({ path: rest, added, deleted, binary });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// unified diff (-U0) -> added lines per new path

/** Undo git's C-style quoting of a path (`"a\303\261b\t"` -> `añb<TAB>`). Returns the text unchanged if not quoted. */
export function unquoteCPath(s: string): string {
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) return s;
  const body = s.slice(1, -1);
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      // A whole code point: an emoji is two UTF-16 units, and each alone encodes as U+FFFD (a path
      // `😀"x.py` lost its added lines to `��"x.py`, so the secret scan never read them).
      const c = String.fromCodePoint(body.codePointAt(i) as number);
      i += c.length - 1;
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      continue;
    }
    const n = body[i + 1];
    if (n === undefined) break;
    if (/[0-7]/.test(n)) {
      const oct = body.slice(i + 1, i + 4);
      if (/^[0-7]{3}$/.test(oct)) {
        bytes.push(parseInt(oct, 8));
        i += 3;
        continue;
      }
    }
    const code = simple[n];
    if (code !== undefined) bytes.push(code);
    else for (const b of Buffer.from(n, 'utf8')) bytes.push(b);
    i += 1;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The path of a `+++ ` / `--- ` header value, or undefined for `/dev/null`. */
function headerPath(value: string, prefix: string): string | undefined {
  let v = value;
  if (v === '/dev/null') return undefined;
  // git appends a TAB when the name holds a space, quoted or not (`+++ "b/a b/c\td"<TAB>`: the
  // change fuzz suite found a quoted one left quoted, its added lines lost); a TAB of the name
  // itself is always quoted, so a raw one at the end is git's.
  if (v.endsWith('\t')) v = v.slice(0, -1);
  if (v.startsWith('"')) v = unquoteCPath(v);
  if (prefix && v.startsWith(prefix)) v = v.slice(prefix.length);
  return v;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export interface PatchParseResult {
  /** Added lines by new path. */
  added: Map<string, AddedLine[]>;
}

/**
 * Parse a unified diff (any context size; `-U0` expected) into added lines per new path. Hunk line
 * counts are followed exactly, so a removed line reading `-- a/x` or an added line reading `++ b/x`
 * is never taken for a header. `dstPrefix` is the `--dst-prefix` used (default `b/`).
 */
export function parseUnifiedAddedLines(text: string, dstPrefix = 'b/'): PatchParseResult {
  const added = new Map<string, AddedLine[]>();
  const lines = text.split('\n');
  let current: AddedLine[] | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  let newLine = 0;
  for (let idx = 0; idx < lines.length; idx++) {
    const raw = lines[idx] as string;
    if (oldLeft > 0 || newLeft > 0) {
      const tag = raw.charAt(0);
      if (tag === '+') {
        if (current) current.push({ line: newLine, text: stripCr(raw.slice(1)) });
        newLine++;
        newLeft--;
      } else if (tag === '-') {
        oldLeft--;
      } else if (tag === ' ') {
        newLine++;
        newLeft--;
        oldLeft--;
      } else if (tag === '\\') {
        // "\ No newline at end of file"
      } else if (raw === '') {
        if (idx === lines.length - 1) break;
        // an empty context line (diff.suppressBlankEmpty)
        newLine++;
        newLeft--;
        oldLeft--;
      } else {
        // Malformed or truncated: leave the hunk and look for the next header.
        oldLeft = 0;
        newLeft = 0;
        idx--;
      }
      continue;
    }
    if (raw.startsWith('diff --git ') || raw.startsWith('diff --cc ') || raw.startsWith('diff --combined ')) {
      current = undefined;
      continue;
    }
    if (raw.startsWith('+++ ')) {
      const p = headerPath(stripCr(raw.slice(4)), dstPrefix);
      if (p === undefined) {
        current = undefined;
      } else {
        current = added.get(p);
        if (!current) {
          current = [];
          added.set(p, current);
        }
      }
      continue;
    }
    if (raw.startsWith('\\')) continue;
    const m = HUNK.exec(raw);
    if (m) {
      oldLeft = m[2] === undefined ? 1 : Number(m[2]);
      newLeft = m[4] === undefined ? 1 : Number(m[4]);
      newLine = Number(m[3]);
      if (newLeft === 0) newLine = Number(m[3]) + 1;
    }
  }
  return { added };
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

// ---------------------------------------------------------------------------------------------

const STATUS: Record<string, FileStatus> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
  U: 'modified',
  X: 'modified',
};

const GITLINK = '160000';
const SYMLINK = '120000';

/**
 * Combine the three outputs into the changed files. Submodule (gitlink) entries are left out: a
 * submodule pointer moving is not code in this repository.
 */
export function buildChangedFiles(rawZ: string, numstatZ: string, unified: string, out?: { submodules?: string[] }): ChangedFile[] {
  const raw = parseRawZ(rawZ);
  // Entries per path, in git's order: names that differ only in bytes that are not UTF-8 (`a\xfe`
  // and `a\xff`) decode alike, and a map of one entry per path gave a text file the binary flag
  // of its namesake, so the secret scan skipped it. Git lists both outputs in the same order.
  const numstat = new Map<string, NumstatEntry[]>();
  for (const n of parseNumstatZ(numstatZ)) {
    const list = numstat.get(n.path);
    if (list) list.push(n);
    else numstat.set(n.path, [n]);
  }
  const { added } = parseUnifiedAddedLines(unified);
  const files: ChangedFile[] = [];
  for (const e of raw) {
    const stat = numstat.get(e.path)?.shift();
    if (e.oldMode === GITLINK || e.newMode === GITLINK) {
      // A submodule the change adds, moves or points at another commit (not one it removes).
      if (e.newMode === GITLINK && e.status !== 'D') out?.submodules?.push(e.path);
      continue;
    }
    const status = STATUS[e.status] ?? 'modified';
    const f: ChangedFile = {
      path: e.path,
      status,
      binary: stat?.binary ?? false,
      addedLines: status === 'deleted' ? [] : (added.get(e.path) ?? []),
    };
    if (e.oldPath !== undefined) f.oldPath = e.oldPath;
    const deleted = stat?.deleted;
    if (typeof deleted === 'number' && Number.isFinite(deleted)) f.deletedLines = deleted;
    if (e.newMode === SYMLINK) f.symlink = true;
    if ((status === 'renamed' || status === 'copied') && e.score !== undefined) f.similarity = e.score;
    if (f.binary) f.addedLines = [];
    files.push(f);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Questions the policy asks

/** Normalise a path from a report or from git for comparison: POSIX, no `./`, no `..` games. */
export function normalizeChangePath(p: string, root?: string): string {
  let s = p.replace(/\\/g, '/');
  if (root) {
    const r = root.replace(/\\/g, '/').replace(/\/+$/, '');
    if (r !== '' && s.startsWith(`${r}/`)) s = s.slice(r.length + 1);
  }
  s = posix.normalize(s);
  while (s.startsWith('./')) s = s.slice(2);
  if (s === '.') s = '';
  return s;
}

/**
 * A path as a case-insensitive file system and Unicode normalisation see it: `Src/App.py` from
 * `vulture Src` on a Windows or macOS runner is git's `src/app.py`, and a name macOS keeps in NFD
 * is git's NFC one. Matching these too only ever counts more findings as new (fail closed).
 */
function foldPath(p: string): string {
  return p.normalize('NFC').toLowerCase();
}

interface TouchedSets {
  exact: Set<string>;
  folded: Set<string>;
  /** Folded submodule paths, each with a trailing `/`. */
  submodules: string[];
  /** The workspace's directory in the repository, normalised without a trailing `/` ('' at the root). */
  workdir: string;
}

const touchedSets = new WeakMap<KnownChange, TouchedSets>();

function touchedSet(change: KnownChange): TouchedSets {
  let sets = touchedSets.get(change);
  if (!sets) {
    sets = { exact: new Set<string>(), folded: new Set<string>(), submodules: [], workdir: change.workdir ? normalizeChangePath(change.workdir).replace(/\/+$/, '') : '' };
    for (const f of change.files) {
      const p = normalizeChangePath(f.path);
      sets.exact.add(p);
      sets.folded.add(foldPath(p));
    }
    for (const s of change.submodules ?? []) sets.submodules.push(`${foldPath(normalizeChangePath(s))}/`);
    touchedSets.set(change, sets);
  }
  return sets;
}

/** A workspace path as git names it: from the repository's root (the workspace may be below it). */
function fromRepositoryRoot(sets: TouchedSets, normalized: string): string {
  return sets.workdir !== '' ? posix.normalize(`${sets.workdir}/${normalized}`) : normalized;
}

/**
 * Is `path` in a file the change touches (added, modified, renamed to, copied to, deleted), or in
 * a submodule it adds or moves? Unknown change: true (fail closed, everything counts as new).
 * `root` strips an absolute workspace prefix that some reports carry. A path is matched as
 * written, from the repository's root and from the workspace's directory in it, in any letter
 * case and Unicode normalisation: each only ever counts more as new.
 */
export function isTouched(change: Change, path: string, opts?: { root?: string }): boolean {
  if (!change.known) return true;
  const sets = touchedSet(change);
  const n = normalizeChangePath(path, opts?.root);
  // As written too: a report path that is already the repository's counts (more as new, never less).
  for (const p of sets.workdir !== '' ? [n, fromRepositoryRoot(sets, n)] : [n]) {
    if (sets.exact.has(p)) return true;
    const folded = foldPath(p);
    if (sets.folded.has(folded)) return true;
    if (sets.submodules.some((s) => folded.startsWith(s))) return true;
  }
  return false;
}

/**
 * The change's entry for a file named from the workspace (a setting: the waivers or policy file),
 * named from the repository's root, the exact spelling first, then in any letter case and Unicode
 * normalisation: a `Docs/Waivers.md` setting on a macOS or Windows runner still finds git's
 * `docs/waivers.md`, and its edits are verified (fail closed). `fromRoot`: `path` is named from
 * the repository's root already (GITHUB_WORKFLOW_REF's workflow file), not from the workspace.
 */
export function changedFileAt(change: KnownChange, path: string, opts?: { fromRoot?: boolean }): ChangedFile | undefined {
  // From the repository's root only: another file of the same name at the root is not this one.
  const n = normalizeChangePath(path);
  const p = opts?.fromRoot ? n : fromRepositoryRoot(touchedSet(change), n);
  const find = (same: (a: string, b: string) => boolean) => change.files.find((f) => same(f.path, p) || (f.oldPath !== undefined && same(f.oldPath, p)));
  return find((a, b) => a === b) ?? find((a, b) => foldPath(a) === foldPath(b));
}

/**
 * The change's file that is at `path` after it (added, modified, renamed or copied there), or
 * undefined: unlike changedFileAt, a file renamed away from `path` is not there any more. `which`:
 * only such files count (links, for a directory on the way to a file).
 */
export function changedFileEndingAt(change: KnownChange, path: string, which: (f: ChangedFile) => boolean = () => true): ChangedFile | undefined {
  const sets = touchedSet(change);
  const p = fromRepositoryRoot(sets, normalizeChangePath(path));
  // Most paths (each directory on the way to each report) are no file of the change: a set look-up
  // instead of a pass over its files, case-folding each, for every one.
  if (!sets.exact.has(p) && !sets.folded.has(foldPath(p))) return undefined;
  const there = change.files.filter((f) => f.status !== 'deleted' && which(f));
  return there.find((f) => f.path === p) ?? there.find((f) => foldPath(f.path) === foldPath(p));
}

/**
 * Whether a submodule the change adds, moves or points elsewhere (KnownChange.submodules) is at
 * `path`, named from the workspace, in any letter case and Unicode normalisation (touchedSet's
 * folded list, each with its trailing `/`).
 */
export function isChangedSubmodule(change: KnownChange, path: string): boolean {
  const sets = touchedSet(change);
  return sets.submodules.includes(`${foldPath(fromRepositoryRoot(sets, normalizeChangePath(path)))}/`);
}

/**
 * The change as the policy sees it (`ChangeScope` in src/policy/evaluate.ts): known or not, the
 * reason, and the touched-file question (fail closed when unknown).
 */
export function changeScope(
  change: Change,
  opts?: { root?: string },
): { known: boolean; reason?: string; isTouched(path: string): boolean } {
  if (!change.known) return { known: false, reason: change.reason, isTouched: () => true };
  return { known: true, isTouched: (p: string) => isTouched(change, p, opts) };
}

/**
 * Dotted Python module names of the touched `.py` / `.pyi` files (deleted ones included), with and
 * without a leading source root (`src/pkg/mod.py` -> `src.pkg.mod` and `pkg.mod`; `__init__` names
 * the package). Returns undefined when the change is unknown (the caller fails closed).
 */
export function touchedModules(change: Change, opts?: { sourceRoots?: string[] }): Set<string> | undefined {
  if (!change.known) return undefined;
  const roots = (opts?.sourceRoots ?? ['src', 'lib', 'python']).map((r) => normalizeChangePath(r).replace(/\/+$/, ''));
  const out = new Set<string>();
  for (const f of change.files) {
    for (const p of [f.path, f.oldPath]) {
      if (p === undefined) continue;
      const n = normalizeChangePath(p);
      const m = /^(.*)\.pyi?$/.exec(n);
      if (!m || m[1] === undefined) continue;
      let parts = m[1].split('/');
      if (parts[parts.length - 1] === '__init__') parts = parts.slice(0, -1);
      if (parts.length === 0 || parts.some((x) => x === '')) continue;
      out.add(parts.join('.'));
      for (const r of roots) {
        if (r !== '' && n.startsWith(`${r}/`)) {
          const rest = parts.slice(r.split('/').length);
          if (rest.length > 0) out.add(rest.join('.'));
        }
      }
    }
  }
  return out;
}
