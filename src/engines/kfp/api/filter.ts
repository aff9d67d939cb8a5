// KFP list calls take their filter as one query parameter holding a JSON-encoded v2beta1Filter
// (`{"predicates":[{"key":..,"operation":"EQUALS","string_value":..}]}`), which the API server
// parses with protojson: field names as the proto spells them.
import type { components } from './schema.generated.js';

type Predicate = components['schemas']['v2beta1Predicate'];
type Operation = NonNullable<Predicate['operation']>;

/** One condition on a key: a string, a number (int_value) or a list (IN). */
type FilterValue = string | number | readonly string[];

export interface FilterCondition {
  key: string;
  operation?: Operation;
  value: FilterValue;
}

function predicate({ key, operation, value }: FilterCondition): Predicate {
  if (typeof value === 'string') return { key, operation: operation ?? 'EQUALS', string_value: value };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new TypeError(`KFP filter ${key}: ${value} is not an integer`);
    return { key, operation: operation ?? 'EQUALS', int_value: value };
  }
  return { key, operation: operation ?? 'IN', string_values: { values: [...value] } };
}

/** The `filter` query parameter for conditions AND-ed together; undefined for none. */
export function kfpFilter(conditions: readonly FilterCondition[]): string | undefined {
  if (conditions.length === 0) return undefined;
  return JSON.stringify({ predicates: conditions.map(predicate) });
}
