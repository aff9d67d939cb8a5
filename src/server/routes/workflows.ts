// /api/v1/workflows: the workflows served, and starting runs of them.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError, UsageError } from '../../errors.js';
import { resolveParams } from '../../spec/params.js';
import { LANES, type Lane } from '../../spec/schema.js';
import { checkExperimentName } from '../../tracking/experiments.js';
import type { ApiContext } from '../context.js';
import { BadRequestError } from '../errors.js';
import { requirePrincipal, requireVisible, visibleNamespaces } from '../namespaces.js';

const NameParams = Type.Object({ name: Type.String({ minLength: 1 }) });
const NamespaceQuery = Type.Object({ namespace: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false });
const StartBody = Type.Object(
  {
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    lane: Type.Optional(Type.Union(LANES.map((lane) => Type.Literal(lane)), { description: "Record this lane instead of the router's choice (an override)." })),
    experiment: Type.Optional(Type.String({ minLength: 1, description: "The experiment the run belongs to; default the workflow's." })),
  },
  { additionalProperties: false },
);

export function registerWorkflowRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api/v1/workflows',
    { schema: { querystring: NamespaceQuery }, config: { summary: 'List the workflows served' } },
    async (request) => {
      const visible = visibleNamespaces(request.principal, (request.query as { namespace?: string }).namespace);
      return {
        workflows: ctx.catalog
          .list()
          .filter((entry) => visible(entry.namespace))
          .map((entry) => ({
            name: entry.spec.name,
            namespace: entry.namespace,
            version: entry.spec.version ?? '1',
            ...(entry.spec.type ? { type: entry.spec.type } : {}),
            ...(entry.spec.description ? { description: entry.spec.description } : {}),
            params: entry.spec.params ?? {},
          })),
      };
    },
  );

  app.get('/api/v1/workflows/:name', { schema: { params: NameParams }, config: { summary: 'Get a workflow definition' } }, async (request) => {
    const { name } = request.params as { name: string };
    const entry = ctx.catalog.get(name);
    if (!entry) throw new NotFoundError('workflow', name);
    requireVisible(request.principal, entry.namespace, 'workflow', name);
    return { name, namespace: entry.namespace, spec: entry.spec };
  });

  app.post(
    '/api/v1/workflows/:name/runs',
    {
      schema: {
        params: NameParams,
        body: StartBody,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
      },
      config: { summary: 'Start a run; an Idempotency-Key header makes repeats return the same run' },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const entry = ctx.catalog.get(name);
      if (!entry) throw new NotFoundError('workflow', name);
      requireVisible(request.principal, entry.namespace, 'workflow', name);
      const body = (request.body ?? {}) as { params?: Record<string, unknown>; lane?: Lane; experiment?: string };
      // Checked here so a bad param is a 400 naming it, before anything is recorded.
      try {
        resolveParams(entry.spec, body.params ?? {});
      } catch (error) {
        if (error instanceof UsageError) throw new BadRequestError(error.message, '/body/params');
        throw error;
      }
      const key = request.headers['idempotency-key'];
      const started = await ctx.runs.startRun({
        workflow: name,
        params: body.params ?? {},
        ...(body.lane !== undefined ? { lane: body.lane } : {}),
        ...(body.experiment !== undefined ? { experiment: checkExperimentName(body.experiment, 'experiment') } : {}),
        ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
        principal: requirePrincipal(request.principal),
      });
      const run = await ctx.store.getRun(started.runId);
      return reply.status(started.duplicate ? 200 : 201).send({ runId: started.runId, duplicate: started.duplicate, status: run?.status ?? 'Pending' });
    },
  );
}
