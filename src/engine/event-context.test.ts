import { describe, expect, it } from 'vitest';
import type { VigilEvent } from '../sources/event.js';
import { EventContext } from './event-context.js';
import type { IntelLookup } from './intel-lookup.js';
import { buildTestHostEvent } from './test-host-event.js';
import { VIEWS } from './views/index.js';

/** Lists each address under `listed-N`, N counting its lookups. */
function countingIntel(): IntelLookup & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    categoriesOf(value) {
      lookups.push(value);
      return [`listed-${lookups.filter((v) => v === value).length}`];
    },
    categories: () => new Set(),
  };
}

function event(id: string): VigilEvent {
  return buildTestHostEvent({ kind: 'process' }, id, 0);
}

describe('EventContext.categoriesOf', () => {
  it('looks each value up once per event', () => {
    const intel = countingIntel();
    const context = new EventContext(event('a'), VIEWS, intel);
    expect(context.categoriesOf('10.0.0.1')).toEqual(['listed-1']);
    expect(context.categoriesOf('10.0.0.2')).toEqual(['listed-1']);
    expect(context.categoriesOf('10.0.0.1')).toEqual(['listed-1']);
    expect(intel.lookups).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('looks values up again after reset', () => {
    const intel = countingIntel();
    const context = new EventContext(event('a'), VIEWS, intel);
    context.categoriesOf('10.0.0.1');
    context.reset(event('b'));
    expect(context.categoriesOf('10.0.0.1')).toEqual(['listed-2']);
  });

  it('looks up values past the fourth', () => {
    const intel = countingIntel();
    const context = new EventContext(event('a'), VIEWS, intel);
    const values = ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4', '5.5.5.5'];
    for (const value of values) context.categoriesOf(value);
    expect(context.categoriesOf('5.5.5.5')).toEqual(['listed-2']);
    expect(context.categoriesOf('4.4.4.4')).toEqual(['listed-1']);
  });
});
