// Where an attempt's files live. The attempt directory is $TANDEM_OUTPUTS itself, so starting an
// attempt costs one mkdir (directory creation is as dear as a spawn on some file systems). The
// engine's own files there all have a dot in their name, and default output paths (output names)
// never do, so the two cannot collide.
import { join } from 'node:path';

/** <home>/runs/<run>/<task key>.<attempt>: the attempt's outputs, logs and working files. */
export function attemptDir(runsDir: string, runId: string, key: string, attempt: number): string {
  return join(runsDir, runId, `${key}.${attempt}`);
}

export const attemptFiles = {
  stdout: (dir: string) => join(dir, 'stdout.log'),
  stderr: (dir: string) => join(dir, 'stderr.log'),
  metrics: (dir: string) => join(dir, 'metrics.jsonl'),
  /** Created only when the task has artifact inputs. */
  inputs: (dir: string) => join(dir, 'inputs.d'),
  script: (dir: string) => join(dir, 'task.script'),
  nodeRequest: (dir: string) => join(dir, 'node-request.json'),
  nodeResult: (dir: string) => join(dir, 'node-result.json'),
  /** Written by the spawner helper right after the fork, and when the process has ended. */
  started: (dir: string) => join(dir, 'process.started'),
  exit: (dir: string) => join(dir, 'process.exit'),
};

/** The task key and attempt of an attempt folder's name (`<key>.<attempt>`), if it is one. */
export function parseAttemptDirName(name: string): { key: string; attempt: number } | undefined {
  const dot = name.lastIndexOf('.');
  const attempt = Number(name.slice(dot + 1));
  if (dot <= 0 || !/^[1-9][0-9]*$/.test(name.slice(dot + 1))) return undefined;
  return { key: name.slice(0, dot), attempt };
}
