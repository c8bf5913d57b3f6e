/** Test helper shared by the parity tests. */
/** Splits a POSIX shell command line as the summary writes it (words, '…' quoting, '\'' escapes). */
export function shellWords(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let started = false;
  let quoted = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (quoted) {
      if (c === "'") quoted = false;
      else cur += c;
    } else if (c === "'") {
      quoted = true;
      started = true;
    } else if (c === '\\' && i + 1 < cmd.length) {
      cur += cmd[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started || cur) out.push(cur);
      cur = '';
      started = false;
    } else cur += c;
  }
  if (started || cur) out.push(cur);
  return out;
}
