/**
 * The ONLY place settings, their defaults and their validation live. Action inputs, CLI flags and
 * the policy file all go through `parseSettings`, so the three cannot drift apart.
 *
 * Inputs arrive as strings (an empty string means "not given"); the policy file may also give
 * lists and maps. Messages name the input, the value received and the form expected.
 */
import { z } from 'zod';
import { SEVERITIES, TOOL_IDS, type Severity, type ToolId } from '../reports/model.js';
import type { Action } from '../policy/result.js';

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
const actionMap = z.partialRecord(z.enum(SEVERITIES), z.enum(ACTIONS)).describe('severity -> block|warn|info');

/** Thresholds for one tool: `default` everywhere; `critical-path` / `changed` override per scope. */
const toolThresholdsShape = z
  .object({
    default: actionMap.optional(),
    'critical-path': actionMap.optional(),
    changed: actionMap.optional(),
    unchanged: actionMap.optional(),
  })
  .strict();
const toolThresholds = toolThresholdsShape.extend({ 'phase-1': toolThresholdsShape.optional() }).strict();
export type ToolThresholds = z.infer<typeof toolThresholds>;
export type ActionMap = Partial<Record<Severity, Action>>;

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
// The input unions are built once and shared by every field of their kind (zod schemas are immutable,
// and each one costs time to construct at every start-up).
const listInput = z.union([z.string(), z.array(z.string())]);
const boolInput = z.union([z.boolean(), z.string()]);
const textOrNumber = z.union([z.string(), z.number()]);
const optionalText = z.string().trim().optional();

const list = (name: string) =>
  listInput
    .transform((v) =>
      (Array.isArray(v) ? v : v.split(/[\n,]/))
        .map((s) => s.trim())
        .filter((s) => s !== '' && !s.startsWith('#')),
    )
    .describe(`${name}: a list (newline- or comma-separated)`);

const bool = (name: string) =>
  boolInput.transform((v, ctx) => {
    if (typeof v === 'boolean') return v;
    const s = v.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(s)) return true;
    if (['false', 'no', 'off', '0'].includes(s)) return false;
    ctx.addIssue({ code: 'custom', message: `${name}: got ${JSON.stringify(v)}; expected true or false` });
    return z.NEVER;
  });

const oneOf = <T extends string>(name: string, values: readonly T[]) =>
  textOrNumber.transform((v, ctx) => {
    const s = String(v).trim().toLowerCase();
    if ((values as readonly string[]).includes(s)) return s as T;
    ctx.addIssue({
      code: 'custom',
      message: `${name}: got ${JSON.stringify(v)}; expected one of ${values.join(', ')}`,
    });
    return z.NEVER;
  });

const intIn = (name: string, min: number, max: number) =>
  textOrNumber.transform((v, ctx) => {
    const s = String(v).trim();
    const n = Number(s);
    if (/^\d+$/.test(s) && n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', message: `${name}: got ${JSON.stringify(v)}; expected a whole number from ${min} to ${max}` });
    return z.NEVER;
  });

const date = (name: string) =>
  z.union([z.string(), z.date()]).transform((v, ctx) => {
    const s = v instanceof Date ? v.toISOString().slice(0, 10) : v.trim();
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    const d = m ? new Date(`${s}T00:00:00Z`) : undefined;
    if (m && d && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s) return s;
    ctx.addIssue({ code: 'custom', message: `${name}: got ${JSON.stringify(v)}; expected a date as YYYY-MM-DD` });
    return z.NEVER;
  });

/** A value as a message quotes it: JSON-quoted, cut after 80 characters. */
const given = (v: string): string => JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);

/** Text that must match `re`: the message quotes what was given and says what was expected. */
const textMatching = (name: string, re: RegExp, expected: string) =>
  z.string().transform((v, ctx) => {
    const s = v.trim();
    if (re.test(s)) return s;
    ctx.addIssue({ code: 'custom', message: `${name}: got ${given(v)}; expected ${expected}` });
    return z.NEVER;
  });

/** An absolute http(s) URL. */
const httpUrl = (name: string) =>
  z.string().transform((v, ctx) => {
    const s = v.trim();
    const u = URL.canParse(s) ? new URL(s) : undefined;
    if (u && (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '') return s;
    ctx.addIssue({ code: 'custom', message: `${name}: got ${given(v)}; expected an http(s) URL` });
    return z.NEVER;
  });

const toolList = (name: string) =>
  list(name).transform((tools, ctx) => {
    const bad = tools.filter((t) => !(TOOL_IDS as readonly string[]).includes(t));
    if (bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `${name}: unknown tool ${bad.map((b) => JSON.stringify(b)).join(', ')}; expected any of ${TOOL_IDS.join(', ')}` });
      return z.NEVER;
    }
    return tools as ToolId[];
  });

// ---------------------------------------------------------------------------------------------

/**
 * Every setting, with its default. Keys are the input names (kebab-case). Later features add
 * their settings here, and nowhere else.
 */
export const settingsSchema = z
  .object({
    'bandit-report': list('bandit-report').default([]),
    'pip-audit-report': list('pip-audit-report').default([]),
    'gitleaks-report': list('gitleaks-report').default([]),
    'deptry-report': list('deptry-report').default([]),
    'vulture-report': list('vulture-report').default([]),
    'mutmut-report': list('mutmut-report').default([]),
    phase: oneOf('phase', ['1', '2', 'auto'] as const).default('1'),
    'phase-2-from': date('phase-2-from').optional(),
    'phase-2-tools': toolList('phase-2-tools').default([]),
    // Every file with findings is matched against each pattern: bounded, as a policy file in the
    // pull request could list 8,000 of them (80k findings took minutes).
    'critical-paths': list('critical-paths')
      .refine((a) => a.length <= MAX_CRITICAL_PATHS, { message: `critical-paths: at most ${MAX_CRITICAL_PATHS} patterns` })
      .default(DEFAULT_CRITICAL_PATHS),
    'on-missing-report': oneOf('on-missing-report', ['error', 'warn', 'ignore'] as const).default('error'),
    'policy-file': optionalText,
    'fail-on-block': bool('fail-on-block').default(false),
    summary: bool('summary').default(true),
    'upload-artifact': bool('upload-artifact').default(true),
    'artifact-name': textMatching('artifact-name', /^[^"<>|*?\\/:\r\n]{1,200}$/, '1-200 characters without " : < > | * ? \\ / or newlines').default('security-gate-reports'),
    'retention-days': intIn('retention-days', 1, 90).optional(),
    'unknown-severity': oneOf('unknown-severity', ['critical', 'high', 'medium', 'low'] as const).default('high'),
    'output-dir': optionalText,
    // Severity of pip-audit findings (looked up: pip-audit's JSON has none).
    'severity-source': z
      .preprocess((v) => (typeof v === 'string' ? v.replace(/\s+/g, '') : v), oneOf('severity-source', ['github,osv', 'github', 'osv', 'off'] as const))
      .default('github,osv'),
    'github-token': optionalText,
    'osv-api-url': httpUrl('osv-api-url').default('https://api.osv.dev'),
    'severity-budget-seconds': intIn('severity-budget-seconds', 1, 600).default(30),
    // The rest of the lane.
    'vulture-min-confidence': intIn('vulture-min-confidence', 0, 100).optional(),
    'mutmut-min-score': intIn('mutmut-min-score', 0, 100).optional(),
    'redact-artifacts': bool('redact-artifacts').default(true),
    'base-ref': z.string().trim().regex(/^[^\s-][^\s]*$/, 'base-ref: expected a git ref or commit (no spaces, not starting with -)').optional(),
    'secret-scan': bool('secret-scan').default(true),
    'secret-scan-keywords': list('secret-scan-keywords').default(['api_key', 'secret', 'password', 'token']),
    // Where reviewers look.
    annotations: oneOf('annotations', ['blocking', 'all', 'none'] as const).default('all'),
    'annotations-via-checks': bool('annotations-via-checks').default(false),
    'scan-root': optionalText,
    'sarif-file': optionalText,
    'sarif-dependency-file': optionalText,
    comment: oneOf('comment', ['off', 'always', 'on-warn', 'on-block'] as const).default('off'),
    'comment-id': optionalText,
    // Waivers and the override label.
    'waivers-file': z.string().trim().default('docs/governance/security-waivers.md'),
    'security-approvers': list('security-approvers').default([]),
    'senior-approvers': list('senior-approvers').default([]),
    'verify-waiver-approvals': bool('verify-waiver-approvals').default(false),
    'waiver-expiry-warning-days': intIn('waiver-expiry-warning-days', 0, 365).default(7),
    'override-label': textMatching('override-label', /^[^\r\n]{1,50}$/, 'a label name of 1-50 characters').default('security-override'),
    'override-approvers': list('override-approvers').default([]),
    thresholds: z.partialRecord(z.enum(TOOL_IDS), toolThresholds).default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.phase === 'auto' && !s['phase-2-from']) {
      ctx.addIssue({ code: 'custom', path: ['phase-2-from'], message: 'phase-2-from: got none; phase "auto" needs the day phase 2 starts (YYYY-MM-DD)' });
    }
  });

export type Settings = z.output<typeof settingsSchema>;

/** Settings that are action inputs / CLI flags (everything but the policy-file-only ones). */
export const POLICY_FILE_ONLY_KEYS: readonly string[] = ['thresholds'];
export const INPUT_NAMES: readonly string[] = Object.keys(settingsSchema.shape).filter((k) => !POLICY_FILE_ONLY_KEYS.includes(k));
export type SettingKey = keyof z.input<typeof settingsSchema>;

/** Keys a policy file may not set (they belong to the workflow, not the policy). */
export const INPUT_ONLY_KEYS: readonly string[] = ['policy-file', 'github-token'];

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** Formats zod issues into one message per problem, naming the key (and a line, via `locate`). */
export function formatIssues(issues: z.core.$ZodIssue[], locate?: (path: PropertyKey[]) => string | undefined): string {
  return issues
    .map((i) => {
      const key = i.path.map(String).join('.');
      // An unknown key is placed at its own line, not its parent's.
      const first = i.code === 'unrecognized_keys' ? i.keys[0] : undefined;
      const where = locate?.(first !== undefined ? [...i.path, first] : i.path) ?? (first !== undefined ? locate?.(i.path) : undefined);
      let msg = i.message;
      if (i.code === 'unrecognized_keys') msg = `unknown setting ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`;
      else if (i.code === 'invalid_type' || i.code === 'invalid_union') msg = `${key || 'value'}: ${i.message}`;
      else if (key && !msg.startsWith(key.split('.')[0] ?? '')) msg = `${key}: ${msg}`;
      return where ? `${where}: ${msg}` : msg;
    })
    .join('\n');
}

/**
 * Parse settings from layers, later layers winning key by key: policy file values, then explicit
 * inputs/flags. An empty string means "not given" and never overrides.
 */
export function parseSettings(
  layers: Array<Record<string, unknown>>,
  locate?: (path: PropertyKey[]) => string | undefined,
): Settings {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined || v === '') continue;
      merged[k] = v;
    }
  }
  // Parsed once per run: zod's compiled fast path (new Function) costs more to build than it saves.
  const r = settingsSchema.safeParse(merged, { jitless: true });
  if (!r.success) throw new ConfigurationError(formatIssues(r.error.issues, locate));
  return r.data;
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
