// Loading a workflow definition from YAML, JSON or a TypeScript/JavaScript module. Every format
// yields the same plain spec object for equivalent definitions, validated, with problems reported
// as issues carrying file and line:column (never a stack trace).
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpecLoadError, SpecValidationError, TandemError } from '../errors.js';
import { moduleImportError } from './module-error.js';
import { sizeIssue, textSizeIssue, valueBoundsIssue, depthIssue } from './bounds.js';
import { jsonPositions, offsetPosition, scanJson } from './positions.js';
import { firstLine, parseYamlText } from './yaml.js';
import type { WorkflowSpec } from './schema.js';
import { validateWorkflow } from './validate.js';
import { errorMessage } from '../util/error-message.js';
import { isRecord } from '../util/is-record.js';
import { limits } from '../util/limits.js';

export interface LoadedWorkflow {
  spec: WorkflowSpec;
  /** The file as given (or the name passed to loadWorkflowText). */
  file: string;
  /** Absolute directory of the file: relative module and cwd paths resolve against it. */
  baseDir: string;
}

export type TextFormat = 'yaml' | 'json';
type WorkflowFormat = TextFormat | 'module';

const FORMATS: Record<string, WorkflowFormat> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
  '.ts': 'module',
  '.mts': 'module',
  '.cts': 'module',
  '.js': 'module',
  '.mjs': 'module',
  '.cjs': 'module',
};

/** The format a file's extension implies, or undefined for an unsupported extension. */
function formatOf(file: string): WorkflowFormat | undefined {
  return FORMATS[extname(file).toLowerCase()];
}

/** Loads and validates a workflow file (.yaml, .yml, .json, .ts, .mts, .js, .mjs). */
export async function loadWorkflowFile(file: string): Promise<LoadedWorkflow> {
  const format = formatOf(file);
  if (!format) {
    throw new SpecLoadError(file, `unsupported file type "${extname(file)}": expected ${Object.keys(FORMATS).join(', ')}`);
  }
  const absolute = resolve(file);
  let text: string | undefined;
  try {
    const { size } = await stat(absolute);
    // Refused before it is read: a file of gigabytes must not be loaded to learn it is too big.
    if (format !== 'module' && size > limits().documentBytes) throw new SpecValidationError([{ file, ...sizeIssue(size) }]);
    if (format !== 'module') text = await readFile(absolute, 'utf8');
  } catch (error) {
    if (error instanceof SpecValidationError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new SpecLoadError(file, code === 'ENOENT' ? 'no such file' : `cannot read: ${errorMessage(error)}`);
  }
  if (text !== undefined) return loadWorkflowText(text, { file, format: format as TextFormat });
  const doc = await importModuleSpec(absolute, file);
  return { spec: withinStack(file, () => validateWorkflow(doc, { file })), file, baseDir: dirname(absolute) };
}

/** Parses and validates workflow text; used for files and for definitions sent over the API. */
export function loadWorkflowText(text: string, options: { file?: string; format: TextFormat; baseDir?: string }): LoadedWorkflow {
  const file = options.file ?? '<input>';
  const baseDir = options.baseDir ?? (options.file !== undefined ? dirname(resolve(options.file)) : process.cwd());
  const spec = withinStack(file, () => (options.format === 'yaml' ? parseYamlSpec(text, file) : parseJsonSpec(text, file)));
  return { spec, file, baseDir };
}

/**
 * The bounds (limits.nestingDepth) keep every recursive walk far from the end of the stack; should
 * one still get there, the file is reported as unreadable, never as tandem failing.
 */
function withinStack<T>(file: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof RangeError) throw new SpecLoadError(file, `cannot read: ${error.message} (is it nested too deeply?)`);
    throw error;
  }
}

function parseYamlSpec(text: string, file: string): WorkflowSpec {
  const { value, positions } = parseYamlText(text, file);
  return validateWorkflow(value, { file, positions });
}

function parseJsonSpec(text: string, file: string): WorkflowSpec {
  const tooBig = textSizeIssue(text);
  if (tooBig) throw new SpecValidationError([{ file, ...tooBig }]);
  const scan = scanJson(text, limits().nestingDepth);
  if (scan.tooDeep) {
    throw new SpecValidationError([{ file, ...offsetPosition(text, scan.tooDeep.offset), ...depthIssue(scan.tooDeep.pointer, limits().nestingDepth) }]);
  }
  if (scan.error) {
    const { line, column } = offsetPosition(text, scan.error.offset);
    throw new SpecValidationError([{ file, path: '', line, column, message: `JSON syntax error: ${scan.error.message}` }]);
  }
  if (scan.duplicates.length > 0) {
    throw new SpecValidationError(
      scan.duplicates.map((dup) => ({
        file,
        path: dup.pointer,
        ...offsetPosition(text, dup.offset),
        message: 'duplicate key: each key may appear only once in an object',
      })),
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SpecLoadError(file, `invalid JSON: ${errorMessage(error)}`);
  }
  return validateWorkflow(value, { file, positions: jsonPositions(text, scan.offsets) });
}

/** Imports a workflow module and returns its spec as plain JSON data. */
async function importModuleSpec(absolute: string, file: string): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    const isTypeScript = /\.[cm]?ts$/i.test(absolute);
    if (isTypeScript) {
      const { tsImport } = await import('tsx/esm/api');
      mod = (await tsImport(pathToFileURL(absolute).href, import.meta.url)) as Record<string, unknown>;
    } else {
      const { mtimeMs } = await stat(absolute);
      mod = (await import(`${pathToFileURL(absolute).href}?mtime=${mtimeMs}`)) as Record<string, unknown>;
    }
  } catch (error) {
    if (error instanceof TandemError) throw error;
    // With the line and the reason: a syntax error's first line alone says neither.
    throw moduleImportError(error, absolute, file);
  }
  let exported = mod.default ?? mod.workflow;
  // A module compiled as CommonJS arrives wrapped once more.
  if (isRecord(exported) && !('tasks' in exported) && isRecord(exported.default ?? exported.workflow)) {
    exported = exported.default ?? exported.workflow;
  }
  if (!isRecord(exported)) {
    throw new SpecLoadError(file, 'the module must export a workflow as its default export or as "workflow"');
  }
  // Before JSON.stringify: it recurses per level and writes a shared subtree once per use.
  const bounds = valueBoundsIssue(exported);
  if (bounds) throw new SpecValidationError([{ file, ...bounds }]);
  try {
    // Plain data only, exactly as YAML would give: references become their {{ }} text, undefined fields vanish.
    return JSON.parse(JSON.stringify(exported)) as unknown;
  } catch (error) {
    throw new SpecLoadError(file, `the exported workflow is not plain data: ${firstLine(errorMessage(error))}`);
  }
}

