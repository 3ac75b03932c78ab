import type { BackendFactoryOptions } from '../backends.js';
import { resolveUnicoreSettings } from './settings.js';
import { UnicoreBackend } from './unicore-backend.js';

/**
 * `backends.unicore`: settings from the experiment's backend section and its site profile. The site's
 * scheduler decides how many jobs run at once, so `--concurrency` does not apply here.
 */
export function createUnicoreBackend(opts: BackendFactoryOptions): UnicoreBackend {
  return new UnicoreBackend(resolveUnicoreSettings(opts.settings));
}
