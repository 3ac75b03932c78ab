import type { SiteProfile } from '../../sites/schema.js';
import { LocalTransport } from './local.js';
import { SshTransport } from './ssh.js';
import type { Transport } from './transport.js';

export interface OpenTransportOptions {
  /** The user accepted an unknown host key explicitly (`--accept-host-key`). */
  acceptNewHostKey?: boolean;
}

/** The transport a site profile describes. A key passphrase comes only from HPCINV_SSH_PASSPHRASE. */
export function openTransport(site: SiteProfile, options: OpenTransportOptions = {}): Transport {
  const t = site.transport;
  if (t.kind === 'local') return new LocalTransport();
  return new SshTransport({
    host: t.host,
    port: t.port,
    user: t.user,
    identityFile: t.identityFile,
    passphrase: process.env.HPCINV_SSH_PASSPHRASE,
    knownHostsFile: t.knownHostsFile,
    acceptNewHostKey: options.acceptNewHostKey,
    maxChannels: t.maxChannels,
    loginShell: t.loginShell,
  });
}
