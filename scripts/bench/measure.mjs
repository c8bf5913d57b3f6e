// Runs a command as a child process and measures its wall time (hrtime around the spawn) and peak
// RSS (GNU time's %M, the child's maximum resident set in KiB). Without /usr/bin/time, RSS is null.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HAS_TIME = existsSync('/usr/bin/time');

/** One run: { wallMs, rssBytes, code, stdout, stderr }. */
export function measureOnce(cmd, args, { env = process.env, cwd = process.cwd(), stdin } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-m-'));
  const timeFile = join(dir, 'time');
  const [file, argv] = HAS_TIME ? ['/usr/bin/time', ['-f', '%M', '-o', timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(file, argv, { env, cwd, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout.length < 1e6 ? (stdout += d) : undefined));
    child.stderr.on('data', (d) => (stderr.length < 1e6 ? (stderr += d) : undefined));
    if (stdin) child.stdin.end(stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      let rssBytes = null;
      if (HAS_TIME) {
        try {
          const kib = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
          if (Number.isFinite(kib)) rssBytes = kib * 1024;
        } catch {
          /* no figure */
        }
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ wallMs, rssBytes, code, stdout, stderr });
    });
  });
}

export function median(xs) {
  const s = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * `runs` measured runs of each candidate, interleaved (a, b, c, a, b, c, …) so that machine noise
 * hits them alike, after one unmeasured warm-up run of each (page cache). Returns name -> summary.
 */
export async function compare(candidates, runs, { check } = {}) {
  const samples = new Map(candidates.map((c) => [c.name, []]));
  for (const c of candidates) {
    const r = await measureOnce(c.cmd, c.args, c.opts);
    if (check) check(c, r);
  }
  for (let i = 0; i < runs; i++) {
    for (const c of candidates) {
      const r = await measureOnce(c.cmd, c.args, c.opts);
      if (check) check(c, r);
      samples.get(c.name).push(r);
    }
  }
  const out = {};
  for (const c of candidates) {
    const s = samples.get(c.name);
    out[c.name] = { wallMs: median(s.map((r) => r.wallMs)), rssBytes: median(s.map((r) => r.rssBytes)), runs: s.length, last: s[s.length - 1] };
  }
  return out;
}
