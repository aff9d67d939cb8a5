// Experiments: a named group of runs whose params and metrics are compared. A run's experiment is
// chosen when it is submitted (experimentOf in spec/run-naming.ts) and stored on the run. Here:
// the checks on names users give, and the error for an experiment without runs.
import { NotFoundError, UsageError } from '../errors.js';

const MAX_EXPERIMENT_NAME = 200;

/** Checks an experiment name given on the command line or in a request; returns it trimmed. */
export function checkExperimentName(name: string, where = '--experiment'): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new UsageError(`${where}: give an experiment name, such as ${where} baseline`);
  if (trimmed.length > MAX_EXPERIMENT_NAME) throw new UsageError(`${where}: at most ${MAX_EXPERIMENT_NAME} characters, found ${trimmed.length}`);
  if ([...trimmed].some((ch) => ch.charCodeAt(0) < 0x20)) throw new UsageError(`${where}: control characters are not allowed in an experiment name`);
  return trimmed;
}

/** An experiment with no runs (a typo, or runs recorded under another name). */
export class EmptyExperimentError extends NotFoundError {
  constructor(name: string, known: readonly string[]) {
    super('experiment', name);
    this.message = `experiment ${JSON.stringify(name)} has no runs; experiments with runs: ${known.join(', ') || 'none yet'} (a run's experiment is --experiment, else the workflow's experiment:, else its name)`;
    this.name = 'EmptyExperimentError';
  }
}
