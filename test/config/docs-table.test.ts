// docs/configuration.md's settings tables come from the declaration (src/config/settings.ts):
// a setting, its environment variable, flag or default missing or wrong on the page fails here.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fillSettingsTables, settingsTable } from '../../src/config/docs-table.js';
import { SETTINGS } from '../../src/config/settings.js';

const docs = new URL('../../docs/', import.meta.url);

void test('docs/configuration.md has every setting, as the declaration has it (run npm run docs:config)', async () => {
  const text = await readFile(new URL('configuration.md', docs), 'utf8');
  const filled = fillSettingsTables(text, 'configuration.md');
  assert.deepEqual(filled.missing, [], 'every setting is in one of the page\'s tables');
  assert.equal(text, filled.text);
});

void test('every settings table of every page is as the declaration has it (run npm run docs:config)', async () => {
  const pages = (await readdir(docs)).filter((name) => name.endsWith('.md'));
  const withTables: string[] = [];
  for (const name of pages) {
    const text = await readFile(new URL(name, docs), 'utf8');
    const filled = fillSettingsTables(text, name);
    if (text.includes('<!-- settings table')) withTables.push(name);
    assert.equal(text, filled.text, `docs/${name}`);
  }
  // The pages that show their own settings: a marker lost by an edit would drop the check silently.
  for (const name of ['configuration.md', 'mlflow.md', 'serve.md']) assert.ok(withTables.includes(name), `docs/${name} has a settings table`);
});

void test('a row names the key, its default, variable and flag', () => {
  const rows = settingsTable(['home', 'engine']).split('\n');
  const home = rows.find((row) => row.startsWith('| `home` |'));
  assert.match(home ?? '', /^\| `home` \| `\.\/\.tandem` \| `TANDEM_HOME` \| `--home DIR` \| The data directory/);
  const grace = rows.find((row) => row.startsWith('| `engine.killGracePeriod` |'));
  assert.match(grace ?? '', /^\| `engine\.killGracePeriod` \| `10s` \| `TANDEM_KILL_GRACE_PERIOD` \| {2}\| /);
  assert.equal(rows.filter((row) => row.startsWith('| `')).length, Object.keys(SETTINGS).filter((key) => key === 'home' || key.startsWith('engine.')).length);
});

void test('a page whose table lost a row or whose markers leave a section out is caught', () => {
  const marked = (sections: string, table: string) => `<!-- settings table (npm run docs:config): ${sections} -->\n${table}<!-- end of settings table -->\n`;
  const full = settingsTable(['home', 'engine']);
  const stale = marked('home engine', full.split('\n').filter((row) => !row.includes('TANDEM_SPAWNER')).join('\n'));
  assert.notEqual(fillSettingsTables(stale).text, stale);
  assert.ok(fillSettingsTables(marked('home engine', full)).missing.includes('server.port'));
});
