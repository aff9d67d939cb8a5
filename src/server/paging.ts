// Paged listings for a token that sees only some of what the store holds: pages are read from the
// store until `limit` visible items are found (or it runs out), and `next` is the id of the last
// item shown — never the id of an item the token may not see, which would hand it another
// namespace's run or event id.

const BATCH = 500;

export async function visiblePage<T>(
  read: (before: string | undefined, limit: number) => Promise<T[]>,
  visible: (item: T) => boolean,
  idOf: (item: T) => string,
  limit: number,
  before: string | undefined,
): Promise<{ items: T[]; next?: string }> {
  const items: T[] = [];
  let cursor = before;
  for (;;) {
    const batch = await read(cursor, BATCH);
    for (const item of batch) {
      if (!visible(item)) continue;
      if (items.length === limit) return { items, next: idOf(items[limit - 1]!) };
      items.push(item);
    }
    if (batch.length < BATCH) return { items };
    cursor = idOf(batch[batch.length - 1]!);
  }
}
