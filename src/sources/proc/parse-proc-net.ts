import { formatIpv6 } from './format-ipv6.js';

/** One socket from /proc/net/{tcp,tcp6,udp,udp6}. */
export interface ProcSocket {
  protocol: 'tcp' | 'udp';
  family: 'ipv4' | 'ipv6';
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** The kernel's state: 01 ESTABLISHED, 0A LISTEN, 07 for an unconnected UDP socket. */
  state: string;
  uid: number;
  inode: number;
}

/** A line that could not be used. */
export interface ProcNetProblem {
  line: number;
  reason: string;
}

function ipv4(hex: string): string {
  // Host byte order: on little-endian machines 0100007F is 127.0.0.1.
  const value = Number.parseInt(hex, 16);
  return [
    value & 0xff,
    (value >>> 8) & 0xff,
    (value >>> 16) & 0xff,
    value >>> 24,
  ].join('.');
}

function ipv6(hex: string): string {
  // Four 32-bit words, each in host byte order.
  const bytes = Buffer.alloc(16);
  for (let word = 0; word < 4; word++) {
    const value = Number.parseInt(hex.slice(word * 8, word * 8 + 8), 16);
    bytes.writeUInt32LE(value, word * 4);
  }
  return formatIpv6(bytes);
}

const ADDRESS = /^([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4})$/i;

/**
 * Parses the text of /proc/net/tcp, tcp6, udp or udp6. Addresses are hex
 * in host byte order (little-endian here), ports hex in network order.
 * Lines that do not fit are reported with their line number.
 */
export function parseProcNet(
  content: string,
  protocol: 'tcp' | 'udp',
  onProblem: (problem: ProcNetProblem) => void = () => {},
): ProcSocket[] {
  const sockets: ProcSocket[] = [];
  const lines = content.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i]?.trim();
    if (!text) continue;
    const fields = text.split(/\s+/);
    const local = ADDRESS.exec(fields[1] ?? '');
    const remote = ADDRESS.exec(fields[2] ?? '');
    const inode = Number(fields[9]);
    if (!local?.[1] || !remote?.[1] || !Number.isInteger(inode)) {
      onProblem({ line: i + 1, reason: 'unexpected /proc/net line' });
      continue;
    }
    const family = local[1].length === 8 ? 'ipv4' : 'ipv6';
    const decode = family === 'ipv4' ? ipv4 : ipv6;
    sockets.push({
      protocol,
      family,
      localAddress: decode(local[1]),
      localPort: Number.parseInt(local[2] as string, 16),
      remoteAddress: decode(remote[1]),
      remotePort: Number.parseInt(remote[2] as string, 16),
      state: fields[3] ?? '',
      uid: Number(fields[7]),
      inode,
    });
  }
  return sockets;
}
