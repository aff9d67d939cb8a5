// Argo Workflow status → tandem's statuses (src/engines/model.ts): the workflow's phase becomes
// the run's status; the node tree becomes task runs. Pure functions over the Workflow object.
//
// Which nodes are tasks: Pod nodes (and Suspend/Skipped/HTTP/Plugin ones: a step that did or did not
// run), and Retry nodes, whose children are the attempts of one task, in order. DAG, Steps and
// StepGroup nodes are structure, not tasks. A loop iteration's display name `name(2:value)` becomes
// tandem's forEach key `name[2]`.
import type { RunStatus, TaskStatus } from '../model.js';
import type { NodeStatus, Workflow } from './api/client.js';
import { workflowNodes } from './nodes.js';

export interface ArgoRunState {
  status: RunStatus;
  message?: string;
  startedAt?: number;
  finishedAt?: number;
  /** The workflow's own output parameters (`status.outputs.parameters`). */
  outputs: Record<string, string>;
}

interface ArgoTaskAttempt {
  /** 1-based, in the order Argo ran them. */
  attempt: number;
  status: TaskStatus;
  message?: string;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  /** The Argo node id (what `podLogs` and `retry --node-field-selector` name). */
  nodeId: string;
}

export interface ArgoTask {
  /** The task key: the node's display name, or `name[i]` for a loop iteration. */
  task: string;
  /** The latest attempt's status. */
  status: TaskStatus;
  attempts: ArgoTaskAttempt[];
  /** Output parameters of the latest attempt that has them. */
  outputs: Record<string, string>;
}

export type ArgoTasks = { kind: 'tasks'; tasks: ArgoTask[] } | { kind: 'offloaded'; version: string };

const NODE_PHASES: Readonly<Record<string, TaskStatus>> = {
  Pending: 'Pending',
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Error: 'Error',
  Skipped: 'Skipped',
  Omitted: 'Omitted',
};

/** Node types that are structure: their children are the tasks. */
const STRUCTURE = new Set(['DAG', 'Steps', 'StepGroup', 'TaskGroup']);

function time(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function parameters(list: ReadonlyArray<{ name: string; value?: string }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list ?? []) if (p.value !== undefined) out[p.name] = p.value;
  return out;
}

/**
 * The run's status. Argo has no Cancelled phase: a stopped or terminated workflow ends Failed with
 * `spec.shutdown` set (and "Stopped with strategy ..." as its message), which is tandem's Cancelled.
 */
export function workflowRunState(workflow: Workflow): ArgoRunState {
  const status = workflow.status;
  const phase = status?.phase ?? '';
  let run: RunStatus;
  if (phase === 'Running') run = 'Running';
  else if (phase === 'Succeeded') run = 'Succeeded';
  else if (phase === 'Error') run = 'Error';
  else if (phase === 'Failed') run = isShutdown(workflow) ? 'Cancelled' : 'Failed';
  else run = 'Pending';
  const message = status?.message !== undefined && status.message !== '' ? status.message : undefined;
  return {
    status: run,
    ...(message === undefined ? {} : { message }),
    ...optionalTime('startedAt', status?.startedAt),
    ...optionalTime('finishedAt', status?.finishedAt),
    outputs: parameters(status?.outputs?.parameters),
  };
}

function isShutdown(workflow: Workflow): boolean {
  const shutdown = workflow.spec?.shutdown;
  return (shutdown !== undefined && shutdown !== '') || /^Stopped with strategy '/.test(workflow.status?.message ?? '');
}

function optionalTime<K extends string>(key: K, value: string | undefined): Partial<Record<K, number>> {
  const ms = time(value);
  return ms === undefined ? {} : ({ [key]: ms } as Record<K, number>);
}

function nodeTaskStatus(node: NodeStatus): TaskStatus {
  if (node.phase === 'Succeeded' && node.memoizationStatus?.hit === true) return 'Cached';
  return NODE_PHASES[node.phase ?? ''] ?? 'Pending';
}

/** `name(2:value)` (a loop iteration) → `name[2]`; other names as they are. */
export function taskKey(displayName: string): string {
  const loop = /^(.*)\((\d+):.*\)$/s.exec(displayName);
  return loop === null ? displayName : `${loop[1]}[${loop[2]}]`;
}

function attemptOf(node: NodeStatus, attempt: number): ArgoTaskAttempt {
  const exit = node.outputs?.exitCode;
  const exitCode = exit === undefined || exit === '' ? undefined : Number(exit);
  return {
    attempt,
    status: nodeTaskStatus(node),
    ...(node.message !== undefined && node.message !== '' ? { message: node.message } : {}),
    ...optionalTime('startedAt', node.startedAt),
    ...optionalTime('finishedAt', node.finishedAt),
    ...(exitCode === undefined || Number.isNaN(exitCode) ? {} : { exitCode }),
    nodeId: node.id,
  };
}

function byStart(a: NodeStatus, b: NodeStatus): number {
  return (time(a.startedAt) ?? Infinity) - (time(b.startedAt) ?? Infinity);
}

/** Every task of the workflow with its attempts; `offloaded` when the nodes must come from the server. */
export function workflowTasks(workflow: Workflow): ArgoTasks {
  const found = workflowNodes(workflow);
  if (found.kind === 'offloaded') return found;
  if (found.kind === 'none') return { kind: 'tasks', tasks: [] };
  const nodes = found.nodes;
  const attemptIds = new Set<string>();
  for (const node of Object.values(nodes)) if (node.type === 'Retry') for (const child of node.children ?? []) attemptIds.add(child);
  const tasks: ArgoTask[] = [];
  for (const node of Object.values(nodes)) {
    // The root node is structure too, unless the entrypoint is a single Pod (then it is the task).
    if (STRUCTURE.has(node.type ?? '') || attemptIds.has(node.id)) continue;
    const tries = node.type === 'Retry' ? (node.children ?? []).map((id) => nodes[id]).filter((n): n is NodeStatus => n !== undefined).sort(byStart) : [node];
    const attempts = tries.length === 0 ? [attemptOf(node, 1)] : tries.map((n, i) => attemptOf(n, i + 1));
    const withOutputs = [node, ...[...tries].reverse()].find((n) => (n.outputs?.parameters?.length ?? 0) > 0);
    tasks.push({
      task: taskKey(node.displayName ?? node.name),
      // The Retry node's own phase is the task's verdict; a single node's is its attempt's.
      status: nodeTaskStatus(node),
      attempts,
      outputs: parameters(withOutputs?.outputs?.parameters),
    });
  }
  return { kind: 'tasks', tasks: tasks.sort((a, b) => a.task.localeCompare(b.task)) };
}
