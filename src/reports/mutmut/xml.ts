/**
 * fast-xml-parser, loaded only when a mutmut 2 junitxml report is parsed: with its dependencies it
 * is a quarter of the bundle and builds large Unicode regexes when evaluated, which every run paid
 * at start-up although almost none reads XML.
 *
 * The engine loads it ahead of the (synchronous) parse with `loadMutmutXml()` (src/engine/run.ts), as its own chunk.
 * Unbundled (tests, library use) a parse without the preload falls back to a synchronous require
 * of the same package; in a bundle the preload always happens first.
 */
import { lazyModule } from '../../util/lazy.js';

const lazy = lazyModule<typeof import('fast-xml-parser')>('fast-xml-parser', () => import('fast-xml-parser'));

/** Loads fast-xml-parser once; later calls are free. */
export const loadMutmutXml = (): Promise<void> => lazy.load();

/** The loaded module (synchronously required when nothing preloaded it). */
export const mutmutXml = (): typeof import('fast-xml-parser') => lazy.get();
