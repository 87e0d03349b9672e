import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The rule pack shipped with Vigil: `rules/` at the package root, found
 * from this module whether it runs from src/ or from the build in dist/.
 */
export function defaultRulePackDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'rules');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) {
      return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error('the rules/ folder of the Vigil package was not found');
}
