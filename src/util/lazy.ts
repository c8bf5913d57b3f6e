/**
 * A package loaded on demand, as a chunk of its own in the bundles: `load()` (async) before the
 * synchronous code that needs it, then `get()`. Unbundled (tests, library use), `get()` without a
 * `load()` falls back to a synchronous require of the same package; in a bundle that package is not
 * on disk, so the bundles always load first.
 *
 * `importer` must be written as `() => import('name')` with a literal name, so the bundler sees it.
 */
export interface LazyModule<T> {
  load(): Promise<void>;
  get(): T;
}

export function lazyModule<T>(name: string, importer: () => Promise<T>): LazyModule<T> {
  let loaded: T | undefined;
  return {
    async load() {
      loaded ??= await importer();
    },
    get() {
      if (loaded === undefined) {
        const { createRequire } = process.getBuiltinModule('node:module');
        loaded = createRequire(import.meta.url)(name) as T;
      }
      return loaded;
    },
  };
}
