import { z } from 'zod';
import { readIntelFile } from '../../intel/read-intel-file.js';
import { normalizeFlowAddress } from './normalize-flow-address.js';

/** What an inventory states about one of the cluster's own addresses. */
export interface AddressOwner {
  node?: string;
  namespace?: string;
  pod?: string;
  cluster?: string;
}

/**
 * Maps the cluster's own addresses to the node or pod that uses them.
 * `vigil scan --inventory FILE` reads one from a file; the server can
 * implement it over the inventories its agents report.
 */
export interface AddressInventory {
  ownerOf(address: string): AddressOwner | undefined;
}

const inventoryFileSchema = z.strictObject({
  addresses: z.array(
    z.strictObject({
      address: z.string(),
      node: z.string().min(1).max(253).optional(),
      namespace: z.string().min(1).max(253).optional(),
      pod: z.string().min(1).max(253).optional(),
      cluster: z.string().min(1).max(253).optional(),
    }),
  ),
});

/** An inventory held in memory, keyed by normalized address. */
export class StaticAddressInventory implements AddressInventory {
  private readonly owners = new Map<string, AddressOwner>();

  constructor(entries: Iterable<AddressOwner & { address: string }>) {
    for (const { address, ...owner } of entries) {
      const key = normalizeFlowAddress(address);
      if (!key) throw new Error(`invalid address ${JSON.stringify(address)}`);
      this.owners.set(key, owner);
    }
  }

  get size(): number {
    return this.owners.size;
  }

  ownerOf(address: string): AddressOwner | undefined {
    return this.owners.get(address);
  }
}

/**
 * Read an inventory file: `{"addresses": [{"address": "10.244.1.7",
 * "node": "aks-node-1", "namespace": "web", "pod": "api-0"}]}`. Throws
 * with the first problem, because a half-read inventory would name the
 * wrong workloads.
 */
export function readInventoryFile(path: string): StaticAddressInventory {
  const data = inventoryFileSchema.safeParse(
    JSON.parse(readIntelFile(path, 64 * 1024 * 1024)),
  );
  if (!data.success) {
    const [issue] = data.error.issues;
    throw new Error(
      `invalid inventory: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
    );
  }
  return new StaticAddressInventory(data.data.addresses);
}
