// Argo CronWorkflow's concurrencyPolicy, enforced by the trigger layer. It lives here, beside the
// event model, because it is a property of events that both sides read: a source cannot know
// whether the run its previous event started is still going, so it only puts the policy on each
// event (`extensions.concurrencypolicy`; the cron source does), and the trigger, which knows the
// sensor's previous run, asks this gate before starting a new one. Sensors never import a source.
//   Allow   — start it, whatever runs;
//   Forbid  — skip the event while the previous run is not finished;
//   Replace — cancel the previous run if it is still going, then start.
import type { IncomingEvent } from './model.js';

export const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'] as const;
export type ConcurrencyPolicy = (typeof CONCURRENCY_POLICIES)[number];

/** The event extension that carries the policy. */
export const CONCURRENCY_POLICY_EXTENSION = 'concurrencypolicy';

export interface RunControl {
  /** True while the run has not reached a final state. */
  isRunning(runId: string): Promise<boolean>;
  cancel(runId: string): Promise<void>;
}

export type GateDecision =
  | { action: 'allow' }
  | { action: 'skip'; previousRunId: string }
  | { action: 'replace'; previousRunId: string };

/** The policy an event carries (a cron tick does); undefined for events without one. */
export function concurrencyPolicyOf(event: Pick<IncomingEvent, 'extensions'>): ConcurrencyPolicy | undefined {
  const value = event.extensions?.[CONCURRENCY_POLICY_EXTENSION];
  return (CONCURRENCY_POLICIES as readonly string[]).includes(value ?? '') ? (value as ConcurrencyPolicy) : undefined;
}

export class ConcurrencyGate {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly runs: RunControl) {}

  /**
   * Decides for one new tick given the run the previous tick started (if any). For Replace the
   * previous run is cancelled before this resolves; a failed cancel rejects (the tick is not started
   * next to a run it was meant to replace).
   */
  async decide(policy: ConcurrencyPolicy, previousRunId: string | undefined): Promise<GateDecision> {
    if (policy === 'Allow' || previousRunId === undefined) return { action: 'allow' };
    if (!(await this.runs.isRunning(previousRunId))) return { action: 'allow' };
    if (policy === 'Forbid') return { action: 'skip', previousRunId };
    await this.runs.cancel(previousRunId);
    return { action: 'replace', previousRunId };
  }

  /**
   * Decides and starts under one lock per key (e.g. sensor + trigger + source), so two ticks that
   * arrive together cannot both see "nothing running" under Forbid. `previous` is read inside the
   * lock; `start` runs unless the decision is skip.
   */
  async admit<T>(
    key: string,
    policy: ConcurrencyPolicy,
    previous: () => Promise<string | undefined>,
    start: () => Promise<T>,
  ): Promise<{ decision: GateDecision; started?: T }> {
    const prior = this.queues.get(key) ?? Promise.resolve();
    const turn = prior.then(
      () => this.decideAndStart(policy, previous, start),
      () => this.decideAndStart(policy, previous, start),
    );
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    try {
      return await turn;
    } finally {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    }
  }

  private async decideAndStart<T>(
    policy: ConcurrencyPolicy,
    previous: () => Promise<string | undefined>,
    start: () => Promise<T>,
  ): Promise<{ decision: GateDecision; started?: T }> {
    const decision = await this.decide(policy, await previous());
    if (decision.action === 'skip') return { decision };
    return { decision, started: await start() };
  }
}
