// The guard for "a JSON object": parsed YAML and JSON, event payloads and stored snapshots are
// `unknown` until checked, and arrays and null are objects to `typeof`.
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
