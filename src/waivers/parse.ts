/**
 * The waivers file, pure: text in, `Waiver[]` out, or a `WaiverFileError` naming every bad line.
 * Never a partial result: one bad row and no waiver applies (a malformed file never silently waives).
 *
 * Two notations, same fields (see `docs/waivers.md`):
 * - Markdown (any file not ending in `.yml`/`.yaml`): every table whose header has a `tool` and a
 *   `match` column is a waivers table (several are allowed, e.g. one per tool); other tables, prose,
 *   tables inside code fences and inside HTML comments are ignored. Rows must start with `|`. A pipe
 *   inside a cell is written `\|`. Empty cells, `-` and `—` mean "not given".
 *   A fenced code block tagged `yaml`/`yml` whose text has a top-level `waivers:` key is read as YAML
 *   waivers too (line numbers are those of the Markdown file).
 * - YAML (`.yml`/`.yaml`): `waivers: [ {...}, ... ]` or a bare list.
 *
 * `match` is `key=value` pairs (values with spaces in double quotes or backticks); in YAML it may be
 * a mapping. Keys per tool:
 *   pip-audit   id=<vulnerability id or any alias> [package=<name>]   (a bare id is accepted too)
 *   bandit      test=<B###> path=<glob> [line=<n>]
 *   gitleaks    rule=<rule id> and path=<glob> and/or fingerprint=<gitleaks fingerprint> [line=<n>]
 *   deptry      code=<DEP###> module=<module>
 *   vulture     name=<name> path=<glob>
 *   secret-scan file=<path> line=<n> [rule=<rule id>]
 */
import type { Node as YamlNode, Pair } from 'yaml';
import type * as Zod from 'zod';
import { lazyModule } from '../util/lazy.js';
import { repeatedKey, yaml } from '../util/yaml.js';
import {
  LOGIN_RE,
  REASON_CATEGORIES,
  TEAM_RE,
  WAIVER_TOOLS,
  WaiverFileError,
  type ReasonCategory,
  type Waiver,
  type WaiverFileProblem,
  type WaiverMatchSpec,
  type WaiverTool,
} from './types.js';
import { pushAll } from '../util/lists.js';
import { shownText } from '../util/hidden-html.js';

/** Canonical field names and the header / key spellings accepted for each. */
const FIELD_ALIASES: Record<string, string[]> = {
  id: ['id', 'waiver', 'waiverid'],
  tool: ['tool'],
  match: ['match', 'matches', 'finding'],
  reason: ['reason', 'reasoncategory', 'category'],
  rationale: ['rationale', 'justification'],
  owner: ['owner'],
  approvers: ['approvers', 'approvedby'],
  approved: ['approved', 'approvaldate', 'approvedon'],
  expires: ['expires', 'expiry', 'expiration', 'expireson', 'expirydate'],
  mitigation: ['mitigation', 'mitigations'],
  tracking: ['tracking', 'trackinglink', 'tracker', 'issue', 'ticket'],
  verified: ['verified', 'verifiednotsecret', 'verifiednotasecret', 'secretverified'],
};
const FIELD_BY_ALIAS = new Map<string, string>(Object.entries(FIELD_ALIASES).flatMap(([f, as]) => as.map((a) => [a, f] as [string, string])));
const REQUIRED_COLUMNS = ['tool', 'match', 'reason', 'rationale', 'owner', 'approvers', 'approved', 'expires'];

function fieldName(raw: string): string | undefined {
  const k = raw.toLowerCase().replace(/[^a-z0-9]/g, '');
  return FIELD_BY_ALIAS.get(k);
}

const TOOL_ALIASES: Record<string, WaiverTool> = {
  bandit: 'bandit',
  pipaudit: 'pip-audit',
  gitleaks: 'gitleaks',
  deptry: 'deptry',
  vulture: 'vulture',
  secretscan: 'secret-scan',
};

const REASON_ALIASES: Record<string, ReasonCategory> = {
  falsepositive: 'false-positive',
  confirmedfalsepositive: 'false-positive',
  fp: 'false-positive',
  notexploitable: 'not-exploitable',
  notexploitablehere: 'not-exploitable',
  breakingchange: 'breaking-change',
  fixneedsabreakingchange: 'breaking-change',
  fixneedsbreakingchange: 'breaking-change',
  fixrequiresabreakingchange: 'breaking-change',
  updateblocked: 'update-blocked',
  dependencyupdateblocked: 'update-blocked',
};

// ---------------------------------------------------------------------------------------------
// Field validation (zod): every field reads the string a table cell gives and YAML's scalars.
// zod is loaded only when a waivers file is read (`loadWaiverValidation`, its own chunk in the
// bundles): most runs have none, and compiling and starting zod cost ~20 ms of every cold start.

const zodModule = lazyModule<typeof Zod>('zod', () => import('zod'));

/** Loads the validation library once, before `parseWaivers` (the bundles must; later calls are free). */
export const loadWaiverValidation = (): Promise<void> => zodModule.load();

// Built on first use (most runs have no waivers file, and zod schemas are costly to construct),
// from the zod namespace the lazy chunk gave.
function buildRowSchema(z: typeof Zod.z) {
  const text = (name: string) =>
    z.union([z.string(), z.number()], { error: `${name}: expected text` }).transform((v) => String(v).trim());

  const requiredText = (name: string) =>
    text(name).refine((s) => s !== '', { message: `${name}: required` });

  const dateField = (name: string) =>
    z.union([z.string(), z.date()], { error: `${name}: expected a date as YYYY-MM-DD` }).transform((v, ctx) => {
      const s = v instanceof Date ? v.toISOString().slice(0, 10) : v.trim();
      const m = /^\d{4}-\d{2}-\d{2}$/.test(s);
      const d = m ? new Date(`${s}T00:00:00Z`) : undefined;
      if (d && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s) return s;
      ctx.addIssue({ code: 'custom', message: `${name}: got ${JSON.stringify(s)}; expected a date as YYYY-MM-DD` });
      return z.NEVER;
    });

  const toolField = () =>
    text('tool').transform((v, ctx) => {
      const t = TOOL_ALIASES[v.toLowerCase().replace(/[^a-z0-9]/g, '')];
      if (t) return t;
      ctx.addIssue({ code: 'custom', message: `tool: unknown tool ${JSON.stringify(v)}; expected one of ${WAIVER_TOOLS.join(', ')}` });
      return z.NEVER;
    });

  const reasonField = () =>
    text('reason').transform((v, ctx) => {
      const r = REASON_ALIASES[v.toLowerCase().replace(/[^a-z0-9]/g, '')];
      if (r) return r;
      ctx.addIssue({
        code: 'custom',
        message: `reason: unknown reason category ${JSON.stringify(v)}; expected one of ${REASON_CATEGORIES.join(', ')} (confirmed false positive, not exploitable here, fix needs a breaking change, dependency update blocked)`,
      });
      return z.NEVER;
    });

  const approversField = () =>
    z
      .union([z.string(), z.array(z.union([z.string(), z.number()]))], { error: 'approvers: expected a list of GitHub logins' })
      .transform((v, ctx) => {
        const items = (Array.isArray(v) ? v.map(String) : v.split(/[\s,;]+/)).map((s) => s.trim().replace(/^@/, '')).filter((s) => s !== '');
        const out: string[] = [];
        const seen = new Set<string>();
        for (const a of items) {
          if (TEAM_RE.test(a)) {
            ctx.addIssue({ code: 'custom', message: `approvers: @${a} is a team; approvals are given by people (list their logins)` });
          } else if (/\[bot\]$/i.test(a)) {
            ctx.addIssue({ code: 'custom', message: `approvers: @${a} is a bot; approvals are given by people (list their logins)` });
          } else if (!LOGIN_RE.test(a)) {
            ctx.addIssue({ code: 'custom', message: `approvers: ${JSON.stringify(a.length > 60 ? `${a.slice(0, 60)}…` : a)} is not a GitHub login` });
          } else if (!seen.has(a.toLowerCase())) {
            seen.add(a.toLowerCase());
            out.push(a);
          }
        }
        return out;
      });

  const boolField = () =>
    z.union([z.boolean(), z.string()], { error: 'verified: expected yes or no' }).transform((v, ctx) => {
      if (typeof v === 'boolean') return v;
      const s = v.trim().toLowerCase();
      if (['yes', 'true', 'y', '✓', '✅', 'verified'].includes(s)) return true;
      if (['no', 'false', 'n', ''].includes(s)) return false;
      ctx.addIssue({ code: 'custom', message: `verified: got ${JSON.stringify(v)}; expected yes or no` });
      return z.NEVER;
    });

  return z.strictObject({
    id: text('id')
      .refine((s) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(s), { message: 'id: expected letters, digits, `.`, `_`, `-` (at most 64)' })
      .optional(),
    tool: toolField(),
    match: z.union([z.string(), z.number(), z.record(z.string(), z.unknown())], { error: 'match: expected key=value pairs or a mapping' }),
    reason: reasonField(),
    rationale: requiredText('rationale'),
    owner: requiredText('owner'),
    approvers: approversField().default([]),
    approved: dateField('approved').optional(),
    expires: dateField('expires'),
    mitigation: text('mitigation').optional(),
    tracking: text('tracking').optional(),
    verified: boolField().optional(),
  });
}

let builtRowSchema: ReturnType<typeof buildRowSchema> | undefined;
function rowSchema(): ReturnType<typeof buildRowSchema> {
  builtRowSchema ??= buildRowSchema(zodModule.get().z);
  return builtRowSchema;
}

// ---------------------------------------------------------------------------------------------
// Match

type Fields = Record<string, string>;

const MATCH_KEYS: Record<WaiverTool, { keys: Record<string, string[]>; example: string }> = {
  'pip-audit': { keys: { id: ['id', 'vuln', 'vulnerability', 'alias'], package: ['package', 'pkg', 'name'] }, example: 'id=GHSA-xxxx-xxxx-xxxx package=urllib3' },
  bandit: { keys: { test: ['test', 'testid', 'id', 'rule'], path: ['path', 'file', 'glob'], line: ['line'] }, example: 'test=B602 path=src/tools/**/*.py line=42' },
  gitleaks: { keys: { rule: ['rule', 'ruleid', 'id'], path: ['path', 'file', 'glob'], fingerprint: ['fingerprint', 'fp'], line: ['line'] }, example: 'rule=generic-api-key path=tests/fixtures/**' },
  deptry: { keys: { code: ['code', 'rule', 'id'], module: ['module', 'package'] }, example: 'code=DEP002 module=requests' },
  vulture: { keys: { name: ['name'], path: ['path', 'file', 'glob'] }, example: 'name=unused_helper path=src/app/util.py' },
  'secret-scan': { keys: { file: ['file', 'path'], line: ['line'], rule: ['rule', 'ruleid'] }, example: 'file=config/settings.py line=12' },
};

const TOKEN = /\s*([A-Za-z][A-Za-z_-]*)\s*=\s*(?:"([^"]*)"|`([^`]*)`|([^\s,;"`]+))\s*[,;]?/y;

/** `key=value ...` into a map; throws a message on anything else. */
function readMatchText(s: string, tool: WaiverTool): Fields {
  const out: Fields = {};
  const trimmed = s.trim();
  if (tool === 'pip-audit' && /^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(trimmed)) return { id: trimmed };
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < trimmed.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(trimmed);
    if (!m) throw new Error(`cannot read ${JSON.stringify(trimmed.slice(pos, pos + 40))}; expected key=value pairs such as \`${MATCH_KEYS[tool].example}\``);
    const key = (m[1] as string).toLowerCase();
    if (Object.hasOwn(out, key)) throw new Error(`${key} given twice`);
    out[key] = m[2] ?? m[3] ?? m[4] ?? '';
    pos = TOKEN.lastIndex;
  }
  if (Object.keys(out).length === 0) throw new Error(`empty; expected key=value pairs such as \`${MATCH_KEYS[tool].example}\``);
  return out;
}

function normPath(p: string, key: string): string {
  let s = p.trim().replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  if (s === '') throw new Error(`${key} is empty`);
  if (s.startsWith('/')) throw new Error(`${key} ${JSON.stringify(p)} must be relative to the repository root`);
  if (s.split('/').includes('..')) throw new Error(`${key} ${JSON.stringify(p)} must not contain ..`);
  // A leading `!` negates the whole glob (picomatch): `path=!tests/x.py` waived every file but that
  // one (a waivers review). No waiver names what it does not cover.
  if (s.startsWith('!')) throw new Error(`${key} ${JSON.stringify(p)} starts with "!", which would match every file but these; name the files the waiver covers`);
  return s;
}

function lineNo(v: string, key: string): number {
  if (!/^\d{1,9}$/.test(v.trim()) || Number(v) < 1) throw new Error(`${key}: got ${JSON.stringify(v)}; expected a line number (1 or more)`);
  return Number(v);
}

/** Builds the per-tool match from raw fields; throws a message naming the key. */
export function buildMatch(tool: WaiverTool, raw: Fields): { match: WaiverMatchSpec; text: string } {
  const spec = MATCH_KEYS[tool];
  const f: Fields = {};
  for (const [k, v] of Object.entries(raw)) {
    const canon = Object.entries(spec.keys).find(([, as]) => as.includes(k.toLowerCase()))?.[0];
    if (!canon) throw new Error(`unknown key ${JSON.stringify(k)} for ${tool}; expected ${Object.keys(spec.keys).join(', ')} (e.g. \`${spec.example}\`)`);
    if (Object.hasOwn(f, canon)) throw new Error(`${canon} given twice`);
    f[canon] = String(v).trim();
  }
  const need = (k: string): string => {
    const v = f[k];
    if (v === undefined || v === '') throw new Error(`${tool} needs ${k}= (e.g. \`${spec.example}\`)`);
    return v;
  };
  let match: WaiverMatchSpec;
  switch (tool) {
    case 'pip-audit': {
      const id = need('id');
      if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{1,99}$/.test(id)) throw new Error(`id ${JSON.stringify(id)} is not a vulnerability id`);
      match = { tool, id };
      if (f.package) match.package = f.package.toLowerCase().replace(/[-_.]+/g, '-');
      break;
    }
    case 'bandit': {
      const test = need('test').toUpperCase();
      if (!/^B\d{3}$/.test(test)) throw new Error(`test ${JSON.stringify(f.test)} is not a Bandit test id (B101 … B703)`);
      match = { tool, test, path: normPath(need('path'), 'path') };
      if (f.line !== undefined) match.line = lineNo(f.line, 'line');
      break;
    }
    case 'gitleaks': {
      const rule = need('rule');
      if (f.path === undefined && f.fingerprint === undefined) throw new Error(`gitleaks needs path= or fingerprint= besides rule= (e.g. \`${spec.example}\`)`);
      match = { tool, rule };
      if (f.path !== undefined) match.path = normPath(f.path, 'path');
      if (f.fingerprint !== undefined) {
        if (f.fingerprint === '') throw new Error('fingerprint is empty');
        match.fingerprint = f.fingerprint;
      }
      if (f.line !== undefined) match.line = lineNo(f.line, 'line');
      break;
    }
    case 'deptry': {
      const code = need('code').toUpperCase();
      if (!/^DEP\d{3}$/.test(code)) throw new Error(`code ${JSON.stringify(f.code)} is not a deptry code (DEP001 … DEP005)`);
      match = { tool, code, module: need('module') };
      break;
    }
    case 'vulture':
      match = { tool, name: need('name'), path: normPath(need('path'), 'path') };
      break;
    case 'secret-scan':
      match = { tool, file: normPath(need('file'), 'file'), line: lineNo(need('line'), 'line') };
      if (f.rule) match.rule = f.rule;
      break;
  }
  return { match, text: matchText(match) };
}

/** The canonical `key=value` form of a match (values with spaces quoted). */
export function matchText(m: WaiverMatchSpec): string {
  const q = (v: string | number) => (/[\s,;"`]/.test(String(v)) ? `"${String(v).replace(/"/g, "'")}"` : String(v));
  return Object.entries(m)
    .filter(([k, v]) => k !== 'tool' && v !== undefined)
    .map(([k, v]) => `${k}=${q(v as string | number)}`)
    .join(' ');
}

// ---------------------------------------------------------------------------------------------
// Rows -> waivers (shared by both notations)

interface RawRow {
  line: number;
  endLine: number;
  values: Record<string, unknown>;
  /** Line of each field, for messages (YAML); the row line otherwise. */
  lines: Record<string, number>;
}

export const MAX_WAIVERS = 2_000;
/**
 * MAX_WAIVERS of a few hundred bytes each fit; a bigger file is refused before it is read and
 * parsed (a 27 MB YAML file took 18 s and 1.7 GB to be refused after parsing).
 */
export const MAX_WAIVERS_FILE_BYTES = 4 * 1024 * 1024;

function buildWaivers(rows: RawRow[], file: string, problems: WaiverFileProblem[]): Waiver[] {
  const out: Waiver[] = [];
  const ids = new Map<string, number>();
  for (const row of rows) {
    const r = rowSchema().safeParse(row.values);
    const at = (k: PropertyKey | undefined) => (k !== undefined ? row.lines[String(k)] : undefined) ?? row.line;
    if (!r.success) {
      for (const i of r.error.issues) {
        const key = i.path[0];
        let message = i.message;
        if (i.code === 'unrecognized_keys') message = `unknown field ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`;
        else if (key !== undefined && row.values[String(key)] === undefined) message = `${String(key)}: required`;
        else if (key !== undefined && !message.startsWith(String(key))) message = `${String(key)}: ${message}`;
        problems.push({ line: at(key), message });
      }
      continue;
    }
    const v = r.data;
    let built: { match: WaiverMatchSpec; text: string };
    try {
      const raw = typeof v.match === 'object' ? Object.fromEntries(Object.entries(v.match).map(([k, x]) => [k, scalarString(x, k)])) : readMatchText(String(v.match), v.tool);
      built = buildMatch(v.tool, raw);
    } catch (e) {
      problems.push({ line: at('match'), message: `match: ${(e as Error).message}` });
      continue;
    }
    if (v.approved && v.approved > v.expires) {
      problems.push({ line: at('expires'), message: `expires: ${v.expires} is before the approval date ${v.approved}` });
      continue;
    }
    const id = v.id ?? `L${row.line}`;
    const seen = ids.get(id.toLowerCase());
    if (seen !== undefined) {
      problems.push({ line: at('id'), message: `id: ${JSON.stringify(id)} is already used on line ${seen}` });
      continue;
    }
    ids.set(id.toLowerCase(), row.line);
    const w: Waiver = {
      id,
      tool: v.tool,
      match: built.match,
      matchText: built.text,
      reasonCategory: v.reason,
      rationale: v.rationale,
      owner: v.owner,
      approvers: v.approvers,
      expires: v.expires,
      source: { file, line: row.line, endLine: row.endLine },
    };
    if (v.approved) w.approved = v.approved;
    if (v.mitigation) w.mitigation = v.mitigation;
    if (v.tracking) w.tracking = v.tracking;
    if (v.verified !== undefined) w.verifiedNotSecret = v.verified;
    out.push(w);
  }
  return out;
}

function scalarString(x: unknown, k: string): string {
  if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return String(x);
  throw new Error(`${k}: expected a single value`);
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** Splits a table row into cells: `\|` is a literal pipe; one leading and one trailing pipe are borders. */
export function splitRow(line: string): string[] {
  const s = line.trim();
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && s[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (c === '|') {
      cells.push(cur);
      cur = '';
    } else cur += c;
  }
  cells.push(cur);
  if (s.startsWith('|')) cells.shift();
  if (s.endsWith('|') && !s.endsWith('\\|')) cells.pop();
  return cells.map((c) => c.trim());
}

const DELIMITER = /^\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?$/;
// No `.*$` after the info string: `.` stops at U+2028, so a long line holding one backtracked
// quadratically (the rest of the line was never used).
const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;

function cellValue(c: string): string | undefined {
  let s = c.trim();
  // A code span (`x`, ``x``): the same number of backticks around text without one. Matched as
  // three runs, not with a backreference, which backtracked quadratically on a long hostile cell.
  const m = /^(`+)([^`]+)(`+)$/.exec(s);
  if (m && m[1]!.length === m[3]!.length) s = m[2]!.trim();
  if (s === '' || s === '-' || s === '—' || s === '–' || /^n\/?a$/i.test(s)) return undefined;
  return s;
}

function parseMarkdown(text: string, file: string, problems: WaiverFileProblem[]): RawRow[] {
  const lines = text.split(/\r\n|\r|\n/);
  const rows: RawRow[] = [];
  let fence: { marker: string; lang: string; start: number; body: string[] } | undefined;
  /** The closer of an HTML comment (or bogus comment) still open: its lines are not shown on GitHub. */
  let hidden: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const no = i + 1;
    if (fence) {
      // Only spaces and tabs may follow a closing fence (CommonMark): with `\s*`, a line of
      // backticks and U+00A0 (or U+3000, a form feed…) closed the fence here while GitHub shows the
      // table after it as code, and its rows waived findings.
      const close = new RegExp(`^ {0,3}${fence.marker[0] === '`' ? '`' : '~'}{${fence.marker.length},}[ \\t]*$`);
      if (close.test(line)) {
        if ((fence.lang === 'yaml' || fence.lang === 'yml') && /^waivers\s*:/m.test(fence.body.join('\n'))) {
          pushAll(rows, parseYamlRows(fence.body.join('\n'), file, fence.start, problems));
        }
        fence = undefined;
      } else fence.body.push(line);
      continue;
    }
    // Every opener of the line counts, not only the first (`<!-- note --> <!--` leaves one open that
    // hides the next lines on GitHub; their rows were read), and so do bogus comments (`<?`, `<!X`).
    if (hidden !== undefined) {
      hidden = shownText(line, hidden).closer;
      continue;
    }
    const fm = FENCE.exec(line);
    if (fm) {
      fence = { marker: fm[1] as string, lang: (fm[2] ?? '').toLowerCase(), start: no, body: [] };
      continue;
    }
    if (/^\s*<!--/.test(line)) {
      hidden = shownText(line, undefined).closer;
      continue;
    }
    if (!/^ {0,3}\|/.test(line)) continue;
    // A table: header, delimiter, rows (until a line that does not start with a pipe).
    const header = splitRow(line);
    const fields = header.map((h) => fieldName(h.replace(/[*_`]/g, '')));
    const isWaiverTable = fields.includes('tool') && fields.includes('match');
    const start = i;
    let j = i + 1;
    while (j < lines.length && /^ {0,3}\|/.test(lines[j] as string)) j++;
    const block = lines.slice(i, j);
    i = j - 1;
    if (!isWaiverTable) continue;
    if (block.length < 2 || !DELIMITER.test((block[1] as string).trim())) {
      problems.push({ line: no, message: 'a waivers table header must be followed by a delimiter row (| --- | --- |)' });
      continue;
    }
    let bad = false;
    // A set, not indexOf per column: a hostile header of 100k+ columns took minutes.
    const seenFields = new Set<string>();
    header.forEach((h, k) => {
      const f = fields[k];
      if (f === undefined) {
        problems.push({ line: no, message: `unknown column ${JSON.stringify(h)}; expected ${Object.keys(FIELD_ALIASES).join(', ')}` });
        bad = true;
      } else if (seenFields.has(f)) {
        problems.push({ line: no, message: `column ${JSON.stringify(h)} appears twice` });
        bad = true;
      } else seenFields.add(f);
    });
    const missing = REQUIRED_COLUMNS.filter((c) => !fields.includes(c));
    if (missing.length > 0) {
      problems.push({ line: no, message: `the waivers table lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` });
      bad = true;
    }
    const delimCells = splitRow(block[1] as string).length;
    if (delimCells !== header.length) problems.push({ line: no + 1, message: `the delimiter row has ${delimCells} cells; the header has ${header.length}` });
    if (bad) continue;
    for (let k = 2; k < block.length; k++) {
      const rowNo = start + k + 1;
      const cells = splitRow(block[k] as string);
      if (cells.every((c) => c === '')) continue;
      if (cells.length !== header.length) {
        problems.push({ line: rowNo, message: `${cells.length} cells; the header has ${header.length} (write a pipe inside a cell as \\|)` });
        continue;
      }
      const values: Record<string, unknown> = {};
      cells.forEach((c, n) => {
        const v = cellValue(c);
        if (v !== undefined) values[fields[n] as string] = v;
      });
      rows.push({ line: rowNo, endLine: rowNo, values, lines: {} });
    }
  }
  if (fence) problems.push({ line: fence.start, message: 'code fence is never closed' });
  return rows;
}

// ---------------------------------------------------------------------------------------------
// YAML

function parseYamlRows(text: string, file: string, lineOffset: number, problems: WaiverFileProblem[]): RawRow[] {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml();
  const lc = new LineCounter();
  // Repeated keys are found by repeatedKey: yaml's own check is quadratic in a mapping's keys.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: false });
  const lineAt = (offset: number | undefined) => lineOffset + (offset !== undefined ? lc.linePos(offset).line : 1);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push({ line: lineAt(e.pos[0]), message: `YAML: ${e.message.split('\n')[0] ?? e.message}` });
    return [];
  }
  const repeated = repeatedKey(doc);
  if (repeated) {
    problems.push({ line: lineAt(repeated.range?.[0]), message: 'YAML: Map keys must be unique' });
    return [];
  }
  let list: YamlNode | null | undefined = doc.contents as YamlNode | null;
  if (isMap(list)) {
    const keys = list.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '?'));
    const other = keys.filter((k) => k !== 'waivers');
    if (other.length > 0) problems.push({ line: lineAt(list.range?.[0]), message: `unknown top-level key ${other.map((k) => JSON.stringify(k)).join(', ')}; expected waivers` });
    list = list.get('waivers', true) as YamlNode | undefined;
    if (list === undefined || (isScalar(list) && list.value === null)) return [];
  }
  if (list === null || list === undefined) return [];
  if (!isSeq(list)) {
    problems.push({ line: lineAt(list.range?.[0]), message: 'waivers: expected a list of waivers' });
    return [];
  }
  const rows: RawRow[] = [];
  for (const item of list.items) {
    const node = item as YamlNode;
    const line = lineAt(node.range?.[0]);
    if (!isMap(node)) {
      problems.push({ line, message: 'each waiver must be a mapping of fields (tool, match, reason, …)' });
      continue;
    }
    const values: Record<string, unknown> = {};
    const lines: Record<string, number> = {};
    for (const pair of node.items as Array<Pair<unknown, unknown>>) {
      const keyNode = pair.key as YamlNode;
      const k = isScalar(keyNode) ? String(keyNode.value) : '';
      const at = lineAt(keyNode?.range?.[0]);
      const f = fieldName(k);
      if (!f) {
        problems.push({ line: at, message: `unknown field ${JSON.stringify(k)}; expected ${Object.keys(FIELD_ALIASES).join(', ')}` });
        continue;
      }
      if (Object.hasOwn(values, f)) {
        problems.push({ line: at, message: `field ${f} given twice` });
        continue;
      }
      const vNode = pair.value as YamlNode | null;
      const js: unknown = vNode && typeof (vNode as { toJSON?: unknown }).toJSON === 'function' ? (vNode as { toJSON: () => unknown }).toJSON() : vNode;
      if (js === null || js === undefined || js === '') continue;
      values[f] = js;
      lines[f] = at;
    }
    rows.push({ line, endLine: lineAt(node.range?.[1]), values, lines });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------

/** True for a file read as YAML. */
export function isYamlFile(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

/**
 * True when parsing may need the `yaml` package (a YAML file, or Markdown that could hold a `yaml`
 * fence): the caller loads it first with `loadYaml()` (src/util/yaml.ts). A cheap superset test.
 */
export function needsYaml(text: string, file: string): boolean {
  return isYamlFile(file) || /ya?ml/i.test(text);
}

/**
 * Parses a waivers file. Throws `WaiverFileError` listing every problem with its line; returns the
 * waivers in file order otherwise. An empty file (or one without a waivers table) gives `[]`.
 */
export function parseWaivers(text: string, file: string): Waiver[] {
  const problems: WaiverFileProblem[] = [];
  const content = text.startsWith('\uFEFF') ? text.slice(1) : text;
  // A carriage return alone ends a line for Markdown and YAML but not for git, whose diff says which
  // rows a pull request adds: a row hidden after one (`W-2 ...\rW-3 ...`) was one added line to git
  // and two rows here, and only the first was verified (a review). Refused: the file waives nothing.
  const lone = /\r(?!\n)/.exec(content);
  if (lone) {
    const line = content.slice(0, lone.index).split('\n').length;
    throw new WaiverFileError(file, [{ line, message: 'a carriage return not followed by a line feed: git and the gate would read the lines differently (use LF or CRLF line ends)' }]);
  }
  const rows = isYamlFile(file) ? parseYamlRows(content, file, 0, problems) : parseMarkdown(content, file, problems);
  // Every finding is checked against the waivers of its rule: bounded, so a pull request cannot
  // make the gate crawl with a generated file. Over the limit the file waives nothing (fail closed).
  if (rows.length > MAX_WAIVERS) {
    throw new WaiverFileError(file, [{ line: rows[MAX_WAIVERS]!.line, message: `the file lists ${rows.length} waivers; at most ${MAX_WAIVERS} are read` }]);
  }
  const waivers = buildWaivers(rows, file, problems);
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line);
    throw new WaiverFileError(file, problems);
  }
  return waivers;
}
