// In-process test double support, written for tandem from the official Swagger 2.0 API files
// (../shared/specs/argo-workflows/swagger.json, ../shared/specs/kfp/kfp_api_v2beta1.swagger.json);
// not upstream code.
//
// Compiles, from one Swagger 2.0 file, what a grpc-gateway in front of the real server checks: the
// route (path template and method), the path and query parameters' types, and the body against its
// definition; and checks what a double answers against the operation's response schema. Each check
// returns the problems as text: the double decides the status, the harness records the violation.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { SWAGGER_FORMATS, rewriteDefinitions, rewriteSchema, type RewriteOptions, type Schema } from './swagger-schema.js';

interface SwaggerParameter {
  name: string;
  in: 'path' | 'query' | 'body' | 'formData' | 'header';
  required?: boolean;
  type?: string;
  format?: string;
  items?: { type?: string; format?: string };
  schema?: Schema;
}

export interface SwaggerOperation {
  operationId: string;
  parameters?: SwaggerParameter[];
  responses: Record<string, { schema?: Schema }>;
  consumes?: string[];
}

interface SwaggerDocument {
  paths: Record<string, Record<string, SwaggerOperation>>;
  definitions: Record<string, unknown>;
}

interface Route {
  template: string;
  pattern: RegExp;
  names: string[];
  /** Literal characters, so `/workflows/{ns}/lint` wins over `/workflows/{ns}/{name}`. */
  literal: number;
  methods: Map<string, SwaggerOperation>;
}

export type RouteMatch =
  | { kind: 'found'; operation: SwaggerOperation; template: string; params: Record<string, string> }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allowed: string[] };

export interface RequestParts {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body, undefined when none was sent. */
  body: unknown;
}

export interface RequestProblems {
  /** Problems the real server answers 400 for. */
  refused: string[];
  /** Fields the real server would drop without a word (unknown body fields, unknown query keys). */
  ignored: string[];
  /** The unknown body fields: JSON pointer of the object, and the field's name. */
  unknownFields: Array<{ at: string; field: string }>;
}

const DOC_ID = 'swagger';

function formatErrors(errors: ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? [])
    // anyOf's own line only repeats its branches' errors.
    .filter((error) => error.keyword !== 'anyOf')
    .map((error) => {
      const extra = error.keyword === 'additionalProperties' ? ` '${String((error.params as { additionalProperty: string }).additionalProperty)}'` : '';
      return `${where}${error.instancePath || '/'} ${error.message ?? error.keyword}${extra}`;
    });
}

/** grpc-gateway's strconv-based readers. */
function queryValueProblem(param: SwaggerParameter, value: string): string | undefined {
  const type = param.type === 'array' ? param.items?.type : param.type;
  const format = param.type === 'array' ? param.items?.format : param.format;
  if (type === 'boolean' && !/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(value)) return 'is not a boolean';
  if ((type === 'integer' || format === 'int64' || format === 'int32' || format === 'uint64') && !/^-?\d+$/.test(value)) {
    return 'is not an integer';
  }
  return undefined;
}

export class SwaggerContract {
  private readonly routes: Route[] = [];
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly rewrite: RewriteOptions;

  private constructor(doc: SwaggerDocument, rewrite: RewriteOptions) {
    this.rewrite = rewrite;
    // strict off: Swagger's dialect carries keywords (title, default on refs) JSON Schema's strict
    // mode rejects; allErrors so a violation lists every wrong field at once.
    this.ajv = new Ajv({ strict: false, allErrors: true, formats: SWAGGER_FORMATS, validateSchema: false });
    this.ajv.addSchema({ $id: DOC_ID, definitions: rewriteDefinitions(doc.definitions, rewrite) });
    for (const [template, operations] of Object.entries(doc.paths)) {
      const names: string[] = [];
      const source = template
        .split(/(\{[^}]+\})/)
        .map((part) => {
          if (part.startsWith('{')) {
            names.push(part.slice(1, -1));
            // One segment, never empty, never the `:verb` suffix.
            return '([^/:]+)';
          }
          return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        })
        .join('');
      const methods = new Map<string, SwaggerOperation>();
      for (const [method, operation] of Object.entries(operations)) {
        if (method !== 'parameters') methods.set(method.toUpperCase(), operation);
      }
      const literal = template.replace(/\{[^}]+\}/g, '').length;
      this.routes.push({ template, pattern: new RegExp(`^${source}$`), names, literal, methods });
    }
  }

  private static readonly loaded = new Map<string, SwaggerContract>();

  /** One compiled contract per file and options (compiling Argo's file takes a moment). */
  static load(file: string, rewrite: RewriteOptions): SwaggerContract {
    const key = `${file}\0${rewrite.nullable}\0${rewrite.strict}`;
    let contract = SwaggerContract.loaded.get(key);
    if (contract === undefined) {
      contract = new SwaggerContract(JSON.parse(readFileSync(file, 'utf8')) as SwaggerDocument, rewrite);
      SwaggerContract.loaded.set(key, contract);
    }
    return contract;
  }

  match(method: string, pathname: string): RouteMatch {
    const hits: Array<{ route: Route; values: string[] }> = [];
    for (const route of this.routes) {
      const found = route.pattern.exec(pathname);
      if (found !== null) hits.push({ route, values: found.slice(1) });
    }
    if (hits.length === 0) return { kind: 'not-found' };
    const withMethod = hits.filter((hit) => hit.route.methods.has(method)).sort((a, b) => b.route.literal - a.route.literal);
    const best = withMethod[0];
    if (best === undefined) {
      return { kind: 'method-not-allowed', allowed: [...new Set(hits.flatMap((hit) => [...hit.route.methods.keys()]))] };
    }
    const params: Record<string, string> = {};
    best.route.names.forEach((name, i) => {
      params[name] = decodeURIComponent(best.values[i] ?? '');
    });
    return { kind: 'found', operation: best.route.methods.get(method) as SwaggerOperation, template: best.route.template, params };
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.cache.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(this.inline(schema) as Schema);
      this.cache.set(key, validate);
    }
    return validate;
  }

  /** An operation's inline schema, its `#/definitions/` refs pointed at the shared document. */
  private inline(schema: unknown): unknown {
    const rewritten = rewriteSchema(schema, this.rewrite);
    return JSON.parse(JSON.stringify(rewritten).replaceAll('"#/definitions/', `"${DOC_ID}#/definitions/`));
  }

  checkRequest(operation: SwaggerOperation, request: RequestParts): RequestProblems {
    const refused: string[] = [];
    const ignored: string[] = [];
    const unknownFields: RequestProblems['unknownFields'] = [];
    const parameters = operation.parameters ?? [];
    for (const param of parameters) {
      if (param.in === 'path' && (request.params[param.name] ?? '') === '') refused.push(`path parameter ${param.name} is missing`);
      if (param.in !== 'query') continue;
      const values = request.query.getAll(param.name);
      if (param.required === true && values.length === 0) refused.push(`query parameter ${param.name} is required`);
      if (param.type !== 'array' && values.length > 1) refused.push(`query parameter ${param.name} is repeated`);
      for (const value of values) {
        const problem = queryValueProblem(param, value);
        if (problem !== undefined) refused.push(`query parameter ${param.name}=${JSON.stringify(value)} ${problem}`);
      }
    }
    const known = new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name));
    for (const key of new Set(request.query.keys())) {
      if (!known.has(key)) ignored.push(`query parameter ${key} is not in ${operation.operationId}`);
    }
    const bodyParam = parameters.find((p) => p.in === 'body');
    if (bodyParam === undefined) {
      if (request.body !== undefined && !(operation.consumes ?? []).includes('multipart/form-data')) {
        ignored.push(`${operation.operationId} takes no body`);
      }
    } else if (bodyParam.schema !== undefined) {
      // grpc-gateway reads an empty body as the empty message.
      const validate = this.validator(`${operation.operationId}:body`, bodyParam.schema);
      if (!validate(request.body ?? {})) {
        for (const error of validate.errors ?? []) {
          const line = formatErrors([error], 'body');
          if (error.keyword === 'additionalProperties') {
            ignored.push(...line);
            unknownFields.push({ at: error.instancePath, field: (error.params as { additionalProperty: string }).additionalProperty });
          } else refused.push(...line);
        }
      }
    }
    return { refused, ignored, unknownFields };
  }

  /** Problems with a whole response body (or one message of a stream) the double is about to send. */
  checkResponse(operation: SwaggerOperation, status: number, body: unknown): string[] {
    const response = operation.responses[String(status)] ?? operation.responses.default;
    if (response === undefined) return [`${operation.operationId} declares no response ${status}`];
    if (response.schema === undefined) return [];
    const validate = this.validator(`${operation.operationId}:${status in operation.responses ? status : 'default'}`, response.schema);
    return validate(body) ? [] : formatErrors(validate.errors, `${operation.operationId} ${status} response`);
  }

  /** Problems with a value checked against one named definition (fixtures, stored objects). */
  checkDefinition(name: string, value: unknown): string[] {
    const validate = this.validator(`definition:${name}`, { $ref: `#/definitions/${name}` });
    return validate(value) ? [] : formatErrors(validate.errors, name);
  }
}
