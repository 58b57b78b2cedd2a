// Minimal `--flag value` parsing shared by the benchmark scripts (no dependency for three flags).

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

/** `--name value` becomes name=value; a flag followed by another flag (or nothing) is a boolean. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) flags.set(arg.slice(2), true);
    else {
      flags.set(arg.slice(2), next);
      i++;
    }
  }
  return { flags, positional };
}

/** A whole number flag of at least `min`, or the default; anything else stops the script with a clear message. */
export function intFlag(args: ParsedArgs, name: string, fallback: number, min = 1): number {
  const value = args.flags.get(name);
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,14})$/.test(value) || Number(value) < min) {
    throw new Error(`--${name} needs a whole number of at least ${min}`);
  }
  return Number(value);
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  if (value === true) throw new Error(`--${name} needs a value`);
  return value;
}
