import { commandsOf } from './command-list.js';
import { downloadsOf } from './download-list.js';
import type { ViewFunction } from './view-registry.js';

/**
 * The views of process telemetry that node rules read:
 * - `commands`: every command the process runs, its shell script's
 *   commands included, each with `name`, `argv`, `line`, `next` and
 *   `pipedTo` (see commandsOf);
 * - `commandNames`: the `name` of each of those commands;
 * - `downloads`: the URLs that download commands among them fetch, each
 *   with `tool`, `url`, `host`, `port`, `output` and `pipedTo`.
 */
export const NODE_VIEWS: ReadonlyArray<[string, ViewFunction]> = [
  ['commands', (e) => commandsOf(e)],
  ['commandNames', (e) => commandsOf(e).map((c) => c.name)],
  ['downloads', (e) => downloadsOf(commandsOf(e))],
];
