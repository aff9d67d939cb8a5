// deploy/: the kustomize base and its two overlays, rendered here (kustomize-render.ts) and every
// object validated with kubernetes-models, the Kubernetes API's own schemas. Beyond the schemas,
// what makes the deployment work: the probes and the scrape path are routes tandem serve has; the
// Service reaches the pod; the ServiceAccount exists and is bound to the Argo and KFP rights the
// cluster lanes need; every secret the configuration reads comes from the Secret; the ConfigMap's
// tandem.yaml is one tandem loads (local lanes) or refuses for the named reason (cluster lanes).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import { ConfigMap, PersistentVolumeClaim, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ClusterRole, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { parse } from 'yaml';
import { DEFAULT_TASKS_IMAGE } from '../../src/config/settings.js';
import { loadProject } from '../../src/project/load.js';
import { registerHealthRoutes } from '../../src/server/routes/health.js';
import { containersOf, renderKustomization, type K8sObject } from './kustomize-render.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OVERLAYS = ['local-lanes', 'cluster-lanes'] as const;
const scratch = mkdtempSync(join(tmpdir(), 'deploy-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
};

const rendered = (overlay: (typeof OVERLAYS)[number]) => renderKustomization(join(ROOT, 'deploy/overlays', overlay));
const find = (objects: K8sObject[], kind: string, name?: string) => objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

type Container = ReturnType<typeof containersOf>[number] & {
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  startupProbe?: { httpGet: { path: string; port: string } };
};

void describe('deploy/ overlays', () => {
  for (const overlay of OVERLAYS) {
    void it(`${overlay}: every rendered object is valid for the Kubernetes API (kubernetes-models)`, () => {
      const objects = rendered(overlay);
      assert.ok(objects.length >= 5);
      for (const object of objects) {
        const Model = MODELS[`${object.apiVersion}/${object.kind}`];
        assert.ok(Model, `a model for ${object.apiVersion} ${object.kind}`);
        assert.doesNotThrow(() => new Model(object as never).validate(), `${object.kind} ${object.metadata.name}`);
        if (object.kind !== 'ClusterRole') assert.equal(object.metadata.namespace, 'tandem', `${object.kind} ${object.metadata.name}`);
      }
    });
  }

  void it('the validation is real: a broken Deployment is refused', () => {
    const deployment = structuredClone(find(rendered('local-lanes'), 'Deployment')!);
    (containersOf(deployment)[0] as Container).ports![0]!.containerPort = 'http' as unknown as number;
    assert.throws(() => new Deployment(deployment as never).validate(), /containerPort/);
  });

  void it('probes and the scrape path are routes tandem serve answers without a token', async () => {
    const app = Fastify();
    registerHealthRoutes(app, { ready: () => true, sources: () => [] });
    for (const overlay of OVERLAYS) {
      const deployment = find(rendered(overlay), 'Deployment')!;
      const container = containersOf(deployment)[0] as Container & { args?: string[] };
      assert.deepEqual(container.args, ['--config', '/etc/tandem/tandem.yaml', 'serve']);
      assert.equal(container.livenessProbe?.httpGet.path, '/healthz');
      assert.equal(container.startupProbe?.httpGet.path, '/healthz');
      assert.equal(container.readinessProbe?.httpGet.path, '/readyz');
      for (const path of ['/healthz', '/readyz']) assert.equal((await app.inject({ url: path })).statusCode, 200, path);
      const port = container.ports!.find((p) => p.name === container.livenessProbe!.httpGet.port)!.containerPort;
      const annotations = (deployment.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
      assert.deepEqual(annotations, { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' });
    }
    await app.close();
  });

  void it('the Service selects the pod and targets its port; the pod runs as the ServiceAccount', () => {
    for (const overlay of OVERLAYS) {
      const objects = rendered(overlay);
      const deployment = find(objects, 'Deployment')!;
      const pod = (deployment.spec as { template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string } } }).template;
      const service = find(objects, 'Service')!.spec as { selector: Record<string, string>; ports: Array<{ targetPort: string }> };
      for (const [key, value] of Object.entries(service.selector)) assert.equal(pod.metadata.labels[key], value, key);
      const container = containersOf(deployment)[0] as Container;
      assert.ok(container.ports!.some((p) => p.name === service.ports[0]!.targetPort));
      assert.ok(find(objects, 'ServiceAccount', pod.spec.serviceAccountName));
      // The pod runs the image the project's image recipe builds (images.tasks by default).
      assert.equal(container.image, DEFAULT_TASKS_IMAGE);
    }
  });

  void it('cluster lanes: the ServiceAccount may manage Argo Workflows, WorkflowTemplates and CronWorkflows, and call the KFP API', () => {
    const objects = rendered('cluster-lanes');
    const can = (roleKind: string, roleName: string, group: string, resource: string, verb: string) => {
      const role = find(objects, roleKind, roleName) as { rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> } | undefined;
      return role?.rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb)) ?? false;
    };
    for (const resource of ['workflows', 'workflowtemplates', 'cronworkflows']) {
      for (const verb of ['create', 'get', 'list', 'watch', 'delete']) assert.ok(can('Role', 'tandem-argo', 'argoproj.io', resource, verb), `${verb} ${resource}`);
    }
    for (const verb of ['create', 'get', 'list', 'terminate']) assert.ok(can('ClusterRole', 'tandem-kfp', 'pipelines.kubeflow.org', 'runs', verb), `${verb} runs`);
    assert.ok(can('ClusterRole', 'tandem-kfp', 'pipelines.kubeflow.org', 'pipelines', 'create'));
    for (const name of ['tandem-argo', 'tandem-kfp']) {
      const binding = find(objects, 'RoleBinding', name) as unknown as { roleRef: { kind: string; name: string }; subjects: Array<Record<string, string>> };
      assert.ok(find(objects, binding.roleRef.kind, binding.roleRef.name), `${name} binds a role that exists`);
      assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'tandem', namespace: 'tandem' }]);
    }
    const volumes = (find(objects, 'Deployment')!.spec as { template: { spec: { volumes: Array<{ name: string; projected?: { sources: Array<{ serviceAccountToken?: { audience: string } }> } }> } } }).template.spec.volumes;
    assert.equal(volumes.find((v) => v.name === 'kfp-token')?.projected?.sources[0]?.serviceAccountToken?.audience, 'pipelines.kubeflow.org');
  });

  void it("every secret tandem.yaml reads is filled from the Secret, and the file loads (local lanes) or is refused for the lanes' engines (cluster lanes)", async () => {
    for (const overlay of OVERLAYS) {
      const objects = rendered(overlay);
      const text = (find(objects, 'ConfigMap', 'tandem-config')!.data as Record<string, string>)['tandem.yaml']!;
      const env = (containersOf(find(objects, 'Deployment')!)[0] as Container).env ?? [];
      const read = [...text.matchAll(/\{ env: ([A-Z0-9_]+) \}/g)].map((m) => m[1]!);
      assert.ok(read.length >= 2);
      for (const name of read) {
        const from = env.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
        assert.deepEqual(from, { name: 'tandem-secrets', key: name }, `${name} comes from the Secret`);
      }
      assert.equal((parse(text) as { server: { host: string } }).server.host, '0.0.0.0', 'reachable from the Service and the probes');
      // The workflows sit under /workspace in the task image; here, where the layout took them from.
      const file = join(scratch, `${overlay}.yaml`);
      writeFileSync(file, text.replaceAll('/workspace/', `${join(ROOT, 'examples')}/`));
      const load = loadProject(file, { env: { TANDEM_API_TOKEN: 't', TANDEM_WEBHOOK_SECRET: 's' } });
      if (overlay === 'local-lanes') {
        const project = await load;
        assert.deepEqual(project.catalog.list().map((e) => e.spec.name), ['conditional-dag', 'ml-training']);
      } else {
        await assert.rejects(load, /(argo|kfp) needs (argo\.server|kfp\.endpoint)|engine "(argo|kfp)" is not wired into this build yet/);
      }
    }
  });
});
