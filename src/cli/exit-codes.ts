// Exit codes of every tandem command (documented in docs/cli.md).
export const EXIT = {
  /** The command did what was asked; for run/resume: the run Succeeded. */
  ok: 0,
  /** The run failed, errored or was cancelled. */
  runFailed: 1,
  /** Bad usage: unknown flag, bad value, invalid workflow definition or configuration. */
  usage: 2,
  /** The run (or other named thing) does not exist. */
  notFound: 3,
  /** The store or data directory is unusable, or tandem itself failed. */
  internal: 4,
  /** The request contradicts the state of what it names (cancelling a run that already finished). */
  conflict: 5,
  /** `serve` could not listen: the address is in use or not allowed (ListenError, src/server/listen.ts). */
  cannotListen: 6,
  /** Forced exit by a second Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;
