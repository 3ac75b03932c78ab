import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import { createInterface } from 'node:readline';
import { parse } from 'yaml';

const CLI = join(process.cwd(), 'dist', 'cli', 'main.js');

function getJson(url: string, ca: Buffer, auth: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { Authorization: auth, Accept: 'application/json' }, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hpcinv unicore-server', () => {
  test('prints url, CA and a chmod-600 credentials file as JSON, serves, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'unicore-server', '--json', '--fault', 'status:GET:^/jobs$:1:503'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      const info = JSON.parse(line);
      expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/DEMO-SITE\/rest\/core$/);
      expect(line).not.toMatch(/password/);
      expect(statSync(info.credentialsFile).mode & 0o777).toBe(0o600);
      const creds = parse(readFileSync(info.credentialsFile, 'utf8'));
      const auth = `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}`;
      const ca = readFileSync(info.caPath);
      expect((await getJson(info.url, ca, auth)).body.client.role.selected).toBe('user');
      expect((await getJson(`${info.url}/jobs`, ca, auth)).status).toBe(503); // the --fault knob
      expect((await getJson(`${info.url}/jobs`, ca, auth)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
  });

  test('a malformed --fault is refused with exit 2 and the fix', async () => {
    const child = spawn(process.execPath, [CLI, 'unicore-server', '--fault', 'nonsense'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c) => (err += c));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/bad fault "nonsense" — fix:/);
  });
});
