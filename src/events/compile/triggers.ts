// A sensor's triggers as Argo Events triggers: the lane picks the action (argoWorkflow for argo and
// hybrid, an http call to the KFP API for kubeflow), the sensor's condition goes on each trigger,
// and the policies map one to one where Argo Events has them: rateLimit, retry → retryStrategy
// (Argo counts attempts, tandem retries; no jitter), deadLetter → a dlqTrigger publishing to NATS
// (which Argo Events runs only with atLeastOnce). A dedup key or TTL other than the default is
// refused: Argo Events has no trigger deduplication to hold them.
import { durationMs } from '../../spec/duration.js';
import type { SensorSpec, Trigger, TriggerRetry } from '../sensors/schema.js';
import { goDuration } from './calendar-source.js';
import { refuse, type CompileContext, type Lane } from './context.js';
import type { CompiledConditions } from './conditions.js';
import type { CompiledDependencies } from './dependencies.js';
import { kfpRunAction } from './kfp-trigger.js';
import { argoWorkflowAction } from './workflow-trigger.js';

const LANES: readonly Lane[] = ['argo', 'kubeflow', 'hybrid'];
const DEFAULT_DEDUP_TTL_MS = 24 * 3_600_000;

export function compileTrigger(ctx: CompileContext, sensor: SensorSpec, trigger: Trigger, deps: CompiledDependencies, conditions: CompiledConditions): Record<string, unknown> {
  const where = `sensor ${sensor.name}, trigger ${trigger.name}`;
  if (trigger.dedupKey !== undefined) {
    refuse('dedupKey', where, 'Argo Events has no trigger deduplication: it cannot hold a key computed from the events');
  }
  if (trigger.dedupTtl !== undefined && durationMs(trigger.dedupTtl) !== DEFAULT_DEDUP_TTL_MS) {
    refuse('dedupTtl', where, 'Argo Events has no trigger deduplication: it cannot hold a time to remember keys');
  }
  const lane = (trigger.lane ?? ctx.deps.laneOf(trigger.workflow)) as Lane;
  if (!LANES.includes(lane)) refuse('lane', where, `"${String(lane)}" is not a lane; expected one of ${LANES.join(', ')}`);
  const action = lane === 'kubeflow' ? { http: kfpRunAction(ctx, sensor, trigger, deps) } : { argoWorkflow: argoWorkflowAction(ctx, sensor, trigger, deps) };
  const out: Record<string, unknown> = { template: { name: trigger.name, ...conditions, ...action } };
  if (trigger.rateLimit !== undefined) out.rateLimit = { unit: trigger.rateLimit.unit, requestsPerUnit: trigger.rateLimit.requestsPerUnit };
  if (trigger.retry !== undefined) out.retryStrategy = retryStrategy(trigger.retry, where);
  if (trigger.deadLetter !== undefined) {
    if (trigger.deadLetter.subject === undefined) {
      ctx.warn('deadLetter', where, "without a subject a dead letter is a record in tandem's store; Argo Events keeps none");
    } else {
      out.atLeastOnce = true;
      out.dlqTrigger = deadLetterTrigger(ctx, sensor, trigger, deps, trigger.deadLetter.subject);
    }
  }
  return out;
}

/** tandem retries `steps` times; Argo Events makes `steps` attempts in all. */
export function retryStrategy(retry: TriggerRetry, where: string): Record<string, unknown> {
  const duration = durationMs(retry.duration);
  const factor = retry.factor ?? 1;
  if (retry.maxDuration !== undefined && retry.steps > 0) {
    const longest = duration * factor ** (retry.steps - 1);
    if (longest > durationMs(retry.maxDuration)) {
      refuse('retry.maxDuration', where, `Argo Events' backoff has no cap, and the last retry would wait ${goDuration(longest)}, more than the cap`);
    }
  }
  return { steps: retry.steps + 1, duration: goDuration(duration), ...(factor !== 1 ? { factor } : {}), jitter: 0 };
}

function deadLetterTrigger(ctx: CompileContext, sensor: SensorSpec, trigger: Trigger, deps: CompiledDependencies, subject: string): Record<string, unknown> {
  const where = `sensor ${sensor.name}, trigger ${trigger.name}`;
  const url = ctx.deps.deadLetterNatsUrl ?? firstNatsUrl(ctx);
  if (url === undefined) refuse('deadLetter', where, 'no NATS server to publish dead letters to: pass deps.deadLetterNatsUrl or add a NATS event source');
  const anyDependency = [...deps.names.values()][0]?.[0] ?? sensor.dependencies[0]!.name;
  const payload: Record<string, unknown>[] = [
    { src: { dependencyName: anyDependency, value: sensor.name }, dest: 'sensor' },
    { src: { dependencyName: anyDependency, value: trigger.name }, dest: 'trigger' },
  ];
  // Each event's id; "" for a dependency without an event this time (Argo Events cannot write a missing value).
  for (const names of deps.names.values()) {
    for (const name of names) payload.push({ src: { dependencyName: name, contextKey: 'id', value: '' }, dest: `eventIds.${name}` });
  }
  // The controller refuses a dlqTrigger that is not itself atLeastOnce (sensor validate.go).
  return { template: { name: `${trigger.name}-dead-letter`, nats: { url, subject, payload } }, atLeastOnce: true };
}

function firstNatsUrl(ctx: CompileContext): string | undefined {
  for (const source of ctx.sources.values()) {
    if (source.kind === 'nats') return source.config.url ?? source.config.urls?.join(',');
  }
  return undefined;
}
