/**
 * The workflow snippets of README.md and docs/ (and examples/workflows/), as a team copies them:
 * every step that uses this action or its promotion sub-action gives only inputs the action has,
 * with values its settings accept, at a ref the repository defines; every `steps.<id>.outputs.<name>`
 * is an output the action sets, compared only with values it can take; the permissions a snippet
 * declares cover what it turns on; a report directory the scanners write into is created first; and
 * every `npx security-gate` command the README shows uses only flags the CLI has.
 * (__tests__/metadata.test.ts checks that each input and output is named in the README, not how the
 * snippets use them; __tests__/examples/workflow.test.ts checks the example lane's own wiring.)
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { INPUT_NAMES, parseSettings } from '../../src/config/schema.js';
import { parsePromotionSettings, PROMOTION_INPUTS, type PromotionInput } from '../../src/promotion/settings.js';
import { REPO_ROOT } from '../helpers/runner.js';

type Obj = Record<string, unknown>;
interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Obj;
}
interface Job {
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Snippet {
  where: string;
  text: string;
  doc: unknown;
}

const read = (p: string): string => readFileSync(join(REPO_ROOT, p), 'utf8');
const ACTION = parseYaml(read('action.yml')) as { inputs: Obj; outputs: Obj };
const PROMOTION = parseYaml(read('promotion/action.yml')) as { inputs: Obj; outputs: Obj };
const README = read('README.md');
const DOCS = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const WORKFLOWS = readdirSync(join(REPO_ROOT, 'examples/workflows')).filter((f) => /\.ya?ml$/.test(f)).map((f) => `examples/workflows/${f}`);

/** Fenced ```yaml blocks of a Markdown file, de-indented by their fence's indentation. */
function yamlBlocks(file: string): Snippet[] {
  const text = read(file);
  const out: Snippet[] = [];
  for (const m of text.matchAll(/^([ \t]*)```ya?ml[^\n]*\n([\s\S]*?)^\1```/gm)) {
    const indent = m[1]!.length;
    const body = m[2]!.split('\n').map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n');
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ where: `${file}:${line}`, text: body, doc: parseYaml(body) as unknown });
  }
  return out;
}

const SNIPPETS: Snippet[] = [...DOCS.flatMap(yamlBlocks), ...WORKFLOWS.map((f) => ({ where: f, text: read(f), doc: parseYaml(read(f)) as unknown }))];

/** Every object of a parsed snippet, depth first. */
function objects(v: unknown, out: Obj[] = []): Obj[] {
  if (Array.isArray(v)) for (const x of v) objects(x, out);
  else if (v !== null && typeof v === 'object') {
    out.push(v as Obj);
    for (const x of Object.values(v as Obj)) objects(x, out);
  }
  return out;
}
const OURS = /^[\w.-]+\/security-gate(\/promotion)?@(.+)$/;
const steps = (s: Snippet): Step[] => objects(s.doc).filter((o) => typeof o.uses === 'string' || typeof o.run === 'string') as Step[];
const gateSteps = (s: Snippet): Step[] => steps(s).filter((st) => OURS.exec(st.uses ?? '')?.[1] === undefined && OURS.test(st.uses ?? ''));
const promotionSteps = (s: Snippet): Step[] => steps(s).filter((st) => OURS.exec(st.uses ?? '')?.[1] === '/promotion');
/** Jobs (objects with a `steps` list), each with the permissions that apply to it (its own, else the workflow's). */
function jobs(s: Snippet): Job[] {
  const top = (s.doc ?? {}) as Obj;
  const workflowPermissions = top.jobs ? (top.permissions as Job['permissions']) : undefined;
  return objects(s.doc)
    .filter((o) => Array.isArray(o.steps))
    .map((o) => ({ steps: o.steps as Step[], permissions: (o.permissions as Job['permissions']) ?? workflowPermissions }));
}
const asInputs = (w: Obj | undefined): Record<string, string> => Object.fromEntries(Object.entries(w ?? {}).map(([k, v]) => [k, String(v)]));

/** Refs the repository defines for `uses: …@ref`: its branch and its tags. */
function refs(): string[] {
  let tags: string[] = [];
  try {
    tags = execFileSync('git', ['tag', '--list'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    // not a git checkout: the branch only
  }
  return ['main', ...tags];
}

/** What an output can be compared with in an `if:`. */
function outputValues(name: string): RegExp {
  if (name === 'should-fail' || name === 'overridden') return /^(true|false)$/;
  if (name === 'verdict') return /^(pass|warn|block|error)$/;
  if (['result-file', 'summary-file', 'sarif-file', 'artifact-id', 'artifact-url', 'counts'].includes(name)) return /^$/;
  return /^\d*$/; // counts
}

describe('workflow snippets in README.md, docs/ and examples/workflows/', () => {
  it('are found: the README shows the gate, the promotion sub-action and the SARIF upload', () => {
    expect(SNIPPETS.filter((s) => gateSteps(s).length > 0).length).toBeGreaterThanOrEqual(3);
    expect(SNIPPETS.some((s) => promotionSteps(s).length > 0)).toBe(true);
    expect(SNIPPETS.some((s) => s.where.startsWith('README.md') && /upload-sarif/.test(s.text))).toBe(true);
  });

  it('give the gate only inputs of action.yml, with values its settings accept', () => {
    const inputs = Object.keys(ACTION.inputs);
    for (const s of SNIPPETS) {
      for (const st of gateSteps(s)) {
        for (const key of Object.keys(st.with ?? {})) expect({ where: s.where, key, known: inputs.includes(key) }).toEqual({ where: s.where, key, known: true });
        expect(() => parseSettings([asInputs(st.with)])).not.toThrow();
      }
    }
  });

  it('give the promotion sub-action only inputs of promotion/action.yml, with values it accepts', () => {
    const inputs = Object.keys(PROMOTION.inputs);
    expect([...inputs].sort()).toEqual(Object.keys(PROMOTION_INPUTS).sort());
    for (const s of SNIPPETS) {
      for (const st of promotionSteps(s)) {
        for (const key of Object.keys(st.with ?? {})) expect({ where: s.where, key, known: inputs.includes(key) }).toEqual({ where: s.where, key, known: true });
        const raw = asInputs(st.with) as Partial<Record<PromotionInput, string>>;
        expect(() => parsePromotionSettings(raw, { GITHUB_REPOSITORY: 'acme/api', GITHUB_TOKEN: 't', GITHUB_WORKFLOW_REF: 'acme/api/.github/workflows/promo.yml@refs/heads/main' })).not.toThrow();
      }
    }
  });

  it('use the action at a ref the repository defines (no release tag exists unless `git tag` lists it)', () => {
    const known = refs();
    for (const s of SNIPPETS) {
      for (const st of steps(s)) {
        const m = OURS.exec(st.uses ?? '');
        if (m) expect({ where: s.where, uses: st.uses, known: known.includes(m[2]!) }).toEqual({ where: s.where, uses: st.uses, known: true });
      }
    }
  });

  it('read only outputs the action sets, compared with values they can take', () => {
    const outputs = Object.keys(ACTION.outputs);
    let seen = 0;
    for (const s of SNIPPETS) {
      // The gate's id in this snippet; a fragment without the gate step refers to it as `gate` (as the README says).
      const ids = new Set(gateSteps(s).map((st) => st.id).filter((id): id is string => id !== undefined));
      if (ids.size === 0) ids.add('gate');
      for (const m of s.text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        seen++;
        expect({ where: s.where, ref: m[0], gateId: ids.has(m[1]!), output: outputs.includes(m[2]!) }).toEqual({ where: s.where, ref: m[0], gateId: true, output: true });
      }
      for (const m of s.text.matchAll(/steps\.[\w-]+\.outputs\.([\w-]+)\s*(?:==|!=)\s*'([^']*)'/g)) {
        expect({ where: s.where, compare: m[0], possible: outputValues(m[1]!).test(m[2]!) }).toEqual({ where: s.where, compare: m[0], possible: true });
      }
    }
    expect(seen).toBeGreaterThanOrEqual(6);
  });

  it('declare the permissions what they turn on needs', () => {
    let checked = 0;
    for (const s of SNIPPETS) {
      for (const job of jobs(s)) {
        const p = job.permissions;
        if (p === undefined) continue; // a fragment that says nothing about permissions
        checked++;
        const has = (scope: string, level: 'read' | 'write') => p[scope] === 'write' || (level === 'read' && p[scope] === 'read');
        const need = (what: string, ok: boolean) => expect({ where: s.where, what, ok }).toEqual({ where: s.where, what, ok: true });
        need('contents: read (checkout)', has('contents', 'read'));
        for (const st of job.steps) {
          if (OURS.test(st.uses ?? '') && !/\/promotion@/.test(st.uses ?? '')) {
            const w = asInputs(st.with);
            if (w.comment && w.comment !== 'off') need('pull-requests: write (comment)', has('pull-requests', 'write') || has('issues', 'write'));
            if (/^true$/i.test(w['annotations-via-checks'] ?? '')) need('checks: write (annotations-via-checks)', has('checks', 'write'));
          }
          if (/\/promotion@/.test(st.uses ?? '')) {
            need('actions: read (promotion)', has('actions', 'read'));
            // The operational criterion reads the Justfile from the workspace.
            need('checkout before promotion', job.steps.slice(0, job.steps.indexOf(st)).some((x) => (x.uses ?? '').startsWith('actions/checkout@')));
          }
          if ((st.uses ?? '').startsWith('github/codeql-action/upload-sarif@')) {
            need('security-events: write (upload-sarif)', has('security-events', 'write'));
            need('actions: read (upload-sarif, private repositories)', has('actions', 'read'));
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('create the directory the scanners write their reports into before they run', () => {
    let checked = 0;
    for (const s of SNIPPETS) {
      for (const job of jobs(s)) {
        for (const [i, st] of job.steps.entries()) {
          if (!gateSteps({ ...s, doc: [st] }).length) continue;
          const before = job.steps.slice(0, i).map((x) => x.run ?? '');
          for (const [key, value] of Object.entries(asInputs(st.with))) {
            if (!key.endsWith('-report')) continue;
            const dir = value.includes('/') ? value.slice(0, value.lastIndexOf('/')) : '';
            // Only a report this snippet's own scanner step writes: the snippet then owns its directory.
            if (dir === '' || !before.some((r) => r.includes(value))) continue;
            checked++;
            const made = before.some((r) => new RegExp(`mkdir -p[^\\n]*\\s${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`, 'm').test(r));
            expect({ where: s.where, report: value, dirCreated: made }).toEqual({ where: s.where, report: value, dirCreated: true });
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('the README\'s "whole lane" gate step is the example lane\'s', () => {
    const lane = gateSteps(SNIPPETS.find((s) => s.where === 'examples/workflows/api-lane.yml')!)[0]!;
    const shown = SNIPPETS.filter((s) => s.where.startsWith('README.md:')).flatMap(gateSteps).find((st) => Object.keys(st.with ?? {}).includes('mutmut-report'));
    expect(shown).toEqual(lane);
  });
});

describe('CLI commands in the README', () => {
  const CLI_ONLY = ['workspace', 'result-file', 'markdown-file', 'json', 'offline', 'no-color', 'help'];
  const commands = [...README.matchAll(/`(npx security-gate[^`]*)`/g), ...README.matchAll(/^(npx security-gate[^\n]*)$/gm)].map((m) => m[1]!.replace(/\s+#.*$/, ''));

  it('use only flags the CLI (or its promotion command) has', () => {
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const c of commands) {
      const promotion = /^npx security-gate promotion\b/.test(c);
      const allowed = promotion ? [...Object.keys(PROMOTION_INPUTS), 'json', 'help'] : [...INPUT_NAMES, ...CLI_ONLY];
      for (const m of c.matchAll(/\s--([a-z][a-z0-9-]*)/g)) expect({ command: c, flag: m[1], known: allowed.includes(m[1]!) }).toEqual({ command: c, flag: m[1], known: true });
    }
  });

  it('the promotion recipe row names the workflow the example lane is (and what the CLI needs off the runner)', () => {
    const row = README.split('\n').find((l) => l.startsWith('| `just api-security-promotion-evidence`'));
    expect(row).toContain('--workflow api-lane.yml');
    expect(row).toContain('GITHUB_REPOSITORY');
    expect(WORKFLOWS).toContain('examples/workflows/api-lane.yml');
  });
});
