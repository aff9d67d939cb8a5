// Content-addressed artifact storage under <home>/artifacts/sha256/. A file is stored once per
// distinct content; a directory is stored as its files plus a manifest (sorted relative paths
// with each file's digest), and its digest is the manifest's.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, stat, writeFile, constants } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ArtifactRef } from '../model.js';

interface ManifestEntry {
  path: string;
  digest: string;
  size: number;
}

export class ArtifactStore {
  constructor(private readonly root: string) {}

  /** Where the blob with this digest lives. */
  blobPath(digest: string): string {
    return join(this.root, 'sha256', digest.slice(0, 2), digest);
  }

  /** Stores a file or directory; returns its reference and the path of its stored copy. */
  async put(source: string, type: string): Promise<ArtifactRef & { path: string }> {
    const info = await stat(source);
    if (info.isDirectory()) return this.putDirectory(source, type);
    const { digest, size } = await this.putFile(source);
    return { digest, size, kind: 'file', type, path: this.blobPath(digest) };
  }

  /** Recreates an artifact at `destination` (a copy: tasks may not change stored content). */
  async materialize(ref: ArtifactRef, destination: string): Promise<void> {
    await mkdir(dirname(destination), { recursive: true });
    if (ref.kind === 'file') {
      await this.copyVerified(ref.digest, destination);
      return;
    }
    const manifest = JSON.parse(await readFile(this.blobPath(ref.digest), 'utf8')) as ManifestEntry[];
    await mkdir(destination, { recursive: true });
    for (const entry of manifest) {
      const target = join(destination, entry.path);
      await mkdir(dirname(target), { recursive: true });
      await this.copyVerified(entry.digest, target);
    }
  }

  /** True when every blob the artifact needs is present. */
  async exists(ref: ArtifactRef): Promise<boolean> {
    try {
      await stat(this.blobPath(ref.digest));
      return true;
    } catch {
      return false;
    }
  }

  private async copyVerified(digest: string, destination: string): Promise<void> {
    const blob = this.blobPath(digest);
    try {
      await copyFile(blob, destination, constants.COPYFILE_FICLONE);
    } catch (error) {
      throw new Error(`artifact blob ${digest} is missing from ${blob}`, { cause: error });
    }
  }

  private async putFile(source: string): Promise<{ digest: string; size: number }> {
    const { digest, size } = await digestFile(source);
    const target = this.blobPath(digest);
    if (!(await this.holdsIntact(target, digest, size))) {
      await mkdir(dirname(target), { recursive: true });
      // Copy then rename, so a crash never leaves a half-written blob under its digest (and a
      // reader of a bad blob being replaced keeps reading the file it opened).
      const temporary = `${target}.tmp-${process.pid}-${Date.now()}`;
      await copyFile(source, temporary, constants.COPYFILE_FICLONE);
      await rename(temporary, target);
    }
    return { digest, size };
  }

  /**
   * Whether the blob under a digest is there with that content. Re-hashed, not trusted by its
   * name: a blob changed in place would otherwise be kept when the same content is stored again,
   * and handed to the next task that reads it.
   */
  private async holdsIntact(target: string, digest: string, size: number): Promise<boolean> {
    try {
      const info = await stat(target);
      return info.isFile() && info.size === size && (await digestFile(target)).digest === digest;
    } catch {
      return false;
    }
  }

  private async putDirectory(source: string, type: string): Promise<ArtifactRef & { path: string }> {
    const files = (await listFiles(source)).sort();
    const manifest: ManifestEntry[] = [];
    let size = 0;
    for (const file of files) {
      const stored = await this.putFile(file);
      manifest.push({ path: relative(source, file).split(sep).join('/'), digest: stored.digest, size: stored.size });
      size += stored.size;
    }
    const text = JSON.stringify(manifest);
    const digest = createHash('sha256').update(text).digest('hex');
    const target = this.blobPath(digest);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text);
    return { digest, size, kind: 'directory', type, path: target };
  }
}

export async function digestFile(path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: hash.digest('hex'), size };
}

async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}
