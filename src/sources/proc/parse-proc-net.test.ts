import { describe, expect, it } from 'vitest';
import { parseProcNet } from './parse-proc-net.js';
import { parseProcStat } from './read-proc-process.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   105        0 21234 1 0000000000000000 100 0 0 10 0
   1: 0100007F:9C40 0100007F:1538 01 00000000:00000000 00:00000000 00000000     0        0 39012 1 0000000000000000 20 4 30 10 -1
`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5512 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 5513 1 0000000000000000 100 0 0 10 0
`;

describe('parseProcNet', () => {
  it('decodes IPv4 in host byte order', () => {
    const [listen, connection] = parseProcNet(TCP, 'tcp');
    expect(listen).toEqual({
      protocol: 'tcp',
      family: 'ipv4',
      localAddress: '127.0.0.1',
      localPort: 5432,
      remoteAddress: '0.0.0.0',
      remotePort: 0,
      state: '0A',
      uid: 105,
      inode: 21234,
    });
    expect(connection?.remotePort).toBe(5432);
    expect(connection?.localPort).toBe(40000);
  });

  it('decodes IPv6 words', () => {
    const [loopback, mapped] = parseProcNet(TCP6, 'tcp');
    expect(loopback?.localAddress).toBe('::1');
    expect(loopback?.localPort).toBe(8080);
    expect(mapped?.remoteAddress).toBe('::ffff:127.0.0.1');
  });

  it('reports a broken line and goes on', () => {
    const problems: number[] = [];
    const text = `${TCP.split('\n')[0]}\n   0: zz:1 00:00\n${TCP.split('\n')[1]}\n`;
    const sockets = parseProcNet(text, 'tcp', (p) => problems.push(p.line));
    expect(sockets).toHaveLength(1);
    expect(problems).toEqual([2]);
  });
});

describe('parseProcStat', () => {
  it('reads a name with spaces and parentheses', () => {
    const stat =
      '4242 (my (evil) name) S 17 4242 4242 0 -1 4194560 100 0 0 0 3 1 0 0 20 0 1 0 987654 1000 10';
    expect(parseProcStat(stat)).toEqual({
      name: 'my (evil) name',
      ppid: 17,
      startTicks: 987654,
    });
  });
});
