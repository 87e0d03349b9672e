import { formatIpv6 } from '../proc/format-ipv6.js';

/** An address that a SOCKADDR record names. */
export type SocketAddress =
  | { family: 'ipv4' | 'ipv6'; address: string; port: number }
  | { family: 'unix'; path: string }
  | { family: 'other'; number: number };

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;

/**
 * Decodes the `saddr` hex of a SOCKADDR record: a `struct sockaddr` whose
 * family is in host byte order (little-endian on the architectures Vigil
 * runs on) and whose port and address are in network byte order. An
 * abstract AF_UNIX name (leading NUL) is shown with a leading `@`.
 * Returns undefined for hex too short for its family.
 */
export function decodeSockaddr(
  raw: string | undefined,
): SocketAddress | undefined {
  if (raw === undefined || !/^(?:[0-9A-Fa-f]{2}){2,}$/.test(raw)) {
    return undefined;
  }
  const bytes = Buffer.from(raw, 'hex');
  const family = bytes.readUInt16LE(0);
  if (family === AF_INET) {
    if (bytes.length < 8) return undefined;
    const address = [...bytes.subarray(4, 8)].join('.');
    return { family: 'ipv4', address, port: bytes.readUInt16BE(2) };
  }
  if (family === AF_INET6) {
    if (bytes.length < 24) return undefined;
    const address = formatIpv6(bytes.subarray(8, 24));
    return { family: 'ipv6', address, port: bytes.readUInt16BE(2) };
  }
  if (family === AF_UNIX) {
    const name = bytes.subarray(2);
    if (name[0] === 0) {
      const end = name.indexOf(0, 1);
      const rest = name.subarray(1, end === -1 ? undefined : end);
      return { family: 'unix', path: `@${rest.toString('utf8')}` };
    }
    const end = name.indexOf(0);
    const path = name.subarray(0, end === -1 ? undefined : end);
    return { family: 'unix', path: path.toString('utf8') };
  }
  return { family: 'other', number: family };
}
