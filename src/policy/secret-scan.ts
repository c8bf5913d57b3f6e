/**
 * The built-in secret scan of ADDED lines (pure: files in, findings out).
 *
 * Tuned to be useful rather than noisy, after the ideas of gitleaks' `generic-api-key` rule
 * (keyword + assignment operator + value, with an entropy floor and stop words) and detect-secrets'
 * `KeywordDetector` (quotes required in code files, optional in config files; a list of false
 * positives such as `None`, `""`, `${…}`):
 *
 * 1. Well-known token shapes anywhere on a line (AWS key ids, GitHub/GitLab/Slack/npm/PyPI/Stripe/
 *    Google tokens, private key headers, JWTs with a real header, credentials in URLs, bearer tokens),
 *    and credentials in context: an Authorization header's literal (`Authorization: Basic …`,
 *    `"Authorization": "Bearer …"`), `curl -u user:password`.
 * 2. Literal values assigned to keyword-named variables/keys (`password = "…"`, `"api_key": "…"`,
 *    `API_KEY=…` in .env, `token: …` in YAML, `?api_key=…&` in a URL's query, `ENV PASSWORD …` in a
 *    Dockerfile, `<password>…</password>`, `<add key="ApiKey" value="…"/>`, a .netrc's `login u
 *    password p`; plurals that still name secrets: `passwords`, `api_keys`; a key spelled with
 *    `\uXXXX` escapes). Not: references (`${TOKEN}`, `{{ secrets.X }}`, `os.environ[…]`,
 *    `settings.X`), placeholders (`changeme`, `<your-token>`, `xxxx`), values shorter than 8, type
 *    hints, parameters, comparisons, names that only mention the keyword (`token_url`,
 *    `password_hash`, `tokenizer`, `passwords_match`, `max_tokens`, a page's `NextToken`).
 * 3. High-entropy literals assigned to credential-sounding names outside the keyword list (`*_key`,
 *    `auth`, `credentials`…).
 *
 * A line is read as the file's language splits it (at a lone CR too: one git line may be a whole
 * file with CR-only line ends) and without NUL bytes (a UTF-16 file, which git calls binary).
 * Lock files, minified files and binary files are skipped. A line over 4 KB (minified or generated)
 * is read in part: rule 2 only (not its escaped keys nor a Dockerfile's `ENV NAME value`), in a
 * window of ~2 KB around each keyword mention (scanLongLine). A line holding `pragma: allowlist
 * secret` or `gitleaks:allow` is skipped. Findings in test files are kept at severity low. A
 * finding never holds the clear value: the snippet is redacted and the fingerprint uses a hash.
 * Every regular expression is bounded and applied to a line, or a window of one, of at most 4 KB.
 */
import { withoutNul, type ChangedFile } from '../change/diff.js';
import { ALLOWLIST_SECRET, GITLEAKS_ALLOW } from './suppressions.js';
import { withKnownSecrets, type Confidence, type Finding, type ParsedReport, type ScanError, type Severity } from '../reports/model.js';
import { MIN_KNOWN_SECRET, SecretScrubber, secretHash } from '../util/redact.js';

export const DEFAULT_SECRET_KEYWORDS: readonly string[] = ['api_key', 'secret', 'password', 'token'];

export interface SecretScanOptions {
  /** Names that make an assignment suspicious, case-insensitive (default api_key, secret, password, token). */
  keywords?: readonly string[];
  /** `sourceFile` of the findings (default `added lines`). */
  sourceFile?: string;
  /** Lines longer than this are read in part, as minified/generated: rule 2 near the keywords only (default 4096). */
  maxLineLength?: number;
}

export type SecretRuleId =
  | 'keyword-assignment'
  | 'high-entropy-string'
  | 'aws-access-key-id'
  | 'github-token'
  | 'gitlab-token'
  | 'slack-token'
  | 'slack-webhook-url'
  | 'private-key'
  | 'jwt'
  | 'google-api-key'
  | 'stripe-secret-key'
  | 'pypi-token'
  | 'npm-token'
  | 'url-credentials'
  | 'bearer-token'
  | 'basic-auth';

export const SECRET_RULE_NAMES: Record<SecretRuleId, string> = {
  'keyword-assignment': 'Literal value assigned to a secret-named variable',
  'high-entropy-string': 'High-entropy literal assigned to a credential-named variable',
  'aws-access-key-id': 'AWS access key id',
  'github-token': 'GitHub token',
  'gitlab-token': 'GitLab personal access token',
  'slack-token': 'Slack token',
  'slack-webhook-url': 'Slack webhook URL',
  'private-key': 'Private key',
  jwt: 'JSON Web Token',
  'google-api-key': 'Google API key',
  'stripe-secret-key': 'Stripe secret key',
  'pypi-token': 'PyPI upload token',
  'npm-token': 'npm access token',
  'url-credentials': 'Password in a URL',
  'bearer-token': 'Bearer token',
  'basic-auth': 'HTTP Basic credentials',
};

/** One hit on one line, before it becomes a Finding. `secret` is the clear value: never leaves this module. */
export interface SecretHit {
  ruleId: SecretRuleId;
  /** 0-based start of the secret in the line. */
  start: number;
  secret: string;
  /** The variable/key name, for keyword rules. */
  name?: string;
  entropy: number;
  confidence: Confidence;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

const LOCK_FILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'poetry.lock',
  'pipfile.lock',
  'uv.lock',
  'pdm.lock',
  'cargo.lock',
  'composer.lock',
  'gemfile.lock',
  'go.sum',
  'packages.lock.json',
  '.secrets.baseline',
]);

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const extension = (p: string) => {
  const b = basename(p).toLowerCase();
  const i = b.lastIndexOf('.');
  return i > 0 ? b.slice(i + 1) : '';
};

/** Files the scan does not read: lock files, minified bundles, source maps. */
export function isSkippedPath(path: string): boolean {
  const b = basename(path).toLowerCase();
  if (LOCK_FILES.has(b) || b.endsWith('.lock')) return true;
  return /\.min\.(?:js|css|mjs)$/.test(b) || b.endsWith('.map');
}

const isDockerfile = (b: string) => b === 'dockerfile' || b.startsWith('dockerfile.') || b.endsWith('.dockerfile') || b === 'containerfile';
const isNetrc = (b: string) => b === '.netrc' || b === '_netrc' || b === '.authinfo';

/** Config-like files where values are often unquoted (.env, YAML, INI, shell, Dockerfile…). */
function quotesOptional(path: string): boolean {
  const b = basename(path).toLowerCase();
  const ext = extension(path);
  if (b === '.env' || b.startsWith('.env.') || b.endsWith('.env')) return true;
  if (isDockerfile(b) || isNetrc(b)) return true;
  if (['.npmrc', '.pypirc', '.yarnrc', '.pgpass', 'pip.conf', 'pip.ini'].includes(b)) return true;
  if (['yaml', 'yml', 'ini', 'cfg', 'conf', 'properties', 'env', 'toml', 'sh', 'bash', 'zsh', 'ksh', 'envrc', 'service'].includes(ext)) return true;
  return ext === '' && !b.includes('.');
}

/**
 * How a file's lines are read for assignments: values unquoted or not (`quotesOpt`), `ENV NAME value`
 * (a Dockerfile), `password value` (a .netrc).
 */
interface Syntax {
  quotesOpt: boolean;
  dockerfile: boolean;
  netrc: boolean;
}

function syntaxOf(path: string): Syntax {
  const b = basename(path).toLowerCase();
  return { quotesOpt: quotesOptional(path), dockerfile: isDockerfile(b), netrc: isNetrc(b) };
}

/** Test code: findings there are kept, at a lower severity. */
export function isTestPath(path: string): boolean {
  const p = `/${path.toLowerCase()}`;
  if (/\/(?:tests?|__tests__|spec|specs|fixtures?|testdata|test_data|__fixtures__|__mocks__)\//.test(p)) return true;
  const b = basename(p);
  return /^test_.*\.py$|_tests?\.py$|^conftest\.py$|\.(?:test|spec)\.[cm]?[jt]sx?$|_test\.go$/.test(b);
}

/** The markers gitleaks and detect-secrets skip a line for (suppressions.ts lists where a change adds them). */
const ALLOW_PRAGMA = new RegExp(`${ALLOWLIST_SECRET.source}|${GITLEAKS_ALLOW.source}`, 'i');

// ---------------------------------------------------------------------------------------------
// 1. Well-known shapes

interface ShapeRule {
  id: SecretRuleId;
  re: RegExp;
  /** Capture group holding the secret (0 = whole match). */
  group?: number;
  /** Minimum entropy of the secret (gitleaks uses ~3 for token rules). */
  minEntropy?: number;
  check?: (secret: string) => boolean;
  /** Read in context (a header's name, a command's option): dropped where a shape already found the span. */
  context?: boolean;
  /** When set, the match counts only if this holds of the 300 characters before it (`curl` before `-u`). */
  after?: RegExp;
}

/** An Authorization header's credential: a literal as a keyword's unquoted value is, not cut short in documentation (`eyJhbGciOi...`). */
const headerCredential = (s: string) => !s.includes('...') && acceptableLiteral(s, 'authorization', false);

const notExample = (s: string) => !/EXAMPLE$/i.test(s) && !/(?:x{6}|X{6}|0{8}|\*{4})/.test(s);

function jwtHasHeader(token: string): boolean {
  const head = token.slice(0, token.indexOf('.'));
  try {
    const json = Buffer.from(head, 'base64url').toString('utf8');
    const parsed: unknown = JSON.parse(json);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && ('alg' in parsed || 'typ' in parsed);
  } catch {
    return false;
  }
}

const SHAPES: readonly ShapeRule[] = [
  { id: 'aws-access-key-id', re: /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}\b/g, minEntropy: 3, check: notExample },
  { id: 'github-token', re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g, minEntropy: 3, check: notExample },
  { id: 'github-token', re: /\bgithub_pat_[A-Za-z0-9_]{50,255}\b/g, minEntropy: 3, check: notExample },
  { id: 'gitlab-token', re: /\bglpat-[A-Za-z0-9_-]{20,64}(?![A-Za-z0-9_-])/g, minEntropy: 3, check: notExample },
  { id: 'slack-token', re: /\bxox[abposr]-[0-9]{6,20}-[A-Za-z0-9-]{6,250}/g, minEntropy: 3, check: notExample },
  { id: 'slack-webhook-url', re: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{20,200}/g, check: notExample },
  { id: 'private-key', re: /-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----/g },
  // Starts where a base64url run starts: from every `eyJ` of `-eyJ-eyJ…` a 4 KB line cost 6 ms.
  { id: 'jwt', re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,2000}\.[A-Za-z0-9_-]{10,2000}/g, minEntropy: 3, check: jwtHasHeader },
  { id: 'google-api-key', re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, minEntropy: 3, check: notExample },
  { id: 'stripe-secret-key', re: /\b[sr]k_live_[0-9A-Za-z]{20,99}\b/g, minEntropy: 3, check: notExample },
  { id: 'pypi-token', re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,300}/g, minEntropy: 3 },
  { id: 'npm-token', re: /\bnpm_[A-Za-z0-9]{36}\b/g, minEntropy: 3, check: notExample },
  {
    id: 'url-credentials',
    re: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@/'"`]{1,100}:([^\s:@/'"`]{1,200})@[^\s@/'"`]{1,200}/gi,
    group: 1,
    check: (s) => !isPlaceholder(s) && !looksLikeReference(s) && s.length >= 8,
  },
  {
    id: 'bearer-token',
    re: /\bBearer\s{1,4}([A-Za-z0-9._~+/-]{20,2000}=*)/g,
    group: 1,
    minEntropy: 3.5,
    check: (s) => !isPlaceholder(s),
  },
  // An Authorization header given a literal credential: `Authorization: Basic dXNl…`, `"Authorization":
  // "Bearer …"`, `-H 'authorization: token …'`, `setRequestHeader("Authorization", "Bearer …")`. A
  // bearer token shorter than 20 or of low entropy passed the rule above. The header's name (with its
  // closing quotes, `\"` in a notebook), `:`, `=`, `=>` or `,`, an opening quote, the scheme, then the
  // credential (RFC 6750's b64token), which must end the header: a quote, a space, `,;)]}\` or the
  // line's end. So `Bearer ${TOKEN}`, `Bearer {token}`, `Basic $CREDS`, `Bearer %s`, `"Bearer " +
  // token` and `Bearer <token>` hold no literal, and `Bearer abc${x}` is not taken in part (then
  // headerCredential).
  {
    id: 'basic-auth',
    re: /\bauthorization[\\'"`\]]{0,4}\s{0,4}(?:=>|[:=,])\s{0,4}\\?['"`]?\s{0,4}basic\s{1,4}([A-Za-z0-9._~+/-]{1,2000}={0,8})(?=[\s'"`,;)\]}\\]|$)/gi,
    group: 1,
    context: true,
    check: headerCredential,
  },
  {
    id: 'bearer-token',
    re: /\bauthorization[\\'"`\]]{0,4}\s{0,4}(?:=>|[:=,])\s{0,4}\\?['"`]?\s{0,4}(?:bearer|token)\s{1,4}([A-Za-z0-9._~+/-]{1,2000}={0,8})(?=[\s'"`,;)\]}\\]|$)/gi,
    group: 1,
    context: true,
    check: headerCredential,
  },
  // `curl -u user:password`, `curl --user "user:password"`, `--user=user:password`: the password
  // (`-u "$USER:$PASS"`, `-u user` and `-u {user}:{password}` hold none). Only after `curl` on the
  // line, in the same command (no `;`, `|`, `&&` between): `-u` is an unrelated option of rsync,
  // docker, git push… (`rsync -u host:dir/x`, `curl -O … && rsync -u host:dir/x`).
  {
    id: 'basic-auth',
    re: /(?<![\w-])(?:-u\s{1,4}|--user(?:\s{1,4}|=))(["']?)[^\s"'`:]{1,100}:([^\s"'`]{1,200})\1(?=[\s"'`]|$)/g,
    group: 2,
    context: true,
    after: /\bcurl(?:\.exe)?\b(?:[^;|&]|&(?!&))*$/i,
    check: (s) => acceptableLiteral(s, 'password', true),
  },
];

function scanShapes(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const rule of SHAPES) {
    rule.re.lastIndex = 0;
    for (const m of text.matchAll(rule.re)) {
      const group = rule.group ?? 0;
      const whole = m[0];
      const secretRaw = m[group];
      if (secretRaw === undefined) continue;
      // a context rule's secret ends its match (the value may also be found in `Authorization: Bearer orization`)
      const start = (m.index ?? 0) + (group === 0 ? 0 : rule.context ? whole.lastIndexOf(secretRaw) : whole.indexOf(secretRaw));
      if (rule.id === 'private-key') {
        // A key starts here when the header ends the line (a PEM file, a YAML/""" block) or is
        // followed by the key body in the same string (`"-----BEGIN…-----\nMIIE…"`); a header
        // quoted on its own is a parser's constant or documentation, not a key.
        const afterAll = text.slice(start + whole.length);
        // The body is every line of it the string holds (`\\n`-separated, up to the END line or
        // the string's end), not the first: the snippet would show the rest in clear.
        const bodyMatch = /^(?:\\r)?\\n([A-Za-z0-9+/=]{20,4096}(?:(?:\\r)?\\n[A-Za-z0-9+/=]{1,4096}){0,400})/.exec(afterAll);
        if (bodyMatch?.[1]) {
          const body = bodyMatch[1];
          hits.push({ ruleId: rule.id, start: text.indexOf(body, start + whole.length), secret: body, entropy: shannonEntropy(body), confidence: 'high' });
        } else if (afterAll.trim() === '') {
          hits.push({ ruleId: rule.id, start, secret: whole, entropy: shannonEntropy(whole), confidence: 'high' });
        }
        continue;
      }
      const entropy = shannonEntropy(secretRaw);
      if (rule.minEntropy !== undefined && entropy < rule.minEntropy) continue;
      if (rule.after && !rule.after.test(text.slice(Math.max(0, (m.index ?? 0) - 300), m.index ?? 0))) continue;
      if (rule.check && !rule.check(secretRaw)) continue;
      // `Authorization: token ghp_…`: the token's own rule found it
      if (rule.context && hits.some((h) => start < h.start + h.secret.length && h.start < start + secretRaw.length)) continue;
      hits.push({ ruleId: rule.id, start, secret: secretRaw, entropy, confidence: 'high' });
    }
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------
// 2./3. Assignments to secret-named variables

const IDENT = /[A-Za-z0-9_.$@-]/;
/** Space around an operator: any Unicode space (JavaScript takes a no-break or an em space there). */
const isSpace = (c: string | undefined) => c !== undefined && /[\s\uFEFF]/.test(c);
const isIdentChar = (c: string | undefined) => c !== undefined && IDENT.test(c);

/** Words that may follow the keyword in a name that still holds a secret (`secret_key`, `password_b64`). */
const SECRET_SUFFIX_WORDS = new Set([
  'key', 'value', 'val', 'str', 'string', 'secret', 'token', 'password', 'pass', 'passwd', 'pwd', 'b64', 'base64', 'hex',
  'raw', 'plain', 'plaintext', 'clear', 'data', 'bytes', 'text', 'base', 'override', 'default', 'prod', 'production',
  'dev', 'development', 'staging', 'stage', 'test', 'live', 'local', 'ci', 'old', 'new', 'current', 'primary',
  'secondary', 'backup', 'admin', 'root', 'user', 'master', 'main', 'private', 'access', 'auth', 'bearer', 'api',
  'app', 'client', 'bot', 'service', 'account', 'refresh', 'session', 'signing', 'encryption', 'hmac', 'jwt', 'oauth',
]);

/**
 * Keyword words whose plural still names secrets (`passwords`, `client_secrets`, `api_keys`); not
 * `token` (`max_tokens`, `num_tokens` count a model's tokens).
 */
const PLURAL_WORDS = new Set(['password', 'passwd', 'pwd', 'secret', 'key', 'apikey', 'credential']);

/** Second-tier words for the entropy rule (names the keywords miss). */
const CREDENTIAL_WORDS = new Set(['key', 'apikey', 'auth', 'credential', 'credentials', 'creds', 'passwd', 'pwd', 'pass', 'privatekey', 'signature', 'signing', 'bearer', 'cookie']);

/** Split a name into lower-case words: `DB_PASSWORD` -> db,password; `apiKey` -> api,key; `x-api-key`. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_\-.$@]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w !== '');
}

/**
 * Does the name hold a secret according to `keyword`? The keyword's words must appear as whole
 * words (or as the end of one: `mypassword`, `accesstoken`), and every word after them must be one
 * that still names a secret (`secret_key` yes, `token_url` / `password_hash` / `tokenizer` no).
 */
export function nameMatchesKeyword(name: string, keyword: string): boolean {
  const words = nameWords(name.slice(name.lastIndexOf('.') + 1));
  const kw = nameWords(keyword);
  if (kw.length === 0 || words.length === 0) return false;
  const joined = kw.join('');
  // A page's cursor, not a credential: `NextToken`, `page_token`, `continuationToken` (AWS and Google
  // APIs; their XML responses, `<nextToken>…</nextToken>`, fill test fixtures).
  if (kw[kw.length - 1] === 'token' && /(?:next|page|continuation|pagination|prev|previous)token/.test(words.join(''))) return false;
  // A number joined to the keyword's last word counts as one after it (`password2`, `apiKey2`, as
  // `password_2`): the words split at a case change or `_`, not at a digit, and hid the value.
  const bare = (w: string) => w.replace(/(?<=[a-z])\d{1,3}$/, '');
  // The keyword's plural as a word of its own (`passwords`, `api_keys`, `clientSecrets`), where it
  // still names secrets; the words after it are held to the same list (`passwords_match`: no).
  const plural = PLURAL_WORDS.has(kw[kw.length - 1] as string) ? 's' : undefined;
  const is = (w: string | undefined, k: string) => w !== undefined && (w === k || bare(w) === k || (plural !== undefined && bare(w) === k + plural));
  for (let i = 0; i < words.length; i++) {
    let end = -1;
    if (kw.every((k, j) => (j === kw.length - 1 ? is(words[i + j], k) : words[i + j] === k))) end = i + kw.length;
    else if (bare(words[i] as string).endsWith(joined) || (plural !== undefined && bare(words[i] as string).endsWith(joined + plural))) end = i + 1;
    else {
      // The keyword written across a case change (`passWord`, `userPassWord`): split in two words.
      let cat = words[i] as string;
      let k = i + 1;
      while (cat.length < joined.length && k < words.length) cat += words[k++] as string;
      if (k > i + 1 && bare(cat).endsWith(joined)) end = k;
    }
    if (end < 0) continue;
    const rest = words.slice(end);
    if (rest.every((w) => SECRET_SUFFIX_WORDS.has(w) || /^v?\d{1,3}$/.test(w))) return true;
  }
  return false;
}

function nameIsCredential(name: string): boolean {
  // Most names hold none of the words: not split at all (every operator of a line asks).
  if (!/key|auth|cred|pass|pwd|sign|bearer|cookie/i.test(name)) return false;
  const words = nameWords(name.slice(name.lastIndexOf('.') + 1));
  if (words.length === 0) return false;
  const last = words[words.length - 1] as string;
  if (words.includes('public')) return false; // a public key is not a secret
  // the credential word must end the name: `signing_key`, `auth` yes; `key_id`, `auth_url` no
  return CREDENTIAL_WORDS.has(last) || (last.endsWith('key') && last.length > 3 && /(?:api|private|secret|access|signing|master|app|client)key$/.test(last));
}

const PLACEHOLDER_WORDS = [
  'changeme', 'change_me', 'change-me', 'changeit', 'placeholder', 'example', 'dummy', 'fake', 'sample', 'redacted',
  'your_', 'your-', 'yourtoken', 'yourpassword', 'yoursecret', 'yourkey', 'replace_me', 'replaceme', 'replace-me', 'insert_', 'insert-',
  'todo', 'fixme', 'xxxx', '****', '....', '<', '>', 'notreal', 'not_real', 'not-a-real', 'not_a_real', 'secret_here',
  'token_here', 'password_here', 'key_here', 'here_', 'redact',
];

/**
 * The example credentials of the HTTP auth and OAuth RFCs (2617, 6749, 6750), quoted as they are in
 * the docstrings of every library that implements them: `Authorization: Basic czZCaGRSa3F0MzpnWDFm…`.
 */
const RFC_EXAMPLES = new Set([
  'QWxhZGRpbjpvcGVuIHNlc2FtZQ==', 'czZCaGRSa3F0MzpnWDFmQmF0M2JW', 'mF_9.B5f-4.1JqM', 'h480djs93hd8', '2YotnFZFEjr1zCsicMWpAA',
  'tGzv3JOkF0XG5Qx2TlKWIA', 'SplxlOBeZQQYbYS6WxSbIA',
]);

export function isPlaceholder(value: string): boolean {
  if (RFC_EXAMPLES.has(value)) return true;
  const v = value.toLowerCase();
  if (PLACEHOLDER_WORDS.some((w) => v.includes(w))) return true;
  if (/^(.)\1+$/.test(v)) return true; // aaaaaaaa, 00000000
  return /^(?:none|null|nil|undefined|true|false|yes|no|on|off|empty|string|str|bytes|password|secret|token|api_key|apikey)$/.test(v);
}

/** `${X}`, `{{ x }}`, `$X`, `%X%`, `$(cmd)`, `<%= x %>`, `%(x)s`, `{x}` templates and variable references. */
export function looksLikeReference(value: string): boolean {
  const v = value.trim();
  if (/\$\{|\{\{|\}\}|\$\(|%\(|<%|%>|#\{/.test(v)) return true;
  if (/^\$[A-Za-z_{(]/.test(v)) return true;
  if (/^%[A-Za-z_][A-Za-z0-9_]*%$/.test(v)) return true;
  if (/^\{[A-Za-z_][A-Za-z0-9_.]*\}$/.test(v)) return true;
  return false;
}

function acceptableLiteral(value: string, name: string, quoted: boolean): boolean {
  const v = value.trim();
  if (v.length < 8 || v.length > 1000) return false;
  if (/\s/.test(v)) return false; // a sentence: a prompt or a message, not a credential
  if (isPlaceholder(v) || looksLikeReference(v)) return false;
  if (v.toLowerCase() === name.toLowerCase()) return false;
  if (/^(?:\/|\.\.?\/|~\/|[a-z][a-z0-9+.-]{1,20}:\/\/)/i.test(v)) return false; // a path or a URL (URL passwords: own rule)
  if (/^[\w.-]{1,200}\.(?:txt|json|pem|key|crt|cer|p12|pfx|ya?ml|env|cfg|ini|toml|py|js|ts)$/i.test(v)) return false; // a file name
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(v)) return false; // the NAME of a variable/setting (`"GITHUB_TOKEN"`)
  // plain words: `NextToken`, `notasecret`, `subject-token-value`, `PAGE_TOKEN` (identifiers and prose, not credentials)
  if (/^(?:[a-z]+|[A-Z]+|[A-Z]?[a-z]+(?:[A-Z][a-z]+)+|[A-Z][a-z]+)$/.test(v)) return false;
  if (/^[a-z]+(?:[-_][a-z]+)+$/.test(v) || /^[A-Z]+(?:[-_][A-Z]+)+$/.test(v)) return false;
  if (/^[A-Za-z]+(?:\.[A-Za-z]+)+$/.test(v)) return false; // a dotted name: `Marker.NextToken`
  if (/\(\?|\\[dswbDSWB]|\[\^/.test(v)) return false; // a regular expression
  if (/^[A-Za-z_][\w.]*\[[A-Za-z_][\w., [\]]*\]$/.test(v)) return false; // a type: `list[V1ObjectReference]` (an API model's field types)
  if (/^(?:arn|urn):/i.test(v)) return false; // a resource name
  if (!quoted) {
    if (/^[$%!&*<{[|>(]/.test(v) || /[()]/.test(v)) return false; // yaml tags/anchors, calls, blocks
    if (/^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(v)) return false; // settings.SECRET_KEY
    if (/^\d+$/.test(v)) return false; // a number: a port, an id, a size
  }
  if (shannonEntropy(v) < 2) return false;
  return true;
}

interface Assignment {
  name: string;
  value: string;
  valueStart: number;
  quoted: boolean;
}

/**
 * A value that follows its name after spaces, no operator (spacedMode): `line`, the rest of the line
 * (a Dockerfile's `ENV NAME value`); `token`, the next run of non-spaces (a .netrc's `password p`);
 * `embedded`, that run less the quotes that close the string it is in (`"machine h login u password
 * p"` in a script).
 */
type Spaced = 'line' | 'token' | 'embedded';

/** `<password>value</password>`, closed on the line: the element's text (`from`: after the start tag). */
function xmlElementValue(text: string, name: string, from: number): Assignment | undefined {
  const close = text.slice(from, from + 1004 + name.length).indexOf(`</${name}>`);
  if (close < 0) return undefined;
  return { name, value: text.slice(from, from + close), valueStart: from, quoted: false };
}

/**
 * The name at `[s, e)` is the quoted value of a `key=` or `name=` attribute (`<add key="ApiKey"
 * value="…"/>`, `<property name="password" value="…"/>`); not an HTML form's `<input name=… value=…>`
 * (a page's CSRF token, a form's echo).
 */
function isAttributeName(text: string, s: number, e: number): boolean {
  const q = text[e];
  if ((q !== '"' && q !== "'") || text[s - 1] !== q) return false;
  const attr = /(?:^|[\s<])(key|name)\s{0,4}=\s{0,4}$/i.exec(text.slice(Math.max(0, s - 13), s - 1));
  return attr !== null && (attr[1]?.toLowerCase() === 'key' || !/<input\b[^<>]{0,300}$/i.test(text.slice(Math.max(0, s - 320), s)));
}

/**
 * Parse `<name><closing quotes>? <op> <value>` starting at the end of the name (index `e`).
 * Operators: `=`, `:`, `:=`, `=>`, `?=`; never `==`, `!=`, `<=`, `>=`. Also `<name>value</name>`,
 * `key="name" value="value"`, and spaces alone where the file's syntax takes them (`spaced`).
 */
function parseAssignment(text: string, nameStart: number, e: number, quotesOpt: boolean, spaced?: Spaced): Assignment | undefined {
  const name = text.slice(nameStart, e);
  if (text.slice(Math.max(0, nameStart - 2), nameStart) === '::') return undefined; // `AWS::X::ApiKey`: a type name
  if (text[nameStart - 1] === '<' && text[e] === '>') return xmlElementValue(text, name, e + 1);
  let j = e;
  let closers = 0;
  while (closers < 3 && j < text.length && `'"\`]`.includes(text[j] as string)) {
    j++;
    closers++;
  }
  while (isSpace(text[j])) j++;
  let op: string | undefined;
  const two = text.slice(j, j + 2);
  if (two === ':=' || two === '=>' || two === '?=') op = two;
  else if (two === '==' || two === '!=' || two === '<=' || two === '>=' || two === '::') return undefined;
  else if (text[j] === '=' || text[j] === ':') op = text[j];
  if (op === undefined) {
    // the next attribute holds the value: `<add key="ApiKey" value="…"/>`, `<property name="password" value="…"/>`
    const attr = closers === 1 && isAttributeName(text, nameStart, e) ? /^value\s{0,4}=/i.exec(text.slice(j, j + 12)) : null;
    if (attr) op = attr[0];
    else if (spaced !== undefined && closers === 0 && j > e) op = '';
    else return undefined;
  }
  j += op.length;
  while (isSpace(text[j])) j++;
  // `token: str = "…"` (a type hint followed by a default): step over the annotation
  if (op === ':' && !quotesOpt) {
    let k = j;
    while (k < text.length && k - j < 80 && /[A-Za-z0-9_.[\], |]/.test(text[k] as string)) k++;
    if (k > j && text[k] === '=' && text[k + 1] !== '=') {
      j = k + 1;
      while (isSpace(text[j])) j++;
    }
  }
  // string prefixes: r"…", b'…', f"…", u"…", @"…" (C#), $"…" (C# interpolated)
  let k = j;
  let interpolated = false;
  while (k < text.length && k - j < 2 && /[rRbBuUfF@$]/.test(text[k] as string)) {
    if (/[fF$]/.test(text[k] as string)) interpolated = true;
    k++;
  }
  const q = text[k];
  // code embedded in a JSON string (a notebook cell): `password = \"hunter2\"`
  if (q === '\\' && (text[k + 1] === '"' || text[k + 1] === "'")) {
    const close = text.indexOf(`\\${text[k + 1]}`, k + 2);
    if (close < 0 || close - k > 1002) return undefined;
    const value = text.slice(k + 2, close);
    if (interpolated && /[{}]/.test(value)) return undefined;
    return { name, value, valueStart: k + 2, quoted: true };
  }
  if (q === '"' || q === "'" || q === '`') {
    if (text.slice(k, k + 3) === q.repeat(3)) {
      // A triple-quoted string closed on the same line (`password = """…"""`) is one line's literal;
      // one left open goes on to the next lines (a block: not read).
      const close = text.slice(k + 3, k + 1004).indexOf(q.repeat(3));
      if (close < 0) return undefined;
      const value = text.slice(k + 3, k + 3 + close);
      if (interpolated && /[{}]/.test(value)) return undefined;
      return { name, value, valueStart: k + 3, quoted: true };
    }
    let end = k + 1;
    while (end < text.length && end - k <= 1001) {
      const c = text[end];
      if (c === '\\') {
        end += 2;
        continue;
      }
      if (c === q) break;
      end++;
    }
    if (end >= text.length || text[end] !== q) return undefined;
    const value = text.slice(k + 1, end);
    if (interpolated && /[{}]/.test(value)) return undefined;
    if (/^\s{0,4}(?:\.format\(|%\s{0,4}[(\w])/.test(text.slice(end + 1, end + 16))) return undefined; // a template
    if (q === '`' && value.includes('${')) return undefined;
    return { name, value, valueStart: k + 1, quoted: true };
  }
  // A URL's query (`…/v1?api_key=<value>&n=1`, in a string of any file) holds its values unquoted.
  const query = op === '=' && (text[nameStart - 1] === '?' || text[nameStart - 1] === '&');
  // An unquoted value is read from its start (`k` stepped over the letters of a string prefix): one
  // starting with r, b, u, f, `@` or `$` (`API_KEY=bQ8…`, `token: f9…`) was passed over.
  // A value after spaces alone (op ''): read as the file's syntax says. With an operator, as any
  // assignment (`ENV PASSWORD=… PORT=80` sets two variables: its rest is not the value's).
  if (!quotesOpt && !query && op !== '') return undefined;
  if (op === '') {
    let end = j;
    while (end < text.length && end - j < 1001 && !isSpace(text[end])) end++;
    let value = text.slice(j, end);
    // `ENV NAME a b`: the value holds spaces (a Dockerfile reads them all): not read rather than read in part
    if (spaced === 'line' && text.slice(end).trim() !== '') return undefined;
    if (spaced === 'embedded') {
      // the string holding the line closes after the value (`…password p\n"`, `…password p' >> ~/.netrc`)
      let cut = value.length;
      for (;;) {
        const c = value[cut - 1];
        if (c !== undefined && `"'\`;,)`.includes(c)) cut--;
        else if ((c === 'n' || c === 'r') && value[cut - 2] === '\\') cut -= 2;
        else break;
      }
      value = value.slice(0, cut);
    }
    if (value === '') return undefined;
    return { name, value, valueStart: j, quoted: false };
  }
  let end = j;
  while (end < text.length && end - j < 1001 && !(query ? /[\s'"`&#]/ : /[\s'"`]/).test(text[end] as string)) end++;
  let value = text.slice(j, end);
  value = value.replace(/[,;]+$/, '');
  if (value === '') return undefined;
  return { name, value, valueStart: j, quoted: false };
}

/** Keyword mentions read on one line (each may cost a value's scan of up to 1,000 characters). */
const MAX_MENTIONS = 64;

/**
 * `text` lower-cased, each character at its own index: a mention found in it is read in `text` at
 * the same index. `İ` (U+0130) is the one character that lower-cases to two: each moved every later
 * mention off its name (a few in another string of the line hid `password = "…"`). Such a line
 * lower-cases only A-Z (names are ASCII), in one linear pass; looked for first, as lower-casing a
 * megabyte of `İ` cost 40 ms before the pass and replacing each (`replaceAll`) 250 ms.
 */
function lowerAtSameIndex(text: string): string {
  if (!text.includes('\u0130')) {
    const lower = text.toLowerCase();
    if (lower.length === text.length) return lower;
  }
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Each keyword as it is searched for in a lower-cased line: [keyword as given, a spelling of it]. */
function keywordNeedles(keywords: readonly string[]): Array<[string, string]> {
  const needles: Array<[string, string]> = [];
  for (const kwRaw of keywords) {
    const kw = kwRaw.toLowerCase();
    // `api_key` is also written `apikey` / `apiKey` / `api-key` / `API_KEY`
    for (const v of new Set([kw, kw.replace(/[\s_-]+/g, ''), kw.replace(/[\s_-]+/g, '-'), kw.replace(/[\s_-]+/g, '_')])) {
      if (v !== '') needles.push([kwRaw, v]);
    }
  }
  return needles;
}

/**
 * The mentions in the line's order, the first MAX_MENTIONS read: taken keyword by keyword, 64
 * `api_key` in a comment after `password = "…"` used them all up first, and the value was passed
 * over. Past the bound (only a line stuffed with mentions) the line is not read whole: said (meta).
 * Costs one indexOf pass per spelling, stopped at the bound.
 */
function keywordMentions(lower: string, keywords: readonly string[], meta?: { capped?: boolean }): Array<[number, string, string]> {
  const mentions: Array<[number, string, string]> = [];
  // The first MAX_MENTIONS in the line are among each keyword's first MAX_MENTIONS (one more tells a line past the bound).
  for (const [kwRaw, kw] of keywordNeedles(keywords)) {
    let n = 0;
    for (let i = lower.indexOf(kw); i >= 0 && n++ <= MAX_MENTIONS; i = lower.indexOf(kw, i + kw.length)) mentions.push([i, kwRaw, kw]);
  }
  mentions.sort((a, b) => a[0] - b[0]);
  if (mentions.length > MAX_MENTIONS && meta) meta.capped = true;
  return mentions.slice(0, MAX_MENTIONS);
}

/** `[start, end)` of the name holding the mention at `i` (`length` long): at most 80 characters each side of it. */
function nameAround(text: string, i: number, length: number): [number, number] {
  let s = i;
  while (s > 0 && i - s < 80 && isIdentChar(text[s - 1])) s--;
  let e = i + length;
  while (e < text.length && e - i < 80 && isIdentChar(text[e])) e++;
  return [s, e];
}

/**
 * How a value may follow the name at `[s, e)` of `text` after spaces alone (parseAssignment): the
 * first name of a Dockerfile's `ENV NAME value` (legacy form; `lineStart`/`lineEnd`: `text` holds
 * the line's start/end), `password` as a .netrc has it, or after `machine <host> login <user>` on
 * any line (a .netrc written by a script: `echo "machine h login u password p" > ~/.netrc`).
 */
function spacedMode(text: string, s: number, e: number, syntax: Syntax, lineStart: boolean, lineEnd: boolean): Spaced | undefined {
  if (syntax.dockerfile && lineStart && lineEnd && s <= 24 && /^\s{0,8}ENV\s{1,8}$/i.test(text.slice(0, s))) return 'line';
  if ((s > 0 && !isSpace(text[s - 1])) || text.slice(s, e).toLowerCase() !== 'password') return undefined;
  if (syntax.netrc) return 'token';
  return /\b(?:machine\s{1,8}\S{1,200}|default)\s{1,8}login\s{1,8}\S{1,200}\s{1,8}$/.test(text.slice(Math.max(0, s - 440), s)) ? 'embedded' : undefined;
}

/** Rule 2: the literal assigned to the keyword-named name at `[s, e)`, when it is one worth reporting. */
function keywordAssignment(text: string, s: number, e: number, quotesOpt: boolean, spaced?: Spaced): SecretHit | undefined {
  const a = parseAssignment(text, s, e, quotesOpt, spaced);
  if (!a) return undefined;
  const name = a.name.replace(/^[-$@]+/, '');
  const value = a.value.trim();
  if (!acceptableLiteral(value, name, a.quoted)) return undefined;
  const entropy = shannonEntropy(value);
  return {
    ruleId: 'keyword-assignment',
    start: a.valueStart + a.value.indexOf(value),
    secret: value,
    name,
    entropy,
    confidence: entropy >= 3.5 && value.length >= 16 ? 'high' : 'medium',
  };
}

/**
 * Rule 2 over a line's keyword mentions (`lower`: its lowerAtSameIndex), each name read once
 * (`seenNames`, by its start in the line). `windowed` (a line over 4 KB, scanLongLine): each
 * mention is read in its window of the line only, and a value is taken only when read whole.
 */
function keywordHits(text: string, lower: string, keywords: readonly string[], syntax: Syntax, seenNames: Set<number>, meta: { capped?: boolean } | undefined, windowed: boolean): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const [i, kwRaw, kw] of keywordMentions(lower, keywords, meta)) {
    const from = windowed ? Math.max(0, i - WINDOW_BEFORE) : 0;
    const to = windowed ? Math.min(text.length, i + kw.length + WINDOW_AFTER) : text.length;
    const win = from === 0 && to === text.length ? text : text.slice(from, to);
    const [s, e] = nameAround(win, i - from, kw.length);
    if (!nameMatchesKeyword(win.slice(s, e), kwRaw) || seenNames.has(from + s)) continue;
    seenNames.add(from + s);
    const hit = keywordAssignment(win, s, e, syntax.quotesOpt, spacedMode(win, s, e, syntax, from === 0, to === text.length));
    if (!hit) continue;
    // A window that ends before the line may cut an unquoted value short (its rest would be left in
    // clear next to the masked part) or the look past a quoted one: only a value read whole counts.
    // Only spaces between the name and its value can push one that far (more than ~800 of them).
    if (to < text.length && hit.start + hit.secret.length + WINDOW_TAIL > win.length) continue;
    hits.push(from === 0 ? hit : { ...hit, start: from + hit.start });
  }
  return hits;
}

/**
 * `text` with its `\uXXXX` escapes of name characters (letters, digits, `_`, `-`) decoded, and at
 * each index of the result the index in `text` it comes from (one more: `text.length`); undefined
 * when none. `"pass\u0077ord": "…"` is JSON's (and JavaScript's, Python's) `"password": "…"`, the
 * keyword missed in it. An escaped backslash (`\\u0077`) is kept as it is. One pass, lines up to 4 KB.
 */
function decodeNameEscapes(text: string): { text: string; at: number[] } | undefined {
  if (!text.includes('\\u')) return undefined;
  const out: string[] = [];
  const at: number[] = [];
  let decoded = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && text[i + 1] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      const d = String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
      if (/^[A-Za-z0-9_-]$/.test(d)) {
        out.push(d);
        at.push(i);
        i += 5;
        decoded = true;
        continue;
      }
    }
    out.push(c);
    at.push(i);
    if (c === '\\' && i + 1 < text.length) {
      out.push(text[++i] as string);
      at.push(i);
    }
  }
  at.push(text.length);
  return decoded ? { text: out.join(''), at } : undefined;
}

/**
 * Rules 2 and 3 over a line read whole. A line with escaped name characters is read decoded, each
 * hit then taken back to the line: its start, and its value as the line has it (escapes included),
 * so the value masked is the one in the line.
 */
function scanAssignments(text: string, keywords: readonly string[], syntax: Syntax, meta?: { capped?: boolean }): SecretHit[] {
  const dec = decodeNameEscapes(text);
  if (!dec) return assignmentsOf(text, keywords, syntax, meta);
  return assignmentsOf(dec.text, keywords, syntax, meta).map((h) => {
    const start = dec.at[h.start] as number;
    const secret = text.slice(start, dec.at[h.start + h.secret.length]);
    return secret === h.secret ? { ...h, start } : { ...h, start, secret, entropy: shannonEntropy(secret) };
  });
}

function assignmentsOf(text: string, keywords: readonly string[], syntax: Syntax, meta?: { capped?: boolean }): SecretHit[] {
  const { quotesOpt } = syntax;
  const seenNames = new Set<number>();
  const hits = keywordHits(text, lowerAtSameIndex(text), keywords, syntax, seenNames, meta, false);
  // 3. the entropy rule: credential-sounding name, token-like literal, high entropy
  const consider = (s: number, e: number) => {
    if (seenNames.has(s)) return;
    seenNames.add(s);
    const a = parseAssignment(text, s, e, quotesOpt);
    if (!a) return;
    const name = a.name.replace(/^[-$@]+/, '');
    const value = a.value.trim();
    if (!acceptableLiteral(value, name, a.quoted)) return;
    if (value.length < 20 || !/^[A-Za-z0-9+/=_\-.~]+$/.test(value) || !/\d/.test(value) || !/[A-Za-z]/.test(value)) return;
    const entropy = shannonEntropy(value);
    const hex = /^[0-9a-f]+$/i.test(value);
    if (hex ? value.length < 32 || entropy < 3 : entropy < 4) return;
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return; // a UUID
    hits.push({ ruleId: 'high-entropy-string', start: a.valueStart + a.value.indexOf(value), secret: value, name, entropy, confidence: 'medium' });
  };
  // credential-sounding names: look at each assignment operator once
  let count = 0;
  for (let j = 0; j < text.length && count < 64; j++) {
    const c = text[j];
    if (c !== '=' && c !== ':') continue;
    let e = j;
    while (e > 0 && (`'"\`]`.includes(text[e - 1] as string) || isSpace(text[e - 1])) && j - e < 8) e--;
    let s = e;
    while (s > 0 && e - s < 80 && isIdentChar(text[s - 1])) s--;
    if (s === e || seenNames.has(s)) continue;
    const name = text.slice(s, e);
    if (!nameIsCredential(name) || keywords.some((k) => nameMatchesKeyword(name, k))) continue;
    // Only credential names count (each may cost a value's scan): counting every operator, a
    // one-line JSON's 64 first keys used the bound up and its `"auth": "…"` was never looked at.
    count++;
    consider(s, e);
  }
  return hits;
}

/**
 * Every hit on one line (shapes first; an assignment whose value overlaps a shape is not repeated).
 * `meta.capped`: set when the line names the keywords more than MAX_MENTIONS times (not read whole).
 */
export function scanLine(path: string, text: string, keywords: readonly string[] = DEFAULT_SECRET_KEYWORDS, meta?: { capped?: boolean }): SecretHit[] {
  if (ALLOW_PRAGMA.test(text)) return [];
  const shapes = scanShapes(text);
  const assignments = scanAssignments(text, keywords, syntaxOf(path), meta).filter(
    (a) => !shapes.some((s) => a.start < s.start + s.secret.length && s.start < a.start + a.secret.length),
  );
  const all = [...shapes, ...assignments];
  // one hit per span
  const out: SecretHit[] = [];
  for (const h of all.sort((a, b) => a.start - b.start || b.secret.length - a.secret.length)) {
    if (out.some((o) => o.start === h.start && o.secret === h.secret)) continue;
    out.push(h);
  }
  return out;
}

/**
 * Read from this far before a mention (a name reaches 80 characters back from it, and `?`, `&` or
 * `::` just before the name change how it is read)…
 */
const WINDOW_BEFORE = 100;
/**
 * …to this far after it: the name's rest (80), closing quotes, the operator and a type hint (~90),
 * a value of up to 1,000 characters, its closing quote and the 16 characters looked at after it
 * (`.format(`): ~1,200, and the rest for spaces around the operator.
 */
const WINDOW_AFTER = 2048;
/** A value is reported only when it and the 16 characters after its closing quote are in its window. */
const WINDOW_TAIL = 18;

/**
 * A line too long to read whole (over 4 KB: minified code, a notebook's base64 plot, a one-line
 * JSON): only rule 2, in a bounded window around each keyword mention. Skipping the line hid
 * `password = "…"` followed (or preceded) by 4 KB of padding. Rules 1 and 3 stay off: token shapes
 * and credential-sounding names turn up by chance in base64 blobs, a keyword assigned a literal
 * does not. A line without a keyword costs a lower-case pass and one indexOf per spelling; each
 * window is read as a line of at most ~2 KB, so no regular expression sees the whole line.
 */
function scanLongLine(path: string, text: string, lower: string, keywords: readonly string[], meta?: { capped?: boolean }): SecretHit[] {
  return keywordHits(text, lower, keywords, syntaxOf(path), new Set(), meta, true).sort((a, b) => a.start - b.start);
}

/**
 * ALLOW_PRAGMA on a line over 4 KB (`lower` its lowerAtSameIndex), tested only around the places
 * that hold a marker's start, not over the whole line.
 */
function hasAllowPragma(text: string, lower: string): boolean {
  for (const word of ['gitleaks:allow', 'allowlist']) {
    for (let i = lower.indexOf(word); i >= 0; i = lower.indexOf(word, i + word.length)) {
      // `pragma:` and up to 4 spaces before `allowlist`, `[ -]secret` after it
      if (ALLOW_PRAGMA.test(text.slice(Math.max(0, i - 12), i + 16))) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------

const SNIPPET_MAX = 240;

/** Rules that guess from context (kept at low severity in test code); token shapes are certain. */
const GENERIC_RULES: ReadonlySet<SecretRuleId> = new Set(['keyword-assignment', 'high-entropy-string', 'url-credentials', 'bearer-token', 'basic-auth']);

/**
 * The snippet of a hit on a line over 4 KB: cut from 60 characters before it to 240 after it
 * (scrubbing the whole line cost a pass over up to megabytes per finding, for 240 characters),
 * marked `…` where that cuts the line, so the scrubber masks the cut end of another secret of the
 * line (SecretScrubber.cutEnds); then capped as any snippet.
 */
function snippetOfLong(text: string, hit: SecretHit, secrets: string[], scrubber: SecretScrubber): string {
  const from = Math.max(0, hit.start - 60);
  const to = Math.min(text.length, hit.start + hit.secret.length + SNIPPET_MAX);
  const head = from > 0 ? '…' : '';
  return snippetOf(`${head}${text.slice(from, to)}${to < text.length ? '…' : ''}`, secrets, hit.start - from + head.length, scrubber);
}

function snippetOf(text: string, secrets: string[], column: number, scrubber: SecretScrubber): string {
  let red = scrubber.scrub(text);
  // belt and braces: nothing clear may survive
  for (const s of secrets) if (s.length >= 4 && red.includes(s)) red = red.split(s).join('REDACTED');
  red = red.trim();
  if (red.length <= SNIPPET_MAX) return red;
  const at = Math.max(0, Math.min(column - 60, red.length - SNIPPET_MAX));
  return `${at > 0 ? '…' : ''}${red.slice(at, at + SNIPPET_MAX)}…`;
}

function titleOf(h: SecretHit): string {
  const name = h.name !== undefined ? (h.name.length > 60 ? `${h.name.slice(0, 60)}…` : h.name) : undefined;
  switch (h.ruleId) {
    case 'keyword-assignment':
      return `Possible hard-coded secret: a literal value is assigned to "${name}"`;
    case 'high-entropy-string':
      return `Possible hard-coded credential: a high-entropy literal is assigned to "${name}"`;
    case 'private-key':
      return 'Private key added';
    default:
      return `${SECRET_RULE_NAMES[h.ruleId]} in an added line`;
  }
}

export interface SecretScanStats {
  filesScanned: number;
  filesSkipped: number;
  linesScanned: number;
  linesTooLong: number;
  linesAllowlisted: number;
}

/** Scan added lines; returns the findings and counters for the summary. */
export function scanChange(files: readonly ChangedFile[], opts: SecretScanOptions = {}): ParsedReport & { stats: SecretScanStats & Record<string, number> } {
  const keywords = (opts.keywords && opts.keywords.length > 0 ? opts.keywords : DEFAULT_SECRET_KEYWORDS).map((k) => k.trim()).filter((k) => k !== '');
  const maxLen = opts.maxLineLength ?? 4096;
  const sourceFile = opts.sourceFile ?? 'added lines';
  const stats: SecretScanStats = { filesScanned: 0, filesSkipped: 0, linesScanned: 0, linesTooLong: 0, linesAllowlisted: 0 };
  const findings: Finding[] = [];
  /** Findings whose title and `extra.name` quote a (shortened) name. */
  const named: Array<{ finding: number; hit: SecretHit }> = [];
  const seen = new Map<string, number>();
  const known = new Set<string>();
  /** Lines naming the keywords more than MAX_MENTIONS times: not read whole. */
  const capped: Array<{ path: string; line: number }> = [];
  for (const f of files) {
    if (f.status === 'deleted' || f.binary || f.symlink || isSkippedPath(f.path)) {
      if (f.addedLines.length > 0 || f.binary) stats.filesSkipped++;
      continue;
    }
    if (f.addedLines.length === 0) continue;
    stats.filesScanned++;
    const inTest = isTestPath(f.path);
    /** One line as the file's language reads it (`text`), at `at` in git's line `line`. */
    const scanPiece = (line: number, text: string, at: number): void => {
      // A line over the limit is read in part (rule 2 near the keywords, see scanLongLine): counted
      // apart from the lines read whole.
      const long = text.length > maxLen;
      const lower = long ? lowerAtSameIndex(text) : '';
      if (long) stats.linesTooLong++;
      else stats.linesScanned++;
      if (long ? hasAllowPragma(text, lower) : ALLOW_PRAGMA.test(text)) {
        stats.linesAllowlisted++;
        return;
      }
      const meta: { capped?: boolean } = {};
      const hits = long ? scanLongLine(f.path, text, lower, keywords, meta) : scanLine(f.path, text, keywords, meta);
      if (meta.capped && (capped[capped.length - 1]?.line !== line || capped[capped.length - 1]?.path !== f.path)) capped.push({ path: f.path, line });
      if (hits.length === 0) return;
      const secrets = hits.map((h) => h.secret);
      for (const x of secrets) known.add(x);
      // Each run of overlapping occurrences masked whole: masking one secret after another broke a
      // longer one holding a shorter (`"Zq81…"` and `"Zq81…Pq0a"` on one line), its tail left in clear.
      const lineScrubber = new SecretScrubber(secrets);
      for (const hit of hits) {
        // a name never carries a value in clear either (`ghp_… = "…"` is absurd, but cheap to rule out)
        const h = hit.name !== undefined ? { ...hit, name: lineScrubber.scrub(hit.name) } : hit;
        const generic = GENERIC_RULES.has(h.ruleId);
        const severity: Severity = generic && inTest ? 'low' : 'medium';
        const confidence: Confidence = generic && inTest ? 'low' : h.confidence;
        const base = `secret-scan:${h.ruleId}:${f.path}:${secretHash(h.secret)}`;
        const n = (seen.get(base) ?? 0) + 1;
        seen.set(base, n);
        const extra: Record<string, string | number | boolean | null> = { entropy: Math.round(h.entropy * 100) / 100, length: h.secret.length };
        if (inTest) extra.inTest = true;
        if (h.name !== undefined) extra.name = h.name.slice(0, 100);
        if (h.name !== undefined) named.push({ finding: findings.length, hit: h });
        findings.push({
          tool: 'secret-scan',
          ruleId: h.ruleId,
          ruleName: SECRET_RULE_NAMES[h.ruleId],
          title: titleOf(h),
          severity,
          confidence,
          cwe: 798,
          location: { path: f.path, line, column: at + h.start + 1 },
          snippet: long ? snippetOfLong(text, h, secrets, lineScrubber) : snippetOf(text, secrets, h.start, lineScrubber),
          fingerprint: n === 1 ? base : `${base}:${n}`,
          sourceFile,
          extra,
        });
      }
    };
    for (const { line, text: added } of f.addedLines) {
      // One line to git may be many to the file's language: CR-only line ends (classic Mac; Python,
      // YAML and dotenv read them as line ends) made a whole file one git line, skipped past 4 KB,
      // and one marker anywhere in it allowlisted all of it. Each is read on its own, at git's line.
      const text = withoutNul(added);
      const pieces = text.includes('\r') ? text.split('\r') : [text];
      let offset = 0;
      for (const piece of pieces) {
        const at = offset;
        offset += piece.length + 1;
        if (piece !== '' || pieces.length === 1) scanPiece(line, piece, at);
      }
    }
  }
  // Each line's own secrets are masked above; a value found on one line and quoted on another
  // (`# was <the old token>`) is masked here, in every finding of the scan (the engine leaves a
  // report's own secrets to it).
  const scrubber = new SecretScrubber(known, MIN_KNOWN_SECRET);
  if (scrubber.secrets.length > 0) {
    // A name is shortened in the title and in `extra`: scrubbed whole first, or the cut could keep
    // the start of another line's secret that the scrub would no longer recognise.
    for (const { finding, hit } of named) {
      const f = findings[finding] as Finding;
      const name = scrubber.scrub(hit.name as string);
      f.title = titleOf({ ...hit, name });
      if (f.extra) f.extra.name = name.slice(0, 100);
    }
    for (const f of findings) scrubber.scrubDeep(f);
  }
  // Never a silent pass: a line read in part is said, a scan error (the verdict warns at least).
  const scanErrors: ScanError[] = [];
  const first = capped[0];
  if (first) {
    const lines = capped.length === 1 ? 'an added line names' : `${capped.length} added lines name`;
    scanErrors.push({
      message: `${lines} the secret keywords more than ${MAX_MENTIONS} times (such as line ${first.line} of ${JSON.stringify(first.path)}): only the first ${MAX_MENTIONS} are read, so the scan of ${capped.length === 1 ? 'it' : 'them'} is partial`,
    });
  }
  const report = {
    tool: 'secret-scan' as const,
    format: 'added-lines',
    findings,
    skipped: [],
    scanErrors,
    stats: { ...stats, ...(capped.length > 0 ? { linesReadInPart: capped.length } : {}), findings: findings.length },
  };
  // The values found, to scrub from other tools' findings and copies.
  return withKnownSecrets(report, known);
}

/** The findings only (see `scanChange` for the counters). */
export function scanAddedLines(files: readonly ChangedFile[], opts: SecretScanOptions = {}): Finding[] {
  return scanChange(files, opts).findings;
}
