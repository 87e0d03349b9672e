import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { httpUrlProblem } from '../config/http-url.js';
import { ConfigError, loadServerConfig } from '../config/load-server-config.js';
import { unreadablePathReason } from '../config/readable-path.js';
import { clusterName } from '../server/enrolment/cluster-name.js';
import {
  auditPolicy,
  renderWebhookKubeconfig,
} from '../server/enrolment/render-webhook-kubeconfig.js';
import { generateToken, hashToken } from '../store/hash-token.js';
import { Store } from '../store/store.js';
import { StoreNotFoundError } from '../store/store-not-found-error.js';
import { safeText } from './safe-text.js';

interface StoreOptions {
  dataDir?: string;
  database?: string;
  config?: string;
}

/** A failure that the command reports on one line and exits 1 for. */
class CommandError extends Error {}

function withStoreOptions(command: Command): Command {
  return command
    .option(
      '--data-dir <directory>',
      'directory of the SQLite file (default ./data). Env: VIGIL_DATA_DIR.',
    )
    .option(
      '--database <url>',
      'PostgreSQL URL instead of SQLite. Env: VIGIL_DATABASE.',
    )
    .option('--config <file>', 'YAML file of settings, as for vigil serve');
}

/**
 * Opens the same store as `vigil serve` with these options would. Only
 * `create` lets it create the data directory or the schema.
 */
async function openStore(
  options: StoreOptions,
  create: boolean,
): Promise<Store> {
  const config = loadServerConfig({
    flags: { dataDir: options.dataDir, database: options.database },
    env: process.env,
    file: options.config,
  });
  try {
    return await Store.open(config, { mustExist: !create });
  } catch (error) {
    if (error instanceof StoreNotFoundError) {
      throw new CommandError(
        `${error.message} (run \`vigil serve\` or \`vigil clusters add\` first, or fix --data-dir or --database)`,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new CommandError(`cannot open the store: ${reason}`);
  }
}

/**
 * Runs an action and reports failures on one line. The action calls
 * `open` once its arguments are valid; the store is closed afterwards.
 */
function action<A extends unknown[]>(
  create: boolean,
  run: (open: () => Promise<Store>, ...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const options = args[args.length - 2] as StoreOptions;
    let store: Store | undefined;
    const open = async () => {
      store ??= await openStore(options, create);
      return store;
    };
    try {
      await run(open, ...args);
    } catch (error) {
      if (!(error instanceof CommandError || error instanceof ConfigError))
        throw error;
      process.stderr.write(`vigil clusters: ${error.message}\n`);
      process.exitCode = 1;
    } finally {
      await store?.close();
    }
  };
}

function checkName(name: string): string {
  const result = clusterName.safeParse(name);
  if (!result.success) {
    throw new CommandError(
      `invalid cluster name ${JSON.stringify(name)}: ${result.error.issues[0]?.message}`,
    );
  }
  return name;
}

function checkUrl(url: string): string {
  const problem = httpUrlProblem(url);
  if (problem) throw new CommandError(`invalid --url: ${problem}`);
  return url;
}

/** Reads the PEM file of `--certificate-authority`; throws if unusable. */
/**
 * Warns of an http:// URL that leaves the host, because the API server
 * then sends the ingest token and the audit events unencrypted.
 */
function plainHttpWarning(url: string): string | undefined {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:') return undefined;
  const host = parsed.hostname;
  if (host === 'localhost' || host === '[::1]' || host.startsWith('127.')) {
    return undefined;
  }
  return `warning: ${url} is plain HTTP, so the API server sends the token and the audit events unencrypted; serve HTTPS (--tls-cert, --tls-key) and enrol with an https:// --url`;
}

function readCertificateAuthority(file: string, url: string): string {
  const option = `--certificate-authority ${safeText(file)}`;
  if (!/^https:/i.test(url)) {
    throw new CommandError(
      `${option}: a CA is only used with an https:// --url`,
    );
  }
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      unreadablePathReason(file, 'file') ?? (error as Error).message;
    throw new CommandError(`${option}: ${reason}`);
  }
  try {
    // Parses the first certificate of the bundle.
    new X509Certificate(pem);
  } catch {
    throw new CommandError(`${option}: not a PEM certificate`);
  }
  return pem;
}

/** `vigil clusters add|list|revoke|remove`: enrol clusters for the webhook. */
export function clustersCommand(): Command {
  const command = new Command('clusters').description(
    'enrol clusters and manage their ingest tokens',
  );

  withStoreOptions(
    command
      .command('add <name>')
      .description(
        'enrol a cluster; prints its token, webhook kubeconfig and audit policy',
      )
      .option(
        '--url <url>',
        "URL of the server's audit webhook endpoint",
        'http://127.0.0.1:8080/k8s-audit',
      )
      .option(
        '--certificate-authority <file>',
        "PEM of the CA of the server's certificate, for HTTPS",
      )
      .option('--json', 'print one JSON object'),
  ).action(
    action(
      true,
      async (
        open,
        name: string,
        options: StoreOptions & {
          url: string;
          json?: boolean;
          certificateAuthority?: string;
        },
      ) => {
        // Inputs are checked and the output is built before the cluster is
        // stored, so that a bad input never leaves an enrolled cluster
        // whose token was not printed.
        checkName(name);
        const url = checkUrl(options.url);
        const certificateAuthority =
          options.certificateAuthority === undefined
            ? undefined
            : readCertificateAuthority(options.certificateAuthority, url);
        const token = generateToken();
        const kubeconfig = renderWebhookKubeconfig({
          cluster: name,
          token,
          url,
          certificateAuthority,
        });
        const policy = auditPolicy();

        const store = await open();
        const enrolledMs = Date.now();
        const cluster = await store.clusters.add(
          name,
          hashToken(token),
          enrolledMs,
        );
        if (!cluster) {
          throw new CommandError(
            `cluster ${name} already exists; remove it first to enrol it again`,
          );
        }
        const enrolledAt = new Date(enrolledMs).toISOString();
        const warning = plainHttpWarning(url);
        if (warning) process.stderr.write(`vigil clusters add: ${warning}\n`);
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ cluster: name, token, kubeconfig, auditPolicy: policy, enrolledAt })}\n`,
          );
          return;
        }
        process.stdout.write(
          [
            `Enrolled cluster ${name} at ${enrolledAt}; events from before then are counted and skipped.`,
            '',
            'Ingest token (shown only now; Vigil stores its SHA-256 hash):',
            `  ${token}`,
            '',
            'Audit webhook kubeconfig, to save as /etc/kubernetes/vigil-webhook.yaml on each control-plane node:',
            '---',
            kubeconfig.trimEnd(),
            '',
            'Audit policy, to save as /etc/kubernetes/vigil-audit-policy.yaml:',
            '---',
            policy.trimEnd(),
            '',
            'Then start kube-apiserver with:',
            '  --audit-policy-file=/etc/kubernetes/vigil-audit-policy.yaml',
            '  --audit-webhook-config-file=/etc/kubernetes/vigil-webhook.yaml',
            '  --audit-webhook-mode=batch',
            '',
          ].join('\n'),
        );
      },
    ),
  );

  withStoreOptions(
    command
      .command('list')
      .description('print every cluster with its enrolment time')
      .option('--json', 'print one JSON object per cluster'),
  ).action(
    action(false, async (open, options: StoreOptions & { json?: boolean }) => {
      const store = await open();
      for (const cluster of await store.clusters.list()) {
        const row = {
          cluster: cluster.name,
          enrolledAt: new Date(cluster.enrolledMs).toISOString(),
          revokedAt:
            cluster.revokedMs === null
              ? null
              : new Date(cluster.revokedMs).toISOString(),
        };
        const state = row.revokedAt ? `revoked ${row.revokedAt}` : 'active';
        process.stdout.write(
          options.json
            ? `${JSON.stringify(row)}\n`
            : `${safeText(row.cluster)}\tenrolled ${row.enrolledAt}\t${state}\n`,
        );
      }
    }),
  );

  withStoreOptions(
    command
      .command('revoke <name>')
      .description(
        "revoke a cluster's token; the webhook rejects it from then on",
      ),
  ).action(
    action(false, async (open, name: string) => {
      const store = await open();
      if (!(await store.clusters.revoke(name, Date.now()))) {
        throw new CommandError(`cluster ${safeText(name)} not found`);
      }
      process.stdout.write(`revoked the token of cluster ${safeText(name)}\n`);
    }),
  );

  withStoreOptions(
    command
      .command('remove <name>')
      .description('remove a cluster; its alerts are kept'),
  ).action(
    action(false, async (open, name: string) => {
      const store = await open();
      if (!(await store.clusters.remove(name))) {
        throw new CommandError(`cluster ${safeText(name)} not found`);
      }
      process.stdout.write(`removed cluster ${safeText(name)}\n`);
    }),
  );
  return command;
}
