// The process the crash tests kill with SIGKILL: it starts a run and waits for it forever.
// argv: <home> <marker dir> [workflow file]: without a file, it runs crashSpec below.
import { loadWorkflowFile } from '../../../src/spec/load.js';
import { openStore } from '../../../src/store/sqlite/open.js';
import type { WorkflowSpec } from '../../../src/spec/schema.js';
import { openLocalEngines } from '../harness.js';

const [home, markers, file] = process.argv.slice(2) as [string, string, string | undefined];
// Each task appends a line to a marker file every time it really executes.
const mark = (name: string) => `echo "$TANDEM_ATTEMPT" >> "${markers}/${name}"`;

export const crashSpec: WorkflowSpec = {
  name: 'crash-test',
  failFast: false,
  tasks: [
    { name: 'done_before', process: { command: '/bin/sh', args: ['-c', mark('done_before')] } },
    {
      name: 'interrupted',
      dependsOn: ['done_before'],
      // The first attempt hangs (the crash comes while it runs); a retry finishes at once.
      process: { command: '/bin/sh', args: ['-c', `${mark('interrupted')}; if [ "$TANDEM_ATTEMPT" = 1 ]; then sleep 60; fi`] },
      retry: { limit: 2 },
    },
    { name: 'no_retry', process: { command: '/bin/sh', args: ['-c', `${mark('no_retry')}; sleep 60`] } },
    { name: 'never_started', dependsOn: ['interrupted'], process: { command: '/bin/sh', args: ['-c', mark('never_started')] } },
  ],
};

const store = await openStore({ home });
const { engines: engine } = await openLocalEngines({ store, home, concurrency: 4 });
const loaded = file !== undefined ? await loadWorkflowFile(file) : { spec: crashSpec, baseDir: process.cwd() };
const { runId } = await engine.submit({ spec: loaded.spec, baseDir: loaded.baseDir });
process.stdout.write(`${runId}\n`);
await engine.wait(runId);
