// A token bucket per trigger: requestsPerUnit tokens, refilled evenly over the unit, so a burst
// of up to requestsPerUnit passes at once and the steady rate is requestsPerUnit per unit. The
// clock is whatever the caller passes (or the injected one), so tests need no timers.
import type { RateLimit, RateUnit } from './schema.js';

const UNIT_MS: Record<RateUnit, number> = { Second: 1000, Minute: 60_000, Hour: 3_600_000 };

export interface RateLimiterSnapshot {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  readonly capacity: number;
  /** Milliseconds to earn one token. */
  readonly interval: number;
  private tokens: number;
  private updatedAt: number | undefined;

  constructor(
    limit: RateLimit,
    private readonly clock: () => number = Date.now,
  ) {
    if (!Number.isFinite(limit.requestsPerUnit) || limit.requestsPerUnit < 1) throw new RangeError('requestsPerUnit must be at least 1');
    const unitMs = UNIT_MS[limit.unit];
    if (unitMs === undefined) throw new RangeError(`unknown rate unit ${JSON.stringify(limit.unit)}`);
    this.capacity = Math.floor(limit.requestsPerUnit);
    this.interval = unitMs / this.capacity;
    this.tokens = this.capacity;
  }

  /** Takes a token if one is available at `now` (ms or Date); false means wait until nextAvailable(). */
  tryTake(now: number | Date = this.clock()): boolean {
    this.refill(toMs(now));
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** The earliest time (ms) at which tryTake will succeed: `now` itself when a token is there. */
  nextAvailable(now: number | Date = this.clock()): number {
    const at = toMs(now);
    this.refill(at);
    if (this.tokens >= 1) return at;
    return at + Math.ceil((1 - this.tokens) * this.interval);
  }

  /** Tokens available at `now` (fractional while refilling). */
  available(now: number | Date = this.clock()): number {
    this.refill(toMs(now));
    return this.tokens;
  }

  toJSON(): RateLimiterSnapshot {
    return { tokens: this.tokens, updatedAt: this.updatedAt ?? this.clock() };
  }

  static fromJSON(limit: RateLimit, snapshot: RateLimiterSnapshot, clock?: () => number): RateLimiter {
    const limiter = new RateLimiter(limit, clock);
    if (Number.isFinite(snapshot.tokens) && Number.isFinite(snapshot.updatedAt)) {
      limiter.tokens = Math.min(limiter.capacity, Math.max(0, snapshot.tokens));
      limiter.updatedAt = snapshot.updatedAt;
    }
    return limiter;
  }

  private refill(now: number): void {
    if (this.updatedAt === undefined) {
      this.updatedAt = now;
      return;
    }
    // A clock that steps backwards earns nothing and does not move the reference point back.
    if (now <= this.updatedAt) return;
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) / this.interval);
    this.updatedAt = now;
  }
}

function toMs(now: number | Date): number {
  return typeof now === 'number' ? now : now.getTime();
}
