import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findNode,
  inputEnvName,
  nodeMajor,
  parseFileCommands,
  parseWorkflowCommands,
  resolveTestNode,
  runAction,
  TEST_NODE_ENV,
} from './runner.js';

const ECHO = '__tests__/fixtures/runner/echo-action.mjs';

describe('parseFileCommands (GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE)', () => {
  it('reads name=value and name<<DELIMITER heredocs, last value wins', () => {
    const content = [
      'plain=value with = sign',
      'multi<<ghadelimiter_1',
      'line one',
      '',
      'line=three<<not-a-heredoc',
      'ghadelimiter_1',
      '',
      'empty=',
      'empty-heredoc<<EOF',
      'EOF',
      'plain=second',
      '',
    ].join('\n');
    expect(parseFileCommands(content)).toEqual({
      plain: 'second',
      multi: 'line one\n\nline=three<<not-a-heredoc',
      empty: '',
      'empty-heredoc': '',
    });
  });

  it('accepts CRLF line ends, as written on Windows runners', () => {
    expect(parseFileCommands('a<<D\r\nx\r\ny\r\nD\r\nb=1\r\n')).toEqual({ a: 'x\ny', b: '1' });
  });

  it('reads what @actions/core writes (uuid delimiters)', () => {
    const content = 'verdict<<ghadelimiter_5f0c2a1e-9a8b-4c3d-8e7f-123456789abc\nblock\nghadelimiter_5f0c2a1e-9a8b-4c3d-8e7f-123456789abc\n';
    expect(parseFileCommands(content)).toEqual({ verdict: 'block' });
  });

  it('a "=" before "<<" makes a plain line', () => {
    expect(parseFileCommands('a=b<<c\n')).toEqual({ a: 'b<<c' });
  });

  it('does not let a "__proto__" name touch prototypes', () => {
    const parsed = parseFileCommands('__proto__=x\nconstructor=y\n');
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('fails like the runner on a missing delimiter, an empty name, or a line that is neither form', () => {
    expect(() => parseFileCommands('a<<EOF\nvalue\n')).toThrow('matching delimiter "EOF" not found for "a"');
    expect(() => parseFileCommands('=value\n')).toThrow('line 1: invalid format');
    expect(() => parseFileCommands('ok=1\njust text\n')).toThrow('line 2: invalid format: "just text"');
  });
});

describe('parseWorkflowCommands', () => {
  it('parses commands with properties, unescaping data and properties', () => {
    const out = [
      'plain text',
      '::warning file=src/a%2Cb.py,line=3,title=x%3A y::first%0Asecond 100%25',
      '  ::error::indented still counts',
      '::add-mask::secret',
      '##[group]legacy group',
    ].join('\n');
    expect(parseWorkflowCommands(out)).toEqual([
      { command: 'warning', properties: { file: 'src/a,b.py', line: '3', title: 'x: y' }, message: 'first\nsecond 100%', legacy: false },
      { command: 'error', properties: {}, message: 'indented still counts', legacy: false },
      { command: 'add-mask', properties: {}, message: 'secret', legacy: false },
      { command: 'group', properties: {}, message: 'legacy group', legacy: true },
    ]);
  });

  it('ignores everything between stop-commands and its token', () => {
    const out = ['::stop-commands::tok123', '::error::forged', '##[error]forged too', '::tok123::', '::notice::after'].join('\n');
    expect(parseWorkflowCommands(out).map((c) => `${c.command}:${c.message}`)).toEqual(['stop-commands:tok123', 'notice:after']);
  });
});

describe('inputEnvName and node resolution', () => {
  it('names inputs like core.getInput', () => {
    expect(inputEnvName('bandit-report')).toBe('INPUT_BANDIT-REPORT');
    expect(inputEnvName('fail on block')).toBe('INPUT_FAIL_ON_BLOCK');
  });

  it('uses SECURITY_GATE_TEST_NODE when set, else this node', () => {
    expect(resolveTestNode({})).toBe(process.execPath);
    expect(resolveTestNode({ [TEST_NODE_ENV]: '/opt/node24/bin/node' })).toBe('/opt/node24/bin/node');
  });
});

describe('runAction', () => {
  let workspace: string;
  let server: Server;
  let pingUrl: string;

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'sg-runner-ws-'));
    server = createServer((_req, res) => res.end('pong'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    pingUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(workspace, { recursive: true, force: true });
  });

  it('runs the entry with inputs and runner files, and reads everything back', async () => {
    const outer = process.env['ACTIONS_RUNTIME_TOKEN'];
    process.env['ACTIONS_RUNTIME_TOKEN'] = 'token-of-the-outer-ci-job';
    const result = await runAction({
      entry: ECHO,
      inputs: { greeting: 'hello', 'ping-url': pingUrl, fail: 'false' },
      workspace,
      env: { EXTRA: '1' },
    }).finally(() => {
      if (outer === undefined) delete process.env['ACTIONS_RUNTIME_TOKEN'];
      else process.env['ACTIONS_RUNTIME_TOKEN'] = outer;
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({
      greeting: 'hello',
      'multi-line': 'first line\nsecond line\n\nlast line',
      cwd: workspace,
      ping: 'pong', // served in this process while the child ran: execFile is async
      'leaked-token': '', // this process's environment (a real CI job's, say) does not leak into the child
    });
    // the default node: SECURITY_GATE_TEST_NODE when set, else the one running jest
    expect(result.outputs['node-version']).toMatch(new RegExp(`^v${await nodeMajor(resolveTestNode())}\\.`));
    expect(result.summary).toContain('<h1>Echo action</h1>');
    expect(result.summary).toContain('greeting: hello');
    expect(result.env).toEqual({ GATE_VERDICT: 'pass' });
    expect(result.state).toEqual({ started: 'yes' });
    expect(result.path).toEqual(['/opt/example/bin']);
    expect(result.runnerTempFiles).toEqual(['scratch.txt']);
    expect(result.commands).toEqual(
      expect.arrayContaining([
        { command: 'warning', properties: { title: 'a: title, with comma', file: 'src/app.py', line: '3' }, message: 'check this', legacy: false },
        { command: 'add-mask', properties: {}, message: 's3cr3t-value', legacy: false },
      ]),
    );
  });

  it('reports a failing action: exit code 1 and its ::error::', async () => {
    const result = await runAction({ entry: ECHO, inputs: { greeting: 'x', fail: 'true' }, workspace });
    expect(result.code).toBe(1);
    expect(result.commands.filter((c) => c.command === 'error').map((c) => c.message)).toEqual(['asked to fail']);
  });

  it('applies action.yml input defaults that the test does not give, as the runner does', async () => {
    const actionYml = join(workspace, 'action.yml');
    await writeFile(
      actionYml,
      ['name: echo', 'inputs:', '  greeting:', '    default: from-default', '  report-dir:', '    default: reports/', '  fail:', "    default: 'false'", ''].join('\n'),
    );
    const result = await runAction({ entry: ECHO, inputs: { 'report-dir': 'given/' }, workspace, actionYml });
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ greeting: 'from-default', 'report-dir': 'given/' });
  });

  it('a missing required input fails the step', async () => {
    const result = await runAction({ entry: ECHO, inputs: {}, workspace });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error::Input required and not supplied: greeting');
  });

  it('kills an entry that runs past timeoutMs', async () => {
    const hang = join(workspace, 'hang.mjs');
    await writeFile(hang, 'setInterval(() => {}, 1000);\n');
    const result = await runAction({ entry: hang, workspace, timeoutMs: 500 });
    expect(result).toMatchObject({ code: -1, signal: 'SIGKILL', timedOut: true });
  });

  it('a node binary that does not exist is a failed run, not a crash', async () => {
    const result = await runAction({ entry: ECHO, inputs: { greeting: 'x' }, workspace, node: join(workspace, 'no-such-node') });
    expect(result.code).toBe(-1);
    expect(result.stderr).toContain('could not run');
  });
});

// Node 24 is the runner's runtime. It is used when present on this machine (SECURITY_GATE_TEST_NODE, or npx's cache
// after `npx -y node@24`); nothing is downloaded here, so on a machine without it this case shows as skipped.
const node24 = await findNode(24);
(node24 ? describe : describe.skip)(`runAction under Node 24 (${node24 ?? 'not found'})`, () => {
  it('runs the entry with that node', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'sg-runner-ws24-'));
    try {
      const result = await runAction({ entry: ECHO, inputs: { greeting: 'hi', fail: 'false' }, workspace, node: node24 ?? '' });
      expect({ code: result.code, stdout: result.stdout }).toMatchObject({ code: 0 });
      expect(result.outputs['node-version']).toMatch(/^v24\./);
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });
});
