// Validation of a parsed workflow document: structure against the JSON Schema (ajv, every error
// at once), then semantic checks. Throws one SpecValidationError holding every issue, each with a
// JSON pointer and, when the source positions are known, line:column.
import { Ajv, type ValidateFunction } from 'ajv';
import { SpecValidationError, type SpecIssue } from '../errors.js';
import { ajvIssues } from './ajv-issues.js';
import type { PositionLookup } from './positions.js';
import { WorkflowDecl, type WorkflowSpec } from './schema.js';
import { checkSemantics } from './semantics.js';

export interface ValidateOptions {
  /** Named in every issue. */
  file?: string;
  /** Source positions, so issues carry line:column. */
  positions?: PositionLookup;
}

let compiled: ValidateFunction | undefined;

function structureValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(WorkflowDecl);
  return compiled;
}

/** Every issue in a document, structural first; an empty list means the document is a valid workflow. */
export function workflowIssues(doc: unknown, options: ValidateOptions = {}): SpecIssue[] {
  const validate = structureValidator();
  const issues = validate(doc) ? checkSemantics(doc as WorkflowSpec) : ajvIssues(validate.errors ?? []);
  const located = issues.map((issue) => locate(issue, options));
  // Stable sort: issues read in document order when their lines are known.
  return options.positions ? located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)) : located;
}

/** Validates a document and returns it typed as a workflow; throws SpecValidationError listing every issue. */
export function validateWorkflow(doc: unknown, options: ValidateOptions = {}): WorkflowSpec {
  const issues = workflowIssues(doc, options);
  if (issues.length > 0) throw new SpecValidationError(issues);
  return doc as WorkflowSpec;
}

export function locate(issue: SpecIssue, options: ValidateOptions): SpecIssue {
  const located: SpecIssue = { ...issue };
  if (options.file !== undefined && located.file === undefined) located.file = options.file;
  if (located.line === undefined && options.positions) {
    const position = options.positions.position(issue.path);
    if (position) {
      located.line = position.line;
      located.column = position.column;
    }
  }
  return located;
}
