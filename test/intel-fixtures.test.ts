import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../src/intel/feeds/parse-feed.js';
import { IndicatorStoreBuilder } from '../src/intel/indicator-store-builder.js';
import { readIntelFile } from '../src/intel/read-intel-file.js';

const DIR = 'test/fixtures/corpus/threat-intel';

function read(file: string, category = 'malicious' as const) {
  return parseFeed(readIntelFile(join(DIR, file)), {
    source: file,
    category,
  });
}

function typeCounts(result: ReturnType<typeof read>) {
  const counts: Record<string, number> = {};
  for (const { type } of result.indicators) {
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

describe('threat-intel fixtures', () => {
  it('reads every Tor exit address, IPv6 ones too', () => {
    const result = read('tor-exit-nodes.lst');
    expect(typeCounts(result)).toEqual({ ipv4: 1127, ipv6: 619 });
    expect(result.problemCount).toBe(0);
    const store = new IndicatorStoreBuilder().addAll(result.indicators).build();
    expect(store.categoriesOf('101.99.92.179')).toEqual(['malicious']);
    expect(store.categoriesOf('101.99.92.180')).toEqual([]);
  });

  it('reads the C2 address indicator', () => {
    const result = read('stix2/indicator-for-c2-ip-address.json');
    expect(result.indicators.map((i) => i.value)).toEqual(['10.0.0.0']);
    expect(result.problemCount).toBe(0);
  });

  it('reads indicators beside a course of action', () => {
    const result = read('stix2/indicators-for-C2-with-COA.json');
    expect(result.indicators.map((i) => `${i.type}:${i.value}`)).toEqual([
      'ipv4:10.0.0.0',
      'sha256:ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c',
    ]);
    expect(result.skipped).toEqual({
      'identity object': 1,
      'malware object': 1,
      'course-of-action object': 1,
      'relationship object': 3,
    });
  });

  it('finds no indicator among infrastructure objects', () => {
    const result = read('stix2/infrastructure.json');
    expect(result.indicators).toEqual([]);
    expect(result.skipped['ipv4-addr object']).toBe(1);
  });

  it('reads the indicator of a campaign relationship', () => {
    const result = read('stix2/indicator-to-campaign-relationship.json');
    expect(result.indicators.map((i) => i.value)).toEqual(['10.0.0.0']);
  });

  it('splits Poison Ivy OR patterns and reports the rest', () => {
    const result = read('stix2/poisonivy.json');
    expect(typeCounts(result)).toEqual({ ipv4: 40, domain: 24 });
    expect(result.problems).toEqual([
      {
        line: 601,
        reason: 'invalid domain name: "domain autuo.xicp.net"',
      },
      { line: 617, reason: 'object path "file:name" is not supported' },
      { line: 841, reason: 'object path "file:name" is not supported' },
    ]);
    const store = new IndicatorStoreBuilder().addAll(result.indicators).build();
    expect(store.categoriesOf('113.10.246.30')).toEqual(['malicious']);
    expect(store.categoriesOf('www.webserver.dynssl.com')).toEqual([
      'malicious',
    ]);
  });

  it('reads the Sednit MISP event', () => {
    const result = read('misp/circl-osint-sednit-event.json');
    expect(typeCounts(result)).toEqual({ domain: 19, sha1: 37, ipv4: 12 });
    expect(result.skipped).toEqual({
      'link attribute': 1,
      'text attribute': 38,
      'filename attribute': 15,
    });
    expect(result.problemCount).toBe(0);
  });
});
