import { type K8sAuditEvent, UNKNOWN } from '../event.js';
import type { AuditCollector, NormalizeContext } from './audit-collector.js';
import type { AuditFormat } from './audit-format.js';
import type { AuditProblem, AuditProblemCode } from './audit-problem.js';
import type { AuditReadStats } from './audit-read-stats.js';
import { JsonValueSplitter, type SplitValue } from './json-value-splitter.js';
import { normalizeInto } from './normalize-audit-value.js';
import { normalizeStreamedElement } from './normalize-streamed-element.js';
import { readPartialJson } from './read-partial-json.js';

/** An input that produced no event, for `FILE:LINE: reason` output. */
export interface AuditDiagnostic {
  file: string;
  line: number;
  reason: string;
  code: AuditProblemCode;
}

/** Settings shared by every value of one file. */
export interface AuditHandlerOptions {
  file: string;
  format: AuditFormat;
  defaultCluster: string | undefined;
  maxValueBytes: number;
  stats: AuditReadStats;
  onDiagnostic: ((diagnostic: AuditDiagnostic) => void) | undefined;
}

/**
 * Parses and normalizes the values of one file, counting them in the
 * stats and reporting every unusable one. Events wait in `drain` until
 * the reader yields them.
 */
export class AuditValueHandler {
  private readonly context: NormalizeContext;
  private readonly out: AuditCollector;

  constructor(private readonly options: AuditHandlerOptions) {
    this.context = {
      format: options.format,
      defaultCluster: options.defaultCluster ?? UNKNOWN,
      file: options.file,
      line: undefined,
      truncated: false,
    };
    // Skip counts go straight into the stats.
    this.out = { events: [], problems: [], skipped: options.stats.skipped };
  }

  /** Handles one line of a JSON-lines file. */
  handleLine(text: string, line: number): void {
    this.options.stats.values++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.handleInvalid(text, line, errorMessage(error));
      return;
    }
    this.context.line = line;
    const before = this.out.events.length;
    normalizeInto(value, this.context, this.out);
    this.collect(before);
  }

  /** Handles one value found by the document splitter. */
  handleSplit(split: SplitValue): void {
    if (split.cut) {
      this.options.stats.values++;
      this.salvage(
        split.text,
        split.line,
        'the value ends before its closing bracket',
      );
      return;
    }
    const envelope = split.envelope;
    if (envelope === undefined) {
      this.handleLine(split.text, split.line);
      return;
    }

    this.options.stats.values++;
    let element: unknown;
    try {
      element = JSON.parse(split.text);
    } catch (error) {
      this.report(
        'invalid-json',
        `invalid JSON: ${errorMessage(error)}`,
        split.line,
      );
      return;
    }
    this.context.line = split.line;
    const before = this.out.events.length;
    normalizeStreamedElement(
      envelope.key,
      envelope.index,
      element,
      envelope.members,
      this.context,
      this.out,
    );
    this.collect(before);
  }

  /** Reports a problem found outside of normalization. */
  report(code: AuditProblemCode, reason: string, line: number): void {
    const stats = this.options.stats;
    stats.skipped[code] = (stats.skipped[code] ?? 0) + 1;
    this.options.onDiagnostic?.({
      file: this.options.file,
      line,
      reason,
      code,
    });
  }

  /** Reports a problem from the document splitter. */
  reportProblem = (problem: AuditProblem): void => {
    this.report(problem.code, problem.reason, problem.line ?? 0);
  };

  /** Returns the events produced so far and clears the queue. */
  drain(): K8sAuditEvent[] {
    const events = this.out.events;
    if (events.length === 0) return events;
    this.out.events = [];
    return events;
  }

  private handleInvalid(text: string, line: number, message: string): void {
    // Several values on one line, as Firehose writes CloudWatch messages.
    if (message.includes('non-whitespace character after JSON')) {
      this.options.stats.values--;
      const splitter = new JsonValueSplitter(
        this.options.maxValueBytes,
        (value) => this.handleSplit(value),
        this.reportProblem,
        line,
      );
      splitter.push(Buffer.from(text));
      splitter.end();
      return;
    }
    this.salvage(text, line, message);
  }

  /** Keeps the complete members of a cut object when they still make an
   * event; otherwise reports the value. */
  private salvage(text: string, line: number, message: string): void {
    const partial = readPartialJson(text);
    if (partial === undefined || !partial.cut) {
      this.report('invalid-json', `invalid JSON: ${message}`, line);
      return;
    }

    const salvaged: AuditCollector = {
      events: [],
      problems: [],
      skipped: this.out.skipped,
    };
    this.context.line = line;
    this.context.truncated = true;
    normalizeInto(partial.members, this.context, salvaged);
    this.context.truncated = false;
    if (salvaged.events.length === 0) {
      const cause = salvaged.problems[0]?.reason ?? 'no audit event';
      this.report(
        'invalid-json',
        `invalid JSON: ${message}, and the cut value is unusable: ${cause}`,
        line,
      );
      return;
    }
    const before = this.out.events.length;
    for (const event of salvaged.events) this.out.events.push(event);
    this.collect(before);
  }

  /** Counts the events added since index `before` and reports problems. */
  private collect(before: number): void {
    const stats = this.options.stats;
    const events = this.out.events;
    stats.events += events.length - before;
    for (let i = before; i < events.length; i++) {
      if ((events[i] as K8sAuditEvent).truncated) stats.truncated++;
    }

    const problems = this.out.problems;
    if (problems.length === 0) return;
    for (const problem of problems) {
      this.report(problem.code, problem.reason, problem.line ?? 0);
    }
    this.out.problems = [];
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
