// The whole of tandem.yaml as one TypeBox schema, built from the settings table: each dotted key
// becomes a property inside its sections, each setting's description and constant default go
// on its node. The loader validates against it and schema/tandem.schema.json is rendered from it.
import { CloneType, Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { defaultValue, type LayeredSetting, type Setting } from './setting.js';
import { SECTIONS, SETTINGS } from './settings.js';
import { Nullable } from './shapes.js';

type Table = typeof SETTINGS;
export type SettingKey = keyof Table;
/** The settings an environment variable or a flag can also give. */
export type LayeredKey = { [K in SettingKey]: Table[K] extends LayeredSetting ? K : never }[SettingKey];
export type FileKey = Exclude<SettingKey, LayeredKey>;
/** A layered setting's value as the program uses it (after parse). */
export type SettingValue<K extends LayeredKey> = Table[K] extends LayeredSetting<TSchema, infer V> ? V : never;
/** A file setting's value as tandem.yaml holds it, an empty (null) value counting as absent. */
export type FileValue<K extends FileKey> = Exclude<Static<Table[K]['type']>, null>;
/** The ConfigFlags field of each layered setting that has one. */
export type FlagKey = { [K in LayeredKey]: Table[K] extends LayeredSetting<TSchema, unknown, infer F> ? F : never }[LayeredKey];

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
export const LAYERED_KEYS = SETTING_KEYS.filter((key): key is LayeredKey => SETTINGS[key].kind === 'layered');

export function settingOf(key: SettingKey): Setting {
  return SETTINGS[key];
}

export function layeredSetting<K extends LayeredKey>(key: K): LayeredSetting<TSchema, SettingValue<K>> {
  return SETTINGS[key] as unknown as LayeredSetting<TSchema, SettingValue<K>>;
}

/** `engine.concurrency` → `/engine/concurrency` (no key holds "/" or "~"). */
export function settingPointer(key: SettingKey): string {
  return `/${key.split('.').join('/')}`;
}

/**
 * The sections `tandem serve` and a project compile read. A command that needs only the settings
 * (tandem run, runs, logs...) does not fail over a problem inside them.
 */
export const PROJECT_SECTIONS: ReadonlySet<string> = new Set(['namespace', 'workflows', 'eventSources', 'sensors', 'server']);

/** The top-level key a JSON pointer is under ('' for the document itself). */
export function sectionOf(pointer: string): string {
  return pointer.split('/')[1] ?? '';
}

const TANDEM_SCHEMA_ID = 'https://tandem.dev/schema/tandem.json';

let fileDecl: TObject | undefined;

/**
 * The whole document's schema, built on first use: building it walks every setting's type (a few
 * milliseconds), which a command run without a tandem.yaml, such as `tandem runs`, never needs.
 */
export function tandemFileDecl(): TObject {
  fileDecl ??= Type.Object(sectionProperties(''), {
    additionalProperties: false,
    $id: TANDEM_SCHEMA_ID,
    title: 'tandem.yaml',
    description: "tandem's settings and the project `tandem serve` runs; see docs/configuration.md.",
  });
  return fileDecl;
}

function sectionProperties(prefix: string): Record<string, TSchema> {
  const properties: Record<string, TSchema> = {};
  const start = prefix === '' ? '' : `${prefix}.`;
  for (const key of SETTING_KEYS) {
    if (!key.startsWith(start)) continue;
    const [head = '', ...rest] = key.slice(start.length).split('.');
    if (head in properties) continue;
    const path = `${start}${head}`;
    properties[head] = Type.Optional(rest.length === 0 ? settingSchema(SETTINGS[key]) : sectionSchema(path));
  }
  return properties;
}

function sectionSchema(path: string): TSchema {
  const section = SECTIONS[path];
  const object: TObject = Type.Object(sectionProperties(path), {
    additionalProperties: false,
    ...(section !== undefined ? { description: section.description } : {}),
  });
  return section?.nullable ? Nullable(object) : object;
}

function settingSchema(setting: Setting): TSchema {
  // ajv-issues reads a union's description as what was expected there, so a type that explains
  // itself (a SecretRef, a Duration) keeps its words; the setting's own go to the docs table.
  const own = (setting.type as { description?: unknown }).description;
  const constant = typeof setting.default?.value === 'function' ? undefined : defaultValue(setting.default, { baseDir: '' });
  return CloneType(setting.type, {
    ...(own === undefined ? { description: setting.description } : {}),
    ...(constant !== undefined ? { default: constant } : {}),
  });
}
