import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { packageFile } from './package-file.js';

/** The values of a cluster's audit webhook kubeconfig. */
export interface WebhookKubeconfigInput {
  cluster: string;
  token: string;
  /** The URL of the server's /k8s-audit endpoint. */
  url: string;
  /** PEM of the CA that signed the server's certificate, for HTTPS. */
  certificateAuthority?: string | undefined;
}

/**
 * Fills deploy/webhook-kubeconfig.yaml for one cluster. Values are set on
 * the parsed document rather than spliced into the text, so no name or URL
 * can change the YAML's structure.
 */
export function renderWebhookKubeconfig(input: WebhookKubeconfigInput): string {
  const template = readFileSync(
    packageFile('deploy/webhook-kubeconfig.yaml'),
    'utf8',
  );
  // The template's leading comments describe the placeholders; the filled
  // copy keeps only the data.
  const data = template.replace(/^(#.*\n)+/, '');
  const doc = parseDocument(data);
  doc.setIn(['clusters', 0, 'cluster', 'server'], input.url);
  if (input.certificateAuthority !== undefined) {
    doc.setIn(
      ['clusters', 0, 'cluster', 'certificate-authority-data'],
      Buffer.from(input.certificateAuthority).toString('base64'),
    );
  }
  doc.setIn(['contexts', 0, 'context', 'user'], input.cluster);
  doc.setIn(['users', 0, 'name'], input.cluster);
  doc.setIn(['users', 0, 'user', 'token'], input.token);
  return doc.toString();
}

/** Returns deploy/audit-policy.yaml, the policy to give the API server. */
export function auditPolicy(): string {
  return readFileSync(packageFile('deploy/audit-policy.yaml'), 'utf8');
}
