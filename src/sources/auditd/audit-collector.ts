import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { HostEvent } from '../event.js';
import {
  AuditReassembler,
  type ReassemblerOptions,
  type ReassemblerStats,
} from './audit-reassembler.js';
import type { AuditLineProblem } from './audit-record.js';
import {
  type AuditEventContext,
  buildAuditHostEvent,
} from './build-audit-host-event.js';
import { isAuditLineProblem, parseAuditLine } from './parse-audit-line.js';

/** Counters of an audit collector. */
export interface AuditCollectorStats extends ReassemblerStats {
  records: number;
  problems: number;
  hostEvents: number;
}

/**
 * Turns audit.log lines into host events: parses each line, joins records
 * by serial and builds process, file and network events. Lines that
 * cannot be used go to `onProblem` with their line number; the stream
 * goes on.
 */
export class AuditCollector {
  private readonly reassembler: AuditReassembler;
  private records = 0;
  private problems = 0;
  private hostEvents = 0;

  constructor(
    private readonly context: AuditEventContext,
    private readonly onEvent: (event: HostEvent) => void,
    private readonly onProblem: (problem: AuditLineProblem) => void = () => {},
    options: ReassemblerOptions = {},
  ) {
    this.reassembler = new AuditReassembler((records) => {
      const event = buildAuditHostEvent(records, this.context);
      if (!event) return;
      this.hostEvents++;
      this.onEvent(event);
    }, options);
  }

  /** Counters so far. */
  get stats(): AuditCollectorStats {
    return {
      ...this.reassembler.stats,
      records: this.records,
      problems: this.problems,
      hostEvents: this.hostEvents,
    };
  }

  /** Parses one line of audit.log. Blank lines are ignored. */
  pushLine(text: string, line: number): void {
    if (text.trim() === '') return;
    const parsed = parseAuditLine(text, line);
    if (isAuditLineProblem(parsed)) {
      this.problems++;
      this.onProblem(parsed);
      return;
    }
    this.records++;
    this.reassembler.push(parsed);
  }

  /** Closes events that waited longer than the timeout. */
  expire(): void {
    this.reassembler.expire();
  }

  /** Closes every open event. */
  flush(): void {
    this.reassembler.flush();
  }

  /**
   * Reads a whole stream of audit lines, such as an audispd plugin's
   * standard input or a saved log, and flushes at its end.
   */
  async readStream(input: Readable): Promise<void> {
    const lines = createInterface({
      input,
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let line = 0;
    for await (const text of lines) this.pushLine(text, ++line);
    this.flush();
  }
}
