/** Small pure helpers the shells share for publishing. */
import type { Settings } from '../config/schema.js';
import { redactGitleaksReport } from '../reports/gitleaks/index.js';
import type { ToolId } from '../reports/model.js';

/** The CLI command that reproduces this run locally from the same files. */
export function reproduceCommand(s: Settings): string {
  const parts = ['npx security-gate'];
  const flag = (name: string, value: string) => parts.push(`--${name} ${/^[\w./*@,:=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`}`);
  for (const name of ['bandit-report', 'pip-audit-report', 'gitleaks-report', 'deptry-report', 'vulture-report', 'mutmut-report'] as const) {
    if (s[name].length > 0) flag(name, s[name].join(','));
  }
  if (s['policy-file']) flag('policy-file', s['policy-file']);
  flag('phase', s.phase);
  if (s['phase-2-from']) flag('phase-2-from', s['phase-2-from']);
  if (s['phase-2-tools'].length > 0) flag('phase-2-tools', s['phase-2-tools'].join(','));
  if (s['base-ref']) flag('base-ref', s['base-ref']);
  return parts.join(' ');
}

/**
 * Per-tool transforms applied to the raw reports copied into the artifact: gitleaks reports carry
 * the secrets themselves, so their copy is redacted (or withheld when it cannot be).
 */
export function artifactTransforms(): Partial<Record<ToolId, (text: string) => string>> {
  return { gitleaks: redactGitleaksReport };
}
