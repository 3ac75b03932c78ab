import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import type { UnicoreJobs } from './jobs-api.js';

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Puts an `hpcinv bundle` tarball into the user's HOME storage as `hpcinv/bundles/<sha256>.tgz` (once:
 * an upload of the same size is skipped) and returns the job's launcher and set-up. The set-up, run before
 * the task, unpacks the tarball next to itself unless an earlier job did; unpacking goes to a temp dir
 * renamed into place, so parallel jobs never see a half-unpacked hpcinv.
 */
export async function stageBundle(api: UnicoreJobs, bundlePath: string): Promise<{ launcher: string; setup: string }> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(bundlePath);
  } catch (err) {
    throw new InputError(`cannot read the hpcinv bundle ${bundlePath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} — fix: make it with \`hpcinv bundle\` and set launcher.bundle to its path`);
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  const home = await api.homeStorage();
  const rel = `hpcinv/bundles/${sha}.tgz`;
  if ((await api.fileSize(home.url, rel)) !== bytes.length) await api.upload(home.url, rel, bytes);
  const dir = `${home.mountPoint}/hpcinv/bundles/${sha}`;
  const entry = `${dir}/package/dist/cli/main.js`;
  const setup = `d=${shq(dir)}; if [ ! -f "$d/package/dist/cli/main.js" ]; then t="$d.tmp-$$"; ` +
    `rm -rf "$t" && mkdir -p "$t" && tar -xzf "$d.tgz" -C "$t" --no-same-owner && { mv -T "$t" "$d" 2>/dev/null || rm -rf "$t"; }; fi`;
  return { launcher: `node ${shq(entry)}`, setup };
}
