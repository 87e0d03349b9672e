import { describe, expect, it } from 'vitest';
import type { CommandEntry } from '../views/command-list.js';
import { forwardingDestinations } from './forwarding-destinations.js';
import { isPublicHost } from './public-address.js';

function command(argv: string[]): CommandEntry {
  const name = (argv[0] as string).split('/').pop() as string;
  return { name, argv, line: argv.join(' '), next: '', pipedTo: '' };
}

describe('forwardingDestinations', () => {
  it.each([
    [
      ['ssh', '-R', '8080:localhost:80', 'u@203.0.113.9'],
      ['localhost', '203.0.113.9'],
    ],
    [
      ['ssh', '-fNL3306:198.51.100.20:3306', 'jump'],
      ['198.51.100.20', 'jump'],
    ],
    [
      ['ssh', '-L', '[::1]:80:[2001:db8::7]:80', 'ssh://u@h.example:2222'],
      ['2001:db8::7', 'h.example'],
    ],
    [['ssh', '-p', '2222', 'u@203.0.113.9'], []],
    [['ssh', '-L', '8080:/run/app.sock', 'u@h'], ['h']],
    [
      ['socat', 'TCP4-LISTEN:6443,fork', 'TCP4:203.0.113.9:443'],
      ['203.0.113.9'],
    ],
    [['socat', 'tcp-l:80', 'tcp:[2001:db8::1]:80'], ['2001:db8::1']],
    [['socat', '-', 'TCP:203.0.113.9:80'], []],
    [
      ['iptables', '-j', 'DNAT', '--to-destination', '203.0.113.9:80'],
      ['203.0.113.9'],
    ],
    [
      ['iptables', '-j', 'DNAT', '--to-destination=10.0.0.5-10.0.0.9'],
      ['10.0.0.5'],
    ],
    [
      [
        'nft',
        'add rule ip nat prerouting tcp dport 80 dnat to 203.0.113.9:8080',
      ],
      ['203.0.113.9'],
    ],
    [['curl', 'http://203.0.113.9/'], []],
  ])('%j forwards to %j', (argv, hosts) => {
    expect(forwardingDestinations(command(argv))).toEqual(hosts);
  });
});

describe('isPublicHost', () => {
  it.each([
    ['203.0.113.9', true],
    ['8.8.8.8', true],
    ['2001:db8::7', true],
    ['[2001:db8::7]', true],
    ['10.1.2.3', false],
    ['172.31.0.1', false],
    ['192.168.1.1', false],
    ['100.64.0.1', false],
    ['169.254.169.254', false],
    ['127.0.0.1', false],
    ['::1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:203.0.113.9', true],
    ['evil.example.com', true],
    ['postgres.db.svc', false],
    ['web.default.svc.cluster.local', false],
    ['metadata.google.internal', false],
    ['localhost', false],
    ['jump', false],
    ['bad_host$(id)', false],
  ])('%s is public: %s', (host, expected) => {
    expect(isPublicHost(host)).toBe(expected);
  });
});
