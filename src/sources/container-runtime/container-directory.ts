import {
  type ContainerDetails,
  containerDetailsOf,
} from './container-details.js';
import { type DockerApiClient, DockerApiError } from './docker-api-client.js';

/**
 * Container details by id, from the runtime's inspect, cached and bounded
 * (the least recently used entry goes first). Ids the runtime does not
 * know are remembered as missing for `missTtlMs`, so a process of another
 * runtime does not cost an API call per event. Concurrent lookups of one
 * id share a request.
 */
export class ContainerDirectory {
  private readonly cache = new Map<string, ContainerDetails>();
  private readonly misses = new Map<string, number>();
  private readonly inFlight = new Map<
    string,
    Promise<ContainerDetails | undefined>
  >();
  inspections = 0;

  constructor(
    private readonly client: DockerApiClient | undefined,
    private readonly maxEntries = 4096,
    private readonly missTtlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Details of a container; undefined when the runtime does not know it. */
  async get(id: string): Promise<ContainerDetails | undefined> {
    const cached = this.cached(id);
    if (cached !== undefined) return cached ?? undefined;
    const pending = this.inFlight.get(id) ?? this.inspect(id);
    this.inFlight.set(id, pending);
    try {
      return await pending;
    } finally {
      this.inFlight.delete(id);
    }
  }

  /**
   * Details of a container from the cache alone: `null` while the id is
   * remembered as missing, undefined when only `get` can tell.
   */
  cached(id: string): ContainerDetails | null | undefined {
    const cached = this.cache.get(id);
    if (cached) {
      this.cache.delete(id);
      this.cache.set(id, cached);
      return cached;
    }
    const missedAt = this.misses.get(id);
    if (missedAt !== undefined && this.now() - missedAt < this.missTtlMs) {
      return null;
    }
    return undefined;
  }

  /** Inspects again, as after a container starts or changes. */
  async refresh(id: string): Promise<ContainerDetails | undefined> {
    this.cache.delete(id);
    this.misses.delete(id);
    return this.get(id);
  }

  /** Lists every container currently cached, for the inventory. */
  known(): ContainerDetails[] {
    return [...this.cache.values()];
  }

  private async inspect(id: string): Promise<ContainerDetails | undefined> {
    if (!this.client) return undefined;
    this.inspections++;
    try {
      const details = containerDetailsOf(
        await this.client.getJson(`/containers/${encodeURIComponent(id)}/json`),
      );
      this.cache.set(id, details);
      if (details.id !== id) this.cache.set(details.id, details);
      while (this.cache.size > this.maxEntries) {
        this.cache.delete(this.cache.keys().next().value as string);
      }
      return details;
    } catch (error) {
      if (error instanceof DockerApiError && error.status === 404) {
        this.misses.set(id, this.now());
        if (this.misses.size > this.maxEntries) {
          this.misses.delete(this.misses.keys().next().value as string);
        }
        return undefined;
      }
      throw error;
    }
  }
}
