import {
  type PathKind,
  unreadablePathReason,
} from '../config/readable-path.js';
import { safeText } from './safe-text.js';

/** A path option that cannot be read; the CLI prints it on one line. */
export class InputPathError extends Error {
  constructor(option: string, path: string, reason: string) {
    super(`${option} ${safeText(path)}: ${reason}`);
    this.name = 'InputPathError';
  }
}

/**
 * Returns `path`, the value of `option`, or throws InputPathError when it
 * cannot be read as a `kind`.
 */
export function requireReadable(
  option: string,
  path: string,
  kind: PathKind,
): string {
  const reason = unreadablePathReason(path, kind);
  if (reason) throw new InputPathError(option, path, reason);
  return path;
}
