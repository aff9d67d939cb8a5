// Template policies as the controller applies them: memoization keys the ConfigMap cache accepts
// (`[a-zA-Z0-9][-a-zA-Z0-9]*`, checked on the literal text around any tags), a cache ConfigMap
// name that is a Kubernetes name, semaphores whose ConfigMap is there, retryStrategy fields, and
// activeDeadlineSeconds / timeout / parallelism where Argo takes them.
import { isDnsSubdomain } from './names.js';
import { isLeaf, list, obj, str, templatePath, type Json, type WorkflowView } from './model.js';

const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const RETRY_POLICIES = new Set(['Always', 'OnFailure', 'OnError', 'OnTransientError']);
const ARGO_VARIABLE = /^\{\{.+\}\}$/s;

export function checkPolicies(view: WorkflowView): void {
  for (const [name, template] of view.templates) {
    const path = templatePath(view, name);
    checkMemoize(view, obj(template.memoize), `${path}.memoize`);
    checkSynchronization(view, obj(template.synchronization), `${path}.synchronization`);
    checkRetry(view, obj(template.retryStrategy), `${path}.retryStrategy`);
    checkDeadline(view, template, path);
  }
  checkSynchronization(view, obj(view.spec.synchronization), `${view.specPath}.synchronization`);
  checkRetry(view, obj(view.spec.retryStrategy), `${view.specPath}.retryStrategy`);
  const deadline = view.spec.activeDeadlineSeconds;
  if (deadline !== undefined && !(Number.isInteger(deadline) && (deadline as number) > 0)) view.problems.add(`${view.specPath}.activeDeadlineSeconds`, `must be a positive integer, found ${JSON.stringify(deadline)}`);
}

function checkMemoize(view: WorkflowView, memoize: Json | undefined, path: string): void {
  if (!memoize) return;
  const key = str(memoize.key);
  if (key === undefined || key === '') return view.problems.add(`${path}.key`, 'a memoization key is required');
  // Tags resolve at run time; what is written around them must already be a valid cache key.
  const literal = key.replace(/\{\{.*?\}\}/gs, 'x');
  if (!/^[a-zA-Z0-9][-a-zA-Z0-9]*$/.test(literal)) view.problems.add(`${path}.key`, `"${key}" cannot be a ConfigMap cache key (letters, digits and '-', starting with a letter or digit; Argo reports "invalid cache key")`);
  const maxAge = str(memoize.maxAge);
  if (maxAge !== undefined && maxAge !== '' && !GO_DURATION.test(maxAge)) view.problems.add(`${path}.maxAge`, `"${maxAge}" is not a Go duration`);
  const configMap = str(obj(obj(memoize.cache)?.configMap)?.name);
  if (configMap === undefined) view.problems.add(`${path}.cache.configMap.name`, 'the cache needs a ConfigMap name');
  else if (!isDnsSubdomain(configMap)) view.problems.add(`${path}.cache.configMap.name`, `"${configMap}" is not a ConfigMap name`);
}

function checkSynchronization(view: WorkflowView, sync: Json | undefined, path: string): void {
  if (!sync) return;
  const semaphores = [...list(sync.semaphores), ...(obj(sync.semaphore) ? [obj(sync.semaphore)!] : [])];
  semaphores.forEach((semaphore, i) => {
    const ref = obj(semaphore.configMapKeyRef);
    if (!ref) {
      if (semaphore.database === undefined) view.problems.add(`${path}.semaphores[${i}]`, 'a semaphore needs configMapKeyRef (or database)');
      return;
    }
    const name = str(ref.name);
    const key = str(ref.key);
    if (name === undefined || key === undefined) return view.problems.add(`${path}.semaphores[${i}].configMapKeyRef`, 'needs name and key');
    if (view.context.configMaps === 'user-provided') return;
    const keys = view.context.configMaps.get(name);
    if (!keys) view.problems.add(`${path}.semaphores[${i}].configMapKeyRef`, `ConfigMap ${name} is not emitted beside the workflow, so the semaphore has no limit and the task never starts`);
    else if (!keys.has(key)) view.problems.add(`${path}.semaphores[${i}].configMapKeyRef`, `ConfigMap ${name} has no key ${key}`);
  });
  for (const [i, mutex] of [...list(sync.mutexes), ...(obj(sync.mutex) ? [obj(sync.mutex)!] : [])].entries()) {
    if (!str(mutex.name)) view.problems.add(`${path}.mutexes[${i}]`, 'a mutex needs a name');
  }
}

function intOrText(value: unknown): boolean {
  return (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'string' && (/^[0-9]+$/.test(value) || ARGO_VARIABLE.test(value)));
}

function durationOrSeconds(value: unknown): boolean {
  return (typeof value === 'number' && value >= 0) || (typeof value === 'string' && (/^[0-9]+$/.test(value) || GO_DURATION.test(value) || ARGO_VARIABLE.test(value)));
}

function checkRetry(view: WorkflowView, retry: Json | undefined, path: string): void {
  if (!retry) return;
  const p = view.problems;
  if (retry.limit !== undefined && !intOrText(retry.limit)) p.add(`${path}.limit`, `must be a non-negative integer, found ${JSON.stringify(retry.limit)}`);
  if (retry.retryPolicy !== undefined && !RETRY_POLICIES.has(String(retry.retryPolicy))) p.add(`${path}.retryPolicy`, `"${String(retry.retryPolicy)}" is not one of ${[...RETRY_POLICIES].join(', ')}`);
  const backoff = obj(retry.backoff);
  if (!backoff) return;
  for (const field of ['duration', 'cap', 'maxDuration'] as const) {
    if (backoff[field] !== undefined && !durationOrSeconds(backoff[field])) p.add(`${path}.backoff.${field}`, `${JSON.stringify(backoff[field])} is not a duration (seconds or a Go duration such as "90s")`);
  }
  if (backoff.factor !== undefined && !intOrText(backoff.factor)) p.add(`${path}.backoff.factor`, `must be an integer, found ${JSON.stringify(backoff.factor)}`);
}

function checkDeadline(view: WorkflowView, template: Json, path: string): void {
  const deadline = template.activeDeadlineSeconds;
  const p = view.problems;
  if (deadline !== undefined) {
    if (!isLeaf(template)) p.add(`${path}.activeDeadlineSeconds`, 'is only valid for leaf templates (container, script, resource...)');
    const ok = typeof deadline === 'number' ? Number.isInteger(deadline) && deadline > 0 : typeof deadline === 'string' && (/^[1-9][0-9]*$/.test(deadline) || ARGO_VARIABLE.test(deadline));
    if (!ok) p.add(`${path}.activeDeadlineSeconds`, `must be a positive integer or an Argo variable, found ${JSON.stringify(deadline)}`);
  }
  const timeout = template.timeout;
  if (timeout !== undefined) {
    if (!isLeaf(template)) p.add(`${path}.timeout`, 'is only valid for leaf templates');
    if (typeof timeout !== 'string' || /^[0-9]+$/.test(timeout)) p.add(`${path}.timeout`, `must be a duration string such as "30s", found ${JSON.stringify(timeout)}`);
  }
  if (template.parallelism !== undefined && isLeaf(template)) p.add(`${path}.parallelism`, 'is only valid for steps and dag templates');
}
