// retryPolicy as the backend reads it (argocompiler/container.go): only container tasks get the
// retry templates, so a retryPolicy on a DAG task does nothing; the backoff durations reach
// Argo as Duration.seconds, so a fraction of a second is dropped.
import { esc, record, tasks, type Json, type Problem } from './ir.js';

const PROTO_DURATION = /^(-?\d+)(\.\d+)?s$/;

export function retryProblems(doc: Json): Problem[] {
  const problems: Problem[] = [];
  for (const { task, path, component } of tasks(doc)) {
    if (task.retryPolicy === undefined) continue;
    const at = `${path}/retryPolicy`;
    if (component.dag !== undefined) problems.push({ path: at, message: 'the backend applies retryPolicy to container tasks only; on a DAG task it is ignored' });
    const policy = record(task.retryPolicy);
    for (const field of ['backoffDuration', 'backoffMaxDuration']) {
      const value = policy[field];
      if (value === undefined) continue;
      const match = typeof value === 'string' ? PROTO_DURATION.exec(value) : null;
      if (!match) problems.push({ path: `${at}/${esc(field)}`, message: `expected a duration such as "30s", found ${JSON.stringify(value)}` });
      else if (match[2] !== undefined && Number(match[2]) !== 0) problems.push({ path: `${at}/${esc(field)}`, message: `${String(value)}: the backend passes whole seconds to Argo and drops the fraction` });
    }
  }
  return problems;
}
