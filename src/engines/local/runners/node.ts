// The `node` runner: calls an exported function of a module in a child Node.js process (so a
// task cannot block or crash the engine), passing typed inputs and taking its return value as
// the task's outputs. TypeScript modules load through tsx.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderText } from '../../../expr/template.js';
import { RunnerStartError, type Runner, type RunnerResult, type TaskExecution } from '../runner.js';
import type { SpawnerPool } from '../spawner/pool.js';
import { attemptFiles } from '../layout.js';
import { renderCwd, renderEnv } from './command-fields.js';
import { spawnTask, type SpawnSettings } from './spawn-task.js';

const SHIM_PATH = fileURLToPath(new URL('./node-shim.js', import.meta.url));
const TS_EXTENSIONS = /\.(c|m)?tsx?$/;

/** The message file the shim reads; see node-shim.js. */
export interface NodeTaskRequest {
  module: string;
  export: string;
  inputs: Record<string, unknown>;
  resultFile: string;
  context: { runId: string; task: string; attempt: number; outputsDir: string; inputsDir: string; metricsFile: string };
}

export class NodeRunner implements Runner {
  constructor(
    private readonly pool: SpawnerPool,
    private readonly settings: SpawnSettings,
  ) {}

  async run(execution: TaskExecution): Promise<RunnerResult> {
    const spec = execution.spec.node!;
    const moduleText = renderText(spec.module, execution.context);
    const modulePath = isAbsolute(moduleText) ? moduleText : resolve(execution.baseDir, moduleText);
    if (!existsSync(modulePath)) throw new RunnerStartError(`node module ${modulePath} does not exist`);
    const resultFile = attemptFiles.nodeResult(execution.logDir);
    const requestFile = attemptFiles.nodeRequest(execution.logDir);
    const request: NodeTaskRequest = {
      module: modulePath,
      export: spec.export ?? 'default',
      inputs: execution.inputs,
      resultFile,
      context: {
        runId: execution.runId,
        task: execution.task,
        attempt: execution.attempt,
        outputsDir: execution.outputsDir,
        inputsDir: execution.inputsDir,
        metricsFile: attemptFiles.metrics(execution.logDir),
      },
    };
    mkdirSync(execution.logDir, { recursive: true });
    writeFileSync(requestFile, JSON.stringify(request));
    const loader = TS_EXTENSIONS.test(modulePath) ? ['--import', import.meta.resolve('tsx')] : [];
    const result = await spawnTask(
      this.pool,
      execution,
      {
        command: process.execPath,
        args: [...loader, SHIM_PATH, requestFile],
        cwd: renderCwd(spec.cwd, execution),
        env: renderEnv(spec.env, execution),
        inheritEnv: spec.inheritEnv,
      },
      this.settings,
    );
    if (result.exitCode === 0 && existsSync(resultFile)) {
      result.returned = JSON.parse(readFileSync(resultFile, 'utf8')) as Record<string, unknown>;
    }
    return result;
  }
}
