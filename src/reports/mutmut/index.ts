/** mutmut parsers, most specific first (the registry asks them in this order). */
import type { ReportParser } from '../model.js';
import { mutmutCicdStatsParser, mutmutMetaParser } from './json.js';
import { mutmutJunitParser } from './junit.js';
import { mutmut2ResultsParser, mutmut3ResultsParser } from './text.js';

export { MAX_MUTANT_FINDINGS, mutationScore, parseMutantKey } from './common.js';
export { parseMutmutCicdStatsValue, parseMutmutMetaValue, mutmutCicdStatsParser, mutmutMetaParser } from './json.js';
export { parseMutmutJunit, mutmutJunitParser } from './junit.js';
export { loadMutmutXml } from './xml.js';
export { parseMutmut2Results, parseMutmut3Results, mutmut2ResultsParser, mutmut3ResultsParser } from './text.js';

/** In detection order, for the registry. */
export const MUTMUT_PARSERS: ReportParser[] = [
  mutmutCicdStatsParser,
  mutmutMetaParser,
  mutmutJunitParser,
  mutmut2ResultsParser,
  mutmut3ResultsParser,
];

