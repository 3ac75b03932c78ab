import { join } from 'node:path';
import { packageRoot } from '../../version.js';

/**
 * How to start `hpcinv task` with the same installation as this process: the Node running us and the
 * package's built CLI. Under ts-jest `packageRoot` is the repository, whose `dist/` the test build made.
 */
export function taskCommand(): string[] {
  return [process.execPath, join(packageRoot, 'dist', 'cli', 'main.js')];
}
