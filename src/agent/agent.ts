import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { Alert } from '../alerts/alert.js';
import { Engine } from '../engine/engine.js';
import type { IntelLookup } from '../engine/intel-lookup.js';
import { loadRulePack, type RulePack } from '../engine/load-rules.js';
import { defaultRulePackDir } from '../engine/rule-pack-dir.js';
import { AuditCollector } from '../sources/auditd/audit-collector.js';
import { AuditLogFollower } from '../sources/auditd/follow-audit-log.js';
import { ContainerCollector } from '../sources/container-runtime/container-collector.js';
import { ContainerDirectory } from '../sources/container-runtime/container-directory.js';
import { DockerApiClient } from '../sources/container-runtime/docker-api-client.js';
import type { HostEvent } from '../sources/event.js';
import { ProcScanner } from '../sources/proc/proc-scanner.js';
import { ProcessTree } from '../sources/proc/process-tree.js';
import type { AgentConfig } from './agent-config.js';
import { AGENT_PATHS, type AgentIdentity } from './agent-protocol.js';
import { AlertSink } from './alert-sink.js';
import { AlertUploader } from './alert-uploader.js';
import { Attributor } from './attributor.js';
import { buildInventory } from './build-inventory.js';
import { combineIntel } from './combine-intel.js';
import { hostRulePack } from './host-rule-pack.js';
import { PulledCopy } from './pulled-copy.js';
import {
  intelFromDocument,
  rulePackFromDocument,
} from './rule-pack-document.js';
import { ServerClient } from './server-client.js';
import { Spool } from './spool.js';

/** Events waiting for attribution; more are dropped and counted. */
const MAX_QUEUED_EVENTS = 10_000;

/** Counters that heartbeats report. */
export interface AgentCounters {
  events: number;
  droppedEvents: number;
  alerts: number;
  [name: string]: number;
}

/**
 * The node agent. It collects host events from kernel audit, /proc and
 * the container runtime and attributes them to container, pod and
 * ancestry. It runs the host rules on them and sends the alerts to stdout
 * or through the spool to the server, with heartbeats and inventory.
 */
export class Agent {
  readonly counters: AgentCounters = { events: 0, droppedEvents: 0, alerts: 0 };
  private engine: Engine;
  private readonly tree: ProcessTree;
  private readonly runtime: DockerApiClient | undefined;
  private readonly directory: ContainerDirectory;
  private readonly attributor: Attributor;
  private readonly audit: AuditCollector;
  private readonly scanner: ProcScanner;
  private readonly sink: AlertSink;
  private readonly identity: AgentIdentity;
  private readonly server: ServerClient | undefined;
  private readonly spool: Spool | undefined;
  private readonly uploader: AlertUploader | undefined;
  private readonly pack: PulledCopy<RulePack> | undefined;
  private readonly intelCopy: PulledCopy<IntelLookup> | undefined;
  private follower: AuditLogFollower | undefined;
  private containers: ContainerCollector | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Events waiting for `drain`, oldest first, from `head` on. */
  private pending: HostEvent[] = [];
  private head = 0;
  /** The running drain, or a resolved promise when the queue is empty. */
  private queue: Promise<void> = Promise.resolve();
  private draining = false;
  private intel: IntelLookup;
  private readonly startedAt = new Date().toISOString();

  /**
   * `localIntel` is the intelligence of the `--intel` feed files, used
   * together with what the server sends.
   */
  constructor(
    private readonly config: AgentConfig,
    private readonly logger: Logger,
    output: Writable | undefined,
    private readonly localIntel?: IntelLookup,
  ) {
    this.identity = {
      cluster: config.cluster,
      node: config.node,
      agentVersion: '0.1.0',
    };
    this.tree = new ProcessTree(8192, config.procRoot);
    this.runtime = existsSync(config.runtimeSocket)
      ? new DockerApiClient(config.runtimeSocket)
      : undefined;
    this.directory = new ContainerDirectory(this.runtime);
    this.attributor = new Attributor(
      this.tree,
      this.directory,
      config.procRoot,
    );

    if (config.server && config.token) {
      this.server = new ServerClient(config.server, config.token);
      this.spool = new Spool(join(config.dataDir, 'spool'), {
        maxBytes: config.spoolMaxBytes,
      });
      this.uploader = new AlertUploader(
        this.spool,
        this.server,
        this.identity,
        logger,
      );
      this.pack = new PulledCopy(
        this.server,
        AGENT_PATHS.rulePack,
        config.dataDir,
        'rule-pack',
        (body) => hostRulePack(rulePackFromDocument(body)),
      );
      this.intelCopy = new PulledCopy(
        this.server,
        AGENT_PATHS.intel,
        config.dataDir,
        'intel',
        intelFromDocument,
      );
    }
    this.sink = new AlertSink(output, config.events, this.spool, this.uploader);

    const stored = this.pack?.loadStored();
    this.intel = combineIntel(this.intelCopy?.loadStored(), localIntel);
    this.engine = this.createEngine(
      stored ??
        hostRulePack(loadRulePack(config.rules ?? defaultRulePackDir())),
    );

    const context = { cluster: config.cluster, node: config.node };
    this.audit = new AuditCollector(
      context,
      (event) => this.enqueue(event),
      (problem) =>
        this.logger.debug(
          { line: problem.line, reason: problem.reason },
          'audit line skipped',
        ),
    );
    this.scanner = new ProcScanner(
      { ...context, procRoot: config.procRoot, connections: !config.audit },
      this.tree,
    );
  }

  /** Number of host rules in use. */
  get ruleCount(): number {
    return this.engine.pack.rules.length;
  }

  /** Starts every collector and timer. */
  async start(): Promise<void> {
    this.logger.info(
      {
        node: this.config.node,
        cluster: this.config.cluster,
        rules: this.ruleCount,
      },
      'agent starting',
    );
    await this.scanOnce();

    if (this.config.audit && this.config.auditLog !== '-') {
      this.follower = new AuditLogFollower(
        this.config.auditLog,
        (line, number) => this.audit.pushLine(line, number),
        {
          fromStart: this.config.auditFromStart,
          pollMs: this.config.auditPollMs,
        },
      );
      await this.follower.start();
    }
    if (this.runtime) {
      this.containers = new ContainerCollector(
        this.runtime,
        this.directory,
        { ...this.identity, engine: 'docker' },
        (event) => this.enqueue(event),
        (error) =>
          this.logger.warn({ err: error }, 'container runtime request failed'),
      );
      this.containers.start();
    }

    this.every(500, () => {
      this.audit.expire();
      this.engine.expire(Date.now());
    });
    this.every(this.config.scanIntervalMs, () => this.scanOnce());
    if (this.server) {
      this.every(this.config.heartbeatIntervalMs, () => this.sendHeartbeat());
      this.every(this.config.inventoryIntervalMs, () => this.sendInventory());
      this.every(this.config.syncIntervalMs, () => this.sync());
      void this.sync();
      void this.sendInventory();
      this.uploader?.wake();
    }
  }

  /** Reads an audisp plugin stream (or any audit text) to its end. */
  async readAuditStream(input: NodeJS.ReadableStream): Promise<void> {
    await this.audit.readStream(input as import('node:stream').Readable);
    await this.queue;
  }

  /** Stops collectors, closes open alerts and tries a last upload. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.follower?.stop();
    this.audit.flush();
    await this.containers?.stop();
    await this.queue;
    this.engine.flush();
    if (this.uploader) {
      await this.uploader.stop();
      await this.uploader.drain().catch(() => false);
    }
    this.spool?.close();
    this.logger.info({ counters: this.counters }, 'agent stopped');
  }

  /** Waits until every queued event has been evaluated. */
  async settle(): Promise<void> {
    await this.follower?.poll();
    await this.queue;
  }

  private createEngine(pack: RulePack): Engine {
    return new Engine(pack, {
      intel: this.intel,
      onClose: (alert) => {
        // The first occurrence was sent when the alert opened; send the
        // final count only if it grew.
        if (alert.count > 1) this.emit(alert, true);
      },
    });
  }

  private enqueue(event: HostEvent): void {
    if (this.pending.length - this.head >= MAX_QUEUED_EVENTS) {
      this.counters.droppedEvents++;
      return;
    }
    this.pending.push(event);
    if (!this.draining) {
      this.draining = true;
      this.queue = this.drain();
    }
  }

  /**
   * Handles queued events in order. Most events are handled synchronously
   * (host processes, containers already inspected), so a batch from one
   * log read costs one promise, not several per event; only a runtime
   * inspect waits.
   */
  private async drain(): Promise<void> {
    try {
      while (this.head < this.pending.length) {
        const event = this.pending[this.head] as HostEvent;
        this.head++;
        if (this.head >= 1024 && this.head * 2 >= this.pending.length) {
          // Events keep arriving while an inspect is awaited, so the drain
          // may not end for long; handled events are cut off the array.
          this.pending = this.pending.slice(this.head);
          this.head = 0;
        }
        try {
          const waiting = this.handle(event);
          if (waiting) await waiting;
        } catch (error) {
          this.logger.error(
            { err: error, eventId: event.id },
            'event handling failed',
          );
        }
      }
    } finally {
      this.pending = [];
      this.head = 0;
      this.draining = false;
    }
  }

  private handle(event: HostEvent): Promise<void> | undefined {
    this.counters.events++;
    if (event.kind === 'process' && event.origin.format === 'auditd') {
      this.scanner.markReported(event.process.pid);
    }
    const waiting = this.attributor.attributeNow(event);
    if (waiting) return waiting.then(() => this.evaluate(event));
    this.evaluate(event);
    return undefined;
  }

  private evaluate(event: HostEvent): void {
    this.sink.event(event);
    for (const alert of this.engine.process(event)) {
      if (alert.count === 1) this.emit(alert, false);
    }
  }

  private emit(alert: Alert, update: boolean): void {
    this.counters.alerts++;
    this.sink.alert(alert, update);
  }

  private async scanOnce(): Promise<void> {
    try {
      for (const event of await this.scanner.scanProcesses())
        this.enqueue(event);
      for (const event of await this.scanner.scanSockets()) this.enqueue(event);
    } catch (error) {
      this.logger.warn({ err: error }, 'proc scan failed');
    }
  }

  private async sync(): Promise<void> {
    // Each copy is refreshed on its own, so that a failing intelligence
    // download does not hold back a new rule pack.
    const pack = await this.refreshCopy(this.pack);
    const intel = await this.refreshCopy(this.intelCopy);
    if (intel) this.intel = combineIntel(intel, this.localIntel);
    if (!pack && !intel) return;
    this.engine.flush();
    this.engine = this.createEngine(pack ?? this.engine.pack);
    this.logger.info({ rules: this.ruleCount }, 'rule pack or intel updated');
  }

  private async refreshCopy<T>(
    copy: PulledCopy<T> | undefined,
  ): Promise<T | undefined> {
    try {
      return await copy?.refresh();
    } catch (error) {
      this.logger.warn(
        { err: error, copy: copy?.name },
        'refresh failed; keeping the last good copy',
      );
      return undefined;
    }
  }

  private async sendHeartbeat(): Promise<void> {
    const counters: Record<string, number> = {
      ...this.counters,
      ...prefixed('audit', this.audit.stats),
      ...prefixed('attribution', this.attributor.stats),
      spoolDropped: this.spool?.stats.dropped ?? 0,
      spoolBytes: this.spool?.stats.bytes ?? 0,
    };
    await this.server
      ?.post(AGENT_PATHS.heartbeat, {
        ...this.identity,
        time: new Date().toISOString(),
        startedAt: this.startedAt,
        counters,
      })
      .catch((error) => this.logger.warn({ err: error }, 'heartbeat failed'));
  }

  private async sendInventory(): Promise<void> {
    try {
      const inventory = await buildInventory(
        this.identity,
        this.runtime,
        this.directory,
        this.config.runtimeSocket,
      );
      await this.server?.post(AGENT_PATHS.inventory, inventory);
    } catch (error) {
      this.logger.warn({ err: error }, 'inventory upload failed');
    }
  }

  private every(ms: number, task: () => unknown): void {
    const timer = setInterval(() => void task(), ms);
    timer.unref();
    this.timers.push(timer);
  }
}

function prefixed(prefix: string, stats: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(stats)) {
    if (typeof value === 'number') out[`${prefix}.${key}`] = value;
  }
  return out;
}
