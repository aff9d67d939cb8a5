// The cron-ticks role: the last tick each schedule of a cron source fired, so a restart catches up
// from there instead of firing a tick twice or losing one. Only the cron source uses it.

export interface CronTickStore {
  /** The last tick (epoch ms) fired for a cron schedule of a source, undefined before the first. */
  getCronTick(source: string, schedule: string): Promise<number | undefined>;
  /**
   * Records the last fired tick (upsert). Never moves backwards: a tick earlier than the stored
   * one is ignored, so a slow process cannot make catch-up fire a tick twice.
   */
  setCronTick(source: string, schedule: string, tick: number): Promise<void>;
}
