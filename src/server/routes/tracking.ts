// /api/v1/lineage and /api/v1/compare: the HTTP face of src/tracking. Responses have the same
// shape as `tandem lineage --json` and `tandem compare --json`. Runs belong to their workflow's
// namespace: lineage leaves out task runs the token may not see, and a run, artifact or experiment
// the token may see nothing of is answered 404, as if it did not exist.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError, UsageError } from '../../errors.js';
import type { RunRecord } from '../../store/ports/runs.js';
import { compareRuns } from '../../tracking/compare.js';
import { compareInputs, DEFAULT_COMPARE_LIMIT, loadExperimentRuns, loadRunsForCompare } from '../../tracking/compare-source.js';
import { checkExperimentName, EmptyExperimentError } from '../../tracking/experiments.js';
import { buildLineage, DEFAULT_LINEAGE_DEPTH, type LineageRoot } from '../../tracking/lineage.js';
import { AmbiguousDigestError, resolveLineageRoot } from '../../tracking/lineage-root.js';
import type { ApiContext } from '../context.js';
import type { Principal } from '../auth.js';
import { requirePrincipal, requireVisible, visibleNamespaces } from '../namespaces.js';

const Depth = Type.Integer({ minimum: 1, maximum: 100, description: `Task runs away from the root to follow, each way (default ${DEFAULT_LINEAGE_DEPTH}).` });
const Direction = Type.Union([Type.Literal('both'), Type.Literal('upstream'), Type.Literal('downstream')]);
const Namespace = Type.String({ minLength: 1 });
const Best = Type.String({ minLength: 1, description: 'Sort runs best first by this metric; max is assumed when undeclared.' });

const ArtifactLineageQuery = Type.Object(
  {
    ref: Type.Optional(Type.String({ minLength: 1, description: 'Digest or prefix (6+ hex digits), or RUN/TASK/OUTPUT.' })),
    depth: Type.Optional(Depth),
    direction: Type.Optional(Direction),
    namespace: Type.Optional(Namespace),
  },
  { additionalProperties: false },
);
const RunLineageQuery = Type.Object(
  { task: Type.Optional(Type.String({ minLength: 1 })), depth: Type.Optional(Depth), direction: Type.Optional(Direction) },
  { additionalProperties: false },
);
const ExperimentCompareQuery = Type.Object(
  { best: Type.Optional(Best), limit: Type.Optional(Type.Integer({ minimum: 2, maximum: 500 })), namespace: Type.Optional(Namespace) },
  { additionalProperties: false },
);
const CompareBody = Type.Object(
  {
    runIds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 500 })),
    experiment: Type.Optional(Type.String({ minLength: 1 })),
    best: Type.Optional(Best),
    limit: Type.Optional(Type.Integer({ minimum: 2, maximum: 500 })),
  },
  { additionalProperties: false },
);

/**
 * An experiment's runs; an experiment with none is a 404 whose message lists the experiments that
 * have runs — of every namespace, so a scoped token gets the bare 404.
 */
async function experimentRuns(ctx: ApiContext, name: string, limit: number, principal: Principal | undefined): Promise<RunRecord[]> {
  try {
    return await loadExperimentRuns(ctx.store, checkExperimentName(name, 'experiment'), limit);
  } catch (error) {
    if (error instanceof EmptyExperimentError && !requirePrincipal(principal).allNamespaces) throw new NotFoundError('experiment', name);
    throw error;
  }
}

interface LineageQuery {
  depth?: number;
  direction?: 'both' | 'upstream' | 'downstream';
}

export function registerTrackingRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const namespaceOf = (run: RunRecord): string => ctx.catalog.namespaceOf(run.workflow);
  const lineage = (root: LineageRoot, query: LineageQuery, canSee: (run: RunRecord) => boolean) =>
    buildLineage(ctx.store, root, { depth: query.depth ?? DEFAULT_LINEAGE_DEPTH, direction: query.direction ?? 'both', canSee });

  app.get(
    '/api/v1/lineage/artifacts',
    { schema: { querystring: ArtifactLineageQuery }, config: { summary: 'Lineage of an artifact: the task runs that produced and consumed it' } },
    async (request) => {
      const query = request.query as LineageQuery & { ref?: string; namespace?: string };
      const visible = visibleNamespaces(request.principal, query.namespace);
      if (query.ref === undefined) throw new UsageError('give ?ref= an artifact digest (6+ hex digits) or RUN/TASK/OUTPUT');
      // A reference into a run the token may not see is unknown: resolving it would name the run's outputs.
      const named = await ctx.store.getRun(query.ref.trim().split('/')[0] ?? '');
      if (named) requireVisible(request.principal, namespaceOf(named), 'run or artifact', query.ref);
      const root = await resolveLineageRoot(ctx.store, query.ref).catch((error: unknown) => {
        // The digests it would list may be other namespaces' artifacts.
        if (error instanceof AmbiguousDigestError && !requirePrincipal(request.principal).allNamespaces) throw new UsageError(`${error.ref} matches several artifacts; give more digits`);
        throw error;
      });
      if (root.kind !== 'artifact') throw new UsageError(`?ref=${query.ref} names a run; use /api/v1/lineage/runs/{id}`);
      if (root.producer) {
        const run = await ctx.store.getRun(root.producer.runId);
        if (run) requireVisible(request.principal, namespaceOf(run), 'artifact', query.ref);
      }
      const graph = await lineage(root, query, (run) => visible(namespaceOf(run)));
      // Content no visible run produced or consumed is reported as unknown, not as forbidden.
      // The graph always holds its root: without a task run the token may see, the content is unknown to it.
      if (graph.tasks.length === 0) throw new NotFoundError('artifact', query.ref);
      return graph;
    },
  );

  app.get(
    '/api/v1/lineage/runs/:id',
    { schema: { params: Type.Object({ id: Type.String({ minLength: 1 }) }), querystring: RunLineageQuery }, config: { summary: 'Lineage of a run, or of one task run with ?task=' } },
    async (request) => {
      const { id } = request.params as { id: string };
      const query = request.query as LineageQuery & { task?: string };
      const run = await ctx.store.getRun(id);
      if (!run) throw new NotFoundError('run', id);
      requireVisible(request.principal, namespaceOf(run), 'run', id);
      const visible = visibleNamespaces(request.principal, undefined);
      const root = query.task !== undefined ? await resolveLineageRoot(ctx.store, `${id}/${query.task}`) : ({ kind: 'run', runId: id } as const);
      return lineage(root, query, (other) => visible(namespaceOf(other)));
    },
  );

  app.get(
    '/api/v1/experiments/:name/compare',
    { schema: { params: Type.Object({ name: Type.String({ minLength: 1 }) }), querystring: ExperimentCompareQuery }, config: { summary: "Compare an experiment's runs" } },
    async (request) => {
      const { name } = request.params as { name: string };
      const query = request.query as { best?: string; limit?: number; namespace?: string };
      const visible = visibleNamespaces(request.principal, query.namespace);
      const all = await experimentRuns(ctx, name, query.limit ?? DEFAULT_COMPARE_LIMIT, request.principal);
      const runs = all.filter((run) => visible(namespaceOf(run)));
      if (runs.length === 0) throw new NotFoundError('experiment', name);
      return compareRuns(await compareInputs(ctx.store, runs), query.best !== undefined ? { best: query.best } : {});
    },
  );

  app.post(
    '/api/v1/compare',
    {
      schema: { body: CompareBody, querystring: Type.Object({ namespace: Type.Optional(Namespace) }, { additionalProperties: false }) },
      config: { summary: 'Compare runs given by id, or an experiment' },
    },
    async (request) => {
      const visible = visibleNamespaces(request.principal, (request.query as { namespace?: string }).namespace);
      const body = (request.body ?? {}) as { runIds?: string[]; experiment?: string; best?: string; limit?: number };
      if ((body.runIds === undefined) === (body.experiment === undefined)) throw new UsageError('give either runIds (two or more) or experiment');
      if (body.runIds !== undefined && body.runIds.length < 2) throw new UsageError('runIds: give two or more run ids to compare');
      let runs: RunRecord[];
      if (body.runIds !== undefined) {
        runs = await loadRunsForCompare(ctx.store, body.runIds);
        for (const run of runs) if (!visible(namespaceOf(run))) throw new NotFoundError('run', run.id);
      } else {
        const all = await experimentRuns(ctx, body.experiment!, body.limit ?? DEFAULT_COMPARE_LIMIT, request.principal);
        runs = all.filter((run) => visible(namespaceOf(run)));
        if (runs.length === 0) throw new NotFoundError('experiment', body.experiment!);
      }
      return compareRuns(await compareInputs(ctx.store, runs), body.best !== undefined ? { best: body.best } : {});
    },
  );
}
