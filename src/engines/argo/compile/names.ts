// Names Argo and Kubernetes accept, derived deterministically from tandem's names.
//   - DAG task and template names: `[a-zA-Z0-9][-a-zA-Z0-9]*`, at most 128 characters (Argo's
//     workflow field names). A task name may not start with a digit once `depends` is used, and
//     `_` is refused there and read by the `depends` parser as two names, so `check_data` becomes
//     `check-data`.
//   - Object names (ConfigMaps): DNS-1123 subdomains, lower case, at most 253 characters.
//   - CronWorkflow names: at most 52 characters (the controller appends an 11-character suffix
//     to name each Workflow it creates, and the result must stay a 63-character label value).
// When text must be cut or changed, a short hash of the original keeps different names apart.
import { createHash } from 'node:crypto';

const FIELD_MAX = 128;
const CRON_WORKFLOW_NAME_MAX = 52;

/** A short, stable hash of `text` (hex), for names that had to be shortened or rewritten. */
function shortHash(text: string, length = 6): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** `text` cut to `max` characters, the cut marked with a hash of the whole (`-1a2b3c`). */
function fitWithHash(text: string, max: number): string {
  if (text.length <= max) return text;
  const hash = shortHash(text);
  return `${text.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** An Argo task/template name for a tandem task name (not yet made unique). */
export function argoFieldName(name: string): string {
  let safe = name.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (safe === '') safe = 'task';
  // `depends` refuses a task name that begins with a digit.
  if (/^[0-9]/.test(safe)) safe = `t-${safe}`;
  // Leave room for the `-loop` wrapper and a `-N` uniqueness suffix.
  return fitWithHash(safe, FIELD_MAX - 10);
}

/** A DNS-1123 object name built from parts (`tandem-semaphore`, `GPU_pool` → `tandem-semaphore-gpu-pool-1a2b3c`). */
export function objectName(prefix: string, name: string): string {
  const lowered = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  // A rewritten name gets a hash of the original so `a_b` and `a-b` stay two objects.
  const tail = lowered === name ? name : `${lowered || 'x'}-${shortHash(name)}`;
  return fitWithHash(`${prefix}-${tail}`, 253);
}

/** A CronWorkflow name within Argo's 52 characters. */
export function cronWorkflowName(name: string): string {
  return fitWithHash(name, CRON_WORKFLOW_NAME_MAX);
}
