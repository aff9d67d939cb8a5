// The `process` runner: a command with arguments, no shell unless the task asks for one.
import type { Runner, RunnerResult, TaskExecution } from '../runner.js';
import type { SpawnerPool } from '../spawner/pool.js';
import { renderText } from '../../../expr/template.js';
import { renderArgs, renderCwd, renderEnv } from './command-fields.js';
import { spawnTask, type SpawnSettings } from './spawn-task.js';

export class ProcessRunner implements Runner {
  constructor(
    private readonly pool: SpawnerPool,
    private readonly settings: SpawnSettings,
  ) {}

  run(execution: TaskExecution): Promise<RunnerResult> {
    const spec = execution.spec.process!;
    const command = renderText(spec.command, execution.context);
    const args = renderArgs(spec.args, execution);
    // With shell: true the command is a shell script and args become its $1, $2...
    const line = spec.shell ? { command: '/bin/sh', args: ['-c', command, 'tandem', ...args] } : { command, args };
    return spawnTask(
      this.pool,
      execution,
      { ...line, cwd: renderCwd(spec.cwd, execution), env: renderEnv(spec.env, execution), inheritEnv: spec.inheritEnv },
      this.settings,
    );
  }
}
