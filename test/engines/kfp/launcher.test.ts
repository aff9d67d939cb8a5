// The shell launcher of compiled process and script tasks, run for real with /bin/sh: KFP's
// placeholders are filled in by hand as the KFP launcher would, and the test checks the task's
// outputs land where KFP collects them, and that a failing task fails without copying anything.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { compileToKfp } from '../../../src/engines/kfp/compile/index.js';
import type { WorkflowSpec } from '../../../src/spec/schema.js';
import { OPTIONS, at } from './helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function runCompiled(source: string, finalState = 'COMPLETE'): { status: number | null; stdout: string; out: string } {
  const spec: WorkflowSpec = {
    name: 'w',
    params: { n: { type: 'integer', default: 3 } },
    tasks: [{ name: 'a', script: { source, env: { OUTCOME: '{{ run.status }}' } }, outputs: { v: { type: 'integer' }, d: { type: 'Dataset' } } }],
  };
  // As a finally task, so that it can read the run status.
  const ir = compileToKfp({ name: 'w', params: spec.params, tasks: [{ name: 'main', process: { command: 'true' } }], finally: spec.tasks }, OPTIONS);
  const container = at(ir, 'deploymentSpec', 'executors', 'exec-a', 'container') as { command: string[]; args: string[] };
  const finalStatus = JSON.stringify({ error: {}, pipelineJobResourceName: 'r', pipelineTaskName: 'exit-handler-1', state: finalState });
  const out = mkdtempSync(join(tmpdir(), 'tandem-kfp-'));
  dirs.push(out);
  const fill = (text: string): string =>
    text
      .replace("{{$.inputs.parameters['pipelinechannel--n']}}", '3')
      .replace("{{$.outputs.parameters['v'].output_file}}", join(out, 'params', 'v'))
      .replace("{{$.outputs.artifacts['d'].path}}", join(out, 'artifacts', 'd'))
      .replace("{{$.inputs.parameters['tandem-run-id']}}", 'run-1')
      .replace("{{$.inputs.parameters['tandem-run-status']}}", finalStatus);
  const [command, ...args] = [...container.command, ...container.args].map(fill);
  // KFP's driver sets TANDEM_RUN_ID on the pod from its run label (the platform spec).
  const result = spawnSync(command ?? 'false', args, { encoding: 'utf8', env: { ...process.env, TANDEM_RUN_ID: 'run-1' } });
  return { status: result.status, stdout: result.stdout, out };
}

void describe('KFP shell launcher', () => {
  void it('runs the script with placeholders filled and copies outputs to KFP paths', () => {
    const run = runCompiled('echo "n={{ params.n }} run=$TANDEM_RUN_ID"; echo 42 > "$TANDEM_OUTPUTS/v"; mkdir "$TANDEM_OUTPUTS/d"; echo hi > "$TANDEM_OUTPUTS/d/f"');
    assert.equal(run.status, 0);
    assert.equal(run.stdout.trim(), 'n=3 run=run-1');
    assert.equal(readFileSync(join(run.out, 'params', 'v'), 'utf8'), '42');
    assert.deepEqual(readdirSync(join(run.out, 'artifacts', 'd')), ['f']);
  });

  void it('turns the exit handler\'s PipelineTaskFinalStatus into tandem\'s run status', () => {
    assert.equal(runCompiled('echo "$OUTCOME"; echo 1 > "$TANDEM_OUTPUTS/v"; mkdir "$TANDEM_OUTPUTS/d"').stdout.trim(), 'Succeeded');
    assert.equal(runCompiled('echo "$OUTCOME"; echo 1 > "$TANDEM_OUTPUTS/v"; mkdir "$TANDEM_OUTPUTS/d"', 'FAILED').stdout.trim(), 'Failed');
  });

  void it('keeps the JSON a task printed after its log lines for the stdout capture step', () => {
    const spec: WorkflowSpec = { name: 'w', tasks: [{ name: 'a', script: { source: 'echo "[info] starting"; echo \'{"attempt": 3}\'' }, outputs: { n: { type: 'integer', stdout: 'attempt' } } }] };
    const container = at(compileToKfp(spec, OPTIONS), 'deploymentSpec', 'executors', 'exec-a', 'container') as { command: string[]; args: string[] };
    const out = mkdtempSync(join(tmpdir(), 'tandem-kfp-'));
    dirs.push(out);
    const [command, ...args] = [...container.command, ...container.args].map((text) => text.replace("{{$.outputs.parameters['tandem-stdout'].output_file}}", join(out, 'stdout')));
    const result = spawnSync(command ?? 'false', args, { encoding: 'utf8' });
    assert.equal(result.status, 0);
    assert.equal(result.stdout, '[info] starting\n{"attempt": 3}\n');
    assert.equal(readFileSync(join(out, 'stdout'), 'utf8'), '{"attempt": 3}');
  });

  void it('fails with the task exit code and copies nothing', () => {
    const run = runCompiled('echo 1 > "$TANDEM_OUTPUTS/v"; exit 7');
    assert.equal(run.status, 7);
    assert.equal(existsSync(join(run.out, 'params', 'v')), false);
  });

  void it('fails when a declared output was not written', () => {
    const run = runCompiled('echo 1 > "$TANDEM_OUTPUTS/v"');
    assert.equal(run.status, 1);
  });
});

void describe('KFP node launcher', () => {
  void it('fills in text inputs, turns the final status into the run status and writes outputs where KFP reads them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-kfp-node-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'report.mjs'), 'export default (inputs, ctx) => ({ line: `${inputs.label} ${inputs.status} ${ctx.runId}` });\n');
    const spec: WorkflowSpec = {
      name: 'w',
      params: { p: { type: 'string', default: 'x' } },
      tasks: [{ name: 'main', process: { command: 'true' } }],
      finally: [{ name: 'report', node: { module: 'report.mjs' }, inputs: { label: 'p={{ params.p }}', status: '{{ run.status }}' }, outputs: { line: { type: 'string' } } }],
    };
    const container = at(compileToKfp(spec, { ...OPTIONS, projectDir: dir }), 'deploymentSpec', 'executors', 'exec-report', 'container') as { command: string[]; args: string[] };
    const executorInput = {
      inputs: {
        parameterValues: {
          label: "p={{$.inputs.parameters['pipelinechannel--p']}}",
          'pipelinechannel--p': 'x',
          status: { error: {}, pipelineJobResourceName: 'r', pipelineTaskName: 'exit-handler-1', state: 'FAILED' },
        },
      },
      outputs: { parameters: { line: { outputFile: join(dir, 'out', 'line') } } },
    };
    const [command, ...args] = [...container.command, ...container.args.map((arg) => (arg === '{{$}}' ? JSON.stringify(executorInput) : arg))];
    const result = spawnSync(command ?? 'false', args, { encoding: 'utf8', env: { ...process.env, TANDEM_RUN_ID: 'run-1' } });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(readFileSync(join(dir, 'out', 'line'), 'utf8'), 'p=x Failed run-1');
  });
});
