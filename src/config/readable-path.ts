import { accessSync, constants, statSync } from 'node:fs';

/** The kind of file system entry that a path option names. */
export type PathKind = 'file' | 'directory';

/**
 * Returns why `path` cannot be read as a `kind`, or undefined when it can.
 * A file may be anything but a directory, so that `/dev/stdin` and
 * process substitution (`<(…)`) work.
 */
export function unreadablePathReason(
  path: string,
  kind: PathKind,
): string | undefined {
  try {
    const stats = statSync(path);
    if (kind === 'file' && stats.isDirectory()) {
      return 'is a directory, not a file';
    }
    if (kind === 'directory' && !stats.isDirectory()) {
      return 'not a directory';
    }
    const mode =
      kind === 'directory' ? constants.R_OK | constants.X_OK : constants.R_OK;
    accessSync(path, mode);
    return undefined;
  } catch (error) {
    return describeFsError(error, kind);
  }
}

/**
 * Describes an error of reading `kind` in words, or returns the error's
 * own message for errors other than a missing entry, a directory in
 * place of a file and a denied permission.
 */
export function describeFsError(error: unknown, kind: PathKind): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return `${kind} not found`;
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
