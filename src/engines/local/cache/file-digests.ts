// Content digests of the files a task's definition names: a node task's module, and any command
// or argument of a process or script task that names an existing file (`python train.py`). A
// digest is remembered with the file's identity (device, inode, size, mtime, ctime), so each
// cache lookup pays one stat per file and a file is read again only after it changed. The ctime
// is there because the mtime can be set back (`touch -d`, a tool restoring timestamps) after an
// edit that kept the size; the ctime cannot, every write and every utimes moves it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Files above this size are identified by size and mtime instead of content (data, not code). */
const MAX_HASHED_FILE_BYTES = 16 * 1024 * 1024;

interface Remembered {
  identity: string;
  digest: string;
}

export class FileDigests {
  private readonly known = new Map<string, Remembered>();

  /**
   * The digest of a regular file's content (`sha256:<hex>`), or for a large file its size and
   * mtime (`stat:<size>:<mtime>`); undefined when the path is not a regular file.
   */
  async digest(path: string): Promise<string | undefined> {
    let info;
    try {
      info = await stat(path, { bigint: true });
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const identity = `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
    const remembered = this.known.get(path);
    if (remembered?.identity === identity) return remembered.digest;
    const digest = info.size > BigInt(MAX_HASHED_FILE_BYTES) ? `stat:${info.size}:${info.mtimeNs}` : `sha256:${await hashFile(path)}`;
    this.known.set(path, { identity, digest });
    return digest;
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
