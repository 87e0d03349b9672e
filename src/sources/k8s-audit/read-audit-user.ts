import type { AuditUser } from '../event.js';
import { AUDIT_LIMITS } from './audit-limits.js';
import {
  isPlainObject,
  jsonTypeOf,
  type ReadState,
  readListMap,
  readString,
  readStringList,
} from './read-fields.js';

/**
 * Reads `user` or `impersonatedUser` from an audit event. A present value
 * without a string `username` sets `state.error`.
 */
export function readAuditUser(
  value: unknown,
  path: string,
  state: ReadState,
): AuditUser | undefined {
  if (!isPlainObject(value)) {
    state.error ??= `invalid ${path}: expected an object, got ${jsonTypeOf(value)}`;
    return undefined;
  }

  const max = AUDIT_LIMITS.maxIdLength;
  const username = readString(
    value,
    'username',
    `${path}.username`,
    max,
    state,
  );
  if (username === undefined || username === '') {
    state.error ??= `missing ${path}.username`;
    return undefined;
  }

  const user: AuditUser = {
    username,
    groups: readStringList(value, 'groups', `${path}.groups`, state) ?? [],
  };
  const uid = readString(value, 'uid', `${path}.uid`, max, state);
  if (uid !== undefined) user.uid = uid;
  const extra = readListMap(value, 'extra', `${path}.extra`, state);
  if (extra !== undefined) user.extra = extra;
  return user;
}
