// Every value a task reads must resolve the way KFP's driver resolves it (driver/resolve.go): a
// componentInputParameter / componentInputArtifact names an input of the enclosing DAG; a
// taskOutputParameter / taskOutputArtifact names a sibling task and an output its component
// declares; a DAG's outputs name a subtask's declared output; a taskFinalStatus is read by an exit
// task from the task it depends on first; the component's required inputs are all given; and a
// value reaches a typed input with a type the driver accepts (it converts anything to STRING and
// nothing else: "input parameter … type mismatch").
import { definitions, esc, record, siblingComponent, tasks, isExitTask, list, components, type Json, type Problem, type TaskView } from './ir.js';

export function referenceProblems(doc: Json): Problem[] {
  const problems: Problem[] = [];
  for (const view of tasks(doc)) {
    problems.push(...parameterInputs(doc, view), ...artifactInputs(doc, view), ...requiredInputs(view));
  }
  for (const { component, path } of components(doc)) problems.push(...dagOutputs(doc, component, path));
  return problems;
}

function parameterInputs(doc: Json, { task, path, parent, component, siblings }: TaskView): Problem[] {
  const problems: Problem[] = [];
  const parentInputs = definitions(parent.component, 'inputDefinitions', 'parameters');
  const ownInputs = definitions(component, 'inputDefinitions', 'parameters');
  for (const [name, raw] of Object.entries(record(record(task.inputs).parameters))) {
    const input = record(raw);
    const at = `${path}/inputs/parameters/${esc(name)}`;
    let sourceType: unknown;
    if (typeof input.componentInputParameter === 'string') {
      const def = parentInputs[input.componentInputParameter];
      if (def === undefined) problems.push({ path: `${at}/componentInputParameter`, message: `the enclosing DAG ${parent.path} has no input parameter "${input.componentInputParameter}"` });
      sourceType = record(def).parameterType;
    } else if (input.taskOutputParameter !== undefined) {
      const { producerTask, outputParameterKey } = record(input.taskOutputParameter);
      const producer = siblingComponent(doc, siblings, producerTask);
      const def = producer && typeof outputParameterKey === 'string' ? definitions(producer, 'outputDefinitions', 'parameters')[outputParameterKey] : undefined;
      if (def === undefined) problems.push({ path: `${at}/taskOutputParameter`, message: `no sibling task ${JSON.stringify(producerTask)} with an output parameter ${JSON.stringify(outputParameterKey)}` });
      sourceType = record(def).parameterType;
    } else if (input.taskFinalStatus !== undefined) {
      const producer = record(input.taskFinalStatus).producerTask;
      // resolve.go reads the status of dependentTasks[0], whatever producerTask says.
      if (!isExitTask(task) || list(task.dependentTasks)[0] !== producer) {
        problems.push({ path: `${at}/taskFinalStatus`, message: `only an exit task (ALL_UPSTREAM_TASKS_COMPLETED) whose first dependent task is ${JSON.stringify(producer)} gets its final status` });
      }
      sourceType = 'TASK_FINAL_STATUS';
    }
    const wanted = record(ownInputs[name]).parameterType;
    if (input.parameterExpressionSelector === undefined && typeof sourceType === 'string' && typeof wanted === 'string' && !accepts(wanted, sourceType)) {
      problems.push({ path: at, message: `a ${sourceType} value reaches input "${name}" of type ${wanted}; the driver converts values to STRING only` });
    }
  }
  return problems;
}

/** Whether the driver accepts a value of type `given` for an input of type `wanted`. */
function accepts(wanted: string, given: string): boolean {
  if (wanted === 'STRING' || wanted === given) return true;
  const numbers = new Set(['NUMBER_INTEGER', 'NUMBER_DOUBLE']);
  if (numbers.has(wanted) && numbers.has(given)) return true;
  const structs = new Set(['STRUCT', 'TASK_FINAL_STATUS']);
  return structs.has(wanted) && structs.has(given);
}

function artifactInputs(doc: Json, { task, path, parent, siblings }: TaskView): Problem[] {
  const problems: Problem[] = [];
  const parentInputs = definitions(parent.component, 'inputDefinitions', 'artifacts');
  for (const [name, raw] of Object.entries(record(record(task.inputs).artifacts))) {
    const input = record(raw);
    const at = `${path}/inputs/artifacts/${esc(name)}`;
    if (typeof input.componentInputArtifact === 'string' && !(input.componentInputArtifact in parentInputs)) {
      problems.push({ path: `${at}/componentInputArtifact`, message: `the enclosing DAG ${parent.path} has no input artifact "${input.componentInputArtifact}"` });
    }
    if (input.taskOutputArtifact !== undefined) {
      const { producerTask, outputArtifactKey } = record(input.taskOutputArtifact);
      const producer = siblingComponent(doc, siblings, producerTask);
      if (!producer || typeof outputArtifactKey !== 'string' || !(outputArtifactKey in definitions(producer, 'outputDefinitions', 'artifacts'))) {
        problems.push({ path: `${at}/taskOutputArtifact`, message: `no sibling task ${JSON.stringify(producerTask)} with an output artifact ${JSON.stringify(outputArtifactKey)}` });
      }
    }
  }
  return problems;
}

/** "neither value nor default value provided for non-optional parameter" (resolve.go). */
function requiredInputs({ task, path, component }: TaskView): Problem[] {
  const given = record(record(task.inputs).parameters);
  const item = record(task.parameterIterator).itemInput;
  const problems: Problem[] = [];
  for (const [name, raw] of Object.entries(definitions(component, 'inputDefinitions', 'parameters'))) {
    const def = record(raw);
    if (name in given || name === item || def.isOptional === true || def.defaultValue !== undefined) continue;
    problems.push({ path: `${path}/inputs/parameters`, message: `the task gives no value for "${name}", a required input of its component` });
  }
  return problems;
}

function dagOutputs(doc: Json, component: Json, path: string): Problem[] {
  const dag = record(component.dag);
  const siblings = record(dag.tasks);
  const outputs = record(dag.outputs);
  const problems: Problem[] = [];
  for (const [name, raw] of Object.entries(record(outputs.parameters))) {
    const output = record(raw);
    // valueFromOneof (dsl.OneOf) lists one selector per branch; valueFromParameter is one.
    const selectors = output.valueFromOneof !== undefined ? list(record(output.valueFromOneof).parameterSelectors) : [output.valueFromParameter];
    selectors.forEach((selector) => {
      const { producerSubtask, outputParameterKey } = record(selector);
      const producer = siblingComponent(doc, siblings, producerSubtask);
      if (!producer || typeof outputParameterKey !== 'string' || !(outputParameterKey in definitions(producer, 'outputDefinitions', 'parameters'))) {
        problems.push({ path: `${path}/dag/outputs/parameters/${esc(name)}`, message: `no subtask ${JSON.stringify(producerSubtask)} with an output parameter ${JSON.stringify(outputParameterKey)}` });
      }
    });
  }
  for (const [name, raw] of Object.entries(record(outputs.artifacts))) {
    list(record(raw).artifactSelectors).forEach((selector, i) => {
      const { producerSubtask, outputArtifactKey } = record(selector);
      const producer = siblingComponent(doc, siblings, producerSubtask);
      if (!producer || typeof outputArtifactKey !== 'string' || !(outputArtifactKey in definitions(producer, 'outputDefinitions', 'artifacts'))) {
        problems.push({ path: `${path}/dag/outputs/artifacts/${esc(name)}/artifactSelectors/${i}`, message: `no subtask ${JSON.stringify(producerSubtask)} with an output artifact ${JSON.stringify(outputArtifactKey)}` });
      }
    });
  }
  return problems;
}
