/* eslint-disable no-control-regex -- control characters are exactly what these patterns refuse */
/**
 * Report paths as repository-relative POSIX paths (pure). The engine normalises every finding's
 * location once with this, so critical paths, the change, annotations and SARIF all agree.
 */

export interface PathOptions {
  /** Absolute path of the repository root (GITHUB_WORKSPACE), POSIX or Windows form. */
  workspace?: string;
  /** Directory the scanners ran in, relative to the repository root (or absolute): report paths that are relative are taken from there. */
  scanRoot?: string;
}


const RUNNER_LAYOUTS: RegExp[] = [
  /^\/home\/runner\/work\/[^/]+\/[^/]+\//, // Linux hosted runners
  /^\/Users\/runner\/work\/[^/]+\/[^/]+\//, // macOS hosted runners
  /^[A-Za-z]:\/a\/[^/]+\/[^/]+\//, // Windows hosted runners (D:\a\repo\repo)
  /^\/__w\/[^/]+\/[^/]+\//, // container jobs
  /^\/github\/workspace\//, // Docker container actions
];

function slashes(p: string): string {
  return p.replace(/\\/g, '/');
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}

/** `rest` when `p` is `base` or below it (drive letters compared case-insensitively). */
function below(p: string, base: string): string | undefined {
  const b = base.replace(/\/+$/, '');
  if (b === '') return undefined;
  const win = /^[A-Za-z]:\//.test(b) || /^[A-Za-z]:$/.test(b);
  const pp = win ? p.toLowerCase() : p;
  const bb = win ? b.toLowerCase() : b;
  if (pp === bb) return '';
  if (pp.startsWith(`${bb}/`)) return p.slice(b.length + 1);
  return undefined;
}

/**
 * A relative path toRepoPath returns unchanged: `/`-separated segments of letters, digits and
 * `._~+@-`, none empty, `.` or `..` (so nothing to trim, convert, resolve or refuse).
 */
const CLEAN_RELATIVE = /^(?!\.\.?(?:\/|$))[\w.~+@-]+(?:\/(?!\.\.?(?:\/|$))[\w.~+@-]+)*$/;

/** Resolves `.` and `..`; undefined when `..` climbs above the start. */
function resolveSegments(p: string): string | undefined {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

/**
 * A report path as a repository-relative POSIX path, or undefined when it is not inside the
 * repository (or is not a file name at all, like Bandit's `<stdin>`).
 * - `\` becomes `/`, `./` and `..` are resolved, `file://` URIs are decoded;
 * - an absolute path below `workspace` is made relative to it; an absolute path in a GitHub runner's
 *   checkout layout (`/home/runner/work/<repo>/<repo>/…`, `D:\a\<repo>\<repo>\…`, `/__w/…`,
 *   `/github/workspace/…`) is made relative to that checkout (the report came from another job);
 *   any other absolute path is outside the repository;
 * - a relative path is taken from `scanRoot` (the directory the scanner ran in) when given.
 */

export function toRepoPath(raw: string | undefined, opts: PathOptions = {}): string | undefined {
  if (typeof raw !== 'string') return undefined;
  // Most paths (and every path the engine already resolved) come back as they are: checked in one pass.
  if (CLEAN_RELATIVE.test(raw) && (!opts.scanRoot || opts.scanRoot.trim() === '')) return raw;
  if (raw.trim() === '') return undefined;
  let p = raw.trim();
  if (/^file:\/\//i.test(p)) {
    try {
      const u = new URL(p);
      p = decodeURIComponent(u.pathname);
      if (/^\/[A-Za-z]:\//.test(p)) p = p.slice(1);
    } catch {
      return undefined;
    }
  }
  p = slashes(p);
  if (/[\u0000-\u001f\u007f<>"|?*]/.test(p)) return undefined;
  if (isAbsolutePath(p)) {
    const ws = opts.workspace ? slashes(opts.workspace.trim()) : undefined;
    const inWs = ws ? below(p, ws) : undefined;
    if (inWs !== undefined) p = inWs;
    else {
      const layout = RUNNER_LAYOUTS.find((re) => re.test(p));
      if (!layout) return undefined;
      p = p.replace(layout, '');
    }
  } else if (opts.scanRoot && opts.scanRoot.trim() !== '') {
    let root = slashes(opts.scanRoot.trim());
    if (isAbsolutePath(root)) {
      const ws = opts.workspace ? slashes(opts.workspace.trim()) : undefined;
      const rel = ws ? below(root, ws) : undefined;
      if (rel === undefined) return undefined;
      root = rel;
    }
    p = `${root}/${p}`;
  }
  const resolved = resolveSegments(p);
  return resolved === undefined || resolved === '' ? undefined : resolved;
}

/**
 * Whether a finding's path is one the engine placed in the repository: toRepoPath gives every path
 * it places back unchanged; one it could not place (an absolute path of another machine,
 * `../other/x.py`, a name with `|`) was kept as the report wrote it, and counts as outside.
 */
export function isRepoPath(path: string | undefined): boolean {
  return path !== undefined && toRepoPath(path) === path;
}
