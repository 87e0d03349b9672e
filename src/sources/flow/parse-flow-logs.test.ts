import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../event.js';
import { StaticAddressInventory } from './address-inventory.js';
import { attributeFlow, isPrivateAddress } from './attribute-flow.js';
import { detectFlowFormat } from './detect-flow-format.js';
import type { FlowParseStats, FlowProblem } from './flow-format.js';
import { parseAwsVpcFlowLog } from './parse-aws-vpc-flow-log.js';
import { parseAzureFlowLog } from './parse-azure-flow-log.js';
import { parseGcpVpcFlowLog } from './parse-gcp-vpc-flow-log.js';

function harness() {
  const problems: FlowProblem[] = [];
  const stats: FlowParseStats = { flows: 0, skipped: {} };
  return {
    problems,
    stats,
    options: {
      file: 'test.log',
      cluster: 'prod',
      stats,
      onProblem: (p: FlowProblem) => problems.push(p),
    },
  };
}

const nsgV2 = JSON.stringify(
  {
    records: [
      {
        time: '2018-11-13T12:00:35.3899262Z',
        category: 'NetworkSecurityGroupFlowEvent',
        resourceId: '/SUBSCRIPTIONS/X/NETWORKSECURITYGROUPS/WEB-NSG',
        properties: {
          Version: 2,
          flows: [
            {
              rule: 'DefaultRule_DenyAllInBound',
              flows: [
                {
                  mac: '000D3AF87856',
                  flowTuples: [
                    '1542110402,94.102.49.190,10.5.16.4,28746,443,U,I,D,B,,,,',
                    '1542110379,10.5.16.4,13.67.143.117,59932,443,T,O,A,E,1,66,1,66',
                    '1542110379,10.5.16.4,13.67.143.117,59932,443,X,O,A,E,1,66,1,66',
                    '1542110379,10.5.16.4,13.67.143.117,59932',
                    '1542110379,10.5.16.999,13.67.143.117,1,2,T,O,A,E,1,66,1,66',
                  ],
                },
              ],
            },
          ],
        },
      },
    ],
  },
  null,
  2,
);

describe('parseAzureFlowLog', () => {
  it('reads NSG version 2 tuples with counters', () => {
    const { options, problems } = harness();
    const [denied, allowed] = parseAzureFlowLog(nsgV2, options);
    expect(denied?.flow).toEqual({
      provider: 'azure-nsg',
      srcAddress: '94.102.49.190',
      dstAddress: '10.5.16.4',
      srcPort: 28746,
      dstPort: 443,
      protocol: 'udp',
      protocolNumber: 17,
      action: 'deny',
      direction: 'inbound',
      local: 'destination',
      resource: '/SUBSCRIPTIONS/X/NETWORKSECURITYGROUPS/WEB-NSG',
      rule: 'DefaultRule_DenyAllInBound',
    });
    expect(denied?.time).toBe('2018-11-13T12:00:02.000Z');
    expect(denied?.cluster).toBe('prod');
    expect(allowed?.flow).toMatchObject({
      action: 'allow',
      direction: 'outbound',
      local: 'source',
      packets: 2,
      bytes: 132,
    });
    expect(problems.map((p) => p.reason)).toEqual([
      'unknown protocol "X"',
      'NSG version 2 tuple has 4 fields, expected 13',
      'invalid source or destination address',
    ]);
  });

  it('reports each bad tuple at its own line', () => {
    const { options, problems } = harness();
    parseAzureFlowLog(nsgV2, options);
    const lines = nsgV2.split('\n');
    for (const problem of problems) {
      expect(lines[problem.line - 1]).toContain('1542110379');
    }
    expect(new Set(problems.map((p) => p.line)).size).toBe(3);
  });

  it('reads version 1 records one per line', () => {
    const record = {
      resourceId: 'NSG1',
      properties: {
        Version: 1,
        flows: [
          {
            rule: 'UserRule_default-allow-rdp',
            flows: [
              {
                flowTuples: [
                  '1487282370,163.28.66.17,10.1.0.4,61771,3389,T,I,A',
                ],
              },
            ],
          },
        ],
      },
    };
    const { options, problems } = harness();
    const text = `${JSON.stringify(record)}\nnot json\n`;
    const events = parseAzureFlowLog(text, options);
    expect(events.map((e) => e.flow.dstPort)).toEqual([3389]);
    expect(events[0]?.flow.bytes).toBeUndefined();
    expect(problems[0]?.line).toBe(2);
  });

  it('reads VNet flow records', () => {
    const record = {
      time: '2022-09-14T09:00:52.5625085Z',
      flowLogVersion: 4,
      category: 'FlowLogFlowEvent',
      targetResourceID: '/SUBSCRIPTIONS/X/VIRTUALNETWORKS/AKS-VNET',
      flowRecords: {
        flows: [
          {
            aclID: '00000000-1234-abcd-ef00-c1c2c3c4c5c6',
            flowGroups: [
              {
                rule: 'DefaultRule_AllowInternetOutBound',
                flowTuples: [
                  '1663146003599,10.0.0.6,192.0.2.180,23956,443,6,O,B,NX,0,0,0,0',
                  '1663146003606,10.0.0.6,192.0.2.180,23956,443,6,O,E,NX,3,767,2,1580',
                  '1663146004000,198.51.100.3,10.0.0.6,4444,22,6,I,D,NX,1,60,0,0',
                ],
              },
            ],
          },
        ],
      },
    };
    const { options } = harness();
    const events = parseAzureFlowLog(
      JSON.stringify({ records: [record] }),
      options,
    );
    expect(events.map((e) => [e.flow.action, e.flow.bytes])).toEqual([
      ['allow', 0],
      ['allow', 2347],
      ['deny', 60],
    ]);
    expect(events[0]?.time).toBe('2022-09-14T09:00:03.599Z');
    expect(events[0]?.flow.provider).toBe('azure-vnet');
  });

  it('gives equal tuples equal ids', () => {
    const a = parseAzureFlowLog(nsgV2, harness().options);
    const b = parseAzureFlowLog(nsgV2, harness().options);
    expect(a.map((e) => e.id)).toEqual(b.map((e) => e.id));
    expect(a[0]?.id).not.toBe(a[1]?.id);
  });
});

describe('parseAwsVpcFlowLog', () => {
  const lines = [
    '2 123456789010 eni-1235b8ca123456789 2001:DB8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK',
    '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA',
    '2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA',
    '2 123456789010 eni-1235b8ca123456789 78.24.182.42 158.109.0.1 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK',
    '2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917142 ACCEPT OK',
    '2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0',
  ];

  it('reads the default format and counts NODATA and SKIPDATA', () => {
    const { options, problems, stats } = harness();
    const events = parseAwsVpcFlowLog(lines.join('\n'), options);
    expect(events.map((e) => e.flow.srcAddress)).toEqual([
      '2001:db8:1234:a100:8d6e:3477:df66:f105',
      '78.24.182.42',
      '203.0.113.12',
    ]);
    expect(events[1]?.flow).toMatchObject({
      action: 'deny',
      direction: 'unknown',
      local: 'unknown',
      dstPort: 3389,
      bytes: 4249,
      packets: 20,
      resource: 'eni-1235b8ca123456789',
    });
    expect(events[2]?.flow.protocol).toBe('icmp');
    expect(events[1]?.time).toBe('2014-12-14T04:06:50.000Z');
    expect(stats.skipped).toEqual({ 'aws NODATA': 1, 'aws SKIPDATA': 1 });
    expect(problems).toEqual([
      { line: 6, reason: 'record has 7 fields, expected 14' },
    ]);
  });

  it('follows a header line and prefers packet addresses', () => {
    const text = [
      'version srcaddr dstaddr pkt-srcaddr pkt-dstaddr srcport dstport protocol start action log-status flow-direction',
      '5 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5 45000 443 6 1700000000 ACCEPT OK egress',
    ].join('\n');
    const { options } = harness();
    const [event] = parseAwsVpcFlowLog(text, options);
    expect(event?.flow).toMatchObject({
      dstAddress: '203.0.113.5',
      direction: 'outbound',
      local: 'source',
      resource: 'unknown',
    });
  });

  it('takes a custom field order', () => {
    const { options } = harness();
    const [event] = parseAwsVpcFlowLog(
      '203.0.113.5 10.0.0.1 1700000000 REJECT',
      {
        ...options,
        fields: ['srcaddr', 'dstaddr', 'start', 'action'],
      },
    );
    expect(event?.flow.action).toBe('deny');
  });
});

describe('parseGcpVpcFlowLog', () => {
  const entry = {
    insertId: 'x1',
    jsonPayload: {
      connection: {
        src_ip: '10.8.0.12',
        dest_ip: '198.51.100.20',
        src_port: 43512,
        dest_port: 3333,
        protocol: 6,
      },
      reporter: 'SRC',
      bytes_sent: '16384',
      packets_sent: '40',
      start_time: '2024-03-01T10:00:00.123Z',
      src_instance: { vm_name: 'gke-prod-pool-1-abcd', zone: 'europe-west1-b' },
      src_gke_details: {
        cluster: { cluster_name: 'prod-gke', cluster_location: 'europe-west1' },
        pod: { pod_name: 'miner-7f9', pod_namespace: 'default' },
      },
    },
    resource: {
      type: 'gce_subnetwork',
      labels: { subnetwork_name: 'default' },
    },
    timestamp: '2024-03-01T10:00:05Z',
  };

  it('reads an entry with GKE details', () => {
    const { options } = harness();
    const [event] = parseGcpVpcFlowLog(JSON.stringify(entry), {
      ...options,
      cluster: 'unknown',
    });
    expect(event?.flow).toMatchObject({
      srcAddress: '10.8.0.12',
      dstAddress: '198.51.100.20',
      dstPort: 3333,
      protocol: 'tcp',
      action: 'unknown',
      direction: 'outbound',
      local: 'source',
      bytes: 16384,
      packets: 40,
      resource: 'gke-prod-pool-1-abcd',
    });
    expect(event?.cluster).toBe('prod-gke');
    expect(event?.pod).toMatchObject({
      namespace: 'default',
      name: 'miner-7f9',
    });
    expect(event?.time).toBe('2024-03-01T10:00:00.123Z');
  });

  it('reads lines and reports entries without a connection', () => {
    const { options, problems } = harness();
    const text = `${JSON.stringify({ ...entry, jsonPayload: { ...entry.jsonPayload, reporter: 'DEST' } })}\n{"jsonPayload":{}}\n`;
    const events = parseGcpVpcFlowLog(text, options);
    expect(events[0]?.flow).toMatchObject({
      action: 'allow',
      direction: 'inbound',
    });
    expect(events[0]?.pod).toBe('unknown');
    expect(problems).toEqual([
      { line: 2, reason: 'entry has no jsonPayload.connection' },
    ]);
  });
});

describe('detectFlowFormat', () => {
  it.each([
    [
      '{"records":[{"properties":{"flows":[{"flows":[{"flowTuples":[]}]}]}}]}',
      'azure-nsg',
    ],
    [
      '{"records":[{"flowRecords":{"flows":[{"flowGroups":[{"flowTuples":[]}]}]}}]}',
      'azure-vnet',
    ],
    ['{"jsonPayload":{"connection":{"src_ip":"10.0.0.1"}}}', 'gcp-vpc'],
    ['2 123 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK', 'aws-vpc'],
    ['version account-id interface-id srcaddr dstaddr', 'aws-vpc'],
    ['{"kind":"Event","apiVersion":"audit.k8s.io/v1"}', undefined],
    ['type=SYSCALL msg=audit(1.0:1): arch=c000003e', undefined],
  ])('detects %s', (text, format) => {
    expect(detectFlowFormat(text)).toBe(format);
  });
});

describe('attributeFlow', () => {
  function flowEvent(src: string, dst: string): FlowEvent {
    const { options } = harness();
    const [event] = parseAwsVpcFlowLog(`${src} ${dst} 1700000000 ACCEPT`, {
      ...options,
      fields: ['srcaddr', 'dstaddr', 'start', 'action'],
    });
    if (!event) throw new Error('no event');
    return event;
  }

  it('names the node and pod of the inventoried side', () => {
    const inventory = new StaticAddressInventory([
      {
        address: '10.244.1.7',
        node: 'aks-node-1',
        namespace: 'web',
        pod: 'api-0',
      },
    ]);
    const event = flowEvent('203.0.113.5', '10.244.1.7');
    attributeFlow(event, inventory);
    expect(event.flow.local).toBe('destination');
    expect(event.node).toBe('aks-node-1');
    expect(event.pod).toMatchObject({ namespace: 'web', name: 'api-0' });
  });

  it('takes a lone private side as local', () => {
    const event = flowEvent('172.31.16.139', '203.0.113.12');
    attributeFlow(event, undefined);
    expect(event.flow.local).toBe('source');
    expect(event.node).toBe('unknown');
    const both = flowEvent('10.0.0.1', '10.0.0.2');
    attributeFlow(both, undefined);
    expect(both.flow.local).toBe('unknown');
  });

  it.each([
    ['10.1.2.3', true],
    ['172.31.255.255', true],
    ['172.32.0.0', false],
    ['100.64.0.1', true],
    ['fd12::1', true],
    ['2001:db8::1', false],
    ['8.8.8.8', false],
  ])('%s is private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});
