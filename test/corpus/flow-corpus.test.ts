import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.js';
import { loadRulePack } from '../../src/engine/load-rules.js';
import { defaultRulePackDir } from '../../src/engine/rule-pack-dir.js';
import type { IntelCategory } from '../../src/intel/categories.js';
import { IndicatorStoreBuilder } from '../../src/intel/indicator-store-builder.js';
import { testIndicator } from '../../src/intel/test-indicators.js';
import { scanFiles } from '../../src/scan/scan-files.js';
import { StaticAddressInventory } from '../../src/sources/flow/address-inventory.js';
import { AWS_DEFAULT_FIELDS } from '../../src/sources/flow/parse-aws-vpc-flow-log.js';
import { readFlowFile } from '../../src/sources/flow/read-flow-file.js';

function corpusDirectory(): string {
  const directory = process.env.VIGIL_CORPUS;
  if (directory === undefined || directory === '') {
    throw new Error('VIGIL_CORPUS is not set: set it to the corpus folder');
  }
  if (!existsSync(directory)) {
    throw new Error(`VIGIL_CORPUS folder not found: ${directory}`);
  }
  return directory;
}

const root = corpusDirectory();
const pack = loadRulePack(defaultRulePackDir());

// Remote addresses of the samples, listed as a feed would list them.
const FEED: [string, IntelCategory][] = [
  ['1.128.0.1', 'malicious'],
  ['13.67.143.117', 'malware-distribution'],
  ['94.102.49.190', 'malicious'],
  ['91.224.160.154', 'malicious'],
  ['42.119.146.95', 'malicious'],
  ['78.24.182.42', 'malicious'],
  ['203.0.113.0/24', 'mining-pool'],
  ['89.160.20.156', 'malicious'],
];
const intel = new IndicatorStoreBuilder()
  .addAll(FEED.map(([value, category]) => testIndicator(value, category)))
  .build();
const inventory = new StaticAddressInventory([
  { address: '10.1.0.4', node: 'aks-nodepool1-0' },
  { address: '10.5.16.4', node: 'aks-nodepool1-1' },
]);

const V5_FIELDS = [
  ...AWS_DEFAULT_FIELDS,
  ...'vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path'.split(
    ' ',
  ),
];

async function scan(file: string, awsFields?: readonly string[]) {
  const alerts: Alert[] = [];
  const problems: string[] = [];
  const summary = await scanFiles([join(root, file)], {
    pack,
    intel,
    inventory,
    awsFields,
    onDiagnostic: (d) => problems.push(`${d.line}: ${d.reason}`),
    onAlert: (alert) => alerts.push(alert),
  });
  return { alerts, problems, summary };
}

function pairs(alerts: Alert[]) {
  return alerts
    .map((a) => `${a.entities.sourceIPs?.join('>')} x${a.count}`)
    .sort();
}

describe('flow log corpus', () => {
  it.each([
    ['nsg-flow/elastic-test-nsg.log', 'azure-nsg', 1],
    ['nsg-flow/msdocs-nsg-flow-v1-PT1H.json', 'azure-nsg', 12],
    ['nsg-flow/msdocs-nsg-flow-v2-PT1H.json', 'azure-nsg', 11],
    ['vpc-flow/elastic-test-extra-samples.log', 'aws-vpc', 5],
  ])('%s parses every flow', async (file, format, flows) => {
    const problems: string[] = [];
    const result = await readFlowFile(join(root, file), {
      onProblem: (p) => problems.push(p.reason),
    });
    expect(result.format).toBe(format);
    expect(result.events).toHaveLength(flows);
    expect(problems).toEqual([]);
  });

  it('reads the v5 record with its field order', async () => {
    const result = await readFlowFile(
      join(root, 'vpc-flow/elastic-test-v5-all-fields.log'),
      { awsFields: V5_FIELDS },
    );
    expect(result.events).toHaveLength(1);
    expect(result.events[0]?.flow).toMatchObject({
      srcAddress: '89.160.20.156',
      dstAddress: '10.200.0.80',
      protocol: 'udp',
      action: 'deny',
      direction: 'inbound',
      local: 'destination',
      resource: 'eni-069xxxxxb7a490',
    });
  });

  it('raises for the allowed flow of the Elastic NSG sample', async () => {
    const { alerts } = await scan('nsg-flow/elastic-test-nsg.log');
    expect(pairs(alerts)).toEqual(['1.128.0.0>1.128.0.1 x1']);
  });

  it('raises for allowed RDP and not for denied scans', async () => {
    const { alerts } = await scan('nsg-flow/msdocs-nsg-flow-v1-PT1H.json');
    expect(pairs(alerts)).toEqual(['91.224.160.154>10.1.0.4 x2']);
    expect(alerts[0]?.entities.node).toBe('aks-nodepool1-0');
    expect(alerts[0]?.alertType).toBe('NET_MaliciousServerCommunication');
  });

  it('raises for outbound traffic to a listed server', async () => {
    const { alerts } = await scan('nsg-flow/msdocs-nsg-flow-v2-PT1H.json');
    expect(pairs(alerts)).toEqual(['10.5.16.4>13.67.143.117 x1']);
    expect(alerts[0]?.entities.node).toBe('aks-nodepool1-1');
    expect(alerts[0]?.description).toContain('13.67.143.117');
  });

  it('raises for accepted VPC flows and the rejected reply', async () => {
    const { alerts, summary } = await scan(
      'vpc-flow/elastic-test-extra-samples.log',
    );
    expect(pairs(alerts)).toEqual([
      '172.31.16.139>203.0.113.12 x1',
      '203.0.113.12>172.31.16.139 x1',
      '78.24.182.42>158.109.0.1 x1',
    ]);
    expect(summary.skipped).toEqual({ 'aws NODATA': 1, 'aws SKIPDATA': 1 });
  });

  it('raises nothing for the denied inbound v5 record', async () => {
    const { alerts, problems } = await scan(
      'vpc-flow/elastic-test-v5-all-fields.log',
      V5_FIELDS,
    );
    expect(problems).toEqual([]);
    expect(alerts).toEqual([]);
  });
});
