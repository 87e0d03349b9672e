import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { formatIPv4 } from './address/parse-ipv4.js';
import type { IntelCategory } from './categories.js';
import { IndicatorStore } from './indicator-store.js';
import { IndicatorStoreBuilder } from './indicator-store-builder.js';
import { testIndicator } from './test-indicators.js';

function storeOf(
  ...entries: [string, IntelCategory, string?][]
): IndicatorStore {
  return new IndicatorStoreBuilder()
    .addAll(entries.map(([v, c, s]) => testIndicator(v, c, s)))
    .build();
}

describe('IndicatorStore addresses', () => {
  const store = storeOf(
    ['198.51.100.0/24', 'malicious'],
    ['198.51.100.128/25', 'scanner'],
    ['198.51.100.200', 'tor-exit'],
    ['203.0.113.0/24', 'malicious'],
    ['203.0.114.0/24', 'malicious'],
    ['255.255.255.255', 'test'],
    ['2001:db8::/32', 'test'],
    ['2001:db8:1::/48', 'mining-pool'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/124', 'scanner'],
  );

  it('returns every category of overlapping ranges', () => {
    expect(store.categoriesOf('198.51.100.200')).toEqual([
      'malicious',
      'tor-exit',
      'scanner',
    ]);
    expect(store.categoriesOf('198.51.100.129')).toEqual([
      'malicious',
      'scanner',
    ]);
    expect(store.categoriesOf('198.51.100.127')).toEqual(['malicious']);
  });

  it('misses addresses just outside ranges', () => {
    expect(store.categoriesOf('198.51.99.255')).toEqual([]);
    expect(store.categoriesOf('198.51.101.0')).toEqual([]);
    expect(store.categoriesOf('0.0.0.0')).toEqual([]);
  });

  it('merges adjacent ranges of one set', () => {
    expect(store.categoriesOf('203.0.113.255')).toEqual(['malicious']);
    expect(store.categoriesOf('203.0.114.0')).toEqual(['malicious']);
    // 198.51.100/24 splits in three, 203.0.113-114 merge, and the last
    // address stands alone.
    expect(store.ipv4.size).toBe(6);
  });

  it('covers the last address of each family', () => {
    expect(store.categoriesOf('255.255.255.255')).toEqual(['test']);
    expect(
      store.categoriesOf('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'),
    ).toEqual(['scanner']);
  });

  it('looks up IPv6 and mapped IPv4', () => {
    expect(store.categoriesOf('2001:db8:1:2::9')).toEqual([
      'mining-pool',
      'test',
    ]);
    expect(store.categoriesOf('2001:db8:2::1')).toEqual(['test']);
    expect(store.categoriesOf('2001:db9::')).toEqual([]);
    expect(store.categoriesOf('::ffff:198.51.100.200')).toContain('tor-exit');
    expect(store.categoriesOf('::ffff:c633:64c8')).toContain('tor-exit');
  });

  it('lists categories with indicators', () => {
    expect([...store.categories()].sort()).toEqual([
      'malicious',
      'mining-pool',
      'scanner',
      'test',
      'tor-exit',
    ]);
  });

  it('names the source of each label', () => {
    const sourced = storeOf(
      ['192.0.2.0/24', 'test', 'vigil-test'],
      ['192.0.2.9', 'malicious', 'my-list'],
    );
    expect(sourced.labelsOf('192.0.2.9')).toEqual([
      { category: 'test', source: 'vigil-test' },
      { category: 'malicious', source: 'my-list' },
    ]);
  });

  it('covers everything with /0', () => {
    const all = storeOf(['0.0.0.0/0', 'test'], ['::/0', 'scanner']);
    expect(all.categoriesOf('8.8.8.8')).toEqual(['test']);
    expect(all.categoriesOf('::')).toEqual(['scanner']);
    expect(all.categoriesOf('::ffff:8.8.8.8')).toEqual(['test']);
  });

  it('ignores text that is not an address', () => {
    expect(store.categoriesOf('')).toEqual([]);
    expect(store.categoriesOf('198.51.100.200x')).toEqual([]);
    expect(store.categoriesOf(':')).toEqual([]);
  });

  it('ignores malformed spellings of listed addresses', () => {
    for (const text of [
      '198.51.100.200 ',
      ' 198.51.100.200',
      '198.51.100',
      '198.051.100.200',
      '0198.51.100.200',
      '198.51.100.200.',
      '455.51.100.200',
      '::ffff:198.51.100.200%eth0',
      '2001:db8::1%eth0',
      '[2001:db8::1]',
    ]) {
      expect(store.categoriesOf(text), text).toEqual([]);
    }
  });

  it('looks up IPv4-compatible IPv6 as IPv6', () => {
    // Only ::ffff:0:0/96 carries IPv4, so ::198.51.100.200 is ::c633:64c8.
    expect(store.categoriesOf('::198.51.100.200')).toEqual([]);
    expect(store.categoriesOf('2001:db8::198.51.100.200')).toEqual(['test']);
  });
});

describe('IndicatorStore prefix lengths', () => {
  const store = storeOf(
    ['10.0.0.0/8', 'malicious'],
    ['10.1.0.0/16', 'scanner'],
    ['10.1.2.0/24', 'tor-exit'],
    ['10.1.2.3/32', 'test'],
    ['10.1.3.0/24', 'mining-pool'],
    ['2001:db8::/32', 'malicious'],
    ['2001:db8::/48', 'scanner'],
    ['2001:db8::1/128', 'test'],
    ['2001:db8:0:1::/64', 'mining-pool'],
    ['::ffff:192.0.2.0/120', 'scanner'],
  );

  it('returns every nested range of an address', () => {
    // Categories come in INTEL_CATEGORIES order.
    expect(store.categoriesOf('10.1.2.3')).toEqual([
      'malicious',
      'tor-exit',
      'scanner',
      'test',
    ]);
    expect(store.categoriesOf('10.1.2.4')).toEqual([
      'malicious',
      'tor-exit',
      'scanner',
    ]);
    expect(store.categoriesOf('10.1.4.0')).toEqual(['malicious', 'scanner']);
    expect(store.categoriesOf('10.2.0.0')).toEqual(['malicious']);
    expect(store.categoriesOf('11.0.0.0')).toEqual([]);
  });

  it('tells adjacent ranges of other categories apart', () => {
    expect(store.categoriesOf('10.1.2.255')).toContain('tor-exit');
    expect(store.categoriesOf('10.1.2.255')).not.toContain('mining-pool');
    expect(store.categoriesOf('10.1.3.0')).toContain('mining-pool');
    expect(store.categoriesOf('10.1.3.0')).not.toContain('tor-exit');
  });

  it('returns every nested IPv6 range of an address', () => {
    expect(store.categoriesOf('2001:db8::1')).toEqual([
      'malicious',
      'scanner',
      'test',
    ]);
    expect(store.categoriesOf('2001:db8::2')).toEqual(['malicious', 'scanner']);
    expect(store.categoriesOf('2001:db8:0:1:ffff::')).toEqual([
      'malicious',
      'mining-pool',
      'scanner',
    ]);
    expect(store.categoriesOf('2001:db8:1::')).toEqual(['malicious']);
  });

  it('looks up a mapped IPv6 range as IPv4', () => {
    expect(store.categoriesOf('192.0.2.77')).toEqual(['scanner']);
    expect(store.categoriesOf('::ffff:192.0.2.77')).toEqual(['scanner']);
    expect(store.categoriesOf('::FFFF:C000:024D')).toEqual(['scanner']);
    expect(store.categoriesOf('192.0.3.0')).toEqual([]);
  });

  it('reads mapped ::/96 as IPv4 /0', () => {
    const all = storeOf(['::ffff:0.0.0.0/96', 'test']);
    expect(all.categoriesOf('0.0.0.0')).toEqual(['test']);
    expect(all.categoriesOf('255.255.255.255')).toEqual(['test']);
    expect(all.categoriesOf('::1')).toEqual([]);
  });
});

describe('IndicatorStore random ranges', () => {
  it('agrees with node:net BlockList', () => {
    // A fixed linear congruential sequence keeps the case reproducible.
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const builder = new IndicatorStoreBuilder();
    const lists = { malicious: new BlockList(), scanner: new BlockList() };
    for (let i = 0; i < 2000; i++) {
      const category = i % 3 === 0 ? 'scanner' : 'malicious';
      // Ranges within 10.0.0.0/16 overlap often.
      const address = formatIPv4((0x0a000000 | (next() & 0xffff)) >>> 0);
      const prefix = 16 + (next() % 17);
      builder.add(testIndicator(`${address}/${prefix}`, category));
      lists[category].addSubnet(address, prefix);
    }
    const store = builder.build();
    for (let i = 0; i < 5000; i++) {
      const address = formatIPv4((0x0a000000 | (next() & 0x1ffff)) >>> 0);
      const expected = (['malicious', 'scanner'] as const).filter((c) =>
        lists[c].check(address),
      );
      expect(store.categoriesOf(address)).toEqual(expected);
    }
  });
});

describe('IndicatorStore random IPv6 ranges', () => {
  it('agrees with node:net BlockList', () => {
    // A fixed linear congruential sequence keeps the case reproducible.
    let seed = 54321;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const hex = () => (next() & 0xffff).toString(16);
    const builder = new IndicatorStoreBuilder();
    const lists = { malicious: new BlockList(), scanner: new BlockList() };
    for (let i = 0; i < 2000; i++) {
      const category = i % 3 === 0 ? 'scanner' : 'malicious';
      // Ranges of /40 to /128 at addresses in 2001:db8::/46 overlap
      // often, and many share their first 48 bits.
      const address = `2001:db8:${(next() & 0x3).toString(16)}:${hex()}::${hex()}`;
      const prefix = 40 + (next() % 89);
      builder.add(testIndicator(`${address}/${prefix}`, category));
      lists[category].addSubnet(address, prefix, 'ipv6');
    }
    const store = builder.build();
    for (let i = 0; i < 5000; i++) {
      const address = `2001:db8:${(next() & 0x7).toString(16)}:${hex()}::${hex()}`;
      const expected = (['malicious', 'scanner'] as const).filter((c) =>
        lists[c].check(address, 'ipv6'),
      );
      expect(store.categoriesOf(address), address).toEqual(expected);
    }
  });
});

describe('IndicatorStore exact values', () => {
  const store = storeOf(
    ['evil.example.com', 'malicious'],
    ['http://Download.Example.NET/x.sh#frag', 'malware-distribution'],
    ['xmrig/xmrig', 'malicious-image'],
    ['quay.io/bad/miner:v1', 'malicious-image'],
    [`sha256:${'ab'.repeat(32)}`, 'malicious-image'],
    ['D41D8CD98F00B204E9800998ECF8427E', 'malicious'],
    ['AS64500', 'scanner'],
    ['192.0.2.66', 'malware-distribution'],
  );

  it('covers subdomains of a listed domain', () => {
    expect(store.categoriesOf('EVIL.example.com.')).toEqual(['malicious']);
    expect(store.categoriesOf('a.b.evil.example.com')).toEqual(['malicious']);
    expect(store.categoriesOf('example.com')).toEqual([]);
    expect(store.categoriesOf('notevil.example.com')).toEqual([]);
  });

  it('matches normalized URLs and their hosts', () => {
    expect(store.categoriesOf('HTTP://download.example.net:80/x.sh')).toEqual([
      'malware-distribution',
    ]);
    expect(store.categoriesOf('http://download.example.net/y.sh')).toEqual([]);
    expect(store.categoriesOf('https://192.0.2.66/a')).toEqual([
      'malware-distribution',
    ]);
    expect(store.categoriesOf('http://x.evil.example.com/')).toEqual([
      'malicious',
    ]);
  });

  it('matches images by repository, tag and digest', () => {
    expect(store.categoriesOf('docker.io/xmrig/xmrig:6.21')).toEqual([
      'malicious-image',
    ]);
    expect(store.categoriesOf('quay.io/bad/miner:v1')).toEqual([
      'malicious-image',
    ]);
    expect(store.categoriesOf('quay.io/bad/miner:v2')).toEqual([]);
    expect(store.categoriesOf(`nginx@sha256:${'AB'.repeat(32)}`)).toEqual([
      'malicious-image',
    ]);
  });

  it('matches hashes and AS numbers without case', () => {
    expect(store.categoriesOf('d41d8cd98f00b204e9800998ecf8427e')).toEqual([
      'malicious',
    ]);
    expect(store.categoriesOf('as64500')).toEqual(['scanner']);
  });

  it('counts indicators by type', () => {
    expect(store.counts).toEqual({
      domain: 1,
      url: 1,
      image: 3,
      md5: 1,
      asn: 1,
      ipv4: 1,
    });
  });
});

describe('IndicatorStore JSON', () => {
  const store = storeOf(
    ['198.51.100.0/24', 'malicious', 'a'],
    ['198.51.100.7', 'scanner', 'b'],
    ['2001:db8::/32', 'test', 'c'],
    ['evil.example.com', 'malicious', 'a'],
  );

  it('round-trips every lookup', () => {
    const copy = IndicatorStore.fromJSON(
      JSON.parse(JSON.stringify(store.toJSON())),
    );
    for (const value of [
      '198.51.100.7',
      '198.51.100.8',
      '2001:db8::5',
      'x.evil.example.com',
      '10.0.0.1',
    ]) {
      expect(copy.labelsOf(value)).toEqual(store.labelsOf(value));
    }
    expect(copy.contentHash).toBe(store.contentHash);
    expect(copy.counts).toEqual(store.counts);
  });

  it('rejects content that does not match its hash', () => {
    const json = store.toJSON();
    json.exact = [['other.example.com', 1]];
    expect(() => IndicatorStore.fromJSON(json)).toThrow(/sha256/);
  });

  it('rejects another version', () => {
    const json = { ...store.toJSON(), version: 2 };
    expect(() => IndicatorStore.fromJSON(json)).toThrow();
  });

  it('gives equal content equal hashes', () => {
    const again = storeOf(
      ['198.51.100.0/24', 'malicious', 'a'],
      ['198.51.100.7', 'scanner', 'b'],
      ['2001:db8::/32', 'test', 'c'],
      ['evil.example.com', 'malicious', 'a'],
    );
    expect(again.contentHash).toBe(store.contentHash);
    expect(store.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
