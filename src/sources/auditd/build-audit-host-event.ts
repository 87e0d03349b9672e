import {
  type FileOperation,
  type HostEvent,
  type ProcessInfo,
  UNKNOWN,
} from '../event.js';
import { formatIsoTime } from '../k8s-audit/format-iso-time.js';
import type { AuditEventRecords } from './audit-reassembler.js';
import type { AuditRecord } from './audit-record.js';
import {
  decodeAuditKeys,
  decodeAuditNumber,
  decodeAuditString,
} from './audit-value.js';
import { decodeExecve, decodeProctitle } from './decode-execve.js';
import { decodeSockaddr } from './decode-sockaddr.js';
import { fileOperationOf } from './file-operation.js';
import { syscallName } from './syscall-names.js';

/** Where audit events are attributed before the agent enriches them. */
export interface AuditEventContext {
  cluster: string;
  node: string;
  /** Source file for `origin`, when read from a file. */
  file?: string;
}

const UNSET_ID = 4294967295;

function first(records: AuditRecord[], type: string): AuditRecord | undefined {
  return records.find((record) => record.type === type);
}

function syscallOf(syscall: AuditRecord): string | undefined {
  // The numeric field comes first: the fields are split already, and
  // splitting the ENRICHED part only for the name costs more than the
  // table lookup.
  const number = decodeAuditNumber(syscall.fields.get('syscall'));
  const arch = syscall.fields.get('arch');
  const known =
    number === undefined || arch === undefined
      ? undefined
      : syscallName(arch, number);
  return known ?? syscall.enriched.get('SYSCALL');
}

function processOf(
  syscall: AuditRecord,
  records: AuditRecord[],
  argv: string[],
): ProcessInfo {
  const fields = syscall.fields;
  const cwd = decodeAuditString(first(records, 'CWD')?.fields.get('cwd'));
  const euid = decodeAuditNumber(fields.get('euid'));
  const pid = decodeAuditNumber(fields.get('pid')) ?? 0;
  const ppid = decodeAuditNumber(fields.get('ppid')) ?? 0;
  const exe = decodeAuditString(fields.get('exe')) ?? UNKNOWN;
  const name = decodeAuditString(fields.get('comm')) ?? UNKNOWN;
  const uid = decodeAuditNumber(fields.get('uid')) ?? UNSET_ID;
  const auid = decodeAuditNumber(fields.get('auid')) ?? UNSET_ID;
  // Two literals rather than a spread of `{ euid }`: this runs per exec.
  if (euid === undefined) {
    return {
      pid,
      ppid,
      exe,
      name,
      argv,
      cwd: cwd ?? UNKNOWN,
      uid,
      auid,
      ancestors: [],
    };
  }
  return {
    pid,
    ppid,
    exe,
    name,
    argv,
    cwd: cwd ?? UNKNOWN,
    uid,
    auid,
    euid,
    ancestors: [],
  };
}

function resolvePath(name: string, cwd: string): string {
  if (name.startsWith('/') || cwd === UNKNOWN) return name;
  return `${cwd.replace(/\/$/, '')}/${name}`;
}

/** PATH records other than the parent directories of the operation. */
function objectPaths(records: AuditRecord[]): AuditRecord[] {
  return records.filter((record) => {
    if (record.type !== 'PATH') return false;
    const nametype =
      record.fields.get('nametype') ?? record.fields.get('objtype');
    return nametype !== 'PARENT';
  });
}

/**
 * Turns the records of one audit event into a host event: a process event
 * for a successful execve or execveat, a network event for connect with
 * an AF_INET, AF_INET6 or AF_UNIX address, and a file event for any other
 * syscall that a `vigil*` watch rule logged. Returns undefined for events
 * the agent does not interpret (logins, configuration changes…).
 * Attribution (container, pod, ancestors) is `unknown` here; the agent
 * fills it from /proc and the container runtime.
 */
export function buildAuditHostEvent(
  event: AuditEventRecords,
  context: AuditEventContext,
): HostEvent | undefined {
  const syscall = first(event.records, 'SYSCALL');
  if (!syscall) return undefined;
  const name = syscallOf(syscall);
  const success = syscall.fields.get('success') !== 'no';
  const exec = name === 'execve' || name === 'execveat';
  // Failed execs (a shell searching PATH) are most exec records on a busy
  // node; they are dropped before any other work.
  if (exec && !success) return undefined;
  const keys = decodeAuditKeys(syscall.fields.get('key'));

  const base = {
    id: `audit:${event.node ?? context.node}:${event.stamp}:${event.serial}`,
    time: formatIsoTime(event.timeMs),
    timeMs: event.timeMs,
    cluster: context.cluster,
    node: event.node ?? context.node,
    container: UNKNOWN,
    pod: UNKNOWN,
    origin: {
      format: 'auditd',
      ...(context.file ? { file: context.file } : {}),
      line: syscall.line,
    },
    truncated: event.forced,
  } as const;

  if (exec) {
    const execve = event.records.filter((r) => r.type === 'EXECVE');
    const decoded = decodeExecve(execve);
    const argv =
      decoded.argv.length > 0
        ? decoded.argv
        : decodeProctitle(
            first(event.records, 'PROCTITLE')?.fields.get('proctitle'),
          );
    // Fields are listed rather than spread from `base`, which is the
    // cheaper object to build on the path every exec takes.
    return {
      id: base.id,
      time: base.time,
      timeMs: base.timeMs,
      cluster: base.cluster,
      node: base.node,
      container: UNKNOWN,
      pod: UNKNOWN,
      origin: base.origin,
      // Without EXECVE and PROCTITLE the command line is not known.
      truncated: base.truncated || decoded.truncated || argv.length === 0,
      kind: 'process',
      process: processOf(syscall, event.records, argv),
    };
  }

  const title = decodeProctitle(
    first(event.records, 'PROCTITLE')?.fields.get('proctitle'),
  );
  const process = processOf(syscall, event.records, title);
  if (name === 'connect') {
    const address = decodeSockaddr(
      first(event.records, 'SOCKADDR')?.fields.get('saddr'),
    );
    if (!address || address.family === 'other') return undefined;
    const network =
      address.family === 'unix'
        ? {
            direction: 'outbound' as const,
            protocol: 'unix' as const,
            family: 'unix' as const,
            remoteAddress: address.path,
            remotePort: 0,
          }
        : {
            direction: 'outbound' as const,
            // NOTE: connect records do not state the socket type, so a
            // TCP connection and a connected UDP socket look the same.
            protocol: 'other' as const,
            family: address.family,
            remoteAddress: address.address,
            remotePort: address.port,
          };
    return { ...base, kind: 'network', process, network };
  }

  if (!keys.some((key) => key === 'vigil' || key.startsWith('vigil_'))) {
    return undefined;
  }
  const paths = objectPaths(event.records);
  const [subject, second] = paths;
  const path = decodeAuditString(subject?.fields.get('name'));
  if (path === undefined || name === undefined) return undefined;
  const operation: FileOperation = fileOperationOf(name, syscall, keys);
  const target = decodeAuditString(second?.fields.get('name'));
  return {
    ...base,
    kind: 'file',
    process,
    file: {
      path: resolvePath(path, process.cwd),
      operation,
      ...(target !== undefined && operation === 'rename'
        ? { target: resolvePath(target, process.cwd) }
        : {}),
    },
  };
}
