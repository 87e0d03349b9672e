import type { CommandEntry } from '../views/command-list.js';
import { forwardingDestinations } from './forwarding-destinations.js';
import { onlyArgs, type PredicateDefinition } from './predicate-registry.js';
import { isPublicHost } from './public-address.js';
import { downloadRunLater } from './runs-downloaded-file.js';

function commandsIn(context: { view(name: string): unknown }) {
  return (context.view('commands') as CommandEntry[] | undefined) ?? [];
}

export const NODE_COMMAND_PREDICATES: PredicateDefinition[] = [
  {
    name: 'forwards-to-public-address',
    description:
      'A command of the process forwards ports to a public host: ssh -L ' +
      'or -R, socat from a listening address, or a DNAT rule of iptables ' +
      'or nft. The public hosts are captured as `destinations`.',
    captures: ['destinations'],
    compile(args) {
      onlyArgs(args, []);
      return (_item, context) => {
        const hosts = commandsIn(context)
          .flatMap(forwardingDestinations)
          .filter(isPublicHost);
        if (hosts.length > 0) context.capture('destinations', hosts);
        return hosts.length > 0;
      };
    },
  },
  {
    name: 'runs-downloaded-file',
    description:
      'A download among the commands of the process saves a file that a ' +
      'later command of the same script runs. Its URL is captured as ' +
      '`downloads`.',
    captures: ['downloads'],
    compile(args) {
      onlyArgs(args, []);
      return (_item, context) => {
        const download = downloadRunLater(commandsIn(context));
        if (download) context.capture('downloads', [download.url]);
        return download !== undefined;
      };
    },
  },
];
