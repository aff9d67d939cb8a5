// setTimeout stores its delay as a signed 32-bit integer: a longer delay (about 24.8 days) fires
// at once, with a warning. Code that sleeps until a far-off time caps or chains its timers at this.
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
