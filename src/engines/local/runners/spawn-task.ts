// Runs one command for a task through the spawner pool, and stops its whole process group when
// the attempt is aborted (timeout or cancel): SIGTERM first, SIGKILL after the grace period.
import { RunnerStartError, type RunnerResult, type TaskExecution } from '../runner.js';
import { SpawnFailedError, type SpawnerPool } from '../spawner/pool.js';
import { attemptFiles } from '../layout.js';
import { taskEnvironment } from './task-env.js';

export interface SpawnSettings {
  logCap: number;
  killGraceMs: number;
}

export interface CommandLine {
  command: string;
  args: string[];
  cwd: string;
  /** The runner's rendered `env`. */
  env: Record<string, string>;
  /** The runner's `inheritEnv`. */
  inheritEnv: readonly string[] | undefined;
}

export async function spawnTask(
  pool: SpawnerPool,
  execution: TaskExecution,
  line: CommandLine,
  settings: SpawnSettings,
): Promise<RunnerResult> {
  let pid: number | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (pid === undefined) return; // stopped as soon as it reports its pid
    signalGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(pid!, 'SIGKILL'), settings.killGraceMs);
  };
  const onAbort = () => stop();
  execution.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const outcome = await pool.spawn(
      {
        command: line.command,
        args: line.args,
        cwd: line.cwd,
        env: taskEnvironment({ declared: line.env, inherit: line.inheritEnv, task: execution.env }),
        dir: execution.outputsDir,
        stdoutFile: attemptFiles.stdout(execution.logDir),
        stderrFile: attemptFiles.stderr(execution.logDir),
        logCap: settings.logCap,
      },
      (startedPid) => {
        pid = startedPid;
        execution.onStarted(startedPid);
        if (execution.signal.aborted) stop();
      },
    );
    return { exitCode: outcome.exitCode, ...(outcome.signal ? { signal: outcome.signal } : {}), logTruncated: outcome.truncated };
  } catch (error) {
    if (error instanceof SpawnFailedError) {
      // A command too long to start (ENAMETOOLONG) is quoted by its start: the task's message stays one line.
      const command = line.command.length > 200 ? `${line.command.slice(0, 200)}...` : line.command;
      throw new RunnerStartError(`${command}: ${error.message}`, { cause: error });
    }
    throw error;
  } finally {
    if (killTimer) clearTimeout(killTimer);
    execution.signal.removeEventListener('abort', onAbort);
  }
}

/** Signals a process group; a group that is already gone is not an error. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left to stop.
  }
}
