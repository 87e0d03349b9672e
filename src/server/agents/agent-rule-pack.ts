import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RulePackDocument } from '../../agent/agent-protocol.js';

function yamlFiles(dir: string, root = dir, out: Record<string, string> = {}) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, root, out);
    else if (/\.ya?ml$/.test(name))
      out[relative(root, path)] = readFileSync(path, 'utf8');
  }
  return out;
}

/**
 * The rule pack as agents download it: every YAML file of the server's
 * pack folder, with a version that is the SHA-256 of the files, which
 * also serves as the ETag. Agents keep the host rules.
 */
export function agentRulePackDocument(dir: string): RulePackDocument {
  const files = yamlFiles(dir);
  const hash = createHash('sha256');
  for (const [name, text] of Object.entries(files))
    hash.update(`${name}\u0000${text}\u0000`);
  return { version: hash.digest('hex').slice(0, 32), files };
}
