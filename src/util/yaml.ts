/**
 * `yaml`, loaded only when a YAML file is read (a policy file, a `.yml` waivers file): most runs
 * have neither, and it is ~200 KB of bundle to compile at start-up.
 *
 * The shells load it with `loadYaml()` before the (synchronous) parse, as its own chunk. Unbundled
 * (tests, library use) a parse without the preload falls back to a synchronous require of the same
 * package; in a bundle the preload always happens first (see the shells and src/github/governance.ts).
 */
type Yaml = typeof import('yaml');

let loaded: Yaml | undefined;

/** Loads `yaml` once; later calls are free. */
export async function loadYaml(): Promise<void> {
  loaded ??= await import('yaml');
}

/** The loaded module (synchronously required when nothing preloaded it). */
export function yaml(): Yaml {
  if (!loaded) {
    const { createRequire } = process.getBuiltinModule('node:module');
    loaded = createRequire(import.meta.url)('yaml') as Yaml;
  }
  return loaded;
}
