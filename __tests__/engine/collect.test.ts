/**
 * collectTool reads a report in pieces (big files) or whole (small files, or whatever the stream
 * gives up on): both ways give the same tool input, the same errors and the same redaction notes.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectTool, handledLater, runEngine } from '../../src/engine/run.js';
import { scrubCopy, stageReports } from '../../src/engine/stage.js';
import { parseSettings } from '../../src/config/schema.js';
import type { RawRedaction } from '../../src/reports/model.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'bandit', 'DefectDojo__django-DefectDojo', 'many_vulns.json');

/** Runs `fn` in a fresh temporary directory, removed afterwards. */
async function inTempWorkspace(prefix: string, fn: (ws: string) => Promise<void>): Promise<void> {
  const ws = await mkdtemp(join(tmpdir(), prefix));
  try {
    await fn(ws);
  } finally {
    await rm(ws, { recursive: true, force: true });
  }
}

async function both(text: string) {
  const ws = await mkdtemp(join(tmpdir(), 'sg-collect-'));
  try {
    await writeFile(join(ws, 'bandit.json'), text);
    const streamedNotes = new Map<string, RawRedaction>();
    const wholeNotes = new Map<string, RawRedaction>();
    const streamed = await collectTool('bandit', ['bandit.json'], ws, { redactions: streamedNotes, streamMinBytes: 0 });
    const whole = await collectTool('bandit', ['bandit.json'], ws, { redactions: wholeNotes, streamMinBytes: Number.MAX_SAFE_INTEGER });
    return { streamed, whole, streamedNotes, wholeNotes };
  } finally {
    await rm(ws, { recursive: true, force: true });
  }
}

describe('collectTool, in pieces or whole', () => {
  it('gives the same input and redaction notes for a real report', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const r = await both(text);
    expect(r.streamed.status).toBe('ok');
    expect(r.streamed.reports[0]?.findings.length).toBe(214);
    expect(r.streamed).toEqual(r.whole);
    expect(r.streamedNotes.get('bandit.json')).toEqual(r.wholeNotes.get('bandit.json'));
    expect(r.streamedNotes.get('bandit.json')?.indices.length).toBeGreaterThan(0);
  });

  it('names the line and column of a broken report either way (the stream gives up, the whole read says where)', async () => {
    const text = await readFile(FIXTURE, 'utf8');
    const r = await both(text.slice(0, Math.floor(text.length / 2)));
    expect(r.streamed.status).toBe('error');
    expect(r.streamed).toEqual(r.whole);
    expect(r.streamed.messages[0]).toMatch(/line \d+, column \d+: truncated JSON/);
    expect(r.streamedNotes.size).toBe(0);
  });

  it('reports a bad result with its JSON path either way', async () => {
    const value = JSON.parse(await readFile(FIXTURE, 'utf8')) as { results: Array<Record<string, unknown>> };
    (value.results[3] as Record<string, unknown>).line_number = 'seven';
    const r = await both(JSON.stringify(value, null, 2));
    expect(r.streamed).toEqual(r.whole);
    expect(r.streamed.messages[0]).toContain('$.results[3].line_number: expected an integer, got string');
  });
});

describe('runEngine paths', () => {
  it('makes every finding repository-relative, files interleaved or not', async () => {
    await inTempWorkspace('sg-paths-', async (ws) => {
      const result = (filename: string, line: number) => ({
        filename,
        test_id: 'B101',
        test_name: 'assert_used',
        issue_severity: 'LOW',
        issue_confidence: 'HIGH',
        issue_text: 'Use of assert detected.',
        line_number: line,
        line_range: [line],
        col_offset: 0,
        end_col_offset: 10,
        code: `${line} assert x\n`,
        more_info: 'https://bandit.readthedocs.io/en/1.7.5/plugins/b101_assert_used.html',
      });
      const files = [`${ws}/app/a.py`, `${ws}/app/a.py`, 'src/b.py', `${ws}/app/a.py`, '/elsewhere/c.py', 'src/b.py', 'src/b.py'];
      await writeFile(join(ws, 'bandit.json'), JSON.stringify({ errors: [], results: files.map((f, i) => result(f, i + 1)) }));
      const settings = parseSettings([{ 'bandit-report': 'bandit.json', 'scan-root': 'api' }]);
      const run = await runEngine(settings, { workspace: ws, now: new Date('2026-11-29T12:00:00Z') });
      const byLine = Object.fromEntries(run.result.tools[0]!.findings.map((f) => [f.location!.line, f.location!.path]));
      expect(byLine).toEqual({ 1: 'app/a.py', 2: 'app/a.py', 3: 'api/src/b.py', 4: 'app/a.py', 5: '/elsewhere/c.py', 6: 'api/src/b.py', 7: 'api/src/b.py' });
    });
  });

  it.each(['../other', '/tmp/elsewhere', 'api/../..'])('refuses a scan root outside the workspace (%s), naming the input', async (root) => {
    await inTempWorkspace('sg-paths-', async (ws) => {
      await writeFile(join(ws, 'bandit.json'), JSON.stringify({ errors: [], results: [] }));
      const settings = parseSettings([{ 'bandit-report': 'bandit.json', 'scan-root': root }]);
      await expect(runEngine(settings, { workspace: ws, now: new Date() })).rejects.toThrow(`scan-root: got ${JSON.stringify(root)}; expected the directory the scanners ran in, inside the workspace`);
      const inside = parseSettings([{ 'bandit-report': 'bandit.json', 'scan-root': `${ws}/api` }]);
      expect((await runEngine(inside, { workspace: ws, now: new Date() })).result.tools[0]!.status).toBe('ok');
    });
  });
});

describe('report files behind symbolic links', () => {
  // Found by a hostile-input review: a link committed under a report's name was read, its content
  // copied into the artifact (/etc/passwd, or the checkout's token from .git/config) and the
  // waivers file's YAML error quoted it in the summary and the PR comment.
  const report = JSON.stringify({ errors: [], results: [] });
  async function workspace(): Promise<{ ws: string; outside: string; done: () => Promise<void> }> {
    const ws = await mkdtemp(join(tmpdir(), 'sg-links-'));
    const outside = await mkdtemp(join(tmpdir(), 'sg-links-out-'));
    await mkdir(join(ws, 'reports'), { recursive: true });
    await mkdir(join(ws, '.git'), { recursive: true });
    await writeFile(join(ws, '.git', 'config'), '[http]\n  extraheader = AUTHORIZATION: basic c2VjcmV0\n');
    await writeFile(join(outside, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    await writeFile(join(ws, 'reports', 'real.json'), report);
    await symlink(join(outside, 'passwd'), join(ws, 'reports', 'out.json'));
    await symlink('../.git/config', join(ws, 'reports', 'git.json'));
    await symlink('real.json', join(ws, 'reports', 'in.json'));
    await symlink(outside, join(ws, 'linked-dir'));
    return { ws, outside, done: async () => { await rm(ws, { recursive: true, force: true }); await rm(outside, { recursive: true, force: true }); } };
  }

  it.each([
    ['reports/out.json', 'is a symbolic link to a file outside the workspace: not read'],
    ['linked-dir/passwd', 'is a symbolic link to a file outside the workspace: not read'],
    ['reports/git.json', 'is in a .git directory: not read'],
    ['.git/config', 'is in a .git directory: not read'],
  ])('%s: an error naming the file, not read, not a missing report, not copied', async (path, why) => {
    const t = await workspace();
    try {
      const input = await collectTool('deptry', [path], t.ws);
      expect(input.status).toBe('error');
      expect(input.files).toEqual([]);
      expect(input.messages).toEqual([`deptry-report: \`${path}\` ${why}`]);
      const settings = parseSettings([{ 'deptry-report': path, 'on-missing-report': 'ignore' }]);
      const run = await runEngine(settings, { workspace: t.ws, now: new Date() });
      expect(run.result.tools[0]!.status).toBe('error');
      expect(run.result.verdict).toBe('error');
      expect(run.reports).toEqual([]);
      expect(JSON.stringify(run.result)).not.toMatch(/root:x|extraheader|c2VjcmV0/);
    } finally {
      await t.done();
    }
  });

  it('a glob reads the links it matches inside the workspace and refuses the others, as by name', async () => {
    // A review found links dropped by a glob: a pull request links `reports/bandit.json` elsewhere,
    // Bandit writes through it, and only a decoy next to it was read (a pass).
    const t = await workspace();
    try {
      await mkdir(join(t.ws, 'elsewhere'));
      await writeFile(join(t.ws, 'elsewhere', 'moved.json'), report);
      await symlink('../elsewhere/moved.json', join(t.ws, 'reports', 'moved.json'));
      await symlink('../elsewhere', join(t.ws, 'reports', 'dir.json'));
      await symlink('nowhere.json', join(t.ws, 'reports', 'dangling.json'));
      // Dangling through a file (ENOTDIR): skipped like any dangling link, not refused (third re-review).
      await symlink('in.json/x', join(t.ws, 'reports', 'through-file.json'));
      const globbed = await collectTool('bandit', ['reports/*.json'], t.ws);
      expect(globbed.files.map((f) => f.path)).toEqual(['reports/in.json', 'reports/moved.json', 'reports/real.json']);
      expect(globbed.status).toBe('error');
      expect(globbed.messages.sort()).toEqual([
        'bandit-report: `reports/git.json` is in a .git directory: not read',
        'bandit-report: `reports/out.json` is a symbolic link to a file outside the workspace: not read',
      ]);
      const deep = await collectTool('bandit', ['./**/moved.json'], t.ws);
      expect(deep.files.map((f) => f.path)).toEqual(['elsewhere/moved.json', 'reports/moved.json']);
      // A re-review: patterns spelled otherwise, a link that cannot be read, a base linked out.
      for (const p of ['reports/./moved.json', 'reports//moved.*', 'elsewhere/../reports/mov*.json']) {
        expect((await collectTool('bandit', [p], t.ws)).files.map((f) => f.path)).toEqual(['reports/moved.json']);
      }
      await symlink('loop.json', join(t.ws, 'reports', 'loop.json'));
      const loop = await collectTool('bandit', ['reports/l*.json'], t.ws);
      expect(loop.status).toBe('error');
      expect(loop.messages.join('\n')).toContain('reports/loop.json');
      await symlink('/', join(t.ws, 'root'));
      const root = await collectTool('bandit', ['root/*.json'], t.ws);
      expect(root.files).toEqual([]);
      const linked = await collectTool('bandit', ['reports/in.json'], t.ws);
      expect(linked.status).toBe('ok');
      expect(linked.files.map((f) => f.path)).toEqual(['reports/in.json']);
      // Next to a readable report, a refused one still makes the tool an error.
      const both = await collectTool('bandit', ['reports/real.json', 'reports/out.json'], t.ws);
      expect(both.status).toBe('error');
      expect(both.files.map((f) => f.path)).toEqual(['reports/real.json']);
    } finally {
      await t.done();
    }
  });
});

describe('mutmut: the score finding names the file it came from', () => {
  it('even after a file that failed to parse (the files and reports lists used to be out of step)', async () => {
    await inTempWorkspace('sg-mutmut-', async (ws) => {
      await writeFile(join(ws, 'a-garbage.txt'), 'this is not a mutmut report\n');
      const stats = await readFile(join(import.meta.dirname, '..', 'fixtures', 'mutmut', 'carlosriverosv__calculator_mutation', 'mutmut-cicd-stats.json'));
      await writeFile(join(ws, 'b-stats.json'), stats);
      const settings = parseSettings([{ 'mutmut-report': 'a-garbage.txt, b-stats.json', 'mutmut-min-score': '80', phase: '2' }]);
      const run = await runEngine(settings, { workspace: ws, now: new Date() });
      const t = run.result.tools[0]!;
      expect(t.status).toBe('error');
      const score = t.findings.find((f) => /mutation score/i.test(f.title));
      expect(score).toBeDefined();
      expect(JSON.stringify(score)).toContain('b-stats.json');
      expect(JSON.stringify(score)).not.toContain('a-garbage.txt');
    });
  });
});

describe('a secret one report reveals is scrubbed from every other finding and copy', () => {
  // Found by a hostile-input review: each finding was redacted only for its own secret. A line
  // holding an AWS key id and its secret key gave two gitleaks findings, each quoting the other's
  // secret; a Bandit finding on the line gitleaks flagged quoted the secret in the result JSON and
  // the artifact's Bandit copy.
  const keyId = 'AKIAIOSFODNN7EXAMPLE';
  const secretKey = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY99';
  const opaque = 'q8ZrT2mVx9LpA7cWn4Ks3'; // no known prefix: Bandit's own check does not hide the snippet
  const leak = (secret: string, line: number, match: string) => ({ Description: 'd', StartLine: line, EndLine: line, StartColumn: 1, EndColumn: 9, Match: match, Secret: secret, File: 'src/pay.py', Commit: 'c0ffee', Entropy: 4, Author: 'a', Email: 'e', Date: '2026-01-01T00:00:00Z', Message: 'm', Tags: [], RuleID: 'generic-api-key', Fingerprint: `c0ffee:src/pay.py:generic-api-key:${line}:${secret.slice(0, 3)}` });
  const shared = `creds = ('${keyId}', '${secretKey}')`;
  const gitleaks = [leak(keyId, 3, shared), leak(secretKey, 3, shared), leak(opaque, 5, `'k': '${opaque}'`)];
  const bandit = {
    errors: [],
    results: [{ code: `5     requests.post(URL, json={'k': '${opaque}'}, verify=False)\n`, filename: 'src/pay.py', issue_confidence: 'HIGH', issue_severity: 'HIGH', issue_text: 'Call to requests with verify=False disabling SSL certificate checks, security issue.', line_number: 5, test_id: 'B501', test_name: 'request_with_no_cert_validation' }],
  };

  it('the result holds none of them; the copies in the artifact neither', async () => {
    await inTempWorkspace('sg-known-', async (ws) => {
      await writeFile(join(ws, 'gitleaks.json'), JSON.stringify(gitleaks, null, 2));
      await writeFile(join(ws, 'bandit.json'), JSON.stringify(bandit, null, 2));
      const settings = parseSettings([{ 'gitleaks-report': 'gitleaks.json', 'bandit-report': 'bandit.json', phase: '2' }]);
      const run = await runEngine(settings, { workspace: ws, now: new Date() });
      expect(run.knownSecrets.sort()).toEqual([keyId, secretKey, opaque].sort());
      const text = JSON.stringify(run.result);
      for (const s of [keyId, secretKey, opaque]) expect(text).not.toContain(s);
      expect(run.result.tools.find((t) => t.tool === 'bandit')!.findings[0]!.snippet).toContain('q8****(redacted, 21 chars)');
      const out = join(ws, 'out');
      const staged = await stageReports({ outDir: out, workspace: ws, result: run.result, reports: run.reports, redact: true, knownSecrets: run.knownSecrets });
      expect(staged).toHaveLength(2);
      for (const f of staged) {
        const copy = await readFile(f, 'utf8');
        for (const s of [keyId, secretKey, opaque]) expect(copy).not.toContain(s);
        expect(() => JSON.parse(copy)).not.toThrow(); // redacted, not withheld
      }
      // redact-artifacts: false keeps the copies as they are (the user's choice).
      const plain = await stageReports({ outDir: join(ws, 'plain'), workspace: ws, result: run.result, reports: run.reports, redact: false, knownSecrets: run.knownSecrets });
      expect(await readFile(plain.find((f) => f.endsWith('bandit.json'))!, 'utf8')).toContain(opaque);
    });
  });

  it('a short secret (under 8 characters) is redacted where gitleaks found it, not in every path', async () => {
    await inTempWorkspace('sg-short-', async (ws) => {
      await writeFile(join(ws, 'gitleaks.json'), JSON.stringify([leak('test', 2, "pw = 'test'")]));
      const b = { errors: [], results: [{ ...bandit.results[0]!, code: '1 import pickle\n', filename: 'tests/test_x.py', line_number: 1 }] };
      await writeFile(join(ws, 'bandit.json'), JSON.stringify(b));
      const run = await runEngine(parseSettings([{ 'gitleaks-report': 'gitleaks.json', 'bandit-report': 'bandit.json' }]), { workspace: ws, now: new Date() });
      expect(run.result.tools.find((t) => t.tool === 'bandit')!.findings[0]!.location!.path).toBe('tests/test_x.py');
      expect(run.result.tools.find((t) => t.tool === 'gitleaks')!.findings[0]!.snippet).not.toContain("'test'");
    });
  });

  it('scrubCopy finds a secret as JSON (escaped) and as Python writes it (\\uXXXX)', async () => {
    await inTempWorkspace('sg-scrub-', async (ws) => {
      const odd = 'pa"ss\\wörd-9xQ';
      const file = join(ws, 'r.json');
      await writeFile(file, `{"a": ${JSON.stringify(odd)}, "b": "${JSON.stringify(odd).slice(1, -1).replace('ö', '\\u00f6')}"}`);
      expect(await scrubCopy(file, [odd])).toBe(true);
      const text = await readFile(file, 'utf8');
      expect(JSON.parse(text)).toEqual({ a: expect.stringMatching(/^pa\*\*\*\*\(redacted, \d+ chars\)$/), b: expect.stringMatching(/^pa\*\*\*\*\(redacted, \d+ chars\)$/) });
      expect(await scrubCopy(file, [odd])).toBe(false);
    });
  });
});

describe('the same finding in two report files of one tool counts once', () => {
  // Found by a docs review: pip-audit-vulns ("one per dependency and vulnerability id") and
  // gitleaks-secrets ("de-duplicated") doubled when two files of one input shared findings.
  it('pip-audit and gitleaks, each given the same report twice under two names', async () => {
    await inTempWorkspace('sg-dups-', async (ws) => {
      const ex = join(import.meta.dirname, '..', '..', 'examples', 'reports');
      const copies: Array<[string, string]> = [['pip-a.json', 'pip-audit.json'], ['pip-b.json', 'pip-audit.json'], ['gl-a.json', 'gitleaks-report.json'], ['gl-b.json', 'gitleaks-report.json']];
      for (const [name, from] of copies) await writeFile(join(ws, name), await readFile(join(ex, from)));
      const once = await runEngine(parseSettings([{ 'pip-audit-report': 'pip-a.json', 'gitleaks-report': 'gl-a.json', 'severity-source': 'off' }]), { workspace: ws, now: new Date() });
      const twice = await runEngine(parseSettings([{ 'pip-audit-report': 'pip-a.json,pip-b.json', 'gitleaks-report': 'gl-a.json,gl-b.json', 'severity-source': 'off' }]), { workspace: ws, now: new Date() });
      for (const tool of ['pip-audit', 'gitleaks'] as const) {
        const a = once.result.tools.find((t) => t.tool === tool)!;
        const b = twice.result.tools.find((t) => t.tool === tool)!;
        expect(a.findings.length).toBeGreaterThan(0);
        expect(b.findings.map((f) => f.fingerprint)).toEqual(a.findings.map((f) => f.fingerprint));
        expect(b.counts).toEqual(a.counts);
        expect(b.stats['duplicates'] ?? 0).toBe((a.stats['duplicates'] ?? 0) + a.findings.length);
        expect(b.files.map((f) => f.path)).toHaveLength(2);
      }
    });
  });

  it('one Bandit scan saved as JSON and as SARIF, a result over three lines too: once, with the narrower range', async () => {
    // A review: Bandit's SARIF ends a result's range on its second line (`line_range[1]`), its JSON
    // on its last, so a call written over three lines was two findings once the range was part of
    // "the same one" (the decoy fix), and the counts doubled.
    await inTempWorkspace('sg-dups-', async (ws) => {
      const text = 'subprocess call with shell=True identified, security issue.';
      await writeFile(join(ws, 'bandit.json'), JSON.stringify({ errors: [], results: [{ code: '3 subprocess.call(\n4     cmd,\n5     shell=True)\n', col_offset: 0, end_col_offset: 15, filename: 'app.py', issue_confidence: 'HIGH', issue_severity: 'HIGH', issue_text: text, line_number: 3, line_range: [3, 4, 5], test_id: 'B602', test_name: 'subprocess_popen_with_shell_equals_true' }] }));
      const region = { startLine: 3, endLine: 4, startColumn: 1, endColumn: 16, snippet: { text: 'subprocess.call(\n' } };
      await writeFile(join(ws, 'bandit.sarif'), JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'Bandit', rules: [{ id: 'B602' }] } }, results: [{ ruleId: 'B602', message: { text }, level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'app.py' }, region } }], properties: { issue_confidence: 'HIGH', issue_severity: 'HIGH' } }] }] }));
      for (const order of ['bandit.json,bandit.sarif', 'bandit.sarif,bandit.json']) {
        const run = await runEngine(parseSettings([{ 'bandit-report': order }]), { workspace: ws, now: new Date() });
        const t = run.result.tools.find((x) => x.tool === 'bandit')!;
        expect(t.files.map((f) => f.path)).toHaveLength(2);
        expect(t.findings.map((f) => f.location)).toEqual([expect.objectContaining({ path: 'app.py', line: 3, endLine: 4 })]);
        expect(t.stats['duplicates']).toBe(1);
      }
    });
  });
});

describe('a report named by its path that is missing, next to others that were read', () => {
  // Found by a docs review: `reports/a.json, reports/b.json` with b.json absent (its scan crashed)
  // was a warning and the tool ok: a silent pass on the half that did not run.
  it('makes the report missing (on-missing-report decides); a glob that matches nothing stays a note', async () => {
    await inTempWorkspace('sg-missing-', async (ws) => {
      await writeFile(join(ws, 'a.json'), JSON.stringify({ errors: [], results: [] }));
      const named = await collectTool('bandit', ['a.json', 'b.json'], ws);
      expect(named.status).toBe('missing');
      expect(named.messages).toEqual(['bandit-report `b.json` matched no file']);
      expect(named.reports).toHaveLength(1);
      const globbed = await collectTool('bandit', ['a.json', 'extra/*.json'], ws);
      expect(globbed.status).toBe('ok');
      expect(globbed.messages).toEqual(['bandit-report: `extra/*.json` matched no file']);
      const verdict = async (onMissing: string) => (await runEngine(parseSettings([{ 'bandit-report': 'a.json,b.json', 'on-missing-report': onMissing }]), { workspace: ws, now: new Date() })).result.verdict;
      expect(await verdict('error')).toBe('error');
      expect(await verdict('warn')).toBe('warn');
      expect(await verdict('ignore')).toBe('pass');
    });
  });
});

describe('a report whose name only looks like a glob (found by a review)', () => {
  it('`bandit (1).json` or `a[1].json`, matching nothing as a glob, is the file of that name; a glob that matches nothing and names no file stays a note', async () => {
    await inTempWorkspace('sg-literal-', async (ws) => {
      const report = (line: number) => JSON.stringify({ errors: [], results: [{ code: `${line} assert x\n`, filename: 'app.py', issue_confidence: 'HIGH', issue_severity: 'LOW', issue_text: 'Use of assert detected.', line_number: line, line_range: [line], test_id: 'B101', test_name: 'assert_used' }] });
      await writeFile(join(ws, 'a.json'), JSON.stringify({ errors: [], results: [] }));
      await writeFile(join(ws, 'bandit (1).json'), report(1));
      await writeFile(join(ws, 'b[1].json'), report(2));
      const paren = await collectTool('bandit', ['a.json', 'bandit (1).json'], ws);
      expect([paren.status, paren.messages, paren.files.map((f) => f.path)]).toEqual(['ok', [], ['a.json', 'bandit (1).json']]);
      const bracket = await collectTool('bandit', ['b[1].json'], ws);
      expect(bracket.files.map((f) => f.path)).toEqual(['b[1].json']);
      // A glob that matches nothing and names no file is still a note.
      expect((await collectTool('bandit', ['a.json', 'extra (2)/*.json'], ws)).messages).toEqual(['bandit-report: `extra (2)/*.json` matched no file']);
    });
  });
});

describe('a report path that names something other than a file', () => {
  // It was "missing", which on-missing-report: ignore lets pass; something is there, but wrong.
  it('is refused as unreadable (an error whatever on-missing-report says), and a pipe is never opened', async () => {
    await inTempWorkspace('sg-notfile-', async (ws) => {
      await mkdir(join(ws, 'reports.json'));
      const dir = await collectTool('bandit', ['reports.json'], ws);
      expect(dir.status).toBe('error');
      expect(dir.messages).toEqual(['bandit-report: `reports.json` is a directory: not read']);
      const names = ['reports.json'];
      if (process.platform === 'linux') {
        execFileSync('mkfifo', [join(ws, 'fifo.json')]); // opening it would wait for a writer forever
        const fifo = await collectTool('bandit', ['fifo.json'], ws);
        expect(fifo.status).toBe('error');
        expect(fifo.messages).toEqual(['bandit-report: `fifo.json` is not a regular file (a pipe, socket or device): not read']);
        names.push('fifo.json');
      }
      for (const onMissing of ['error', 'warn', 'ignore']) {
        const r = await runEngine(parseSettings([{ 'bandit-report': names.join(','), 'on-missing-report': onMissing }]), { workspace: ws, now: new Date() });
        expect(r.result.verdict).toBe('error');
      }
    });
  });
});

describe('a file whose name starts with two dots', () => {
  it('is a name in the workspace, not a way out of it', async () => {
    await inTempWorkspace('sg-dots-', async (ws) => {
      await writeFile(join(ws, '..b.json'), JSON.stringify({ errors: [], results: [] }));
      const r = await collectTool('bandit', ['..b.json'], ws);
      expect(r.messages).toEqual([]);
      expect(r.status).toBe('ok');
      expect(r.reports).toHaveLength(1);
      expect((await collectTool('bandit', ['../b.json'], ws)).status).toBe('missing');
      // a link loop is there, and unreadable: an error, not a missing report on-missing-report may ignore
      await symlink('loop.json', join(ws, 'loop.json'));
      const loop = await collectTool('bandit', ['loop.json'], ws);
      expect(loop.status).toBe('error');
      expect(loop.messages).toEqual(['bandit-report: `loop.json` cannot be read (ELOOP): not read']);
    });
  });
});

describe('the artifact copies are made from the file the checks were made on', () => {
  // Found by a hardening review: the copies were made with copyFile and readFile by name, after the
  // parse. A process an earlier step left running could swap a report for a link to a file outside
  // the workspace (the runner's credentials, say) between the read and the copy, and the copy
  // uploaded that file. Each copy now reads through openRegular, which checks the handle.
  const assertResult = (filename: string, line: number) => ({ filename, test_id: 'B101', test_name: 'assert_used', issue_severity: 'LOW', issue_confidence: 'HIGH', issue_text: 'Use of assert detected.', line_number: line, line_range: [line], col_offset: 0, end_col_offset: 10, code: `${line} assert x\n` });
  const password = { ...assertResult('app/db.py', 3), test_id: 'B105', test_name: 'hardcoded_password_string', issue_text: "Possible hardcoded password: 'hunter2hunter2'", code: "3 PASSWORD = 'hunter2hunter2'\n" };
  const leak = { Description: 'd', StartLine: 1, EndLine: 1, StartColumn: 1, EndColumn: 9, Match: 'token = x', Secret: 'x9Tq2LmV8pZr4KwN7cYb', File: 'a.py', Commit: 'c0ffee', RuleID: 'generic-api-key', Fingerprint: 'c0ffee:a.py:generic-api-key:1', Tags: [] };

  it('a report swapped for a link out of the workspace after the parse is withheld, never copied', async () => {
    await inTempWorkspace('sg-swap-', async (ws) => {
      const outside = await mkdtemp(join(tmpdir(), 'sg-swap-outside-'));
      try {
        const secret = join(outside, 'credentials');
        await writeFile(secret, 'RUNNER-CREDENTIAL-do-not-upload\n');
        // A copy of each kind: as it is (Bandit, nothing to redact; pip-audit), redacted from the
        // parser's notes (Bandit with a B105), through a transform (gitleaks).
        await writeFile(join(ws, 'clean.json'), JSON.stringify({ errors: [], results: [assertResult('app/a.py', 1)] }));
        await writeFile(join(ws, 'secret.json'), JSON.stringify({ errors: [], results: [password] }));
        await writeFile(join(ws, 'gitleaks.json'), JSON.stringify([leak]));
        await writeFile(join(ws, 'pip-audit.json'), await readFile(join(import.meta.dirname, '..', 'fixtures', 'pip-audit', 'finsite__repo-utils-shared', 'pip-audit.json')));
        const settings = parseSettings([{ 'bandit-report': 'clean.json\nsecret.json', 'gitleaks-report': 'gitleaks.json', 'pip-audit-report': 'pip-audit.json', 'severity-source': 'off' }]);
        const run = await runEngine(settings, { workspace: ws, now: new Date() });
        expect(run.reports.map((r) => r.path).sort()).toEqual(['clean.json', 'gitleaks.json', 'pip-audit.json', 'secret.json']);
        for (const r of run.reports) {
          await rm(join(ws, r.path));
          await symlink(secret, join(ws, r.path));
        }
        const said: string[] = [];
        const staged = await stageReports({ outDir: join(ws, 'out'), workspace: ws, result: run.result, reports: run.reports, redact: true, knownSecrets: run.knownSecrets, onWithheld: (file, note) => said.push(`${file}: ${note}`) });
        expect(staged).toHaveLength(4);
        // Each withheld copy is told to the caller (the action logs a warning), with why.
        expect(said.sort()).toEqual(
          ['clean.json', 'gitleaks.json', 'pip-audit.json', 'secret.json'].map((f) => `${f}: security-gate: this report was withheld from the artifact: it could not be read again for the copy (the path is a symbolic link to a file outside the workspace: not read).`),
        );
        for (const f of staged) {
          const copy = await readFile(f, 'utf8');
          expect(copy).not.toContain('RUNNER-CREDENTIAL');
          expect(copy).toMatch(/^security-gate: this (Bandit )?report was withheld from the artifact/);
        }
        const asIs = await readFile(join(ws, 'out', 'reports', 'pip-audit.json'), 'utf8');
        expect(asIs).toBe('security-gate: this report was withheld from the artifact: it could not be read again for the copy (the path is a symbolic link to a file outside the workspace: not read).\n');
        // redact-artifacts: false copies as they are, still never through such a link.
        const plain = await stageReports({ outDir: join(ws, 'plain'), workspace: ws, result: run.result, reports: run.reports, redact: false });
        for (const f of plain) expect(await readFile(f, 'utf8')).not.toContain('RUNNER-CREDENTIAL');
      } finally {
        await rm(outside, { recursive: true, force: true });
      }
    });
  });

  it('unchanged reports are copied byte for byte', async () => {
    await inTempWorkspace('sg-copy-', async (ws) => {
      const text = `${JSON.stringify({ errors: [], results: [assertResult('app/a.py', 1)] }, null, 2)}\n`;
      await writeFile(join(ws, 'clean.json'), text);
      const bytes = await readFile(join(import.meta.dirname, '..', 'fixtures', 'pip-audit', 'finsite__repo-utils-shared', 'pip-audit.json'));
      await writeFile(join(ws, 'pip-audit.json'), bytes);
      const run = await runEngine(parseSettings([{ 'bandit-report': 'clean.json', 'pip-audit-report': 'pip-audit.json', 'severity-source': 'off' }]), { workspace: ws, now: new Date() });
      const said: string[] = [];
      const staged = await stageReports({ outDir: join(ws, 'out'), workspace: ws, result: run.result, reports: run.reports, redact: true, onWithheld: (f) => said.push(f) });
      expect(said).toEqual([]);
      expect(await readFile(staged.find((f) => f.endsWith('clean.json'))!, 'utf8')).toBe(text);
      expect((await readFile(staged.find((f) => f.endsWith('pip-audit.json'))!)).equals(bytes)).toBe(true);
    });
  });
});

describe('runEngine: the change and the waivers are awaited after the reports are read', () => {
  it('reads every report before it waits for the change (found meanwhile), then uses it', async () => {
    await inTempWorkspace('sg-overlap-', async (ws) => {
      // The report appears only once the engine asks for the change: read before, it is missing.
      const change = {
        then(resolve: (c: unknown) => void) {
          execFileSync('sh', ['-c', `printf '{"errors":[],"results":[]}' > ${JSON.stringify(join(ws, 'late.json'))}`]);
          resolve({ known: false, reason: 'no git here' });
        },
      } as unknown as Promise<undefined>;
      let waived = 0;
      const waive = { then: (resolve: (w: unknown) => void) => resolve((waived++, undefined)) } as unknown as Promise<undefined>;
      const run = await runEngine(parseSettings([{ 'bandit-report': 'late.json' }]), { workspace: ws, now: new Date(), change, waive });
      expect(run.result.tools[0]!.status).toBe('missing');
      expect(run.result.change).toEqual({ known: false, reason: 'no git here' });
      expect(waived).toBe(1);
    });
  });

  it('fails as the change does, without an unhandled rejection while the reports are read', async () => {
    await inTempWorkspace('sg-overlap-', async (ws) => {
      await writeFile(join(ws, 'bandit.json'), JSON.stringify({ errors: [], results: [] }));
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown) => unhandled.push(e);
      process.on('unhandledRejection', onUnhandled);
      try {
        const changing = Promise.reject(new Error('git failed'));
        const waiving = changing.then(() => undefined);
        handledLater(changing, waiving);
        // A turn of the event loop with both rejected and not yet awaited, as during a long read.
        await new Promise((r) => setTimeout(r, 20));
        await expect(runEngine(parseSettings([{ 'bandit-report': 'bandit.json' }]), { workspace: ws, now: new Date(), change: changing, waive: waiving })).rejects.toThrow('git failed');
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
      expect(unhandled).toEqual([]);
    });
  });
});
