// The OpenAPI 3 document, built from the routes the server registered and their JSON Schemas, so
// the document cannot drift from what the server validates.
import type { RouteInfo } from './app.js';

export function openApiDocument(routes: readonly RouteInfo[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const schema = route.schema ?? {};
    const parameters: unknown[] = [];
    for (const [where, key] of [
      ['path', 'params'],
      ['query', 'querystring'],
      ['header', 'headers'],
    ] as const) {
      const properties = (schema[key] as { properties?: Record<string, unknown>; required?: string[] } | undefined) ?? {};
      for (const [name, propertySchema] of Object.entries(properties.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (properties.required ?? []).includes(name), schema: propertySchema });
      }
    }
    const operation: Record<string, unknown> = {
      ...(route.summary ? { summary: route.summary } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(schema.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema.body } } } } : {}),
      responses: responsesOf(schema.response as Record<string, unknown> | undefined, route.auth),
      ...(route.auth ? {} : { security: [] }),
    };
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'tandem API', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

function responsesOf(response: Record<string, unknown> | undefined, auth: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(response ?? { 200: {} })) {
    out[status] = { description: status.startsWith('2') ? 'OK' : 'error', content: { 'application/json': { schema } } };
  }
  out['400'] = { description: 'a bad request: the body names the field at fault' };
  if (auth) {
    out['401'] = { description: 'no valid bearer token' };
    out['403'] = { description: 'the token may not act in this namespace' };
  }
  return out;
}
