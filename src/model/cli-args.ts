// Argument parsing shared by every command: node's parseArgs, with its errors turned into one line that names the
// command and, for a mistyped option, the closest valid one.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command that audits packages takes (audit, diff, history, worker). */
export const COMMON_OPTIONS = {
  format: { type: 'string', default: 'text' },
  'fail-on': { type: 'string', default: 'high' },
  offline: { type: 'boolean', default: false },
  platform: { type: 'string' },
  cache: { type: 'string' },
  quiet: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
  'max-file-mb': { type: 'string' },
} satisfies Options;

/** `telltale audit`'s options, for a package and for a project (a folder with a lockfile) alike. */
export const AUDIT_OPTIONS = {
  ...COMMON_OPTIONS,
  egress: { type: 'boolean', default: false },
  config: { type: 'string' },
  baseline: { type: 'string' },
  'allow-incomplete': { type: 'boolean', default: false },
  prod: { type: 'boolean', default: false },
  workers: { type: 'string' },
} satisfies Options;

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The valid name closest to `given` (a prefix counts as close), or undefined when none is near. */
export function closest(given: string, valid: readonly string[]): string | undefined {
  const g = given.replace(/^-+/, '').split('=')[0]!.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of valid) {
    const d = name.startsWith(g) && g.length >= 2 ? 0.5 : editDistance(g, name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(2, Math.floor(g.length / 3)) ? best.name : undefined;
}

export function unknownOptionError(command: string, option: string, valid: readonly string[]): UserError {
  const near = closest(option, valid);
  return new UserError(`unknown option ${option} for telltale ${command}${near ? ` (did you mean --${near}?)` : ''}; telltale ${command} --help lists them`);
}

/** parseArgs with `strict`, every error as one line; an unknown option names the closest valid one. */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args, allowPositionals, strict: true, options });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const opt = /'([^']+)'/.exec(err.message)?.[1] ?? '?';
      throw unknownOptionError(command, opt, Object.keys(options));
    }
    throw new UserError(`telltale ${command}: ${err.message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '')}`);
  }
}

/** True when the command's own arguments (before a `--`) ask for help. */
export function wantsHelp(args: string[]): boolean {
  const own = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  return own.includes('--help') || own.includes('-h');
}
