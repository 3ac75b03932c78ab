import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../version.js';
import { writeFileAtomic } from '../store/atomic.js';
import { InputError } from '../errors.js';

/** The commented starter experiment shipped in templates/experiments/ (the deliverable's case). */
export function starterPath(): string {
  return join(packageRoot, 'templates', 'experiments', 'starter.yaml');
}

export function starterText(): string {
  return readFileSync(starterPath(), 'utf8');
}

export function writeStarter(file: string, force: boolean): void {
  if (existsSync(file) && !force) throw new InputError(`${file} already exists — fix: choose another name, or pass --force to overwrite it`);
  writeFileAtomic(file, starterText());
}
