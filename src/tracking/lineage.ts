// Lineage: which task run produced an artifact and from which inputs, and where it went. The graph
// has two kinds of node — task runs and artifacts (by content digest) — and two kinds of edge:
// task → artifact (produced, named by the output) and artifact → task (consumed, named by the
// input). Within a run, edges follow the recorded source of each input (the exact upstream task
// output); from a bare digest, every run that produced or consumed that content is included.
// `depth` bounds how many task runs away from the root the walk goes, in each direction.
import type { ArtifactRef } from '../engines/model.js';
import type { RunArtifactRecord, RunReader, RunRecord, TaskInputRecord, TaskRunRecord } from '../store/ports/runs.js';
import type { TrackingStore } from '../store/ports/tracking.js';
import { baseTask } from '../spec/run-naming.js';

export type LineageRoot =
  | { kind: 'artifact'; digest: string; producer?: { runId: string; task: string; output: string } }
  | { kind: 'run'; runId: string }
  | { kind: 'task'; runId: string; task: string };

type LineageSide = 'root' | 'upstream' | 'downstream';

export interface LineageTaskNode {
  id: string;
  runId: string;
  task: string;
  workflow: string;
  experiment?: string;
  status?: string;
  /** Resolved param inputs the task run consumed. */
  params: Record<string, unknown>;
  side: LineageSide;
  /** Task runs between this one and the root (0 for the root). */
  distance: number;
}

export interface LineageArtifactNode {
  id: string;
  digest: string;
  type: string;
  kind: ArtifactRef['kind'];
  size: number;
  metadata?: Record<string, unknown>;
  side: LineageSide;
}

interface LineageEdge {
  from: string;
  to: string;
  relation: 'produced' | 'consumed';
  /** The output name (produced) or input name (consumed). */
  name: string;
}

export interface LineageGraph {
  root: LineageRoot;
  depth: number;
  tasks: LineageTaskNode[];
  artifacts: LineageArtifactNode[];
  edges: LineageEdge[];
}

export interface LineageOptions {
  depth: number;
  direction?: 'both' | 'upstream' | 'downstream';
  /** Runs the caller may see; task runs of other runs are left out (API namespaces). */
  canSee?: (run: RunRecord) => boolean;
}

export const DEFAULT_LINEAGE_DEPTH = 10;

const taskNodeId = (runId: string, task: string): string => `task:${runId}/${task}`;
const artifactNodeId = (digest: string): string => `artifact:${digest}`;

interface RunData {
  run: RunRecord;
  taskRuns: TaskRunRecord[];
  inputs: TaskInputRecord[];
  artifacts: RunArtifactRecord[];
}

export async function buildLineage(store: RunReader & TrackingStore, root: LineageRoot, options: LineageOptions): Promise<LineageGraph> {
  const walker = new LineageWalker(store, options);
  await walker.walk(root);
  return { root, depth: options.depth, ...walker.result() };
}

class LineageWalker {
  private readonly runs = new Map<string, Promise<RunData | undefined>>();
  private readonly tasks = new Map<string, LineageTaskNode>();
  private readonly artifacts = new Map<string, LineageArtifactNode>();
  private readonly edges = new Map<string, LineageEdge>();
  /** Walks already done, so a diamond is not walked twice (key: direction + node id). */
  private readonly walked = new Set<string>();
  /** The root is a whole run: the artifacts passed between its task runs are part of the root. */
  private wholeRun = false;

  constructor(
    private readonly store: RunReader & TrackingStore,
    private readonly options: LineageOptions,
  ) {}

  result(): Pick<LineageGraph, 'tasks' | 'artifacts' | 'edges'> {
    return { tasks: [...this.tasks.values()], artifacts: [...this.artifacts.values()], edges: [...this.edges.values()] };
  }

  private get up(): boolean {
    return this.options.direction !== 'downstream';
  }

  private get down(): boolean {
    return this.options.direction !== 'upstream';
  }

  async walk(root: LineageRoot): Promise<void> {
    if (root.kind === 'artifact') {
      const productions = (await this.store.listArtifactProducers(root.digest)).filter(
        (a) => !root.producer || (a.runId === root.producer.runId && a.task === root.producer.task && a.name === root.producer.output),
      );
      const first = productions[0];
      if (first) this.addArtifact(first, 'root');
      if (this.up && this.options.depth >= 1) {
        for (const production of productions) {
          const node = await this.addTask(production.runId, production.task, 'upstream', 1);
          if (!node) continue;
          this.addEdge(node.id, artifactNodeId(root.digest), 'produced', production.name);
          await this.upstreamOf(node);
        }
      }
      if (this.down && this.options.depth >= 1) {
        const consumers = (await this.store.listArtifactConsumers(root.digest)).filter(
          (c) => !root.producer || (c.runId === root.producer.runId && sameSource(c, root.producer.task, root.producer.output)),
        );
        await this.consumedBy(root.digest, consumers, 1);
      }
      return;
    }
    const data = await this.load(root.runId);
    if (!data) return;
    this.wholeRun = root.kind === 'run';
    const keys = root.kind === 'task' ? [root.task] : taskKeys(data);
    const nodes: LineageTaskNode[] = [];
    for (const key of keys) {
      const node = await this.addTask(root.runId, key, 'root', 0);
      if (node) nodes.push(node);
    }
    for (const node of nodes) {
      if (this.up) await this.upstreamOf(node);
      if (this.down) await this.downstreamOf(node);
    }
  }

  /** Adds what the task run consumed and, within depth, the task runs that produced it. */
  private async upstreamOf(node: LineageTaskNode): Promise<void> {
    if (!this.once('up', node.id)) return;
    const data = await this.load(node.runId);
    if (!data) return;
    for (const input of data.inputs) {
      if (input.task !== node.task || input.kind !== 'artifact' || !input.artifact) continue;
      const artifact = input.artifact;
      const production = input.source
        ? data.artifacts.find((a) => a.digest === artifact.digest && a.name === input.source!.output && baseTask(a.task) === input.source!.task)
        : undefined;
      this.addArtifact(production ?? artifact, node.side === 'root' && !this.wholeRun ? 'upstream' : node.side);
      this.addEdge(artifactNodeId(artifact.digest), node.id, 'consumed', input.name);
      if (!production || node.distance + 1 > this.options.depth) continue;
      const producer = await this.addTask(node.runId, production.task, 'upstream', node.distance + 1);
      if (!producer) continue;
      this.addEdge(producer.id, artifactNodeId(artifact.digest), 'produced', production.name);
      await this.upstreamOf(producer);
    }
  }

  /** Adds what the task run produced and, within depth, the task runs of its run that consumed it. */
  private async downstreamOf(node: LineageTaskNode): Promise<void> {
    if (!this.once('down', node.id)) return;
    const data = await this.load(node.runId);
    if (!data) return;
    for (const production of data.artifacts) {
      if (production.task !== node.task) continue;
      this.addArtifact(production, node.side === 'root' && !this.wholeRun ? 'downstream' : node.side);
      this.addEdge(node.id, artifactNodeId(production.digest), 'produced', production.name);
      const consumers = data.inputs.filter(
        (i) => i.artifact?.digest === production.digest && sameSource(i, baseTask(node.task), production.name),
      );
      await this.consumedBy(production.digest, consumers, node.distance + 1);
    }
  }

  private async consumedBy(digest: string, consumers: readonly TaskInputRecord[], distance: number): Promise<void> {
    if (distance > this.options.depth) return;
    for (const input of consumers) {
      const consumer = await this.addTask(input.runId, input.task, 'downstream', distance);
      if (!consumer) continue;
      this.addEdge(artifactNodeId(digest), consumer.id, 'consumed', input.name);
      await this.downstreamOf(consumer);
    }
  }

  private async addTask(runId: string, task: string, side: LineageSide, distance: number): Promise<LineageTaskNode | undefined> {
    const id = taskNodeId(runId, task);
    const existing = this.tasks.get(id);
    if (existing) {
      if (distance < existing.distance && existing.side !== 'root') existing.distance = distance;
      return existing;
    }
    const data = await this.load(runId);
    if (!data) return undefined;
    const params: Record<string, unknown> = {};
    for (const input of data.inputs) if (input.task === task && input.kind === 'param') params[input.name] = input.value;
    const status = finalStatus(data.taskRuns, task);
    const node: LineageTaskNode = {
      id,
      runId,
      task,
      workflow: data.run.workflow,
      ...(data.run.experiment ? { experiment: data.run.experiment } : {}),
      ...(status ? { status } : {}),
      params,
      side,
      distance,
    };
    this.tasks.set(id, node);
    return node;
  }

  private addArtifact(ref: ArtifactRef, side: LineageSide): void {
    const id = artifactNodeId(ref.digest);
    const existing = this.artifacts.get(id);
    if (existing) {
      if (existing.metadata === undefined && ref.metadata !== undefined) existing.metadata = ref.metadata;
      return;
    }
    this.artifacts.set(id, {
      id,
      digest: ref.digest,
      type: ref.type,
      kind: ref.kind,
      size: ref.size,
      ...(ref.metadata ? { metadata: ref.metadata } : {}),
      side,
    });
  }

  private addEdge(from: string, to: string, relation: LineageEdge['relation'], name: string): void {
    this.edges.set(`${from}\u0000${to}\u0000${relation}\u0000${name}`, { from, to, relation, name });
  }

  private once(direction: string, id: string): boolean {
    const key = `${direction}\u0000${id}`;
    if (this.walked.has(key)) return false;
    this.walked.add(key);
    return true;
  }

  private load(runId: string): Promise<RunData | undefined> {
    let data = this.runs.get(runId);
    if (data === undefined) {
      data = (async () => {
        const run = await this.store.getRun(runId);
        if (!run || (this.options.canSee && !this.options.canSee(run))) return undefined;
        const [taskRuns, inputs, artifacts] = await Promise.all([
          this.store.listTaskRuns(runId),
          this.store.listTaskInputs(runId),
          this.store.listArtifacts(runId),
        ]);
        return { run, taskRuns, inputs, artifacts };
      })();
      this.runs.set(runId, data);
    }
    return data;
  }
}

function sameSource(input: TaskInputRecord, task: string, output: string): boolean {
  return input.source !== undefined && input.source.task === baseTask(task) && input.source.output === output;
}

/** Task keys of a run that did something worth a node: consumed or produced, else ran. */
function taskKeys(data: RunData): string[] {
  const keys = new Set<string>();
  for (const record of data.taskRuns) if (record.attempt > 0) keys.add(record.task);
  for (const input of data.inputs) keys.add(input.task);
  for (const artifact of data.artifacts) keys.add(artifact.task);
  return [...keys];
}

function finalStatus(taskRuns: readonly TaskRunRecord[], task: string): string | undefined {
  const rows = taskRuns.filter((r) => r.task === task);
  const decision = rows.find((r) => r.attempt === 0);
  return (decision ?? rows[rows.length - 1])?.status;
}
