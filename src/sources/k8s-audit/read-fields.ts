import { AUDIT_LIMITS } from './audit-limits.js';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/**
 * What field readers found while copying one event: `cut` when a value
 * was shortened to its bound, `error` for the first value of a wrong type.
 */
export interface ReadState {
  cut: boolean;
  error: string | undefined;
}

/** Returns whether `value` is a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Describes the JSON type of `value` for error messages. */
export function jsonTypeOf(value: unknown): string {
  if (value === undefined) return 'no value';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * Reads an optional string field, cutting it to `max` characters. A value
 * of another type sets `state.error` and reads as absent; null is absent.
 */
export function readString(
  object: JsonObject,
  key: string,
  path: string,
  max: number,
  state: ReadState,
): string | undefined {
  const value = object[key];
  if (typeof value === 'string') {
    if (value.length <= max) return value;
    state.cut = true;
    return value.slice(0, max);
  }
  if (value === undefined || value === null) return undefined;
  state.error ??= `invalid ${path}: expected a string, got ${jsonTypeOf(value)}`;
  return undefined;
}

/**
 * Reads an optional list of strings. The parsed array is returned as is
 * when it is within bounds, so the common case copies nothing.
 */
export function readStringList(
  object: JsonObject,
  key: string,
  path: string,
  state: ReadState,
): string[] | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    state.error ??= `invalid ${path}: expected an array of strings, got ${jsonTypeOf(value)}`;
    return undefined;
  }
  return checkStringList(value, path, state);
}

function checkStringList(
  list: unknown[],
  path: string,
  state: ReadState,
): string[] | undefined {
  const max = AUDIT_LIMITS.maxIdLength;
  let needsCopy = list.length > AUDIT_LIMITS.maxListLength;
  for (const item of list) {
    if (typeof item !== 'string') {
      state.error ??= `invalid ${path}: expected an array of strings, found ${jsonTypeOf(item)}`;
      return undefined;
    }
    if (item.length > max) needsCopy = true;
  }
  if (!needsCopy) return list as string[];

  state.cut = true;
  const copy = list.slice(0, AUDIT_LIMITS.maxListLength) as string[];
  for (let i = 0; i < copy.length; i++) {
    const item = copy[i] as string;
    if (item.length > max) copy[i] = item.slice(0, max);
  }
  return copy;
}

/**
 * Reads an optional map of strings (annotations, labels). The parsed
 * object is returned as is when every value is a string within bounds.
 */
export function readStringMap(
  object: JsonObject,
  key: string,
  path: string,
  state: ReadState,
): Record<string, string> | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    state.error ??= `invalid ${path}: expected an object of strings, got ${jsonTypeOf(value)}`;
    return undefined;
  }

  let size = 0;
  let needsCopy = false;
  for (const name in value) {
    const item = value[name];
    if (typeof item !== 'string') {
      state.error ??= `invalid ${path}.${name}: expected a string, got ${jsonTypeOf(item)}`;
      return undefined;
    }
    size++;
    if (item.length > AUDIT_LIMITS.maxTextLength) needsCopy = true;
  }
  if (size > AUDIT_LIMITS.maxMapSize) needsCopy = true;
  if (!needsCopy) return value as Record<string, string>;

  state.cut = true;
  return copyStringMap(value as Record<string, string>);
}

function copyStringMap(value: Record<string, string>): Record<string, string> {
  // A null prototype keeps a `__proto__` key an ordinary entry.
  const copy: Record<string, string> = Object.create(null);
  let size = 0;
  for (const name in value) {
    if (size++ >= AUDIT_LIMITS.maxMapSize) break;
    copy[name] = (value[name] as string).slice(0, AUDIT_LIMITS.maxTextLength);
  }
  return copy;
}

/** Reads `user.extra`: a map from names to lists of strings. */
export function readListMap(
  object: JsonObject,
  key: string,
  path: string,
  state: ReadState,
): Record<string, string[]> | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    state.error ??= `invalid ${path}: expected an object of string arrays, got ${jsonTypeOf(value)}`;
    return undefined;
  }

  let size = 0;
  for (const name in value) {
    if (++size > AUDIT_LIMITS.maxMapSize) {
      state.cut = true;
      return copyListMap(value, path, state);
    }
    const list = readStringList(value, name, `${path}.${name}`, state);
    if (list === undefined) return undefined;
    if (list !== value[name]) return copyListMap(value, path, state);
  }
  return value as Record<string, string[]>;
}

function copyListMap(
  value: JsonObject,
  path: string,
  state: ReadState,
): Record<string, string[]> | undefined {
  const copy: Record<string, string[]> = Object.create(null);
  let size = 0;
  for (const name in value) {
    if (size++ >= AUDIT_LIMITS.maxMapSize) break;
    const list = readStringList(value, name, `${path}.${name}`, state);
    if (list === undefined) return undefined;
    copy[name] = list;
  }
  return copy;
}
