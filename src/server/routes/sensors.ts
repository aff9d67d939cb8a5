// /api/v1/sensors and /api/v1/dead-letters: what each sensor of this server has seen, and the
// triggers that failed for good. A sensor belongs to the namespaces of the workflows its triggers
// start (src/server/namespace-rules.ts): a token sees a sensor only when it may act in all of
// them — its state holds the events it saw and the runs it started there. A dead letter belongs
// to its trigger's workflow's namespace; one of a trigger the server no longer runs, to `*` tokens.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import type { NamespaceRules } from '../namespace-rules.js';
import { requirePrincipal } from '../namespaces.js';

const DeadLetterQuery = Type.Object(
  {
    sensor: Type.Optional(Type.String({ minLength: 1, description: 'only dead letters of this sensor' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

export function registerSensorRoutes(app: FastifyInstance, ctx: ApiContext, rules: NamespaceRules): void {
  app.get('/api/v1/sensors', { config: { summary: "Each sensor's state: dependencies seen, satisfied, fired count, last fire, recent errors", namespaced: false } }, async (request) => {
    const principal = requirePrincipal(request.principal);
    return { sensors: (ctx.pipeline?.sensorStates() ?? []).filter((sensor) => rules.maySeeSensor(principal, sensor.name)) };
  });

  app.get('/api/v1/dead-letters', { schema: { querystring: DeadLetterQuery }, config: { summary: 'Triggers that failed for good, newest first', namespaced: false } }, async (request) => {
    const principal = requirePrincipal(request.principal);
    const query = request.query as { sensor?: string; limit?: number };
    const deadLetters = await ctx.store.listDeadLetters({ ...(query.sensor ? { sensor: query.sensor } : {}), limit: query.limit ?? 50 });
    // As for runs and events, the limit counts every letter: a scoped token's page may hold fewer.
    return { deadLetters: deadLetters.filter((letter) => rules.maySeeDeadLetter(principal, letter)) };
  });
}
