import type { FlowFormat } from './flow-format.js';

/**
 * Detect a flow log's format from the start of its text, or return
 * undefined when it is not a flow log (audit logs then take it). JSON
 * with flow tuples is Azure (VNet when it has `flowRecords`); JSON with
 * `jsonPayload` and `src_ip` is GCP; a line of space-separated fields
 * that starts with a version digit and names an interface (`eni-`), an
 * action or a log status, or a header naming `srcaddr`, is AWS.
 */
export function detectFlowFormat(head: string): FlowFormat | undefined {
  const start = head.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) {
    if (head.includes('"flowRecords"')) return 'azure-vnet';
    if (head.includes('"flowTuples"')) return 'azure-nsg';
    if (head.includes('"jsonPayload"') && head.includes('"src_ip"')) {
      return 'gcp-vpc';
    }
    return undefined;
  }
  const [line = ''] = start.split('\n', 1);
  const words = line.trim().split(/\s+/);
  if (words.includes('srcaddr') && words.includes('dstaddr')) return 'aws-vpc';
  if (!/^\d$/.test(words[0] ?? '') || words.length < 5) return undefined;
  const marks = ['ACCEPT', 'REJECT', 'OK', 'NODATA', 'SKIPDATA'];
  return words.some((w) => w.startsWith('eni-') || marks.includes(w))
    ? 'aws-vpc'
    : undefined;
}
