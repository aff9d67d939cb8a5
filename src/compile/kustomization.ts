// The kustomization.yaml that lists what a whole-project compile wrote, so that
// `kubectl apply -k <dir>` installs it: the WorkflowTemplates and the Argo Events objects. KFP
// pipeline IR is not a Kubernetes object (it is uploaded to KFP, which gives each pipeline the id
// its triggers name), so it is listed in a comment instead of under resources.
import { manifestYaml } from '../engines/manifest-yaml.js';
import type { CompiledFile } from './targets.js';

export function kustomizationFile(files: readonly CompiledFile[], namespace: string | undefined, source: string): CompiledFile {
  const resources = files.filter((file) => file.applies).map((file) => file.name);
  const pipelines = files.filter((file) => !file.applies).map((file) => file.name);
  const header = [
    '# Written by `tandem compile`: kubectl apply -k <this folder>',
    ...(pipelines.length > 0 ? ['# KFP pipelines, uploaded to KFP rather than applied (see docs/deploy.md):', ...pipelines.map((name) => `#   ${name}`)] : []),
  ];
  const document = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...(namespace !== undefined ? { namespace } : {}),
    resources,
  };
  return { name: 'kustomization.yaml', kind: 'Kustomization', source, yaml: `${header.join('\n')}\n${manifestYaml(document)}`, applies: false };
}
