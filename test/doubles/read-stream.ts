// Test support for the doubles' tests: reads a streaming HTTP answer line by line until a
// condition holds, with a deadline that names what it waited for.

export interface StreamReader {
  /** Lines read so far (blank separator lines dropped). */
  readonly lines: string[];
  /** Reads until `done(lines)` holds; rejects after `ms` naming `what`, or when the stream ends first. */
  until(what: string, done: (lines: string[]) => boolean, ms?: number): Promise<string[]>;
  /** Reads until the stream ends (normally or cut); resolves with how it ended. */
  end(what: string, ms?: number): Promise<'ended' | 'cut'>;
}

export function readStream(response: Response): StreamReader {
  if (response.body === null) throw new Error('the response has no body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const lines: string[] = [];
  let buffer = '';
  let finished: 'ended' | 'cut' | undefined;

  async function readOnce(deadline: Promise<never>): Promise<void> {
    try {
      const chunk = await Promise.race([reader.read(), deadline]);
      if (chunk.done) {
        finished = 'ended';
        return;
      }
      buffer += decoder.decode(chunk.value, { stream: true });
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts.filter((line) => line !== ''));
    } catch (error) {
      if ((error as Error).message.startsWith('timed out')) throw error;
      finished = 'cut';
    }
  }

  function timeout(what: string, ms: number): { promise: Promise<never>; clear: () => void } {
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}; lines so far: ${JSON.stringify(lines)}`)), ms);
    });
    promise.catch(() => {});
    return { promise, clear: () => clearTimeout(timer) };
  }

  return {
    lines,
    async until(what, done, ms = 5000) {
      const deadline = timeout(what, ms);
      try {
        while (!done(lines)) {
          if (finished !== undefined) throw new Error(`the stream ${finished} before ${what}; lines: ${JSON.stringify(lines)}`);
          await readOnce(deadline.promise);
        }
        return lines;
      } finally {
        deadline.clear();
      }
    },
    async end(what, ms = 5000) {
      const deadline = timeout(what, ms);
      try {
        while (finished === undefined) await readOnce(deadline.promise);
        return finished;
      } finally {
        deadline.clear();
      }
    },
  };
}
