import { open, readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { type FlowEvent, UNKNOWN } from '../event.js';
import type { AddressInventory } from './address-inventory.js';
import { attributeFlow } from './attribute-flow.js';
import { detectFlowFormat } from './detect-flow-format.js';
import type { FlowFormat, FlowParseStats, FlowProblem } from './flow-format.js';
import { parseAwsVpcFlowLog } from './parse-aws-vpc-flow-log.js';
import { parseAzureFlowLog } from './parse-azure-flow-log.js';
import { parseGcpVpcFlowLog } from './parse-gcp-vpc-flow-log.js';

/** Largest flow log read at once, after decompression, in bytes. */
export const MAX_FLOW_FILE_BYTES = 256 * 1024 * 1024;
/** Bytes read to detect a format. */
const SNIFF_BYTES = 64 * 1024;

function isGzip(buffer: Buffer): boolean {
  return buffer.length >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
}

/** Settings for reading one flow log. */
export interface FlowReadOptions {
  format?: FlowFormat;
  cluster?: string;
  /** AWS only: the field order of a custom format without a header. */
  awsFields?: readonly string[];
  inventory?: AddressInventory;
  onProblem?: (problem: FlowProblem & { file: string }) => void;
}

/** The events of one flow log and what was counted reading it. */
export interface FlowReadResult {
  format: FlowFormat;
  events: FlowEvent[];
  stats: FlowParseStats;
  problems: number;
}

/**
 * Detect the flow format of a file from its first bytes, inflating gzip,
 * or return undefined when it is not a flow log.
 */
export async function sniffFlowFormat(
  file: string,
): Promise<FlowFormat | undefined> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    let head: Buffer = buffer.subarray(0, bytesRead);
    if (isGzip(head)) {
      // A cut gzip stream cannot be inflated to its end; inflate what
      // is there with the sync API's partial flush.
      try {
        head = gunzipSync(head, { finishFlush: 2 });
      } catch {
        return undefined;
      }
    }
    return detectFlowFormat(head.toString('utf8'));
  } finally {
    await handle.close();
  }
}

/**
 * Read a whole flow log (gzip or not) and parse it into flow events,
 * each attributed through the inventory. Throws when the file cannot be
 * read, is over MAX_FLOW_FILE_BYTES, or is not a flow log of a known
 * format; entries it cannot use go to onProblem.
 */
export async function readFlowFile(
  file: string,
  options: FlowReadOptions = {},
): Promise<FlowReadResult> {
  let buffer: Buffer = await readFile(file);
  if (isGzip(buffer)) {
    buffer = gunzipSync(buffer, { maxOutputLength: MAX_FLOW_FILE_BYTES });
  }
  if (buffer.length > MAX_FLOW_FILE_BYTES) {
    throw new Error(`flow log larger than ${MAX_FLOW_FILE_BYTES} bytes`);
  }
  const text = buffer.toString('utf8');
  const format = options.format ?? detectFlowFormat(text.slice(0, SNIFF_BYTES));
  if (!format) throw new Error('not a flow log of a known format');

  const stats: FlowParseStats = { flows: 0, skipped: {} };
  let problems = 0;
  const common = {
    file,
    cluster: options.cluster ?? UNKNOWN,
    stats,
    onProblem(problem: FlowProblem) {
      problems++;
      options.onProblem?.({ file, ...problem });
    },
  };
  const events =
    format === 'aws-vpc'
      ? parseAwsVpcFlowLog(text, { ...common, fields: options.awsFields })
      : format === 'gcp-vpc'
        ? parseGcpVpcFlowLog(text, common)
        : parseAzureFlowLog(text, common);
  for (const event of events) attributeFlow(event, options.inventory);
  return { format, events, stats, problems };
}
