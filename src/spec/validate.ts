// Validation of a parsed workflow document: structure against the JSON Schema (ajv, every error
// at once), then semantic checks. Throws one SpecValidationError holding every issue, each with a
// JSON pointer and, when the source positions are known, line:column.
import type { ValidateFunction } from 'ajv';
import { SpecValidationError, type SpecIssue } from '../errors.js';
import { ajvIssues } from './ajv-issues.js';
import { locate, type PositionLookup } from './positions.js';
import type { WorkflowSpec } from './schema.js';
import { checkSemantics } from './semantics.js';
import { isRecord } from '../util/is-record.js';
// Precompiled from WorkflowDecl (see validator-source.ts): compiling the schema at start-up cost
// more than validating a 1,000-task workflow with it.
import { validate as precompiled } from './workflow-validator.generated.js';

export interface ValidateOptions {
  /** Named in every issue. */
  file?: string;
  /** Source positions, so issues carry line:column. */
  positions?: PositionLookup;
}

const structureValidator = (): ValidateFunction => precompiled as unknown as ValidateFunction;

/** Every issue in a document, structural first; an empty list means the document is a valid workflow. */
export function workflowIssues(doc: unknown, options: ValidateOptions = {}): SpecIssue[] {
  const validate = structureValidator();
  const issues = validate(doc) ? checkSemantics(doc as WorkflowSpec) : structureAndSemantics(doc, ajvIssues(validate.errors ?? []));
  const located = issues.map((issue) => locate(issue, options));
  // Stable sort: issues read in document order when their lines are known.
  return options.positions ? located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)) : located;
}

/**
 * A document with structural errors still gets the semantic checks where its task list can be
 * walked, so a user sees an unknown dependency and a misspelt field in one round. Semantic issues
 * inside a structurally broken part are dropped (they would restate it), and a shape the checks
 * cannot walk (say, `when: 5`) leaves the structural issues alone.
 */
function structureAndSemantics(doc: unknown, structural: SpecIssue[]): SpecIssue[] {
  if (!walkable(doc)) return structural;
  let semantic: SpecIssue[];
  try {
    semantic = checkSemantics(doc as WorkflowSpec);
  } catch {
    return structural;
  }
  const broken = structural.map((issue) => issue.path);
  const overlaps = (path: string) => broken.some((b) => path === b || path.startsWith(`${b}/`) || b.startsWith(`${path}/`));
  return [...structural, ...semantic.filter((issue) => !overlaps(issue.path))];
}

function walkable(doc: unknown): boolean {
  const namedTasks = (value: unknown) => Array.isArray(value) && value.every((task) => isRecord(task) && typeof task.name === 'string');
  return isRecord(doc) && namedTasks(doc.tasks) && (doc.finally === undefined || namedTasks(doc.finally));
}

/** Validates a document and returns it typed as a workflow; throws SpecValidationError listing every issue. */
export function validateWorkflow(doc: unknown, options: ValidateOptions = {}): WorkflowSpec {
  const issues = workflowIssues(doc, options);
  if (issues.length > 0) throw new SpecValidationError(issues);
  return doc as WorkflowSpec;
}

