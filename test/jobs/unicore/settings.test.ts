import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveUnicoreSettings } from '../../../src/jobs/unicore/settings.js';

describe('UNICORE backend settings', () => {
  test('the built-in example profiles validate; container and hpcinvCommand become launchers', () => {
    const ex = resolveUnicoreSettings({ name: 'unicore', site: 'example' });
    expect(ex).toMatchObject({ queue: 'batch', runtime: '30min', nodes: 1, project: 'proj42', deleteFinished: true,
      launcher: { container: { runtime: 'apptainer', image: '/p/project/proj42/images/hpcinv.sif' } } });
    const node = resolveUnicoreSettings({ name: 'unicore', site: 'node-module' });
    expect(node.launcher).toEqual({ command: ['node', '/p/project/proj42/hpcinv/package/dist/cli/main.js'] });
    expect(node.precommand).toBe('module load Node/20');
  });

  test('inline experiment keys override the profile; relative paths in a profile are relative to it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcinv-uc-site-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'site.yaml'), 'unicore:\n  url: https://h.example/S/rest/core\n  caBundle: ca.pem\n  queue: batch\n');
    const s = resolveUnicoreSettings({ name: 'unicore', site: join(dir, 'sub', 'site.yaml'), queue: 'devel', concurrency: 3 });
    expect(s.queue).toBe('devel');
    expect(s.caBundle).toBe(join(dir, 'sub', 'ca.pem'));
    expect(s.launcher).toEqual({ command: ['hpcinv'] });
  });

  test('a user profile in $HPCINV_CONFIG_DIR/sites/unicore merges over the built-in one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcinv-uc-cfg-'));
    mkdirSync(join(dir, 'sites', 'unicore'), { recursive: true });
    writeFileSync(join(dir, 'sites', 'unicore', 'example.yaml'), 'unicore:\n  project: mine\n');
    const saved = process.env.HPCINV_CONFIG_DIR;
    process.env.HPCINV_CONFIG_DIR = dir;
    try {
      const s = resolveUnicoreSettings({ site: 'example' });
      expect(s.project).toBe('mine');
      expect(s.queue).toBe('batch');
    } finally {
      if (saved === undefined) delete process.env.HPCINV_CONFIG_DIR;
      else process.env.HPCINV_CONFIG_DIR = saved;
    }
  });

  test('bad settings name the field and the fix', () => {
    expect(() => resolveUnicoreSettings({ name: 'unicore' })).toThrow(/backend.url is missing — fix/);
    expect(() => resolveUnicoreSettings({ url: 'http://h/S/rest/core' })).toThrow(/^backend.url must be https/);
    expect(() => resolveUnicoreSettings({ url: 'https://h/S/rest/core', runtime: 'soon' })).toThrow(/runtime: 30min/);
    expect(() => resolveUnicoreSettings({ url: 'https://h/S/rest/core', launcher: { container: { runtime: 'docker', image: 'x' } } })).toThrow(/launcher/);
    expect(() => resolveUnicoreSettings({ url: 'https://h/S/rest/core', quue: 'batch' })).toThrow(/quue/);
    expect(() => resolveUnicoreSettings({ url: 'https://h/S/rest/core', password: 'x' })).toThrow(/backend.password: credentials do not belong in an experiment .* — fix: remove it and export HPCINV_UNICORE_TOKEN/);
    expect(() => resolveUnicoreSettings({ url: 'https://h/S/rest/core', token: 'x' })).toThrow(/credentials do not belong/);
    expect(() => resolveUnicoreSettings({ site: 'no-such-site' })).toThrow(/no UNICORE site profile "no-such-site" .* — fix: create one/);
  });
});
