// notify: the exit handler. Receives the run's status and its failed tasks, writes a
// notification (here: to notification.txt and the log; in real life: chat, e-mail, a pager).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

interface Failure {
  task: string;
  status: string;
  message: string;
}

export default async function notify(
  inputs: { status: string; failures: Failure[] },
  ctx: { runId: string; outputsDir: string },
): Promise<{ status: string; failed: string[]; message: string }> {
  const lines = inputs.failures.map((f) => `  ${f.task}: ${f.status}${f.message ? ` (${f.message})` : ''}`);
  const message = [`run ${ctx.runId} ${inputs.status}`, ...lines].join('\n');
  console.log(message);
  await writeFile(join(ctx.outputsDir, 'notification.txt'), `${message}\n`);
  return { status: inputs.status, failed: inputs.failures.map((f) => f.task), message };
}
