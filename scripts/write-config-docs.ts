// Rewrites the settings tables of docs/configuration.md from the declaration in
// src/config/settings.ts (test/config/docs-table.test.ts fails when they drift).
// Usage: npm run docs:config
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillSettingsTables } from '../src/config/docs-table.js';

const PAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'configuration.md');

const { text, missing } = fillSettingsTables(await readFile(PAGE, 'utf8'));
await writeFile(PAGE, text);
console.log(`wrote ${PAGE}`);
if (missing.length > 0) {
  console.error(`no settings table covers ${missing.join(', ')}: add its section to a table's marker`);
  process.exitCode = 1;
}
