// Why a workflow module could not be imported, with the place in the file when the error has one:
// a TypeScript file that does not parse (esbuild, through tsx, says `FILE:LINE:COLUMN: ERROR: why`
// on the second line of its message, or lists its errors with their location), or a module that
// throws while it loads (the first stack frame inside the file, when the stack names it). The first
// line of the message alone ("Transform failed with 1 error:") says neither where nor why. V8 does
// not put a JavaScript syntax error's line on the error it throws: those keep the reason only.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SpecLoadError, SpecValidationError } from '../errors.js';
import { errorMessage } from '../util/error-message.js';
import { isRecord } from '../util/is-record.js';

interface Place {
  line: number;
  column?: number;
}

/** esbuild's errors (a TransformError's `errors`), when the error has them. */
function esbuildErrors(error: unknown): unknown[] | undefined {
  const errors = typeof error === 'object' && error !== null ? (error as { errors?: unknown }).errors : undefined;
  return Array.isArray(errors) ? errors : undefined;
}

/** esbuild's { text, location: { file, line (1-based), column (0-based) } }, for the file itself. */
function esbuildProblem(error: unknown, absolute: string): { reason: string; place?: Place } | undefined {
  const errors = esbuildErrors(error) ?? [];
  for (const item of errors) {
    if (!isRecord(item) || typeof item.text !== 'string') continue;
    const location = isRecord(item.location) ? item.location : undefined;
    const inFile = location !== undefined && typeof location.file === 'string' && samePath(location.file, absolute);
    if (inFile && typeof location.line === 'number') {
      return { reason: item.text, place: { line: location.line, ...(typeof location.column === 'number' ? { column: location.column + 1 } : {}) } };
    }
    return { reason: item.text };
  }
  return undefined;
}

function samePath(file: string, absolute: string): boolean {
  if (file === absolute) return true;
  try {
    return file.startsWith('file:') && fileURLToPath(file) === absolute;
  } catch {
    return false;
  }
}

/** esbuild's own line in the message, `FILE:LINE:COLUMN: ERROR: reason`, its column counted from 0. */
function esbuildMessageProblem(error: unknown, absolute: string): { reason: string; place: Place } | undefined {
  const match = new RegExp(`^${escape(absolute)}:(\\d+):(\\d+): ERROR: (.+)$`, 'm').exec(errorMessage(error));
  if (!match) return undefined;
  return { reason: match[3] as string, place: { line: Number(match[1]), column: Number(match[2]) + 1 } };
}

/** The first `FILE[?QUERY]:LINE[:COLUMN]` of the file in the text (a stack frame inside it). */
function placeIn(text: string, absolute: string): Place | undefined {
  const name = `(?:${escape(pathToFileURL(absolute).href)}|${escape(absolute)})`;
  // The loader imports `FILE?mtime=...` so that an edited module is read again.
  const match = new RegExp(`${name}(?:\\?[^:\\s]*)?:(\\d+)(?::(\\d+))?`).exec(text);
  if (!match) return undefined;
  return { line: Number(match[1]), ...(match[2] !== undefined ? { column: Number(match[2]) } : {}) };
}

/** The message's first line that says something, without esbuild's "Transform failed" preamble or a repeated path. */
function reasonOf(error: unknown, absolute: string): string {
  const lines = errorMessage(error)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^Transform failed with \d+ errors?:?$/.test(line));
  const first = lines[0] ?? 'cannot import';
  // "/abs/wf.ts:3:7: ERROR: Expected ..." -> "Expected ..."
  return first.replace(new RegExp(`^(${escape(pathToFileURL(absolute).href)}|${escape(absolute)})(:\\d+){0,2}:\\s*(ERROR:\\s*)?`), '');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The error to report for a module that failed to import: a syntax error is an issue at its line
 * and column (as a YAML or JSON syntax error is); a module that throws while it loads keeps the
 * SpecLoadError it always was, with its reason (and its line when a stack frame names the file).
 */
export function moduleImportError(error: unknown, absolute: string, file: string): SpecValidationError | SpecLoadError {
  // tsx passes esbuild's failure on as a TransformError whose message holds `FILE:LINE:COL: ERROR: reason`.
  const syntax = error instanceof SyntaxError || esbuildErrors(error) !== undefined || (error instanceof Error && error.name === 'TransformError');
  const esbuild = esbuildProblem(error, absolute) ?? esbuildMessageProblem(error, absolute);
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  const place = esbuild?.place ?? placeIn(`${errorMessage(error)}\n${stack}`, absolute);
  const reason = esbuild?.reason ?? reasonOf(error, absolute);
  if (!syntax) return new SpecLoadError(file, `cannot import: ${reason}${place ? ` (line ${place.line})` : ''}`);
  const at = place ? { line: place.line, ...(place.column !== undefined ? { column: place.column } : {}) } : {};
  return new SpecValidationError([{ file, path: '', ...at, message: `syntax error: ${reason}` }]);
}
