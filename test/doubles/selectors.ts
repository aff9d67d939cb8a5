// In-process test double support, written for tandem from the official Swagger 2.0 API file
// ../shared/specs/argo-workflows/swagger.json (listOptions.labelSelector / fieldSelector); not
// upstream code.
//
// Kubernetes label and field selectors, the forms a client sends: `k=v`, `k==v`, `k!=v`,
// `k in (a,b)`, `k notin (a,b)`, `k` (exists), `!k` (absent), joined by commas.
import { ApiError, GRPC } from './http-double.js';

type Test = (labels: Record<string, string>) => boolean;

/** Splits on commas outside parentheses. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

function parseTerm(term: string): Test {
  let m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
  if (m !== null) {
    const [, key = '', op, value = ''] = m;
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m !== null) {
    const [, key = '', op, list = ''] = m;
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in' ? (l) => l[key] !== undefined && values.has(l[key]) : (l) => l[key] === undefined || !values.has(l[key]);
  }
  m = /^(!?)([\w./-]+)$/.exec(term);
  if (m !== null) {
    const [, not, key = ''] = m;
    return not === '!' ? (l) => l[key] === undefined : (l) => l[key] !== undefined;
  }
  throw new ApiError(GRPC.INVALID_ARGUMENT, `unable to parse requirement: ${JSON.stringify(term)}`);
}

/** A predicate over a label map; the empty selector matches everything. */
export function labelSelector(selector: string | null): Test {
  const tests = terms(selector ?? '').map(parseTerm);
  return (labels) => tests.every((test) => test(labels));
}

/** Field selectors: the fields Argo Server lets through to Kubernetes for workflows. */
export function fieldSelector(selector: string | null): (fields: Record<string, string>) => boolean {
  const tests = terms(selector ?? '').map((term) => {
    const m = /^(metadata\.name|metadata\.namespace|metadata\.uid)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (m === null) throw new ApiError(GRPC.INVALID_ARGUMENT, `field label not supported: ${term}`);
    const [, key = '', op, value = ''] = m;
    return (fields: Record<string, string>) => (op === '!=' ? fields[key] !== value : fields[key] === value);
  });
  return (fields) => tests.every((test) => test(fields));
}
