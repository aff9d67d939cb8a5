// Reading KFP IR files for the conformance tests: one file's documents (a PipelineSpec, then
// optionally its platform spec). The YAML files under a folder come from test/helpers/shared.ts.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

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
