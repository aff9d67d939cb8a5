// A dependency's data filters as Argo Events `filters.data`. Paths move under the prefix where the
// source puts tandem's data (`body` for NATS and webhooks). Two meanings differ and are handled:
// `!=` with several values (tandem: differs from every value; Argo Events: from any) is split into
// one filter per value, which is exact only when the filters are ANDed; and a `{{ }}` template is
// CEL, which Argo Events' Go templates cannot run, so it is refused.
import type { DataFilter, LogicalOperator } from '../sensors/schema.js';
import { refuse } from './context.js';
import { underPrefix } from './paths.js';
import type { SourceShape } from './source-shape.js';

export function compileDataFilters(filters: readonly DataFilter[], operator: LogicalOperator, shape: SourceShape, where: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  filters.forEach((filter, index) => {
    const at = `${where}, data filter ${index} (${filter.path})`;
    if ('unreadable' in shape.data) refuse('data filter', at, `the event data cannot be read in Argo Events: ${shape.data.unreadable}`);
    if (filter.template !== undefined) {
      refuse('data filter template', at, "the template is a tandem {{ }} template with CEL; Argo Events' filter templates are Go templates over {{ .Input }}");
    }
    const base = { path: underPrefix(shape.data.prefix, filter.path), type: filter.type };
    const comparator = filter.comparator ?? '=';
    if (comparator === '!=' && filter.value.length > 1) {
      if (operator === 'or') {
        refuse('data filter "!=" with several values', at, 'Argo Events passes "!=" when the value differs from any listed value (tandem: from every one); splitting it per value is exact only with dataLogicalOperator "and"');
      }
      for (const value of filter.value) out.push({ ...base, value: [value], comparator });
      return;
    }
    out.push({ ...base, value: [...filter.value], ...(filter.comparator !== undefined ? { comparator } : {}) });
  });
  return out;
}
