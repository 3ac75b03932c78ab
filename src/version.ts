import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The package root: `dist/..` when built, `src/..` under ts-jest. */
export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export const version: string = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version;
