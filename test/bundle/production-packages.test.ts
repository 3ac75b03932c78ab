import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { listProductionPackages } from '../../src/bundle/production-packages.js';
import { packageNameOf } from '../../src/bundle/stage.js';

let root: string;

/** A fake checkout: a lock file and the packages it names installed (or not) under node_modules. */
function project(lock: object, installed: Record<string, string>): string {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root);
  writeFileSync(join(root, 'package-lock.json'), JSON.stringify(lock));
  for (const [location, version] of Object.entries(installed)) {
    mkdirSync(join(root, location), { recursive: true });
    writeFileSync(join(root, location, 'package.json'), JSON.stringify({ name: packageNameOf(location), version }));
  }
  return root;
}

const lock = {
  lockfileVersion: 3,
  packages: {
    '': { name: 'p', version: '1.0.0' },
    'node_modules/a': { version: '1.0.0' },
    'node_modules/a/node_modules/b': { version: '2.0.0' },
    'node_modules/@s/c': { version: '3.0.0' },
    'node_modules/jest': { version: '30.0.0', dev: true },
    'node_modules/native-speedup': { version: '0.1.0', optional: true },
    'node_modules/either': { version: '0.2.0', devOptional: true },
  },
};

beforeEach(() => {
  root = join(mkdtempSync(join(tmpdir(), 'hpcinv-lock-')), 'project');
});
afterEach(() => rmSync(dirname(root), { recursive: true, force: true }));

test('lists production packages (nested and scoped too), never dev or optional ones', () => {
  const dir = project(lock, { 'node_modules/a': '1.0.0', 'node_modules/a/node_modules/b': '2.0.0', 'node_modules/@s/c': '3.0.0' });
  expect(listProductionPackages(dir)).toEqual([
    { location: 'node_modules/@s/c', version: '3.0.0' },
    { location: 'node_modules/a', version: '1.0.0' },
    { location: 'node_modules/a/node_modules/b', version: '2.0.0' },
  ]);
});

test('a package missing from node_modules or at another version is refused with the fix', () => {
  const missing = project(lock, { 'node_modules/a': '1.0.0', 'node_modules/@s/c': '3.0.0' });
  expect(() => listProductionPackages(missing)).toThrow(/node_modules\/a\/node_modules\/b is not installed .* fix: run `npm ci`/);
  const stale = project(lock, { 'node_modules/a': '0.9.0', 'node_modules/a/node_modules/b': '2.0.0', 'node_modules/@s/c': '3.0.0' });
  expect(() => listProductionPackages(stale)).toThrow(/node_modules\/a is installed at 0\.9\.0 but package-lock\.json wants 1\.0\.0/);
});

test('an old or missing lock file is refused with the fix', () => {
  expect(() => listProductionPackages(project({ lockfileVersion: 1, dependencies: {} }, {}))).toThrow(/lockfileVersion 1.*fix: regenerate/);
  rmSync(join(root, 'package-lock.json'));
  expect(() => listProductionPackages(root)).toThrow(InputError);
  expect(() => listProductionPackages(root)).toThrow(/package-lock\.json is missing/);
});

test('a linked package cannot be bundled', () => {
  const linked = { lockfileVersion: 3, packages: { '': {}, 'node_modules/l': { link: true, resolved: '../l' } } };
  expect(() => listProductionPackages(project(linked, {}))).toThrow(/linked package .* fix: install it from the registry/);
});

test('package names from lock locations', () => {
  expect(packageNameOf('node_modules/a')).toBe('a');
  expect(packageNameOf('node_modules/@s/c')).toBe('@s/c');
  expect(packageNameOf('node_modules/a/node_modules/@s/b')).toBe('@s/b');
});
