/**
 * The redacted copy of a Bandit report that goes into the uploaded artifact.
 *
 * Bandit's B105-B107 results quote the hard-coded password twice: in `code` and in `issue_text`
 * ("Possible hardcoded password: '<secret>'"); SARIF has it in the region snippets and the message.
 * The parsers redact both on the finding (see common.ts), but the raw report copy would carry them
 * into the artifact in clear. `redactBanditReport(content)` returns the report in the SAME format
 * (JSON or SARIF, same indentation style) with:
 * - the `code` / snippet of a B105-B107 result, or of any result whose code looks like a secret
 *   (`looksLikeSecret`, as the parsers decide), replaced by a fixed note;
 * - the B105-B107 message passed through `safeTitle` (the quoted password redacted).
 *
 * Fail closed: text that is not a Bandit JSON or SARIF report (unparsable, truncated, another shape)
 * is replaced by `WITHHELD_BANDIT_REPORT`. An empty file stays empty. Pure; never throws.
 */
import { isBlank, isJsonObject, stripBom, type JsonObject } from '../json.js';
import { looksLikeSecret, PASSWORD_TESTS, safeTitle } from './common.js';

export const WITHHELD_BANDIT_REPORT =
  'security-gate: this Bandit report was withheld from the artifact because it could not be parsed, so hard-coded passwords in it (B105-B107) could not be redacted.\n';

export const REDACTED_CODE = '(redacted by security-gate: this code may hold a secret)';

class CannotRedact extends Error {}

function ownValue(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** Set an own data property, even for a key named `__proto__` (no prototype setter involved). */
function setOwn(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function mustHide(testId: string, code: unknown): boolean {
  return PASSWORD_TESTS.has(testId) || (typeof code === 'string' && looksLikeSecret(code));
}

function redactJsonResult(r: JsonObject): void {
  const testId = typeof ownValue(r, 'test_id') === 'string' ? (r['test_id'] as string) : '';
  const code = ownValue(r, 'code');
  if (mustHide(testId, code) && typeof code === 'string' && code !== '') setOwn(r, 'code', REDACTED_CODE);
  const text = ownValue(r, 'issue_text');
  if (typeof text === 'string') setOwn(r, 'issue_text', safeTitle(testId, text));
}

function snippets(result: JsonObject): JsonObject[] {
  const out: JsonObject[] = [];
  const locs = ownValue(result, 'locations');
  if (locs === undefined || locs === null) return out;
  if (!Array.isArray(locs)) throw new CannotRedact();
  for (const loc of locs) {
    if (!isJsonObject(loc)) throw new CannotRedact();
    const pl = ownValue(loc, 'physicalLocation');
    if (pl === undefined || pl === null) continue;
    if (!isJsonObject(pl)) throw new CannotRedact();
    for (const rk of ['region', 'contextRegion']) {
      const region = ownValue(pl, rk);
      if (region === undefined || region === null) continue;
      if (!isJsonObject(region)) throw new CannotRedact();
      const sn = ownValue(region, 'snippet');
      if (sn === undefined || sn === null) continue;
      if (!isJsonObject(sn)) throw new CannotRedact();
      out.push(sn);
    }
  }
  return out;
}

function redactSarifResult(r: JsonObject): void {
  const testId = typeof ownValue(r, 'ruleId') === 'string' ? (r['ruleId'] as string) : '';
  const sns = snippets(r);
  const hide = PASSWORD_TESTS.has(testId) || sns.some((s) => typeof ownValue(s, 'text') === 'string' && looksLikeSecret(s['text'] as string));
  if (hide) for (const s of sns) if (typeof ownValue(s, 'text') === 'string') setOwn(s, 'text', REDACTED_CODE);
  const message = ownValue(r, 'message');
  if (isJsonObject(message) && typeof ownValue(message, 'text') === 'string') setOwn(message, 'text', safeTitle(testId, message['text'] as string));
}

function redactValue(value: unknown): void {
  if (!isJsonObject(value)) throw new CannotRedact();
  const results = ownValue(value, 'results');
  const runs = ownValue(value, 'runs');
  if (Array.isArray(results)) {
    for (const r of results) if (isJsonObject(r)) redactJsonResult(r);
    else throw new CannotRedact();
    return;
  }
  if (Array.isArray(runs)) {
    for (const run of runs) {
      if (!isJsonObject(run)) throw new CannotRedact();
      const rs = ownValue(run, 'results');
      if (rs === undefined || rs === null) continue;
      if (!Array.isArray(rs)) throw new CannotRedact();
      for (const r of rs) if (isJsonObject(r)) redactSarifResult(r);
      else throw new CannotRedact();
    }
    return;
  }
  throw new CannotRedact();
}

function indentOf(text: string): string | number {
  const m = /^[[{][ \t]*\r?\n([ \t]+)\S/.exec(text);
  if (m) return m[1] as string;
  return text.trim().includes('\n') ? 1 : 0;
}

/** See the file comment. */
export function redactBanditReport(content: string): string {
  const text = stripBom(content);
  if (isBlank(text)) return content;
  try {
    const value = JSON.parse(text) as unknown;
    redactValue(value);
    const indent = indentOf(text.trimStart());
    let out = indent === 0 ? JSON.stringify(value) : JSON.stringify(value, null, indent);
    if (/\r?\n$/.test(text)) out += '\n';
    return out;
  } catch {
    return WITHHELD_BANDIT_REPORT;
  }
}
