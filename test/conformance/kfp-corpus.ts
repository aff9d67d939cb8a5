// Reading KFP IR files for the conformance tests: the YAML files under a folder, and one file's
// documents (a PipelineSpec, then optionally its platform spec).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? yamlFiles(path) : [path];
    })
    .filter((path) => /\.ya?ml$/.test(path))
    .sort();
}

/** The documents of IR text; the reason when the yaml package cannot read it as YAML 1.2. */
export function irDocuments(text: string): { documents: unknown[] } | { unreadable: string } {
  const docs = parseAllDocuments(text);
  const errors = docs.flatMap((doc) => doc.errors);
  if (errors.length > 0) return { unreadable: `${errors[0]?.code ?? 'error'}: ${errors[0]?.message.split('\n')[0] ?? ''}` };
  const documents = docs.map((doc) => doc.toJS() as unknown);
  return { documents: documents.length === 1 ? documents : documents.filter((d) => d !== null) };
}

export function readIr(file: string): { documents: unknown[] } | { unreadable: string } {
  return irDocuments(readFileSync(file, 'utf8'));
}
