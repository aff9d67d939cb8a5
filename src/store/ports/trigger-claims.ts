// The trigger-claims role: the exactly-once commit point of a trigger firing, and the event → run
// links each claim leaves behind (kept after the claim itself expires). Sensors and the API's run
// starter claim; the pipeline prunes; `tandem events`, the API and the stream read the links.

/** The exactly-once commit point of one trigger firing: (sensor, trigger, key) → runId until expiresAt. */
export interface TriggerClaim {
  sensor: string;
  trigger: string;
  /** The dedup key, e.g. derived from the event ids or from a business key in the event data. */
  key: string;
  /** The run id to use if this claim wins; the caller submits the run only with the id it gets back. */
  runId: string;
  /** When the claim stops deduplicating (epoch ms); an expired claim may be replaced. */
  expiresAt: number;
  /** The events that fired the trigger; linked to the run for listRunsForEvent. */
  eventIds: string[];
}

export interface TriggerClaimResult {
  /** The run to submit (claimed) or that was already submitted or being submitted (not claimed). */
  runId: string;
  /** True when this call inserted the claim; false when an unexpired claim already held the key. */
  claimed: boolean;
}

export interface TriggerClaimStore {
  /**
   * Atomically, also across processes: when an unexpired claim (expiresAt > now) holds
   * (sensor, trigger, key), returns its runId with claimed=false; otherwise inserts the claim
   * (replacing an expired one) and returns claim.runId with claimed=true. Either way the claim's
   * eventIds are linked to the returned runId (see listRunsForEvent).
   */
  claimTrigger(claim: TriggerClaim, now: number): Promise<TriggerClaimResult>;
  /** Deletes claims with expiresAt <= now; returns how many. Event → run links are kept. */
  pruneTriggerClaims(now: number): Promise<number>;
  /**
   * Ids of the runs the event led to (through claimTrigger, whether it won the claim or was
   * deduplicated into an earlier one), in claim order; kept after the claims expire.
   */
  listRunsForEvent(eventId: string): Promise<string[]>;
}
