import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Directories that hold no project shell code (installed packages, build output, run data). */
const SKIP = new Set(['node_modules', '.git', 'dist', 'runs', 'test-artifacts', 'tmp', 'coverage']);
const SHEBANG = /^#!\s*(?:\/usr\/bin\/env\s+)?(?:\/usr)?(?:\/bin\/)?(?:ba|da|k)?sh\b/;

/**
 * Every shell script of the repository: `*.sh` files and files whose first line is a sh/bash shebang.
 * Job-script templates (`*.mustache`) are not shell until rendered; the lint test renders them.
 */
export function findShellScripts(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name)) walk(path);
      } else if (entry.isFile() && !entry.name.endsWith('.mustache')) {
        if (entry.name.endsWith('.sh') || SHEBANG.test(firstLine(path))) found.push(relative(root, path));
      }
    }
  };
  walk(root);
  return found.sort();
}

function firstLine(path: string): string {
  const head = readFileSync(path).subarray(0, 128).toString('latin1');
  return head.split('\n')[0];
}
