/**
 * The engine both the action and the CLI run, in one direction:
 * read reports (I/O) -> parse (pure) -> per-tool policy steps (pure) -> secret scan of added lines
 * (pure, on the change the shell found) -> severity lookups (I/O, optional) -> evaluate (pure).
 * Publishing is the shells' job.
 */
import pLimit from 'p-limit';
import { ConfigurationError, REPORT_INPUTS, thresholdsFor, usesChangeScopes, type ReportTool, type Settings } from '../config/schema.js';
import { changedFileEndingAt, changeScope, isChangedSubmodule, normalizeChangePath, type Change, type KnownChange } from '../change/diff.js';
import type { ResolveStats } from '../enrich/severity.js';
import { existsInWorkspace, insideWorkspace, MAX_REPORT_BYTES, MAX_TOTAL_REPORT_BYTES, readReport, readReportChunks, reportSize, resolvePatterns } from '../io/files.js';
import { evaluate, type EvaluateOptions, type ToolInput } from '../policy/evaluate.js';
import { mutmutPolicyFindings, mutmutRunProblems } from '../policy/mutmut.js';
import type { GateResult } from '../policy/result.js';
import { scanChange } from '../policy/secret-scan.js';
import { suppressionsAdded, suppressionsNotice } from '../policy/suppressions.js';
import { headlineFor } from '../render/common.js';
import { toRepoPath } from '../util/paths.js';
import { ReportParseError, TOOL_LABELS, type Finding, type ParsedReport, type RawRedaction, type ReportRef } from '../reports/model.js';
import { openReportStream, parseReport } from '../reports/registry.js';
import type { ReportStream } from '../reports/json.js';
import { filterByConfidence } from '../reports/vulture/parser.js';
import { salvageGitleaksSecrets } from '../reports/gitleaks/index.js';
import { loadMutmutXml } from '../reports/mutmut/xml.js';
import { scrubKnownSecrets } from '../util/redact.js';
import { firstAndMore, pushAll } from '../util/lists.js';

export interface EngineDeps {
  workspace: string;
  now: Date;
  /**
   * The change under review (the shell finds it with git); absent = not asked for. May be a
   * promise, as `waive` may: both are awaited only after the reports are read, so a big report's
   * read does not wait for git and the API first (a worker run finds the change on the main
   * thread meanwhile). The shell marks them handled (handledLater); they reject this run when
   * awaited here.
   */
  change?: Change | Promise<Change | undefined>;
  /** Severity lookups: the API base URL and whether the network may be used. */
  severity?: { githubApiUrl: string; offline: boolean; log?: (msg: string) => void };
  waive?: EvaluateOptions['waive'] | Promise<EvaluateOptions['waive']>;
  /**
   * Which of the report files read (workspace-relative) git tracks; undefined when the workspace
   * is in no repository. The action's shell asks git; the CLI only with --refuse-committed-reports
   * (locally, the developer ran the scanners, and the bundled examples are committed). See
   * reportsGitTracks.
   */
  tracked?: (paths: readonly string[]) => Promise<ReadonlySet<string> | undefined>;
}

export interface EngineRun {
  result: GateResult;
  /** Every report file read (workspace-relative) with its tool: they go into the artifact. */
  reports: ReportRef[];
  severityStats?: ResolveStats;
  /**
   * Secret values the reports revealed (ParsedReport.knownSecrets), already scrubbed from every
   * finding: the artifact's report copies are scrubbed of them too. In memory only.
   */
  knownSecrets: string[];
}

/**
 * Reports from this size on are read in pieces (json-stream.ts) when their format allows. Smaller
 * ones are read whole: one native JSON.parse of a few hundred KB beats a byte loop the JIT has not
 * warmed up yet (the example Bandit report, 600 KB: ~3 ms against ~50 ms).
 */
export const STREAM_MIN_BYTES = 4 * 1024 * 1024;

export interface CollectOptions {
  /** Filled with what each parsed file's artifact copy must redact (by path). */
  redactions?: Map<string, RawRedaction>;
  /** Default STREAM_MIN_BYTES. */
  streamMinBytes?: number;
  /** Filled with the secrets a gitleaks report that failed to parse still holds (salvageGitleaksSecrets). */
  salvagedSecrets?: string[];
  /**
   * The bytes the run may still read (MAX_TOTAL_REPORT_BYTES for all its reports, shared by the
   * tools): a file bigger than what is left is refused before it is read. None: no bound but each file's.
   */
  budget?: { left: number };
  /** Filled with the files the budget refused, never read (their copies are not read whole either). */
  notRead?: Set<string>;
  /**
   * Filled with each gitleaks file that was never read (refused by the run's total, by its size,
   * by its path, or unreadable), and why: the secrets it holds are not known, so nothing can be
   * scrubbed of them (a file that was read but did not parse gives them up: salvageGitleaksSecrets).
   */
  unknownSecrets?: string[];
}

export async function collectTool(tool: ReportTool, patterns: string[], workspace: string, opts: CollectOptions = {}): Promise<ToolInput> {
  const { redactions, streamMinBytes = STREAM_MIN_BYTES } = opts;
  const input: ToolInput = { tool, status: 'ok', messages: [], files: [], reports: [] };
  const { files, problems, refused, missing } = await resolvePatterns(workspace, patterns);
  const inputName = REPORT_INPUTS[tool];
  if (refused.length > 0) {
    // Never read, never copied into the artifact (not in `files`), and never taken for a missing report.
    input.status = 'error';
    for (const r of refused) input.messages.push(`${inputName}: ${r}`);
    if (tool === 'gitleaks') for (const r of refused) opts.unknownSecrets?.push(r);
    if (files.length === 0) {
      for (const p of problems) input.messages.push(`${inputName}: ${p}`);
      return input;
    }
  }
  if (files.length === 0) {
    input.status = 'missing';
    input.messages.push(`${inputName} ${problems.join('; ')}`);
    return input;
  }
  // A file named by its path is expected: missing, it makes the report missing (a scan that crashed
  // next to one that ran is not a pass), even though other files were read. A glob that matched
  // nothing next to others that matched is still worth saying.
  if (missing.length > 0 && input.status === 'ok') {
    input.status = 'missing';
    input.messages.push(`${inputName} ${missing.join('; ')}`);
  }
  for (const p of problems) if (!missing.includes(p)) input.messages.push(`${inputName}: ${p}`);
  // The XML library of mutmut 2 reports is a lazy chunk: loaded before the (synchronous) parse.
  if (tool === 'mutmut') await loadMutmutXml();
  for (const file of files) {
    // One file over MAX_REPORT_BYTES is refused by the read, which says so.
    const size = opts.budget ? await reportSize(workspace, file) : undefined;
    if (opts.budget && size !== undefined && size <= MAX_REPORT_BYTES) {
      if (size > opts.budget.left) {
        const before = MAX_TOTAL_REPORT_BYTES - opts.budget.left;
        recordError(input, file, size, new ReportParseError(tool, file, '', `file is ${size} bytes; with the ${before} bytes of the reports read before it, over the ${MAX_TOTAL_REPORT_BYTES}-byte limit for all the reports of one run together: not read`));
        opts.notRead?.add(notReadKey(tool, file));
        if (tool === 'gitleaks') opts.unknownSecrets?.push(`${JSON.stringify(file)} was not read (over the total size of the run's reports)`);
        continue;
      }
      opts.budget.left -= size;
    }
    const streamed = await streamReport(tool, file, workspace, streamMinBytes);
    if (streamed && 'error' in streamed) {
      recordError(input, file, streamed.bytes, streamed.error);
      if (tool === 'gitleaks') opts.unknownSecrets?.push(`${JSON.stringify(file)} could not be read in pieces`);
      continue;
    }
    if (streamed) {
      if (streamed.report.rawRedaction) redactions?.set(file, streamed.report.rawRedaction);
      input.reports.push(streamed.report);
      input.files.push({ path: file, format: streamed.report.format, findings: streamed.report.findings.length, bytes: streamed.bytes });
      continue;
    }
    const read = await readReport(workspace, file);
    if (!read.ok) {
      input.status = 'error';
      input.files.push({ path: file, findings: 0, bytes: read.bytes, error: read.error });
      input.messages.push(`${file}: ${read.error}`);
      if (tool === 'gitleaks') opts.unknownSecrets?.push(`${JSON.stringify(file)} was not read (${read.error})`);
      continue;
    }
    try {
      const report = parseReport(tool, file, read.text);
      if (report.rawRedaction) redactions?.set(file, report.rawRedaction);
      input.reports.push(report);
      input.files.push({ path: file, format: report.format, findings: report.findings.length, bytes: read.bytes });
    } catch (e) {
      if (!(e instanceof ReportParseError)) throw e;
      recordError(input, file, read.bytes, e);
      // What it revealed stays secret in the other tools' findings and copies all the same.
      if (tool === 'gitleaks' && opts.salvagedSecrets) pushAll(opts.salvagedSecrets, salvageGitleaksSecrets(read.text));
    }
  }
  return input;
}

/** A file of a tool the budget refused (one file may be given to two tools). */
function notReadKey(tool: ReportTool, file: string): string {
  return `${tool}\u0000${file}`;
}

function recordError(input: ToolInput, file: string, bytes: number, e: ReportParseError): void {
  input.status = 'error';
  const msg = `${e.file}: ${e.where ? `${e.where}: ` : ''}${e.reason}`;
  input.files.push({ path: file, findings: 0, bytes, error: msg });
  input.messages.push(msg);
}

/**
 * A report read in pieces when its format allows (big Bandit JSON: never one 70 MB string), or
 * undefined: read it whole (another format, a read error, or anything the stream gave up on; the
 * whole read then gives the precise message).
 */
async function streamReport(
  tool: ReportTool,
  file: string,
  workspace: string,
  minBytes: number,
): Promise<{ report: ParsedReport; bytes: number } | { error: ReportParseError; bytes: number } | undefined> {
  let stream: ReportStream | undefined;
  let first = true;
  const feed = (chunk: Buffer): boolean => {
    if (first) {
      first = false;
      stream = openReportStream(tool, file, chunk);
    }
    if (!stream) return false;
    stream.push(chunk);
    return !stream.abandoned;
  };
  let read = await readReportChunks(workspace, file, feed, minBytes);
  try {
    for (let pass = 1; ; pass++) {
      if (!read.ok || read.stopped || !stream) return undefined;
      const report = stream.end();
      if (report !== 'again') return report ? { report, bytes: read.bytes } : undefined;
      // A format read in two passes (SARIF: the runs' rules first, then the results).
      if (pass > 1) return undefined;
      read = await readReportChunks(workspace, file, feed);
    }
  } catch (e) {
    if (!(e instanceof ReportParseError)) throw e;
    return { error: e, bytes: read.bytes };
  }
}

/** Tools whose stats count their findings: `total` and one counter per rule id (deptry, vulture). */
const COUNTS_FINDINGS: ReadonlySet<ToolInput['tool']> = new Set<ToolInput['tool']>(['deptry', 'vulture']);

/** The policy's per-tool steps on parsed reports (pure). */
function applyToolRules(input: ToolInput, settings: Settings, workspace: string): void {
  const scanRoot = settings['scan-root'];
  // The files that gave a report, in the reports' order (a file that failed to parse gave none).
  const reportFiles = input.files.filter((f) => f.error === undefined).map((f) => f.path);
  input.reports = input.reports.map((r, i) => {
    let report: ParsedReport = r;
    if (input.tool === 'vulture') report = filterByConfidence(report, settings['vulture-min-confidence'] ?? 0);
    if (input.tool === 'mutmut') report = mutmutPolicyFindings(report, reportFiles[i] ?? r.format, settings['mutmut-min-score']);
    // Repository-relative POSIX paths, so critical paths, the change, annotations and SARIF agree.
    // Worked out when the path changes: a big report lists a file's findings one after another.
    // A path that is not inside the repository stays as written and is noted: the policy cannot
    // match it against the critical paths or the change, so it counts as both (fail closed).
    let lastRaw: string | undefined;
    let lastPath: string | undefined;
    for (const f of report.findings) {
      if (!f.location) continue;
      const raw = f.location.path;
      if (raw !== lastRaw) {
        lastRaw = raw;
        lastPath = toRepoPath(raw, { workspace, scanRoot });
        if (lastPath === undefined) (input.outsidePaths ??= new Set()).add(raw);
      }
      if (lastPath !== undefined) f.location.path = lastPath;
    }
    // Files the scanner could not read, named the same way (the policy looks at them too).
    for (const e of report.scanErrors) {
      if (e.path === undefined) continue;
      const p = toRepoPath(e.path, { workspace, scanRoot });
      if (p === undefined) (input.outsidePaths ??= new Set()).add(e.path);
      else e.path = p;
    }
    return report;
  });
  // The same finding in two report files of one tool (requirements.txt and requirements-dev.txt
  // audited apart, sharing a package; one gitleaks scan saved twice) counts once, as within a file.
  // The same one: same fingerprint, line and severity. A fingerprint leaves out the line (it stays
  // when code moves), so the same code flagged on two lines of two reports is two findings, and a
  // HIGH is never dropped as the repeat of a LOW.
  // And the same in everything the policy and the waivers read: the place (path and line),
  // the rule, the package and its aliases, the gitleaks commit, the vulture name and the deptry
  // module. A fingerprint alone is no proof: gitleaks writes its own (`Fingerprint`), and a report
  // file a glob picks up (a pull request can add one) holding an entry with a real leak's
  // fingerprint in a waived fixture path, or a real advisory with a waived alias, took the real
  // finding's place, and the waiver of the decoy waived it (a review). Kept apart, both count.
  // Where the line range ends is not part of it: Bandit's SARIF ends a range on its second line, its
  // JSON on its last, and one scan saved both ways was two findings for each call written over
  // three lines or more (a re-review). Of such findings, the one whose range ends first is kept: a
  // `line=` waiver fits it only where it fits the others too, so a decoy reaching further down
  // cannot bring a waiver to the real finding.
  if (input.reports.length > 1) {
    // No column: one scan saved as Bandit JSON without columns and as SARIF with them is the same scan.
    const keyOf = (f: Finding) =>
      JSON.stringify([
        f.fingerprint,
        f.location?.path ?? null,
        f.location?.line ?? null,
        f.severity,
        f.ruleId,
        f.package?.name ?? null,
        f.package?.version ?? null,
        f.aliases ?? null,
        f.extra?.commit ?? null,
        f.extra?.name ?? null,
        f.extra?.module ?? null,
      ]);
    const endOf = (f: Finding) => f.location?.endLine ?? f.location?.line ?? 0;
    const keys = input.reports.map((r) => r.findings.map(keyOf));
    // Each key's finding: the first of those whose range ends first.
    const kept = new Map<string, Finding>();
    input.reports.forEach((r, i) =>
      r.findings.forEach((f, j) => {
        const k = keys[i]![j]!;
        const other = kept.get(k);
        if (other === undefined || endOf(f) < endOf(other)) kept.set(k, f);
      }),
    );
    let repeated = 0;
    input.reports = input.reports.map((r, i) => {
      const own = r.findings.filter((f, j) => kept.get(keys[i]![j]!) === f);
      repeated += r.findings.length - own.length;
      if (own.length === r.findings.length) return r;
      // deptry and vulture count their findings (`total`, one counter per rule): a repeat is
      // taken off them, or one dead function in two vulture reports read `unused-function 2`.
      if (!COUNTS_FINDINGS.has(input.tool)) return { ...r, findings: own };
      const stats = { ...r.stats };
      const left = new Set(own);
      for (const f of r.findings) {
        if (left.has(f)) continue;
        for (const k of ['total', f.ruleId]) if ((stats[k] ?? 0) > 0) stats[k] = (stats[k] as number) - 1;
      }
      return { ...r, findings: own, stats };
    });
    // Counted like a report's own duplicates (stats add up across files).
    countOnFirstReport(input, 'duplicates', repeated);
  }
  // Whatever else the tool's status says: a report that was read and shows an empty or unfinished
  // run is an error even when another file of the input is missing (on-missing-report: warn or
  // ignore let such a run pass).
  if (input.tool === 'mutmut') {
    const problems = mutmutRunProblems(input.reports.map((report, i) => ({ file: reportFiles[i] ?? report.format, report })));
    if (problems.length > 0) {
      input.status = 'error';
      pushAll(input.messages, problems);
    }
  }
}

/**
 * A report file the change itself adds or modifies: what the gate read may be the pull request's
 * own file, not what the scanner wrote in this run. A scanner step that fails under
 * `continue-on-error` (pip-audit on a requirement it cannot resolve, say) writes nothing and leaves
 * the committed file in place, a clean report the pull request chose. The same goes for a link the
 * change puts on the way to it (`reports` made a link to a directory of clean reports), or a
 * submodule it adds or points elsewhere there (checked out with its clean reports). The gate
 * cannot tell which it read, so it fails closed: the tool is in error (its findings still count),
 * with how to fix it. Counted in the tool's stats (`reportsInChange`), so the headline and the
 * summary say so rather than calling a report that read fine unreadable.
 */
function reportsTheChangeHolds(input: ToolInput, change: KnownChange, flagged: Set<string>): void {
  holdReports(input, 'reportsInChange', flagged, (path) => {
    const parts = normalizeChangePath(path).split('/');
    for (let i = parts.length; i >= 1; i--) {
      const at = parts.slice(0, i).join('/');
      let what: string | undefined;
      if (i === parts.length) what = changedFileEndingAt(change, at) ? 'the report file itself' : undefined;
      // On the way, only a link or a submodule stands where a directory is: a regular file the
      // change edits there in another letter case is another file (Pants' or Bazel's `BUILD`
      // next to reports in `build/`), and erring on it would fail every such pull request. A
      // submodule is not in `files`, but a checkout with submodules puts its files on the path.
      else if (changedFileEndingAt(change, at, (c) => c.symlink === true)) what = `${JSON.stringify(at)}, on the way to the report file`;
      else if (isChangedSubmodule(change, at)) what = `the submodule ${JSON.stringify(at)}, on the way to the report file`;
      if (what !== undefined) return { why: `this change adds or modifies ${what}`, read: "the change's own file", fix: 'Remove it from the change; reports belong in .gitignore.' };
    }
    return undefined;
  });
}

/**
 * A report file git tracks: committed to the repository, by the base branch or by the change (one
 * the change adds or modifies is said by reportsTheChangeHolds, in `flagged`, and not again). As
 * there, a scanner step that fails leaves the committed file in place, and the gate cannot tell
 * it from what the scanner wrote in this run: a report committed by mistake once would pass every
 * later run whose scanner failed, on `main` too, where promotion's evidence comes from. So the
 * tool is in error (its findings still count), counted in its stats (`reportsTracked`). Scanner
 * output is never meant to be committed; the message says how to untrack it.
 */
function reportsGitTracks(input: ToolInput, tracked: ReadonlySet<string>, flagged: Set<string>): void {
  holdReports(input, 'reportsTracked', flagged, (path) =>
    tracked.has(path)
      ? { why: 'git tracks this file (it is committed to the repository)', read: 'the committed file', fix: 'Untrack it (`git rm --cached`) and add it to .gitignore.' }
      : undefined,
  );
}

/**
 * The one mechanism of both checks above: each report file read that `held` says may not be this
 * run's scanner output (and that no check said before, `flagged`) puts the tool in error, with a
 * message naming the file (quoted: the change's or the repository's name), why, and the fix; the
 * count goes to the tool's stats under `key`, for the headline and the summary. `flagged` holds
 * tool and path.
 */
function holdReports(
  input: ToolInput,
  key: 'reportsInChange' | 'reportsTracked',
  flagged: Set<string>,
  held: (path: string) => { why: string; read: string; fix: string } | undefined,
): void {
  const label = TOOL_LABELS[input.tool as ReportTool];
  let n = 0;
  for (const f of input.files) {
    // Per tool: two tools reading one file are each in error for it.
    const id = `${input.tool}\0${f.path}`;
    if (f.error || flagged.has(id)) continue;
    const h = held(f.path);
    if (!h) continue;
    input.status = 'error';
    n++;
    flagged.add(id);
    input.messages.push(`${JSON.stringify(f.path)}: ${h.why}, so the gate may have read ${h.read} rather than what ${label} wrote in this run (a scanner step that failed leaves it in place). ${h.fix}`);
  }
  // Every file counted here was read, so there is a first report to count it on.
  countOnFirstReport(input, key, n);
}

/**
 * Asks `tracked` (git, in the action's shell) which report files read are committed: the set, or a
 * notice when git could not say (the check is then not made, and the run says so rather than
 * passing it silently). Never rejects: it runs while the change is awaited, and a run that fails
 * on the change must not leave it unhandled.
 */
async function askTracked(inputs: ToolInput[], tracked: NonNullable<EngineDeps['tracked']>): Promise<{ set?: ReadonlySet<string>; notice?: string }> {
  const paths = [...new Set(inputs.flatMap((i) => i.files.filter((f) => !f.error).map((f) => f.path)))];
  if (paths.length === 0) return {};
  try {
    const set = await tracked(paths);
    return set ? { set } : {};
  } catch (e) {
    return { notice: `Whether git tracks the report files could not be checked (${e instanceof Error ? e.message : String(e)}): a report committed to the repository, read instead of what its scanner wrote in this run, would go unnoticed.` };
  }
}

/** At most this many look-ups at once of the files findings name (unplacedInWorkspace). */
const STAT_CONCURRENCY = 32;

/**
 * Findings of a tool judged by the change (deptry and vulture; any tool with `changed` or
 * `unchanged` thresholds) that name a file the change does not touch and the workspace does not
 * hold, under another root than a file the change does touch: the scanner ran in another
 * directory (`cd src && vulture .` names git's `src/pkg/new.py` as `pkg/new.py`, deptry run in
 * `api/` names `api/pyproject.toml` as `pyproject.toml`, a scan from the parent directory names it
 * `repo/src/pkg/new.py`), and scan-root was not set. Matched as written, they never matched the
 * change and new dead code passed as existing debt. Fail closed: their paths join the ones the gate
 * cannot place in the repository (counted as new, and the notice points to scan-root). A missing
 * file that no changed file's path ends with (nor ends one) cannot be in the change under any root:
 * it stays untouched (example reports of another project, a file deleted since the scan).
 */
async function unplacedInWorkspace(inputs: ToolInput[], settings: Settings, change: KnownChange, workspace: string): Promise<void> {
  const judged = inputs.filter((input) => input.tool !== 'secret-scan' && usesChangeScopes(thresholdsFor(settings, input.tool)));
  if (judged.length === 0) return;
  const scope = changeScope(change, { root: workspace });
  const related = underAnotherRoot(change);
  await Promise.all(judged.map((input) => unplacedOf(input, scope, related, workspace)));
}

async function unplacedOf(input: ToolInput, scope: ReturnType<typeof changeScope>, related: (path: string) => boolean, workspace: string): Promise<void> {
  const paths = new Set<string>();
  for (const r of input.reports) {
    for (const f of r.findings) {
      const p = f.location?.path;
      if (p !== undefined && !paths.has(p) && !input.outsidePaths?.has(p) && !scope.isTouched(p) && related(p)) paths.add(p);
    }
  }
  const limit = pLimit(STAT_CONCURRENCY);
  const missing = await Promise.all([...paths].map((p) => limit(async () => ((await existsInWorkspace(workspace, p)) ? undefined : p))));
  for (const p of missing) if (p !== undefined) (input.outsidePaths ??= new Set()).add(p);
}

/**
 * Whether a path may name a file of the change under another root: it is the end of a changed
 * path after a `/` (`pkg/new.py` of `src/pkg/new.py`), or a changed path is its end
 * (`repo/src/pkg/new.py`). Paths compared trimmed, as report paths are read (` dead.py`).
 */
function underAnotherRoot(change: KnownChange): (path: string) => boolean {
  const full = new Set<string>();
  const tails = new Set<string>();
  for (const f of change.files) {
    for (const raw of [f.path, f.oldPath]) {
      if (raw === undefined) continue;
      const c = raw.trim();
      full.add(c);
      for (let i = -1; ; ) {
        tails.add(c.slice(i + 1));
        i = c.indexOf('/', i + 1);
        if (i < 0) break;
      }
    }
  }
  return (path) => {
    if (tails.has(path)) return true;
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) if (full.has(path.slice(i + 1))) return true;
    return false;
  };
}

/**
 * Adds `n` to counter `key` of the tool's first report: a count about the tool's files together
 * (the tool's stats are the sum of its reports'). The report is copied, not changed in place.
 */
function countOnFirstReport(input: ToolInput, key: string, n: number): void {
  const first = input.reports[0];
  if (n > 0 && first) input.reports[0] = { ...first, stats: { ...first.stats, [key]: (first.stats[key] ?? 0) + n } };
}

export async function runEngine(settings: Settings, deps: EngineDeps): Promise<EngineRun> {
  // Relative report paths are taken from the scan root: one outside the repository would leave
  // them unresolved, looking like repository paths they are not.
  const scanRoot = settings['scan-root'];
  if (scanRoot && !insideWorkspace(deps.workspace, scanRoot)) {
    throw new ConfigurationError(`scan-root: got ${JSON.stringify(scanRoot)}; expected the directory the scanners ran in, inside the workspace`);
  }
  const inputs: ToolInput[] = [];
  const redactions = new Map<string, RawRedaction>();
  const knownSecrets: string[] = [];
  const budget = { left: MAX_TOTAL_REPORT_BYTES };
  const notRead = new Set<string>();
  const unknownSecrets: string[] = [];
  for (const [tool, inputName] of Object.entries(REPORT_INPUTS) as Array<[ReportTool, keyof Settings]>) {
    const patterns = settings[inputName] as string[];
    if (patterns.length === 0) continue; // not part of this run
    const input = await collectTool(tool, patterns, deps.workspace, { redactions, salvagedSecrets: knownSecrets, budget, notRead, unknownSecrets });
    for (const r of input.reports) if (r.knownSecrets) pushAll(knownSecrets, r.knownSecrets);
    if (input.status === 'missing' && settings['on-missing-report'] === 'ignore') {
      input.messages = [`${input.messages.join('; ')} (ignored: on-missing-report is ignore)`];
    }
    applyToolRules(input, settings, deps.workspace);
    inputs.push(input);
  }

  // Git is asked which reports are committed as soon as they are read, while the change (git
  // too) is still being found: after it, one more git process lay on a small run's critical path.
  const asking = deps.tracked && askTracked(inputs, deps.tracked);
  const change = await deps.change;
  const flagged = new Set<string>();
  if (change?.known) for (const input of inputs) reportsTheChangeHolds(input, change, flagged);
  const tracked = asking && (await asking);
  if (tracked?.set) for (const input of inputs) reportsGitTracks(input, tracked.set, flagged);
  if (change?.known) await unplacedInWorkspace(inputs, settings, change, deps.workspace);
  if (change?.known && settings['secret-scan']) {
    const report = scanChange(change.files, { keywords: settings['secret-scan-keywords'], sourceFile: `git diff ${change.diffBase.slice(0, 12)}..${change.head.slice(0, 12)}` });
    if (report.knownSecrets) pushAll(knownSecrets, report.knownSecrets);
    const partial = 'not every added line could be read (the diff is too large, or binary files the change adds or modifies could not all be read as text; the notices say which): the scan is partial';
    // Never a clean pass: lines not read are not checked (a scan error makes the verdict warn).
    if (!change.addedLinesComplete) report.scanErrors.push({ message: partial });
    inputs.push({
      tool: 'secret-scan',
      status: 'ok',
      messages: change.addedLinesComplete ? [] : [partial],
      files: [],
      reports: [report],
    });
  }

  // A gitleaks report that was never read revealed nothing: what it holds is known to no scrubber,
  // and any other report may quote it (a Bandit snippet of the line). Fail closed: no finding keeps
  // a snippet, and no report's copy goes into the artifact (stageReports writes a note instead).
  const secretsUnknown = unknownSecrets.length > 0
    ? `A gitleaks report was not read (${firstAndMore(unknownSecrets, 5, { more: (k) => `and ${k} more` }).join('; ')}): the secrets it holds are not known and cannot be scrubbed, so no finding keeps its code snippet and every report's copy is withheld from the artifact.`
    : undefined;
  if (secretsUnknown) for (const i of inputs) for (const r of i.reports) for (const f of r.findings) delete f.snippet;

  let severityStats: ResolveStats | undefined;
  const notices: string[] = [];
  if (deps.severity && inputs.some((i) => i.tool === 'pip-audit' && i.reports.length > 0)) {
    const pip = inputs.find((i) => i.tool === 'pip-audit')!;
    // Its own chunk in the bundles (zod, the HTTP client, CVSS scoring): only pip-audit runs need it.
    const { resolveReportSeverities, severityNotice } = await import('../enrich/severity.js');
    const { reports, stats } = await resolveReportSeverities(pip.reports, {
      source: settings['severity-source'],
      offline: deps.severity.offline,
      githubApiUrl: deps.severity.githubApiUrl,
      githubToken: settings['github-token'],
      osvApiUrl: settings['osv-api-url'],
      budgetMs: settings['severity-budget-seconds'] * 1000,
      now: () => Date.now(),
      log: deps.severity.log,
    });
    pip.reports = reports;
    severityStats = stats;
    const n = severityNotice(stats, settings['unknown-severity']);
    if (n) notices.push(n);
  }

  const result = evaluate(inputs, {
    settings,
    now: deps.now,
    change: change ? changeScope(change, { root: deps.workspace }) : undefined,
    waive: await deps.waive,
    unknownExplained: notices.length > 0,
  });
  if (change?.known) {
    result.change = { known: true, base: change.base, head: change.head, source: change.source, files: change.files.length, notes: change.notes };
    pushAll(result.notices, change.notes);
    // What the change hides from the scanners themselves (`# nosec`, `gitleaks:allow`...): said, not judged.
    const suppressions = suppressionsAdded(change.files);
    result.suppressions = suppressions;
    const said = suppressionsNotice(suppressions, change.addedLinesComplete);
    if (said) result.notices.push(said);
  }
  else if (change) {
    result.change = { known: false, reason: change.reason };
    // Never silent: without a known change there are no added lines, so the scan cannot run.
    if (settings['secret-scan']) result.notices.push('The secret scan of added lines did not run: the change under review is unknown, so there are no added lines to read.');
  }
  if (tracked?.notice) result.notices.push(tracked.notice);
  if (severityStats) result.severityLookup = severityStats;
  result.notices = pushAll(notices, result.notices);
  if (secretsUnknown) result.notices.unshift(secretsUnknown);
  // Only now, the decisions made (see scrubResult): a path, a rule id or a package is read as it is.
  scrubResult(result, inputs, knownSecrets);
  result.headline = headlineFor(result);
  const reports = inputs.flatMap((i) => i.files.map((f): ReportRef => {
    const rawRedaction = f.error ? undefined : redactions.get(f.path);
    const refusedByTotal = notRead.has(notReadKey(i.tool as ReportTool, f.path));
    // The gitleaks report not read has its own note; every other copy may quote what it holds.
    if (secretsUnknown && !(refusedByTotal && i.tool === 'gitleaks')) return { tool: i.tool, path: f.path, withheld: 'a gitleaks report of this run was not read, so the secrets it holds are not known and could not be scrubbed from this copy' };
    if (refusedByTotal) return { tool: i.tool, path: f.path, notRead: true };
    return rawRedaction ? { tool: i.tool, path: f.path, rawRedaction } : { tool: i.tool, path: f.path };
  }));
  return { result, reports, severityStats, knownSecrets: [...new Set(knownSecrets)] };
}

/**
 * What one report revealed leaves no other report's finding in clear (a Bandit snippet of the line
 * gitleaks flagged, a vulture name, a mutmut line quoting a Bandit password), nor any message or
 * notice of the result. Scrubbed from the result once the policy decided, never before: a pull
 * request chooses the known secrets its added lines reveal (`password = "app/auth/login.py"`), and
 * a path, rule id, advisory id or package masked before the severity lookup, the critical-path
 * and change matching, or the waivers read it took its finding out of a critical path or out of
 * the change (fail open). What a report revealed itself its parser already took out of its own
 * findings (gitleaks: every secret of the report from each finding; Bandit: its passwords from
 * every snippet; the secret scan: each line's): the 80,000 findings of a big Bandit report are not
 * walked again for the passwords of a few of them (a finding is told to its report by its tool and
 * report file; two reports under one name are scrubbed of every secret).
 */
function scrubResult(result: GateResult, inputs: ToolInput[], knownSecrets: string[]): void {
  if (knownSecrets.length === 0) return;
  const keyOf = (f: Finding) => `${f.tool}\0${f.sourceFile}`;
  const ownOf = new Map<string, readonly string[] | null>();
  for (const r of inputs.flatMap((i) => i.reports)) {
    const keys = new Set(r.findings.map(keyOf));
    for (const k of keys) ownOf.set(k, ownOf.has(k) || !r.knownSecrets?.length ? null : r.knownSecrets);
  }
  const shared: object[] = [];
  const byOwn = new Map<readonly string[], object[]>();
  for (const t of result.tools) {
    for (const f of t.findings) {
      const own = ownOf.get(keyOf(f));
      if (!own) shared.push(f);
      else {
        const list = byOwn.get(own);
        if (list) list.push(f);
        else byOwn.set(own, [f]);
      }
    }
    // Messages may quote a path (a file a tool could not scan in a critical path).
    pushAll(shared, t.scanErrors);
    pushAll(shared, t.skipped);
    shared.push(t.messages);
  }
  shared.push(result.notices);
  scrubKnownSecrets(shared, knownSecrets);
  for (const [own, findings] of byOwn) {
    const mine = new Set(own);
    const others = knownSecrets.filter((x) => !mine.has(x));
    if (others.length > 0) scrubKnownSecrets(findings, others);
  }
}

/**
 * Marks promises the shells hand to runEngine (EngineDeps' `change` and `waive`) as handled: they
 * are awaited only after the reports are read, and one that rejects before then must not end the
 * process as an unhandled rejection. Awaiting it still throws its error.
 */
export function handledLater(...promises: Array<Promise<unknown>>): void {
  for (const p of promises) p.catch(() => undefined);
}

/** One line per tool for logs (the shells escape it). */
export function toolLine(t: GateResult['tools'][number]): string {
  const c = t.counts;
  return `${TOOL_LABELS[t.tool]} (phase ${t.phase}): ${t.status}, ${t.findings.length} findings, ${c.block} block, ${c.warn} warn, ${c.info} info${c.wouldBlock > c.block ? `, ${c.wouldBlock} would block in phase 2` : ''}`;
}
