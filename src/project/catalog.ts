// The workflows a control plane serves: loaded definitions by name, each in a namespace (API tokens
// are scoped to namespaces).
import { DEFAULT_NAMESPACE } from '../config/settings.js';
import type { WorkflowSpec } from '../spec/schema.js';

export interface CatalogEntry {
  spec: WorkflowSpec;
  namespace: string;
  /** Where relative paths in the spec resolve (the workflow file's folder). */
  baseDir: string;
  sourceFile?: string;
}

export class WorkflowCatalog {
  private readonly byName = new Map<string, CatalogEntry>();

  constructor(entries: Iterable<CatalogEntry> = []) {
    for (const entry of entries) this.add(entry);
  }

  add(entry: CatalogEntry): void {
    const existing = this.byName.get(entry.spec.name);
    if (existing) {
      throw new Error(`workflow "${entry.spec.name}" is defined twice (${existing.sourceFile ?? '?'} and ${entry.sourceFile ?? '?'})`);
    }
    this.byName.set(entry.spec.name, entry);
  }

  get(name: string): CatalogEntry | undefined {
    return this.byName.get(name);
  }

  /** The namespace a workflow's runs belong to; workflows no longer served keep the default. */
  namespaceOf(workflow: string): string {
    return this.byName.get(workflow)?.namespace ?? DEFAULT_NAMESPACE;
  }

  list(): CatalogEntry[] {
    return [...this.byName.values()].sort((a, b) => a.spec.name.localeCompare(b.spec.name));
  }
}
