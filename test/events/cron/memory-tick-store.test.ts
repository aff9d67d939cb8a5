// The in-memory tick store the cron source's tests use keeps the cron-ticks role's contract, so
// what those tests show about the source holds over a real store too.
import { cronTickContract } from '../../store/contract/cron-ticks.js';
import { MemoryTickStore } from './fakes.js';

cronTickContract(() => Promise.resolve({ store: new MemoryTickStore(), close: () => Promise.resolve() }));
