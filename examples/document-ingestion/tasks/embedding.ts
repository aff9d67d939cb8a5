// Text helpers shared by the embed task and search.ts: sentence-aware chunking and a small,
// deterministic "embedding" (a hashed bag of words, normalised to unit length). A real pipeline
// would call an embedding model here; this one needs nothing but Node.js.

export const DIM = 64;

/** Splits text into chunks of at most about `size` characters, cutting only between sentences. */
export function chunkText(text: string, size: number): string[] {
  const sentences = text.split(/(?<=[.!?])\s+/).filter((s) => s.trim() !== '');
  const chunks: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    if (current !== '' && current.length + 1 + sentence.length > size) {
      chunks.push(current);
      current = sentence;
    } else {
      current = current === '' ? sentence : `${current} ${sentence}`;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

const STOP_WORDS = new Set(
  ('a about an and are as at be by can do does for from has have how in is it its of on or so that the their them ' +
    'then there they this to was what when where which who why will with')
    .split(' '),
);

/** Lower-case words without stop words, with a plural "s" dropped ("bees" and "bee" match). */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? [])
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w))
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

/** FNV-1a, 32 bits: a fast, stable string hash. */
function hash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A unit-length vector of DIM numbers: each word adds ±1 to one hashed position. */
export function embed(text: string): number[] {
  const vector = new Array<number>(DIM).fill(0);
  for (const word of words(text)) {
    const h = hash(word);
    vector[h % DIM]! += (h >>> 16) & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...vector);
  return vector.map((x) => (norm === 0 ? 0 : Number((x / norm).toFixed(6))));
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);
}
