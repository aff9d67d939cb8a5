// The Kubernetes platform spec (the second document of an IR file), as kfp-kubernetes defines it
// and the driver applies it (driver/k8s.go): each executor's config decodes strictly as
// kfp_kubernetes.KubernetesExecutorConfig (kubernetes_platform.binpb), names an executor of the
// PipelineSpec, sets a positive activeDeadlineSeconds if any, takes each secret from a named Secret
// (a secretNameParameter, or the deprecated secretName) with at least one key, and reads env from
// fields the Kubernetes downward API offers.
import { readFileSync } from 'node:fs';
import { createFileRegistry, fromBinary, fromJson, type DescMessage, type JsonValue, type Registry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { esc, list, record, type Json, type Problem } from './ir.js';

const DOWNWARD_FIELDS = /^(metadata\.(name|namespace|uid)|metadata\.(labels|annotations)\['[^']+'\]|spec\.(nodeName|serviceAccountName)|status\.(hostIP|hostIPs|podIP|podIPs))$/;

export interface PlatformChecker {
  problems(pipeline: Json, platform: Json, at: string): Problem[];
}

export function loadPlatformChecker(descriptorSetPath: string): PlatformChecker {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(descriptorSetPath)));
  const config = registry.getMessage('kfp_kubernetes.KubernetesExecutorConfig');
  if (!config) throw new Error(`${descriptorSetPath} does not describe kfp_kubernetes.KubernetesExecutorConfig`);
  return { problems: (pipeline, platform, at) => platformProblems(config, registry, pipeline, platform, at) };
}

function platformProblems(desc: DescMessage, registry: Registry, pipeline: Json, platform: Json, at: string): Problem[] {
  const problems: Problem[] = [];
  const known = record(record(pipeline.deploymentSpec).executors);
  const kubernetes = record(record(platform.platforms).kubernetes);
  for (const [name, raw] of Object.entries(record(record(kubernetes.deploymentSpec).executors))) {
    const path = `${at}/platforms/kubernetes/deploymentSpec/executors/${esc(name)}`;
    if (!(name in known)) problems.push({ path, message: `no executor "${name}" in the PipelineSpec's deploymentSpec` });
    try {
      fromJson(desc, raw as JsonValue, { registry, ignoreUnknownFields: false });
    } catch (error) {
      problems.push({ path, message: `not a KubernetesExecutorConfig: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    const executor = record(raw);
    const deadline = executor.activeDeadlineSeconds;
    if (deadline !== undefined && !(Number(deadline) > 0)) problems.push({ path: `${path}/activeDeadlineSeconds`, message: `expected a positive number of seconds, found ${JSON.stringify(deadline)}` });
    for (const kind of ['secretAsEnv', 'secretAsVolume'] as const) {
      list(executor[kind]).forEach((entry, i) => {
        const secret = record(entry);
        const named = secret.secretNameParameter !== undefined || (typeof secret.secretName === 'string' && secret.secretName !== '');
        if (!named) problems.push({ path: `${path}/${kind}/${i}`, message: 'names no Secret (secretNameParameter or secretName)' });
        const constant = record(record(secret.secretNameParameter).runtimeValue).constant;
        if (secret.secretNameParameter !== undefined && record(secret.secretNameParameter).runtimeValue !== undefined && (typeof constant !== 'string' || constant === '')) {
          problems.push({ path: `${path}/${kind}/${i}/secretNameParameter`, message: 'the Secret name is not a non-empty string' });
        }
        if (kind === 'secretAsEnv' && list(secret.keyToEnv).length === 0) problems.push({ path: `${path}/${kind}/${i}/keyToEnv`, message: 'maps no key of the Secret to a variable' });
      });
    }
    list(executor.fieldPathAsEnv).forEach((entry, i) => {
      const fieldPath = record(entry).fieldPath;
      if (typeof fieldPath !== 'string' || !DOWNWARD_FIELDS.test(fieldPath)) {
        problems.push({ path: `${path}/fieldPathAsEnv/${i}/fieldPath`, message: `${JSON.stringify(fieldPath)} is not a field the downward API offers to env` });
      }
    });
  }
  return problems;
}
