/**
 * The policy file: YAML holding the same settings as the inputs plus per-tool thresholds. Parsed
 * with `yaml` (eemeli/yaml: no dependencies, keeps source positions, YAML 1.2 so `no` stays a
 * string) and validated by the same code as the inputs (`parseSettings`); errors name the key and the line.
 */
import type { Document, LineCounter, Node } from 'yaml';
import { repeatedKey, yaml } from '../util/yaml.js';
import { ConfigurationError, INPUT_ONLY_KEYS, isPlainObject, parseSettings, shown, type Settings } from './schema.js';

export interface PolicyLayer {
  values: Record<string, unknown>;
  /** Maps a settings path to `file:line`. */
  locate: (path: PropertyKey[]) => string | undefined;
}

export function readPolicyYaml(text: string, file: string): PolicyLayer {
  const { LineCounter, parseDocument } = yaml();
  const lc = new LineCounter();
  // Repeated keys are found by repeatedKey: yaml's own check is quadratic in a mapping's keys.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  const invalid = (offset: number, message: string): ConfigurationError => {
    const { line, col } = lc.linePos(offset);
    return new ConfigurationError(`${file}:${line}:${col}: policy file is not valid YAML: ${message}`);
  };
  const e = doc.errors[0];
  if (e) throw invalid(e.pos[0], e.message.split('\n')[0] ?? e.message);
  const repeated = repeatedKey(doc);
  if (repeated) throw invalid(repeated.range?.[0] ?? 0, 'Map keys must be unique');
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 }) ?? {};
  } catch (e) {
    // `yaml` throws a ReferenceError on an alias bomb (too many alias expansions) or an unresolved alias.
    throw new ConfigurationError(`${file}:1: policy file cannot be read: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  // A plain mapping only: a document tagged `!!omap` or `!!set` gives a Map or a Set, whose
  // entries Object.entries does not see (every setting in it would be dropped without a word).
  if (!isPlainObject(value)) {
    throw new ConfigurationError(`${file}:1: policy file must be a mapping of settings (key: value), got ${shown(value)}`);
  }
  const values = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) {
    if (INPUT_ONLY_KEYS.includes(k)) throw new ConfigurationError(`${file}:${lineOf(doc, lc, [k]) ?? 1}: ${k} cannot be set inside the policy file`);
    values[k] = v;
  }
  return {
    values,
    locate: (path) => {
      const line = lineOf(doc, lc, path);
      return `${file}:${line ?? 1}`;
    },
  };
}

function lineOf(doc: Document, lc: LineCounter, path: PropertyKey[]): number | undefined {
  const { isMap, isScalar, isSeq } = yaml();
  let node: Node | null | undefined = doc.contents as Node | null;
  let last: number | undefined = node?.range ? lc.linePos(node.range[0]).line : undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      const k = pair.key as Node;
      if (k.range) last = lc.linePos(k.range[0]).line;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key] as Node | undefined;
      if (node?.range) last = lc.linePos(node.range[0]).line;
    } else break;
  }
  return last;
}

/** Settings from the policy file (if any) overlaid by explicit inputs. */
export function settingsWithPolicy(inputs: Record<string, string>, policy?: { text: string; file: string }): Settings {
  if (!policy) return parseSettings([inputs]);
  const layer = readPolicyYaml(policy.text, policy.file);
  // An error in a key the inputs set is the input's; any other points into the file.
  return parseSettings([layer.values, inputs], (path) => {
    const key = path[0] === undefined ? undefined : String(path[0]);
    return key !== undefined && Object.hasOwn(inputs, key) && inputs[key] ? undefined : layer.locate(path);
  });
}
