/**
 * gitleaks reports: JSON v8 (every field-set era), JSON v7 (`null` when empty), SARIF v8 and v7.
 * CSV, JUnit and `--report-format template` output are recognised and refused with the list of
 * supported formats.
 *
 * SECRETS ARE REDACTED HERE, AT PARSE TIME. No Finding field holds the Secret / Match / offender /
 * SARIF snippet in clear:
 * - `snippet` is the Match (v8) or `line` (v7, v7 SARIF snippet) with every occurrence of the secret
 *   replaced by `redactSecret` (via `redactIn`); when the context does not contain the secret, or the
 *   secret is too short for `redactIn`, only the redacted secret is kept. Path-only rules
 *   ("file detected: <path>", empty Secret) keep their Match. A report already made with `--redact`
 *   (Secret "REDACTED") keeps the tool's redacted Match.
 * - every other kept string (title, path, fingerprint, extras) is scrubbed of the secret as well.
 * - author names and e-mails are NOT kept (not even in `extra`); nor are commit messages (they carry
 *   e-mails in sign-offs and may quote secrets). The commit is kept as a 7-character short sha.
 *
 * Severity: gitleaks has none; every finding is a leaked secret: 'high'.
 * ruleId: v8 `RuleID`; v7 `rule` kebab-cased (`AWS Access Key` -> `aws-access-key`, the human name is
 * kept as ruleName).
 *
 * Duplicates: the same rule, file, start line and secret (compared by `secretHash`) — typically one
 * secret seen in many commits — count once. A secret the tool redacted (`--redact`) cannot be
 * compared: entries of other commits or matches are kept apart. stats: `raw` (entries in the report), `duplicates`,
 * `total` (findings). `extra.occurrences` = how many entries a finding stands for.
 *
 * Fingerprint: gitleaks' own `Fingerprint` field (`[commit:]file:rule:line`, the form
 * `.gitleaksignore` uses) where present — for a de-duplicated group the smallest one, so it does not
 * depend on report order — otherwise `<file>:<ruleId>:<line>:<secretHash>`. When two findings (two
 * different secrets on one line) would share a gitleaks Fingerprint, both get `:<secretHash>` appended.
 * Never the secret. The location is `File` (the real file; `SymlinkFile`, the link that was scanned,
 * is in extra.symlinkFile — gitleaks' SARIF writes SymlinkFile || File as the uri).
 */
import {
  ReportParseError,
  normalizePath,
  type Finding,
  type Location,
  type ParsedReport,
  type ReportParser,
  withKnownSecrets,
} from '../model.js';
import {
  expectArray,
  expectObject,
  isJsonObject,
  optArray,
  optBoolean,
  optInteger,
  optNumber,
  optObject,
  optString,
  optStringArray,
  jsonReportParser,
  parseJsonBounded,
  reqArray,
  reqObject,
  reqString,
  sniffHead,
  truncateText,
  type JsonObject,
  type JsonReportParser,
} from '../json.js';
import { MIN_KNOWN_SECRET, redactIn, redactSecret, SecretScrubber, secretHash } from '../../util/redact.js';

export const GITLEAKS_JSON_FORMAT = 'gitleaks-json';
export const GITLEAKS_SARIF_FORMAT = 'gitleaks-sarif';
export const GITLEAKS_SUPPORTED =
  'gitleaks JSON (v8 `--report-format json`, v7 legacy JSON) and gitleaks SARIF (`--report-format sarif`, v7 and v8)';

/** Longest snippet kept (after redaction). */
const MAX_SNIPPET = 400;

/** One entry of a report, as read. `secret` and `context` are raw: they never leave this module. */
interface Leak {
  ruleId: string;
  ruleName?: string;
  title: string;
  file: string;
  symlinkFile?: string;
  line?: number;
  endLine?: number;
  column?: number;
  endColumn?: number;
  secret: string;
  /** Match (v8) or line (v7): text around the secret. */
  context?: string;
  commit?: string;
  fingerprint?: string;
  link?: string;
  entropy?: number;
  date?: string;
  tags?: string;
}

export function kebabRule(rule: string): string {
  const k = rule.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  // trim the dashes without a `-+$` regex (quadratic on long dash runs)
  let start = 0;
  let end = k.length;
  while (start < end && k.charCodeAt(start) === 0x2d) start++;
  while (end > start && k.charCodeAt(end - 1) === 0x2d) end--;
  return k.slice(start, end) || 'unnamed-rule';
}

/** True when `redactIn` will actually replace this secret. */
function redactable(secret: string): boolean {
  return secret.length >= 4 && secret !== 'REDACTED';
}

/** The redacted context for `snippet` (see the file comment). Exported for the redacted copy. */
export function redactContext(context: string | undefined, secret: string): string | undefined {
  if (secret === '') return context !== undefined && context.startsWith('file detected: ') ? context : undefined;
  if (secret === 'REDACTED') return context;
  if (context !== undefined && redactable(secret) && context.includes(secret)) return redactIn(context, [secret]);
  return redactSecret(secret);
}

function shortSha(commit: string | undefined): string | undefined {
  return commit ? commit.slice(0, 7) : undefined;
}

function positiveOrUndefined(n: number | undefined): number | undefined {
  return n !== undefined && n >= 1 ? n : undefined;
}

// ---------------------------------------------------------------------------------------------
// JSON v8 / v7

function readV8(o: JsonObject, base: string, file: string): Leak {
  if (Object.hasOwn(o, 'Line')) {
    throw new ReportParseError(
      'gitleaks',
      file,
      `${base}.Line`,
      `unsupported format: this looks like gitleaks \`--report-format template\` output (a "Line" field is never in the JSON report); supported: ${GITLEAKS_SUPPORTED}`,
    );
  }
  const ruleId = reqString(o, 'RuleID', base);
  const description = optString(o, 'Description', base);
  const secret = reqString(o, 'Secret', base);
  const match = reqString(o, 'Match', base);
  const path = reqString(o, 'File', base);
  // Read (type-checked) but never kept: Author, Email, Message.
  optString(o, 'Author', base);
  optString(o, 'Email', base);
  optString(o, 'Message', base);
  const tags = optStringArray(o, 'Tags', base);
  return {
    ruleId: ruleId || 'unnamed-rule',
    ruleName: description || undefined,
    title: description || `${ruleId} secret detected`,
    file: path,
    symlinkFile: optString(o, 'SymlinkFile', base) || undefined,
    line: positiveOrUndefined(optInteger(o, 'StartLine', base)),
    endLine: positiveOrUndefined(optInteger(o, 'EndLine', base)),
    column: positiveOrUndefined(optInteger(o, 'StartColumn', base)),
    endColumn: positiveOrUndefined(optInteger(o, 'EndColumn', base)),
    secret,
    context: match,
    commit: optString(o, 'Commit', base) || undefined,
    fingerprint: optString(o, 'Fingerprint', base) || undefined,
    link: optString(o, 'Link', base) || undefined,
    entropy: optNumber(o, 'Entropy', base),
    date: optString(o, 'Date', base) || undefined,
    tags: tags && tags.length > 0 ? tags.join(', ') : undefined,
  };
}

function readV7(o: JsonObject, base: string): Leak {
  const rule = reqString(o, 'rule', base);
  const offender = reqString(o, 'offender', base);
  const path = reqString(o, 'file', base);
  optString(o, 'author', base);
  optString(o, 'email', base);
  optString(o, 'commitMessage', base);
  return {
    ruleId: kebabRule(rule),
    ruleName: rule,
    title: `${rule} secret detected`,
    file: path,
    line: positiveOrUndefined(optInteger(o, 'lineNumber', base)),
    secret: offender,
    context: optString(o, 'line', base),
    commit: optString(o, 'commit', base) || undefined,
    link: optString(o, 'leakURL', base) || undefined,
    entropy: optNumber(o, 'offenderEntropy', base),
    date: optString(o, 'date', base) || undefined,
    tags: optString(o, 'tags', base) || undefined,
  };
}

function readJson(root: unknown, file: string): { leaks: Leak[]; toolVersion?: string } {
  if (root === null) return { leaks: [], toolVersion: '7.x' }; // v7 wrote `null` for no leaks
  const arr = expectArray(root, '$');
  if (arr.length === 0) return { leaks: [] };
  const first = expectObject(arr[0], '$[0]');
  const v8 = Object.hasOwn(first, 'RuleID') || Object.hasOwn(first, 'Secret');
  const v7 = !v8 && (Object.hasOwn(first, 'rule') || Object.hasOwn(first, 'offender'));
  if (!v8 && !v7) {
    throw new ReportParseError('gitleaks', file, '$[0]', 'not a gitleaks finding: expected "RuleID" (gitleaks 8) or "rule" (gitleaks 7)');
  }
  const leaks: Leak[] = [];
  let hasFingerprint = false;
  let hasSymlink = false;
  let hasLink = false;
  for (let i = 0; i < arr.length; i++) {
    const base = `$[${i}]`;
    const o = expectObject(arr[i], base);
    if (v8) {
      hasFingerprint ||= Object.hasOwn(o, 'Fingerprint');
      hasSymlink ||= Object.hasOwn(o, 'SymlinkFile');
      hasLink ||= Object.hasOwn(o, 'Link');
      leaks.push(readV8(o, base, file));
    } else {
      leaks.push(readV7(o, base));
    }
  }
  let toolVersion = '7.x';
  if (v8) toolVersion = hasLink ? '>=8.23.2' : hasSymlink ? '>=8.15' : hasFingerprint ? '8.10-8.14' : '8.0-8.9';
  return { leaks, toolVersion };
}

// ---------------------------------------------------------------------------------------------
// SARIF

function readSarif(root: unknown, file: string): { leaks: Leak[]; toolVersion?: string } {
  const doc = expectObject(root, '$');
  const runs = reqArray(doc, 'runs', '$');
  const leaks: Leak[] = [];
  let toolVersion: string | undefined;
  runs.forEach((r, ri) => {
    const rb = `$.runs[${ri}]`;
    const run = expectObject(r, rb);
    const driver = reqObject(reqObject(run, 'tool', rb), 'driver', `${rb}.tool`);
    const name = reqString(driver, 'name', `${rb}.tool.driver`);
    if (name.toLowerCase() !== 'gitleaks') {
      throw new ReportParseError('gitleaks', file, `${rb}.tool.driver.name`, `not a gitleaks SARIF report (tool ${JSON.stringify(name.slice(0, 60))})`);
    }
    const legacy = name === 'Gitleaks';
    const semver = optString(driver, 'semanticVersion', `${rb}.tool.driver`);
    // gitleaks 8 writes the constant "v8.0.0", not its version.
    toolVersion ??= legacy ? (semver?.replace(/^v/, '') ?? '7.x') : '8.x';
    const ruleNames = new Map<string, string>();
    (optArray(driver, 'rules', `${rb}.tool.driver`) ?? []).forEach((x, i) => {
      const rule = expectObject(x, `${rb}.tool.driver.rules[${i}]`);
      const id = optString(rule, 'id', `${rb}.tool.driver.rules[${i}]`);
      const sd = optObject(rule, 'shortDescription', `${rb}.tool.driver.rules[${i}]`);
      const text = (sd && optString(sd, 'text', `${rb}.tool.driver.rules[${i}].shortDescription`)) || optString(rule, 'name', `${rb}.tool.driver.rules[${i}]`);
      if (id && text) ruleNames.set(id, text);
    });
    // SARIF: a run whose invocation did not succeed has no complete results (gitleaks writes no
    // `invocations`; a wrapper or a merge may): its `results: []` is not a clean run, as for Bandit.
    (optArray(run, 'invocations', rb) ?? []).forEach((x, j) => {
      const ib = `${rb}.invocations[${j}]`;
      if (optBoolean(expectObject(x, ib), 'executionSuccessful', ib) === false) {
        throw new ReportParseError('gitleaks', file, `${ib}.executionSuccessful`, 'false: the run failed, so its results are not complete');
      }
    });
    // SARIF: a run without `results` (absent or null) produced none, it did not complete; gitleaks
    // always writes the array (`[]` when it finds nothing). Not read as a clean run.
    reqArray(run, 'results', rb).forEach((x, i) => {
      const b = `${rb}.results[${i}]`;
      const res = expectObject(x, b);
      const messageObj = optObject(res, 'message', b);
      const message = messageObj ? (optString(messageObj, 'text', `${b}.message`) ?? '') : '';
      const props = optObject(res, 'properties', b);
      let ruleId = optString(res, 'ruleId', b);
      let ruleName = ruleId ? ruleNames.get(ruleId) : undefined;
      if (!ruleId) {
        // gitleaks 7: no ruleId; the message is "<Rule> secret detected".
        const m = /^(.*) secret detected$/.exec(message);
        if (!m || !m[1]) throw new ReportParseError('gitleaks', file, `${b}.ruleId`, 'missing (and the message does not name the rule)');
        ruleName = m[1];
        ruleId = kebabRule(m[1]);
      } else if (legacy) {
        ruleName = ruleId;
        ruleId = kebabRule(ruleId);
      }
      const locs = reqArray(res, 'locations', b);
      const loc0 = expectObject(locs[0], `${b}.locations[0]`);
      const pl = reqObject(loc0, 'physicalLocation', `${b}.locations[0]`);
      const plb = `${b}.locations[0].physicalLocation`;
      const uri = reqString(reqObject(pl, 'artifactLocation', plb), 'uri', `${plb}.artifactLocation`);
      const region = optObject(pl, 'region', plb);
      const rg = `${plb}.region`;
      const snippetObj = region ? optObject(region, 'snippet', rg) : undefined;
      const snippetText = snippetObj ? optString(snippetObj, 'text', `${rg}.snippet`) : undefined;
      const pf = optObject(res, 'partialFingerprints', b);
      let secret: string;
      let context: string | undefined;
      let commit: string | undefined;
      let date: string | undefined;
      if (props && Object.hasOwn(props, 'offender')) {
        // v7: the offender is the secret, the snippet is the whole line.
        secret = optString(props, 'offender', `${b}.properties`) ?? '';
        context = snippetText;
        commit = optString(props, 'commit', `${b}.properties`);
        date = optString(props, 'date', `${b}.properties`);
      } else {
        // v8: the snippet IS the secret.
        secret = snippetText ?? '';
        commit = pf ? optString(pf, 'commitSha', `${b}.partialFingerprints`) : undefined;
        date = pf ? optString(pf, 'date', `${b}.partialFingerprints`) : undefined;
      }
      const tags = props ? optStringArray(props, 'tags', `${b}.properties`) : undefined;
      leaks.push({
        ruleId,
        ruleName,
        title: ruleName && ruleName !== ruleId ? ruleName : `${ruleId} secret detected`,
        file: uri,
        line: region ? positiveOrUndefined(optInteger(region, 'startLine', rg)) : undefined,
        endLine: region ? positiveOrUndefined(optInteger(region, 'endLine', rg)) : undefined,
        column: region ? positiveOrUndefined(optInteger(region, 'startColumn', rg)) : undefined,
        endColumn: region ? positiveOrUndefined(optInteger(region, 'endColumn', rg)) : undefined,
        secret,
        context,
        commit: commit || undefined,
        date: date || undefined,
        tags: tags && tags.length > 0 ? tags.join(', ') : undefined,
      });
    });
  });
  return { leaks, toolVersion };
}

// ---------------------------------------------------------------------------------------------
// Findings

/**
 * What a secret gitleaks found decoded (`--max-decode-depth`: tags `decoded:base64`, `decoded:hex`,
 * `decoded:percent`; Secret and Match are then the decoded text) looks like in the scanned files,
 * and so in other tools' snippets and report copies: its encodings. Base64 at each of the three
 * alignments the secret may have inside a longer encoded value: the characters that depend on the
 * secret's bytes alone.
 */
export function encodedForms(secret: string, tags: string | undefined): string[] {
  if (tags === undefined || !tags.includes('decoded:') || secret === '' || secret === 'REDACTED') return [];
  const bytes = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  if (tags.includes('decoded:base64')) {
    for (const shift of [0, 1, 2]) {
      const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
      for (const enc of [padded.toString('base64'), padded.toString('base64url')]) {
        out.push(enc.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + bytes.length)) / 6)));
      }
    }
    out.push(bytes.toString('base64'));
  }
  if (tags.includes('decoded:hex')) out.push(bytes.toString('hex'), bytes.toString('hex').toUpperCase());
  if (tags.includes('decoded:percent')) {
    // JavaScript's encodeURIComponent; RFC 3986's strict form (`!'()*` escaped too); Python's
    // quote() (the strict form, `/` kept); every byte escaped; each with upper- and lower-case hex.
    const component = encodeURIComponent(secret);
    const strict = component.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const python = strict.replace(/%2F/g, '/');
    const every = [...bytes].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
    for (const f of [component, strict, python, every]) out.push(f, f.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
  }
  return [...new Set(out)].filter((f) => f !== secret);
}

function toFindings(leaks: Leak[], file: string): { findings: Finding[]; stats: Record<string, number>; secrets: string[] } {
  // Every secret of the report, and the encodings a decoded one was found in (each run of overlapping
  // secrets is masked whole): a line holding two secrets (an AWS key id and its secret key) is two
  // findings sharing a Match.
  // A finding's own secret is redacted from 4 characters on; the others from MIN_KNOWN_SECRET.
  const secrets = [...new Set(leaks.flatMap((l) => [l.secret, ...encodedForms(l.secret, l.tags)]).filter((x) => redactable(x) && x.length >= MIN_KNOWN_SECRET))];
  // Prepared once: searched for all at once in every string of every finding (not finding x secret).
  const scrubber = new SecretScrubber(secrets);
  // ...but a line's own secrets from 4 characters on in each other's snippets: two findings on one
  // line share its Match, so a short second secret (`db_pw=Qx7#pw`) would show in the first's.
  const lineKey = (l: Leak) => JSON.stringify([normalizePath(l.file), l.line ?? 0]);
  const onLine = new Map<string, Set<string>>();
  for (const l of leaks) {
    if (!redactable(l.secret)) continue;
    const k = lineKey(l);
    const set = onLine.get(k);
    if (set) set.add(l.secret);
    else onLine.set(k, new Set([l.secret]));
  }
  const lineScrubbers = new Map<string, SecretScrubber>();
  const lineScrubber = (l: Leak): SecretScrubber | undefined => {
    const k = lineKey(l);
    const set = onLine.get(k);
    if (!set || set.size < 2) return undefined;
    let sc = lineScrubbers.get(k);
    if (!sc) lineScrubbers.set(k, (sc = new SecretScrubber(set)));
    return sc;
  };
  const groups = new Map<string, { leaks: Leak[]; hash: string }>();
  for (const l of leaks) {
    const hash = secretHash(l.secret);
    // A secret the tool redacted (`--redact`: "REDACTED"; `--redact=N`: a prefix and "...") is not
    // known to be the same secret as another entry's: entries of other commits (or other matches)
    // stay apart, so one waived or fixed secret never stands for a different one (fail closed).
    const unknownValue = l.secret === 'REDACTED' || l.secret.endsWith('...');
    const key = JSON.stringify([l.ruleId, normalizePath(l.file), l.line ?? 0, hash, ...(unknownValue ? [l.commit ?? '', l.context ?? ''] : [])]);
    const g = groups.get(key);
    if (g) g.leaks.push(l);
    else groups.set(key, { leaks: [l], hash });
  }
  const findings: Finding[] = [];
  const hashes: string[] = [];
  for (const { leaks: group, hash } of groups.values()) {
    // Representative: the entry with the smallest gitleaks Fingerprint (report order otherwise).
    let rep = group[0] as Leak;
    for (const l of group) if (l.fingerprint && (!rep.fingerprint || l.fingerprint < rep.fingerprint)) rep = l;
    const secret = rep.secret;
    const scrubAll = (text: string) => scrubber.scrub(text, secret);
    const path = scrubAll(normalizePath(rep.file));
    const ruleId = scrubAll(rep.ruleId);
    const fallback = `${path}:${ruleId}:${rep.line ?? 0}:${hash}`;
    let fingerprint = rep.fingerprint ?? fallback;
    if ((redactable(secret) && fingerprint.includes(secret)) || scrubber.has(fingerprint)) fingerprint = fallback;
    const location: Location = { path };
    if (rep.line !== undefined) location.line = rep.line;
    if (rep.endLine !== undefined && rep.line !== undefined && rep.endLine >= rep.line) location.endLine = rep.endLine;
    if (rep.column !== undefined) location.column = rep.column;
    if (rep.endColumn !== undefined) location.endColumn = rep.endColumn;
    const extra: Record<string, string | number | boolean | null> = { occurrences: group.length };
    const commit = shortSha(rep.commit);
    if (commit) extra.commit = commit;
    if (rep.symlinkFile) extra.symlinkFile = scrubAll(normalizePath(rep.symlinkFile));
    if (rep.link) extra.link = scrubAll(rep.link);
    if (rep.entropy !== undefined) extra.entropy = rep.entropy;
    if (rep.date) extra.date = scrubAll(rep.date);
    if (rep.tags) extra.tags = scrubAll(rep.tags);
    if (secret === 'REDACTED') extra.redactedByTool = true;
    const f: Finding = {
      tool: 'gitleaks',
      ruleId,
      title: scrubAll(rep.title),
      severity: 'high',
      location,
      fingerprint,
      sourceFile: file,
      extra,
    };
    if (rep.ruleName) f.ruleName = scrubAll(rep.ruleName);
    const snippet = redactContext(rep.context, secret);
    const sameLine = lineScrubber(rep);
    if (snippet !== undefined) f.snippet = truncateText(scrubAll(sameLine ? sameLine.scrub(snippet) : snippet), MAX_SNIPPET);
    findings.push(f);
    hashes.push(hash);
  }
  // Two different secrets on one line of one rule share gitleaks' Fingerprint (`commit:file:rule:line`):
  // those (and only those) get `:<secretHash>` appended, so fingerprints stay unique and order-independent.
  const uses = new Map<string, number>();
  for (const f of findings) uses.set(f.fingerprint, (uses.get(f.fingerprint) ?? 0) + 1);
  findings.forEach((f, i) => {
    if ((uses.get(f.fingerprint) ?? 0) > 1) f.fingerprint = `${f.fingerprint}:${hashes[i]}`;
  });
  return { findings, stats: { raw: leaks.length, duplicates: leaks.length - findings.length, total: findings.length }, secrets };
}

function report(format: string, leaks: Leak[], file: string, toolVersion?: string): ParsedReport {
  const { findings, stats, secrets } = toFindings(leaks, file);
  const r: ParsedReport = { tool: 'gitleaks', format, findings, skipped: [], scanErrors: [], stats };
  if (toolVersion) r.toolVersion = toolVersion;
  return withKnownSecrets(r, secrets);
}

/** gitleaks JSON (v8 array, v7 array or `null`), already parsed. */
export function parseGitleaksJsonValue(value: unknown, file: string): ParsedReport {
  const { leaks, toolVersion } = readJson(value, file);
  return report(GITLEAKS_JSON_FORMAT, leaks, file, toolVersion);
}

/** gitleaks SARIF (v8 or v7), already parsed. */
export function parseGitleaksSarifValue(value: unknown, file: string): ParsedReport {
  const { leaks, toolVersion } = readSarif(value, file);
  return report(GITLEAKS_SARIF_FORMAT, leaks, file, toolVersion);
}

// ---------------------------------------------------------------------------------------------
// Detection

/** The other gitleaks report formats, recognised so the error can say what they are. */
export function unsupportedGitleaksFormat(content: string): string | undefined {
  const h = sniffHead(content).trimStart();
  if (/^RuleID,Commit,File,/.test(h)) return 'gitleaks CSV report (`--report-format csv`)';
  if (h.startsWith('<') && /<testsuites?\b/.test(h) && /name="gitleaks"/.test(h)) return 'gitleaks JUnit report (`--report-format junit`)';
  return undefined;
}

function looksLikeGitleaksJson(value: unknown): boolean {
  if (value === null) return true; // gitleaks 7's empty report
  if (!Array.isArray(value)) return false;
  if (value.length === 0) return true;
  const first: unknown = value[0];
  return isJsonObject(first) && ['RuleID', 'Secret', 'rule', 'offender'].some((k) => Object.hasOwn(first, k));
}

function looksLikeGitleaksSarif(value: unknown): boolean {
  if (!isJsonObject(value) || !Array.isArray(value.runs)) return false;
  const run: unknown = value.runs[0];
  if (!isJsonObject(run) || !isJsonObject(run.tool) || !isJsonObject(run.tool.driver)) return false;
  const name = run.tool.driver.name;
  return typeof name === 'string' && name.toLowerCase() === 'gitleaks';
}

export const gitleaksJsonParser: JsonReportParser = jsonReportParser({
  tool: 'gitleaks',
  format: GITLEAKS_JSON_FORMAT,
  label: 'gitleaks JSON (gitleaks 8 --report-format json, or gitleaks 7 JSON)',
  sniff: (h) => {
    const t = h.trimStart();
    if (/^null\s*$/.test(t) || /^\[\s*\]\s*$/.test(t)) return true;
    return t.startsWith('[') && /"(?:RuleID|Secret|offender|rule)"\s*:/.test(t);
  },
  detectValue: looksLikeGitleaksJson,
  parseValue: parseGitleaksJsonValue,
});

export const gitleaksSarifParser: JsonReportParser = jsonReportParser({
  tool: 'gitleaks',
  format: GITLEAKS_SARIF_FORMAT,
  label: 'gitleaks SARIF (--report-format sarif, gitleaks 7 or 8)',
  sniff: (h) => {
    const t = h.trimStart();
    return t.startsWith('{') && /"runs"\s*:/.test(t) && /"name"\s*:\s*"gitleaks"/i.test(t);
  },
  detectValue: looksLikeGitleaksSarif,
  parseValue: parseGitleaksSarifValue,
});

/** Recognises CSV and JUnit and refuses them with the list of supported formats. */
export const gitleaksUnsupportedParser: ReportParser & { label: string } = {
  tool: 'gitleaks',
  format: 'gitleaks-unsupported',
  label: 'gitleaks CSV/JUnit (recognised, not supported)',
  detect(content: string): boolean {
    return unsupportedGitleaksFormat(content) !== undefined;
  },
  parse(content: string, file: string): ParsedReport {
    const what = unsupportedGitleaksFormat(content) ?? 'unknown format';
    throw new ReportParseError('gitleaks', file, '', `unsupported format: ${what}; supported: ${GITLEAKS_SUPPORTED}`);
  },
};

/** In detection order, for the registry. */
export const GITLEAKS_PARSERS: ReportParser[] = [gitleaksSarifParser, gitleaksJsonParser, gitleaksUnsupportedParser];

/** Keys whose string values hold a secret, or the text around one, in gitleaks JSON (v7, v8) and SARIF. */
const SECRET_KEYS = new Set(['secret', 'match', 'offender', 'text']);
const SECRET_MEMBER = /"(secret|match|offender|text)"\s*:\s*"((?:[^"\\\n]|\\.){1,65536})"/gi;

/**
 * The secret values a gitleaks report that could not be parsed still holds, found as best can be:
 * every string under `Secret`, `Match`, `offender` or (SARIF snippets) `text`, in the parsed value
 * or, when the text is not JSON, in each complete string member of the text. The report's tool is
 * `error` either way; these only keep the other tools' findings and copies scrubbed, as a report
 * that parsed would (fail closed: what cannot be found is not known).
 */
export function salvageGitleaksSecrets(raw: string): string[] {
  const out = new Set<string>();
  // A report that decoded secrets (`decoded:base64` and the like, anywhere in it): each value is
  // known in those encodings too, as a parsed report's are (encodedForms).
  const decodings = [...new Set(raw.match(/decoded:(?:base64|hex|percent)/g) ?? [])].join(' ');
  const add = (s: string) => {
    if (s === 'REDACTED') return;
    for (const v of [s, ...encodedForms(s, decodings || undefined)]) if (v.length >= MIN_KNOWN_SECRET) out.add(v);
  };
  let text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const head = text.trimStart();
  // CSV (`--report-format csv`): the Secret and Match columns.
  if (/^RuleID,/i.test(head)) {
    const [header, ...rows] = csvRows(head);
    const cols = (header ?? []).flatMap((name, k) => (/^(secret|match|offender)$/i.test(name.trim()) ? [k] : []));
    for (const row of rows) for (const k of cols) add(row[k] ?? '');
    return [...out];
  }
  // JUnit XML: each failure holds the finding as JSON text, XML-escaped.
  if (head.startsWith('<')) text = xmlUnescape(text);
  let value: unknown;
  try {
    value = parseJsonBounded(text);
  } catch {
    value = undefined;
    for (const m of text.matchAll(SECRET_MEMBER)) {
      try {
        const s: unknown = JSON.parse(`"${m[2]}"`);
        if (typeof s === 'string') add(s);
      } catch {
        // not a JSON string after all: nothing known from it
      }
    }
  }
  const walk = (v: unknown, depth: number): void => {
    if (v === null || typeof v !== 'object' || depth > 64) return;
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string') {
        if (SECRET_KEYS.has(k.toLowerCase())) add(x);
      } else walk(x, depth + 1);
    }
  };
  walk(value, 0);
  return [...out];
}

/** The rows of a CSV text (RFC 4180: quoted fields, `""` inside them, CRLF or LF). */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** XML character references and the five named entities, decoded (a JUnit report's text). */
function xmlUnescape(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos));/gi, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    const code = dec !== undefined ? Number(dec) : hex !== undefined ? parseInt(hex, 16) : undefined;
    if (code === undefined) return named[(name ?? '').toLowerCase()] ?? m;
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}
