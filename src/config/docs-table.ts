// The settings tables of docs/configuration.md, rendered from the declaration (settings.ts) so
// the page cannot drift from what tandem reads: `npm run docs:config` rewrites them, and a test
// fails when the page differs. A table sits between two markers naming the sections it covers:
//
//   <!-- settings table (npm run docs:config): home engine -->
//   | key | default | env | flag | value |
//   ...
//   <!-- end of settings table -->
import { defaultValue, type Setting } from './setting.js';
import { SETTING_KEYS, sectionOf, settingOf, settingPointer, type SettingKey } from './schema.js';

const TABLE = /<!-- settings table \(npm run docs:config\): ([^>]*?) -->\n[\s\S]*?<!-- end of settings table -->/g;

export interface FilledPage {
  text: string;
  /** Settings no table of the page covers: each must be in one. */
  missing: SettingKey[];
}

/** The page with every marked table rendered afresh; `page` (`mlflow.md`) is not linked from its own tables. */
export function fillSettingsTables(markdown: string, page?: string): FilledPage {
  const covered = new Set<string>();
  const text = markdown.replace(TABLE, (_whole, list: string) => {
    const sections = list.trim().split(/\s+/);
    for (const section of sections) covered.add(section);
    return `<!-- settings table (npm run docs:config): ${sections.join(' ')} -->\n${settingsTable(sections, page)}<!-- end of settings table -->`;
  });
  return { text, missing: SETTING_KEYS.filter((key) => !covered.has(sectionOf(settingPointer(key)))) };
}

/** The table of the settings under the given top-level sections, in the declaration's order. */
export function settingsTable(sections: readonly string[], page?: string): string {
  const rows = SETTING_KEYS.filter((key) => sections.includes(sectionOf(settingPointer(key)))).map((key) => row(key, settingOf(key), page));
  return ['| key | default | env | flag | value |', '| --- | --- | --- | --- | --- |', ...rows].map((line) => `${line}\n`).join('');
}

function row(key: SettingKey, setting: Setting, page: string | undefined): string {
  const env = setting.kind === 'layered' && setting.env !== undefined ? code(setting.env) : '';
  const flag = setting.flag?.usage !== undefined ? code(setting.flag.usage) : '';
  const see = (setting.see ?? []).filter((other) => other !== page).map((other) => `[${other}](${other})`);
  const value = `${setting.description}${see.length > 0 ? ` See ${see.join(', ')}.` : ''}`;
  return `| ${[code(key), defaultText(setting), env, flag, value].map(cell).join(' | ')} |`;
}

function defaultText(setting: Setting): string {
  if (setting.default?.doc !== undefined) return setting.default.doc;
  // A default that depends on the machine or the working directory always has words (doc).
  const value: unknown = typeof setting.default?.value === 'function' ? undefined : defaultValue(setting.default, { baseDir: '' });
  if (value === undefined) return '';
  return code(typeof value === 'string' ? value : JSON.stringify(value));
}

function code(text: string): string {
  return `\`${text}\``;
}

/** A table cell: a `|` in the text would end it. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}
