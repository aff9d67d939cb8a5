// Ctrl-C while a run is followed: the first cancels the run gracefully (finally tasks still run),
// the second leaves at once, saying how to clean up.
import type { CliIo } from './io.js';
import { EXIT } from './exit-codes.js';
import { errorMessage } from '../util/error-message.js';

export interface InterruptActions {
  cancel(): Promise<void>;
  note(text: string): void;
  /** Last words before a forced exit (restore the terminal, print hints). */
  beforeExit(): void;
}

export function handleInterrupts(io: CliIo, actions: InterruptActions): () => void {
  let presses = 0;
  return io.onInterrupt(() => {
    presses++;
    if (presses === 1) {
      actions.note('cancelling the run (finally tasks still run); press Ctrl-C again to leave now');
      actions.cancel().catch((error: unknown) => {
        actions.note(`cancel failed: ${errorMessage(error)}`);
      });
      return;
    }
    actions.beforeExit();
    io.exit(EXIT.interrupted);
  });
}
