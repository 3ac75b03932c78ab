import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HpcinvError } from '../errors.js';

const run = promisify(execFile);

export interface GeneratedCertificate {
  /** PEM file of the freshly made CA: what a client passes as its CA bundle. */
  caPath: string;
  key: string;
  cert: string;
}

/**
 * Makes a throw-away CA and a server certificate for 127.0.0.1/localhost signed by it, with Debian's
 * `openssl` CLI (Node cannot create X.509 certificates itself). A real CA + leaf (rather than one
 * self-signed leaf) lets clients exercise exactly the "site with its own CA" path they need in production.
 * EC P-256 keys keep generation at a few tens of milliseconds.
 */
export async function generateCertificate(dir: string): Promise<GeneratedCertificate> {
  const caKey = join(dir, 'ca.key');
  const caPath = join(dir, 'ca.pem');
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'server.pem');
  const ext = join(dir, 'server.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await run('openssl', ['req', '-x509', ...ec, '-keyout', caKey, '-out', caPath, '-days', '7',
      '-subj', '/CN=hpcinv UNICORE test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await run('openssl', ['req', ...ec, '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1']);
    await writeFile(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' +
      'basicConstraints=CA:FALSE\n');
    await run('openssl', ['x509', '-req', '-in', csr, '-CA', caPath, '-CAkey', caKey, '-CAcreateserial',
      '-out', cert, '-days', '7', '-extfile', ext]);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new HpcinvError(`could not generate the test server's TLS certificate with openssl: ${detail} — ` +
      'fix: install the openssl CLI (apt-get install openssl)', 1);
  }
  await chmod(caKey, 0o600);
  await chmod(key, 0o600);
  return { caPath, key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
}
