/** A scalar that a field test compares against. */
export type Scalar = string | number | boolean | null;

/**
 * A test of one field. The field path is dotted and starts at the event, or
 * at the current item inside `some`; its first segment may name a view.
 * When the field holds an array of scalars, the test passes if any element
 * passes.
 */
export interface FieldTest {
  field: string;
  equals?: Scalar;
  in?: Scalar[];
  startsWith?: string | string[];
  endsWith?: string | string[];
  contains?: string | string[];
  matches?: string;
  exists?: boolean;
  gte?: number;
  lte?: number;
  /** Passes when threat intelligence lists the value in one of these. */
  intel?: string[];
  ignoreCase?: boolean;
}

/** A named predicate, written once in TypeScript, with its arguments. */
export interface PredicateTest {
  predicate: string;
  args?: Record<string, unknown>;
}

/**
 * Passes when at least one item of a collection passes `where`. With
 * `capture`, every passing item is recorded under that name for the alert.
 */
export interface SomeTest {
  of: string;
  where?: Condition;
  capture?: string;
}

/** The declarative condition of a rule or of an exception. */
export type Condition =
  | FieldTest
  | PredicateTest
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { some: SomeTest };

/** The operators a field test accepts, besides `field` and `ignoreCase`. */
export const FIELD_OPERATORS = [
  'equals',
  'in',
  'startsWith',
  'endsWith',
  'contains',
  'matches',
  'exists',
  'gte',
  'lte',
  'intel',
] as const;
