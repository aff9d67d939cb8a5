// The `script` runner: inline source written to a file and run by an interpreter (default sh).
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderText } from '../../../expr/template.js';
import type { Runner, RunnerResult, TaskExecution } from '../runner.js';
import type { SpawnerPool } from '../spawner/pool.js';
import { attemptFiles } from '../layout.js';
import { renderArgs, renderCwd, renderEnv } from './command-fields.js';
import { spawnTask, type SpawnSettings } from './spawn-task.js';

export class ScriptRunner implements Runner {
  constructor(
    private readonly pool: SpawnerPool,
    private readonly settings: SpawnSettings,
  ) {}

  run(execution: TaskExecution): Promise<RunnerResult> {
    const spec = execution.spec.script!;
    const interpreter = spec.interpreter ?? 'sh';
    const scriptFile = attemptFiles.script(execution.logDir);
    mkdirSync(execution.logDir, { recursive: true });
    writeFileSync(scriptFile, renderText(spec.source, execution.context), { mode: 0o700 });
    const [command, ...interpreterArgs] = interpreter.split(/\s+/).filter(Boolean);
    return spawnTask(
      this.pool,
      execution,
      {
        command: command ?? 'sh',
        args: [...interpreterArgs, scriptFile, ...renderArgs(spec.args, execution)],
        cwd: renderCwd(spec.cwd, execution),
        env: renderEnv(spec.env, execution),
        inheritEnv: spec.inheritEnv,
      },
      this.settings,
    );
  }
}
