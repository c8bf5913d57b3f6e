/** gitleaks: parsers (JSON v7/v8, SARIF v7/v8; CSV/JUnit refused clearly) and the redacted copy. */
export {
  GITLEAKS_JSON_FORMAT,
  GITLEAKS_SARIF_FORMAT,
  GITLEAKS_SUPPORTED,
  gitleaksJsonParser,
  GITLEAKS_PARSERS,
  gitleaksSarifParser,
  gitleaksUnsupportedParser,
  kebabRule,
  parseGitleaksJsonValue,
  parseGitleaksSarifValue,
  salvageGitleaksSecrets,
} from './parser.js';
export { WITHHELD_GITLEAKS_REPORT, redactGitleaksReport } from './redact.js';
