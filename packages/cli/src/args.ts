/**
 * Flag parsing on node:util's parseArgs (in Node, Deno and Bun alike), with
 * our own checks: every error is a UsageError naming the flag, and an
 * unknown flag suggests the nearest known one.
 * @module
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';
import { nearest } from './suggest.ts';

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help, e.g. `N`. */
  value?: string;
  help: string;
  default?: string;
}

export type Flags = Record<string, FlagSpec>;

/** Parses `argv` against `flags`; returns the values and the positionals. */
export function parseFlags(argv: string[], flags: Flags): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, f] of Object.entries(flags)) options[name] = { type: f.type, ...(f.short ? { short: f.short } : {}) };
  // A value that looks like a flag (`--lr --epochs 3`) is a missing value,
  // except negative numbers, which we check later with a clearer message.
  argv.forEach((a, i) => {
    const name = a.startsWith('--') ? a.slice(2).split('=')[0] : null;
    if (name && flags[name]?.type === 'string' && !a.includes('=')) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && !/^-\d/.test(next))) throw new UsageError(`--${name} needs a value (${flags[name].value ?? 'VALUE'})`);
    }
  });
  // parseArgs calls `--lr -0.1` ambiguous; join such pairs as `--lr=-0.1`.
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : null;
    if (name && flags[name]?.type === 'string' && /^-\d|^-\.\d/.test(argv[i + 1] ?? '')) joined.push(`${argv[i]}=${argv[++i]}`);
    else joined.push(argv[i]);
  }
  try {
    const r = parseArgs({ args: joined, options, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    const msg = (e as Error).message;
    const unknown = msg.match(/Unknown option '(-{1,2}[^']+)'/);
    if (unknown) {
      const name = unknown[1].replace(/^-+/, '');
      const hint = nearest(name, Object.keys(flags));
      throw new UsageError(`unknown flag ${unknown[1]}${hint ? `; did you mean --${hint}?` : ''} (see --help)`);
    }
    const missing = msg.match(/Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/);
    if (missing) throw new UsageError(`${missing[1]} needs a value`);
    const noValue = msg.match(/Option '(--[\w-]+)' does not take an argument/);
    if (noValue) throw new UsageError(`${noValue[1]} takes no value`);
    throw new UsageError(msg.split('\n')[0]);
  }
}

/** A positive integer flag value, or a UsageError naming the flag. */
export function intFlag(name: string, v: string, min = 1): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(v)}`);
  if (n < min) throw new UsageError(`--${name} must be at least ${min}, got ${n}`);
  // Above 2^53 a number is no longer exact: "9007199254740993" would silently become ...992.
  if (!Number.isSafeInteger(n)) throw new UsageError(`--${name} ${v.trim()} is too large to be exact; use at most ${Number.MAX_SAFE_INTEGER}`);
  return n;
}

/** A positive finite number flag value. */
export function positiveFlag(name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(v)}`);
  if (n <= 0) throw new UsageError(`--${name} must be greater than 0, got ${n}`);
  return n;
}

/** One of a fixed set of words. */
export function choiceFlag<T extends string>(name: string, v: string, choices: readonly T[]): T {
  if (choices.includes(v as T)) return v as T;
  const hint = nearest(v, choices);
  throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(v)}${hint ? ` (did you mean ${hint}?)` : ''}`);
}

/** A comma-separated list, each item checked by `item`. */
export function listFlag<T>(name: string, v: string, item: (s: string) => T): T[] {
  if (v.trim() === '') return [];
  return v.split(',').map((s) => item(s.trim()));
}

/** Help text for a command's flags. */
export function flagHelp(flags: Flags): string {
  const rows = Object.entries(flags).map(([name, f]) => {
    const left = `  ${f.short ? `-${f.short}, ` : ''}--${name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    return [left, f.help + (f.default !== undefined ? ` (default: ${f.default})` : '')];
  });
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, r]) => l.padEnd(width) + r).join('\n');
}
