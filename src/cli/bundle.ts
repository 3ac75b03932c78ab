import type { CommandModule } from 'yargs';
import { makeBundle } from '../bundle/make-bundle.js';
import { hostPlatform, parseTargetPlatform } from '../bundle/target-platform.js';
import { packageRoot } from '../version.js';

interface BundleArgs {
  out: string;
  platform: string;
  json: boolean;
}

export const bundleCommand: CommandModule<object, BundleArgs> = {
  command: 'bundle',
  describe: 'Pack hpcinv with its production dependencies into one tarball that installs without a registry',
  builder: (y) =>
    y
      .option('out', { type: 'string', default: '.', describe: 'Directory for the tarball and its .sha256 file' })
      .option('platform', {
        type: 'string',
        default: hostPlatform(),
        describe: 'Keep native binaries for this <os>-<arch> only (e.g. linux-x64), or "any"',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' })
      .example('$0 bundle --out dist-bundle', 'then on the cluster: tar -xzf hpcinv-<version>-linux-x64.tgz')
      .strict(),
  handler: async (args) => {
    const result = await makeBundle({
      projectRoot: packageRoot,
      outDir: args.out,
      target: parseTargetPlatform(args.platform),
    });
    if (args.json) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    const mb = (result.bytes / 1e6).toFixed(1);
    console.log(`${result.file}  (${mb} MB, ${result.packages} packages, ${result.seconds.toFixed(1)} s)`);
    console.log(`sha256 ${result.sha256}  → ${result.checksumFile}`);
    console.log('install offline: npm install -g --offline --ignore-scripts <tarball>   or   tar -xzf <tarball>');
  },
};
