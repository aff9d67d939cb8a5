// Where a Workflow's node statuses are: inline in `status.nodes`, gzip+base64 in
// `status.compressedNodes` (the controller compresses large statuses to fit etcd's object size
// limit), or offloaded to the controller's database (`status.offloadNodeStatusVersion` set, no
// nodes on the object), in which case only the Argo Server (which hydrates them) can give them.
import { gunzipSync } from 'node:zlib';
import { TandemError } from '../../errors.js';
import type { NodeStatus, Workflow } from './api/client.js';

export type WorkflowNodes =
  | { kind: 'inline' | 'compressed'; nodes: Record<string, NodeStatus> }
  /** The nodes are in the controller's database: fetch the workflow through the Argo Server. */
  | { kind: 'offloaded'; version: string }
  /** No node has been created yet (a workflow just submitted). */
  | { kind: 'none' };

/** A compressedNodes value that does not decode: the controller wrote it, so retrying reads the same. */
class CompressedNodesError extends TandemError {
  readonly code = 'ARGO_COMPRESSED_NODES';
  constructor(workflow: string, reason: string) {
    super(`workflow ${workflow}: status.compressedNodes cannot be read: ${reason}`);
    this.name = 'CompressedNodesError';
  }
}

export function workflowNodes(workflow: Workflow): WorkflowNodes {
  const status = workflow.status;
  if (status?.nodes !== undefined && Object.keys(status.nodes).length > 0) return { kind: 'inline', nodes: status.nodes };
  if (status?.compressedNodes !== undefined && status.compressedNodes !== '') {
    return { kind: 'compressed', nodes: decodeCompressedNodes(status.compressedNodes, workflow.metadata.name ?? '?') };
  }
  if (status?.offloadNodeStatusVersion !== undefined && status.offloadNodeStatusVersion !== '') return { kind: 'offloaded', version: status.offloadNodeStatusVersion };
  return { kind: 'none' };
}

function decodeCompressedNodes(compressed: string, workflow: string): Record<string, NodeStatus> {
  let text: string;
  try {
    text = gunzipSync(Buffer.from(compressed, 'base64')).toString('utf8');
  } catch (error) {
    throw new CompressedNodesError(workflow, `not gzip+base64 (${(error as Error).message})`);
  }
  const parsed = JSON.parse(text) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CompressedNodesError(workflow, 'not a map of node id to node status');
  return parsed as Record<string, NodeStatus>;
}
