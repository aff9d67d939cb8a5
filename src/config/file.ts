// Reading tandem.yaml, once: the YAML is parsed with positions and the whole document is checked
// against its declaration, every shape problem at once. What comes out serves both the settings
// (config/resolve.ts) and the project (project/load.ts), which read only the parts that are sound.
import { dirname, resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { Ajv, type ValidateFunction } from 'ajv';
import { SpecValidationError, type SpecIssue } from '../errors.js';
import { ajvIssues } from '../spec/ajv-issues.js';
import { locate, splitPointer, type PositionLookup } from '../spec/positions.js';
import { parseYamlText } from '../spec/yaml.js';
import { valueAt, within } from './pointer.js';
import { withoutSecretValue } from './redact.js';
import { SECTIONS } from './settings.js';
import { LAYERED_KEYS, PROJECT_SECTIONS, sectionOf, tandemFileDecl, settingPointer, type FileKey, type FileValue, type SettingKey } from './schema.js';

/** The file settings that are lists, and what their items are. */
type ListKey = { [K in FileKey]: FileValue<K> extends readonly unknown[] ? K : never }[FileKey];
type ItemOf<K extends ListKey> = FileValue<K> extends readonly (infer T)[] ? T : never;

export interface TandemFile {
  /** The path it was read from, as issues name it. */
  file: string;
  /** Its folder: relative paths inside it resolve here. */
  dir: string;
  /** Shape problems (YAML syntax included), placed in the file; none at a layered setting, whose own check speaks for it. */
  issues: SpecIssue[];
  /** False when the YAML does not parse: then no part of it can be read, and its problems concern every command. */
  parsed: boolean;
  /** What the file holds at a setting's key, checked or not; undefined when absent. */
  raw(key: SettingKey): unknown;
  /** A file setting's value, when present, not empty and of the declared shape. */
  value<K extends FileKey>(key: K): FileValue<K> | undefined;
  /** The items of a list setting that are of the declared shape, with their index; none when it is not a list. */
  items<K extends ListKey>(key: K): Array<{ index: number; value: ItemOf<K> }>;
  /** Whether no shape problem lies at or under a JSON pointer. */
  sound(pointer: string): boolean;
  /** Names this file in an issue found later, with line:column. */
  place(issue: SpecIssue): SpecIssue;
}

// ajv compiles the schema to code (about 100 ms for the whole file, sensors included): too much
// for every command's start. TypeBox checks the same declaration by walking it, in well under a
// millisecond, so ajv runs only when there is a problem to explain.
let validator: ValidateFunction | undefined;

function shapeIssues(document: unknown): SpecIssue[] {
  if (Value.Check(tandemFileDecl(), document)) return [];
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(tandemFileDecl());
  return validator(document) ? [] : ajvIssues(validator.errors ?? []).map(withSectionHint);
}

/** An unknown key in a section that has a word for it (`lanes.hybrid`: hybrid uses both) gets that word. */
function withSectionHint(issue: SpecIssue): SpecIssue {
  if (issue.expected === undefined || !issue.message.startsWith('unknown field')) return issue;
  const section = splitPointer(issue.path).slice(0, -1).join('.');
  const hint = SECTIONS[section]?.unknownKeyHint;
  return hint === undefined ? issue : { ...issue, expected: `${issue.expected}; ${hint}` };
}

const LAYERED_POINTERS = LAYERED_KEYS.map(settingPointer);

/**
 * Parses tandem.yaml's text. Problems are collected, not thrown; only YAML that cannot become
 * values at all (an alias bomb) throws SpecLoadError.
 */
export function parseTandemFile(file: string, text: string): TandemFile {
  let document: unknown = {};
  let positions: PositionLookup = { position: () => undefined };
  let valuePositions = positions;
  let issues: SpecIssue[] = [];
  let parsed = true;
  try {
    const yaml = parseYamlText(text, file);
    // An empty file is an empty configuration.
    document = yaml.value ?? {};
    positions = yaml.positions;
    valuePositions = yaml.valuePositions;
    issues = shapeIssues(document).filter((issue) => !LAYERED_POINTERS.some((p) => within(issue.path, p)));
  } catch (error) {
    if (!(error instanceof SpecValidationError)) throw error;
    issues = error.issues;
    parsed = false;
  }
  // A setting's problem points at its value, as settings always have; the project's sections at
  // the key, as workflow files do.
  const place = (issue: SpecIssue): SpecIssue =>
    withoutSecretValue(locate(issue, { file, positions: PROJECT_SECTIONS.has(sectionOf(issue.path)) ? positions : valuePositions }), document);
  const placed = issues.map(place);
  const sound = (pointer: string) => !placed.some((issue) => within(issue.path, pointer) || issue.path === '');
  return {
    file,
    dir: dirname(resolve(file)),
    issues: placed,
    parsed,
    raw: (key) => valueAt(document, settingPointer(key)),
    value<K extends FileKey>(key: K) {
      const found = valueAt(document, settingPointer(key));
      return found !== null && found !== undefined && sound(settingPointer(key)) ? (found as FileValue<K>) : undefined;
    },
    items<K extends ListKey>(key: K) {
      const list = valueAt(document, settingPointer(key));
      if (!Array.isArray(list)) return [];
      return list
        .map((value: unknown, index) => ({ index, value: value as ItemOf<K> }))
        .filter(({ index }) => sound(`${settingPointer(key)}/${index}`));
    },
    sound,
    place,
  };
}
