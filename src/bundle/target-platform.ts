import { InputError } from '../errors.js';

/** The OS and CPU a bundle is made for, in Node's own names (`process.platform`, `process.arch`). */
export interface TargetPlatform {
  os: string;
  arch: string;
}

/** The platforms the native dependency (onnxruntime-node) ships binaries for. */
const SUPPORTED: readonly string[] = ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];

/** `'linux-x64'` → { os, arch }; `'any'` → undefined (keep every platform's binaries). */
export function parseTargetPlatform(text: string): TargetPlatform | undefined {
  if (text === 'any') return undefined;
  if (!SUPPORTED.includes(text)) {
    throw new InputError(
      `--platform ${JSON.stringify(text)} is not a platform hpcinv's native dependency ships for — ` +
        `fix: use one of ${SUPPORTED.join(', ')}, or "any" to keep all of them`,
    );
  }
  const [os, arch] = text.split('-') as [string, string];
  return { os, arch };
}

export function hostPlatform(): string {
  return `${process.platform}-${process.arch}`;
}

/**
 * Whether a file of a bundled package belongs to another platform and can be left out. Only
 * onnxruntime-node ships per-platform binaries (`bin/napi-v<N>/<os>/<arch>/`, ~45 MB each); leaving out
 * the other platforms shrinks the bundle several-fold. `relative` is the path inside the package, with
 * forward slashes.
 */
export function isForeignPlatformFile(packageName: string, relative: string, target: TargetPlatform): boolean {
  if (packageName !== 'onnxruntime-node') return false;
  const match = /^bin\/napi-v\d+\/([^/]+)(?:\/([^/]+))?/.exec(relative);
  if (!match) return false;
  const [, os, arch] = match;
  return os !== target.os || (arch !== undefined && arch !== target.arch);
}
