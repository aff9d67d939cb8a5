// Ids tandem mints itself, outside any engine: the event layer claims a run's id before any engine
// sees the run (a trigger claim holds it), so ids cannot belong to one engine. Both kinds sort by
// creation time: a prefix, then the time and some randomness in base 36, which also keeps them
// valid Kubernetes names.

/** A run id: the workflow name (at most 40 characters), then time and randomness. */
export function newRunId(workflow: string): string {
  return sortableId(workflow.slice(0, 40));
}

/** An event id: `ev-`, then time and randomness. */
export function newEventId(): string {
  return sortableId('ev');
}

/** `<prefix>-` + 9 base-36 digits of milliseconds + 5 random base-36 digits. */
function sortableId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  const random = Math.floor(Math.random() * 36 ** 5).toString(36).padStart(5, '0');
  return `${prefix}-${time}${random}`;
}
