// The inputs of one task's Argo template and the arguments its DAG task passes: tandem inputs
// (parameters, or artifacts taken `from` an upstream), the forEach item, and synthesized inputs
// that carry DAG-scope references (`tasks...`, `item`, expressions) into runner fields, which are
// resolved in template scope where only `{{inputs...}}` and `{{workflow...}}` exist.
import { parseTemplate } from '../../../expr/template.js';
import { isInputDecl } from '../../../spec/input-types.js';
import type { TaskSpec } from '../../../spec/schema.js';
import { isArtifactType } from '../../../spec/value-types.js';
import type { CompileContext } from './context.js';
import { CONTAINER_PATHS } from './options.js';
import { artifactSource, dagText, inputValue, loopedArtifacts, mentionsItem, parseExpression, resolveDagReference } from './references.js';

const ITEM_INPUT = 'tandem-item';

export interface DagArgument {
  name: string;
  /** Parameter value (DAG scope), or the artifact's `from`. */
  value: string;
  artifact: boolean;
  /** For an artifact read from the repository rather than `from`: its key. */
  key?: string;
  /** Whether the value depends on the forEach item (computed per iteration). */
  item: boolean;
  /** For an artifact: where the template places it. */
  path?: string;
}

/** How the node bootstrap turns an input's text back into a value. */
export type InputMode = 'string' | 'json' | 'auto' | 'path';

export class TemplateScope {
  readonly args: DagArgument[] = [];
  readonly modes = new Map<string, InputMode>();
  /** Workflow params that runner fields read directly (for memoization keys). */
  readonly paramsRead = new Set<string>();
  private readonly synthesized = new Map<string, string>();

  constructor(
    private readonly ctx: CompileContext,
    readonly task: TaskSpec,
  ) {
    for (const [name, raw] of Object.entries(task.inputs ?? {})) this.addInput(name, raw);
    if (task.forEach === undefined) return;
    // A forEach over a loop's artifacts iterates over their keys: the item is that artifact, read into a file.
    this.itemIsArtifact = loopedArtifacts(ctx, task) !== undefined;
    if (this.itemIsArtifact) this.args.push({ name: ITEM_INPUT, value: '{{item}}', artifact: true, key: '{{item}}', item: true, path: `${CONTAINER_PATHS.inputsDir}/${ITEM_INPUT}` });
    else this.args.push({ name: ITEM_INPUT, value: '{{item}}', artifact: false, item: true });
  }

  /** Whether `item` is an artifact (a forEach over a loop's artifacts). */
  readonly itemIsArtifact: boolean = false;

  /** `item` in a runner field: the item parameter, or the item artifact's path. */
  itemTag(): string {
    return this.itemIsArtifact ? `{{inputs.artifacts.${ITEM_INPUT}.path}}` : `{{inputs.parameters.${ITEM_INPUT}}}`;
  }

  private addInput(name: string, raw: unknown): void {
    const field = `inputs.${name}`;
    const value = inputValue(raw);
    const declared = isInputDecl(raw) ? raw.type : undefined;
    const source = artifactSource(this.ctx, this.task, field, value);
    if (source !== undefined || isArtifactType(declared)) {
      if (source === undefined) return this.ctx.fail('artifact input', this.task.name, field, 'an artifact input must be exactly one reference to an upstream artifact output');
      const placed = isInputDecl(raw) && raw.path !== undefined ? raw.path : name;
      const path = placed.startsWith('/') ? placed : `${CONTAINER_PATHS.inputsDir}/${placed}`;
      if ('from' in source) this.args.push({ name, value: source.from, artifact: true, item: false, path });
      else this.args.push({ name, value: source.key, key: source.key, artifact: true, item: source.item, path });
      this.modes.set(name, 'path');
      return;
    }
    if (typeof value === 'string') {
      this.args.push({ name, value: dagText(this.ctx, this.task, field, value), artifact: false, item: mentionsItem(this.ctx, this.task.name, field, value) });
      this.modes.set(name, declared !== undefined ? modeOfType(declared) : this.modeOfText(field, value));
      return;
    }
    if (containsTemplate(value)) this.ctx.fail('templated structured input', this.task.name, field, 'templates inside a list or object input cannot be rendered by Argo; pass each value as its own input');
    this.args.push({ name, value: JSON.stringify(value), artifact: false, item: false });
    this.modes.set(name, declared === 'string' ? 'string' : 'json');
  }

  private modeOfText(field: string, text: string): InputMode {
    const parts = parseTemplate(text);
    const only = parts[0];
    if (parts.length === 0 || only?.kind !== 'expr' || parts.length > 1) return 'string';
    const node = parseExpression(this.ctx, this.task.name, field, only.source);
    if (node.kind !== 'reference') return 'json';
    const resolved = resolveDagReference(this.ctx, this.task, field, node.path);
    if (resolved.kind !== 'tag') return 'string';
    return resolved.type === undefined ? 'auto' : modeOfType(resolved.type);
  }

  /** Renders a runner field (command, args, env, source) for template scope. */
  text(field: string, text: string): string {
    return parseTemplate(text)
      .map((part) => {
        if (part.kind === 'text') return part.text;
        const node = parseExpression(this.ctx, this.task.name, field, part.source);
        if (node.kind === 'reference') {
          const local = this.localReference(field, node.path);
          if (local !== undefined) return local;
        }
        return `{{inputs.parameters.${this.synthesize(field, part.source, node.kind === 'reference' ? node.path : undefined)}}}`;
      })
      .join('');
  }

  /** References that resolve inside the template itself; undefined for DAG-scope ones. */
  private localReference(field: string, path: readonly string[]): string | undefined {
    const [root, first] = path;
    if (root === 'params' && first !== undefined && path.length === 2) {
      this.paramsRead.add(first);
      return `{{workflow.parameters.${first}}}`;
    }
    if (root === 'inputs' && first !== undefined && path.length === 2) {
      const arg = this.args.find((a) => a.name === first);
      if (!arg) return this.ctx.fail('reference', this.task.name, field, `inputs.${first} is not an input of the task`);
      return arg.artifact ? `{{inputs.artifacts.${first}.path}}` : `{{inputs.parameters.${first}}}`;
    }
    if (root === 'item' && path.length === 1 && this.itemIsArtifact) return this.itemTag();
    if (root === 'run' && (first === 'status' || first === 'failures')) return `{{workflow.${first}}}`;
    if (root === 'run' && first === 'id') return '{{workflow.name}}';
    if (root === 'run' && first === 'name' && path.length === 2) return this.ctx.spec.name;
    if (root === 'task' && first === 'name' && path.length === 2) return this.task.name;
    if (root === 'task' && first === 'attempt') return this.attemptTag();
    if (root === 'task' && first === 'index') {
      return this.ctx.fail('task.index', this.task.name, field, 'Argo has no loop index variable for withItems/withParam');
    }
    return undefined;
  }

  private synthesize(field: string, source: string, path: readonly string[] | undefined): string {
    const value = dagText(this.ctx, this.task, field, `{{ ${source} }}`);
    const existing = this.synthesized.get(value) ?? this.args.find((arg) => !arg.artifact && arg.value === value)?.name;
    if (existing !== undefined) return existing;
    const name = path ? `tandem-${path.join('-')}` : `tandem-expr-${this.synthesized.size + 1}`;
    this.synthesized.set(value, name);
    const item = mentionsItem(this.ctx, this.task.name, field, `{{ ${source} }}`);
    this.args.push({ name, value, artifact: false, item });
    return name;
  }

  /** TANDEM_ATTEMPT / task.attempt: 1-based; Argo's {{retries}} counts from 0 and exists only with a retryStrategy. */
  attemptTag(): string {
    return (this.task.retry ?? this.ctx.spec.defaults?.retry) ? '{{=asInt(retries) + 1}}' : '1';
  }
}

function modeOfType(type: string): InputMode {
  if (isArtifactType(type)) return 'path';
  return type === 'string' ? 'string' : 'json';
}

function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsTemplate);
  return false;
}
