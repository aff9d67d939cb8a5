// Rewrites the settings tables of the docs from the declaration in src/config/settings.ts: every
// table between the markers of src/config/docs-table.ts, on any page under docs/
// (test/config/docs-table.test.ts fails when one drifts). docs/configuration.md covers every setting.
// Usage: npm run docs:config
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillSettingsTables } from '../src/config/docs-table.js';

const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'docs');

for (const name of (await readdir(DOCS)).filter((file) => file.endsWith('.md')).sort()) {
  const page = join(DOCS, name);
  const before = await readFile(page, 'utf8');
  const { text, missing } = fillSettingsTables(before, name);
  if (text !== before) {
    await writeFile(page, text);
    console.log(`wrote ${page}`);
  }
  if (name === 'configuration.md' && missing.length > 0) {
    console.error(`no settings table of ${page} covers ${missing.join(', ')}: add its section to a table's marker`);
    process.exitCode = 1;
  }
}
