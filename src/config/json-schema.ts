// The published JSON Schema of tandem.yaml (schema/tandem.schema.json), rendered from the same
// declaration the loader validates against, so an editor completes and checks exactly what
// tandem accepts. Written like schema/workflow.schema.json (scripts/write-schema.ts).
import { JSON_SCHEMA_DIALECT } from '../spec/json-schema.js';
import { tandemFileDecl } from './schema.js';

/** The schema as pretty-printed JSON text, exactly as checked in. */
export function renderTandemSchema(): string {
  // JSON.stringify drops TypeBox's symbol-keyed metadata, leaving plain JSON Schema.
  const plain = JSON.parse(JSON.stringify(tandemFileDecl())) as Record<string, unknown>;
  const schema = { $schema: JSON_SCHEMA_DIALECT, $id: plain.$id, title: plain.title, ...plain };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
