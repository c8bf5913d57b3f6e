/**
 * The redacted copy of a gitleaks report that goes into the uploaded artifact.
 *
 * `redactGitleaksReport(content)` returns the report in the SAME format (still valid JSON / SARIF,
 * same indentation style) with:
 * - Secret / offender / SARIF v8 snippet -> `redactSecret(secret)` (the shape, never the value);
 * - Match / line / Line / SARIF v7 snippet -> every occurrence of the secret replaced (`redactIn`), or
 *   `redactSecret(secret)` when the context does not contain it ("file detected: …" matches of
 *   path-only rules are kept; a report made with `--redact` keeps the tool's redaction);
 * - Author / author / Email / email and SARIF `partialFingerprints.author|email` -> "REDACTED";
 * - commit messages: words with an `@` (e-mail addresses in sign-offs) blanked, the secret replaced;
 * - every other string: the secret replaced, should it occur.
 *
 * Fail closed: text that is not a gitleaks JSON (v7/v8, incl. `null`) or SARIF report — CSV, JUnit,
 * truncated JSON, an unknown shape — is replaced by `WITHHELD_GITLEAKS_REPORT`; so is the result if a
 * secret would still appear in it. An empty file stays empty (nothing to hide).
 */
import { redactIn, redactSecret, scrubDeep, scrubKnownSecrets, SecretScrubber, secretForms, setOwn } from '../../util/redact.js';
import { isBlank, isJsonObject, parseJsonBounded, stripBom, type JsonObject } from '../json.js';
import { GITLEAKS_SUPPORTED, redactContext } from './parser.js';

export const WITHHELD_GITLEAKS_REPORT =
  `security-gate: this gitleaks report was withheld from the artifact because it could not be parsed, so its secrets could not be redacted. Supported formats: ${GITLEAKS_SUPPORTED}.\n`;

class CannotRedact extends Error {}

/**
 * Blank every whitespace-separated word holding an `@` (e-mail addresses in sign-offs). A split, not
 * an e-mail regex: commit messages are attacker-controlled and a backtracking regex is quadratic.
 */
function blankEmails(text: string): string {
  if (!text.includes('@')) return text;
  return text
    .split(/(\s+)/)
    .map((w) => (w.includes('@') ? 'REDACTED' : w))
    .join('');
}

function redactable(secret: string): boolean {
  return secret.length >= 4 && secret !== 'REDACTED';
}

function scrub(text: string, secret: string): string {
  return redactable(secret) && text.includes(secret) ? redactIn(text, [secret]) : text;
}

function maskSecret(v: string): string {
  return v === '' ? '' : redactSecret(v);
}

function maskContext(v: string, secret: string): string {
  if (v === '') return v;
  return redactContext(v, secret) ?? 'REDACTED';
}

function secretOf(o: JsonObject): string {
  for (const k of Object.keys(o)) {
    const lk = k.toLowerCase();
    if ((lk === 'secret' || lk === 'offender') && typeof o[k] === 'string') return o[k] as string;
  }
  return '';
}

/** Redact one JSON finding (v7 or v8, also template-shaped) in place. */
function redactEntry(o: JsonObject, secret: string): void {
  for (const k of Object.keys(o)) {
    const v = o[k];
    const lk = k.toLowerCase();
    if (typeof v === 'string') {
      if (lk === 'secret' || lk === 'offender') setOwn(o, k, maskSecret(v));
      else if (lk === 'match' || lk === 'line') setOwn(o, k, maskContext(v, secret));
      else if (lk === 'author' || lk === 'email') setOwn(o, k, v === '' ? '' : 'REDACTED');
      else if (lk === 'message' || lk === 'commitmessage') setOwn(o, k, blankEmails(scrub(v, secret)));
      else setOwn(o, k, scrub(v, secret));
    } else {
      setOwn(o, k, scrubDeep(v, [secret]));
    }
  }
}

function snippetObjects(result: JsonObject): JsonObject[] {
  const out: JsonObject[] = [];
  const locs = Object.hasOwn(result, 'locations') ? result.locations : undefined;
  if (locs === undefined) return out;
  if (!Array.isArray(locs)) throw new CannotRedact();
  for (const loc of locs) {
    if (!isJsonObject(loc)) throw new CannotRedact();
    const pl = Object.hasOwn(loc, 'physicalLocation') ? loc.physicalLocation : undefined;
    if (pl === undefined) continue;
    if (!isJsonObject(pl)) throw new CannotRedact();
    for (const rk of ['region', 'contextRegion']) {
      const region = Object.hasOwn(pl, rk) ? pl[rk] : undefined;
      if (region === undefined) continue;
      if (!isJsonObject(region)) throw new CannotRedact();
      const sn = Object.hasOwn(region, 'snippet') ? region.snippet : undefined;
      if (sn === undefined) continue;
      if (!isJsonObject(sn)) throw new CannotRedact();
      out.push(sn);
    }
  }
  return out;
}

function redactSarifResult(result: JsonObject, secrets: string[]): void {
  const props = Object.hasOwn(result, 'properties') && isJsonObject(result.properties) ? result.properties : undefined;
  const snippets = snippetObjects(result);
  const v7 = props !== undefined && Object.hasOwn(props, 'offender');
  let secret = v7 ? String(props.offender ?? '') : '';
  if (!v7) {
    const first = snippets.find((s) => typeof s.text === 'string');
    secret = first ? (first.text as string) : '';
  }
  secrets.push(secret);
  for (const sn of snippets) {
    for (const k of Object.keys(sn)) {
      const t = sn[k];
      if (typeof t !== 'string') continue;
      setOwn(sn, k, !v7 && t === secret ? maskSecret(t) : maskContext(t, secret));
    }
  }
  const pf = Object.hasOwn(result, 'partialFingerprints') ? result.partialFingerprints : undefined;
  if (pf !== undefined) {
    if (!isJsonObject(pf)) throw new CannotRedact();
    redactEntry(pf, secret);
  }
  if (props) redactEntry(props, secret);
  scrubDeep(result, [secret]);
}

function redactValue(value: unknown, secrets: string[]): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) {
    for (const e of value) {
      if (!isJsonObject(e)) throw new CannotRedact();
      const known = ['RuleID', 'Secret', 'Match', 'rule', 'offender'].some((k) => Object.hasOwn(e, k));
      if (!known) throw new CannotRedact();
      const secret = secretOf(e);
      secrets.push(secret);
      redactEntry(e, secret);
    }
    return value;
  }
  if (isJsonObject(value) && Object.hasOwn(value, 'runs')) {
    const runs = value.runs;
    if (!Array.isArray(runs)) throw new CannotRedact();
    for (const run of runs) {
      if (!isJsonObject(run)) throw new CannotRedact();
      const results = Object.hasOwn(run, 'results') ? run.results : undefined;
      if (results === undefined || results === null) continue;
      if (!Array.isArray(results)) throw new CannotRedact();
      for (const r of results) {
        if (!isJsonObject(r)) throw new CannotRedact();
        redactSarifResult(r, secrets);
      }
    }
    return value;
  }
  throw new CannotRedact();
}

function indentOf(text: string): string | number {
  const m = /^[[{][ \t]*\r?\n([ \t]+)\S/.exec(text);
  if (m) return m[1] as string;
  return text.trim().includes('\n') ? 1 : 0;
}

/** See the file comment. Pure; never throws. */
export function redactGitleaksReport(content: string): string {
  const text = stripBom(content);
  if (isBlank(text)) return content;
  try {
    const value = parseJsonBounded(text);
    const secrets: string[] = [];
    const redacted = redactValue(value, secrets);
    // Each entry is redacted for its own secret; a Match shared by two (a key id and its secret key
    // on one line) still holds the other's: every string is scrubbed of every secret.
    if (redacted !== null && typeof redacted === 'object') scrubKnownSecrets([redacted], secrets); // those of MIN_KNOWN_SECRET or more
    const indent = indentOf(text.trimStart());
    let out = indent === 0 ? JSON.stringify(redacted) : JSON.stringify(redacted, null, indent);
    if (/\r?\n$/.test(text)) out += '\n';
    // Fail closed if any secret survived, in any form JSON may hold it (one pass for all of them).
    const left = new SecretScrubber(secrets.filter(redactable).flatMap(secretForms));
    return left.has(out) ? WITHHELD_GITLEAKS_REPORT : out;
  } catch {
    return WITHHELD_GITLEAKS_REPORT;
  }
}
