import type { VigilEvent } from '../../sources/event.js';
import type { ViewFunction } from './view-registry.js';

/** One side of a flow, as the `flowEndpoints` view lists it. */
export interface FlowEndpoint {
  side: 'source' | 'destination';
  address: string;
  port: number;
  /** True when the flow log or an inventory marks this side as local. */
  local: boolean;
  /**
   * The address again, which captures show in alerts. The port is left
   * out so that a client's changing source ports fold into one alert.
   */
  name: string;
}

function endpoint(
  side: FlowEndpoint['side'],
  address: string,
  port: number,
  localSide: string,
): FlowEndpoint {
  return { side, address, port, local: localSide === side, name: address };
}

/**
 * `flowEndpoints`: the source and destination of a flow event, each with
 * its address, port and whether it is the local side.
 */
export const FLOW_ENDPOINTS_VIEW: [string, ViewFunction] = [
  'flowEndpoints',
  (event: VigilEvent) => {
    if (event.kind !== 'flow') return undefined;
    const { srcAddress, srcPort, dstAddress, dstPort, local } = event.flow;
    return [
      endpoint('source', srcAddress, srcPort, local),
      endpoint('destination', dstAddress, dstPort, local),
    ];
  },
];
