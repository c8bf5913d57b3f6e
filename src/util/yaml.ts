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
