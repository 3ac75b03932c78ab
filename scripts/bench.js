#!/usr/bin/env node
// Runs every benchmark in scripts/bench/ (or those named on the command line) one after another and
// prints one JSON document: { machine, benchmarks: { name: result } }. Each benchmark measures its own
// baseline in the same run and reports ratios, since other processes share the cores.
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const here = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const wanted = process.argv.slice(2);
const names = readdirSync(here)
  .filter((f) => f.endsWith('.js'))
  .map((f) => f.slice(0, -3))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();
if (wanted.length && names.length !== wanted.length) {
  console.error(`unknown benchmark in ${wanted.join(', ')}; available: ${readdirSync(here).join(', ')}`);
  process.exit(2);
}
const benchmarks = {};
for (const name of names) {
  process.stderr.write(`bench: ${name} ...\n`);
  const out = execFileSync(process.execPath, [join(here, `${name}.js`)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  benchmarks[name] = JSON.parse(out);
}
const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: totalmem() / 2 ** 30 };
console.log(JSON.stringify({ machine, benchmarks }, null, 2));
