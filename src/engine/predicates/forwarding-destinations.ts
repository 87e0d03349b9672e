import type { CommandEntry } from '../views/command-list.js';

/** ssh options that take a value, as OpenSSH 9 documents them. */
const SSH_VALUE_OPTIONS = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));

/**
 * List the remote hosts that a command forwards ports to. For ssh with
 * `-L` or `-R` these are the server and the hosts in the forwarding
 * specs, and for socat with a listening address the host of its other
 * address. For iptables it is the host of `--to-destination`, and for nft
 * the host after `dnat to`. Other commands forward nothing.
 */
export function forwardingDestinations(command: CommandEntry): string[] {
  switch (command.name) {
    case 'ssh':
      return sshDestinations(command.argv);
    case 'socat':
      return socatDestinations(command.argv);
    case 'iptables':
    case 'ip6tables':
    case 'iptables-legacy':
    case 'iptables-nft':
      return valuesAfter(command.argv, '--to-destination').map(hostOfSpec);
    case 'nft':
      return nftDestinations(command.argv);
    default:
      return [];
  }
}

function sshDestinations(argv: string[]): string[] {
  const hosts: string[] = [];
  let forwards = false;
  let destination: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-') || arg === '-') {
      destination ??= arg;
      continue;
    }
    // A cluster such as -fNL takes its value from the rest or the next word.
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j] as string;
      if (!SSH_VALUE_OPTIONS.has(letter)) continue;
      const value = arg.length > j + 1 ? arg.slice(j + 1) : argv[++i];
      if ((letter === 'L' || letter === 'R') && value !== undefined) {
        forwards = true;
        hosts.push(...forwardSpecHosts(value));
      }
      if (letter === 'J' && value !== undefined) {
        hosts.push(...value.split(',').map(sshHost));
      }
      break;
    }
  }
  if (!forwards) return [];
  if (destination) hosts.push(sshHost(destination));
  return hosts.filter((host) => host.length > 0);
}

/** `[bind:]port:host:hostport` names a host; a bare port or socket none. */
function forwardSpecHosts(spec: string): string[] {
  const parts = spec.startsWith('[')
    ? (spec.match(/\[[^\]]*\]|[^:]+/g) ?? [])
    : spec.split(':');
  if (parts.length < 3) return [];
  return [(parts[parts.length - 2] as string).replace(/^\[|\]$/g, '')];
}

function sshHost(destination: string): string {
  const url = /^ssh:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/.exec(destination);
  if (url) return (url[1] as string).replace(/^\[|\]$/g, '');
  const at = destination.lastIndexOf('@');
  return destination.slice(at + 1);
}

function socatDestinations(argv: string[]): string[] {
  const addresses = argv.slice(1).filter((arg) => !arg.startsWith('-'));
  if (!addresses.some((a) => /^[a-z0-9]+-l(isten)?[:,]/i.test(a))) return [];
  const hosts: string[] = [];
  for (const address of addresses) {
    const match = /^(?:tcp[46]?|udp[46]?|openssl|ssl):([^,]+)/i.exec(address);
    if (match) hosts.push(hostOfSpec(match[1] as string));
  }
  return hosts;
}

function nftDestinations(argv: string[]): string[] {
  const words = argv.slice(1).flatMap((arg) => arg.split(/\s+/));
  const hosts: string[] = [];
  for (let i = 0; i + 2 < words.length; i++) {
    if (words[i] === 'dnat' && words[i + 1] === 'to') {
      hosts.push(hostOfSpec(words[i + 2] as string));
    }
  }
  return hosts;
}

function valuesAfter(argv: string[], option: string): string[] {
  const values: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === option && argv[i + 1] !== undefined) {
      values.push(argv[i + 1] as string);
    } else if (arg.startsWith(`${option}=`)) {
      values.push(arg.slice(option.length + 1));
    }
  }
  return values;
}

/** Take the host of `host:port`, `[v6]:port`, a bare host or a range. */
function hostOfSpec(spec: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(spec);
  if (bracketed) return bracketed[1] as string;
  const first = spec.split('-')[0] as string;
  const colons = first.split(':').length - 1;
  return colons === 1 ? (first.split(':')[0] as string) : first;
}
