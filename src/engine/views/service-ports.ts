import type { AuditRecord } from '../../sources/event.js';
import { isObject, objectAfter } from './object-after.js';
import type { ViewFunction } from './view-registry.js';

/**
 * A port of a Service, with numbers as text so that named lists of ports
 * (which hold strings) can match them.
 */
export interface ServicePortItem {
  /** `PORT/PROTOCOL`, such as `6379/TCP`, for alert details. */
  name: string;
  port: string;
  /** The target port as a number or a container port name. */
  targetPort: string;
  nodePort: string;
  protocol: string;
  /** The port's own name in the Service spec, or empty. */
  portName: string;
}

function asText(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? value : '';
}

/**
 * Lists the ports of the Service after the request. The target port defaults
 * to the port, as the API server defaults it, so a request body that
 * leaves it out still shows where traffic goes.
 */
export function servicePortsOf(audit: AuditRecord): ServicePortItem[] {
  if (audit.objectRef?.resource !== 'services') return [];
  const spec = objectAfter(audit)?.spec;
  if (!isObject(spec) || !Array.isArray(spec.ports)) return [];

  const items: ServicePortItem[] = [];
  for (const entry of spec.ports) {
    if (!isObject(entry)) continue;
    const port = asText(entry.port);
    const protocol = asText(entry.protocol) || 'TCP';
    items.push({
      name: `${port}/${protocol}`,
      port,
      targetPort: asText(entry.targetPort) || port,
      nodePort: asText(entry.nodePort),
      protocol,
      portName: asText(entry.name),
    });
  }
  return items;
}

/** The `servicePorts` view: the Service's ports after the request. */
export const SERVICE_PORTS_VIEW: [string, ViewFunction] = [
  'servicePorts',
  (event) =>
    event.kind === 'k8s-audit' ? servicePortsOf(event.audit) : undefined,
];
