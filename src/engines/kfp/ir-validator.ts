// Strict validation of KFP PipelineSpec IR (the proto3-JSON form of ml_pipelines.PipelineSpec).
// The message types come from a compiled FileDescriptorSet (pipeline_spec.binpb), so the check is
// the proto contract itself: unknown keys are rejected, enum names are accepted. The proto leaves
// `deploymentSpec` as a google.protobuf.Struct; it is checked as the PipelineDeploymentConfig it
// is documented to be. On top come the rules a proto cannot state (a pipeline name, a root DAG,
// references between components, executors and sibling tasks). Problems come back as a list with
// a JSON-pointer path each, never as a raw decoder exception.
import { readFileSync } from 'node:fs';
import { createFileRegistry, fromBinary, fromJson, type DescField, type DescMessage, type JsonValue, type Registry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { errorMessage } from '../../util/error-message.js';
import { isRecord } from '../../util/is-record.js';

interface IrProblem {
  /** JSON pointer into the document, e.g. `/root/dag/tasks/train/componentRef`. */
  path: string;
  message: string;
}

export interface KfpIrValidator {
  /** Problems with one PipelineSpec document (empty: valid). */
  validate(document: unknown): IrProblem[];
  /** Problems with a whole IR file: a PipelineSpec, then optionally a PlatformSpec document. */
  validateDocuments(documents: readonly unknown[]): IrProblem[];
}

const PIPELINE_SPEC = 'ml_pipelines.PipelineSpec';
const PLATFORM_SPEC = 'ml_pipelines.PlatformSpec';
const DEPLOYMENT_CONFIG = 'ml_pipelines.PipelineDeploymentConfig';

/** Loads the descriptor set at `descriptorSetPath` (e.g. specs/kfp/pipeline_spec.binpb). */
export function loadKfpIrValidator(descriptorSetPath: string): KfpIrValidator {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(descriptorSetPath)));
  const message = (name: string): DescMessage => {
    const desc = registry.getMessage(name);
    if (!desc) throw new Error(`${descriptorSetPath} does not describe ${name}`);
    return desc;
  };
  const pipelineSpec = message(PIPELINE_SPEC);
  const platformSpec = message(PLATFORM_SPEC);
  const deploymentConfig = message(DEPLOYMENT_CONFIG);

  const validate = (document: unknown): IrProblem[] => {
    if (!isRecord(document)) return [{ path: '/', message: `expected a PipelineSpec object, found ${kindOf(document)}` }];
    const problems = protoProblems(pipelineSpec, document, '', registry);
    if (isRecord(document.deploymentSpec)) {
      problems.push(...protoProblems(deploymentConfig, document.deploymentSpec, '/deploymentSpec', registry));
    }
    if (problems.length === 0) problems.push(...semanticProblems(document));
    return problems;
  };
  return {
    validate,
    validateDocuments(documents) {
      if (documents.length === 0) return [{ path: '/', message: 'expected a PipelineSpec document, found an empty file' }];
      const [first, ...rest] = documents;
      const problems = validate(first);
      rest.forEach((doc, i) => {
        const at = `#${i + 2}`;
        if (!isRecord(doc)) problems.push({ path: `${at}/`, message: `expected a PlatformSpec object, found ${kindOf(doc)}` });
        else problems.push(...protoProblems(platformSpec, doc, at, registry));
      });
      return problems;
    },
  };
}

/** Every proto3-JSON problem, each located at the deepest key that fails to decode. */
function protoProblems(desc: DescMessage, json: Record<string, unknown>, path: string, registry: Registry): IrProblem[] {
  if (decodeError(desc, json, registry) === undefined) return [];
  const problems: IrProblem[] = [];
  for (const [key, value] of Object.entries(json)) {
    const at = `${path}/${escape(key)}`;
    const error = decodeError(desc, { [key]: value }, registry);
    if (error === undefined) continue;
    const field = desc.fields.find((f) => f.jsonName === key || f.name === key);
    const inner = field ? childProblems(field, value, at, registry) : [];
    problems.push(...(inner.length > 0 ? inner : [{ path: at, message: error }]));
  }
  // A failure only visible for the whole object (e.g. a oneof set twice).
  if (problems.length === 0) problems.push({ path: path || '/', message: decodeError(desc, json, registry) ?? 'invalid' });
  return problems;
}

function childProblems(field: DescField, value: unknown, at: string, registry: Registry): IrProblem[] {
  const target = messageOf(field);
  if (!target || target.typeName.startsWith('google.protobuf.')) return [];
  const entries: Array<[string, unknown]> =
    field.fieldKind === 'list' && Array.isArray(value)
      ? value.map((item, i) => [`${at}/${i}`, item])
      : field.fieldKind === 'map' && isRecord(value)
        ? Object.entries(value).map(([k, v]) => [`${at}/${escape(k)}`, v])
        : field.fieldKind === 'message'
          ? [[at, value]]
          : [];
  return entries.flatMap(([p, v]) => (isRecord(v) ? protoProblems(target, v, p, registry) : []));
}

function messageOf(field: DescField): DescMessage | undefined {
  if (field.fieldKind === 'message') return field.message;
  if (field.fieldKind === 'list' && field.listKind === 'message') return field.message;
  if (field.fieldKind === 'map' && field.mapKind === 'message') return field.message;
  return undefined;
}

function decodeError(desc: DescMessage, json: unknown, registry: Registry): string | undefined {
  try {
    fromJson(desc, json as JsonValue, { registry, ignoreUnknownFields: false });
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

/** Rules the proto cannot state: required names, and references that must resolve. */
function semanticProblems(doc: Record<string, unknown>): IrProblem[] {
  const problems: IrProblem[] = [];
  const info = doc.pipelineInfo;
  if (!isRecord(info) || typeof info.name !== 'string' || info.name === '') {
    problems.push({ path: '/pipelineInfo/name', message: 'expected the pipeline name (a non-empty string), found none' });
  }
  if (typeof doc.schemaVersion !== 'string' || doc.schemaVersion === '') {
    problems.push({ path: '/schemaVersion', message: 'expected the IR schema version, e.g. "2.1.0", found none' });
  }
  const components = isRecord(doc.components) ? doc.components : {};
  const deployment = isRecord(doc.deploymentSpec) ? doc.deploymentSpec : {};
  const executors = isRecord(deployment.executors) ? deployment.executors : {};
  if (!isRecord(doc.root) || !isRecord(doc.root.dag)) {
    problems.push({ path: '/root/dag', message: 'expected the root component to be a DAG' });
  } else {
    checkComponent(doc.root, '/root', components, executors, problems);
  }
  for (const [name, component] of Object.entries(components)) {
    if (isRecord(component)) checkComponent(component, `/components/${escape(name)}`, components, executors, problems);
  }
  return problems;
}

function checkComponent(
  component: Record<string, unknown>,
  path: string,
  components: Record<string, unknown>,
  executors: Record<string, unknown>,
  problems: IrProblem[],
): void {
  const label = component.executorLabel;
  if (typeof label === 'string' && !(label in executors)) {
    problems.push({ path: `${path}/executorLabel`, message: `expected an executor named "${label}" in deploymentSpec.executors` });
  }
  const dag = component.dag;
  if (!isRecord(dag) || !isRecord(dag.tasks)) return;
  const siblings = new Set(Object.keys(dag.tasks));
  for (const [taskName, task] of Object.entries(dag.tasks)) {
    if (!isRecord(task)) continue;
    const at = `${path}/dag/tasks/${escape(taskName)}`;
    const ref = isRecord(task.componentRef) ? task.componentRef.name : undefined;
    if (typeof ref !== 'string' || !(ref in components)) {
      problems.push({ path: `${at}/componentRef/name`, message: `expected the name of a component in /components, found ${JSON.stringify(ref ?? null)}` });
    }
    const deps = Array.isArray(task.dependentTasks) ? task.dependentTasks : [];
    deps.forEach((dep, i) => {
      if (typeof dep !== 'string' || !siblings.has(dep)) {
        problems.push({ path: `${at}/dependentTasks/${i}`, message: `expected a task of the same DAG, found ${JSON.stringify(dep)}` });
      }
    });
    for (const [kind, key] of [['parameters', 'taskOutputParameter'], ['artifacts', 'taskOutputArtifact']] as const) {
      const inputs = isRecord(task.inputs) && isRecord(task.inputs[kind]) ? task.inputs[kind] : {};
      for (const [inputName, input] of Object.entries(inputs)) {
        const producer = isRecord(input) && isRecord(input[key]) ? input[key].producerTask : undefined;
        if (producer !== undefined && (typeof producer !== 'string' || !siblings.has(producer))) {
          problems.push({
            path: `${at}/inputs/${kind}/${escape(inputName)}/${key}/producerTask`,
            message: `expected a task of the same DAG, found ${JSON.stringify(producer)}`,
          });
        }
      }
    }
  }
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  return Array.isArray(value) ? 'a list' : typeof value;
}

/** JSON-pointer escaping of one key. */
function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
