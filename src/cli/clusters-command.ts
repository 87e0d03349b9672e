import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError, loadServerConfig } from '../config/load-server-config.js';
import { clusterName } from '../server/enrolment/cluster-name.js';
import {
  auditPolicy,
  renderWebhookKubeconfig,
} from '../server/enrolment/render-webhook-kubeconfig.js';
import { generateToken, hashToken } from '../store/hash-token.js';
import { Store } from '../store/store.js';
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

/** Opens the same store as `vigil serve` with these options would. */
async function openStore(options: StoreOptions): Promise<Store> {
  const config = loadServerConfig({
    flags: { dataDir: options.dataDir, database: options.database },
    env: process.env,
    file: options.config,
  });
  return Store.open(config);
}

/** Runs an action with the store and reports failures on one line. */
function action<A extends unknown[]>(
  run: (store: Store, ...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const options = args[args.length - 2] as StoreOptions;
    let store: Store | undefined;
    try {
      store = await openStore(options);
      await run(store, ...args);
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
      async (
        store,
        name: string,
        options: StoreOptions & {
          url: string;
          json?: boolean;
          certificateAuthority?: string;
        },
      ) => {
        checkName(name);
        const token = generateToken();
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

        const certificateAuthority = options.certificateAuthority
          ? readFileSync(options.certificateAuthority, 'utf8')
          : undefined;
        const kubeconfig = renderWebhookKubeconfig({
          cluster: name,
          token,
          url: options.url,
          certificateAuthority,
        });
        const enrolledAt = new Date(enrolledMs).toISOString();
        const policy = auditPolicy();
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
    action(async (store, options: StoreOptions & { json?: boolean }) => {
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
    action(async (store, name: string) => {
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
    action(async (store, name: string) => {
      if (!(await store.clusters.remove(name))) {
        throw new CommandError(`cluster ${safeText(name)} not found`);
      }
      process.stdout.write(`removed cluster ${safeText(name)}\n`);
    }),
  );
  return command;
}
