// Searches the index a run produced: prints the chunks closest to a query.
// Usage: npx tsx examples/document-ingestion/search.ts INDEX_JSON "your question"
// (`tandem show RUN_ID` lists the path of the run's index.index artifact.)
import { readFileSync } from 'node:fs';
import type { VectorIndex } from './tasks/build-index.js';
import { cosine, embed } from './tasks/embedding.js';

export function search(index: VectorIndex, query: string, limit = 3): Array<{ score: number; source: string; text: string }> {
  const q = embed(query);
  return index.vectors
    .map((entry) => ({ score: cosine(q, entry.vector), source: entry.source, text: entry.text }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, ...words] = process.argv.slice(2);
  if (!file || words.length === 0) {
    console.error('usage: search.ts INDEX_JSON QUERY...');
    process.exit(2);
  }
  const index = JSON.parse(readFileSync(file, 'utf8')) as VectorIndex;
  for (const hit of search(index, words.join(' '))) {
    console.log(`${hit.score.toFixed(3)}  ${hit.source}\n       ${hit.text.slice(0, 120)}...`);
  }
}
