/** A changed file of a change, as the git adapter gives it: `lines` are its added lines, numbered from 1. */
import type { ChangedFile } from '../../src/change/diff.js';

export function changedFile(path: string, lines: string[], extra: Partial<ChangedFile> = {}): ChangedFile {
  return {
    path,
    status: 'added',
    binary: false,
    addedLines: lines.map((text, i) => ({ line: i + 1, text })),
    ...extra,
  };
}
