// /api/v1/runs: listing with filters and paging, details with task runs, cancel, logs.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { isTerminalRunStatus, RUN_STATUSES, type RunStatus } from '../../engines/model.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { RunRecord } from '../../store/ports/runs.js';
import type { ApiContext } from '../context.js';
import { requireVisible, visibleNamespaces } from '../namespaces.js';
import { visiblePage } from '../paging.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Array(Type.Union(RUN_STATUSES.map((s) => Type.Literal(s))))),
    workflow: Type.Optional(Type.String({ minLength: 1 })),
    namespace: Type.Optional(Type.String({ minLength: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    before: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

function summary(run: RunRecord, namespace: string) {
  return {
    id: run.id,
    workflow: run.workflow,
    namespace,
    version: run.version,
    status: run.status,
    ...(run.message ? { message: run.message } : {}),
    origin: run.origin,
    createdAt: run.createdAt,
    ...(run.startedAt ? { startedAt: run.startedAt } : {}),
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
  };
}

export function registerRunRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/runs', { schema: { querystring: ListQuery }, config: { summary: 'List runs, newest first' } }, async (request) => {
    const query = request.query as { status?: RunStatus[]; workflow?: string; namespace?: string; limit?: number; before?: string };
    const visible = visibleNamespaces(request.principal, query.namespace);
    const page = await visiblePage(
      (before, limit) =>
        ctx.store.listRuns({
          ...(query.status ? { status: query.status } : {}),
          ...(query.workflow ? { workflow: query.workflow } : {}),
          ...(before ? { before } : {}),
          limit,
        }),
      (run) => visible(ctx.catalog.namespaceOf(run.workflow)),
      (run) => run.id,
      query.limit ?? 50,
      query.before,
    );
    return { runs: page.items.map((run) => summary(run, ctx.catalog.namespaceOf(run.workflow))), ...(page.next ? { next: page.next } : {}) };
  });

  const loadRun = async (id: string, principal: Parameters<typeof requireVisible>[0]) => {
    const run = await ctx.store.getRun(id);
    if (!run) throw new NotFoundError('run', id);
    requireVisible(principal, ctx.catalog.namespaceOf(run.workflow), 'run', id);
    return run;
  };

  app.get('/api/v1/runs/:id', { schema: { params: IdParams }, config: { summary: 'Get a run with its task runs and outputs' } }, async (request) => {
    const run = await loadRun((request.params as { id: string }).id, request.principal);
    const [tasks, outputs, artifacts] = await Promise.all([ctx.store.listTaskRuns(run.id), ctx.store.listOutputs(run.id), ctx.store.listArtifacts(run.id)]);
    return { run: { ...summary(run, ctx.catalog.namespaceOf(run.workflow)), params: run.params, outputs: run.outputs ?? {} }, tasks, outputs, artifacts };
  });

  app.post('/api/v1/runs/:id/cancel', { schema: { params: IdParams }, config: { summary: 'Cancel a run' } }, async (request, reply) => {
    const run = await loadRun((request.params as { id: string }).id, request.principal);
    // 409, as Argo's stop and terminate refuse a completed workflow: nothing is left to cancel, and
    // an answer of "requested" would have a client wait for a cancellation that never comes.
    if (isTerminalRunStatus(run.status)) throw new ConflictError(`run ${run.id} already finished (${run.status}); nothing to cancel`);
    await ctx.engine.cancel(run.id);
    return reply.status(202).send({ runId: run.id, cancelRequested: true });
  });

  app.get(
    '/api/v1/runs/:id/logs',
    {
      schema: { params: IdParams, querystring: Type.Object({ task: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }) },
      config: { summary: 'Task logs of a run, as text' },
    },
    async (request, reply) => {
      const run = await loadRun((request.params as { id: string }).id, request.principal);
      const task = (request.query as { task?: string }).task;
      let text = '';
      // A task the run does not have is the engine's NotFoundError: 404, as `tandem logs` exits 3.
      for await (const chunk of ctx.engine.logs(run.id, task)) text += chunk.text;
      return reply.type('text/plain; charset=utf-8').send(text);
    },
  );
}
