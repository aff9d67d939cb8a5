// In-process test double support, written for tandem from the official API file
// ../shared/specs/kfp/kfp_api_v2beta1.swagger.json (v2beta1Filter, v2beta1Predicate); not upstream
// code.
//
// The `filter` query parameter: a JSON Filter message whose predicates all hold. The double reads
// the string operations a client needs (EQUALS, NOT_EQUALS, IN, IS_SUBSTRING) on the keys the
// caller lists; any other key or operation is answered 501 and recorded as a contract violation, rather than ignored.
import { ApiError, GRPC } from './http-double.js';

interface Predicate {
  operation?: string | number;
  key?: string;
  string_value?: string;
  stringValue?: string;
  string_values?: { values?: string[] };
  stringValues?: { values?: string[] };
}

const OPERATIONS = ['OPERATION_UNSPECIFIED', 'EQUALS', 'NOT_EQUALS', 'GREATER_THAN', 'GREATER_THAN_EQUALS', 'LESS_THAN', 'LESS_THAN_EQUALS', 'IN', 'IS_SUBSTRING'];

export type Fields = Record<string, string>;

/** A predicate over a record of string fields; `keys` are the filter keys the list supports. */
export function parseFilter(text: string | null, keys: readonly string[]): (fields: Fields) => boolean {
  if (text === null || text === '') return () => true;
  let filter: { predicates?: Predicate[] };
  try {
    filter = JSON.parse(text) as { predicates?: Predicate[] };
  } catch {
    throw new ApiError(GRPC.INVALID_ARGUMENT, `Invalid input error: failed to parse valid filter from ${JSON.stringify(text)}`);
  }
  const tests = (filter.predicates ?? []).map((p) => {
    const operation = typeof p.operation === 'number' ? OPERATIONS[p.operation] : p.operation;
    const key = p.key ?? '';
    if (!keys.includes(key)) throw new ApiError(GRPC.UNIMPLEMENTED, `the test double cannot filter on key ${JSON.stringify(key)} (it reads ${keys.join(', ')})`);
    const value = p.string_value ?? p.stringValue;
    const values = (p.string_values ?? p.stringValues)?.values;
    switch (operation) {
      case 'EQUALS':
        return (f: Fields) => f[key] === value;
      case 'NOT_EQUALS':
        return (f: Fields) => f[key] !== value;
      case 'IN':
        return (f: Fields) => (values ?? []).includes(f[key] ?? '');
      case 'IS_SUBSTRING':
        return (f: Fields) => (f[key] ?? '').includes(value ?? '');
      default:
        throw new ApiError(GRPC.UNIMPLEMENTED, `the test double does not implement filter operation ${String(operation)}`);
    }
  });
  return (fields) => tests.every((test) => test(fields));
}
