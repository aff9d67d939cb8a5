// Loops as the open-source backend runs them (argocompiler/dag.go, driver/resolve.go): an
// artifactIterator is refused ("artifact iterator not implemented yet"), a task has at most one
// iterator, and a parameterIterator's item input is an input of the loop's DAG component, its
// items either a JSON list (`raw`) or a parameter the task is given (`inputParameter`).
import { definitions, record, tasks, type Json, type Problem } from './ir.js';

export function iteratorProblems(doc: Json): Problem[] {
  const problems: Problem[] = [];
  for (const { task, path, component } of tasks(doc)) {
    if (task.artifactIterator !== undefined) {
      problems.push({ path: `${path}/artifactIterator`, message: 'the KFP backend does not run artifact iterators ("artifact iterator not implemented yet")' });
    }
    if (task.parameterIterator === undefined) continue;
    if (task.artifactIterator !== undefined) problems.push({ path, message: 'parameterIterator and artifactIterator cannot be specified at the same time' });
    const iterator = record(task.parameterIterator);
    const at = `${path}/parameterIterator`;
    if (component.dag === undefined) problems.push({ path: at, message: 'a loop runs a DAG component' });
    const item = iterator.itemInput;
    if (typeof item !== 'string' || !(item in definitions(component, 'inputDefinitions', 'parameters'))) {
      problems.push({ path: `${at}/itemInput`, message: `the loop's component has no input parameter ${JSON.stringify(item)} for the item` });
    }
    const items = record(iterator.items);
    if (typeof items.raw === 'string') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(items.raw);
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed)) problems.push({ path: `${at}/items/raw`, message: `"${items.raw}" is not a JSON list` });
    } else if (typeof items.inputParameter === 'string') {
      if (!(items.inputParameter in record(record(task.inputs).parameters))) {
        problems.push({ path: `${at}/items/inputParameter`, message: `the loop task is given no input "${items.inputParameter}" to iterate over` });
      }
    } else {
      problems.push({ path: `${at}/items`, message: 'expected raw items or an inputParameter ("cannot retrieve parameter iterator")' });
    }
  }
  return problems;
}
