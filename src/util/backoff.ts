// Exponential backoff, the one formula behind every retry delay in tandem (event source
// reconnects, JetStream redelivery, cron and store retries, trigger and task retry policies,
// the MLflow mirror): initial * factor^step, capped at max. Step 0 is the first delay.

export interface ExponentialBackoff {
  initialMs: number;
  /** The largest delay; default unbounded. */
  maxMs?: number;
  /** Growth per step; default 2. */
  factor?: number;
}

/** The delay for `step` (0-based; fractions are floored, negatives count as 0). Never NaN or overflowing. */
export function backoffDelay(policy: ExponentialBackoff, step: number): number {
  const exponent = Math.max(0, Math.floor(step));
  const grown = policy.initialMs * (policy.factor ?? 2) ** exponent;
  const delay = Number.isFinite(grown) ? grown : Number.POSITIVE_INFINITY;
  return Math.min(delay, policy.maxMs ?? Number.POSITIVE_INFINITY);
}

/**
 * Spreads a delay over [delay * (1 - below), delay * (1 + above)], rounded to whole milliseconds,
 * so that many clients failing together do not all retry in the same instant.
 */
export function withJitter(delayMs: number, spread: { below: number; above?: number }, random: () => number = Math.random): number {
  const above = spread.above ?? 0;
  return Math.round(delayMs * (1 + above - (spread.below + above) * random()));
}
