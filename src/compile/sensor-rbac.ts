// The ServiceAccount the compiled Sensors that submit Argo Workflows run as, with the Role that
// lets it: written beside the Argo Events objects and listed in the kustomization, so
// `kubectl apply -k` installs everything those Sensors need to start runs.
import { DEFAULT_SENSOR_SERVICE_ACCOUNT } from '../events/compile/index.js';
import { manifestYaml } from '../engines/manifest-yaml.js';
import type { CompiledFile } from './targets.js';

export function sensorRbacFile(namespace: string | undefined, source: string): CompiledFile {
  const name = DEFAULT_SENSOR_SERVICE_ACCOUNT;
  const metadata = { name, ...(namespace !== undefined ? { namespace } : {}) };
  const objects = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata,
      // The argoWorkflow trigger's submit creates a Workflow; get, list and watch let it follow what it created.
      rules: [{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create', 'get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, ...(namespace !== undefined ? { namespace } : {}) }],
    },
  ];
  return { name: `${name}-rbac.yaml`, kind: 'ServiceAccount + Role + RoleBinding', source, yaml: objects.map((o) => manifestYaml(o)).join('---\n'), applies: true };
}
