/**
 * `yaml`, loaded only when a YAML file is read (a policy file, a `.yml` waivers file): most runs
 * have neither, and it is ~200 KB of bundle to compile at start-up.
 *
 * The shells load it with `loadYaml()` before the (synchronous) parse, as its own chunk. Unbundled
 * (tests, library use) a parse without the preload falls back to a synchronous require of the same
 * package; in a bundle the preload always happens first (see the shells and src/github/governance.ts).
 */
import { lazyModule } from './lazy.js';

const lazy = lazyModule<typeof import('yaml')>('yaml', () => import('yaml'));

/** Loads `yaml` once; later calls are free. */
export const loadYaml = (): Promise<void> => lazy.load();

/** The loaded module (synchronously required when nothing preloaded it). */
export const yaml = (): typeof import('yaml') => lazy.get();

/**
 * The first repeated key of a mapping in `doc` (YAML forbids them; `toJS` would keep the last one),
 * or undefined. `yaml`'s own check (`uniqueKeys`) compares each key with every earlier one: 20,000
 * keys took 2.9 s, and a policy or waivers file comes from the pull request. Here a Set per mapping.
 * Keys are compared as the JavaScript object would hold them (`1` and `"1"` are the same key);
 * aliases are not followed (what they name is checked where it is written).
 */
export function repeatedKey(doc: import('yaml').Document): import('yaml').Node | undefined {
  const { isMap, isScalar, isSeq } = yaml();
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          const k = String(key.value);
          if (seen.has(k)) return key;
          seen.add(k);
        } else stack.push(key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) for (const item of node.items) stack.push(item);
  }
  return undefined;
}
