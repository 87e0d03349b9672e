import type { ProcessInfo, VigilEvent } from '../../sources/event.js';
import type { ViewFunction } from './view-registry.js';

function processOf(event: VigilEvent): ProcessInfo | undefined {
  return 'process' in event ? event.process : undefined;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The views of a host event:
 * - `commandLine`: the process's arguments joined with spaces;
 * - `exeName`: the base name of the executable's path;
 * - `ancestorNames`: the command names of its ancestors, nearest first;
 * - `ancestorExeNames`: the base names of their executables;
 * - `inContainer`: true when the event is attributed to a container.
 */
export const HOST_VIEWS: ReadonlyArray<[string, ViewFunction]> = [
  ['commandLine', (e) => processOf(e)?.argv.join(' ')],
  [
    'exeName',
    (e) => {
      const process = processOf(e);
      return process ? basename(process.exe) : undefined;
    },
  ],
  ['ancestorNames', (e) => processOf(e)?.ancestors.map((a) => a.name)],
  [
    'ancestorExeNames',
    (e) => processOf(e)?.ancestors.map((a) => basename(a.exe)),
  ],
  ['inContainer', (e) => e.container !== 'unknown'],
];
