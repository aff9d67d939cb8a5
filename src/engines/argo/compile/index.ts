// The Argo compiler's public API: a validated tandem workflow in, one Argo manifest out (Workflow,
// WorkflowTemplate or CronWorkflow), or a CompileError naming what Argo cannot express. The
// mapping of each spec feature is documented in docs (see the Argo table) and in each module.
import type { WorkflowSpec } from '../../../spec/schema.js';
import { manifestYaml } from '../../manifest-yaml.js';
import { compileManifest } from './manifest.js';
import { resolveOptions, type ArgoCompileOptions } from './options.js';
import { semaphoreConfigMaps } from './policies.js';

export type { ArgoCompileOptions } from './options.js';

/** Compiles a validated workflow to one Argo manifest; throws CompileError for what Argo cannot express. */
export function compileToArgo(spec: WorkflowSpec, options?: ArgoCompileOptions): Record<string, unknown> {
  return compileManifest(spec, options);
}

/**
 * The cluster objects the workflow's manifest needs beside it: one ConfigMap per semaphore, holding
 * the limit its `configMapKeyRef` reads. Written in the same file as the workflow.
 */
export function argoSupportingObjects(spec: WorkflowSpec, options?: ArgoCompileOptions): Record<string, unknown>[] {
  return semaphoreConfigMaps(spec, resolveOptions(options));
}

/** The manifest as YAML, keys in the order they were built (stable across runs). */
export function argoManifestYaml(manifest: Record<string, unknown>): string {
  return manifestYaml(manifest);
}
