// The layers of a setting: its default, overridden by tandem.yaml, by its TANDEM_* variable, by
// its flag. Every layer's value goes through the setting's one parse, and every bad value is
// reported (also one a later layer overrides: it is still a mistake in that file or variable).
import type { SpecIssue } from '../errors.js';
import type { TandemFile } from './file.js';
import { LAYERED_KEYS, layeredSetting, settingPointer, type LayeredKey, type SettingValue } from './schema.js';
import { defaultValue, Rejection } from './setting.js';
import type { ConfigFlags, ConfigSource } from './types.js';

export type LayeredValues = { [K in LayeredKey]?: SettingValue<K> };

export interface Layered {
  values: LayeredValues;
  sources: Record<LayeredKey, ConfigSource>;
  issues: SpecIssue[];
}

export interface LayerInputs {
  file: TandemFile | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
  flags: ConfigFlags;
}

export function resolveLayers(inputs: LayerInputs): Layered {
  const values: Record<string, unknown> = {};
  const sources = {} as Record<LayeredKey, ConfigSource>;
  const issues: SpecIssue[] = [];
  for (const key of LAYERED_KEYS) {
    const found = resolveOne(key, inputs, issues);
    sources[key] = found?.source ?? 'default';
    const value = found?.value ?? defaultValue(layeredSetting(key).default, { baseDir: inputs.cwd });
    if (value !== undefined) values[key] = value;
  }
  return { values: values as LayeredValues, sources, issues };
}

function resolveOne<K extends LayeredKey>(key: K, inputs: LayerInputs, issues: SpecIssue[]): { value: SettingValue<K>; source: ConfigSource } | undefined {
  const setting = layeredSetting(key);
  const pointer = settingPointer(key);
  const layers: Array<{ source: ConfigSource; raw: unknown; baseDir: string; at: Pick<SpecIssue, 'origin'> }> = [];
  const inFile = inputs.file?.raw(key);
  if (inputs.file !== undefined && inFile !== undefined) layers.push({ source: 'file', raw: inFile, baseDir: inputs.file.dir, at: {} });
  const inEnv = setting.env !== undefined ? nonEmpty(inputs.env[setting.env]) : undefined;
  if (setting.env !== undefined && inEnv !== undefined) layers.push({ source: 'env', raw: inEnv, baseDir: inputs.cwd, at: { origin: setting.env } });
  const flagKey = setting.flag?.key as keyof ConfigFlags | undefined;
  const inFlag = flagKey !== undefined ? inputs.flags[flagKey] : undefined;
  if (setting.flag !== undefined && inFlag !== undefined) layers.push({ source: 'flag', raw: inFlag, baseDir: inputs.cwd, at: { origin: setting.flag.name } });
  let chosen: { value: SettingValue<K>; source: ConfigSource } | undefined;
  for (const layer of layers) {
    const parsed = setting.parse(layer.raw, { baseDir: layer.baseDir });
    if (parsed === undefined || parsed instanceof Rejection) {
      const detail = parsed instanceof Rejection ? parsed.detail : {};
      const issue: SpecIssue = {
        ...layer.at,
        path: pointer,
        message: detail.message ?? '',
        ...(detail.message === undefined ? { expected: detail.expected ?? setting.expected, found: detail.found ?? JSON.stringify(layer.raw) } : {}),
      };
      issues.push(layer.source === 'file' && inputs.file !== undefined ? inputs.file.place(issue) : issue);
      continue;
    }
    chosen = { value: parsed, source: layer.source };
  }
  return chosen;
}

/** An empty variable counts as unset. */
function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
