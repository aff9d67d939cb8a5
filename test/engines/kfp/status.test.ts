// KFP v2beta1 run status → tandem statuses, on the messages of ../shared/fixtures/kfp-api-v2beta1/
// (serialised by KFP's own marshaller), asserting values read from those files. None of them holds
// run_details.task_details, so the task mapping is checked on details written here from the API file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PipelineTaskDetail, Run } from '../../../src/engines/kfp/api/client.js';
import { runState, runTasks, taskState } from '../../../src/engines/kfp/status.js';
import { SPECS_DIR, suiteRequiresShared } from '../../helpers/shared.js';

const FIXTURES = join(SPECS_DIR, '..', 'fixtures', 'kfp-api-v2beta1');

function run(file: string): Run {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Run;
}

describe('KFP status mapping on the real API messages', suiteRequiresShared('kfp-api-v2beta1 fixtures', FIXTURES), () => {
  it('every run message maps: SUCCEEDED → Succeeded, FAILED → Failed', () => {
    const runs = readdirSync(FIXTURES).filter((f) => f.startsWith('run_'));
    assert.deepEqual(runs.sort(), ['run_completed.json', 'run_completed_with_spec.json', 'run_failed.json']);
    const expected: Record<string, string> = { SUCCEEDED: 'Succeeded', FAILED: 'Failed' };
    for (const file of runs) {
      const message = run(file);
      assert.equal(runState(message).status, expected[message.state ?? ''], file);
      // run_details is null in each: no tasks yet, and no failure reading it.
      assert.deepEqual(runTasks(message), [], file);
    }
  });

  it("the failed run keeps the server's error message and its times", () => {
    assert.deepEqual(runState(run('run_failed.json')), {
      status: 'Failed',
      message: 'This was a Failed Run.',
      createdAt: Date.parse('2024-01-01T12:00:00Z'),
      finishedAt: Date.parse('2024-01-01T12:00:00Z'),
      canceling: false,
    });
    assert.equal(runState(run('run_completed.json')).message, undefined);
  });
});

describe('KFP status mapping: run states and task details', () => {
  it('maps every runtime state the API file lists', () => {
    const states: Array<[NonNullable<Run['state']>, string, boolean]> = [
      ['RUNTIME_STATE_UNSPECIFIED', 'Pending', false],
      ['PENDING', 'Pending', false],
      ['RUNNING', 'Running', false],
      ['PAUSED', 'Running', false],
      ['CANCELING', 'Running', true],
      ['CANCELED', 'Cancelled', false],
      ['SUCCEEDED', 'Succeeded', false],
      ['SKIPPED', 'Succeeded', false],
      ['FAILED', 'Failed', false],
    ];
    for (const [state, status, canceling] of states) {
      const mapped = runState({ state, finished_at: '1970-01-01T00:00:00Z' });
      assert.equal(mapped.status, status, state);
      assert.equal(mapped.canceling, canceling, state);
      assert.equal(mapped.finishedAt, undefined, `${state}: the zero time is no time`);
    }
  });

  it('task details become tasks: state, error message, attempts from failed pods, output artifact ids', () => {
    const details: PipelineTaskDetail[] = [
      {
        task_id: 't1',
        display_name: 'train',
        state: 'FAILED',
        error: { code: 2, message: 'OOMKilled' },
        start_time: '2024-01-01T12:00:00Z',
        end_time: '2024-01-01T12:05:00Z',
        pod_name: 'train-pod-3',
        executor_detail: { main_job: 'train-pod-3', failed_main_jobs: ['train-pod-1', 'train-pod-2'] },
        outputs: { model: { artifact_ids: ['41', '42'] } },
        parent_task_id: 'root',
      },
      { task_id: 't2', display_name: 'evaluate', state: 'SKIPPED' },
      { task_id: 't3', display_name: 'export', state: 'RUNNING', start_time: '2024-01-01T12:06:00Z', end_time: '1970-01-01T00:00:00Z' },
    ];
    const tasks = runTasks({ state: 'FAILED', run_details: { task_details: details } });
    assert.deepEqual(tasks[0], {
      task: 'train',
      taskId: 't1',
      status: 'Failed',
      message: 'OOMKilled',
      startedAt: Date.parse('2024-01-01T12:00:00Z'),
      finishedAt: Date.parse('2024-01-01T12:05:00Z'),
      attempts: 3,
      podName: 'train-pod-3',
      outputArtifacts: { model: ['41', '42'] },
      parentTaskId: 'root',
    });
    assert.deepEqual(tasks.slice(1).map((t) => [t.task, t.status, t.attempts, t.finishedAt]), [
      ['evaluate', 'Skipped', 1, undefined],
      ['export', 'Running', 1, undefined],
    ]);
    assert.equal(taskState({ task_id: 'x', state: 'CANCELED' }).status, 'Cancelled');
  });
});
