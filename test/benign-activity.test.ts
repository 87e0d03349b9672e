import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Alert } from '../src/alerts/alert.js';
import { normalizeTestEvent } from '../src/cli/normalize-test-event.js';
import { Engine } from '../src/engine/engine.js';
import { loadRulePack } from '../src/engine/load-rules.js';
import { defaultRulePackDir } from '../src/engine/rule-pack-dir.js';
import { testEventsOf } from '../src/engine/run-rule-tests.js';

const pack = loadRulePack(defaultRulePackDir());
const dir = new URL('./fixtures/benign/', import.meta.url);

interface BenignFile {
  events: { name: string; event: unknown }[];
}

const cases = readdirSync(dir)
  .filter((name) => name.endsWith('.yaml'))
  .flatMap((file) => {
    const content = parse(
      readFileSync(new URL(file, dir), 'utf8'),
    ) as BenignFile;
    return content.events.map(
      (entry) => [file, entry.name, entry.event] as const,
    );
  });

describe('ordinary platform activity', () => {
  it('has fixtures', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)('%s: %s raises nothing', (file, name, raw) => {
    const alerts: Alert[] = [];
    const engine = new Engine(pack, { onClose: (a) => alerts.push(a) });
    const id = `benign-${file}-${name}`;
    for (const event of testEventsOf(raw, id, 0, normalizeTestEvent)) {
      engine.process(event);
    }
    engine.flush();
    expect(alerts.map((a) => a.alertType)).toEqual([]);
  });
});
