// The schema validators of the API's routes. Query strings, path params and headers arrive as
// text, so their values are coerced to the declared types (`?limit=20` → 20, a lone `?status=`
// → an array). A JSON body has types of its own: it is validated as sent, so `{"experiment": 5}`
// is refused as not a string instead of becoming the experiment "5".
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';

export function useRouteValidators(app: FastifyInstance): void {
  // verbose: each finding carries its schema, so a refused union can list the values it takes.
  const options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false, verbose: true } as const;
  const text = new Ajv({ ...options, coerceTypes: 'array' });
  const json = new Ajv({ ...options, coerceTypes: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema));
}
