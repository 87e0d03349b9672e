import type { AuditRecord } from './audit-record.js';

/** Records of one audit event, in arrival order. */
export interface AuditEventRecords {
  node: string | undefined;
  serial: number;
  stamp: string;
  timeMs: number;
  records: AuditRecord[];
  /** True when the event was closed by a timeout or a full buffer. */
  forced: boolean;
}

/** Counts the reassembler keeps; none of them stops the stream. */
export interface ReassemblerStats {
  events: number;
  /** Serials skipped between consecutive events: lost events. */
  lostEvents: number;
  /** Lost records that auditd itself reported (`lost=` in DAEMON_*). */
  lostReported: number;
  /** Records whose serial is lower than one seen before them. */
  outOfOrder: number;
  /** Records for an event already emitted; they are dropped. */
  late: number;
  /** Events closed by the timeout instead of EOE or a later serial. */
  timedOut: number;
  /** Events closed early because the buffer was full. */
  evicted: number;
}

export interface ReassemblerOptions {
  /** Events held open at once; the oldest is closed when one more comes. */
  maxOpenEvents?: number;
  /** Records kept per event; later ones are dropped. */
  maxRecordsPerEvent?: number;
  /** Milliseconds an event waits for more records. */
  timeoutMs?: number;
  /**
   * An event is complete when a record this many serials later arrives.
   * Shuffled logs deliver a record up to a few serials late.
   */
  reorderWindow?: number;
  now?: () => number;
}

interface OpenEvent extends AuditEventRecords {
  openedAt: number;
}

interface NodeSequence {
  maxSerial: number | undefined;
  lastEmitted: number | undefined;
  firstEmitted: number | undefined;
  emitted: Set<number>;
  /** The last REMEMBERED_SERIALS emitted serials, a ring from `next`. */
  emittedOrder: number[];
  next: number;
}

/** Userspace record types: each is a whole event (no EOE follows). */
const STANDALONE_PREFIXES = [
  'USER_',
  'DAEMON_',
  'CRED_',
  'ACCT_',
  'ADD_',
  'DEL_',
  'CHGRP_',
  'CHUSER_',
  'GRP_',
  'ROLE_',
  'SERVICE_',
  'SYSTEM_',
  'SOFTWARE_UPDATE',
  'ANOM_LOGIN_',
  'ANOM_ADD_',
  'ANOM_DEL_',
  'ANOM_MOD_',
  'VIRT_',
  'RESP_',
  'LABEL_',
  'TRUSTED_APP',
];

const HALF_RANGE = 2 ** 31;

/** Forward distance from `from` to `to` modulo 2^32; negative if behind. */
function serialDistance(from: number, to: number): number {
  const forward = (to - from + 2 ** 32) % 2 ** 32;
  return forward < HALF_RANGE ? forward : forward - 2 ** 32;
}

/** Results of `isStandalone` by record type; a few dozen types occur. */
const standaloneByType = new Map<string, boolean>();
const MAX_REMEMBERED_TYPES = 256;

function isStandalone(type: string): boolean {
  const known = standaloneByType.get(type);
  if (known !== undefined) return known;
  const standalone = STANDALONE_PREFIXES.some((prefix) =>
    type.startsWith(prefix),
  );
  // Types come from log lines, so the map is bounded.
  if (standaloneByType.size < MAX_REMEMBERED_TYPES) {
    standaloneByType.set(type, standalone);
  }
  return standalone;
}

/** Serials remembered per node to recognise late records. */
const REMEMBERED_SERIALS = 4096;

/**
 * Joins audit records into events by `(node, serial)`. An event is
 * complete at its EOE or PROCTITLE record (the kernel writes PROCTITLE
 * last, before EOE); at a record `reorderWindow` serials later; after
 * `timeoutMs`; or when the buffer is full.
 * Serials wrap at 2^32. Gaps, shuffled and late records are counted.
 */
export class AuditReassembler {
  readonly stats: ReassemblerStats = {
    events: 0,
    lostEvents: 0,
    lostReported: 0,
    outOfOrder: 0,
    late: 0,
    timedOut: 0,
    evicted: 0,
  };
  /**
   * Open events by `eventKey`: the serial alone for lines without `node=`,
   * which spares a string per record.
   */
  private readonly open = new Map<string | number, OpenEvent>();
  private readonly sequences = new Map<string, NodeSequence>();
  private readonly maxOpen: number;
  private readonly maxRecords: number;
  private readonly timeoutMs: number;
  private readonly window: number;
  private readonly now: () => number;

  constructor(
    private readonly emit: (event: AuditEventRecords) => void,
    options: ReassemblerOptions = {},
  ) {
    this.maxOpen = options.maxOpenEvents ?? 1024;
    this.maxRecords = options.maxRecordsPerEvent ?? 512;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.window = options.reorderWindow ?? 4;
    this.now = options.now ?? Date.now;
  }

  /** Adds one record, emitting every event it completes. */
  push(record: AuditRecord): void {
    const sequence = this.sequenceOf(record.node);
    if (sequence.emitted.has(record.serial)) {
      this.stats.late++;
      return;
    }
    if (
      sequence.maxSerial !== undefined &&
      serialDistance(sequence.maxSerial, record.serial) < 0
    ) {
      this.stats.outOfOrder++;
    } else {
      sequence.maxSerial = record.serial;
    }
    if (record.type.startsWith('DAEMON_')) this.countReportedLoss(record);

    const key =
      record.node === undefined
        ? record.serial
        : `${record.node}\u0000${record.serial}`;
    if (record.type === 'EOE') {
      const event = this.open.get(key);
      if (event) this.close(key, event, false);
      else this.markEmitted(record.node, record.serial);
      return;
    }

    let event = this.open.get(key);
    if (!event) {
      event = {
        node: record.node,
        serial: record.serial,
        stamp: record.stamp,
        timeMs: record.timeMs,
        records: [],
        forced: false,
        openedAt: this.now(),
      };
      this.open.set(key, event);
    }
    if (event.records.length < this.maxRecords) event.records.push(record);

    // The kernel writes PROCTITLE last, right before EOE, and auditd's
    // log mostly lacks EOE (auditd 3.0 on Debian 12), so PROCTITLE ends
    // a syscall event.
    if (isStandalone(record.type) || record.type === 'PROCTITLE') {
      this.close(key, event, false);
    }
    this.closeCompletedBefore(record);
    this.evictOverflow();
  }

  /** Closes events older than the timeout. Call it on a timer. */
  expire(): void {
    const limit = this.now() - this.timeoutMs;
    for (const [key, event] of this.open) {
      if (event.openedAt > limit) continue;
      this.stats.timedOut++;
      this.close(key, event, true);
    }
  }

  /** Closes every open event, as at the end of a file. */
  flush(): void {
    for (const [key, event] of [...this.open].sort((a, b) =>
      serialDistance(b[1].serial, a[1].serial),
    )) {
      this.close(key, event, false);
    }
  }

  private closeCompletedBefore(record: AuditRecord): void {
    for (const [key, event] of this.open) {
      if (event.node !== record.node) continue;
      const ahead = serialDistance(event.serial, record.serial);
      if (ahead <= 0) continue;
      if (ahead >= this.window) this.close(key, event, false);
    }
  }

  private evictOverflow(): void {
    while (this.open.size > this.maxOpen) {
      const [key, event] = this.open.entries().next().value as [
        string | number,
        OpenEvent,
      ];
      this.stats.evicted++;
      this.close(key, event, true);
    }
  }

  private close(key: string | number, event: OpenEvent, forced: boolean): void {
    this.open.delete(key);
    this.markEmitted(event.node, event.serial);
    this.stats.events++;
    this.emit({
      node: event.node,
      serial: event.serial,
      stamp: event.stamp,
      timeMs: event.timeMs,
      records: event.records,
      forced,
    });
  }

  private markEmitted(node: string | undefined, serial: number): void {
    const sequence = this.sequenceOf(node);
    sequence.firstEmitted ??= serial;
    if (sequence.lastEmitted !== undefined) {
      const gap = serialDistance(sequence.lastEmitted, serial);
      if (gap > 1) this.stats.lostEvents += gap - 1;
      // An event behind the newest one was counted in that gap as lost.
      if (
        gap < 0 &&
        this.stats.lostEvents > 0 &&
        serialDistance(sequence.firstEmitted, serial) > 0
      ) {
        this.stats.lostEvents--;
      }
    }
    if (
      sequence.lastEmitted === undefined ||
      serialDistance(sequence.lastEmitted, serial) > 0
    ) {
      sequence.lastEmitted = serial;
    }
    sequence.emitted.add(serial);
    // A ring rather than push and shift: shift moves the whole array.
    const order = sequence.emittedOrder;
    if (order.length < REMEMBERED_SERIALS) {
      order.push(serial);
      return;
    }
    const oldest = order[sequence.next] as number;
    if (oldest !== serial) sequence.emitted.delete(oldest);
    order[sequence.next] = serial;
    sequence.next = (sequence.next + 1) % REMEMBERED_SERIALS;
  }

  private countReportedLoss(record: AuditRecord): void {
    const lost = Number(record.fields.get('lost'));
    if (Number.isInteger(lost) && lost > 0) this.stats.lostReported += lost;
  }

  private sequenceOf(node: string | undefined): NodeSequence {
    const key = node ?? '';
    let sequence = this.sequences.get(key);
    if (!sequence) {
      sequence = {
        maxSerial: undefined,
        lastEmitted: undefined,
        firstEmitted: undefined,
        emitted: new Set(),
        emittedOrder: [],
        next: 0,
      };
      this.sequences.set(key, sequence);
    }
    return sequence;
  }
}
