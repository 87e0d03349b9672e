import { type ContainerEvent, type ContainerRef, UNKNOWN } from '../event.js';
import type { ContainerDetails } from './container-details.js';
import type { ContainerDirectory } from './container-directory.js';
import type { DockerApiClient } from './docker-api-client.js';
import { parseDockerEvent } from './parse-docker-event.js';

/** Cluster, node and runtime name of container events. */
export interface ContainerEventContext {
  cluster: string;
  node: string;
  /** `docker` or `podman`, as the inventory names the runtime. */
  engine: string;
}

/** Counters of the container collector. */
export interface ContainerCollectorStats {
  events: number;
  problems: number;
  inspectFailures: number;
  reconnects: number;
}

/** Builds the container reference that host events carry. */
export function containerRefOf(details: ContainerDetails): ContainerRef {
  return {
    id: details.id,
    name: details.name,
    image: details.image,
    privileged: details.privileged,
  };
}

/** Actions after which the container is gone, so inspect may fail. */
const GONE = new Set(['destroy', 'remove', 'delete']);
/** Actions that change what inspect shows. */
const CHANGES = new Set(['create', 'start', 'update', 'restart']);

/**
 * Builds a container event from a runtime event and the container's
 * details (inspect or cache); `details` undefined leaves the container's
 * settings as `unknown`.
 */
export function buildContainerEvent(
  action: string,
  detail: string,
  timeMs: number,
  containerId: string,
  details: ContainerDetails | undefined,
  context: ContainerEventContext,
): ContainerEvent {
  return {
    id: `runtime:${containerId.slice(0, 64)}:${timeMs}:${action}`,
    kind: 'container',
    time: new Date(timeMs).toISOString(),
    timeMs,
    cluster: context.cluster,
    node: context.node,
    container: details ? containerRefOf(details) : UNKNOWN,
    pod: details?.pod ?? UNKNOWN,
    origin: { format: 'docker-events' },
    truncated: details === undefined,
    runtime: {
      action,
      engine: context.engine,
      privileged: details?.privileged ?? UNKNOWN,
      capAdd: details?.capAdd ?? [],
      binds: details?.binds ?? [],
      pidMode: details?.pidMode ?? '',
      networkMode: details?.networkMode ?? '',
      ipcMode: details?.ipcMode ?? '',
      image: details?.image ?? UNKNOWN,
      user: details?.user ?? '',
      command:
        action === 'exec_start' && detail ? [detail] : (details?.command ?? []),
    },
  };
}

/**
 * Follows the runtime's `/events` stream and turns each container event
 * into a ContainerEvent with what inspect shows. The stream is reopened
 * after an error with a growing delay (up to 30 s) until `stop`.
 */
export class ContainerCollector {
  readonly stats: ContainerCollectorStats = {
    events: 0,
    problems: 0,
    inspectFailures: 0,
    reconnects: 0,
  };
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: DockerApiClient,
    private readonly directory: ContainerDirectory,
    private readonly context: ContainerEventContext,
    private readonly onEvent: (event: ContainerEvent) => void,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** Starts following events; returns once the stream is requested. */
  start(): void {
    this.running = this.loop();
  }

  /** Stops following and waits for events in progress. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.queue;
  }

  /** Handles one line of the events stream, in order of arrival. */
  handleLine(line: string): Promise<void> {
    this.queue = this.queue.then(() => this.handle(line));
    return this.queue;
  }

  private async loop(): Promise<void> {
    let delay = 500;
    while (!this.abort.signal.aborted) {
      try {
        await this.client.streamEvents(
          (line) => void this.handleLine(line),
          this.abort.signal,
          () => this.stats.problems++,
        );
        delay = 500;
      } catch (error) {
        this.onError(error);
      }
      if (this.abort.signal.aborted) return;
      this.stats.reconnects++;
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      delay = Math.min(delay * 2, 30_000);
    }
  }

  private async handle(line: string): Promise<void> {
    const event = parseDockerEvent(line);
    if (typeof event === 'string') {
      this.stats.problems++;
      return;
    }
    let details: ContainerDetails | undefined;
    try {
      details = CHANGES.has(event.action)
        ? await this.directory.refresh(event.containerId)
        : GONE.has(event.action)
          ? this.directory.known().find((d) => d.id === event.containerId)
          : await this.directory.get(event.containerId);
    } catch (error) {
      this.stats.inspectFailures++;
      this.onError(error);
    }
    this.stats.events++;
    this.onEvent(
      buildContainerEvent(
        event.action,
        event.detail,
        event.timeMs,
        details?.id ?? event.containerId,
        details,
        this.context,
      ),
    );
  }
}
