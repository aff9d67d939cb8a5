// /api/v1/events: the events tandem received (newest first, paged), one event with the runs it
// started, and replaying an event. An event belongs to namespaces as src/server/namespace-rules.ts
// says: an `api` event (a POST .../runs call) to the workflow it started, a source event (NATS,
// webhook, cron) to the namespaces of the sensors listening to its source, an event no sensor
// listens to to none (any token). A token sees an event of one of its namespaces, and of the runs
// it led to only those it may see; an event it may not see is answered 404, like an unknown one.
// Replaying a source event offers it to the sensors again, which may start runs in every
// namespace of the sensors listening to it, so it takes a token allowed in all of those;
// replaying an API call starts its workflow again with the same params, and takes that
// workflow's namespace.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { StoredEvent } from '../../events/model.js';
import { NotFoundError } from '../../errors.js';
import type { Principal } from '../auth.js';
import { allows } from '../auth.js';
import { eventSummary } from '../../events/summary.js';
import type { ApiContext } from '../context.js';
import { errorLabel, ForbiddenError } from '../errors.js';
import { apiEventWorkflow, type NamespaceRules } from '../namespace-rules.js';
import { requirePrincipal } from '../namespaces.js';
import { visiblePage } from '../paging.js';

const EVENT_STATUSES = ['received', 'dispatched', 'failed'] as const;
const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const ListQuery = Type.Object(
  {
    source: Type.Optional(Type.String({ minLength: 1, description: 'the event source name (as configured)' })),
    type: Type.Optional(Type.String({ minLength: 1, description: 'the CloudEvents type' })),
    status: Type.Optional(Type.Union(EVENT_STATUSES.map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    before: Type.Optional(Type.String({ minLength: 1, description: 'an event id: only events received before it (paging)' })),
  },
  { additionalProperties: false },
);

interface RunBrief {
  id: string;
  workflow: string;
  namespace: string;
  status: string;
}

/**
 * The runs an event led to that the principal may see. A linked run that was never created (its
 * submit failed after the trigger claim) has no namespace; only an all-namespaces token sees it.
 */
async function visibleRuns(ctx: Pick<ApiContext, 'store' | 'catalog'>, principal: Principal, runIds: readonly string[]): Promise<{ runIds: string[]; runs: RunBrief[] }> {
  const shown: string[] = [];
  const runs: RunBrief[] = [];
  for (const id of runIds) {
    const run = await ctx.store.getRun(id);
    if (!run) {
      if (principal.allNamespaces) shown.push(id);
      continue;
    }
    const namespace = ctx.catalog.namespaceOf(run.workflow);
    if (!allows(principal, namespace)) continue;
    shown.push(id);
    runs.push({ id, workflow: run.workflow, namespace, status: run.status });
  }
  return { runIds: shown, runs };
}

/** A replay may start runs in every namespace of the sensors listening to the event's source. */
function requireReplayNamespaces(principal: Principal, namespaces: readonly string[] | undefined): void {
  if (principal.allNamespaces) return;
  for (const namespace of namespaces ?? []) if (!allows(principal, namespace)) throw new ForbiddenError(namespace);
}

export function registerEventRoutes(app: FastifyInstance, ctx: ApiContext, rules: NamespaceRules): void {
  app.get('/api/v1/events', { schema: { querystring: ListQuery }, config: { summary: 'List received events, newest first', namespaced: false } }, async (request) => {
    const principal = requirePrincipal(request.principal);
    const query = request.query as { source?: string; type?: string; status?: StoredEvent['status']; limit?: number; before?: string };
    const page = await visiblePage(
      (before, limit) =>
        ctx.store.listEvents({
          ...(query.source ? { source: query.source } : {}),
          ...(query.type ? { type: query.type } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(before ? { before } : {}),
          limit,
        }),
      (event) => rules.mayReadEvent(principal, event),
      (event) => event.eventId,
      query.limit ?? 50,
      query.before,
    );
    return { events: page.items.map(eventSummary), ...(page.next ? { next: page.next } : {}) };
  });

  app.get('/api/v1/events/:id', { schema: { params: IdParams }, config: { summary: 'Get an event with its payload and the runs it started', namespaced: false } }, async (request) => {
    const principal = requirePrincipal(request.principal);
    const { id } = request.params as { id: string };
    const event = await ctx.store.getEvent(id);
    if (!event || !rules.mayReadEvent(principal, event)) throw new NotFoundError('event', id);
    return { ...eventSummary(event), data: event.data, ...(event.extensions ? { extensions: event.extensions } : {}), ...(await visibleRuns(ctx, principal, await ctx.store.listRunsForEvent(id))) };
  });

  app.post(
    '/api/v1/events/:id/replay',
    { schema: { params: IdParams }, config: { summary: 'Offer a stored event to the sensors again, as a new delivery' } },
    async (request, reply) => {
      const principal = requirePrincipal(request.principal);
      const { id } = request.params as { id: string };
      const event = await ctx.store.getEvent(id);
      if (!event || !rules.mayReadEvent(principal, event)) throw new NotFoundError('event', id);
      const workflow = apiEventWorkflow(event);
      if (workflow !== undefined) {
        const params = (event.data as { params?: Record<string, unknown> }).params ?? {};
        const started = await ctx.runs.startRun({ workflow, params, principal });
        const run = await ctx.store.getRun(started.runId);
        const eventIds = run?.origin.detail?.eventIds;
        const eventId = Array.isArray(eventIds) && typeof eventIds[0] === 'string' ? eventIds[0] : '';
        return reply.status(202).send({ eventId, replayOf: id, duplicate: started.duplicate, runIds: [started.runId] });
      }
      requireReplayNamespaces(principal, rules.ofEvent(event));
      if (!ctx.pipeline) return reply.status(503).send({ error: errorLabel(503), message: 'this server runs no event pipeline to replay events into' });
      const result = await ctx.pipeline.replay(id);
      const { runIds } = await visibleRuns(ctx, principal, result.runIds);
      return reply.status(202).send({ eventId: result.eventId, replayOf: id, duplicate: result.duplicate, runIds });
    },
  );
}
