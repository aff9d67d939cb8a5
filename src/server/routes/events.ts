// /api/v1/events: the events tandem received (newest first, paged), one event with the runs it
// started, and replaying an event. Events from sources (NATS, webhooks, cron) belong to no
// namespace: any token may read them, but only the run ids it may see are listed. An event of the
// `api` source (a POST .../runs call) belongs to the namespace of the workflow it started: it is
// listed and shown only to tokens allowed there. Replaying a source event offers it to the sensors
// again, which can start any workflow a sensor triggers, so it takes a token allowed in every
// namespace the server serves; replaying an API call starts its workflow again with the same
// params, and takes that workflow's namespace.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { API_SOURCE_NAME, type StoredEvent } from '../../events/model.js';
import { NotFoundError } from '../../errors.js';
import type { WorkflowCatalog } from '../../project/catalog.js';
import type { Principal } from '../auth.js';
import { allows } from '../auth.js';
import { eventSummary } from '../../events/summary.js';
import type { ApiContext } from '../context.js';
import { ForbiddenError } from '../errors.js';
import { requireNamespace, requirePrincipal } from '../namespaces.js';

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

/** The workflow an `api` event started, undefined for any other event. */
function apiEventWorkflow(event: Pick<StoredEvent, 'sourceName' | 'data'>): string | undefined {
  if (event.sourceName !== API_SOURCE_NAME) return undefined;
  const workflow = (event.data as { workflow?: unknown } | null | undefined)?.workflow;
  return typeof workflow === 'string' ? workflow : undefined;
}

/** The namespace an event belongs to: its workflow's for an `api` event, none for the others. */
export function eventNamespace(catalog: WorkflowCatalog, event: Pick<StoredEvent, 'sourceName' | 'data'>): string | undefined {
  const workflow = apiEventWorkflow(event);
  return workflow === undefined ? undefined : catalog.namespaceOf(workflow);
}

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

/** A replay may start a run of any workflow a sensor triggers: the token must be allowed in every served namespace. */
function requireEveryNamespace(principal: Principal | undefined, ctx: Pick<ApiContext, 'catalog'>): Principal {
  const who = requirePrincipal(principal);
  if (who.allNamespaces) return who;
  for (const entry of ctx.catalog.list()) {
    if (!allows(who, entry.namespace)) throw new ForbiddenError(entry.namespace);
  }
  return who;
}

export function registerEventRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/events', { schema: { querystring: ListQuery }, config: { summary: 'List received events, newest first', namespaced: false } }, async (request) => {
    const principal = requirePrincipal(request.principal);
    const query = request.query as { source?: string; type?: string; status?: StoredEvent['status']; limit?: number; before?: string };
    const limit = query.limit ?? 50;
    const events = await ctx.store.listEvents({
      ...(query.source ? { source: query.source } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.before ? { before: query.before } : {}),
      limit: limit + 1,
    });
    // Paging runs over every event (as /runs does): a page may hold fewer than `limit` visible ones.
    const next = events.length > limit ? events[limit - 1]?.eventId : undefined;
    const shown = events.slice(0, limit).filter((event) => {
      const namespace = eventNamespace(ctx.catalog, event);
      return namespace === undefined || allows(principal, namespace);
    });
    return { events: shown.map(eventSummary), ...(next ? { next } : {}) };
  });

  app.get('/api/v1/events/:id', { schema: { params: IdParams }, config: { summary: 'Get an event with its payload and the runs it started', namespaced: false } }, async (request) => {
    const principal = requirePrincipal(request.principal);
    const { id } = request.params as { id: string };
    const event = await ctx.store.getEvent(id);
    if (!event) throw new NotFoundError('event', id);
    const namespace = eventNamespace(ctx.catalog, event);
    if (namespace !== undefined) requireNamespace(principal, namespace);
    return { ...eventSummary(event), data: event.data, ...(event.extensions ? { extensions: event.extensions } : {}), ...(await visibleRuns(ctx, principal, await ctx.store.listRunsForEvent(id))) };
  });

  app.post(
    '/api/v1/events/:id/replay',
    { schema: { params: IdParams }, config: { summary: 'Offer a stored event to the sensors again, as a new delivery' } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const event = await ctx.store.getEvent(id);
      const workflow = event ? apiEventWorkflow(event) : undefined;
      // The namespace check comes first, so a token learns nothing of events it may not replay.
      const principal = workflow === undefined ? requireEveryNamespace(request.principal, ctx) : requirePrincipal(request.principal);
      if (!event) throw new NotFoundError('event', id);
      if (workflow !== undefined) {
        requireNamespace(principal, ctx.catalog.namespaceOf(workflow));
        const params = (event.data as { params?: Record<string, unknown> }).params ?? {};
        const started = await ctx.runs.startRun({ workflow, params, principal });
        const run = await ctx.store.getRun(started.runId);
        const eventIds = run?.origin.detail?.eventIds;
        const eventId = Array.isArray(eventIds) && typeof eventIds[0] === 'string' ? eventIds[0] : '';
        return reply.status(202).send({ eventId, replayOf: id, duplicate: started.duplicate, runIds: [started.runId] });
      }
      if (!ctx.pipeline) return reply.status(503).send({ error: 'service unavailable', message: 'this server runs no event pipeline to replay events into' });
      const result = await ctx.pipeline.replay(id);
      const { runIds } = await visibleRuns(ctx, principal, result.runIds);
      return reply.status(202).send({ eventId: result.eventId, replayOf: id, duplicate: result.duplicate, runIds });
    },
  );
}
