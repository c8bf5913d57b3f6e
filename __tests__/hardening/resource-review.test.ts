/**
 * A resource-exhaustion review (time and memory). The first test of each block failed before its
 * fix; the others guard it.
 *
 * - A vulture report had no bound on its lines: 100,000 lines took ~3 s and ~290 MB, and a 420 MB
 *   report of 6 million lines ran the worker out of memory after two minutes ("internal error",
 *   no file named). It is now refused before its lines are split, at the line past the bound.
 * - The worker running out of memory (several 512 MiB reports through a glob) said only "internal
 *   error: Worker terminated due to reaching memory limit". It now names the reports and their
 *   total size; and a run reads no more than MAX_TOTAL_REPORT_BYTES of reports in all, the report
 *   that would go over refused before it is read, an error for its tool (the gate fails closed).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseSettings } from '../../src/config/schema.js';
import { runEngine } from '../../src/engine/run.js';
import { stageReports } from '../../src/engine/stage.js';
import { ReportsOutOfMemory, runInWorker, WORKER_HEAP_MB_ENV, workerHeapMb, workerPlan } from '../../src/engine/worker.js';
import { MAX_REPORT_BYTES, MAX_TOTAL_REPORT_BYTES } from '../../src/io/files.js';
import { firstLine, firstNonBlankLine, lineLimitOffset } from '../../src/reports/lines.js';
import { parseReport } from '../../src/reports/registry.js';
import { MAX_VULTURE_LINES } from '../../src/reports/vulture/parser.js';
import { escapeLog } from '../../src/util/escape.js';
import { errorOf } from '../reports/registry-helpers.js';

const VULTURE_LINE = "src/app.py:3: unused import 'os' (90% confidence)";

let ws: string;
beforeAll(async () => {
  ws = await mkdtemp(join(tmpdir(), 'sg-resources-'));
});
afterAll(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe('a vulture report of too many lines', () => {
  it('is refused before any finding is built, naming the file and the line past the bound', () => {
    const text = `${VULTURE_LINE}\n`.repeat(MAX_VULTURE_LINES + 1);
    expect(errorOf(() => parseReport('vulture', 'reports/vulture.txt', text)).message).toBe(
      `vulture: reports/vulture.txt: line ${MAX_VULTURE_LINES + 1}: more than ${MAX_VULTURE_LINES.toLocaleString('en-US')} lines: too many for a vulture report (a real one has a few thousand); not read`,
    );
  });

  it('(guard) the bound counts lines as the parser splits them: a final newline ends the last line, CRLF is one line end', () => {
    expect(lineLimitOffset('a\nb\nc', 2)).toBe(4);
    expect(lineLimitOffset('a\nb\n', 2)).toBe(-1);
    expect(lineLimitOffset('a\r\nb\r\n', 2)).toBe(-1);
    expect(lineLimitOffset('a\r\nb\r\nc', 2)).toBe(6);
    expect(lineLimitOffset('', 0)).toBe(-1);
    expect(lineLimitOffset('a', 0)).toBe(0);
    // A report of exactly the bound's lines is not refused for its length.
    const lines = `${VULTURE_LINE}\n`.repeat(MAX_VULTURE_LINES);
    expect(lineLimitOffset(lines, MAX_VULTURE_LINES)).toBe(-1);
  });

  it('(guard) the formats are told by the first line, found as a split would find it', () => {
    for (const t of ['', '\n\n', ' \r\n\t\nx\r\ny', 'a\r', 'a\r\r\nb', '\u00a0\nb', 'x']) {
      expect(firstNonBlankLine(t)).toBe(t.split(/\r?\n/).find((l) => l.trim() !== ''));
      expect(firstLine(t)).toBe(t.split(/\r?\n/)[0]);
    }
    expect(parseReport('vulture', 'v.txt', `\uFEFF\n${VULTURE_LINE}\n`).findings).toHaveLength(1);
    expect(parseReport('mutmut', 'm.txt', '\n    a.x_f__mutmut_1: survived\n').findings).toHaveLength(1);
  });
});

describe('more reports than memory', () => {
  it('the report that takes the run over the total is refused before it is read; the tool is an error naming it', async () => {
    const dir = join(ws, 'total');
    await mkdir(join(dir, 'reports'), { recursive: true });
    const small = await readFile(join(import.meta.dirname, '..', '..', 'examples', 'reports', 'bandit-report.json'));
    await writeFile(join(dir, 'reports/a.json'), small);
    // Sparse: 512 MiB that take no disk and are never read (before the fix they were, whole).
    const fh = await open(join(dir, 'reports/b.json'), 'w');
    await fh.truncate(MAX_REPORT_BYTES);
    await fh.close();
    expect(MAX_TOTAL_REPORT_BYTES).toBe(MAX_REPORT_BYTES);
    const run = await runEngine(parseSettings([{ 'bandit-report': 'reports/*.json', phase: '2' }]), { workspace: dir, now: new Date() });
    const bandit = run.result.tools.find((t) => t.tool === 'bandit')!;
    expect(bandit.status).toBe('error');
    expect(run.result.verdict).toBe('error');
    expect(run.result.shouldFail).toBe(true);
    expect(bandit.messages).toContain(
      `reports/b.json: file is ${MAX_REPORT_BYTES} bytes; with the ${small.length} bytes of the reports read before it, over the ${MAX_TOTAL_REPORT_BYTES}-byte limit for all the reports of one run together: not read`,
    );
    // The first report was read as usual.
    expect(bandit.findings.length).toBeGreaterThan(0);
  }, 30_000);

  it('a report the total refused is not read whole for its redacted copy either (gitleaks; found by a re-review)', async () => {
    const dir = join(ws, 'total-copy');
    await mkdir(join(dir, 'reports'), { recursive: true });
    await writeFile(join(dir, 'reports/bandit.json'), await readFile(join(import.meta.dirname, '..', '..', 'examples', 'reports', 'bandit-report.json')));
    // Sparse, never read: before the fix the artifact's redacted copy read all 512 MiB of it.
    const fh = await open(join(dir, 'reports/gitleaks.json'), 'w');
    await fh.truncate(MAX_REPORT_BYTES);
    await fh.close();
    const run = await runEngine(parseSettings([{ 'bandit-report': 'reports/bandit.json', 'gitleaks-report': 'reports/gitleaks.json', phase: '2' }]), { workspace: dir, now: new Date() });
    expect(run.result.tools.find((t) => t.tool === 'gitleaks')?.status).toBe('error');
    const withheldCopies: string[] = [];
    const outDir = join(dir, 'out');
    await stageReports({ outDir, workspace: dir, result: run.result, reports: run.reports, redact: true, onWithheld: (file) => withheldCopies.push(file) });
    // The Bandit copy too: what the gitleaks report holds is not known (a second re-review).
    expect(withheldCopies.sort()).toEqual(['reports/bandit.json', 'reports/gitleaks.json']);
    expect(await readFile(join(outDir, 'reports/reports/gitleaks.json'), 'utf8')).toMatch(/withheld from the artifact.*not read: it would have taken the reports of this run over their total size limit/);
  }, 60_000);

  it('a worker that runs out of memory is said to, naming the reports and their total size', async () => {
    const dir = join(ws, 'oom');
    await mkdir(join(dir, 'reports'), { recursive: true });
    await writeFile(join(dir, 'reports/bandit.json'), 'x'.repeat(3000));
    await writeFile(join(dir, 'reports/vulture\n::error::x.txt'), 'y'.repeat(1000));
    const plan = await workerPlan(parseSettings([{ 'bandit-report': 'reports/*.json', 'vulture-report': 'reports/*.txt' }]), dir, { SECURITY_GATE_WORKER_MIN_BYTES: '0' });
    expect(plan?.files).toEqual([
      { path: 'reports/bandit.json', bytes: 3000 },
      { path: 'reports/vulture\n::error::x.txt', bytes: 1000 },
    ]);
    // A worker that holds more and more, under a small heap.
    const script = join(dir, 'hog.mjs');
    await writeFile(script, 'const held = [];\nfor (;;) held.push(new Array(10000).fill(held.length));\n');
    const errors: Error[] = [];
    const before = process.env[WORKER_HEAP_MB_ENV];
    process.env[WORKER_HEAP_MB_ENV] = '32';
    let code: number;
    try {
      code = await runInWorker(pathToFileURL(script), {}, (e) => errors.push(e), { files: plan!.files });
    } finally {
      if (before === undefined) delete process.env[WORKER_HEAP_MB_ENV];
      else process.env[WORKER_HEAP_MB_ENV] = before;
    }
    expect(code).not.toBe(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ReportsOutOfMemory);
    expect(errors[0]!.message).toBe(
      'the reports needed more memory than is available: the worker thread reading them ran out of its 32 MB heap. ' +
        'Reports: reports/bandit.json (0.0 MiB), reports/vulture\n::error::x.txt (0.0 MiB); 0.0 MiB in 2 files in all. ' +
        'No verdict was reached (failed closed): give the gate fewer or smaller reports, or run it where more memory is available.',
    );
    // The shells print it escaped, as every message quoting a path: no workflow command gets through.
    expect(escapeLog(errors[0]!.message)).not.toMatch(/\n|::error/);
  }, 30_000);

  it('(guard) names at most ten reports, biggest first, and counts them all', () => {
    const files = Array.from({ length: 12 }, (_, i) => ({ path: `r/${String(i).padStart(2, '0')}.json`, bytes: (i + 1) * 1048576 }));
    const m = new ReportsOutOfMemory(files, undefined).message;
    expect(m).toContain('ran out of its heap. Reports: r/11.json (12.0 MiB), r/10.json (11.0 MiB),');
    expect(m).toContain('r/02.json (3.0 MiB), and 2 more; 78.0 MiB in 12 files in all.');
    expect(m).not.toContain('r/01.json');
  });

  it('(guard) SECURITY_GATE_WORKER_HEAP_MB is taken only as a whole number of MB, at least 16', () => {
    expect(workerHeapMb({})).toBeUndefined();
    expect(workerHeapMb({ [WORKER_HEAP_MB_ENV]: ' 2048 ' })).toBe(2048);
    for (const bad of ['', '0', '8', '15', '-64', '1e3', '64MB', '0x40', '1'.repeat(8)]) expect(workerHeapMb({ [WORKER_HEAP_MB_ENV]: bad })).toBeUndefined();
  });
});

describe('a gitleaks report that is never read (a second re-review)', () => {
  // What only gitleaks revealed is scrubbed from the other reports through its report: one the run
  // did not read (over the run's total, over one report's size) leaves it unknown. Before the fix
  // the Bandit snippet quoting it reached the result JSON and the Bandit copy in clear.
  const TOKEN = 'SKf3c9a1d07be24e6c9f1a08b37d5e2c4a';
  const bandit = `${JSON.stringify({
    errors: [],
    generated_at: '2026-01-01T00:00:00Z',
    metrics: {},
    results: [
      {
        code: `7 import random\n8 TWILIO_KEY = "${TOKEN}"\n9 n = random.random()\n`,
        col_offset: 4,
        filename: 'app/sms.py',
        issue_confidence: 'HIGH',
        issue_severity: 'LOW',
        issue_text: 'Standard pseudo-random generators are not suitable for security/cryptographic purposes.',
        line_number: 9,
        line_range: [9],
        more_info: 'https://bandit.readthedocs.io/en/1.7.10/blacklists/blacklist_calls.html#b311-random',
        test_id: 'B311',
        test_name: 'blacklist',
      },
    ],
  })}\n`;
  it.each([
    ['over the total of the run', MAX_REPORT_BYTES],
    ['over the size of one report', MAX_REPORT_BYTES + 1],
  ])('%s: no other report keeps a snippet, and every copy is withheld', async (_, size) => {
    const dir = join(ws, `unread-gitleaks-${size}`);
    await mkdir(join(dir, 'reports'), { recursive: true });
    await writeFile(join(dir, 'reports/bandit.json'), bandit);
    const fh = await open(join(dir, 'reports/gitleaks.json'), 'w');
    await fh.truncate(size);
    await fh.close();
    const run = await runEngine(parseSettings([{ 'bandit-report': 'reports/bandit.json', 'gitleaks-report': 'reports/gitleaks.json', phase: '2' }]), { workspace: dir, now: new Date() });
    expect(run.result.tools.find((t) => t.tool === 'gitleaks')?.status).toBe('error');
    expect(run.result.tools.find((t) => t.tool === 'bandit')?.findings).toHaveLength(1);
    expect(JSON.stringify(run.result)).not.toContain(TOKEN);
    expect(run.result.notices.join('\n')).toMatch(/reports\/gitleaks\.json.*was not read.*the secrets it holds are not known/);
    const withheldCopies: string[] = [];
    const outDir = join(dir, 'out');
    await stageReports({ outDir, workspace: dir, result: run.result, reports: run.reports, redact: true, knownSecrets: run.knownSecrets, onWithheld: (file) => withheldCopies.push(file) });
    expect(withheldCopies.sort()).toEqual(['reports/bandit.json', 'reports/gitleaks.json']);
    expect(await readFile(join(outDir, 'reports/reports/bandit.json'), 'utf8')).not.toContain(TOKEN);
  }, 60_000);
});
