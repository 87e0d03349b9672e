import { spawnSync } from 'node:child_process';

/**
 * Throws when a program is not on PATH, naming every missing one, so that
 * a machine without them fails with a message instead of skipping.
 */
export function requireCommands(names: readonly string[], hint: string): void {
  const missing = names.filter(
    // `command -v` is a shell builtin. The name is passed as "$1", never
    // spliced into the script.
    (name) =>
      spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name]).status !== 0,
  );
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}: ${hint}`);
  }
}
