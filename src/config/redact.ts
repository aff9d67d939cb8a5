// Secrets never appear in what tandem prints: configuration shown to a user goes through
// redactSecrets, and a problem found at a secret-looking key says what kind of value was there,
// never the value (a token written inline is exactly the mistake such a problem reports).
import type { SpecIssue } from '../errors.js';
import { splitPointer } from '../spec/positions.js';
import { isRecord } from '../util/is-record.js';
import { valueAt } from './pointer.js';

const SECRET_KEY = /token|password|passwd|secret|credential|api[-_]?key|private[-_]?key/i;

/** A deep copy with the values of secret-looking keys replaced, for printing configuration. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? '<redacted>' : redactSecrets(v)]),
    );
  }
  return value;
}

/** The issue, with `found` reduced to the kind of value when the path runs through a secret-looking key. */
export function withoutSecretValue(issue: SpecIssue, document: unknown): SpecIssue {
  if (issue.found === undefined) return issue;
  if (!splitPointer(issue.path).some((segment) => SECRET_KEY.test(segment))) return issue;
  return { ...issue, found: kindOf(valueAt(document, issue.path)) };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'an object';
  if (value === undefined) return 'nothing';
  return `a ${typeof value}`;
}
