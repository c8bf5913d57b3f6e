/**
 * The runner protocol the gate needs, without @actions/core on the start-up path.
 *
 * @actions/core 3 loads its HTTP stack (undici, for OIDC tokens) when imported, which cost the gate
 * about a fifth of its cold start on a small report. The protocol itself is small and documented:
 * inputs are `INPUT_<NAME>` variables, outputs and the step summary are files named by
 * `GITHUB_OUTPUT` / `GITHUB_STEP_SUMMARY`, everything else is a workflow command on stdout. The
 * escaping below is @actions/core's (a test compares the bytes with the real library). The artifact
 * client, loaded lazily, still brings @actions/core with it when an upload happens.
 */
import { appendFileSync, closeSync, openSync, readSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { EOL } from 'node:os';
import type { AnnotationProperties } from '../render/annotations.js';
import { escapeCommandData, escapeCommandProperty } from '../util/escape.js';
import { writeStdout } from '../util/stdout.js';

export type { AnnotationProperties };

const env = (): NodeJS.ProcessEnv => process.env;

// The output delimiter is random, as @actions/core's: a value cannot end the block early. Where the
// system has /dev/urandom (Linux and macOS runners) its 16 bytes are read directly: node:crypto costs
// ~8 ms to load, a twentieth of the gate's cold start. Elsewhere (Windows) node:crypto is loaded.
export function randomUUID(): string {
  const b = Buffer.alloc(16);
  let fd: number | undefined;
  try {
    fd = openSync('/dev/urandom', 'r');
    if (readSync(fd, b, 0, 16, null) !== 16) throw new Error('short read');
  } catch {
    return process.getBuiltinModule('node:crypto').randomUUID();
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  // RFC 4122 version 4 layout, as crypto.randomUUID().
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `::command k=v,k=v::message`, escaped as the runner expects. */
export function formatCommand(command: string, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${escapeCommandProperty(String(v))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeCommandData(message)}`;
}

function issue(command: string, properties: Record<string, string | number | undefined>, message: string): void {
  writeStdout(formatCommand(command, properties, message) + EOL);
}

function annotationProps(p: AnnotationProperties = {}): Record<string, string | number | undefined> {
  return { title: p.title, file: p.file, line: p.startLine, endLine: p.endLine, col: p.startColumn, endColumn: p.endColumn };
}

export function getInput(name: string): string {
  return (env()[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Appends `name<<delimiter` ... to the file a runner variable names; false when there is none. */
function appendFileCommand(variable: string, key: string, value: string): boolean {
  const file = env()[variable];
  if (!file) return false;
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (key.includes(delimiter) || value.includes(delimiter)) throw new Error(`Unexpected input: the value contains the delimiter ${delimiter}`);
  appendFileSync(file, `${key}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' });
  return true;
}

export function setOutput(name: string, value: string): void {
  if (!appendFileCommand('GITHUB_OUTPUT', name, value)) {
    writeStdout(EOL);
    issue('set-output', { name }, value);
  }
}

export function setSecret(secret: string): void {
  issue('add-mask', {}, secret);
}

export function info(message: string): void {
  writeStdout(message + EOL);
}

export function notice(message: string, properties?: AnnotationProperties): void {
  issue('notice', annotationProps(properties), message);
}

export function warning(message: string, properties?: AnnotationProperties): void {
  issue('warning', annotationProps(properties), message);
}

export function error(message: string, properties?: AnnotationProperties): void {
  issue('error', annotationProps(properties), message);
}

export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

/** Appends Markdown to the job step summary (no-op outside a runner). */
export async function appendSummary(markdown: string): Promise<void> {
  const file = env().GITHUB_STEP_SUMMARY;
  if (!file) return;
  await appendFile(file, markdown + EOL, { encoding: 'utf8' });
}
