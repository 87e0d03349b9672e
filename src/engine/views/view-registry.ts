import type { VigilEvent } from '../../sources/event.js';

/** Computes a derived value of an event, such as the pod spec it creates. */
export type ViewFunction = (event: VigilEvent) => unknown;

/** Named views that field paths may start with. */
export type ViewRegistry = ReadonlyMap<string, ViewFunction>;
