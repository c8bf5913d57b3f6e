/**
 * The built-in secret scan of added lines. Token-shaped test values are assembled at run time so
 * that this file itself does not trip secret scanners.
 */
import { describe, expect, it } from '@jest/globals';
import {
  isPlaceholder,
  nameMatchesKeyword,
  scanAddedLines,
  scanChange,
  scanLine,
  shannonEntropy,
} from '../../src/policy/secret-scan.js';
import { changedFile } from '../helpers/changed-file.js';

const j = (...parts: string[]) => parts.join('');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

const AWS_KEY = j('AKIA', 'Z3MSJV4WWNKWQ5FA');
const GH_TOKEN = j('ghp', '_', 'R4nd0mAlph4Num3r1cT0k3nV4lu3Xy7Zq9W2e');
const GH_PAT = j('github', '_pat_', '11ABCDEFG0', 'aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9wY1aC3eG5iK7mO9qS1uW3yA5cE7gI9kM1oQ3s');
const SLACK = j('xox', 'b-', '1234567890', '-', '9876543210123', '-', 'AbCdEfGhIjKlMnOpQrStUvWx');
const GOOGLE = j('AIza', 'SyD3kF9mQ2xL7pW4nR8tV1bZ6cH0jK5eY9u');
const STRIPE = j('sk', '_live_', '4eC39HqLyjWDarjtT1zdp7dcQxZ9');
const NPM = j('npm', '_', 'aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5');
const JWT = j(b64url('{"alg":"HS256","typ":"JWT"}'), '.', b64url('{"sub":"1234567890","name":"Jane Doe","iat":1516239022}'), '.', 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c');
const PEM_BODY = j('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'BKcwggSjAgEAAoIBAQC7');

/** [path, line, expected rule, the secret that must never appear] */
const MUST_FIND: Array<[string, string, string, string]> = [
  ['app/settings.py', 'password = "hunter2xyz"', 'keyword-assignment', 'hunter2xyz'],
  ['app/settings.py', "DB_PASSWORD = 'S3cr3tPa55!'", 'keyword-assignment', 'S3cr3tPa55!'],
  ['config/app.json', '  "api_key": "a8f5f167f44f4964e6c998dee827110c",', 'keyword-assignment', 'a8f5f167f44f4964e6c998dee827110c'],
  ['.env', 'API_KEY=q8Zk2LmN4pR7sT1v', 'keyword-assignment', 'q8Zk2LmN4pR7sT1v'],
  ['.env.production', 'export STRIPE_SECRET=Zq9vLm2kXp8wRt4n', 'keyword-assignment', 'Zq9vLm2kXp8wRt4n'],
  ['deploy/values.yaml', '  token: Zm9vYmFyYmF6cXV4MTIz', 'keyword-assignment', 'Zm9vYmFyYmF6cXV4MTIz'],
  ['deploy/values.yml', '  password: "Wq7!rT9#kL2m"', 'keyword-assignment', 'Wq7!rT9#kL2m'],
  ['app/client.py', 'client = Client(api_token="k9Dd82jdL0qpZ")', 'keyword-assignment', 'k9Dd82jdL0qpZ'],
  ['web/src/app.ts', 'const apiKey = "Zq81mKs92LdPq0aX";', 'keyword-assignment', 'Zq81mKs92LdPq0aX'],
  ['app/conf.py', 'self.secret_key = "dj4ng0-s3cr3t-k3y-v4lue"', 'keyword-assignment', 'dj4ng0-s3cr3t-k3y-v4lue'],
  ['app/conf.py', 'token: str = "tk8s7d6f5g4h3j2k1"', 'keyword-assignment', 'tk8s7d6f5g4h3j2k1'],
  ['app/conf.py', "os.environ['API_TOKEN'] = r'x9Lm2Qp7Zt4K'", 'keyword-assignment', 'x9Lm2Qp7Zt4K'],
  ['Dockerfile', 'ENV SERVICE_PASSWORD=pa55w0rdPr0d', 'keyword-assignment', 'pa55w0rdPr0d'],
  ['cmd/main.go', 'secret := "Aa1Bb2Cc3Dd4Ee5"', 'keyword-assignment', 'Aa1Bb2Cc3Dd4Ee5'],
  ['web/config.php', "$password = 'Tr0ub4dor&3';", 'keyword-assignment', 'Tr0ub4dor&3'],
  ['app/Config.cs', 'var clientSecret = @"Qw3rTy8uI0pAs";', 'keyword-assignment', 'Qw3rTy8uI0pAs'],
  ['notebooks/explore.ipynb', '    "db_password = \\"hunter2xyz\\"\\n",', 'keyword-assignment', 'hunter2xyz'],
  ['app/crypto.py', 'SIGNING_KEY = "tB8vF2kL9qZ3xW7mN4pR6sY1uJ5hC0dE"', 'high-entropy-string', 'tB8vF2kL9qZ3xW7mN4pR6sY1uJ5hC0dE'],
  ['app/aws.py', `aws_access_key_id = "${AWS_KEY}"`, 'aws-access-key-id', AWS_KEY],
  ['scripts/release.sh', `curl -H "Authorization: token ${GH_TOKEN}" https://api.github.com`, 'github-token', GH_TOKEN],
  ['README.md', `Use ${GH_PAT} to log in`, 'github-token', GH_PAT],
  ['app/notify.py', `SLACK = "${SLACK}"`, 'slack-token', SLACK],
  ['app/maps.js', `const maps = '${GOOGLE}';`, 'google-api-key', GOOGLE],
  ['app/pay.py', `stripe.api_key = "${STRIPE}"`, 'stripe-secret-key', STRIPE],
  ['.npmrc', `//registry.npmjs.org/:_authToken=${NPM}`, 'npm-token', NPM],
  ['app/auth.py', `DEMO = "${JWT}"`, 'jwt', JWT],
  ['keys/id_rsa', '-----BEGIN RSA PRIVATE KEY-----', 'private-key', '-----BEGIN RSA PRIVATE KEY-----'],
  ['app/keys.py', 'KEY = """-----BEGIN EC PRIVATE KEY-----', 'private-key', '-----BEGIN EC PRIVATE KEY-----'],
  ['deploy/values.yaml', '    -----BEGIN OPENSSH PRIVATE KEY-----', 'private-key', '-----BEGIN OPENSSH PRIVATE KEY-----'],
  ['app/keys.py', `KEY = "-----BEGIN PRIVATE KEY-----\\n${PEM_BODY}\\n-----END PRIVATE KEY-----"`, 'private-key', PEM_BODY],
  ['.env', 'DATABASE_URL=postgres://app:Xk29sLq0pZ8w@db.internal:5432/app', 'url-credentials', 'Xk29sLq0pZ8w'],
  ['app/api.py', 'headers = {"Authorization": "Bearer abcDEF123ghiJKL456mnoPQR789stu"}', 'bearer-token', 'abcDEF123ghiJKL456mnoPQR789stu'],
];

/** [path, line] that must produce nothing. */
const MUST_NOT_FIND: Array<[string, string]> = [
  ['app/settings.py', 'password = "changeme"'],
  ['app/settings.py', 'password = "change_me_please"'],
  ['app/settings.py', 'password = "xxxxxxxxxx"'],
  ['app/settings.py', 'token = "<your-token>"'],
  ['app/settings.py', 'api_key = "YOUR_API_KEY_HERE"'],
  ['app/settings.py', 'password = "password"'],
  ['app/settings.py', 'password = ""'],
  ['app/settings.py', "password = ''"],
  ['app/settings.py', 'password = None'],
  ['app/settings.py', 'password = "short"'],
  ['app/settings.py', 'password = input()'],
  ['app/settings.py', 'password = getpass.getpass("Password: ")'],
  ['app/settings.py', 'token = os.environ["TOKEN"]'],
  ['app/settings.py', 'token = os.environ.get("GITHUB_TOKEN", "")'],
  ['app/settings.py', 'token = os.getenv("TOKEN")'],
  ['app/settings.py', 'SECRET_KEY = settings.SECRET_KEY'],
  ['app/settings.py', 'token = "GITHUB_TOKEN"'],
  ['app/settings.py', 'token = f"{prefix}{value}"'],
  ['app/settings.py', 'password = "Please enter your password"'],
  ['app/settings.py', 'def login(token: str) -> None:'],
  ['app/settings.py', 'def f(password):'],
  ['app/settings.py', '    token: str'],
  ['app/settings.py', 'if token == other_token:'],
  ['app/settings.py', 'if password != "hunter2xyz":'],
  ['app/settings.py', 'token_url = "https://auth.example.org/oauth/token"'],
  ['app/settings.py', 'password_hash = "pbkdf2_sha256$260000$abcdef$0123456789"'],
  ['app/settings.py', 'tokenizer = "bert-base-uncased"'],
  ['app/settings.py', 'max_tokens = 4096000'],
  ['app/settings.py', 'SECRET_NAME = "prod/db/credentials"'],
  ['app/settings.py', 'secret_file = "/run/secrets/db_password"'],
  ['app/settings.py', 'print("Your token: " + token)'],
  ['app/settings.py', 'session_key = "123e4567-e89b-12d3-a456-426614174000"'],
  ['app/settings.py', 'cache_key = "user:profile:settings:v2"'],
  ['app/settings.py', 'git_sha = "da39a3ee5e6b4b0d3255bfef95601890afd80709"'],
  ['app/settings.py', 'password = "hunter2xyz"  # pragma: allowlist secret'],
  ['app/settings.py', `aws_access_key_id = "${j('AKIA', 'IOSFODNN7EXAMPLE')}"`],
  ['app/settings.py', `GH = "${j('ghp', '_', 'x'.repeat(36))}"`],
  ['web/src/app.ts', 'const token = process.env.TOKEN;'],
  ['web/src/app.ts', '  token: process.env.TOKEN,'],
  ['web/src/app.ts', 'const msg = `token=${token}`;'],
  ['.github/workflows/ci.yml', '          token: ${{ secrets.GITHUB_TOKEN }}'],
  ['.github/workflows/ci.yml', '          password: "${{ secrets.PW }}"'],
  ['chart/templates/secret.yaml', '  token: {{ .Values.token | b64enc }}'],
  ['config/app.yaml', 'api_key: ${API_KEY}'],
  ['config/app.yaml', 'password: !vault |'],
  ['config/app.yaml', 'password: null'],
  ['config/app.yaml', 'secret: settings.SECRET_VALUE'],
  ['.env', 'API_KEY='],
  ['.env', 'SECRET_KEY=changeme'],
  ['.env', 'TOKEN=${TOKEN}'],
  ['scripts/run.sh', 'API_KEY=$(cat /run/secrets/key)'],
  ['scripts/run.sh', 'export TOKEN="$GITHUB_TOKEN"'],
  ['scripts/run.sh', 'password="${DB_PASSWORD:-}"'],
  ['config/app.json', '  "password": "<PASSWORD>",'],
  ['docs/setup.md', 'Set the password in the settings page.'],
  ['app/settings.py', 'DATABASE_URL = "postgres://user:${DB_PASSWORD}@db/app"'],
  // seen as noise in a survey of installed Python/JS packages
  ['app/ssh.py', '_SK_START = b"-----BEGIN OPENSSH PRIVATE KEY-----"'],
  ['app/pem.py', "    ('-----BEGIN RSA PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----'),"],
  ['app/pem.py', '# "-----BEGIN RSA PRIVATE KEY-----...",'],
  ['data/paginators.json', '      "input_token": "NextToken",'],
  ['data/paginators.json', '      "output_token": "Marker.NextToken",'],
  ['data/paginators.json', '      "result_key": "ReservedNodeOfferings"'],
  ['data/spec.json', '    "AWS::ApiGateway::ApiKey": "4850c16e0c6d64b4",'],
  ['data/policy.json', '  "IAMUserChangePassword": "arn:aws:iam::aws:policy/IAMUserChangePassword",'],
  ['app/lexer.py', "_token = r'(?:[^\\s]+)' % (_punct, _core)"],
  ['app/lexer.py', "ident_pattern_token = '([{}][{}]*)'.format(start, cont)"],
  ['app/conf.py', "def from_string(key, password='notasecret'):"],
  ['container_info.json', '  "auth_public_key": "PD94bWwgdmVyc2lvbj0iMS4wIiBlbmNvZGluZz0i",'],
  ['app/conf.py', 'REQUEST_TYPE_ACCESS_TOKEN = "auth_request_access_token"'],
];

const file = changedFile;

describe('scanAddedLines: lines that must be found', () => {
  it.each(MUST_FIND)('%s: %s -> %s', (path, line, rule, secret) => {
    const findings = scanAddedLines([file(path, [line])]);
    expect(findings.map((f) => f.ruleId)).toEqual([rule]);
    const f = findings[0];
    expect(f).toMatchObject({ tool: 'secret-scan', severity: 'medium', location: { path, line: 1 }, cwe: 798 });
    // a private key header is not a secret (it stays readable); every other value must be gone
    if (rule !== 'private-key' || secret === PEM_BODY) expect(JSON.stringify(f)).not.toContain(secret);
  });
});

describe('scanAddedLines: lines that must not be found', () => {
  it.each(MUST_NOT_FIND)('%s: %s', (path, line) => {
    expect(scanLine(path, line)).toEqual([]);
  });
});

describe('redaction and identity', () => {
  const files = MUST_FIND.map(([path, line]) => file(path, [line]));
  const findings = scanAddedLines(files);

  it('never puts a clear value in a finding', () => {
    expect(findings).toHaveLength(MUST_FIND.length);
    const json = JSON.stringify(findings);
    for (const [, , rule, secret] of MUST_FIND) {
      if (rule === 'private-key' && secret !== PEM_BODY) continue; // a header is not a secret
      expect(json).not.toContain(secret);
    }
    for (const f of findings) expect(f.snippet).toMatch(/redacted|REDACTED|PRIVATE KEY/);
  });

  it('keeps the shape of the line in the snippet', () => {
    const [f] = scanAddedLines([file('app/settings.py', ['db_password = "hunter2xyz-prod"'])]);
    expect(f?.snippet).toBe('db_password = "hu****(redacted, 15 chars)"');
    expect(f?.title).toBe('Possible hard-coded secret: a literal value is assigned to "db_password"');
    expect(f?.location).toEqual({ path: 'app/settings.py', line: 1, column: 16 });
  });

  it('fingerprints hash the value and survive line shifts; repeats get a counter', () => {
    const a = scanAddedLines([file('a.py', ['password = "hunter2xyz"'])]);
    const b = scanAddedLines([file('a.py', ['', '', 'password = "hunter2xyz"', 'PASSWORD = "hunter2xyz"'])]);
    expect(b[0]?.fingerprint).toBe(a[0]?.fingerprint);
    expect(a[0]?.fingerprint).toMatch(/^secret-scan:keyword-assignment:a\.py:[0-9a-f]{12}$/);
    expect(a[0]?.fingerprint).not.toContain('hunter2xyz');
    expect(b[1]?.fingerprint).toBe(`${a[0]?.fingerprint}:2`);
  });

  it('reports several secrets on one line and redacts all of them in each snippet', () => {
    const found = scanAddedLines([file('app/x.py', [`creds = {"password": "hunter2xyz", "gh": "${GH_TOKEN}"}`])]);
    expect(found.map((f) => f.ruleId).sort()).toEqual(['github-token', 'keyword-assignment']);
    for (const f of found) {
      expect(f.snippet).not.toContain('hunter2xyz');
      expect(f.snippet).not.toContain(GH_TOKEN);
    }
  });
});

describe('what is scanned', () => {
  const secretLine = `token = "${GH_TOKEN}"`;
  it('skips lock files, minified files, binary files, deletions and symlinks', () => {
    const r = scanChange([
      file('package-lock.json', [secretLine]),
      file('poetry.lock', [secretLine]),
      file('static/app.min.js', [secretLine]),
      file('img.png', [], { binary: true }),
      file('gone.py', [secretLine], { status: 'deleted' }),
      file('link', [secretLine], { symlink: true }),
    ]);
    expect(r.findings).toEqual([]);
    expect(r.stats.filesScanned).toBe(0);
  });
  // A line over 4 KB is read in part: no token shapes (base64 blobs hold them by chance), but a
  // keyword assigned a literal near its mention. This said the padded `token = "…"` went unread.
  it('reads lines over 4 KB (minified or generated) only for a keyword assigned a literal', () => {
    const r = scanChange([file('bundle.js', [`${'a'.repeat(5000)} ${secretLine}`, secretLine])]);
    expect(r.findings.map((f) => [f.location?.line, f.ruleId])).toEqual([
      [1, 'keyword-assignment'],
      [2, 'github-token'],
    ]);
    expect(r.stats).toMatchObject({ linesTooLong: 1, linesScanned: 1, filesScanned: 1 });
  });
  it('keeps keyword findings in tests at low severity, token shapes at medium', () => {
    const found = scanAddedLines([file('tests/test_login.py', ['password = "hunter2xyz"', secretLine])]);
    expect(found.map((f) => [f.ruleId, f.severity, f.extra?.inTest])).toEqual([
      ['keyword-assignment', 'low', true],
      ['github-token', 'medium', true],
    ]);
  });
  it('uses the keywords given, case-insensitively', () => {
    const line = 'DB_PASSPHRASE = "c0rrect-h0rse-battery"';
    expect(scanAddedLines([file('a.py', [line])])).toEqual([]);
    expect(scanAddedLines([file('a.py', [line])], { keywords: ['PassPhrase'] }).map((f) => f.ruleId)).toEqual(['keyword-assignment']);
    expect(scanAddedLines([file('a.py', ['password = "hunter2xyz"'])], { keywords: ['passphrase'] })).toEqual([]);
  });
  it('names the source of the findings', () => {
    const [f] = scanAddedLines([file('a.py', ['password = "hunter2xyz"'])], { sourceFile: 'git diff abc..def' });
    expect(f?.sourceFile).toBe('git diff abc..def');
  });
  it('is linear on hostile lines', () => {
    const hostile = [
      'password'.repeat(500),
      `${'a_'.repeat(2000)}`,
      `eyJ${'a'.repeat(3000)}.eyJ${'b'.repeat(900)}`,
      `x://${'a'.repeat(1000)}:${'b'.repeat(1000)}`,
      `token = "${'\\'.repeat(3000)}`,
      '='.repeat(4000),
      `-----BEGIN${' A'.repeat(1000)}`,
      `-----BEGIN PRIVATE KEY-----\\n${' '.repeat(4000)}x`,
      `${'a'.repeat(1000)}NextToken`,
    ];
    const r = scanChange([file('a.env', hostile)]);
    expect(r.stats.linesScanned).toBe(hostile.length);
  });
});

describe('helpers', () => {
  it('entropy', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
  });
  it('placeholders', () => {
    for (const p of ['changeme', 'xxxxxxxx', '<token>', 'your_token_here', 'EXAMPLE_KEY', 'None', '********']) expect(isPlaceholder(p)).toBe(true);
    expect(isPlaceholder('hunter2xyz')).toBe(false);
  });
  it('names', () => {
    expect(nameMatchesKeyword('DB_PASSWORD', 'password')).toBe(true);
    expect(nameMatchesKeyword('apiKey', 'api_key')).toBe(true);
    expect(nameMatchesKeyword('X-API-KEY', 'api_key')).toBe(true);
    expect(nameMatchesKeyword('APIKEY', 'api_key')).toBe(true);
    expect(nameMatchesKeyword('accesstoken', 'token')).toBe(true);
    expect(nameMatchesKeyword('aws_secret_access_key', 'secret')).toBe(true);
    expect(nameMatchesKeyword('SECRET_KEY_BASE', 'secret')).toBe(true);
    expect(nameMatchesKeyword('token_url', 'token')).toBe(false);
    expect(nameMatchesKeyword('password_hash', 'password')).toBe(false);
    expect(nameMatchesKeyword('tokenizer', 'token')).toBe(false);
    expect(nameMatchesKeyword('max_tokens', 'token')).toBe(false);
  });
});

describe('properties', () => {
  it('never leaks a generated value, whatever the line shape', async () => {
    const fc = (await import('fast-check')).default;
    const value = fc.stringMatching(/^[A-Za-z0-9!#%&+\-_.]{8,40}$/);
    const shape = fc.constantFrom(
      ['a.py', (v: string) => `password = "${v}"`],
      ['a.py', (v: string) => `client(api_key='${v}', x=1)`],
      ['a.json', (v: string) => `{"secret": "${v}", "token": "${v}"}`],
      ['.env', (v: string) => `DB_PASSWORD=${v}`],
      ['a.yaml', (v: string) => `  token: ${v}`],
      ['a.py', (v: string) => `creds = "https://user:${v}@host/x"`],
    );
    fc.assert(
      fc.property(value, shape, (v, [path, make]) => {
        const findings = scanAddedLines([file(path, [make(v)])]);
        return !JSON.stringify(findings).includes(v);
      }),
      { numRuns: 500 },
    );
  });
  it('never throws on arbitrary lines', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom('a.py', '.env', 'a.yaml', 'a.json'), (line, path) => {
        scanAddedLines([file(path, [line])]);
        return true;
      }),
      { numRuns: 500 },
    );
  });
});

describe('review: leaks and evasions of the added-line scan', () => {
  // Two secrets of one line, one the start of the other: masking the shorter first broke the
  // longer one's every occurrence, so its tail was left in clear in both snippets.
  it('masks a secret whole in the snippet when another secret of the line is part of it', () => {
    const line = '{"token": "Zq81mKs92Ld", "refresh_token": "Zq81mKs92LdPq0aXw7"}';
    const found = scanAddedLines([file('config/app.json', [line])]);
    expect(found.map((f) => f.ruleId)).toEqual(['keyword-assignment', 'keyword-assignment']);
    for (const f of found) expect(JSON.stringify(f)).not.toContain('Pq0aXw7');
  });

  // `password_2` was found and `password2` was not: a digit joined to the keyword hid the value.
  it.each([
    ['app/settings.py', 'password2 = "Zq81mKs92LdPq0aX"'],
    ['.env', 'DB_PASSWORD2=Zq81mKs92LdPq0aX'],
    ['app/settings.py', 'token1 = "Zq81mKs92LdPq0aX"'],
    ['web/src/app.ts', 'const apiKey2 = "Zq81mKs92LdPq0aX";'],
    ['app/settings.py', 'SECRET3 = "Zq81mKs92LdPq0aX"'],
  ])('finds a keyword with a number joined to it: %s: %s', (path, line) => {
    expect(scanLine(path, line).map((h) => h.secret)).toEqual(['Zq81mKs92LdPq0aX']);
  });
  // `password` written with a capital inside (`passWord`) split in two words, neither the keyword.
  it.each([
    ['app/Login.java', 'String passWord = "Zq81mKs92LdPq0aX";'],
    ['web/src/app.ts', 'const userPassWord = "Zq81mKs92LdPq0aX";'],
    ['app/Config.cs', 'var PassWord2 = "Zq81mKs92LdPq0aX";'],
  ])('finds a keyword written across a case change: %s: %s', (path, line) => {
    expect(scanLine(path, line).map((h) => h.secret)).toEqual(['Zq81mKs92LdPq0aX']);
  });
  it('still tells a number joined to another word from the keyword', () => {
    for (const name of ['password_hash2', 'token_url2', 'tokenizer2', 'sha256', 'passWordHash', 'max_tokens', 'pass_words']) expect(scanLine('a.py', `${name} = "Zq81mKs92LdPq0aX"`)).toEqual([]);
    expect(nameMatchesKeyword('password_b64', 'password')).toBe(true);
    expect(nameMatchesKeyword('s3_secret', 's3')).toBe(true);
  });

  // JavaScript and TypeScript take any Unicode space around `=` (a no-break space, an em space).
  it.each([
    ['a no-break space', '\u00a0'],
    ['an em space', '\u2003'],
    ['an ideographic space', '\u3000'],
    ['a zero-width no-break space', '\ufeff'],
  ])('finds an assignment with %s around the operator', (_, space) => {
    const line = `const apiKey${space}=${space}"Zq81mKs92LdPq0aX";`;
    expect(scanLine('web/src/app.ts', line).map((h) => h.secret)).toEqual(['Zq81mKs92LdPq0aX']);
  });

  // A triple-quoted string that closes on its own line is one line's literal like any other.
  it.each(['password = """Zq81mKs92LdPq0aX"""', "API_TOKEN = '''Zq81mKs92LdPq0aX'''", 'secret = r"""Zq81mKs92LdPq0aX"""'])('finds a one-line triple-quoted value: %s', (line) => {
    const found = scanAddedLines([file('app/settings.py', [line])]);
    expect(found.map((f) => f.ruleId)).toEqual(['keyword-assignment']);
    expect(JSON.stringify(found)).not.toContain('Zq81mKs92LdPq0aX');
  });
  it('leaves a triple-quoted block that goes on to the next lines, and prose in one', () => {
    expect(scanLine('app/settings.py', 'password = """')).toEqual([]);
    expect(scanLine('app/settings.py', 'PASSWORD_HELP = """Zq81mKs92LdPq0aX')).toEqual([]);
    expect(scanLine('app/settings.py', 'password = """Enter the password here"""')).toEqual([]);
    expect(scanLine('app/settings.py', 'token = f"""{prefix}{value}"""')).toEqual([]);
  });
});

describe('review: a line full of keyword mentions', () => {
  // Mentions were read keyword by keyword, 64 at most: 70 `api_key` after the password used the
  // bound up first and the line passed clean, without a word.
  it('reads the mentions in the line order: decoys after the value do not hide it', () => {
    const r = scanChange([file('app/settings.py', [`password = "Zq81mKs92LdPq0aX"  # ${'api_key '.repeat(70)}`])]);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['keyword-assignment']);
    expect(JSON.stringify(r)).not.toContain('Zq81mKs92LdPq0aX');
  });
  it('says the scan is partial when decoys before the value go past the bound', () => {
    const r = scanChange([file('app/settings.py', ['ok = 1', `${'api_key = 1; '.repeat(70)}password = "Zq81mKs92LdPq0aX"`])]);
    expect(r.scanErrors).toHaveLength(1);
    expect(r.scanErrors[0]?.message).toContain('line 2 of "app/settings.py"');
    expect(r.scanErrors[0]?.message).toContain('partial');
    expect(r.stats).toMatchObject({ linesReadInPart: 1 });
    expect(JSON.stringify(r)).not.toContain('Zq81mKs92LdPq0aX');
  });
  it('says nothing of an ordinary line', () => {
    const r = scanChange([file('app/settings.py', ['token = get_token()  # the token, refreshed with refresh_token()'])]);
    expect(r.scanErrors).toEqual([]);
    expect(r.stats).not.toHaveProperty('linesReadInPart');
  });
  // Every operator counted, so a one-line JSON's first 64 keys hid a credential-named value after them.
  it('finds a credential after many other keys of a one-line JSON', () => {
    const keys = Array.from({ length: 70 }, (_, i) => `"k${i}":${i}`).join(',');
    const r = scanChange([file('config/app.json', [`{${keys},"auth":"Zq81mKs92LdPq0aXw7Rt5Yu3Io1Pa9Sd"}`])]);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['high-entropy-string']);
  });
});

describe('review: UTF-16 text', () => {
  // A file saved as UTF-16 (PowerShell scripts, .reg and .config files often are) is binary to git,
  // read again as text (src/io/git.ts): every other byte of its lines is NUL, which hid every value.
  const utf16Lines = (text: string, enc: 'utf16le' | 'utf16be' = 'utf16le') => {
    const buf = Buffer.from(text, 'utf16le');
    if (enc === 'utf16be') buf.swap16();
    return buf.toString('utf8').split('\n');
  };
  it.each(['utf16le', 'utf16be'] as const)('finds a value in a %s file and keeps it out of the finding', (enc) => {
    const lines = utf16Lines('Write-Host "setup"\r\n$password = "Zq81mKs92LdPq0aX"\r\n', enc);
    const r = scanChange([file('deploy/setup.ps1', lines)]);
    expect(r.findings.map((f) => [f.ruleId, f.location?.line])).toEqual([['keyword-assignment', 2]]);
    expect(r.findings[0]?.snippet).toBe('$password = "Zq****(redacted, 16 chars)"');
    expect(r.findings[0]?.snippet).not.toContain('\0');
  });
  it('still finds a token a NUL byte is planted next to', () => {
    const token = j('ghp', '_', 'R4nd0mAlph4Num3r1cT0k3nV4lu3Xy7Zq9W2e');
    expect(scanChange([file('.env', [`\0GH=${token}`])]).findings.map((f) => f.ruleId)).toEqual(['github-token']);
  });
});

describe('review: line ends git does not split at', () => {
  // A file with CR-only line ends (classic Mac; Python, YAML and dotenv read them as lines) is one
  // line to git: past 4 KB it was skipped whole as minified, every value in it unread.
  const filler = Array.from({ length: 500 }, (_, i) => `x${i} = ${i}`);
  it('reads each CR-separated line of a long git line, at the git line', () => {
    const text = [...filler.slice(0, 300), 'password = "Zq81mKs92LdPq0aX"', ...filler.slice(300)].join('\r');
    expect(text.length).toBeGreaterThan(4096);
    const r = scanChange([file('app/settings.py', ['import os', text])]);
    expect(r.findings.map((f) => [f.ruleId, f.location?.line])).toEqual([['keyword-assignment', 2]]);
    expect(JSON.stringify(r)).not.toContain('Zq81mKs92LdPq0aX');
    expect(r.findings[0]?.snippet).toBe('password = "Zq****(redacted, 16 chars)"');
    expect(r.stats.linesTooLong).toBe(0);
  });
  it('honours a marker on its own CR-separated line only', () => {
    const text = ['token = "Zq81mKs92LdPq0aX"  # pragma: allowlist secret', 'password = "Yq81mKs92LdPq0aX"'].join('\r');
    const r = scanChange([file('app/settings.py', [text])]);
    expect(r.findings.map((f) => f.extra?.length)).toEqual([16]);
    expect(JSON.stringify(r)).not.toContain('Yq81mKs92LdPq0aX');
  });
});

describe('review: a value in a URL query', () => {
  // Code files need quotes around a value, so `?api_key=<value>` inside a URL string was passed
  // over (gitleaks' generic rule takes it).
  it.each([
    ['app/client.py', 'r = requests.get("https://api.example.org/v1/items?api_key=Zq81mKs92LdPq0aX&limit=10")'],
    ['web/src/app.ts', 'fetch(`https://api.example.org/v1/items?page=2&access_token=Zq81mKs92LdPq0aX#top`);'],
    ['docs/usage.md', 'curl "https://api.example.org/v1?password=Zq81mKs92LdPq0aX"'],
  ])('finds it: %s: %s', (path, line) => {
    const found = scanAddedLines([file(path, [line])]);
    expect(found.map((f) => f.ruleId)).toEqual(['keyword-assignment']);
    expect(JSON.stringify(found)).not.toContain('Zq81mKs92LdPq0aX');
  });
  it.each([
    'url = "https://api.example.org/v1?api_key=" + api_key',
    'url = f"https://api.example.org/v1?token={token}&n=1"',
    'url = "https://api.example.org/v1?token=%(token)s" % args',
    'url = `https://api.example.org/v1?token=${token}`',
    'url = "https://api.example.org/v1?access_token=<ACCESS_TOKEN>"',
    'url = "https://api.example.org/v1?client_secret=YOUR_CLIENT_SECRET"',
    'url = "https://api.example.org/v1?token=$API_TOKEN"',
    'next_url = "https://api.example.org/v1?page_token=NextToken"',
    'if password=="Zq81mKs92LdPq0aX":',
  ])('leaves a reference or a placeholder: %s', (line) => {
    expect(scanLine('app/client.py', line)).toEqual([]);
  });
});

describe('review: a character that lower-cases to two', () => {
  // `İ` (U+0130) lower-cases to `i̇`, two characters: each one before a keyword moved where it was
  // found in the lower-cased line away from where it is in the line, and a dozen of them in another
  // string of the line took the name read there off the keyword, the value never looked at.
  const value = 'Zq81mKs92LdPq0aX';
  it.each([
    ['app/settings.py', `label = "${'İ'.repeat(12)}"; password = "${value}"`],
    ['config/app.json', `{"name": "${'İ'.repeat(40)}", "api_key": "${value}"}`],
    ['.env', `TITLE=${'İ'.repeat(3)} SECRET=${value}`],
  ])('finds the value after them: %s', (path, line) => {
    const found = scanAddedLines([file(path, [line])]);
    expect(found.map((f) => f.ruleId)).toEqual(['keyword-assignment']);
    expect(JSON.stringify(found)).not.toContain(value);
  });
});

describe('review: a line over 4 KB', () => {
  // Lines over 4 KB were skipped whole: `password = "…"` with 4 KB of padding on its line (a long
  // comment, `;`-chained statements, a one-line JSON) passed unread and unsaid. Such a line is now
  // read for rule 2 only, in a window around each keyword mention.
  const value = 'Zq81mKs92LdPq0aX';
  /** Deterministic base64 of `n` pseudo-random bytes (no keyword: checked where it matters). */
  const blob = (n: number, seed = 7) => {
    const bytes = Buffer.alloc(n);
    let x = seed;
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      bytes[i] = x >>> 24;
    }
    return bytes.toString('base64');
  };
  const comment = 'padding '.repeat(600);
  const chained = 'x = 1; '.repeat(700);
  it.each([
    ['app/settings.py', `password = "${value}"  # ${comment}`],
    ['app/settings.py', `${chained}password = "${value}"`],
    ['app/settings.py', `${chained}db_password = "${value}"; ${chained}`],
    ['.env', `API_TOKEN=${value} ${'#'.repeat(5000)}`],
    ['.env', `${'PAD=1 '.repeat(800)}API_TOKEN=${value}`],
    ['config/app.json', `{"api_key": "${value}", "data": [${'1,'.repeat(3000)}1]}`],
    ['config/app.json', `{"plot": "${blob(4500)}", "api_key": "${value}"}`],
    ['notebooks/explore.ipynb', `    "db_password = \\"${value}\\"\\n", "${blob(6000)}",`],
  ])('finds the padded value: %s (%#)', (path, line) => {
    expect(line.length).toBeGreaterThan(4096);
    const r = scanChange([file(path, ['ok = 1', line])]);
    expect(r.findings.map((f) => [f.ruleId, f.location?.line, f.location?.column])).toEqual([['keyword-assignment', 2, line.indexOf(value) + 1]]);
    expect(r.findings[0]?.extra?.length).toBe(value.length);
    // the snippet is a window of the line, capped as any (`…` each end at most), the value masked
    const snippet = r.findings[0]?.snippet ?? '';
    expect(snippet.length).toBeLessThanOrEqual(242);
    expect(snippet).toContain('Zq****(redacted, 16 chars)');
    expect(JSON.stringify(r)).not.toContain(value);
    expect(r.stats).toMatchObject({ linesTooLong: 1, linesScanned: 1 });
    expect(r.scanErrors).toEqual([]);
  });

  it('finds nothing in a 1 MB base64 line without a keyword, token-shaped runs included', () => {
    const plot = blob(768 * 1024);
    expect(plot.length).toBeGreaterThanOrEqual(1 << 20);
    expect(/api.?key|secret|password|token/i.test(plot)).toBe(false);
    // rule 1 is off on such a line: a token shape inside a blob is there by chance as often as not
    const line = `${plot.slice(0, 500_000)}${GH_TOKEN}${AWS_KEY}${plot.slice(500_000)}`;
    for (const path of ['notebooks/plot.ipynb', 'data/blob.json', 'app/data.py', '.env']) {
      const r = scanChange([file(path, [line, `"image/png": "${plot}"`])]);
      expect(r.findings).toEqual([]);
      expect(r.scanErrors).toEqual([]);
      expect(r.stats).toMatchObject({ linesTooLong: 2, linesScanned: 0 });
    }
  });
  it('finds nothing in a base64 line that names the keywords without assigning them', () => {
    const mentions = ['Token', '/secret+', 'PASSWORD', 'api_key/', '+password_', 'apiKey', 'TOKEN2'];
    const line = Array.from({ length: 40 }, (_, i) => `${blob(300, i + 1)}${mentions[i % mentions.length]}`).join('');
    expect(line.length).toBeGreaterThan(4096);
    for (const path of ['notebooks/plot.ipynb', '.env']) expect(scanChange([file(path, [line])]).findings).toEqual([]);
  });

  it.each([
    `password_hash = "pbkdf2_sha256$260000$abcdef$0123456789"  # ${comment}`,
    `${chained}password = "changeme"`,
    `${chained}token = "<your-token>"`,
    `${chained}api_key = "YOUR_API_KEY_HERE"; ${chained}`,
    `${chained}token = os.environ["TOKEN"]`,
    `${chained}def login(token: str) -> None: pass`,
    `${chained}token_url = "https://auth.example.org/oauth/token"`,
    `${chained}if password != "${value}": pass`,
  ])('leaves a name that only mentions a keyword, a placeholder or a reference: %#', (line) => {
    expect(line.length).toBeGreaterThan(4096);
    expect(scanChange([file('app/settings.py', [line])]).findings).toEqual([]);
  });

  it('honours a marker anywhere on the line, as on a short one', () => {
    const r = scanChange([file('app/settings.py', [`password = "${value}"  # ${comment} pragma: allowlist secret`, `${chained}token = "${value}"  # gitleaks:allow`])]);
    expect(r.findings).toEqual([]);
    expect(r.stats).toMatchObject({ linesTooLong: 2, linesAllowlisted: 2 });
  });

  it('reads mentions in the line order up to the same bound, and says the scan is partial past it', () => {
    const r = scanChange([file('app/settings.py', [`${'api_key = 1; '.repeat(70)}password = "${value}"  # ${comment}`])]);
    expect(r.findings).toEqual([]);
    expect(r.scanErrors).toHaveLength(1);
    expect(r.scanErrors[0]?.message).toContain('partial');
    expect(r.stats).toMatchObject({ linesReadInPart: 1, linesTooLong: 1 });
  });

  it('finds the value after a character that lower-cases to two', () => {
    const line = `label = "${'İ'.repeat(3000)}"; ${chained}password = "${value}"`;
    const [f, ...rest] = scanAddedLines([file('app/settings.py', [line])]);
    expect(rest).toEqual([]);
    expect(f?.location?.column).toBe(line.indexOf(value) + 1);
  });

  // A value is reported whole or not at all: an unquoted one cut by the window's end would have
  // its rest in clear next to the masked part.
  it('finds a long value whole near the end of its window, never a cut one', () => {
    const long = blob(735).replace(/[+/=]/g, 'x').slice(0, 980);
    // from the mention, 2,048 characters are read: the value and 18 after it fit with 1,047 spaces
    const near = `password =${' '.repeat(1047)}"${long}"  # ${comment}`;
    const r = scanChange([file('app/settings.py', [near])]);
    expect(r.findings.map((f) => [f.ruleId, f.extra?.length, f.location?.column])).toEqual([['keyword-assignment', 980, near.indexOf(long) + 1]]);
    const json = JSON.stringify(r);
    for (let k = 2; k + 8 <= long.length; k += 4) expect(json).not.toContain(long.slice(k, k + 8));
    // one more space and the value's tail is past the window: not read, rather than read in part
    for (const [path, line] of [
      ['app/settings.py', `password =${' '.repeat(1048)}"${long}"  # ${comment}`],
      ['.env', `SECRET=${' '.repeat(1500)}${long} ${'#'.repeat(5000)}`],
    ] as const) {
      const cut = scanChange([file(path, [line])]);
      expect(cut.findings).toEqual([]);
      expect(JSON.stringify(cut)).not.toContain(long.slice(-8));
    }
  });
  it('reads hostile long lines through, each mention in its bounded window', () => {
    const M = 1 << 20;
    const lines = [
      `password${' '.repeat(M)}`,
      `password =${' '.repeat(M)}"${value}"`,
      'token='.repeat(M / 6),
      'password = \\"'.repeat(M / 13),
      'allowlist'.repeat(M / 9),
      `${'İ'.repeat(M)} password = "${value}"`,
    ];
    const r = scanChange([file('.env', lines)]);
    expect(r.findings.map((f) => [f.location?.line, f.location?.column])).toEqual([[6, M + 14]]);
    expect(r.scanErrors[0]?.message).toContain('2 added lines name the secret keywords more than 64 times');
    expect(r.stats).toMatchObject({ linesTooLong: 6, linesReadInPart: 2 });
  });
  it('finds a value whose name starts far before the keyword', () => {
    const name = `${'a'.repeat(70)}_password`;
    const line = `${chained}${name} = "${value}"`;
    const [f] = scanAddedLines([file('app/settings.py', [line])]);
    expect(f?.extra?.name).toBe(name);
    expect(f?.location?.column).toBe(line.indexOf(value) + 1);
  });

  it('masks another secret of the line that the snippet cuts', () => {
    // the first value's snippet is cut from the line in the middle of the second
    const other = blob(300, 3).replace(/[+/=]/g, 'x').slice(0, 400);
    const line = `${chained}password = "${value}"; api_key = "${other}"; ${chained}`;
    const r = scanChange([file('app/settings.py', [line])]);
    expect(r.findings.map((f) => f.extra?.length)).toEqual([value.length, other.length]);
    const json = JSON.stringify(r);
    expect(json).not.toContain(value);
    for (let k = 2; k + 8 <= other.length; k += 2) expect(json).not.toContain(other.slice(k, k + 8));
    for (const f of r.findings) expect(f.snippet?.length).toBeLessThanOrEqual(242);
  });
});

describe('review: credentials outside a keyword assignment', () => {
  // Each of these held a literal credential the scan passed over: an Authorization header (a bearer
  // token under 20 characters or of low entropy, any Basic credential), `curl -u user:password`, a
  // Dockerfile's `ENV NAME value`, XML config, a .netrc, a plural name, a key spelled with escapes,
  // and an unquoted value that starts with a string prefix's letter (`API_KEY=bQ8…`).
  const value = 'Zq81mKs92LdPq0aX';
  const basic = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  /** [path, line, rule, the value that must be found, whole, and never appear in a finding] */
  const FOUND: Array<[string, string, string, string]> = [
    // 1. an Authorization header with a literal credential
    ['scripts/api.sh', "curl -H 'Authorization: Basic dXNlcjpwYXNzd29yZA==' https://api.example.org", 'basic-auth', 'dXNlcjpwYXNzd29yZA=='],
    ['app/api.py', `headers = {"Authorization": "Basic ${basic(`deploy:${value}`)}"}`, 'basic-auth', basic(`deploy:${value}`)],
    ['web/src/api.ts', `xhr.setRequestHeader('Authorization', 'Basic ${basic(`admin:${value}`)}');`, 'basic-auth', basic(`admin:${value}`)],
    ['app/api.py', `headers = {"Authorization": "Bearer ${value}"}`, 'bearer-token', value],
    ['app/client.go', `req.Header.Set("Authorization", "Bearer ${value}")`, 'bearer-token', value],
    ['deploy/values.yaml', `  Authorization: Bearer ${value}`, 'bearer-token', value],
    ['docs/api.md', `curl -H "authorization: token ${value}" https://api.example.org`, 'bearer-token', value],
    ['app/api.php', `$headers['Authorization'] = 'Bearer ${value}';`, 'bearer-token', value],
    ['notebooks/api.ipynb', `    "headers = {\\"Authorization\\": \\"Bearer ${value}\\"}\\n",`, 'bearer-token', value],
    // 2. a password on curl's command line
    ['scripts/api.sh', `curl -u admin:${value} https://api.example.org`, 'basic-auth', value],
    ['scripts/api.sh', `curl -s --user "deploy:${value}" https://api.example.org`, 'basic-auth', value],
    ['scripts/api.sh', `curl --user=deploy:${value} https://api.example.org`, 'basic-auth', value],
    ['app/fetch.py', `subprocess.run("curl -u admin:${value} https://api.example.org", shell=True)`, 'basic-auth', value],
    // 3. a Dockerfile's ENV, the legacy `ENV NAME value` form
    ['Dockerfile', `ENV PASSWORD ${value}`, 'keyword-assignment', value],
    ['build/app.dockerfile', `ENV DB_PASSWORD ${value}`, 'keyword-assignment', value],
    ['Dockerfile', `ARG API_KEY=${value}`, 'keyword-assignment', value],
    // 4. XML config and .netrc
    ['config/settings.xml', `    <password>${value}</password>`, 'keyword-assignment', value],
    ['web.config', `    <add key="ApiKey" value="${value}" />`, 'keyword-assignment', value],
    ['app/context.xml', `<property name="password" value="${value}"/>`, 'keyword-assignment', value],
    ['.netrc', `machine api.example.org login deploy password ${value}`, 'keyword-assignment', value],
    ['.netrc', `  password ${value}`, 'keyword-assignment', value],
    ['.github/workflows/release.yml', `        run: echo "machine github.com login bot password ${value}" > ~/.netrc`, 'keyword-assignment', value],
    ['scripts/setup.sh', `printf 'machine github.com login bot password ${value}\\n' > ~/.netrc`, 'keyword-assignment', value],
    // 5. plurals that still name secrets
    ['app/settings.py', `passwords = "${value}"`, 'keyword-assignment', value],
    ['config/app.json', `  "client_secrets": "${value}",`, 'keyword-assignment', value],
    ['deploy/values.yaml', `  api_keys: ${value}`, 'keyword-assignment', value],
    ['.env', `DB_PASSWORDS=${value}`, 'keyword-assignment', value],
    // 6. a JSON key spelled with escapes (the value as the line has it)
    ['config/app.json', `{"pass\\u0077ord": "${value}"}`, 'keyword-assignment', value],
    ['config/app.json', `{"\\u0061pi_key": "${value}", "n": 1}`, 'keyword-assignment', value],
    ['config/app.json', `{"pass\\u0077ord": "Zq\\u0038\\u0031mKs92LdPq0aX"}`, 'keyword-assignment', 'Zq\\u0038\\u0031mKs92LdPq0aX'],
    // an unquoted value starting with r, b, u or f (a string prefix's letters) was passed over
    ['.env', 'API_KEY=bQ8Zk2LmN4pR7sT1v', 'keyword-assignment', 'bQ8Zk2LmN4pR7sT1v'],
    ['deploy/values.yaml', '  token: uZm9vYmFyYmF6cXV4MTIz', 'keyword-assignment', 'uZm9vYmFyYmF6cXV4MTIz'],
    ['Dockerfile', 'ENV SECRET=f9vLm2kXp8wRt4nQ', 'keyword-assignment', 'f9vLm2kXp8wRt4nQ'],
  ];
  it.each(FOUND)('finds it: %s: %s', (path, line, rule, secret) => {
    const found = scanAddedLines([file(path, [line])]);
    expect(found.map((f) => [f.ruleId, f.extra?.length, f.location?.column])).toEqual([[rule, secret.length, line.indexOf(secret) + 1]]);
    expect(found[0]).toMatchObject({ severity: 'medium', cwe: 798 });
    const json = JSON.stringify(found);
    expect(json).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(json).not.toContain(secret.slice(-8));
    expect(json).not.toContain(value);
    expect(found[0]?.snippet).toMatch(/redacted/);
    expect(found[0]?.snippet).not.toContain(secret);
  });

  it('reports a token shape in a header once, by its own rule', () => {
    expect(scanAddedLines([file('scripts/release.sh', [`curl -H 'Authorization: token ${GH_TOKEN}' https://api.github.com`])]).map((f) => f.ruleId)).toEqual(['github-token']);
    expect(scanAddedLines([file('app/auth.py', [`headers = {"Authorization": "Bearer ${JWT}"}`])]).map((f) => f.ruleId)).toEqual(['jwt']);
  });
  it('keeps the new rules at low severity in test code', () => {
    const found = scanAddedLines([file('tests/test_api.py', [`headers = {"Authorization": "Basic ${basic(`u:${value}`)}"}`, `os.system("curl -u admin:${value} http://localhost")`])]);
    expect(found.map((f) => [f.ruleId, f.severity])).toEqual([
      ['basic-auth', 'low'],
      ['basic-auth', 'low'],
    ]);
  });

  /** [path, line] that hold no literal credential (a reference, a template, a placeholder, a name that only mentions a keyword). */
  const NOT_FOUND: Array<[string, string]> = [
    // 1. a header built from a variable or a template
    ['app/api.py', 'headers = {"Authorization": f"Bearer {token}"}'],
    ['app/api.py', 'headers = {"Authorization": "Bearer {token}".format(token=token)}'],
    ['app/api.py', 'headers = {"Authorization": "Bearer " + token}'],
    ['app/api.py', 'headers["Authorization"] = "Bearer %s" % token'],
    ['app/api.py', 'headers = {"Authorization": "Basic %s" % creds}'],
    ['web/src/api.ts', 'headers: { Authorization: `Bearer ${TOKEN}` },'],
    ['web/src/api.ts', "xhr.setRequestHeader('Authorization', 'Basic ' + btoa(user + ':' + pass));"],
    ['app/client.go', 'req.Header.Set("Authorization", "Bearer "+token)'],
    ['scripts/api.sh', 'curl -H "Authorization: Basic $CREDS" https://api.example.org'],
    ['scripts/api.sh', 'curl -H "Authorization: Bearer ${API_TOKEN}" https://api.example.org'],
    ['scripts/api.sh', 'curl -H "Authorization: Bearer $(gcloud auth print-access-token)" https://api.example.org'],
    ['.github/workflows/ci.yml', '          Authorization: Bearer ${{ secrets.API_TOKEN }}'],
    ['chart/templates/cm.yaml', '  Authorization: "Bearer {{ .Values.token }}"'],
    ['app/views.rb', 'headers["Authorization"] = "Bearer #{token}"'],
    // a literal start of a template is not reported as the value (the rest would be in clear)
    ['web/src/api.ts', 'const h = { Authorization: `Bearer Zq81mKs92LdPq0aX${suffix}` };'],
    ['docs/api.md', 'Send `Authorization: Bearer <token>` with each request.'],
    ['docs/api.md', 'Authorization: Bearer YOUR_ACCESS_TOKEN'],
    ['docs/api.md', 'Authorization: Bearer ACCESS_TOKEN'],
    ['docs/api.md', 'Authorization: Basic base64(user:password)'],
    ['docs/api.md', 'Authorization: Bearer sk-abc123def456...'],
    ['docs/api.md', 'The server answers 401 to a request without an Authorization: Bearer token.'],
    // the RFCs' examples, in the docstrings of every OAuth library
    ['app/oauth2/base.py', '            Authorization: Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW'],
    ['app/oauth2/base.py', '            Authorization: Bearer mF_9.B5f-4.1JqM'],
    ['app/oauth2/tokens.py', '    "access_token":"2YotnFZFEjr1zCsicMWpAA",'],
    // 2. curl's -u without a literal password, -u of other commands
    ['scripts/api.sh', 'curl -u "$USER:$PASS" https://api.example.org'],
    ['scripts/api.sh', 'curl -u "${API_USER}:${API_PASS}" https://api.example.org'],
    ['scripts/api.sh', 'curl -u admin https://api.example.org'],
    ['scripts/api.sh', 'curl -u admin:<password> https://api.example.org'],
    ['app/fetch.py', 'cmd = "curl -u {user}:{password} https://api.example.org"'],
    ['scripts/sync.sh', 'rsync -u backup.internal:archive_2024/db ./restore'],
    ['scripts/run.sh', 'docker run -u 1000:1000 --rm app'],
    ['scripts/push.sh', 'git push -u origin main:release_2024x'],
    // 3. a Dockerfile's ENV without a literal, or one read in part
    ['Dockerfile', 'ENV PASSWORD_FILE /run/secrets/db_password'],
    ['Dockerfile', 'ENV PASSWORD ${DB_PASSWORD}'],
    ['Dockerfile', 'ENV PASSWORD $DB_PASSWORD'],
    ['Dockerfile', `ENV PASSWORD ${value} and more`],
    ['Dockerfile', 'ENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D'],
    ['Dockerfile', 'ARG PASSWORD'],
    ['Dockerfile', `RUN echo password ${value}`],
    ['docs/setup.md', `ENV PASSWORD ${value}`],
    // 4. XML and .netrc without a literal
    ['config/settings.xml', '<password>${env.DB_PASSWORD}</password>'],
    ['config/settings.xml', '<password>{COQLCE6DU6GtcS5P=}</password>'],
    ['config/settings.xml', '<password></password>'],
    ['config/settings.xml', '<password>changeme</password>'],
    ['config/settings.xml', `<passwordPolicy>${value}</passwordPolicy>`],
    ['config/settings.xml', '<password>'],
    ['web.config', '<add key="ApiKey" value="#{ApiKey}" />'],
    ['web.config', '<add key="PasswordMinLength" value="12" />'],
    ['templates/login.html', `<input type="hidden" name="csrf_token" value="${value}">`],
    // a page's cursor in an API's XML or JSON response
    ['tests/fixtures/ec2.xml', '    <nextToken>q5Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5</nextToken>'],
    ['tests/fixtures/mws.xml', '<NextToken>2YgYW55IGNhcm5hbCBwbGVhc3VyZS4=</NextToken>'],
    ['data/page.json', `  "nextPageToken": "${value}",`],
    ['.netrc', 'machine api.example.org login deploy'],
    ['docs/setup.md', 'Enter your login and password below.'],
    ['docs/setup.md', `On the login screen password ${value} is refused.`],
    ['docs/setup.md', 'machine api.example.org login deploy password $NETRC_PASSWORD'],
    // 5. plurals and suffixed names that do not hold a secret
    ['.github/workflows/ci.yml', '    secrets: inherit'],
    ['app/settings.py', 'password_hash = "pbkdf2_sha256$260000$abcdef$0123456789"'],
    ['app/settings.py', 'password_reset_url = "https://example.org/reset/abc123"'],
    ['app/settings.py', `passwords_match = "${value}"`],
    ['app/settings.py', `tokens = "${value}"`],
    ['app/settings.py', `max_tokens = "${value}"`],
    ['app/settings.py', `secrets_dir = "${value}"`],
    ['deploy/values.yaml', '  secrets_manager_arn: arn:aws:secretsmanager:us-east-1:123456789012:secret:db'],
    // an API model's field types
    ['client/models/v1_service_account.py', "        'secrets': 'list[V1ObjectReference]',"],
    ['client/models/v1_pod_spec.py', "        'image_pull_secrets': 'list[V1LocalObjectReference]',"],
    // 6. an escaped backslash before `u0070`: the key is `\u0070assword`, not `password`
    ['config/app.json', `{"\\\\u0070assword": "${value}"}`],
    ['config/app.json', `{"pass\\u0077ord_hash": "${value}"}`],
    // an unquoted reference starting with a prefix letter is still a reference
    ['.env', 'API_KEY=$API_KEY_FROM_VAULT'],
    ['deploy/values.yaml', '  token: fromSecretRef'],
  ];
  it.each(NOT_FOUND)('leaves it: %s: %s', (path, line) => {
    expect(scanLine(path, line)).toEqual([]);
  });

  it('names plurals as the keyword, and not the words around them', () => {
    expect(nameMatchesKeyword('passwords', 'password')).toBe(true);
    expect(nameMatchesKeyword('api_keys', 'api_key')).toBe(true);
    expect(nameMatchesKeyword('APIKEYS', 'api_key')).toBe(true);
    expect(nameMatchesKeyword('clientSecrets', 'secret')).toBe(true);
    expect(nameMatchesKeyword('passwords_match', 'password')).toBe(false);
    expect(nameMatchesKeyword('secrets_manager', 'secret')).toBe(false);
    expect(nameMatchesKeyword('tokens', 'token')).toBe(false);
    expect(nameMatchesKeyword('pass_words', 'password')).toBe(false);
    for (const name of ['NextToken', 'next_token', 'page_token', 'nextPageToken', 'continuationToken', 'PaginationToken']) expect(nameMatchesKeyword(name, 'token')).toBe(false);
    expect(nameMatchesKeyword('refresh_token', 'token')).toBe(true);
  });

  it('reads XML and a .netrc on a line over 4 KB near the keyword, as any assignment', () => {
    for (const [path, line] of [
      ['config/app.xml', `${'<x>1</x>'.repeat(600)}<password>${value}</password>`],
      ['.netrc', `${'machine m login l '.repeat(250)}password ${value}`],
    ] as const) {
      expect(line.length).toBeGreaterThan(4096);
      const r = scanChange([file(path, [line])]);
      expect(r.findings.map((f) => [f.ruleId, f.location?.column])).toEqual([['keyword-assignment', line.indexOf(value) + 1]]);
      expect(JSON.stringify(r)).not.toContain(value);
    }
  });

  it('never leaks a generated value in these shapes', async () => {
    const fc = (await import('fast-check')).default;
    const v = fc.stringMatching(/^[A-Za-z0-9!#%&+\-_.~/=]{8,40}$/);
    const shape = fc.constantFrom(
      ['a.py', (s: string) => `headers = {"Authorization": "Bearer ${s}"}`],
      ['a.sh', (s: string) => `curl -H 'Authorization: Basic ${s}' https://x`],
      ['a.sh', (s: string) => `curl -u admin:${s} https://x`],
      ['a.sh', (s: string) => `curl --user "admin:${s}" https://x`],
      ['Dockerfile', (s: string) => `ENV PASSWORD ${s}`],
      ['a.xml', (s: string) => `<password>${s}</password>`],
      ['a.config', (s: string) => `<add key="ApiKey" value="${s}"/>`],
      ['.netrc', (s: string) => `machine h login u password ${s}`],
      ['a.sh', (s: string) => `echo "machine h login u password ${s}" > ~/.netrc`],
      ['a.json', (s: string) => `{"pass\\u0077ord": "${s}"}`],
      ['.env', (s: string) => `API_KEYS=${s}`],
    );
    fc.assert(
      fc.property(v, shape, (s, [path, make]) => !JSON.stringify(scanAddedLines([file(path, [make(s)])])).includes(s)),
      { numRuns: 1000 },
    );
  });
});

describe('review: the spaced forms leave operator assignments as they were', () => {
  const value = 'Zq81mKs92LdPq0aX';
  it.each([
    // `ENV NAME=value NAME2=value2`: the first name is the one `ENV NAME value` is read for, yet its
    // value has an operator: the rest of the line is other variables, not part of the value.
    ['Dockerfile', `ENV PASSWORD=${value} PORT=8080`],
    ['Dockerfile', `ENV DB_PASSWORD=${value} DB_USER=app`],
    ['Dockerfile', `ENV API_KEY=${value} \\`],
  ])('finds %s: %s', (path, line) => {
    expect(scanLine(path, line).map((h) => [h.ruleId, h.secret])).toEqual([['keyword-assignment', value]]);
  });
  it('reads curl -u only in curl\'s own command', () => {
    expect(scanLine('scripts/sync.sh', 'curl -fsSLO https://example.org/a.tgz && rsync -u backup.internal:archive_2024/db ./restore')).toEqual([]);
    expect(scanLine('scripts/sync.sh', 'curl -fsSL https://example.org/a | git push -u origin main:release_2024x')).toEqual([]);
    expect(scanLine('scripts/api.sh', `curl "https://api.example.org/?a=1&b=2" -u admin:${value}`).map((h) => [h.ruleId, h.secret])).toEqual([['basic-auth', value]]);
  });
});
