// The dead-letters role: triggers that failed for good, kept for inspection and replay. Sensors
// append; the API's /sensors route reads.

/** A trigger that failed for good, kept for inspection and replay. */
export interface DeadLetter {
  sensor: string;
  trigger: string;
  eventIds: string[];
  error: string;
  attempts: number;
  /** When it was given up on (epoch ms). */
  time: number;
  /** The params the run would have been submitted with, when they were resolved. */
  params?: Record<string, unknown>;
}

export interface DeadLetterRecord extends DeadLetter {
  id: number;
}

export interface DeadLetterFilter {
  sensor?: string;
  limit?: number;
}

export interface DeadLetterStore {
  /** Appends a dead letter; returns its id (increasing). */
  recordDeadLetter(letter: DeadLetter): Promise<number>;
  /** Newest first. */
  listDeadLetters(filter?: DeadLetterFilter): Promise<DeadLetterRecord[]>;
}
