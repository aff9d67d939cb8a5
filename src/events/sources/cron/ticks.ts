// Tick arithmetic over croner: the next tick after an instant, and the latest ticks in an
// interval (for catch-up), without walking every tick of a long outage.
//
// Time zones follow croner's wall-clock reading, as Vixie cron does: a time that does not exist
// (02:30 on a spring-forward night) fires at the first instant after the gap; a time that exists
// twice (02:30 on a fall-back night) fires once.
import { Cron } from 'croner';

export class Schedule {
  private readonly cron: Cron;

  constructor(
    readonly expression: string,
    readonly timezone?: string,
  ) {
    this.cron = new Cron(expression, { paused: true, ...(timezone !== undefined ? { timezone } : {}) });
  }

  /** The first tick strictly after `after` (epoch ms), undefined when there is none (e.g. 30 February). */
  next(after: number): number | undefined {
    return this.cron.nextRun(new Date(after))?.getTime();
  }

  /** Ticks in (from, until], keeping only the latest `keep`. */
  private scan(from: number, until: number, keep: number): number[] {
    const out: number[] = [];
    for (let tick = this.next(from); tick !== undefined && tick <= until; tick = this.next(tick)) {
      out.push(tick);
      if (out.length > keep) out.shift();
    }
    return out;
  }

  /**
   * The latest `keep` ticks in (after, until], oldest first. Looks back from `until` in windows
   * that grow fourfold, so a schedule of every second missed for a year costs a few windows, not
   * thirty million steps. (A window that starts inside a fall-back hour can miss a tick in that
   * hour — croner reads the start as wall-clock time — which only matters for ticks older than the
   * ones kept; an outage shorter than the first window is scanned from the stored tick, exactly.)
   */
  latest(after: number, until: number, keep: number): number[] {
    if (keep <= 0 || until <= after) return [];
    for (let span = 60_000; ; span *= 4) {
      const from = Math.max(after, until - span);
      const ticks = this.scan(from, until, keep);
      if (ticks.length >= keep || from === after) return ticks;
    }
  }
}

/** The event id of a tick: stable, so a tick delivered twice is one event downstream. */
export function tickId(sourceName: string, index: number, tick: number): string {
  return `${sourceName}/${index}/${new Date(tick).toISOString()}`;
}
