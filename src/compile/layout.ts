// Where a project's files are inside the image its tasks run in. Every workflow folder (and the
// folder of each child workflow a hybrid step starts) keeps its place relative to the folders'
// common ancestor, under the container root (/workspace): examples/cluster/tandem.yaml's
// ../conditional-dag and ../ml-training become /workspace/conditional-dag and
// /workspace/ml-training, so two workflows' `tasks/` folders never meet. A lone workflow with no
// children is the root itself (/workspace), as before. The compiled pipelines the hybrid steps
// start sit beside them, in /workspace/.tandem/pipelines. The image recipe copies exactly this
// layout, and the compilers are given each workflow's folder from it, so the two cannot disagree.
import { dirname, isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { WorkflowSpec } from '../spec/schema.js';

const DEFAULT_CONTAINER_ROOT = '/workspace';

export interface ProjectLayout {
  /** The folders' common ancestor on this machine: the image build's context. */
  hostRoot: string;
  /** Where hostRoot is inside the image. */
  containerRoot: string;
  /** Every folder the image holds, on this machine, sorted. */
  folders: string[];
  /** Where the hybrid steps find the KFP pipelines they start. */
  pipelinesDir: string;
}

/** The workflow's own folder and those of the child workflows it starts. */
export function foldersOf(spec: WorkflowSpec, baseDir: string): string[] {
  const children = [...spec.tasks, ...(spec.finally ?? [])].flatMap((task) => (task.workflow ? [dirname(isAbsolute(task.workflow.file) ? task.workflow.file : resolve(baseDir, task.workflow.file))] : []));
  return [baseDir, ...children];
}

export function projectLayout(folders: readonly string[], containerRoot = DEFAULT_CONTAINER_ROOT): ProjectLayout {
  const unique = [...new Set(folders.map((folder) => resolve(folder)))].sort();
  const root = containerRoot.replace(/\/+$/, '') || '/';
  return { hostRoot: commonAncestor(unique), containerRoot: root, folders: unique, pipelinesDir: posix.join(root, '.tandem', 'pipelines') };
}

/** A folder's place inside the image. */
export function containerDir(layout: ProjectLayout, hostFolder: string): string {
  const rel = relative(layout.hostRoot, resolve(hostFolder)).split(sep).join('/');
  return rel === '' ? layout.containerRoot : posix.join(layout.containerRoot, rel);
}

function commonAncestor(folders: readonly string[]): string {
  if (folders.length === 0) return resolve('.');
  let common = folders[0]!.split(sep);
  for (const folder of folders.slice(1)) {
    const parts = folder.split(sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(sep) || sep;
}
