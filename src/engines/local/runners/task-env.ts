// The complete environment of a task's process. A task gets what its spec declares and nothing
// else of the engine's environment, as a pod gets only what its spec declares: `tandem serve`
// holds API tokens, webhook secrets and tracking credentials, and a task that prints its
// environment would publish them through its logs to anyone who may read the run. What a process
// needs to behave as in a terminal comes from a small base (BASE_ENV); anything more is
// named in the task's `inheritEnv`.

/**
 * Taken from the engine's environment when set: the search path, home, temp dir, time zone and
 * locale (LANG and the POSIX and glibc LC_* categories). Looked up by name: enumerating
 * process.env on every spawn costs more than these few lookups.
 */
export const BASE_ENV: readonly string[] = [
  'PATH', 'HOME', 'TMPDIR', 'TZ', 'LANG', 'LC_ALL', 'LC_CTYPE', 'LC_COLLATE', 'LC_MESSAGES', 'LC_MONETARY', 'LC_NUMERIC', 'LC_TIME',
  'LC_ADDRESS', 'LC_IDENTIFICATION', 'LC_MEASUREMENT', 'LC_NAME', 'LC_PAPER', 'LC_TELEPHONE',
];

export interface TaskEnvParts {
  /** The runner's rendered `env`. */
  declared: Readonly<Record<string, string>>;
  /** The runner's `inheritEnv`: names passed through from the engine's environment. */
  inherit: readonly string[] | undefined;
  /** The TANDEM_* task variables of the attempt; they win over everything else. */
  task: Readonly<Record<string, string>>;
}

/** Base, then inherited, then declared, then the task variables; unset variables stay unset. */
export function taskEnvironment(parts: TaskEnvParts, source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const names of [BASE_ENV, parts.inherit ?? []]) {
    for (const name of names) {
      const value = source[name];
      if (value !== undefined) env[name] = value;
    }
  }
  return Object.assign(env, parts.declared, parts.task);
}
