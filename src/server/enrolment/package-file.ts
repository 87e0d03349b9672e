import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Returns the path of a file shipped with Vigil, such as
 * `deploy/audit-policy.yaml`, found from this module whether it runs
 * from src/ or from the build in dist/.
 */
export function packageFile(relativePath: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, relativePath);
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) {
      return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error(`${relativePath} of the Vigil package was not found`);
}
