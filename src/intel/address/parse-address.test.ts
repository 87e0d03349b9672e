import { describe, expect, it } from 'vitest';
import { parseAddressRange } from './parse-address-range.js';
import { formatIPv4, parseIPv4 } from './parse-ipv4.js';
import { formatIPv6, parseIPv6 } from './parse-ipv6.js';

function v6(text: string): number[] | undefined {
  const words = new Uint32Array(4);
  return parseIPv6(text, words) ? [...words] : undefined;
}

describe('parseIPv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['192.0.2.1', 0xc0000201],
    ['255.255.255.255', 0xffffffff],
  ])('reads %s', (text, value) => {
    expect(parseIPv4(text)).toBe(value);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1..2.3',
    '1.2.3.4 ',
    '1.2.3.-4',
    '1.2.3.4/24',
    ' 1.2.3.4',
    '.1.2.3.4',
    '1.2.3.4.',
    '1.2.3.04',
    '1.2.3.00',
    '1.2.3.256',
    '1234.1.1.1',
    '1.2.3.4\n',
    '1.2.3.4%eth0',
    '1.2.3.0x4',
    '\u0661.2.3.4',
  ])('rejects %j', (text) => {
    expect(parseIPv4(text)).toBe(-1);
  });

  it('reads an address inside longer text', () => {
    expect(parseIPv4('[192.0.2.1]', 1, 10)).toBe(0xc0000201);
    expect(parseIPv4('[192.0.2.1]', 1, 11)).toBe(-1);
  });

  it('formats what it reads', () => {
    expect(formatIPv4(parseIPv4('203.0.113.254'))).toBe('203.0.113.254');
  });
});

describe('parseIPv6', () => {
  it.each([
    ['::', [0, 0, 0, 0]],
    ['::1', [0, 0, 0, 1]],
    ['2001:db8::', [0x20010db8, 0, 0, 0]],
    ['2001:DB8:0:0:0:0:0:1', [0x20010db8, 0, 0, 1]],
    ['::ffff:192.0.2.1', [0, 0, 0xffff, 0xc0000201]],
    ['fe80::1:2', [0xfe800000, 0, 0, 0x10002]],
    [
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    ],
    ['::1.2.3.4', [0, 0, 0, 0x01020304]],
    ['64:ff9b::192.0.2.1', [0x0064ff9b, 0, 0, 0xc0000201]],
    ['1:2:3:4:5:6:1.2.3.4', [0x10002, 0x30004, 0x50006, 0x01020304]],
    ['0000:0000::0001', [0, 0, 0, 1]],
    ['1:2:3:4:5:6:7::', [0x10002, 0x30004, 0x50006, 0x70000]],
    ['::2:3:4:5:6:7:8', [2, 0x30004, 0x50006, 0x70008]],
    ['ABCD:EF01::', [0xabcdef01, 0, 0, 0]],
  ])('reads %s', (text, words) => {
    expect(v6(text)).toEqual(words);
  });

  it.each([
    ':',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'fe80::1%eth0',
    '::1:',
    '1:',
    'g::1',
    '::ffff:1.2.3',
    '1:2:3:4:5:6:7:1.2.3.4',
    'fe80::1%25eth0',
    '::1%1',
    '1::2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8:',
    ':1::',
    '1:::2',
    '00000::',
    '::1.2.3.4:5',
    '1.2.3.4::',
    '::ffff:01.2.3.4',
    '::ffff:1.2.3.256',
    '::ffff:1.2.3.4.5',
    ' ::1',
    '::1 ',
    '[::1]',
    '::1/128',
  ])('rejects %j', (text) => {
    expect(v6(text)).toBeUndefined();
  });

  it('reads what formatIPv6 and full forms write', () => {
    // A fixed linear congruential sequence keeps the case reproducible.
    let seed = 3;
    const next = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed;
    };
    const wrong: string[] = [];
    for (let i = 0; i < 5000; i++) {
      // Zero words now and then give `::` runs in every position.
      const words = [0, 1, 2, 3].map(() => (next() % 3 === 0 ? 0 : next()));
      const groups = words.flatMap((w) => [w >>> 16, w & 0xffff]);
      const full = groups.map((g) => g.toString(16).padStart(4, '0'));
      for (const text of [
        formatIPv6(words),
        full.join(':'),
        full.join(':').toUpperCase(),
      ]) {
        if (v6(text)?.join() !== words.join()) wrong.push(text);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['2001:db8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['::', '::'],
    ['1::', '1::'],
    ['1:0:1:1:1:1:1:1', '1:0:1:1:1:1:1:1'],
  ])('formats %s as %s', (text, formatted) => {
    expect(formatIPv6(v6(text) ?? [])).toBe(formatted);
  });
});

describe('parseAddressRange', () => {
  it('keeps every prefix length of IPv4', () => {
    const all = parseAddressRange('0.0.0.0/0');
    expect(all).toMatchObject({
      ok: true,
      range: { start: [0], end: [0xffffffff], text: '0.0.0.0/0' },
    });
    const host = parseAddressRange('192.0.2.7/32');
    expect(host).toMatchObject({ ok: true, range: { text: '192.0.2.7' } });
  });

  it('clears and flags host bits', () => {
    const result = parseAddressRange('10.1.2.3/8');
    expect(result).toMatchObject({
      ok: true,
      range: { text: '10.0.0.0/8', hostBitsSet: true, end: [0x0affffff] },
    });
  });

  it('reads IPv6 ranges with /128 and /0', () => {
    expect(parseAddressRange('2001:db8::1/128')).toMatchObject({
      ok: true,
      range: { family: 6, text: '2001:db8::1' },
    });
    expect(parseAddressRange('::/0')).toMatchObject({
      ok: true,
      range: {
        start: [0, 0, 0, 0],
        end: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      },
    });
    expect(parseAddressRange('2001:db8:1::/33')).toMatchObject({
      ok: true,
      range: { end: [0x20010db8, 0x7fffffff, 0xffffffff, 0xffffffff] },
    });
  });

  it('turns mapped IPv6 into IPv4', () => {
    expect(parseAddressRange('::ffff:198.51.100.0/120')).toMatchObject({
      ok: true,
      range: { family: 4, text: '198.51.100.0/24' },
    });
  });

  it.each(['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08', '::/129', 'x/8'])(
    'rejects %j',
    (text) => {
      expect(parseAddressRange(text).ok).toBe(false);
    },
  );
});
