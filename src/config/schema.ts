/**
 * The ONLY place settings, their defaults and their validation live. Action inputs, CLI flags and
 * the policy file all go through `parseSettings`, so the three cannot drift apart. One table
 * (FIELDS) owns each setting's name, parser and default, and the `Settings` type is inferred from
 * it, as a zod schema would own them (DESIGN.md, example 2) without zod's start-up cost (below).
 *
 * Inputs arrive as strings (an empty string means "not given"); the policy file may also give
 * lists and maps. Messages name the input, the value received and the form expected.
 */
import { SEVERITIES, TOOL_IDS, type Severity, type ToolId } from '../reports/model.js';
import type { Action } from '../policy/result.js';
import { clip } from '../util/escape.js';
import { firstAndMore } from '../util/lists.js';

/** Report inputs, one per tool that reads a file. */
export const REPORT_INPUTS = {
  bandit: 'bandit-report',
  'pip-audit': 'pip-audit-report',
  gitleaks: 'gitleaks-report',
  deptry: 'deptry-report',
  vulture: 'vulture-report',
  mutmut: 'mutmut-report',
} as const satisfies Partial<Record<ToolId, string>>;
export type ReportTool = keyof typeof REPORT_INPUTS;

export const MAX_CRITICAL_PATHS = 500;

/** Sensible critical-path defaults for common Python layouts (auth, crypto, data access). */
export const DEFAULT_CRITICAL_PATHS = [
  '**/auth/**',
  '**/authn/**',
  '**/authz/**',
  '**/*auth*.py',
  '**/login*.py',
  '**/security/**',
  '**/permissions/**',
  '**/permissions.py',
  '**/crypto/**',
  '**/*crypto*.py',
  '**/secrets/**',
  '**/session*.py',
  '**/tokens/**',
  '**/*token*.py',
  '**/db/**',
  '**/database/**',
  '**/models/**',
  '**/models.py',
  '**/repositories/**',
  '**/dao/**',
  '**/migrations/**',
  '**/sql/**',
];

const ACTIONS = ['block', 'warn', 'info'] as const;
export type ActionMap = Partial<Record<Severity, Action>>;
/** The scopes of a tool's thresholds: `default` everywhere; `critical-path` / `changed` / `unchanged` override per scope. */
const SCOPES = ['default', 'critical-path', 'changed', 'unchanged'] as const;
type Scope = (typeof SCOPES)[number];
type ScopeThresholds = Partial<Record<Scope, ActionMap>>;
/** Thresholds for one tool, with `phase-1` holding the same scopes for phase 1. */
export type ToolThresholds = ScopeThresholds & { 'phase-1'?: ScopeThresholds };

/** The team's Security Gate Policy as defaults. */
export const DEFAULT_THRESHOLDS: Record<ToolId, ToolThresholds> = {
  bandit: {
    default: { critical: 'warn', high: 'warn', medium: 'warn', low: 'info', info: 'info', unknown: 'info' },
    'critical-path': { critical: 'block', high: 'block' },
  },
  'pip-audit': {
    default: { critical: 'block', high: 'block', medium: 'warn', low: 'warn', info: 'warn', unknown: 'block' },
  },
  gitleaks: {
    default: { critical: 'block', high: 'block', medium: 'block', low: 'block', info: 'block', unknown: 'block' },
  },
  deptry: {
    default: { critical: 'info', high: 'info', medium: 'info', low: 'info', info: 'info', unknown: 'info' },
    changed: { critical: 'block', high: 'block', medium: 'block', low: 'block', info: 'block', unknown: 'block' },
  },
  vulture: {
    default: { critical: 'info', high: 'info', medium: 'info', low: 'info', info: 'info', unknown: 'info' },
    changed: { critical: 'block', high: 'block', medium: 'block', low: 'block', info: 'block', unknown: 'block' },
  },
  mutmut: {
    default: { critical: 'block', high: 'block', medium: 'warn', low: 'warn', info: 'info', unknown: 'warn' },
  },
  'secret-scan': {
    default: { critical: 'warn', high: 'warn', medium: 'warn', low: 'warn', info: 'warn', unknown: 'warn' },
  },
};

// ---------------------------------------------------------------------------------------------
// Field types. Each accepts the string an input gives, and (for the policy file) the native type.
// Hand-written, not a schema library: settings are parsed once per run, and building a zod schema
// of every setting at each start-up cost ~20 ms of a ~100 ms cold start (measured, 2026-12-06: a
// bundle of zod and the settings schema alone started in 51 ms against 31 ms for an empty one).
// zod stays where its shapes are many and its cost is paid only when used: waiver rows, the
// advisory APIs' answers and the promotion action's settings (lazy chunks in the gate and the CLI).

/** Problems named in one error; the rest are counted. */
const MAX_ISSUES = 20;

/** A problem with one setting: where it is (for `locate`) and what is wrong. */
interface Issue {
  path: PropertyKey[];
  message: string;
}

/** Thrown by a field's parser: the message names the setting, the value and the expected form. */
class Invalid extends Error {}

/** A value as a message quotes it: JSON-quoted, cut after 80 characters (never half a surrogate pair). */
const given = (v: string): string => JSON.stringify(clip(v, 81));

/** What a message says was given, for a value of the wrong type (a policy file's YAML included). */
export function shown(v: unknown): string {
  if (typeof v === 'string') return given(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (v instanceof Map) return 'an ordered map (!!omap)';
  if (v instanceof Set) return 'a set (!!set)';
  if (ArrayBuffer.isView(v)) return 'binary data (!!binary)';
  if (typeof v !== 'object') return typeof v;
  return isPlainObject(v) ? 'a mapping' : 'an object that is not a mapping';
}

const wrong = (name: string, v: unknown, expected: string): Invalid => new Invalid(`${name}: got ${shown(v)}; expected ${expected}`);

type Parse<T> = (v: unknown) => T;

const list =
  (name: string): Parse<string[]> =>
  (v) => {
    let items: unknown[];
    if (typeof v === 'string') items = v.split(/[\n,]/);
    else if (Array.isArray(v)) items = v;
    else throw wrong(name, v, 'a list (newline- or comma-separated)');
    const out: string[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item !== 'string') throw wrong(`${name}[${i}]`, item, 'text');
      const s = item.trim();
      if (s !== '' && !s.startsWith('#')) out.push(s);
    }
    return out;
  };

const bool =
  (name: string): Parse<boolean> =>
  (v) => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (['true', 'yes', 'on', '1'].includes(s)) return true;
      if (['false', 'no', 'off', '0'].includes(s)) return false;
    }
    throw wrong(name, v, 'true or false');
  };

const oneOf =
  <T extends string>(name: string, values: readonly T[]): Parse<T> =>
  (v) => {
    if (typeof v === 'string' || typeof v === 'number') {
      const s = String(v).trim().toLowerCase();
      if ((values as readonly string[]).includes(s)) return s as T;
    }
    throw wrong(name, v, `one of ${values.join(', ')}`);
  };

const intIn =
  (name: string, min: number, max: number): Parse<number> =>
  (v) => {
    if (typeof v === 'string' || typeof v === 'number') {
      const s = String(v).trim();
      const n = Number(s);
      if (/^\d+$/.test(s) && n >= min && n <= max) return n;
    }
    throw wrong(name, v, `a whole number from ${min} to ${max}`);
  };

const date =
  (name: string): Parse<string> =>
  (v) => {
    // A YAML timestamp (`!!timestamp`, or any under `%YAML 1.1`) is a Date: a date alone is that day
    // at 00:00 UTC. One with a time of day is refused, as the same text quoted is: taken as its UTC
    // day, `2026-12-23T00:30:00+14:00` started phase 2 on 2026-12-22.
    if (v instanceof Date && v.getTime() % 86_400_000 !== 0) throw wrong(name, v, 'a date as YYYY-MM-DD (a day, without a time)');
    if (typeof v === 'string' || (v instanceof Date && !Number.isNaN(v.getTime()))) {
      const s = v instanceof Date ? v.toISOString().slice(0, 10) : v.trim();
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
      const d = m ? new Date(`${s}T00:00:00Z`) : undefined;
      if (m && d && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s) return s;
    }
    throw wrong(name, v, 'a date as YYYY-MM-DD');
  };

const text =
  (name: string): Parse<string> =>
  (v) => {
    if (typeof v !== 'string') throw wrong(name, v, 'text');
    return v.trim();
  };

/** Text that must match `re`: the message quotes what was given and says what was expected. */
const textMatching =
  (name: string, re: RegExp, expected: string): Parse<string> =>
  (v) => {
    if (typeof v === 'string' && re.test(v.trim())) return v.trim();
    throw wrong(name, v, expected);
  };

/** An absolute http(s) URL. */
const httpUrl =
  (name: string): Parse<string> =>
  (v) => {
    if (typeof v === 'string') {
      const s = v.trim();
      const u = URL.canParse(s) ? new URL(s) : undefined;
      if (u && (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '') return s;
    }
    throw wrong(name, v, 'an http(s) URL');
  };

const toolList =
  (name: string): Parse<ToolId[]> =>
  (v) => {
    const tools = list(name)(v);
    const bad = tools.filter((t) => !(TOOL_IDS as readonly string[]).includes(t));
    if (bad.length > 0) throw new Invalid(`${name}: unknown tool ${bad.map((b) => given(b)).join(', ')}; expected any of ${TOOL_IDS.join(', ')}`);
    return tools as ToolId[];
  };

// Every file with findings is matched against each critical-path pattern: bounded, as a policy
// file in the pull request could list 8,000 of them (80k findings took minutes).
const criticalPaths: Parse<string[]> = (v) => {
  const paths = list('critical-paths')(v);
  if (paths.length > MAX_CRITICAL_PATHS) throw new Invalid(`critical-paths: at most ${MAX_CRITICAL_PATHS} patterns, got ${paths.length}`);
  return paths;
};

/**
 * Own keys of a plain mapping (a YAML mapping or a JSON object), or the message for anything else.
 * Only plain objects: YAML's `!!omap` and `!!set` give a Map or a Set, whose entries Object.keys
 * does not see (a policy's thresholds would be dropped without a word).
 */
function mappingKeys(name: string, v: unknown): string[] {
  if (!isPlainObject(v)) throw wrong(name, v, 'a mapping');
  return Object.keys(v);
}

/** An object whose prototype is Object.prototype or null (not an array, date, map or set). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The severities a threshold may name: `unknown` is judged as `unknown-severity` says. */
const THRESHOLD_SEVERITIES = SEVERITIES.filter((x) => x !== 'unknown');

/**
 * `thresholds`: tool -> scope -> severity -> action (policy file only). Each problem is its own
 * issue at its own path, so the message names the line of the policy file it is on. The values are
 * copied into fresh objects by known keys only (a `__proto__` key is an unknown key, not a prototype).
 */
function parseThresholds(v: unknown, issues: Issue[]): Partial<Record<ToolId, ToolThresholds>> | undefined {
  const before = issues.length;
  const fail = (path: string[], message: string): void => {
    issues.push({ path: ['thresholds', ...path], message });
  };
  /** The keys of the mapping at `path`, or undefined (the problem recorded) when it is not one. */
  const keysAt = (m: unknown, path: string[], name: string): string[] | undefined => {
    try {
      return mappingKeys(name, m);
    } catch (e) {
      fail(path, (e as Error).message);
      return undefined;
    }
  };
  const actionMap = (m: unknown, path: string[]): ActionMap | undefined => {
    const name = ['thresholds', ...path].join('.');
    const keys = keysAt(m, path, name);
    if (keys === undefined) return undefined;
    const out: ActionMap = {};
    for (const k of keys) {
      const a = (m as Record<string, unknown>)[k];
      if (!(SEVERITIES as readonly string[]).includes(k)) fail([...path, k], `${name}: unknown severity ${given(k)}; expected any of ${THRESHOLD_SEVERITIES.join(', ')}`);
      // A severity nobody could establish is judged as the severity `unknown-severity` names before
      // any threshold is read: an `unknown` key would be accepted and never used (a docs review).
      else if (k === 'unknown') fail([...path, k], `${name}.unknown: never used: a severity nobody could establish is judged as the one unknown-severity names (high by default); set unknown-severity instead`);
      else if (typeof a !== 'string' || !(ACTIONS as readonly string[]).includes(a)) fail([...path, k], `${name}.${k}: got ${shown(a)}; expected one of ${ACTIONS.join(', ')}`);
      else out[k as Severity] = a as Action;
    }
    return out;
  };
  const scopes = (m: unknown, path: string[], allowPhase1: boolean): ToolThresholds | undefined => {
    const name = ['thresholds', ...path].join('.');
    const keys = keysAt(m, path, name);
    if (keys === undefined) return undefined;
    const out: ToolThresholds = {};
    const allowed: readonly string[] = allowPhase1 ? [...SCOPES, 'phase-1'] : SCOPES;
    for (const k of keys) {
      const value = (m as Record<string, unknown>)[k];
      if (!allowed.includes(k)) fail([...path, k], `${name}: unknown scope ${given(k)}; expected any of ${allowed.join(', ')}`);
      else if (value === undefined) continue;
      else if (k === 'phase-1') out['phase-1'] = scopes(value, [...path, k], false);
      else out[k as Scope] = actionMap(value, [...path, k]);
    }
    return out;
  };
  const tools = keysAt(v, [], 'thresholds');
  if (tools === undefined) return undefined;
  const out: Partial<Record<ToolId, ToolThresholds>> = {};
  for (const tool of tools) {
    const value = (v as Record<string, unknown>)[tool];
    if (!(TOOL_IDS as readonly string[]).includes(tool)) fail([tool], `thresholds: unknown tool ${given(tool)}; expected any of ${TOOL_IDS.join(', ')}`);
    else if (value !== undefined) out[tool as ToolId] = scopes(value, [tool], true);
  }
  return issues.length === before ? out : undefined;
}

/** A setting: its parser and, when it has one, its default (a setting without one stays absent when not given). */
interface Field<T, HasDefault extends boolean> {
  parse: Parse<T>;
  default: HasDefault extends true ? () => T : undefined;
}

const withDefault = <T>(parse: Parse<T>, fallback: T): Field<T, true> => ({
  parse,
  // every run gets its own copy of a default list
  default: () => (Array.isArray(fallback) ? ([...fallback] as T) : fallback),
});
const optional = <T>(parse: Parse<T>): Field<T, false> => ({ parse, default: undefined });

/**
 * Every setting with its parser and default, in the order `parseSettings` returns them (and the
 * `Settings` type, inferred below). Later features add their settings here, and nowhere else.
 */
const FIELDS = {
  'bandit-report': withDefault(list('bandit-report'), []),
  'pip-audit-report': withDefault(list('pip-audit-report'), []),
  'gitleaks-report': withDefault(list('gitleaks-report'), []),
  'deptry-report': withDefault(list('deptry-report'), []),
  'vulture-report': withDefault(list('vulture-report'), []),
  'mutmut-report': withDefault(list('mutmut-report'), []),
  phase: withDefault(oneOf('phase', ['1', '2', 'auto'] as const), '1'),
  'phase-2-from': optional(date('phase-2-from')),
  'phase-2-tools': withDefault(toolList('phase-2-tools'), []),
  'critical-paths': withDefault(criticalPaths, DEFAULT_CRITICAL_PATHS),
  'on-missing-report': withDefault(oneOf('on-missing-report', ['error', 'warn', 'ignore'] as const), 'error'),
  'policy-file': optional(text('policy-file')),
  'fail-on-block': withDefault(bool('fail-on-block'), false),
  summary: withDefault(bool('summary'), true),
  'upload-artifact': withDefault(bool('upload-artifact'), true),
  'artifact-name': withDefault(textMatching('artifact-name', /^[^"<>|*?\\/:\r\n]{1,200}$/, '1-200 characters without " : < > | * ? \\ / or newlines'), 'security-gate-reports'),
  'retention-days': optional(intIn('retention-days', 1, 90)),
  'unknown-severity': withDefault(oneOf('unknown-severity', ['critical', 'high', 'medium', 'low'] as const), 'high'),
  'output-dir': optional(text('output-dir')),
  // Severity of pip-audit findings (looked up: pip-audit's JSON has none). `github, osv` = `github,osv`.
  'severity-source': withDefault((v) => oneOf('severity-source', ['github,osv', 'github', 'osv', 'off'] as const)(typeof v === 'string' ? v.replace(/\s+/g, '') : v), 'github,osv'),
  'github-token': optional(text('github-token')),
  'osv-api-url': withDefault(httpUrl('osv-api-url'), 'https://api.osv.dev'),
  'severity-budget-seconds': withDefault(intIn('severity-budget-seconds', 1, 600), 30),
  // The rest of the lane.
  'vulture-min-confidence': optional(intIn('vulture-min-confidence', 0, 100)),
  'mutmut-min-score': optional(intIn('mutmut-min-score', 0, 100)),
  'redact-artifacts': withDefault(bool('redact-artifacts'), true),
  'base-ref': optional(textMatching('base-ref', /^[^\s-][^\s]*$/, 'a git ref or commit (no spaces, not starting with -)')),
  'secret-scan': withDefault(bool('secret-scan'), true),
  'secret-scan-keywords': withDefault(list('secret-scan-keywords'), ['api_key', 'secret', 'password', 'token']),
  // Where reviewers look.
  annotations: withDefault(oneOf('annotations', ['blocking', 'all', 'none'] as const), 'all'),
  'annotations-via-checks': withDefault(bool('annotations-via-checks'), false),
  'scan-root': optional(text('scan-root')),
  'sarif-file': optional(text('sarif-file')),
  'sarif-dependency-file': optional(text('sarif-dependency-file')),
  comment: withDefault(oneOf('comment', ['off', 'always', 'on-warn', 'on-block'] as const), 'off'),
  'comment-id': optional(text('comment-id')),
  // Waivers and the override label.
  'waivers-file': withDefault(text('waivers-file'), 'docs/governance/security-waivers.md'),
  'security-approvers': withDefault(list('security-approvers'), []),
  'senior-approvers': withDefault(list('senior-approvers'), []),
  'verify-waiver-approvals': withDefault(bool('verify-waiver-approvals'), false),
  'waiver-expiry-warning-days': withDefault(intIn('waiver-expiry-warning-days', 0, 365), 7),
  'waiver-max-days': optional(intIn('waiver-max-days', 1, 3650)),
  'override-label': withDefault(textMatching('override-label', /^[^\r\n]{1,50}$/, 'a label name of 1-50 characters'), 'security-override'),
  'override-approvers': withDefault(list('override-approvers'), []),
} satisfies Record<string, Field<unknown, boolean>>;

type Fields = typeof FIELDS;
type ValueOf<F> = F extends Field<infer T, boolean> ? T : never;
type KeysWithDefault = { [K in keyof Fields]: Fields[K] extends Field<unknown, true> ? K : never }[keyof Fields];

/**
 * Every setting, as `parseSettings` returns them (types from FIELDS, as zod's `z.infer` would give).
 * Keys are the input names (kebab-case); `thresholds` is set by the policy file only.
 */
export type Settings = { [K in KeysWithDefault]: ValueOf<Fields[K]> } & { [K in Exclude<keyof Fields, KeysWithDefault>]?: ValueOf<Fields[K]> } & {
  thresholds: Partial<Record<ToolId, ToolThresholds>>;
};
export type SettingKey = keyof Settings;

/** Every setting key, `thresholds` last. */
export const SETTING_KEYS: readonly SettingKey[] = [...(Object.keys(FIELDS) as SettingKey[]), 'thresholds'];

/** Settings that are action inputs / CLI flags (everything but the policy-file-only ones). */
export const POLICY_FILE_ONLY_KEYS: readonly string[] = ['thresholds'];
export const INPUT_NAMES: readonly string[] = SETTING_KEYS.filter((k) => !POLICY_FILE_ONLY_KEYS.includes(k));

/** Keys a policy file may not set (they belong to the workflow, not the policy). */
export const INPUT_ONLY_KEYS: readonly string[] = ['policy-file', 'github-token'];

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/**
 * Parse settings from layers, later layers winning key by key: policy file values, then explicit
 * inputs/flags. An empty string means "not given" and never overrides.
 */
export function parseSettings(
  layers: Array<Record<string, unknown>>,
  locate?: (path: PropertyKey[]) => string | undefined,
): Settings {
  // No prototype: a `__proto__` key of a policy file is an unknown setting, not a prototype.
  const merged = Object.create(null) as Record<string, unknown>;
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined || v === '') continue;
      merged[k] = v;
    }
  }
  const issues: Issue[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(FIELDS) as Array<[string, Field<unknown, boolean>]>) {
    const v = merged[key];
    if (v === undefined) {
      if (f.default) out[key] = f.default();
      continue;
    }
    try {
      out[key] = f.parse(v);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      issues.push({ path: [key], message: e.message });
    }
  }
  out.thresholds = merged.thresholds === undefined ? {} : parseThresholds(merged.thresholds, issues);
  const known = new Set<string>(SETTING_KEYS);
  for (const key of Object.keys(merged)) {
    if (!known.has(key)) issues.push({ path: [key], message: `unknown setting ${given(key)}` });
  }
  if (out.phase === 'auto' && out['phase-2-from'] === undefined && merged['phase-2-from'] === undefined) {
    issues.push({ path: ['phase-2-from'], message: 'phase-2-from: got none; phase "auto" needs the day phase 2 starts (YYYY-MM-DD)' });
  }
  if (issues.length > 0) {
    // At most MAX_ISSUES problems are named (each looked up in the policy file): a file of 20,000
    // bad keys must not become a 1 MB error that takes seconds to place.
    const lines = firstAndMore(issues, MAX_ISSUES, {
      show: (i) => {
        const where = locate?.(i.path);
        return where ? `${where}: ${i.message}` : i.message;
      },
      more: (k) => `... and ${k} more problems`,
    });
    throw new ConfigurationError(lines.join('\n'));
  }
  return out as unknown as Settings;
}

/** Thresholds of one tool, the policy file's entries laid over the defaults. */
export function thresholdsFor(settings: Settings, tool: ToolId): ToolThresholds {
  const d = DEFAULT_THRESHOLDS[tool];
  const o = settings.thresholds[tool] ?? {};
  const mergeMaps = (a?: ActionMap, b?: ActionMap): ActionMap | undefined => (a || b ? { ...a, ...b } : undefined);
  return {
    default: mergeMaps(d.default, o.default),
    'critical-path': mergeMaps(d['critical-path'], o['critical-path']),
    changed: mergeMaps(d.changed, o.changed),
    unchanged: mergeMaps(d.unchanged, o.unchanged),
    'phase-1': o['phase-1'],
  };
}

/**
 * Whether a tool's thresholds have a `changed` or `unchanged` scope, phase 1's included: the
 * policy then needs the change under review to judge the tool's findings.
 */
export function usesChangeScopes(t: ToolThresholds): boolean {
  return [t, t['phase-1']].some((x) => x?.changed !== undefined || x?.unchanged !== undefined);
}
