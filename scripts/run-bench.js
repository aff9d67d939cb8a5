#!/usr/bin/env node
// Runs the benchmarks in bench/ (every *.ts file directly inside it), one after the other, each in
// its own Node.js process with TypeScript loaded through tsx. Each writes bench/results/NAME.json.
// Usage: node scripts/run-bench.js [NAME...]   (npm run bench -- engine-dag)
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const available = readdirSync('bench')
  .filter((entry) => entry.endsWith('.ts'))
  .map((entry) => entry.slice(0, -'.ts'.length))
  .sort();
const wanted = process.argv.slice(2).map((arg) => arg.replace(/^bench\//, '').replace(/\.ts$/, ''));
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

/** @type {string[]} */
const failed = [];
for (const name of wanted.length > 0 ? wanted : available) {
  console.log(`\n### bench/${name}.ts`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { stdio: 'inherit' });
  if (result.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`\nbenchmark(s) failed: ${failed.join(', ')}`);
  process.exit(1);
}
