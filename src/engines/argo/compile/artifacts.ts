// Where Argo keeps the artifacts tandem passes between tasks. Without a repository setting the
// controller's default artifact repository is used; `artifactRepositoryRef` names another one (a
// ConfigMap key, as Argo's spec.artifactRepositoryRef); `s3` or `gcs` give every artifact its
// location explicitly.
//
// A forEach's artifacts are one per iteration, and Argo does not aggregate output artifacts. They
// are therefore written at known keys under a per-run prefix,
//   <keyPrefix>{{workflow.uid}}/<task>/<output>/items/<sha256 of the iteration's node name>
// (the node name is the same across retries, so a retried iteration overwrites its own key, and
// the archive is off so each object is the file or folder itself). A task reading the whole list
// takes the prefix as one input folder, holding one entry per iteration (named by that hash, not
// 0, 1, 2 as on the embedded engine); a forEach over the list iterates over the keys, which each
// iteration of the producer reports in the output parameter `tandem-key-<output>`.
import type { CompileContext } from './context.js';

interface SecretKeyRef {
  name: string;
  key: string;
}

export type ArgoArtifactRepository =
  | {
      s3: {
        endpoint: string;
        bucket: string;
        region?: string;
        insecure?: boolean;
        keyPrefix?: string;
        accessKeySecret?: SecretKeyRef;
        secretKeySecret?: SecretKeyRef;
      };
    }
  | { gcs: { bucket: string; keyPrefix?: string; serviceAccountKeySecret?: SecretKeyRef } }
  | { artifactRepositoryRef: { configMap?: string; key?: string }; keyPrefix?: string };

type Json = Record<string, unknown>;

/** The output parameter through which each iteration of a loop reports its artifact's key. */
export function loopKeyParameter(output: string): string {
  return `tandem-key-${output}`;
}

function keyPrefix(ctx: CompileContext): string {
  const repo = ctx.options.artifacts;
  const prefix = repo === undefined ? '' : 's3' in repo ? repo.s3.keyPrefix : 'gcs' in repo ? repo.gcs.keyPrefix : repo.keyPrefix;
  if (prefix === undefined || prefix === '') return '';
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** Where the iterations of a loop's artifact output live (what a reader of the whole list takes). */
export function loopArtifactPrefix(ctx: CompileContext, producer: string, output: string): string {
  return `${keyPrefix(ctx)}{{workflow.uid}}/${ctx.templateName(producer)}/${output}/items`;
}

/** The key one iteration writes its artifact to. */
export function loopArtifactKey(ctx: CompileContext, producer: string, output: string): string {
  return `${loopArtifactPrefix(ctx, producer, output)}/{{=sprig.sha256sum(node.name)}}`;
}

/** The key of an artifact written once per run (used when the repository is given explicitly). */
function runArtifactKey(ctx: CompileContext, producer: string, output: string): string {
  return `${keyPrefix(ctx)}{{workflow.uid}}/${ctx.templateName(producer)}/${output}`;
}

/** An artifact location for `key`: the configured S3 or GCS bucket, or key-only (the repository in use resolves it). */
export function artifactLocation(ctx: CompileContext, key: string): Json {
  const repo = ctx.options.artifacts;
  if (repo !== undefined && 's3' in repo) {
    const { keyPrefix: _prefix, ...s3 } = repo.s3;
    return { s3: { ...s3, key } };
  }
  if (repo !== undefined && 'gcs' in repo) {
    const { keyPrefix: _prefix, ...gcs } = repo.gcs;
    return { gcs: { ...gcs, key } };
  }
  // Argo resolves a key-only artifact in the workflow's artifact repository, whatever its kind.
  return { s3: { key } };
}

/** The location fields of an output artifact: keyed per iteration in a loop, per run when a bucket is configured. */
export function outputArtifactLocation(ctx: CompileContext, producer: string, output: string, looped: boolean): Json {
  if (looped) return { archive: { none: {} }, ...artifactLocation(ctx, loopArtifactKey(ctx, producer, output)) };
  const repo = ctx.options.artifacts;
  if (repo !== undefined && ('s3' in repo || 'gcs' in repo)) return artifactLocation(ctx, runArtifactKey(ctx, producer, output));
  return {};
}

/** spec.artifactRepositoryRef, when the setting names a repository ConfigMap. */
export function artifactRepositoryRef(ctx: CompileContext): Json | undefined {
  const repo = ctx.options.artifacts;
  if (repo === undefined || !('artifactRepositoryRef' in repo)) return undefined;
  const { configMap, key } = repo.artifactRepositoryRef;
  return { ...(configMap !== undefined ? { configMap } : {}), ...(key !== undefined ? { key } : {}) };
}
