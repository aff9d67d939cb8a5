// The workflows a project serves: each file listed under `workflows` is loaded and validated, in
// the namespace it names or the project's. Problems inside a workflow file keep that file's name
// and positions; a file that cannot be read is a problem of its entry in tandem.yaml.
import { resolve } from 'node:path';
import type { TandemFile } from '../config/file.js';
import { SpecLoadError, SpecValidationError, type SpecIssue } from '../errors.js';
import { loadWorkflowFile } from '../spec/load.js';
import type { WorkflowCatalog } from './catalog.js';

export async function loadWorkflows(tandem: TandemFile, namespace: string, catalog: WorkflowCatalog, issues: SpecIssue[]): Promise<void> {
  for (const { index, value: ref } of tandem.items('workflows')) {
    const path = typeof ref === 'string' ? ref : ref.file;
    try {
      const loaded = await loadWorkflowFile(resolve(tandem.dir, path));
      if (catalog.get(loaded.spec.name)) {
        issues.push(tandem.place({ path: `/workflows/${index}`, message: `workflow "${loaded.spec.name}" is listed twice` }));
        continue;
      }
      const own = typeof ref === 'string' ? undefined : ref.namespace;
      catalog.add({ spec: loaded.spec, namespace: own ?? namespace, baseDir: loaded.baseDir, sourceFile: loaded.file });
    } catch (error) {
      if (error instanceof SpecValidationError) issues.push(...error.issues);
      else if (error instanceof SpecLoadError) issues.push(tandem.place({ path: `/workflows/${index}`, message: error.message }));
      else throw error;
    }
  }
}
