/** Bandit parsers, in detection order. */
import type { JsonReportParser } from '../json.js';
import { banditJsonParser } from './json.js';
import { banditSarifParser } from './sarif.js';

export { banditJsonParser, parseBanditJsonValue, looksLikeBanditJson } from './json.js';
export { banditSarifParser, parseBanditSarifValue, looksLikeBanditSarif, sarifDriverName, sarifUriToPath } from './sarif.js';

export const BANDIT_PARSERS: JsonReportParser[] = [banditJsonParser, banditSarifParser];
