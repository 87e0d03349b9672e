import type { Writable } from 'node:stream';
import type { Alert } from '../alerts/alert.js';
import { jsonLine } from '../cli/safe-text.js';
import type { HostEvent } from '../sources/event.js';
import type { AlertUploader } from './alert-uploader.js';
import type { Spool } from './spool.js';

/**
 * Where the agent's alerts and, optionally, events go: JSON lines on a
 * stream (stdout for `--output -`) and the spool that the uploader
 * drains. JSON.stringify escapes control characters, so hostile command
 * lines cannot drive a terminal that shows the output. An alert's line
 * carries `update`: false when it opens, true when it is sent again
 * with its final count, so a reader can tell a repeat of an id apart.
 */
export class AlertSink {
  alerts = 0;
  events = 0;

  constructor(
    private readonly output: Writable | undefined,
    private readonly printEvents: boolean,
    private readonly spool: Spool | undefined,
    private readonly uploader: AlertUploader | undefined,
  ) {}

  /**
   * Sends one alert: new, or with `update` its final count. The spool
   * gets the alert without `update`, since the server stores it by id.
   */
  alert(alert: Alert, update: boolean): void {
    this.alerts++;
    this.output?.write(`${jsonLine({ ...alert, update })}\n`);
    if (this.spool) {
      this.spool.append(alert);
      this.uploader?.wake();
    }
  }

  /** Prints one normalized event when events are requested. */
  event(event: HostEvent): void {
    if (!this.output || !this.printEvents) return;
    this.events++;
    this.output.write(`${jsonLine(event)}\n`);
  }
}
