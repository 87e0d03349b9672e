import type { FlowEvent } from '../event.js';
import {
  JsonValueSplitter,
  type SplitValue,
} from '../k8s-audit/json-value-splitter.js';
import type { FlowProblem } from './flow-format.js';
import { type FlowParser, MAX_FLOW_VALUE_BYTES } from './flow-parser.js';

/** Reads one parsed JSON value of a flow log into `events`. */
export type FlowValueReader = (
  value: unknown,
  split: SplitValue,
  events: FlowEvent[],
) => void;

/**
 * Parses JSON flow logs in bounded memory: one value per line, a
 * top-level array split element by element, or a top-level object whose
 * `streamedKeys` member arrays are split the same way (Azure's
 * `{"records": […]}`). JsonValueSplitter finds the values, and each one
 * is parsed and handed to `read` with the line where it starts. A value
 * that is cut off or is not JSON is reported at that line.
 */
export class JsonFlowParser implements FlowParser {
  private events: FlowEvent[] = [];
  private readonly splitter: JsonValueSplitter;

  constructor(
    streamedKeys: ReadonlySet<string>,
    private readonly onProblem: (problem: FlowProblem) => void,
    private readonly read: FlowValueReader,
  ) {
    this.splitter = new JsonValueSplitter(
      MAX_FLOW_VALUE_BYTES,
      (split) => this.readSplit(split),
      (problem) =>
        onProblem({ line: problem.line ?? 1, reason: problem.reason }),
      1,
      streamedKeys,
    );
  }

  push(chunk: Buffer): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
  }

  drain(): FlowEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  private readSplit(split: SplitValue): void {
    if (split.cut) {
      this.onProblem({
        line: split.line,
        reason: 'incomplete JSON value: the input breaks off before it ends',
      });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(split.text);
    } catch (error) {
      this.onProblem({
        line: split.line,
        reason: `invalid JSON: ${(error as Error).message.slice(0, 120)}`,
      });
      return;
    }
    this.read(value, split, this.events);
  }
}
