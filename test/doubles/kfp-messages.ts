// In-process test double support, written for tandem from the official API file
// ../shared/specs/kfp/kfp_api_v2beta1.swagger.json; not upstream code.
//
// KFP's marshaller writes every field of a message, set or not (protojson's EmitUnpopulated, as
// the fixtures in ../shared/fixtures/kfp-api-v2beta1 show): "" and 0 and false for scalars, "0" for
// int64, null for unset messages and timestamps, {} for maps, [] for lists, an enum's default; of
// a oneof, only the member that is set. This fills a message out from the Swagger definitions the
// same way, so the double's answers have the key set the real server's have.
import { readFileSync } from 'node:fs';

type Definition = { type?: string; enum?: string[]; default?: string; properties?: Record<string, Property> };
type Property = { type?: string; format?: string; $ref?: string; additionalProperties?: unknown };

/** Oneof groups of the messages the double writes (from the proto files the Swagger was generated from). */
const ONEOFS: Record<string, string[][]> = {
  v2beta1Run: [['pipeline_version_id', 'pipeline_spec', 'pipeline_version_reference']],
  v2beta1RecurringRun: [['pipeline_version_id', 'pipeline_spec', 'pipeline_version_reference']],
  v2beta1Trigger: [['cron_schedule', 'periodic_schedule']],
};

export class MessageShapes {
  private readonly definitions: Record<string, Definition>;

  constructor(swaggerFile: string) {
    this.definitions = (JSON.parse(readFileSync(swaggerFile, 'utf8')) as { definitions: Record<string, Definition> }).definitions;
  }

  private unset(property: Property): unknown {
    if (property.$ref !== undefined) {
      const target = this.definitions[property.$ref.replace('#/definitions/', '')];
      if (target?.enum !== undefined) return target.default ?? target.enum[0];
      return null;
    }
    switch (property.type) {
      case 'string':
        if (property.format === 'date-time') return null;
        if (property.format === 'int64' || property.format === 'uint64') return '0';
        return '';
      case 'integer':
      case 'number':
        return 0;
      case 'boolean':
        return false;
      case 'array':
        return [];
      case 'object':
        return property.additionalProperties !== undefined ? {} : null;
      default:
        return null;
    }
  }

  /** All fields of `message` in declaration order, `values` where given, defaults elsewhere. */
  fill(message: string, values: Record<string, unknown>): Record<string, unknown> {
    const definition = this.definitions[message];
    if (definition?.properties === undefined) throw new Error(`no message ${message} in the API file`);
    const skipped = new Set<string>();
    for (const group of ONEOFS[message] ?? []) {
      for (const member of group) if (values[member] === undefined) skipped.add(member);
    }
    const out: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(definition.properties)) {
      if (skipped.has(name)) continue;
      out[name] = values[name] !== undefined ? values[name] : this.unset(property);
    }
    for (const name of Object.keys(values)) {
      if (!(name in definition.properties)) throw new Error(`${message} has no field ${name}`);
    }
    return out;
  }
}
