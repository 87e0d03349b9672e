import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { type FlowEvent, UNKNOWN } from '../event.js';
import { openAuditInput } from '../k8s-audit/open-audit-input.js';
import type { AddressInventory } from './address-inventory.js';
import { attributeFlow } from './attribute-flow.js';
import { detectFlowFormat } from './detect-flow-format.js';
import type { FlowFormat, FlowParseStats, FlowProblem } from './flow-format.js';
import type { FlowParser } from './flow-parser.js';
import { AwsVpcFlowParser } from './parse-aws-vpc-flow-log.js';
import { createAzureFlowParser } from './parse-azure-flow-log.js';
import { createGcpVpcFlowParser } from './parse-gcp-vpc-flow-log.js';

/** Bytes read to detect a format. */
const SNIFF_BYTES = 64 * 1024;

function isGzip(buffer: Buffer): boolean {
  return buffer.length >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
}

/** Settings for reading one flow log. */
export interface FlowReadOptions {
  /** readFlowFile only: the format, which is otherwise detected. */
  format?: FlowFormat;
  cluster?: string;
  /** AWS only: the field order of a custom format without a header. */
  awsFields?: readonly string[];
  inventory?: AddressInventory;
  /**
   * Largest input read, in bytes after decompression; reading throws
   * past it. Unset, a file of any size is read.
   */
  maxBytes?: number;
  /** Counts of flows and skipped entries, filled while reading. */
  stats?: FlowParseStats;
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
 * Read a flow log (gzip or not, `-` for standard input) in bounded
 * memory and yield its flow events chunk by chunk, each attributed
 * through the inventory. Entries it cannot use go to onProblem with
 * their line, and reading goes on. Throws when the file cannot be read,
 * its gzip stream is damaged or it is larger than `maxBytes`, which may
 * happen after earlier batches were yielded.
 */
export async function* readFlowBatches(
  file: string,
  format: FlowFormat,
  options: FlowReadOptions = {},
): AsyncGenerator<FlowEvent[]> {
  const parser = createFlowParser(file, format, options);
  let bytes = 0;
  let first = true;
  for await (let chunk of openAuditInput(file)) {
    if (first) {
      chunk = withoutByteOrderMark(chunk);
      first = false;
    }
    bytes += chunk.length;
    if (options.maxBytes !== undefined && bytes > options.maxBytes) {
      throw new Error(
        `flow log larger than ${options.maxBytes} bytes after decompression`,
      );
    }
    parser.push(chunk);
    const events = parser.drain();
    if (events.length > 0) yield attributed(events, options.inventory);
  }
  parser.end();
  const events = parser.drain();
  if (events.length > 0) yield attributed(events, options.inventory);
}

/**
 * Read a whole flow log with readFlowBatches and collect its events, for
 * tests and files known to be small. The format is `options.format`, or
 * detected from the first bytes. Throws as readFlowBatches does, and
 * when the file is not a flow log of a known format.
 */
export async function readFlowFile(
  file: string,
  options: FlowReadOptions = {},
): Promise<FlowReadResult> {
  const format = options.format ?? (await sniffFlowFormat(file));
  if (!format) throw new Error('not a flow log of a known format');

  const stats = options.stats ?? { flows: 0, skipped: {} };
  let problems = 0;
  const events: FlowEvent[] = [];
  const batches = readFlowBatches(file, format, {
    ...options,
    stats,
    onProblem(problem) {
      problems++;
      options.onProblem?.(problem);
    },
  });
  for await (const batch of batches) events.push(...batch);
  return { format, events, stats, problems };
}

function createFlowParser(
  file: string,
  format: FlowFormat,
  options: FlowReadOptions,
): FlowParser {
  const common = {
    file,
    cluster: options.cluster ?? UNKNOWN,
    stats: options.stats ?? { flows: 0, skipped: {} },
    onProblem(problem: FlowProblem) {
      options.onProblem?.({ file, ...problem });
    },
  };
  if (format === 'aws-vpc') {
    return new AwsVpcFlowParser({ ...common, fields: options.awsFields });
  }
  if (format === 'gcp-vpc') return createGcpVpcFlowParser(common);
  return createAzureFlowParser(common);
}

function attributed(
  events: FlowEvent[],
  inventory: AddressInventory | undefined,
): FlowEvent[] {
  for (const event of events) attributeFlow(event, inventory);
  return events;
}

function withoutByteOrderMark(chunk: Buffer): Buffer {
  const bom = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
  return bom ? chunk.subarray(3) : chunk;
}
