// embed: splits one parsed document into chunks on sentence boundaries and embeds each chunk.
// Writes vectors.json (the task's `vectors` artifact) and returns the chunk count.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIM, chunkText, embed } from './embedding.js';

interface Inputs {
  /** Path of the parse task's document.json for this document. */
  document: string;
  chunkSize: number;
}

export interface DocumentVectors {
  source: string;
  title: string;
  dim: number;
  chunks: Array<{ text: string; vector: number[] }>;
}

export default async function embedDocument(inputs: Inputs, ctx: { outputsDir: string }): Promise<{ chunks: number }> {
  const doc = JSON.parse(await readFile(inputs.document, 'utf8')) as { source: string; title: string; text: string };
  const chunks = doc.text.split('\n\n').flatMap((paragraph) => chunkText(paragraph, inputs.chunkSize));
  const result: DocumentVectors = {
    source: doc.source,
    title: doc.title,
    dim: DIM,
    chunks: chunks.map((text) => ({ text, vector: embed(`${doc.title} ${text}`) })),
  };
  await writeFile(join(ctx.outputsDir, 'vectors.json'), JSON.stringify(result));
  return { chunks: chunks.length };
}
