// Trigger claims, the exactly-once commit point between events and runs: one IMMEDIATE
// transaction reads the claim for (sensor, trigger, key) and inserts or replaces it only when it
// is missing or expired, so two processes claiming the same key get one winner and one runId.
import type { Statement } from 'better-sqlite3';
import type { TriggerClaim, TriggerClaimResult } from '../ports/trigger-claims.js';
import type { SqliteDatabase } from './connection.js';

interface HeldClaimRow {
  run_id: string;
  expires_at: number;
}

type UpsertClaimParams = [sensor: string, trigger: string, key: string, runId: string, claimedAt: number, expiresAt: number];
type LinkParams = [eventId: string, runId: string, sensor: string, trigger: string, linkedAt: number];

export class TriggerClaims {
  private readonly held: Statement<[sensor: string, trigger: string, key: string], HeldClaimRow>;
  private readonly upsert: Statement<UpsertClaimParams>;
  private readonly link: Statement<LinkParams>;
  private readonly prune: Statement<[now: number]>;
  private readonly runsForEvent: Statement<[eventId: string], string>;
  private readonly claimTx: (claim: TriggerClaim, now: number) => TriggerClaimResult;

  constructor(db: SqliteDatabase) {
    this.held = db.prepare(
      'SELECT run_id, expires_at FROM trigger_claims WHERE sensor = ? AND trigger_name = ? AND dedup_key = ?',
    );
    this.upsert = db.prepare(
      `INSERT INTO trigger_claims (sensor, trigger_name, dedup_key, run_id, claimed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (sensor, trigger_name, dedup_key) DO UPDATE SET
         run_id = excluded.run_id, claimed_at = excluded.claimed_at, expires_at = excluded.expires_at`,
    );
    this.link = db.prepare(
      `INSERT INTO trigger_claim_events (event_id, run_id, sensor, trigger_name, linked_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (event_id, run_id) DO NOTHING`,
    );
    this.prune = db.prepare('DELETE FROM trigger_claims WHERE expires_at <= ?');
    this.runsForEvent = db
      .prepare<[string], string>('SELECT run_id FROM trigger_claim_events WHERE event_id = ? ORDER BY linked_at, run_id')
      .pluck();

    const claim = db.transaction((c: TriggerClaim, now: number): TriggerClaimResult => {
      const held = this.held.get(c.sensor, c.trigger, c.key);
      let result: TriggerClaimResult;
      if (held !== undefined && held.expires_at > now) {
        result = { runId: held.run_id, claimed: false };
      } else {
        this.upsert.run(c.sensor, c.trigger, c.key, c.runId, now, c.expiresAt);
        result = { runId: c.runId, claimed: true };
      }
      for (const eventId of c.eventIds) this.link.run(eventId, result.runId, c.sensor, c.trigger, now);
      return result;
    });
    // IMMEDIATE: the write lock is taken before the read, so no other process can insert between.
    this.claimTx = (c, now) => claim.immediate(c, now);
  }

  claim(claim: TriggerClaim, now: number): TriggerClaimResult {
    return this.claimTx(claim, now);
  }

  pruneExpired(now: number): number {
    return this.prune.run(now).changes;
  }

  listRunsForEvent(eventId: string): string[] {
    return this.runsForEvent.all(eventId);
  }
}
