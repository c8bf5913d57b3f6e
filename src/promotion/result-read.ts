/**
 * Reads a gate result file (`GateResult`, schemaVersion 1) from an old artifact, defensively: the
 * file may come from an older or broken gate. Only the fields promotion needs are kept (compact),
 * unknown fields are ignored (the schema grows by adding fields), and anything malformed comes back
 * as one precise message (`$.tools[2].counts.block: expected a number`) so that run counts as
 * "no data", never as a pass. Pure: text in, data or reason out.
 */
import { z } from 'zod';
import { SEVERITIES, TOOL_IDS, type Severity, type ToolId } from '../reports/model.js';
import type { Disposition, DispositionCounts, SeverityCounts, ToolStatus } from '../policy/result.js';
import { clip } from '../util/escape.js';
import { firstAndMore } from '../util/lists.js';
import { isRepoPath } from '../util/paths.js';

export interface CompactWaiver {
  id: string;
  owner?: string;
  expires?: string;
  reasonCategory?: string;
}

export interface CompactFinding {
  fingerprint: string;
  disposition: Disposition;
  /** After unknown-severity (a Bandit severity Bandit does not define counts as high by default). */
  effectiveSeverity?: Severity;
  inChange?: boolean;
  /**
   * The gate could not place it in the repository (no path, or one it left as written: outside
   * the repository). With the change known, the gate counted it as in the change (fail closed) and
   * recorded no `inChange`: so does promotion.
   */
  unplaced?: true;
  waiver?: CompactWaiver;
}

export interface RunToolData {
  tool: ToolId;
  status: ToolStatus;
  messages: string[];
  severity: SeverityCounts;
  counts: DispositionCounts;
  findings: CompactFinding[];
  /**
   * Files (or, for the secret scan, added lines) the tool could not scan (the gate's `scanErrors`):
   * what they hold is unknown, so the run cannot show the baseline met.
   */
  notScanned: number;
  /**
   * Whether the run knew the change under review. When it did not, the gate counted every deptry
   * and vulture finding as new (fail closed) and recorded no `inChange`: so does promotion.
   */
  changeKnown: boolean;
}

export interface RunResultData {
  generatedAt: string;
  tools: RunToolData[];
  /** Tool ids this reader does not know (from a newer gate): ignored, listed. */
  unknownTools: string[];
}

/** A run's messages and unknown tool names kept (each shortened): they end up in logs and reports. */
const MAX_MESSAGES = 20;
const MAX_MESSAGE_CHARS = 1_000;

const count = z.number().int().nonnegative();
const severityCounts = z.object({ critical: count, high: count, medium: count, low: count, info: count, unknown: count });
const dispositionCounts = z.object({ block: count, warn: count, info: count, waived: count, wouldBlock: count });
const waiver = z.object({
  id: z.string(),
  owner: z.string().optional(),
  expires: z.string().optional(),
  reasonCategory: z.string().optional(),
});
const finding = z.object({
  fingerprint: z.string().min(1),
  disposition: z.enum(['block', 'warn', 'info', 'waived']),
  /** Checked against the tool's counts (consistent), not kept. */
  severity: z.enum(SEVERITIES).optional(),
  phase2Action: z.enum(['block', 'warn', 'info']).optional(),
  effectiveSeverity: z.enum(SEVERITIES).optional(),
  inChange: z.boolean().optional(),
  waiver: waiver.optional(),
  /** Only whether the gate placed it (see `unplaced`), not kept. */
  location: z.object({ path: z.string().optional() }).optional(),
});
/**
 * A tool's entry. Its lists are checked element by element, up to the first bad one (readList):
 * zod records an issue object for every bad element of an array it checks, and 48 MB of `[0,0,…]`
 * findings (a 47 KB zip) took the action's heap past its limit.
 */
const tool = z.object({
  tool: z.string(),
  status: z.enum(['ok', 'missing', 'error']),
  messages: z.array(z.unknown()).default([]),
  severity: severityCounts,
  counts: dispositionCounts,
  findings: z.array(z.unknown()),
  // Required: the gate has always written it, and a result that leaves it out does not say that
  // every file was scanned.
  scanErrors: z.array(z.unknown()),
});
type Finding = z.infer<typeof finding>;
const gateResult = z.object({
  schemaVersion: z.literal(1, { error: (i) => `expected 1, got ${JSON.stringify(i.input)} (a result version this reader does not understand)` }),
  generatedAt: z.string(),
  tools: z.array(z.unknown()),
  change: z.object({ known: z.boolean() }).optional(),
});

/** `$.tools[2].counts.block` from a zod path. */
export function jsonPath(path: ReadonlyArray<PropertyKey>, prefix = '$'): string {
  let out = prefix;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`;
  return out;
}

function firstIssue(err: z.ZodError, prefix: string): string {
  const i = err.issues[0];
  if (!i) return `${prefix}: invalid`;
  const msg = i.code === 'invalid_type' ? `expected ${i.expected}${i.message.includes('received') ? `, ${i.message.slice(i.message.indexOf('received'))}` : ''}` : i.message;
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more problem${err.issues.length > 2 ? 's' : ''})` : '';
  return `${jsonPath(i.path, prefix)}: ${msg}${more}`;
}

/**
 * Where a tool's counts disagree with its findings, or undefined. The gate works out every count
 * from the findings it lists, so a file where they differ was not written by it as it stands; some
 * criteria read the counts and others the findings, and a review made each pass on the one that
 * said nothing (\`severity.high: 3\` with no finding; blocking secrets with every count 0).
 */
function countsDisagree(t: { severity: SeverityCounts; counts: DispositionCounts; findings: Finding[] }): string | undefined {
  // Fields an older gate may not have written are checked only when every finding has them.
  const tally = { block: 0, warn: 0, info: 0, waived: 0, wouldBlock: 0 };
  const bySeverity: Record<string, number> = {};
  let phase2Known = true;
  let severityKnown = true;
  for (const f of t.findings) {
    // The gate sets the effective severity apart from the severity only for an unknown one, and
    // has always written the severity: an effective severity alone could hide a HIGH.
    if (f.effectiveSeverity !== undefined && f.severity === undefined) return 'findings: one has an effectiveSeverity but no severity';
    if (f.severity !== undefined && f.effectiveSeverity !== undefined && f.effectiveSeverity !== f.severity && f.severity !== 'unknown') {
      return `findings: one has severity ${f.severity} but effectiveSeverity ${f.effectiveSeverity} (only an unknown severity is mapped)`;
    }
    tally[f.disposition]++;
    if (f.phase2Action === undefined) phase2Known = false;
    else if (f.phase2Action === 'block' && f.disposition !== 'waived') tally.wouldBlock++;
    if (f.severity === undefined) severityKnown = false;
    else bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  }
  for (const k of ['block', 'warn', 'info', 'waived'] as const) {
    if (t.counts[k] !== tally[k]) return `counts.${k}: ${t.counts[k]}, but ${tally[k]} of its findings are ${k}`;
  }
  if (phase2Known && t.counts.wouldBlock !== tally.wouldBlock) return `counts.wouldBlock: ${t.counts.wouldBlock}, but ${tally.wouldBlock} of its findings would block`;
  let total = 0;
  for (const s of SEVERITIES) {
    total += t.severity[s];
    if (severityKnown && t.severity[s] !== (bySeverity[s] ?? 0)) return `severity.${s}: ${t.severity[s]}, but ${bySeverity[s] ?? 0} of its findings are ${s}`;
  }
  if (total !== t.findings.length) return `severity: counts ${total} findings, but it lists ${t.findings.length}`;
  return undefined;
}

/** Each element of `list` checked with `schema`, stopping at the first that fails (its path named). */
function readList<T>(list: unknown[], schema: z.ZodType<T>, path: string): { items: T[] } | { reason: string } {
  const items: T[] = [];
  for (let k = 0; k < list.length; k++) {
    const r = schema.safeParse(list[k]);
    if (!r.success) return { reason: firstIssue(r.error, `${path}[${k}]`) };
    items.push(r.data);
  }
  return { items };
}

export type ReadResult = { ok: true; data: RunResultData } | { ok: false; reason: string };

/** Parses and validates a result file. `file` names it in messages. */
export function readGateResult(text: string, file: string): ReadResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `${file} is not valid JSON (${(e as Error).message.split('\n')[0]})` };
  }
  const top = gateResult.safeParse(raw);
  if (!top.success) return { ok: false, reason: `${file}: ${firstIssue(top.error, '$')}` };
  const tools: RunToolData[] = [];
  const unknownTools: string[] = [];
  const seen = new Set<string>();
  for (const [i, t] of top.data.tools.entries()) {
    const r = tool.safeParse(t);
    if (!r.success) return { ok: false, reason: `${file}: ${firstIssue(r.error, `$.tools[${i}]`)}` };
    const messages = readList(r.data.messages, z.string(), `$.tools[${i}].messages`);
    if ('reason' in messages) return { ok: false, reason: `${file}: ${messages.reason}` };
    const listed = readList(r.data.findings, finding, `$.tools[${i}].findings`);
    if ('reason' in listed) return { ok: false, reason: `${file}: ${listed.reason}` };
    const id = r.data.tool;
    if (!(TOOL_IDS as readonly string[]).includes(id)) {
      if (unknownTools.length < MAX_MESSAGES) unknownTools.push(clip(id, 100));
      continue;
    }
    if (seen.has(id)) return { ok: false, reason: `${file}: $.tools[${i}].tool: ${JSON.stringify(id)} appears twice` };
    seen.add(id);
    const disagree = countsDisagree({ ...r.data, findings: listed.items });
    if (disagree) return { ok: false, reason: `${file}: $.tools[${i}].${disagree}` };
    const findings = listed.items.map(({ severity: _s, phase2Action: _p, location, ...f }): CompactFinding => (f.inChange === undefined && !isRepoPath(location?.path) ? { ...f, unplaced: true } : f));
    // Messages are shown (the criteria's details, the log, both reports): a few, shortened.
    const shown = firstAndMore(messages.items, MAX_MESSAGES, { show: (m) => clip(m, MAX_MESSAGE_CHARS), more: (k) => `(and ${k} more messages)` });
    const { scanErrors, ...data } = r.data;
    tools.push({ ...data, messages: shown, findings, notScanned: scanErrors.length, tool: id as ToolId, changeKnown: top.data.change?.known === true });
  }
  return { ok: true, data: { generatedAt: top.data.generatedAt, tools, unknownTools } };
}
