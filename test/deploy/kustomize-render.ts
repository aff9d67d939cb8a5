// A renderer for the kustomize features deploy/ uses, written from kustomize's documented
// behaviour so the tests can render the overlays without a kustomize binary: `resources` (files,
// and folders holding a kustomization), `patches` (strategic-merge patches from a file, matched
// by kind and name), `labels` (metadata labels only, as without includeSelectors), `namespace`
// (every namespaced object, and the ServiceAccount subjects of role bindings), and `images`
// (container images by name). Anything else in a kustomization is refused, so a feature added to
// deploy/ without teaching it here fails the tests instead of being ignored.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export type K8sObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  patches?: Array<{ path: string }>;
  labels?: Array<{ pairs: Record<string, string>; includeSelectors?: boolean }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
}

const KNOWN = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'patches', 'labels', 'images']);
const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding', 'Namespace', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition']);
/** Lists strategic merge patches merge element by element, by this key (Kubernetes' patchMergeKey). */
const MERGE_KEYS: Record<string, string> = { containers: 'name', initContainers: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath', ports: 'containerPort' };

export function renderKustomization(dir: string): K8sObject[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const unknown = Object.keys(k).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw new Error(`${dir}/kustomization.yaml: the test renderer does not know ${unknown.join(', ')}`);
  if (k.kind !== 'Kustomization') throw new Error(`${dir}/kustomization.yaml: kind ${String(k.kind)}`);
  let objects: K8sObject[] = (k.resources ?? []).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? renderKustomization(path) : documents(path);
  });
  for (const { path } of k.patches ?? []) {
    for (const patch of documents(join(dir, path))) {
      const target = objects.find((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (target === undefined) throw new Error(`${dir}/${path}: no ${patch.kind} ${patch.metadata.name} to patch`);
      objects = objects.map((o) => (o === target ? (merge(o, patch) as K8sObject) : o));
    }
  }
  for (const { pairs, includeSelectors } of k.labels ?? []) {
    if (includeSelectors === true) throw new Error('labels with includeSelectors: the test renderer does not know it');
    for (const o of objects) o.metadata.labels = { ...o.metadata.labels, ...pairs };
  }
  if (k.namespace !== undefined) {
    for (const o of objects) {
      if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
      if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
        for (const subject of (o.subjects as Array<Record<string, unknown>> | undefined) ?? []) if (subject.kind === 'ServiceAccount') subject.namespace = k.namespace;
      }
    }
  }
  for (const image of k.images ?? []) for (const o of objects) for (const container of containersOf(o)) container.image = renamed(container.image, image);
  return objects;
}

function documents(path: string): K8sObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function merge(base: unknown, patch: unknown, key?: string): unknown {
  if (Array.isArray(base) && Array.isArray(patch) && key !== undefined && MERGE_KEYS[key] !== undefined) {
    const by = MERGE_KEYS[key];
    const out = [...base] as Array<Record<string, unknown>>;
    const added: Array<Record<string, unknown>> = [];
    for (const item of patch as Array<Record<string, unknown>>) {
      const at = out.findIndex((o) => o[by] === item[by]);
      if (at >= 0) out[at] = merge(out[at], item) as Record<string, unknown>;
      else added.push(item);
    }
    // kustomize puts the elements only the patch has before the base's.
    return [...added, ...out];
  }
  if (isRecord(base) && isRecord(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = k in base ? merge(base[k], v, k) : v;
    return out;
  }
  return patch;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The containers of a workload's pod template. */
export function containersOf(o: K8sObject): Array<{ name: string; image: string } & Record<string, unknown>> {
  const pod = ((o.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec ?? {}) as { containers?: []; initContainers?: [] };
  return [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
}

/** kustomize's images transformer: the image whose name (before tag or digest) matches. */
function renamed(image: string, rule: { name: string; newName?: string; newTag?: string }): string {
  const match = /^([^@:]+(?::\d+\/[^@:]+)?)(?::([^@]+))?(@.+)?$/.exec(image);
  if (!match || match[1] !== rule.name) return image;
  return `${rule.newName ?? match[1]}:${rule.newTag ?? match[2] ?? 'latest'}`;
}
