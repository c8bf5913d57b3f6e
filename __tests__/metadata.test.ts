/** Keeps action.yml, the settings, the outputs and the README in step (DESIGN.md rule 10). */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { INPUT_NAMES, parseSettings } from '../src/config/schema.js';
import { OUTPUT_NAMES } from '../src/engine/outputs.js';

const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
};
const readme = readFileSync('README.md', 'utf8');
/** Inputs the action has that are not settings (read straight from the runner). */
const ACTION_ONLY_INPUTS: string[] = [];

describe('action.yml', () => {
  it('runs on node24 from the committed bundle', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/gate/index.js' });
  });
  it('declares exactly the schema inputs, each described', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES, ...ACTION_ONLY_INPUTS].sort());
    for (const [name, i] of Object.entries(action.inputs)) expect([name, i.description.length > 10]).toEqual([name, true]);
  });
  it('keeps defaults in the schema, not in action.yml (except the token)', () => {
    for (const [name, i] of Object.entries(action.inputs)) if (name !== 'github-token') expect([name, i.default]).toEqual([name, undefined]);
  });
  it('declares exactly the outputs the gate sets', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
  });
  it('every schema key has a default or is optional', () => {
    expect(() => parseSettings([{}])).not.toThrow();
  });
});

describe('README', () => {
  it('documents every input and output', () => {
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) expect([name, readme.includes(`\`${name}\``)]).toEqual([name, true]);
  });
  it('shows the two commands', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm test');
  });
});
