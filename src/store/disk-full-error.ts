/** PostgreSQL's SQLSTATE disk_full, as in "could not extend file". */
const POSTGRES_DISK_FULL = '53100';

/**
 * Tells whether a write failed because the disk has no space left:
 * SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100) or ENOSPC from a
 * file write.
 */
export function isDiskFullError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === 'SQLITE_FULL' || code === POSTGRES_DISK_FULL || code === 'ENOSPC'
  );
}
