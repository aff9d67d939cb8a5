// Exit tasks as the backend compiles them (argocompiler/dag.go): a task with the
// ALL_UPSTREAM_TASKS_COMPLETED strategy becomes the Argo exit hook of each task it depends on, kept
// in a map from that task to one hook, so a second exit task on the same task silently replaces
// the first and never runs. An exit task must depend on something, and a DAG must keep at least
// one task that is not an exit task ("must contain one or more non-exit tasks").
import { components, esc, isExitTask, list, record, type Json, type Problem } from './ir.js';

export function exitHookProblems(doc: Json): Problem[] {
  const problems: Problem[] = [];
  for (const { component, path } of components(doc)) {
    const dagTasks = record(record(component.dag).tasks);
    if (component.dag === undefined || Object.keys(dagTasks).length === 0) continue;
    const hooks = new Map<string, string>();
    let regular = 0;
    for (const [name, raw] of Object.entries(dagTasks)) {
      const task = record(raw);
      if (!isExitTask(task)) {
        regular += 1;
        continue;
      }
      const deps = list(task.dependentTasks).filter((d): d is string => typeof d === 'string');
      const at = `${path}/dag/tasks/${esc(name)}`;
      if (deps.length === 0) problems.push({ path: `${at}/dependentTasks`, message: 'an exit task (ALL_UPSTREAM_TASKS_COMPLETED) needs a task to exit from' });
      for (const dep of deps) {
        const other = hooks.get(dep);
        if (other !== undefined) {
          problems.push({ path: `${at}/dependentTasks`, message: `${other} and ${name} are both exit tasks of ${dep}; the backend keeps one exit hook per task, so only one would run` });
        }
        hooks.set(dep, name);
      }
    }
    if (regular === 0) problems.push({ path: `${path}/dag/tasks`, message: 'a DAG must contain one or more non-exit tasks' });
  }
  return problems;
}
