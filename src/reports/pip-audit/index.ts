/** pip-audit parsers, in detection order. */
import type { JsonReportParser } from '../json.js';
import { pipAuditCycloneDxParser } from './cyclonedx.js';
import { pipAuditJsonParser } from './json.js';

export { pipAuditJsonParser, parsePipAuditJsonValue, looksLikePipAuditJson } from './json.js';
export { pipAuditCycloneDxParser, parsePipAuditCycloneDxValue, looksLikeCycloneDx } from './cyclonedx.js';

export const PIP_AUDIT_PARSERS: JsonReportParser[] = [pipAuditJsonParser, pipAuditCycloneDxParser];
