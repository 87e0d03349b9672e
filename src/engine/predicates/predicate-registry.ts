import type { EventContext } from '../event-context.js';

/** What compiled predicates and conditions evaluate against. */
export type Evaluator = (item: unknown, context: EventContext) => boolean;

/** What a predicate's compile step may use: the pack's named lists. */
export interface CompileEnvironment {
  list(name: string): readonly string[];
}

/**
 * A structural check written once in TypeScript and referenced by name from
 * rule files. `compile` validates the arguments when the pack loads and
 * throws a plain message on a bad one.
 */
export interface PredicateDefinition {
  name: string;
  description: string;
  /** Names the predicate captures for the alert's details, if any. */
  captures?: string[];
  compile(args: Record<string, unknown>, env: CompileEnvironment): Evaluator;
}

export type PredicateRegistry = ReadonlyMap<string, PredicateDefinition>;

/** Read a string argument, or throw naming it. */
export function stringArg(
  args: Record<string, unknown>,
  name: string,
  fallback?: string,
): string {
  const value = args[name] ?? fallback;
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`argument ${name} must be a non-empty string`);
  }
  return value;
}

/** Read a list-of-strings argument, or throw naming it. */
export function stringListArg(
  args: Record<string, unknown>,
  name: string,
): string[] {
  const value = args[name];
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((v) => typeof v === 'string')
  ) {
    throw new Error(`argument ${name} must be a non-empty list of strings`);
  }
  return value;
}

/** Throw when args has a key the predicate does not know. */
export function onlyArgs(args: Record<string, unknown>, known: string[]): void {
  for (const key of Object.keys(args)) {
    if (!known.includes(key)) {
      throw new Error(
        `unknown argument ${key}; expected ${known.join(', ') || 'none'}`,
      );
    }
  }
}
