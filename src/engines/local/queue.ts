// A FIFO queue with O(1) push and shift: the dispatcher holds thousands of ready tasks at once,
// and Array#shift on a large array moves every element.
export class Queue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns every item matching the predicate. */
  removeWhere(predicate: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: Array<T | undefined> = [];
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i] as T;
      if (predicate(item)) removed.push(item);
      else kept.push(item);
    }
    this.items = kept;
    this.head = 0;
    return removed;
  }
}
