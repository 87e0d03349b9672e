import type { FlowEvent } from '../event.js';

/**
 * Largest line or JSON value of a flow log, in bytes: an AWS record, a
 * GCP entry or an Azure record. A larger one is reported and skipped, so
 * that reading a file never keeps more than this of it.
 */
export const MAX_FLOW_VALUE_BYTES = 16 * 1024 * 1024;

/**
 * A flow log parser fed with the file's bytes chunk by chunk. It keeps at
 * most one line or JSON value of input and the events of the chunks not
 * yet drained.
 */
export interface FlowParser {
  /** Parse the next chunk of input. */
  push(chunk: Buffer): void;
  /** Parse what the input left open at its end. */
  end(): void;
  /** Take the events parsed since the last call. */
  drain(): FlowEvent[];
}

/** Parse a whole flow log held in memory, as tests and small inputs do. */
export function parseFlowText(parser: FlowParser, text: string): FlowEvent[] {
  parser.push(Buffer.from(text, 'utf8'));
  parser.end();
  return parser.drain();
}
