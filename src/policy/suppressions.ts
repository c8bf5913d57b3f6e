/**
 * Suppressions the change under review adds (pure: the change's added lines in, places out).
 *
 * A waiver needs a reason, an owner, approvals and an expiry; a `# nosec` on the flagged line
 * needs none, and the finding it hides is in no report, so the gate never sees it. The same goes
 * for gitleaks' `gitleaks:allow` and `.gitleaksignore`, detect-secrets' `pragma: allowlist secret`
 * (which the gate's own secret scan honours too), and the scanners' settings (Bandit `skips`,
 * deptry `ignore`, vulture `ignore_names`...). The gate cannot tell a justified one from a
 * convenient one, so it says where the change adds them (a notice, and `suppressions` in the
 * result), for the reviewer to read as a waiver. Never the line's text: it may hold the secret
 * the marker hides.
 */
import { basename } from 'node:path';
import { withoutNul, type ChangedFile } from '../change/diff.js';
import { firstAndMore } from '../util/lists.js';

export type SuppressionKind = 'nosec' | 'gitleaks:allow' | 'allowlist secret' | '.gitleaksignore' | 'scanner settings' | 'scanner option';

export interface Suppression {
  path: string;
  line: number;
  kind: SuppressionKind;
}

/** gitleaks skips a line holding this. */
export const GITLEAKS_ALLOW = /gitleaks:allow/i;
/** detect-secrets skips a line holding this. */
export const ALLOWLIST_SECRET = /pragma:\s{0,4}allowlist[ -]secret/i;
/**
 * Bandit's `# nosec` (`#nosec`, `# nosec B602`, `# NOSEC: B101`), in the Python files it scans. No
 * word boundary after it: Bandit reads what follows as test names (`# nosecB602` skips B602), and
 * a word it does not know (`# nosecurity`) leaves a nosec without tests, which skips them all.
 */
const NOSEC = /#\s*nosec/i;
const PYTHON = /\.py[iw]?$/;
/**
 * The scanners' own settings files: any line they gain. Bandit's `-c` takes any YAML or TOML file
 * and gitleaks' `--config` any TOML, so the names people give them (`.bandit.yml`,
 * `bandit-config.yaml`, `gitleaks-config.toml`); and a vulture whitelist (its names count as used;
 * `whitelist.py` is the name vulture's README gives it).
 */
const SCANNER_FILE = /^(?:\.bandit|\.?bandit(?:[._-]conf(?:ig)?)?\.(?:ya?ml|toml)|\.?gitleaks(?:[._-]conf(?:ig)?)?\.toml|(?:\.?vulture[._-]?)?whitelist(?:[._-]?vulture)?\.py)$/i;
/**
 * Shared settings files: the lines that set what a lane scanner leaves out (Bandit `skips` and
 * `exclude_dirs`, deptry `per_rule_ignores` and any line naming its DEP codes, vulture
 * `ignore_names`, `ignore_decorators` and `min_confidence`). Keys other tools share (flake8's
 * `ignore`, any `exclude`) are left out: without the section header (the diff gives no context)
 * they would be noise.
 */
const SHARED_FILES = new Set(['pyproject.toml', 'setup.cfg', 'tox.ini']);
/**
 * A key at the line's start, after a dotted key's `.` (`vulture.ignore_names = `) or in an inline
 * table (`bandit = { skips = [...] }`); deptry's rule codes wherever they are (`DEP002 = [...]` in
 * `[tool.deptry.per_rule_ignores]`, `"DEP001",` in a list over several lines): only deptry reads them.
 */
const SETTING_KEYS = /(?:^|[.{,])\s*["']?(?:skips|exclude_dirs|per_rule_ignores|ignore_names|ignore_decorators|min_confidence)["']?\s*[=:]|\bDEP0\d\d\b/i;

/**
 * A lane scanner run with an option that leaves findings out of its report: pip-audit's
 * `--ignore-vuln GHSA-...` (its only way to set a vulnerability aside), Bandit's `-s B602` or
 * `-lll`, gitleaks' `--baseline-path` or its own config, deptry's `--ignore DEP002`, vulture's
 * `--ignore-names` or a whitelist file. Added to a workflow's `run:`, a Makefile, `tox.ini`'s
 * commands or a `noxfile.py`, it hides findings as surely as a `# nosec`. pip-audit's and gitleaks'
 * own long options count on any line. The short options are common words of other tools (`-p`,
 * `-c`, `-e`, `-i`), so they count only after the scanner's name as a command word (not
 * `reports/bandit.json`), in the same shell command (`mkdir -p reports && bandit ...` is two), and
 * not in a command that installs it (`pip install -c constraints.txt bandit`). Documentation files
 * are not read for these (they show commands, they do not run them).
 */
const ANY_LINE_OPTION = /--ignore-vuln\b|--baseline-path\b|--gitleaks-ignore-path\b|\bGITLEAKS_CONFIG(?:_TOML)?\b/;
const COMMAND_SEPARATOR = /&&|\|\||[;|]/;
/** pip, uv (`uv tool install`), poetry, conda... and nox's `session.install(`. */
const INSTALL = /\b(?:pip3?|pipx|uv|tool|poetry|pdm|conda|mamba|micromamba|brew|apt-get|apt|apk)\s+(?:install|add)\b|\.install\(/;
const SCANNER_NAME = /bandit|gitleaks|deptry|vulture|pip[-_]audit/i;
const TOKEN_SEPARATOR = /[\s"'`,=()[\]{}]+/;
interface ScannerOptions {
  names: readonly string[];
  exact: ReadonlySet<string>;
  /** Forms no list holds: short flags joined, a value attached, a prefix argparse accepts. */
  other?: (token: string) => boolean;
}
const SCANNERS: readonly ScannerOptions[] = [
  {
    names: ['bandit'],
    exact: new Set(['--skip', '--exclude', '--baseline', '--level', '--confidence', '--severity-level', '--confidence-level', '--tests', '--configfile', '--ini', '--profile']),
    // argparse joins flags (`-rlll` is `-r -l -l -l`) and takes a value attached (`-sB101`): any run
    // of Bandit's flags that holds -l/-i or reaches -s/-x/-b/-t/-c/-p (not `-r`, `-f`, `-o`).
    other: (t) => /^-[rvdqhli]*[lisxbtcp]/.test(t),
  },
  {
    names: ['gitleaks'],
    exact: new Set(['--config', '--log-opts', '--max-target-megabytes', '--enable-rule']),
    // pflag: -c config, -i ignore path, -b baseline, after -v and with a value attached.
    other: (t) => /^-v*[cib]/.test(t),
  },
  {
    names: ['deptry'],
    exact: new Set(['-i', '--ignore', '-pi', '--per-rule-ignores', '-e', '--exclude', '-ee', '--extend-exclude', '-kf', '--known-first-party']),
    // Before 0.12: --skip-missing, --ignore-obsolete... (and --ignore-notebooks).
    other: (t) => /^--(?:skip|ignore)-/.test(t),
  },
  {
    names: ['vulture'],
    exact: new Set(['--exclude', '--ignore-names', '--ignore-decorators', '--min-confidence']),
    other: (t) => /^[\w./-]*\.py$/.test(t) && /whitelist/i.test(t),
  },
  {
    names: ['pip-audit', 'pip_audit'],
    exact: new Set(),
    // argparse takes a prefix of --ignore-vuln (`--ignore`); `--i` is also --index-url's.
    other: (t) => t.length >= 4 && '--ignore-vuln'.startsWith(t),
  },
];
/** The scanner a token runs: its last path part, or a part after `:` (`lint:bandit`, `gitleaks:v8`), `@version` aside. */
function runs(token: string, names: readonly string[]): boolean {
  const last = token.slice(token.lastIndexOf('/') + 1).toLowerCase();
  return last.split(':').some((part) => names.includes(part.split('@')[0]!));
}
const DOCUMENT = /\.(?:md|markdown|rst|txt|adoc)$/i;
/**
 * Workflows and composite actions run the scanners through actions too: PyCQA/bandit-action's
 * `skips`, `baseline`, `severity`, `confidence` and `configfile` inputs, pypa/gh-action-pip-audit's
 * `ignore-vulns` (one advisory per line, so a line that is only an advisory id is an entry of such a
 * list). Its `tests` and `exclude` are left out: jobs and matrices use those keys. No `\s*` beside
 * another that can match the same spaces: on a long run of them that backtracks for minutes.
 */
const WORKFLOW_FILE = /^\.github\/.*\.ya?ml$/i;
const WORKFLOW_INPUT = /^\s*(?:-\s*)?(?:skips|baseline|ignore-vulns|severity|confidence|configfile)\s*:/i;
const ADVISORY_ONLY = /^\s*(?:-\s*)?["']?(?:GHSA(?:-[0-9a-z]{4}){3}|PYSEC-\d{4}-\d+|CVE-\d{4}-\d{4,}|OSV-\d{4}-\d+)["']?\s*(?:,\s*)?$/i;

/** A workflow line giving a scanner action's narrowing input, or an entry of its ignore list. */
function setsAScannerActionInput(text: string): boolean {
  return WORKFLOW_INPUT.test(text) || ADVISORY_ONLY.test(text);
}

function narrowsAScanner(text: string): boolean {
  if (ANY_LINE_OPTION.test(text)) return true;
  for (const command of text.split(COMMAND_SEPARATOR)) {
    // Most commands name no scanner: not split into words at all.
    if (!SCANNER_NAME.test(command) || INSTALL.test(command)) continue;
    const tokens = command.split(TOKEN_SEPARATOR);
    for (const { names, exact, other } of SCANNERS) {
      const at = tokens.findIndex((t) => runs(t, names));
      if (at >= 0 && tokens.slice(at + 1).some((t) => exact.has(t) || (other?.(t) ?? false))) return true;
    }
  }
  return false;
}

/** At most this many places are kept (all are counted). */
export const MAX_SUPPRESSIONS = 1000;

/** The places `files` (the change's) add a suppression, and how many in all. */
export function suppressionsAdded(files: readonly ChangedFile[]): { places: Suppression[]; total: number } {
  const places: Suppression[] = [];
  let total = 0;
  const add = (path: string, line: number, kind: SuppressionKind): void => {
    total++;
    if (places.length < MAX_SUPPRESSIONS) places.push({ path, line, kind });
  };
  for (const f of files) {
    if (f.status === 'deleted' || f.binary || f.symlink) continue;
    const name = basename(f.path);
    const python = PYTHON.test(name);
    const scanner = SCANNER_FILE.test(name);
    const shared = SHARED_FILES.has(name);
    const runsCommands = !DOCUMENT.test(name);
    const workflow = WORKFLOW_FILE.test(f.path);
    const before = total;
    for (const { line, text: raw } of f.addedLines) {
      const text = withoutNul(raw); // a UTF-16 file's markers too (the secret scan reads it so)
      const trimmed = text.trim();
      if (name === '.gitleaksignore') {
        if (trimmed !== '' && !trimmed.startsWith('#')) add(f.path, line, '.gitleaksignore');
        continue;
      }
      if (scanner) {
        if (trimmed !== '' && !trimmed.startsWith('#')) add(f.path, line, 'scanner settings');
        continue;
      }
      if (shared && SETTING_KEYS.test(text)) {
        add(f.path, line, 'scanner settings');
        continue;
      }
      if (GITLEAKS_ALLOW.test(text)) add(f.path, line, 'gitleaks:allow');
      else if (ALLOWLIST_SECRET.test(text)) add(f.path, line, 'allowlist secret');
      else if (python && NOSEC.test(text)) add(f.path, line, 'nosec');
      else if (runsCommands && (narrowsAScanner(text) || (workflow && setsAScannerActionInput(text)))) add(f.path, line, 'scanner option');
    }
    // Moved to a name the scanners read: every line is new to them, but git lists as added only
    // those the move changed (none for a plain rename), so the file itself is the place.
    if (f.status === 'renamed' && total === before && (scanner || name === '.gitleaksignore')) {
      add(f.path, 1, scanner ? 'scanner settings' : '.gitleaksignore');
    }
  }
  return { places, total };
}

/**
 * The notice for the result and the summary, or undefined when the change adds none. Paths are
 * quoted with JSON (they are the pull request's); the renderers escape notices as any text.
 */
export function suppressionsNotice(found: { places: Suppression[]; total: number }, complete: boolean): string | undefined {
  if (found.total === 0) return undefined;
  // `places` keeps the first MAX_SUPPRESSIONS; those left out are counted against the total.
  const shown = firstAndMore(found.places, 5, {
    show: (s) => `${JSON.stringify(s.path)} line ${s.line} (${s.kind})`,
    more: (k) => `and ${k} more (listed in the result file)`,
    total: found.total,
  });
  const what = found.total === 1 ? 'a suppression' : `${found.total} suppressions`;
  return (
    `This change adds ${what} that the scanners honour outside the waivers file: ${shown.join('; ')}. ` +
    `A finding one hides is in no report, so the gate cannot judge it: review each as you would a waiver.` +
    (complete ? '' : ' Not every added line could be read, so there may be more.')
  );
}
