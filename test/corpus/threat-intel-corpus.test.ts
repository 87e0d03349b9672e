import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/intel/feeds/parse-feed.js';
import { IndicatorStoreBuilder } from '../../src/intel/indicator-store-builder.js';
import { readIntelFile } from '../../src/intel/read-intel-file.js';

function corpusDirectory(): string {
  const directory = process.env.VIGIL_CORPUS;
  if (directory === undefined || directory === '') {
    throw new Error('VIGIL_CORPUS is not set: set it to the corpus folder');
  }
  if (!existsSync(directory)) {
    throw new Error(`VIGIL_CORPUS folder not found: ${directory}`);
  }
  return join(directory, 'threat-intel');
}

const root = corpusDirectory();

function read(file: string, column?: string | number) {
  return parseFeed(readIntelFile(join(root, file)), {
    source: file,
    category: 'malicious',
    column,
  });
}

// Feeds whose data carries its publisher's terms stay outside the
// repository; these cases read them from the corpus folder.
describe('threat-intel corpus', () => {
  it.each([
    ['spamhaus-drop.txt', 'ipv4', 989],
    ['spamhaus-edrop.txt', 'ipv4', 322],
    ['spamhaus-drop_ipv6.txt', 'ipv6', 51],
    ['spamhaus-drop-2016-original-format-excerpt.txt', 'ipv4', 9],
    ['spamhaus-asn_drop.json', 'asn', 201],
  ])('%s gives %s indicators', (file, type, count) => {
    const result = read(file);
    expect(result.problemCount).toBe(0);
    expect(result.indicators).toHaveLength(count);
    expect(result.indicators.every((i) => i.type === type)).toBe(true);
  });

  it('reads DROP ranges with their SBL references', () => {
    const result = read('spamhaus-drop-2016-original-format-excerpt.txt');
    expect(result.indicators[0]?.value).toBe('1.4.0.0/17');
    const store = new IndicatorStoreBuilder().addAll(result.indicators).build();
    expect(store.categoriesOf('1.4.127.255')).toEqual(['malicious']);
    expect(store.categoriesOf('1.4.128.0')).toEqual([]);
  });

  it('reads the Feodo Tracker CSV by its dst_ip column', () => {
    const result = read('feodo-ipblocklist.csv', 'dst_ip');
    expect(result.problemCount).toBe(0);
    expect(result.indicators).toHaveLength(28);
    expect(result.indicators[0]?.value).toBe('192.9.135.73');
    expect(result.indicators.at(-1)?.value).toBe('172.233.221.61');
  });

  it('reads the dataplane list by column number', () => {
    const result = read('dataplane-sshpwauth-2016-excerpt.txt', 3);
    expect(result.problemCount).toBe(0);
    expect(result.indicators.map((i) => i.value).slice(0, 2)).toEqual([
      '96.242.156.153',
      '96.238.182.78',
    ]);
    expect(result.indicators).toHaveLength(10);
  });

  it('matches the ASN-DROP entries by AS number', () => {
    const result = read('spamhaus-asn_drop.json');
    expect(result.skipped).toEqual({ 'metadata record': 1 });
    const store = new IndicatorStoreBuilder().addAll(result.indicators).build();
    expect(store.categoriesOf('AS932')).toEqual(['malicious']);
  });
});
