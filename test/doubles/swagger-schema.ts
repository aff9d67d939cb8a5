// In-process test double support, written for tandem from the official Swagger 2.0 API files
// (../shared/specs/argo-workflows/swagger.json, ../shared/specs/kfp/kfp_api_v2beta1.swagger.json);
// not upstream code.
//
// Rewrites a Swagger 2.0 schema into the JSON Schema ajv checks, where the two dialects differ or
// where the wire format differs from what the schema says:
// - int64/uint64 travel as strings (grpc-gateway's protojson) or numbers (Kubernetes' encoding/json
//   and every protojson reader), so either is accepted wherever the file says int64;
// - IntOrString and Quantity are written `type: string` in Argo's file but Kubernetes sends and
//   accepts numbers for them too;
// - protojson with EmitUnpopulated writes `null` for every unset message field (KFP's own fixtures
//   show `"error": null`), so a dialect can make properties nullable;
// - `strict` closes every object that lists its properties, so a misspelt field is caught.

export type Schema = Record<string, unknown>;

export interface RewriteOptions {
  /** Properties may be null (protojson's EmitUnpopulated and its reader). */
  nullable: boolean;
  /** Objects with listed properties reject any other property. */
  strict: boolean;
}

/** Definitions whose Swagger text is narrower than what Kubernetes puts on the wire. */
const NUMBER_OR_STRING = new Set([
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  'io.k8s.apimachinery.pkg.api.resource.Quantity',
]);

/**
 * Definitions Kubernetes writes as null when unset: metav1.Time marshals its zero value as `null`
 * (real workflows carry `"finishedAt": null`).
 */
const NULLABLE_STRING = new Set([
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime',
]);

/**
 * Properties whose Go type reads more than the Swagger text says: Argo's AnyString (a parameter's
 * value and default) takes a JSON number or boolean as its text, and real workflows send them.
 */
const PROPERTY_OVERRIDES: Record<string, Record<string, Schema>> = {
  'io.argoproj.workflow.v1alpha1.Parameter': {
    value: { type: ['string', 'number', 'boolean'] },
    default: { type: ['string', 'number', 'boolean'] },
  },
};

const INT64_FORMATS = new Set(['int64', 'uint64']);

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withNull(schema: Schema): Schema {
  if (typeof schema.type === 'string') {
    const enumValues = Array.isArray(schema.enum) ? { enum: [...(schema.enum as unknown[]), null] } : {};
    return { ...schema, type: [schema.type, 'null'], ...enumValues };
  }
  if (Array.isArray(schema.type)) return { ...schema, type: [...(schema.type as string[]), 'null'] };
  // A bare $ref (or an untyped schema, which already admits null).
  if (schema.$ref !== undefined) return { anyOf: [{ type: 'null' }, schema] };
  return schema;
}

/** One schema node rewritten (recursively); `definitions` is the whole file's table. */
export function rewriteSchema(node: unknown, options: RewriteOptions): unknown {
  if (Array.isArray(node)) return node.map((item) => rewriteSchema(item, options));
  if (!isObject(node)) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && isObject(value)) {
      const properties: Schema = {};
      for (const [name, property] of Object.entries(value)) {
        const rewritten = rewriteSchema(property, options) as Schema;
        properties[name] = options.nullable ? withNull(rewritten) : rewritten;
      }
      out.properties = properties;
    } else if (key === 'items' || key === 'additionalProperties' || key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = rewriteSchema(value, options);
    } else if (key.startsWith('x-') || key === 'example' || key === 'discriminator' || key === 'readOnly') {
      // Swagger-only annotations: ajv has nothing to check there.
    } else {
      out[key] = value;
    }
  }
  if (typeof out.format === 'string' && INT64_FORMATS.has(out.format)) {
    out.type = ['integer', 'string'];
  }
  // Swagger ignores siblings of $ref; JSON Schema would apply them, so drop all but the reference.
  if (typeof out.$ref === 'string') return { $ref: out.$ref };
  if (options.strict && isObject(out.properties) && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

/** The file's definitions, rewritten for ajv. */
export function rewriteDefinitions(definitions: Record<string, unknown>, options: RewriteOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(definitions)) {
    if (NUMBER_OR_STRING.has(name)) out[name] = { type: ['string', 'number'] };
    else if (NULLABLE_STRING.has(name)) out[name] = { type: ['string', 'null'], format: 'date-time' };
    else {
      const rewritten = rewriteSchema(schema, options) as Schema;
      const overrides = PROPERTY_OVERRIDES[name];
      if (overrides !== undefined) rewritten.properties = { ...(rewritten.properties as Schema), ...overrides };
      out[name] = rewritten;
    }
  }
  return out;
}

/** The formats the two files use, written here rather than pulled in from ajv-formats. */
export const SWAGGER_FORMATS = {
  int64: /^-?\d+$/,
  uint64: /^\d+$/,
  int32: { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  // RFC 3339 as Go's time and protojson write it: fractional seconds optional, Z or an offset.
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  byte: /^[A-Za-z0-9+/_-]*={0,2}$/,
  double: true as const,
  float: true as const,
};
