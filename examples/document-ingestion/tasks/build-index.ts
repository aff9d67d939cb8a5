// index: gathers every document's vectors into one index file (the task's `index` artifact) and
// returns the document and chunk counts.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocumentVectors } from './embed.js';
import { DIM } from './embedding.js';

export interface VectorIndex {
  dim: number;
  documents: number;
  chunks: number;
  sources: Array<{ source: string; title: string; chunks: number }>;
  vectors: Array<{ source: string; chunk: number; text: string; vector: number[] }>;
}

/** `vectors` is a folder holding the embed task's artifacts, one per iteration: 0, 1, 2... */
export default async function buildIndex(inputs: { vectors: string }, ctx: { outputsDir: string }) {
  const entries = (await readdir(inputs.vectors)).sort((a, b) => Number(a) - Number(b));
  const index: VectorIndex = { dim: DIM, documents: 0, chunks: 0, sources: [], vectors: [] };
  for (const entry of entries) {
    const doc = JSON.parse(await readFile(join(inputs.vectors, entry), 'utf8')) as DocumentVectors;
    index.sources.push({ source: doc.source, title: doc.title, chunks: doc.chunks.length });
    doc.chunks.forEach((chunk, i) => index.vectors.push({ source: doc.source, chunk: i, ...chunk }));
  }
  index.documents = index.sources.length;
  index.chunks = index.vectors.length;
  await writeFile(join(ctx.outputsDir, 'index.json'), JSON.stringify(index));
  return { documents: index.documents, chunks: index.chunks };
}
