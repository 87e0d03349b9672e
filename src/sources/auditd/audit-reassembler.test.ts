import { describe, expect, it } from 'vitest';
import { AuditReassembler } from './audit-reassembler.js';
import type { AuditRecord } from './audit-record.js';
import { parseAuditLine } from './parse-audit-line.js';

function record(serial: number, type = 'EOE'): AuditRecord {
  const parsed = parseAuditLine(
    `type=${type} msg=audit(1700000000.000:${serial}): `,
    serial,
  );
  if (!('type' in parsed)) throw new Error(parsed.reason);
  return parsed;
}

describe('AuditReassembler emitted serials', () => {
  it('counts a recent serial as late', () => {
    const reassembler = new AuditReassembler(() => {});
    for (let serial = 1; serial <= 5000; serial++) {
      reassembler.push(record(serial, 'PROCTITLE'));
    }
    reassembler.push(record(4999, 'CWD'));
    expect(reassembler.stats.late).toBe(1);
  });

  it('forgets serials beyond the last 4096', () => {
    const emitted: number[] = [];
    const reassembler = new AuditReassembler((event) =>
      emitted.push(event.serial),
    );
    for (let serial = 1; serial <= 5000; serial++) {
      reassembler.push(record(serial, 'PROCTITLE'));
    }
    // Serial 905 is the oldest of the last 4096; 904 is forgotten.
    reassembler.push(record(905, 'CWD'));
    expect(reassembler.stats.late).toBe(1);
    reassembler.push(record(904, 'PROCTITLE'));
    expect(reassembler.stats.late).toBe(1);
    expect(emitted.at(-1)).toBe(904);
  });

  it('keys events of several nodes apart', () => {
    const emitted: string[] = [];
    const reassembler = new AuditReassembler((event) =>
      emitted.push(`${event.node}:${event.serial}:${event.records.length}`),
    );
    const on = (node: string, type: string) => {
      const parsed = parseAuditLine(
        `node=${node} type=${type} msg=audit(1700000000.000:9): `,
        1,
      );
      if (!('type' in parsed)) throw new Error(parsed.reason);
      return parsed;
    };
    reassembler.push(on('a', 'SYSCALL'));
    reassembler.push(on('b', 'SYSCALL'));
    reassembler.push(on('a', 'PROCTITLE'));
    reassembler.push(on('b', 'PROCTITLE'));
    expect(emitted).toEqual(['a:9:2', 'b:9:2']);
  });
});
