// Options belong to the component that uses them (Jepsen's :opt-spec): the engine, each provider,
// nemesis, workload and system, and a user's test declare theirs as OptionSpecs; this module turns
// given values (from the command line, or from code) into checked values. One sentence per
// refusal, naming the flag and what it accepts. Each option's default lives in its spec only.
import { UsageError } from './errors.ts';
import { shortText } from './util/values.ts';

export type OptionType = 'number' | 'integer' | 'string' | 'boolean' | 'list';

export interface OptionSpec<T = unknown> {
  /** camelCase name; the command-line flag is its kebab-case form (keyCount → --key-count). */
  name: string;
  type: OptionType;
  description: string;
  /** The value when none is given (absent: the option is unset unless given). */
  default?: T;
  /** How --help shows a default that is computed elsewhere ("2n", "random"). */
  defaultText?: string;
  /** Accepted values of a string option, or of each item of a list option. */
  choices?: readonly string[];
  /** Inclusive bounds of a number. */
  min?: number;
  max?: number;
  /** The number must be greater than this. */
  above?: number;
  /** A time in seconds or milliseconds: bounded by what a Node timer can hold. */
  unit?: 's' | 'ms';
  /** A list option's items must not repeat. */
  unique?: boolean;
  /** The flag may be given several times; each value is kept (list options only). */
  repeatable?: boolean;
  /** Further checks: the reason the value is refused, completing "--flag VALUE: <reason>." */
  validate?(value: T, all: OptionValues): string | undefined;
  /** Shown in --help under this heading (the component's name). */
  group?: string;
}

export type OptionValues = Readonly<Record<string, unknown>>;

/** The longest delay a Node timer holds (2^31 - 1 ms); longer ones silently fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const flagOf = (name: string): string => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
export const nameOfFlag = (flag: string): string => flag.replace(/^-+/, '').replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function upperBound(spec: OptionSpec): number | undefined {
  const timer = spec.unit === 's' ? Math.floor(MAX_TIMER_MS / 1000) : spec.unit === 'ms' ? MAX_TIMER_MS : undefined;
  if (timer === undefined) return spec.max;
  return spec.max === undefined ? timer : Math.min(spec.max, timer);
}

function describeRange(spec: OptionSpec): string {
  const lo = spec.above !== undefined ? `above ${spec.above}` : spec.min !== undefined ? `${spec.min} or more` : '';
  const hi = upperBound(spec);
  const unit = spec.unit === 's' ? ' of seconds' : spec.unit === 'ms' ? ' of milliseconds' : '';
  const kind = spec.type === 'integer' ? 'a whole number' : 'a number';
  if (lo && hi !== undefined) return spec.above !== undefined ? `${kind}${unit} above ${spec.above}, up to ${hi}` : `${kind}${unit} from ${spec.min} to ${hi}`;
  if (lo) return `${kind}${unit}, ${lo}`;
  if (hi !== undefined) return `${kind}${unit} up to ${hi}`;
  return `${kind}${unit}`;
}

const refuse = (spec: OptionSpec, raw: unknown, why: string): UsageError =>
  new UsageError(`${flagOf(spec.name)} ${shortText(raw, 60)}: ${why}.`);

/** Turns one given value (a string from the command line, or a value from code) into the option's type. */
export function coerce(spec: OptionSpec, raw: unknown): unknown {
  switch (spec.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '') return true;
      if (raw === 'false') return false;
      throw refuse(spec, raw, 'expected true or false (or the flag alone)');
    }
    case 'number':
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw refuse(spec, raw, `expected ${describeRange(spec)}`);
      if (spec.type === 'integer' && !Number.isInteger(n)) throw refuse(spec, raw, `expected ${describeRange(spec)}`);
      const hi = upperBound(spec);
      if ((spec.min !== undefined && n < spec.min) || (spec.above !== undefined && n <= spec.above) || (hi !== undefined && n > hi)) {
        throw refuse(spec, raw, `expected ${describeRange(spec)}`);
      }
      return n;
    }
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number') throw refuse(spec, raw, 'expected a text value');
      const s = String(raw);
      if (s === '') throw refuse(spec, raw, spec.choices ? `expected one of ${spec.choices.join(', ')}` : 'expected a non-empty value');
      if (spec.choices && !spec.choices.includes(s)) throw refuse(spec, raw, `expected one of ${spec.choices.join(', ')}`);
      return s;
    }
    case 'list': {
      // From the command line: comma-separated (and, for repeatable flags, repeated); from code: an array.
      const parts = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? (spec.repeatable ? [raw] : raw.split(',')) : null;
      if (parts === null) throw refuse(spec, raw, 'expected a comma-separated list');
      const items = spec.repeatable ? parts : parts.map((p) => p.trim());
      if (!spec.repeatable && items.some((p) => p === '')) throw refuse(spec, raw, 'a list item is empty (two commas in a row, or a trailing comma)');
      if (spec.choices) {
        const bad = items.find((p) => !spec.choices!.includes(p));
        if (bad !== undefined) throw refuse(spec, raw, `"${shortText(bad, 40).slice(1, -1)}" is not one of ${spec.choices.join(', ')}`);
      }
      if (spec.unique) {
        const dup = items.find((p, i) => items.indexOf(p) !== i);
        if (dup !== undefined) throw refuse(spec, raw, `"${dup}" is listed twice`);
      }
      return items;
    }
  }
}

export interface ResolveInput {
  specs: readonly OptionSpec[];
  /** Values given by the user (command line or code), by camelCase name. Arrays from a repeated flag. */
  given: Readonly<Record<string, unknown>>;
  /** Defaults suggested by the test or its components, weaker than given values, stronger than specs' own. */
  suggested?: Readonly<Record<string, unknown>>;
  /** Given values that came from the command line (strings to coerce; a repeated flag is an array). */
  fromCli?: boolean;
}

/** Checks given values against the specs and fills in defaults. Unknown names are the caller's
 *  to refuse (it knows which component they would belong to). */
export function resolveOptions(input: ResolveInput): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const spec of input.specs) {
    const given = Object.hasOwn(input.given, spec.name) ? input.given[spec.name] : undefined;
    if (given !== undefined) {
      if (input.fromCli && Array.isArray(given) && !spec.repeatable) {
        throw new UsageError(`${flagOf(spec.name)} is given ${given.length} times (${given.map((g) => shortText(g, 30)).join(', ')}); give it once.`);
      }
      out[spec.name] = coerce(spec, spec.repeatable && input.fromCli && !Array.isArray(given) ? [given] : given);
      continue;
    }
    const suggested = input.suggested && Object.hasOwn(input.suggested, spec.name) ? input.suggested[spec.name] : undefined;
    if (suggested !== undefined) out[spec.name] = coerce(spec, suggested);
    else if (spec.default !== undefined) out[spec.name] = spec.default;
  }
  for (const spec of input.specs) {
    if (out[spec.name] === undefined || !spec.validate) continue;
    const why = spec.validate(out[spec.name], out);
    if (why) throw refuse(spec, input.given[spec.name] ?? out[spec.name], why);
  }
  return out;
}

/** Specs with the same name declared by two components must agree on the type; the first wins. */
export function mergeSpecs(groups: ReadonlyArray<{ group: string; specs: readonly OptionSpec[] }>): OptionSpec[] {
  const byName = new Map<string, OptionSpec>();
  for (const { group, specs } of groups) {
    for (const s of specs) {
      const seen = byName.get(s.name);
      if (!seen) byName.set(s.name, { ...s, group: s.group ?? group });
      else if (seen.type !== s.type) throw new Error(`option ${flagOf(s.name)} is declared as ${seen.type} by ${seen.group} and as ${s.type} by ${group}`);
    }
  }
  return [...byName.values()];
}
