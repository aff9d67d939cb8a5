// Runs started through the HTTP API: a POST /api/v1/workflows/{name}/runs call is recorded as an
// event of the reserved source name `api` — persisted first, then turned into a run through a
// trigger claim — so API runs record the event that started them, and an Idempotency-Key makes
// repeats (even after a restart) return the run the first call started. The API is not an
// EventSource: nothing to start or stop, and its events start the workflow the call names without
// being offered to sensors (a call scoped to one namespace cannot fire sensors of another).
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Engines } from '../engines/registry.js';
import { newEventId, newRunId } from '../util/ids.js';
import { NotFoundError, TandemError } from '../errors.js';
import type { WorkflowCatalog } from '../project/catalog.js';
import { resolveParams } from '../spec/params.js';
import type { EventStore } from '../store/ports/events.js';
import type { TriggerClaimStore } from '../store/ports/trigger-claims.js';
import { API_SOURCE_NAME, type IncomingEvent } from './model.js';

export interface StartRunRequest {
  workflow: string;
  params: Record<string, unknown>;
  /** The Idempotency-Key header: repeats of a request with the same key return the same run. */
  idempotencyKey?: string;
  /** Who asked (the API token's name), recorded on the event and the run. */
  principal: { name: string };
  /** Forces the lane (recorded as an override by the API). */
  lane?: 'kubeflow' | 'argo' | 'hybrid';
  experiment?: string;
}

/** Starts runs for API calls (the server's run routes hold one); ApiRunStarter records each as an event. */
export interface RunStarter {
  startRun(request: StartRunRequest): Promise<{ runId: string; duplicate: boolean }>;
}

/**
 * The same Idempotency-Key again with a different request (other params, lane or experiment):
 * answering with the first call's run would hide that this one was never started. The HTTP API
 * answers 422, as the IETF Idempotency-Key draft and payment APIs do. Not retryable: the key is
 * taken.
 */
export class IdempotencyKeyReusedError extends TandemError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  override readonly exitCode = 2;
  constructor(readonly key: string, workflow: string) {
    super(`Idempotency-Key ${JSON.stringify(key)} was already used for a run of ${workflow} with different params, lane or experiment; use a new key for a new request`);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** What an API call asked for, as its event records it; a repeat under the same key must ask the same. */
function requestData(request: StartRunRequest): Record<string, unknown> {
  return {
    workflow: request.workflow,
    params: request.params,
    ...(request.lane !== undefined ? { lane: request.lane } : {}),
    ...(request.experiment !== undefined ? { experiment: request.experiment } : {}),
  };
}

/** How long an Idempotency-Key holds (as Stripe keeps them). */
const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export class ApiRunStarter implements RunStarter {
  constructor(
    // An API call is recorded as an event and claimed like a trigger firing; nothing else.
    private readonly store: EventStore & TriggerClaimStore,
    /** The engines registry: it routes the run (with the call's lane as an override), then starts it. */
    private readonly engine: Pick<Engines, 'submit'>,
    private readonly catalog: WorkflowCatalog,
    private readonly now: () => number = Date.now,
  ) {}

  async startRun(request: StartRunRequest): Promise<{ runId: string; duplicate: boolean }> {
    const entry = this.catalog.get(request.workflow);
    if (!entry) throw new NotFoundError('workflow', request.workflow);
    const params = resolveParams(entry.spec, request.params);
    const now = this.now();
    const event: IncomingEvent = {
      sourceName: API_SOURCE_NAME,
      // Keys are scoped to the workflow: the same key for two workflows is two requests.
      id: `${request.workflow}:${request.idempotencyKey ?? randomUUID()}`,
      source: `/api/v1/workflows/${request.workflow}/runs`,
      type: 'dev.tandem.api.run',
      time: new Date(now).toISOString(),
      datacontenttype: 'application/json',
      data: requestData(request),
      extensions: { principal: request.principal.name },
    };
    const recorded = await this.store.recordEvent(event, newEventId(), now);
    const claim = await this.store.claimTrigger(
      { sensor: API_SOURCE_NAME, trigger: request.workflow, key: event.id, runId: newRunId(request.workflow), expiresAt: now + IDEMPOTENCY_TTL_MS, eventIds: [recorded.eventId] },
      now,
    );
    if (!claim.claimed && request.idempotencyKey !== undefined) {
      // A repeat: the key's first request is on record as its event; key order does not matter.
      const first = recorded.duplicate ? await this.store.getEvent(recorded.eventId) : undefined;
      if (first !== undefined && !isDeepStrictEqual(first.data, event.data)) throw new IdempotencyKeyReusedError(request.idempotencyKey, request.workflow);
    }
    await this.engine.submit({
      spec: entry.spec,
      params,
      baseDir: entry.baseDir,
      ...(entry.sourceFile ? { sourceFile: entry.sourceFile } : {}),
      runId: claim.runId,
      ...(request.lane !== undefined ? { laneOverride: { lane: request.lane, by: 'api' as const } } : {}),
      ...(request.experiment !== undefined ? { experiment: request.experiment } : {}),
      origin: {
        kind: 'api',
        detail: { eventIds: [recorded.eventId], principal: request.principal.name, ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}) },
      },
    });
    await this.store.setEventStatus(recorded.eventId, 'dispatched');
    return { runId: claim.runId, duplicate: recorded.duplicate || !claim.claimed };
  }
}
