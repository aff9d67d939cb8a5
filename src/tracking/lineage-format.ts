// A lineage graph as text for `tandem lineage`: the root, then each task run upstream and
// downstream (nearest first) with the params it consumed, the artifacts it consumed and produced.
import { formatNumber } from './compare-format.js';
import type { LineageArtifactNode, LineageGraph, LineageTaskNode } from './lineage.js';

const SHORT = 12;

export function formatLineage(graph: LineageGraph): string[] {
  const artifacts = new Map(graph.artifacts.map((a) => [a.id, a]));
  const lines: string[] = [describeRoot(graph, artifacts)];
  const sections: Array<[string, LineageTaskNode[]]> = [
    ['run', graph.tasks.filter((t) => t.side === 'root')],
    ['upstream', graph.tasks.filter((t) => t.side === 'upstream')],
    ['downstream', graph.tasks.filter((t) => t.side === 'downstream')],
  ];
  for (const [title, tasks] of sections) {
    if (tasks.length === 0) {
      if (title !== 'run' && graph.root.kind !== 'run') lines.push('', `${title}: nothing recorded`);
      continue;
    }
    lines.push('', title);
    const sorted = [...tasks].sort((a, b) => a.distance - b.distance || a.runId.localeCompare(b.runId) || a.task.localeCompare(b.task));
    for (const task of sorted) lines.push(...describeTask(task, graph, artifacts));
  }
  if (graph.tasks.length === 0) lines.push('', 'no task run recorded consuming or producing it');
  return lines;
}

function describeRoot(graph: LineageGraph, artifacts: Map<string, LineageArtifactNode>): string {
  const root = graph.root;
  if (root.kind === 'run') return `lineage of run ${root.runId}`;
  if (root.kind === 'task') return `lineage of task run ${root.runId}/${root.task}`;
  const node = artifacts.get(`artifact:${root.digest}`);
  const where = root.producer ? ` = ${root.producer.runId}/${root.producer.task}/${root.producer.output}` : '';
  return `lineage of artifact ${root.digest.slice(0, SHORT)}${node ? ` (${describeArtifact(node)})` : ''}${where}`;
}

function describeTask(task: LineageTaskNode, graph: LineageGraph, artifacts: Map<string, LineageArtifactNode>): string[] {
  const lines = [`  ${task.side === 'root' ? '' : `${task.distance} `}${task.runId}/${task.task}  ${task.status ?? '?'}`];
  const params = Object.entries(task.params);
  if (params.length > 0) lines.push(`      params    ${params.map(([k, v]) => `${k}=${short(v)}`).join(' ')}`);
  const consumed = graph.edges.filter((e) => e.to === task.id && e.relation === 'consumed');
  const produced = graph.edges.filter((e) => e.from === task.id && e.relation === 'produced');
  for (const edge of consumed) lines.push(`      consumed  ${edge.name} ← ${artifactLabel(edge.from, artifacts)}`);
  for (const edge of produced) lines.push(`      produced  ${edge.name} → ${artifactLabel(edge.to, artifacts)}`);
  return lines;
}

function artifactLabel(id: string, artifacts: Map<string, LineageArtifactNode>): string {
  const node = artifacts.get(id);
  return node ? `${node.digest.slice(0, SHORT)} (${describeArtifact(node)})` : id.replace(/^artifact:/, '').slice(0, SHORT);
}

function describeArtifact(node: LineageArtifactNode): string {
  const parts = [node.type, node.kind === 'directory' ? 'dir' : undefined, bytes(node.size)].filter(Boolean);
  if (node.metadata) parts.push(`metadata ${short(node.metadata)}`);
  return parts.join(', ');
}

function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${formatNumber(Number(value.toFixed(1)))} ${units[unit]}`;
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const oneLine = text.replace(/\n/g, '\\n');
  return oneLine.length > 60 ? `${oneLine.slice(0, 59)}…` : oneLine;
}
