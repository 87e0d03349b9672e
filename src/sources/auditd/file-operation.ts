import type { FileOperation } from '../event.js';
import type { AuditRecord } from './audit-record.js';

const BY_SYSCALL: Record<string, FileOperation> = {
  creat: 'create',
  mkdir: 'create',
  mkdirat: 'create',
  unlink: 'delete',
  unlinkat: 'delete',
  rmdir: 'delete',
  rename: 'rename',
  renameat: 'rename',
  renameat2: 'rename',
  link: 'link',
  linkat: 'link',
  symlink: 'link',
  symlinkat: 'link',
  chmod: 'chmod',
  fchmod: 'chmod',
  fchmodat: 'chmod',
  truncate: 'truncate',
  ftruncate: 'truncate',
  chown: 'attribute',
  chown32: 'attribute',
  fchown: 'attribute',
  lchown: 'attribute',
  fchownat: 'attribute',
  utime: 'attribute',
  utimes: 'attribute',
  utimensat: 'attribute',
  futimesat: 'attribute',
  setxattr: 'attribute',
  lsetxattr: 'attribute',
  fsetxattr: 'attribute',
};

const O_ACCMODE = 0o3;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;

/**
 * The file operation of a watched syscall. For open and openat the flags
 * argument (a1 or a2, hex) tells read, write, create or truncate; for
 * syscalls the table does not name, the watch's permission key decides
 * (a key ending in `_read` means read, otherwise write).
 */
export function fileOperationOf(
  syscall: string,
  record: AuditRecord,
  keys: string[],
): FileOperation {
  const known = BY_SYSCALL[syscall];
  if (known) return known;
  const flagsField =
    syscall === 'open' ? 'a1' : syscall === 'openat' ? 'a2' : undefined;
  const flagsText = flagsField ? record.fields.get(flagsField) : undefined;
  if (flagsText !== undefined && /^[0-9a-f]{1,16}$/i.test(flagsText)) {
    const flags = Number.parseInt(flagsText, 16);
    if (flags & O_TRUNC) return 'truncate';
    if (flags & O_CREAT) return 'create';
    return (flags & O_ACCMODE) === 0 ? 'read' : 'write';
  }
  if (keys.some((key) => key.endsWith('_read'))) return 'read';
  return syscall === 'openat2' ? 'read' : 'write';
}
