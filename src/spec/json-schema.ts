// The published JSON Schema (schema/workflow.schema.json), rendered from the TypeBox declaration
// so editors that autocomplete YAML and the validator that checks it read the same shapes.
import { WorkflowDecl } from './schema.js';

export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/** The schema as pretty-printed JSON text, exactly as checked in. */
export function renderWorkflowSchema(): string {
  // JSON.stringify drops TypeBox's symbol-keyed metadata, leaving plain JSON Schema.
  const plain = JSON.parse(JSON.stringify(WorkflowDecl)) as Record<string, unknown>;
  const schema = { $schema: JSON_SCHEMA_DIALECT, $id: plain.$id, title: plain.title, ...plain };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
