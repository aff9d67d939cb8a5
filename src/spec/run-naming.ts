// Names a run derives from its workflow: the task a task key belongs to, and the experiment a run
// is put in. Pure functions of the spec, used by the engine (which records them) and by tracking
// (which groups and compares by them).

/** The task name of a task key: `train[2]` (iteration 2 of a forEach) → `train`. */
export function baseTask(key: string): string {
  const bracket = key.indexOf('[');
  return bracket === -1 ? key : key.slice(0, bracket);
}

/**
 * A run's experiment: the one asked for (`tandem run --experiment`, the API body), else the one its
 * workflow declares (`experiment:`), else the workflow's name.
 */
export function experimentOf(spec: { name: string; experiment?: string | undefined }, asked?: string): string {
  return asked ?? spec.experiment ?? spec.name;
}
