/**
 * Follow-ups of an adversarial review of the promotion action's untrusted inputs (artifact zips,
 * the result JSON in them, the downloads). Each failed before its fix: a sub-KB zip that kept the
 * event loop busy for most of an hour, a result of bad findings that exhausted the heap, a stored
 * entry larger than the limit, a finding whose effective severity hid a HIGH, long strings copied
 * into every report, and one failed download that ended the whole collection.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { strToU8, zipSync } from 'fflate';
import { readGateResult } from '../../src/promotion/result-read.js';
import { readZipEntry } from '../../src/promotion/zip.js';
import { answerWithin } from '../helpers/deadline.js';
import { startServer, type Reply, type TestServer } from '../helpers/http-server.js';
import { serveGitHub } from './helpers/fake-github.js';
import { gateResult } from './helpers/factory.js';
import { history, runCli } from './helpers/scenario.js';

const FILE = 'security-gate-result.json';

/**
 * A valid zip of `files` whose ZIP64 end record claims `count` entries (the classic end record
 * says one): fflate takes the ZIP64 count and walks that many, reading zeros past the buffer.
 */
function zip64Claiming(count: number, files: Record<string, string>): Uint8Array {
  const input: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(files)) input[k] = strToU8(v);
  const base = zipSync(input);
  const dv = new DataView(base.buffer, base.byteOffset, base.byteLength);
  const eocd = base.length - 22;
  const cdSize = dv.getUint32(eocd + 12, true);
  const cdOff = dv.getUint32(eocd + 16, true);
  const z64 = new Uint8Array(56);
  const zd = new DataView(z64.buffer);
  zd.setUint32(0, 0x06064b50, true);
  zd.setBigUint64(4, 44n, true);
  zd.setUint16(12, 45, true);
  zd.setUint16(14, 45, true);
  zd.setBigUint64(24, BigInt(count), true);
  zd.setBigUint64(32, BigInt(count), true);
  zd.setBigUint64(40, BigInt(cdSize), true);
  zd.setBigUint64(48, BigInt(cdOff + 56), true);
  const loc = new Uint8Array(20);
  const ld = new DataView(loc.buffer);
  ld.setUint32(0, 0x07064b50, true);
  ld.setBigUint64(8, BigInt(cdOff), true);
  ld.setUint32(16, 1, true);
  const end = new Uint8Array(22);
  const ed = new DataView(end.buffer);
  ed.setUint32(0, 0x06054b50, true);
  ed.setUint16(8, 1, true);
  ed.setUint16(10, 1, true);
  ed.setUint32(12, cdSize, true);
  ed.setUint32(16, cdOff + 56, true);
  const parts = [base.subarray(0, cdOff), z64, base.subarray(cdOff, cdOff + cdSize), loc, end];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A stored (method 0) one-entry zip whose headers declare `declared` bytes uncompressed. */
function storedDeclaring(name: string, content: string, declared: number): Uint8Array {
  const zip = zipSync({ [name]: [strToU8(content), { level: 0 }] });
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x02014b50) dv.setUint32(i + 24, declared, true);
    else if (sig === 0x04034b50 && i === 0) dv.setUint32(i + 22, declared, true);
  }
  return zip;
}

describe('artifact zips', () => {
  it('a sub-KB zip claiming billions of entries is refused at once, not walked', () => {
    const valid = JSON.stringify(gateResult({ bandit: {} }));
    expect(readZipEntry(zip64Claiming(1, { [FILE]: valid }), FILE, 1 << 20)).toMatchObject({ ok: true });
    const zip = zip64Claiming(0xffffffff, { [FILE]: valid });
    expect(zip.length).toBeLessThan(1024);
    const r = answerWithin(() => readZipEntry(zip, FILE, 1 << 20));
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('claims more entries than it can hold') });
  });

  it('a stored entry that holds more than its headers declare is not read past the limit', () => {
    const zip = storedDeclaring(FILE, `{"pad":"${'x'.repeat(2_000_000)}"}`, 10);
    const r = readZipEntry(zip, FILE, 1000);
    expect(r.ok).toBe(false);
  });
});

describe('result files', () => {
  const withTool = (t: Record<string, unknown>) => JSON.stringify({ ...gateResult({ bandit: {} }), tools: [{ ...(gateResult({ bandit: {} }).tools[0] as object), ...t }] });

  it('a tool with millions of bad findings is refused at the first one, without a problem object per element', () => {
    const text = withTool({ findings: new Array(3_000_000).fill(0) });
    const r = answerWithin(() => readGateResult(text, FILE));
    expect(r).toEqual({ ok: false, reason: `${FILE}: $.tools[0].findings[0]: expected object, received number` });
    const m = readGateResult(withTool({ messages: ['ok', 7] }), FILE);
    expect(m).toMatchObject({ ok: false, reason: expect.stringContaining('$.tools[0].messages[1]') });
  });

  it('a finding whose effective severity is not its severity (the gate maps only unknown) makes the run malformed', () => {
    const base = gateResult({ bandit: { findings: [{ fingerprint: 'fp-1', severity: 'high', disposition: 'warn' }] } });
    const tool = base.tools[0]!;
    const mapped = { ...base, tools: [{ ...tool, findings: tool.findings.map((f) => ({ ...f, effectiveSeverity: 'low' })) }] };
    expect(readGateResult(JSON.stringify(base), FILE).ok).toBe(true);
    expect(readGateResult(JSON.stringify(mapped), FILE)).toMatchObject({ ok: false, reason: expect.stringContaining('severity high but effectiveSeverity low') });
    // An effective severity without the severity it was mapped from: the same hiding place.
    const bare = { ...base, tools: [{ ...tool, findings: tool.findings.map(({ severity: _s, ...f }) => ({ ...f, effectiveSeverity: 'low' })) }] };
    expect(readGateResult(JSON.stringify(bare), FILE)).toMatchObject({ ok: false, reason: expect.stringContaining('an effectiveSeverity but no severity') });
    const unknown = { ...base, tools: [{ ...tool, severity: { ...tool.severity, high: 0, unknown: 1 }, findings: tool.findings.map((f) => ({ ...f, severity: 'unknown', effectiveSeverity: 'high' })) }] };
    expect(readGateResult(JSON.stringify(unknown), FILE).ok).toBe(true);
  });

  it('keeps a few messages and unknown tool names, each shortened (they go to the log and both reports)', () => {
    const many = Array.from({ length: 50 }, (_, i) => `${i}:${'M'.repeat(4_000)}`);
    const r = readGateResult(withTool({ messages: many }), FILE);
    if (!r.ok) throw new Error(r.reason);
    const msgs = r.data.tools[0]!.messages;
    expect(msgs).toHaveLength(21);
    expect(Math.max(...msgs.map((m) => m.length))).toBeLessThanOrEqual(1_000);
    expect(msgs[20]).toBe('(and 30 more messages)');
  });
});

describe('one artifact download failing at the storage host', () => {
  let srv: TestServer;
  beforeEach(async () => {
    srv = await startServer();
  });
  afterEach(async () => srv.close());
  const clean = () => history(Array.from({ length: 12 }, () => ({ bandit: {} })));

  const cases: Array<[string, Reply, RegExp]> = [
    ['a 401', { status: 401, body: '<Error><Code>NoAuthenticationInformation</Code></Error>' }, /HTTP 401 from the download/],
    ['a 400', { status: 400, body: '<Error/>' }, /HTTP 400/],
    ['a 416', { status: 416, body: '' }, /HTTP 416/],
  ];
  for (const [name, reply, reason] of cases) {
    it(`${name}: that run has no data, the other runs are read and the report is written`, async () => {
      serveGitHub(srv, clean(), { intercept: (kind, n) => (kind === 'blob' && n === 1 ? reply : undefined) });
      const r = await runCli(srv.url);
      expect(r.code).toBe(0);
      const noData = r.report!.runs.filter((x) => x.data === 'no-data');
      expect(noData).toHaveLength(1);
      expect(noData[0]!.reason).toMatch(reason);
      expect(r.report!.collection.runsWithData).toBeGreaterThanOrEqual(10);
    });
  }

  it('a redirect loop: that run has no data, the others are read', async () => {
    serveGitHub(srv, clean(), { intercept: (kind, n, path) => (kind === 'blob' && path.startsWith('/blob/9000') ? { status: 302, headers: { location: `${srv.url}/blob/9000.zip?again=${n}` } } : undefined) });
    const r = await runCli(srv.url);
    expect(r.code).toBe(0);
    expect(r.report!.runs.filter((x) => x.data === 'no-data').length).toBeGreaterThanOrEqual(1);
  });
});
