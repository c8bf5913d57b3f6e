/** Command-line flags shared by the gate's CLI and its promotion command. */

/** What a boolean input may say (the schema's `bool` decides what each means, and refuses the rest). */
const BOOLEAN_WORD = /^(true|false|yes|no|on|off|1|0)$/i;

/**
 * The boolean flags stand alone (`--fail-on-block`), and also take a value as their inputs do
 * (`--fail-on-block true`, `--fail-on-block=false`), so a workflow's `fail-on-block: true` can be
 * pasted as a flag. They are taken out of argv (parseArgs refuses a value to a boolean option)
 * and returned by flag, to be checked like an input's.
 */
export function takeBooleanValues(argv: string[], booleans: ReadonlySet<string>, takesValue: (name: string) => boolean): { args: string[]; explicit: Map<string, string> } {
  const args: string[] = [];
  // By flag, its last value (a flag alone is `true`).
  const explicit = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      for (let j = i; j < argv.length; j++) args.push(argv[j]!);
      break;
    }
    const m = /^--([a-z0-9-]+)(?:=([\s\S]*))?$/.exec(a);
    if (m && booleans.has(m[1]!)) {
      const next = argv[i + 1];
      // Empty (`--fail-on-block=$UNSET`) would read as not given, the default: refused, as a word that is not a boolean is.
      if (m[2] !== undefined && m[2].trim() === '') throw new Error(`--${m[1]}= has an empty value; expected --${m[1]}, or --${m[1]}=true or false`);
      if (m[2] !== undefined) explicit.set(m[1]!, m[2]);
      else if (next !== undefined && BOOLEAN_WORD.test(next)) {
        explicit.set(m[1]!, next);
        i++;
      } else explicit.set(m[1]!, 'true');
      continue;
    }
    args.push(a);
    // The value of a string option is never read as a flag of its own.
    if (m && m[2] === undefined && takesValue(m[1]!) && i + 1 < argv.length) args.push(argv[++i]!);
  }
  return { args, explicit };
}
