// References to values the engine provides at run time. A reference prints as its template text
// (`{{ tasks.prepare.outputs.rows }}`) wherever a string is built or the spec is serialised, and
// gives its bare CEL expression (`tasks.prepare.outputs.rows`) to conditions built with `cel`.
import type { ValueType } from '../spec/value-types.js';

export class Ref<T extends ValueType | 'unknown' = 'unknown'> {
  /** Phantom: the declared type of the value, when known. Never set at run time. */
  declare readonly valueType?: T;
  constructor(readonly expression: string) {}

  /** A field inside this value, e.g. `ref.item.field('path')` is `{{ item.path }}`. */
  field(name: string): Ref {
    return new Ref(`${this.expression}.${name}`);
  }

  toString(): string {
    return `{{ ${this.expression} }}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** A reference of any value type. */
export type AnyRef = Ref<ValueType | 'unknown'>;

/** A reference to one output of a task; its type comes from the output's declaration. */
export class OutputRef<T extends ValueType | 'unknown' = 'unknown'> extends Ref<T> {
  constructor(readonly task: string, readonly output: string) {
    super(`tasks.${task}.outputs.${output}`);
  }
}

/** A reference to a workflow param. */
export class ParamRef<T extends ValueType | 'unknown' = 'unknown'> extends Ref<T> {
  constructor(readonly param: string) {
    super(`params.${param}`);
  }
}

/** References by name, for what typed handles do not cover. */
export const ref = {
  param: (name: string): ParamRef => new ParamRef(name),
  output: (task: string, output: string): OutputRef => new OutputRef(task, output),
  /** A task's own resolved input; usable in the runner fields (command, args, env, source, ...). */
  input: (name: string): Ref => new Ref(`inputs.${name}`),
  /** The current forEach item; `ref.item.field('x')` for a field of it. */
  item: new Ref('item'),
  run: {
    id: new Ref('run.id'),
    name: new Ref('run.name'),
    /** Only in finally tasks. */
    status: new Ref('run.status'),
    /** Only in finally tasks. */
    failures: new Ref('run.failures'),
  },
  task: { name: new Ref('task.name'), attempt: new Ref('task.attempt') },
  /** Any CEL expression, as a template value. */
  expr: (expression: string): Ref => new Ref(expression),
} as const;

/**
 * Builds a CEL condition: references become bare expressions, other values CEL literals.
 * `cel\`${p.n} > 3 && ${prepare.outputs.ok}\`` is `params.n > 3 && tasks.prepare.outputs.ok`.
 */
export function cel(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += value instanceof Ref ? value.expression : JSON.stringify(value);
    out += strings[i + 1] ?? '';
  });
  return out;
}
