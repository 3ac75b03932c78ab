import { version, packageRoot } from '../src/version.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

test('version is read from package.json', () => {
  expect(version).toBe(JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version);
});
