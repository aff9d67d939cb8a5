// Turns what a user typed after `tandem lineage` (or gave the API) into a lineage root: a run id,
// `RUN/TASK`, `RUN/TASK/OUTPUT`, or an artifact digest or unambiguous prefix (`sha256:` allowed).
import { NotFoundError, UsageError } from '../errors.js';
import type { RunReader } from '../store/ports/runs.js';
import type { TrackingStore } from '../store/ports/tracking.js';
import type { LineageRoot } from './lineage.js';

const MIN_DIGEST_PREFIX = 6;

/** A digest prefix several artifacts share; the message lists some (the API leaves them out for a scoped token). */
export class AmbiguousDigestError extends UsageError {
  constructor(
    readonly ref: string,
    digests: readonly string[],
  ) {
    super(`${ref} matches several artifacts (${digests.slice(0, 5).map((d) => d.slice(0, 16)).join(', ')}${digests.length > 5 ? ', …' : ''}); give more digits`);
    this.name = 'AmbiguousDigestError';
  }
}
const HEX = /^[0-9a-f]+$/;

export async function resolveLineageRoot(store: RunReader & TrackingStore, reference: string): Promise<LineageRoot> {
  const ref = reference.trim();
  if (ref === '') throw new UsageError('give an artifact digest (or a prefix), RUN, RUN/TASK or RUN/TASK/OUTPUT');
  const slash = ref.indexOf('/');
  if (slash !== -1) {
    const runId = ref.slice(0, slash);
    const rest = ref.slice(slash + 1);
    const lastSlash = rest.lastIndexOf('/');
    const task = lastSlash === -1 ? rest : rest.slice(0, lastSlash);
    const output = lastSlash === -1 ? undefined : rest.slice(lastSlash + 1);
    if (!(await store.getRun(runId))) throw new NotFoundError('run', runId);
    if (task === '' || output === '') throw new UsageError(`${ref}: expected RUN/TASK or RUN/TASK/OUTPUT`);
    if (output === undefined) {
      const known = await store.listTaskRuns(runId);
      if (!known.some((t) => t.task === task)) throw new NotFoundError('task run', `${runId}/${task}`);
      return { kind: 'task', runId, task };
    }
    const artifacts = await store.listArtifacts(runId);
    const found = artifacts.find((a) => a.task === task && a.name === output);
    if (!found) {
      const names = artifacts.map((a) => `${a.task}/${a.name}`).join(', ') || 'none';
      throw new UsageError(`run ${runId} has no artifact output ${task}/${output} (its artifact outputs: ${names})`);
    }
    return { kind: 'artifact', digest: found.digest, producer: { runId, task, output } };
  }
  if (await store.getRun(ref)) return { kind: 'run', runId: ref };
  const prefix = ref.replace(/^sha256:/i, '').toLowerCase();
  if (!HEX.test(prefix)) throw new NotFoundError('run or artifact', ref);
  if (prefix.length < MIN_DIGEST_PREFIX) {
    throw new UsageError(`${ref}: give at least ${MIN_DIGEST_PREFIX} hex digits of an artifact digest (tandem show RUN lists them)`);
  }
  const digests = await store.findArtifactDigests(prefix, 6);
  if (digests.length === 0) throw new NotFoundError('run or artifact', ref);
  if (digests.length > 1) throw new AmbiguousDigestError(ref, digests);
  return { kind: 'artifact', digest: digests[0]! };
}
