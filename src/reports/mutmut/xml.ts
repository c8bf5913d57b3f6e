/**
 * fast-xml-parser, loaded only when a mutmut 2 junitxml report is parsed: with its dependencies it
 * is a quarter of the bundle and builds large Unicode regexes when evaluated, which every run paid
 * at start-up although almost none reads XML.
 *
 * The engine loads it ahead of the (synchronous) parse with `loadMutmutXml()` (src/engine/run.ts), as its own chunk.
 * Unbundled (tests, library use) a parse without the preload falls back to a synchronous require
 * of the same package; in a bundle the preload always happens first.
 */
type FastXmlParser = typeof import('fast-xml-parser');

let loaded: FastXmlParser | undefined;

/** Loads fast-xml-parser once; later calls are free. */
export async function loadMutmutXml(): Promise<void> {
  loaded ??= await import('fast-xml-parser');
}

/** The loaded module (synchronously required when nothing preloaded it). */
export function mutmutXml(): FastXmlParser {
  if (!loaded) {
    const { createRequire } = process.getBuiltinModule('node:module');
    loaded = createRequire(import.meta.url)('fast-xml-parser') as FastXmlParser;
  }
  return loaded;
}
