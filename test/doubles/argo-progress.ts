// In-process test double of the Argo workflow controller's status writes, written for tandem from
// the official API file ../shared/specs/argo-workflows/swagger.json (WorkflowStatus, NodeStatus);
// not upstream code.
//
// A test moves a workflow on with a Progress: the workflow's phase and message, and nodes by name.
// Node ids, timestamps, Retry parents for attempts, the phase labels the controller keeps and the
// `progress` counter are filled in here the way the controller writes them.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { kubeTime, type KubeObject } from './argo-store.js';

type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Skipped' | 'Omitted';

export interface NodeProgress {
  /** The node's name as Argo writes it: `<workflow>.<step>` or `<workflow>.<task>(0)`. */
  name: string;
  phase: Phase;
  displayName?: string;
  type?: 'Pod' | 'DAG' | 'Steps' | 'StepGroup' | 'TaskGroup' | 'Retry' | 'Skipped' | 'Suspend';
  templateName?: string;
  message?: string;
  /** Names of child nodes. */
  children?: string[];
  outputs?: { parameters?: Array<{ name: string; value: string }>; exitCode?: string; result?: string };
  /** Attempts under a Retry node: each becomes a Pod child `<name>(i)`; the node itself is the Retry parent. */
  attempts?: Array<{ phase: Phase; message?: string; outputs?: NodeProgress['outputs'] }>;
}

export interface Progress {
  phase?: Phase;
  message?: string;
  nodes?: NodeProgress[];
  /** Watches and lists carry `compressedNodes` instead of `nodes` (a get still hydrates them). */
  compressNodes?: boolean;
}

export type Workflow = KubeObject & { spec: Record<string, unknown>; status?: Record<string, unknown> };
type NodeStatus = Record<string, unknown>;

const TERMINAL = new Set<Phase>(['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted']);

export function isCompleted(phase: unknown): boolean {
  return TERMINAL.has(phase as Phase);
}

/** The id Argo derives from a node name: the workflow name and a hash of the node name. */
export function nodeId(workflowName: string, nodeName: string): string {
  if (nodeName === workflowName) return workflowName;
  return `${workflowName}-${parseInt(createHash('sha1').update(nodeName).digest('hex').slice(0, 8), 16)}`;
}

function setNode(workflow: Workflow, nodes: Record<string, NodeStatus>, progress: NodeProgress, now: string): void {
  const name = workflow.metadata.name ?? '';
  const id = nodeId(name, progress.name);
  const previous = nodes[id] ?? {};
  const node: NodeStatus = {
    ...previous,
    id,
    name: progress.name,
    displayName: progress.displayName ?? progress.name.split('.').pop() ?? progress.name,
    type: progress.attempts !== undefined ? 'Retry' : (progress.type ?? (progress.name === name ? 'DAG' : 'Pod')),
    templateName: progress.templateName ?? (previous.templateName as string | undefined) ?? progress.name.split('.').pop(),
    phase: progress.phase,
  };
  if (progress.phase !== 'Pending' && node.startedAt === undefined) node.startedAt = now;
  if (TERMINAL.has(progress.phase) && node.finishedAt === undefined) node.finishedAt = now;
  if (progress.message !== undefined) node.message = progress.message;
  if (progress.outputs !== undefined) node.outputs = progress.outputs;
  const children = progress.children?.map((child) => nodeId(name, child)) ?? [];
  if (progress.attempts !== undefined) {
    progress.attempts.forEach((attempt, i) => {
      const attemptName = `${progress.name}(${i})`;
      children.push(nodeId(name, attemptName));
      setNode(workflow, nodes, { name: attemptName, displayName: `${node.displayName as string}(${i})`, type: 'Pod', templateName: node.templateName as string, ...attempt }, now);
    });
    const last = progress.attempts.at(-1);
    if (last?.outputs !== undefined && progress.outputs === undefined) node.outputs = last.outputs;
  }
  if (children.length > 0) node.children = [...new Set([...((previous.children as string[] | undefined) ?? []), ...children])];
  nodes[id] = node;
}

/** Applies one Progress to a stored workflow (in place), as the controller would write it. */
export function applyProgress(workflow: Workflow, progress: Progress): void {
  const now = kubeTime();
  const status = (workflow.status ??= {});
  const nodes = (status.nodes as Record<string, NodeStatus> | undefined) ?? {};
  for (const node of progress.nodes ?? []) setNode(workflow, nodes, node, now);
  if (Object.keys(nodes).length > 0) status.nodes = nodes;
  if (progress.phase !== undefined) {
    status.phase = progress.phase;
    if (progress.phase !== 'Pending' && status.startedAt === undefined) status.startedAt = now;
    if (TERMINAL.has(progress.phase)) status.finishedAt ??= now;
    else delete status.finishedAt;
  }
  if (progress.message !== undefined) status.message = progress.message;
  const pods = Object.values(nodes).filter((n) => n.type === 'Pod');
  if (pods.length > 0) status.progress = `${pods.filter((n) => TERMINAL.has(n.phase as Phase)).length}/${pods.length}`;
  const labels = (workflow.metadata.labels ??= {});
  if (typeof status.phase === 'string') labels['workflows.argoproj.io/phase'] = status.phase;
  if (isCompleted(status.phase)) labels['workflows.argoproj.io/completed'] = 'true';
  else labels['workflows.argoproj.io/completed'] = 'false';
  if (progress.compressNodes !== undefined) {
    workflow.metadata.annotations = { ...workflow.metadata.annotations };
    if (progress.compressNodes) workflow.metadata.annotations['tandem.test/compress-nodes'] = 'true';
    else delete workflow.metadata.annotations['tandem.test/compress-nodes'];
  }
}

/**
 * What the server sends for a stored workflow. `hydrate` (a get) always carries `nodes`; a list or
 * watch of a workflow marked compressNodes carries `compressedNodes` (gzip, base64) as the
 * controller stores large statuses. The marker annotation never leaves the double.
 */
export function present(workflow: Workflow, hydrate: boolean): Workflow {
  const out = structuredClone(workflow);
  const compress = out.metadata.annotations?.['tandem.test/compress-nodes'] === 'true';
  if (out.metadata.annotations !== undefined) {
    delete out.metadata.annotations['tandem.test/compress-nodes'];
    if (Object.keys(out.metadata.annotations).length === 0) delete out.metadata.annotations;
  }
  if (compress && !hydrate && out.status?.nodes !== undefined) {
    out.status.compressedNodes = gzipSync(JSON.stringify(out.status.nodes)).toString('base64');
    delete out.status.nodes;
  }
  return out;
}

/** Stop or Terminate, as the controller carries it out: running nodes fail, the workflow fails. */
export function applyShutdown(workflow: Workflow, strategy: 'Stop' | 'Terminate', message?: string): void {
  workflow.spec.shutdown = strategy;
  const now = kubeTime();
  const status = (workflow.status ??= {});
  for (const node of Object.values((status.nodes as Record<string, NodeStatus> | undefined) ?? {})) {
    if (!TERMINAL.has(node.phase as Phase)) {
      node.phase = 'Failed';
      node.message = message ?? `Stopped with strategy '${strategy}'`;
      node.finishedAt = now;
    }
  }
  status.phase = 'Failed';
  status.message = message ?? `Stopped with strategy '${strategy}'`;
  status.startedAt ??= now;
  status.finishedAt = now;
  const labels = (workflow.metadata.labels ??= {});
  labels['workflows.argoproj.io/phase'] = 'Failed';
  labels['workflows.argoproj.io/completed'] = 'true';
}

/** Retry: failed nodes are removed (succeeded ones kept unless restartSuccessful), the workflow runs again. */
export function applyRetry(workflow: Workflow, restartSuccessful: boolean): void {
  const status = (workflow.status ??= {});
  const nodes = (status.nodes as Record<string, NodeStatus> | undefined) ?? {};
  for (const [id, node] of Object.entries(nodes)) {
    const keep = node.phase === 'Succeeded' && node.type === 'Pod' && !restartSuccessful;
    if (!keep && id !== workflow.metadata.name) delete nodes[id];
  }
  const root = nodes[workflow.metadata.name ?? ''];
  if (root !== undefined) {
    root.phase = 'Running';
    delete root.finishedAt;
    delete root.message;
  }
  delete workflow.spec.shutdown;
  status.phase = 'Running';
  delete status.finishedAt;
  delete status.message;
  const labels = (workflow.metadata.labels ??= {});
  labels['workflows.argoproj.io/phase'] = 'Running';
  labels['workflows.argoproj.io/completed'] = 'false';
}
