// /api/v1/sensors and /api/v1/dead-letters: what each sensor of this server has seen, and the
// triggers that failed for good. Like events, these belong to no namespace: any token may read them.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { requirePrincipal } from '../namespaces.js';

const DeadLetterQuery = Type.Object(
  {
    sensor: Type.Optional(Type.String({ minLength: 1, description: 'only dead letters of this sensor' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

export function registerSensorRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/sensors', { config: { summary: "Each sensor's state: dependencies seen, satisfied, fired count, last fire, recent errors", namespaced: false } }, async (request) => {
    requirePrincipal(request.principal);
    return { sensors: ctx.pipeline?.sensorStates() ?? [] };
  });

  app.get('/api/v1/dead-letters', { schema: { querystring: DeadLetterQuery }, config: { summary: 'Triggers that failed for good, newest first', namespaced: false } }, async (request) => {
    requirePrincipal(request.principal);
    const query = request.query as { sensor?: string; limit?: number };
    const deadLetters = await ctx.store.listDeadLetters({ ...(query.sensor ? { sensor: query.sensor } : {}), limit: query.limit ?? 50 });
    return { deadLetters };
  });
}
