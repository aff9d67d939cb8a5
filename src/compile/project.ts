// A whole project (tandem.yaml) to every manifest: each workflow for its target (`auto`: its
// routed lane's), the event sources and sensors to Argo Events (for argo-events and auto), and for
// auto a kustomization.yaml listing the lot. For auto the Argo manifests are WorkflowTemplates:
// `kubectl apply` needs a fixed name (a Workflow has generateName), and the sensors then submit
// Workflows that reference them. One part that cannot be compiled does not stop the others: each
// failure is returned with the part it belongs to.
import { CompileError } from '../errors.js';
import type { Project } from '../project/load.js';
import { foldersOf, projectLayout, type ProjectLayout } from './layout.js';
import { kustomizationFile } from './kustomization.js';
import { sensorRbacFile } from './sensor-rbac.js';
import { compileProjectEvents } from './project-events.js';
import type { CompiledFile, CompileSettings, CompileTarget } from './targets.js';
import { compileWorkflow } from './workflow.js';

export interface ProjectCompile {
  files: CompiledFile[];
  warnings: string[];
  notes: string[];
  failures: Array<{ part: string; error: CompileError }>;
  layout: ProjectLayout;
}

export function layoutOf(project: Project, containerRoot: string | undefined): ProjectLayout {
  return projectLayout(project.catalog.list().flatMap((entry) => foldersOf(entry.spec, entry.baseDir)), containerRoot);
}

/** `layout`: the images' layout when more than this project is compiled into them; by default the project's own. */
export async function compileProject(project: Project, target: CompileTarget, given: CompileSettings, layout = layoutOf(project, given.containerRoot)): Promise<ProjectCompile> {
  const settings: CompileSettings = target === 'auto' ? { ...given, argo: { ...given.argo, kind: 'WorkflowTemplate' } } : given;
  const out: ProjectCompile = { files: [], warnings: [], notes: [], failures: [], layout };
  if (target !== 'argo-events') {
    for (const entry of project.catalog.list()) {
      try {
        for (const file of await compileWorkflow(entry.spec, entry.baseDir, target, settings, layout)) addOnce(out, file);
      } catch (error) {
        if (!(error instanceof CompileError)) throw error;
        out.failures.push({ part: `workflow ${entry.spec.name}`, error });
      }
    }
  }
  if (target === 'argo-events' || target === 'auto') {
    const events = await compileProjectEvents(project, settings, layout);
    if (events.file) out.files.push(events.file);
    if (events.submitsWorkflows && target === 'auto') out.files.push(sensorRbacFile(settings.argo.namespace, project.file));
    out.warnings.push(...events.warnings);
    out.notes.push(...events.notes);
    out.failures.push(...events.failures.map((error) => ({ part: 'events', error })));
  }
  if (target === 'auto') out.files.push(kustomizationFile(out.files, settings.argo.namespace, project.file));
  return out;
}

/**
 * A file added once: a pipeline that is both a kubeflow-lane workflow and a hybrid step's child
 * compiles to the same IR (the layout gives its folder one place), so it is written once.
 */
function addOnce(out: ProjectCompile, file: CompiledFile): void {
  const same = out.files.find((known) => known.name === file.name);
  if (same === undefined) out.files.push(file);
  else if (same.yaml === file.yaml) {
    if (file.startedFromImage) same.startedFromImage = true;
  } else throw new CompileError(file.kind, 'file name', file.source, `${file.name} is also written for ${same.source}, with other content`);
}
