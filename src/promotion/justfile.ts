/**
 * Recipe names a Justfile defines (pure, no `just` needed): recipe headers at the start of a line,
 * `name params…:` or `@name:`, and aliases (`alias b := name`). Assignments (`x := …`), settings,
 * comments, attributes (`[private]`) and recipe bodies (indented) are not recipes.
 */
export function justfileRecipes(text: string): string[] {
  const names = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    if (raw === '' || /^\s/.test(raw) || raw.startsWith('#') || raw.startsWith('[')) continue;
    const alias = /^alias\s+([A-Za-z_][A-Za-z0-9_-]*)\s*:=/.exec(raw);
    if (alias) {
      names.add(alias[1]!);
      continue;
    }
    if (/^(set|export|import|mod)\s/.test(raw)) continue;
    // `\s[^:]*` rather than `\s+[^:]*?\s*`: three runs that can each take the spaces backtracked
    // cubically on a long line without a colon.
    const m = /^@?([A-Za-z_][A-Za-z0-9_-]*)(?:\s[^:]*)?:(?!=)/.exec(raw);
    if (m) names.add(m[1]!);
  }
  return [...names];
}
