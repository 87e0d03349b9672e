/**
 * Syscall numbers the agent interprets, per audit architecture. Audit
 * records name the architecture by its AUDIT_ARCH constant (`arch=` in
 * hex) and the syscall by number; the numbers come from the kernel's
 * syscall tables (arch/x86/entry/syscalls/syscall_64.tbl and
 * syscall_32.tbl, and include/uapi/asm-generic/unistd.h for aarch64).
 */
const TABLES: Record<string, Record<number, string>> = {
  // x86_64
  c000003e: {
    2: 'open',
    42: 'connect',
    43: 'accept',
    49: 'bind',
    50: 'listen',
    59: 'execve',
    76: 'truncate',
    77: 'ftruncate',
    82: 'rename',
    83: 'mkdir',
    84: 'rmdir',
    85: 'creat',
    86: 'link',
    87: 'unlink',
    88: 'symlink',
    90: 'chmod',
    91: 'fchmod',
    92: 'chown',
    93: 'fchown',
    94: 'lchown',
    132: 'utime',
    188: 'setxattr',
    189: 'lsetxattr',
    190: 'fsetxattr',
    235: 'utimes',
    257: 'openat',
    258: 'mkdirat',
    260: 'fchownat',
    261: 'futimesat',
    263: 'unlinkat',
    264: 'renameat',
    265: 'linkat',
    266: 'symlinkat',
    268: 'fchmodat',
    280: 'utimensat',
    288: 'accept4',
    316: 'renameat2',
    322: 'execveat',
    437: 'openat2',
  },
  // i386, also 32-bit processes on x86_64
  '40000003': {
    5: 'open',
    8: 'creat',
    9: 'link',
    10: 'unlink',
    11: 'execve',
    15: 'chmod',
    30: 'utime',
    38: 'rename',
    39: 'mkdir',
    40: 'rmdir',
    83: 'symlink',
    92: 'truncate',
    93: 'ftruncate',
    94: 'fchmod',
    102: 'socketcall',
    212: 'chown32',
    226: 'setxattr',
    271: 'utimes',
    295: 'openat',
    301: 'unlinkat',
    302: 'renameat',
    303: 'linkat',
    304: 'symlinkat',
    306: 'fchmodat',
    320: 'utimensat',
    353: 'renameat2',
    358: 'execveat',
    362: 'connect',
    437: 'openat2',
  },
  // aarch64
  c00000b7: {
    5: 'setxattr',
    34: 'mkdirat',
    35: 'unlinkat',
    36: 'symlinkat',
    37: 'linkat',
    38: 'renameat',
    45: 'truncate',
    46: 'ftruncate',
    52: 'fchmod',
    53: 'fchmodat',
    54: 'fchownat',
    56: 'openat',
    88: 'utimensat',
    200: 'bind',
    201: 'listen',
    202: 'accept',
    203: 'connect',
    221: 'execve',
    242: 'accept4',
    276: 'renameat2',
    281: 'execveat',
    437: 'openat2',
  },
};

const ARCH_NAMES: Record<string, string> = {
  c000003e: 'x86_64',
  '40000003': 'i386',
  c00000b7: 'aarch64',
};

/** The architecture's name for an `arch=` value, or the value itself. */
export function archName(arch: string): string {
  return ARCH_NAMES[arch.toLowerCase()] ?? arch;
}

/**
 * Names a syscall by audit architecture and number; undefined for one the
 * agent does not interpret. Names that ENRICHED logs resolve (`SYSCALL=`)
 * take precedence at the caller.
 */
export function syscallName(arch: string, number: number): string | undefined {
  return TABLES[arch.toLowerCase()]?.[number];
}
