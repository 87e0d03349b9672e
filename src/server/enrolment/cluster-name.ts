import { z } from 'zod';

/**
 * A cluster name: lower-case letters, digits, `-` and `.`, starting and
 * ending with a letter or digit, at most 63 characters, as a DNS label.
 * Names appear in kubeconfigs, logs and URLs, so nothing else is allowed.
 */
export const clusterName = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'must be lower-case letters, digits, "-" and ".", starting and ending with a letter or digit',
  );
