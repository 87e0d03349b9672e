import { describe, expect, it } from 'vitest';
import { detectFeedFormat, parseFeed } from './parse-feed.js';
import { parseStixPattern } from './stix-pattern.js';

const options = { source: 'feed', category: 'malicious' } as const;

function values(text: string, extra = {}) {
  return parseFeed(text, { ...options, ...extra }).indicators.map(
    (i) => `${i.type}:${i.value}`,
  );
}

describe('plain lists', () => {
  it('reads values with comments of both kinds', () => {
    const text = [
      '# comment',
      '; Spamhaus DROP List',
      '1.10.16.0/20 ; SBL256894',
      '2001:db8::/32 # documentation',
      '  evil.example.com  ',
      '',
    ].join('\n');
    expect(values(text)).toEqual([
      'ipv4:1.10.16.0/20',
      'ipv6:2001:db8::/32',
      'domain:evil.example.com',
    ]);
  });

  it('reports bad lines with their numbers and goes on', () => {
    const result = parseFeed(
      '192.0.2.1\nnot a value\n300.1.1.1\n192.0.2.2\n',
      options,
    );
    expect(result.indicators.map((i) => i.value)).toEqual([
      '192.0.2.1',
      '192.0.2.2',
    ]);
    expect(result.problems).toEqual([
      { line: 2, reason: 'more than one value on the line: "not a value"' },
      {
        line: 3,
        reason: 'not an address, domain, URL, image or hash: "300.1.1.1"',
      },
    ]);
  });

  it('reports host bits and keeps the range', () => {
    const result = parseFeed('10.1.2.3/8\n', options);
    expect(result.indicators[0]?.value).toBe('10.0.0.0/8');
    expect(result.problems).toEqual([
      { line: 1, reason: 'host bits set in 10.1.2.3/8, using 10.0.0.0/8' },
    ]);
  });

  it('reads Tor exit-addresses records', () => {
    const text = [
      'ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E',
      'Published 2024-02-01 02:35:31',
      'LastStatus 2024-02-01 04:00:00',
      'ExitAddress 162.247.74.201 2024-02-01 04:09:06',
    ].join('\n');
    const result = parseFeed(text, { ...options, category: 'tor-exit' });
    expect(result.indicators).toEqual([
      {
        type: 'ipv4',
        value: '162.247.74.201',
        category: 'tor-exit',
        source: 'feed',
      },
    ]);
    expect(result.skipped).toEqual({ 'tor descriptor record': 3 });
  });

  it('forces a type when asked', () => {
    expect(values('xmrig\n', { type: 'image' })).toEqual([
      'image:docker.io/library/xmrig',
    ]);
  });

  it('quotes and cuts hostile values', () => {
    const result = parseFeed(`\u001b[2J${'x'.repeat(200)}\n`, options);
    const [problem] = result.problems;
    expect(problem?.reason).toContain('\\u001b[2J');
    expect(problem?.reason.length).toBeLessThan(140);
  });
});

describe('CSV feeds', () => {
  const feodo = [
    '################',
    '# Terms Of Use: …',
    '#',
    '"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"',
    '"2023-05-23 17:51:44","192.9.135.73","1194","online","2024-04-01","Pikabot"',
    '"2024-02-08 19:20:49","","5000","offline","2024-03-11","Pikabot"',
    '"2024-02-08 19:50:53","37.60.242.85","9785","offline","2024-03-04","Pikabot"',
    '# END 3 entries',
  ].join('\n');

  it('reads the named column after a banner', () => {
    const result = parseFeed(feodo, { ...options, column: 'dst_ip' });
    expect(result.indicators.map((i) => i.value)).toEqual([
      '192.9.135.73',
      '37.60.242.85',
    ]);
    expect(result.problems).toEqual([
      { line: 6, reason: 'row has no column 2' },
    ]);
  });

  it('reports a header without the column', () => {
    const result = parseFeed(feodo, { ...options, column: 'ip' });
    expect(result.problems).toEqual([
      { line: 4, reason: 'header has no column "ip"' },
    ]);
  });

  it('reads pipe-separated columns by number', () => {
    const text = '701 | UUNET | 96.242.156.153 | 2016-03-17 | sshpwauth\n';
    expect(values(text, { column: 3 })).toEqual(['ipv4:96.242.156.153']);
  });

  it('asks for the column', () => {
    const result = parseFeed(feodo, options);
    expect(result.problems[0]?.reason).toMatch(/needs its value column/);
  });
});

describe('JSON lines', () => {
  it('reads DROP and ASN-DROP records', () => {
    const text = [
      '{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}',
      '{"asn":932,"rir":"arin","domain":"xn.net"}',
      '{"type":"metadata","timestamp":1708000000,"records":2}',
      '{"cidr":',
    ].join('\n');
    const result = parseFeed(text, options);
    expect(result.indicators.map((i) => i.value)).toEqual([
      '1.10.16.0/20',
      'as932',
    ]);
    expect(result.skipped).toEqual({ 'metadata record': 1 });
    expect(result.problems[0]?.line).toBe(4);
  });
});

describe('STIX patterns', () => {
  it('splits OR at both levels', () => {
    const result = parseStixPattern(
      "[domain-name:value = 'a.example' OR ipv4-addr:value = '192.0.2.1'] OR [url:value = 'http://b.example/x']",
    );
    expect(result).toEqual({
      ok: true,
      comparisons: [
        { path: 'domain-name:value', value: 'a.example' },
        { path: 'ipv4-addr:value', value: '192.0.2.1' },
        { path: 'url:value', value: 'http://b.example/x' },
      ],
    });
  });

  it('reads IN, ISSUBSET, quoted paths and escapes', () => {
    const result = parseStixPattern(
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24' OR file:hashes.'SHA-256' IN ('aa', 'b\\'c')]",
    );
    expect(result).toMatchObject({
      ok: true,
      comparisons: [
        { path: 'ipv4-addr:value', value: '198.51.100.0/24' },
        { path: "file:hashes.'SHA-256'", value: 'aa' },
        { path: "file:hashes.'SHA-256'", value: "b'c" },
      ],
    });
  });

  it.each([
    [
      "[ipv4-addr:value = '1.2.3.4' AND domain-name:value = 'x.example']",
      'AND',
    ],
    [
      "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [url:value = 'x']",
      'FOLLOWEDBY',
    ],
    ["[ipv4-addr:value = '1.2.3.4'] WITHIN 300 SECONDS", 'WITHIN'],
    ["[ipv4-addr:value != '1.2.3.4']", 'operator !='],
    ["[url:value MATCHES '^x']", 'MATCHES'],
    ["[ipv4-addr:value = '1.2.3.4'", 'expected ]'],
    ["[ipv4-addr:value = '1.2.3.4]", 'unterminated'],
  ])('rejects %s', (pattern, reason) => {
    const result = parseStixPattern(pattern);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});

describe('STIX bundles', () => {
  const indicator = (fields: object) => ({
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${Math.random()}`,
    pattern_type: 'stix',
    ...fields,
  });

  it('maps categories and skips revoked, expired and benign', () => {
    const bundle = {
      type: 'bundle',
      objects: [
        indicator({ pattern: "[ipv4-addr:value = '192.0.2.1']" }),
        indicator({
          indicator_types: ['anonymization'],
          pattern: "[ipv4-addr:value = '192.0.2.2']",
        }),
        indicator({
          revoked: true,
          pattern: "[ipv4-addr:value = '192.0.2.3']",
        }),
        indicator({
          valid_until: '2020-01-01T00:00:00Z',
          pattern: "[ipv4-addr:value = '192.0.2.4']",
        }),
        indicator({
          indicator_types: ['benign'],
          pattern: "[ipv4-addr:value = '192.0.2.5']",
        }),
        indicator({ pattern_type: 'sigma', pattern: 'title: x' }),
        { type: 'malware', id: 'malware--1' },
      ],
    };
    const result = parseFeed(JSON.stringify(bundle, null, 2), options);
    expect(result.indicators.map((i) => `${i.category}:${i.value}`)).toEqual([
      'malicious:192.0.2.1',
      'anonymizing-proxy:192.0.2.2',
    ]);
    expect(result.skipped).toEqual({
      'revoked indicator': 1,
      'expired indicator': 1,
      'benign indicator': 1,
      'malware object': 1,
    });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.reason).toBe(
      'pattern_type "sigma" is not supported',
    );
    expect(result.problems[0]?.line).toBeGreaterThan(40);
  });

  it('reports invalid JSON', () => {
    const result = parseFeed('{\n "type": "bundle",\n "objects": [,]\n}', {
      ...options,
      format: 'stix',
    });
    expect(result.indicators).toEqual([]);
    expect(result.problems[0]?.reason).toMatch(/^invalid JSON: /);
  });
});

describe('MISP events', () => {
  const event = {
    Event: {
      Attribute: [
        { uuid: 'a1', type: 'ip-dst', to_ids: true, value: '192.0.2.10' },
        {
          uuid: 'a2',
          type: 'ip-src|port',
          to_ids: true,
          value: '2001:db8::5|443',
        },
        {
          uuid: 'a3',
          type: 'domain|ip',
          to_ids: true,
          value: 'c2.example|192.0.2.11',
        },
        { uuid: 'a4', type: 'ip-dst', to_ids: false, value: '192.0.2.12' },
        {
          uuid: 'a5',
          type: 'ip-dst',
          to_ids: true,
          deleted: true,
          value: '192.0.2.13',
        },
        {
          uuid: 'a6',
          type: 'filename|sha256',
          to_ids: true,
          value: `x.exe|${'c'.repeat(64)}`,
        },
        { uuid: 'a7', type: 'comment', to_ids: false, value: 'text' },
        { uuid: 'a8', type: 'md5', to_ids: true, value: 'nothex' },
      ],
      Object: [
        {
          name: 'domain-ip',
          Attribute: [
            {
              uuid: 'o1',
              type: 'hostname',
              to_ids: true,
              value: 'x.c2.example',
            },
          ],
        },
      ],
    },
  };

  it('reads attributes marked for detection, composite ones too', () => {
    const result = parseFeed(JSON.stringify(event, null, 1), options);
    expect(result.indicators.map((i) => `${i.type}:${i.value}`)).toEqual([
      'ipv4:192.0.2.10',
      'ipv6:2001:db8::5',
      'domain:c2.example',
      'ipv4:192.0.2.11',
      `sha256:${'c'.repeat(64)}`,
      'domain:x.c2.example',
    ]);
    expect(result.skipped).toEqual({
      'attribute not for detection': 1,
      'deleted attribute': 1,
      'comment attribute': 1,
    });
    expect(result.problems).toEqual([
      { line: 48, reason: 'invalid md5 hash: "nothex"' },
    ]);
  });
});

describe('detectFeedFormat', () => {
  it.each([
    ['# x\n1.2.3.4\n', 'plain'],
    ['"a","b"\n', 'csv'],
    ['{"cidr":"1.2.3.0/24"}\n', 'json-lines'],
    ['{"type": "bundle", "objects": []}', 'stix'],
    ['{"Event": {}}', 'misp'],
  ])('detects %j as %s', (text, format) => {
    expect(detectFeedFormat(text)).toBe(format);
  });
});
