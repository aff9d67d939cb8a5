// Ctrl-C. While a run is followed, the first cancels the run gracefully (finally tasks still run)
// and the second leaves at once, saying how to clean up; `tandem serve` stops the same way.
//
// One press can arrive twice: the terminal sends SIGINT to the whole foreground process group,
// and `npm start` / `npm run` (a member of that group) forwards its own copy to the script's
// process. So a second SIGINT this soon after the first is that same press, not a second one.
import type { CliIo } from './io.js';
import { EXIT } from './exit-codes.js';
import { errorMessage } from '../util/error-message.js';

/** How long after the first SIGINT another one counts as the same press (a forwarded copy). */
export const SAME_PRESS_MS = 1000;

export interface InterruptActions {
  cancel(): Promise<void>;
  note(text: string): void;
  /** Last words before a forced exit (restore the terminal, print hints). */
  beforeExit(): void;
}

/**
 * Calls `first` on the first press and `again` on each later one; copies of the first press
 * (within SAME_PRESS_MS) are dropped. `subscribe` is io.onInterrupt, or a signal of one's own.
 */
export function onPresses(subscribe: (handler: () => void) => () => void, first: () => void, again: () => void, now: () => number = Date.now): () => void {
  let firstAt: number | undefined;
  return subscribe(() => {
    if (firstAt === undefined) {
      firstAt = now();
      first();
    } else if (now() - firstAt >= SAME_PRESS_MS) {
      again();
    }
  });
}

export function handleInterrupts(io: CliIo, actions: InterruptActions): () => void {
  return onPresses(
    (handler) => io.onInterrupt(handler),
    () => {
      actions.note('cancelling the run (finally tasks still run); press Ctrl-C again to leave now');
      actions.cancel().catch((error: unknown) => {
        actions.note(`cancel failed: ${errorMessage(error)}`);
      });
    },
    () => {
      actions.beforeExit();
      io.exit(EXIT.interrupted);
    },
  );
}
