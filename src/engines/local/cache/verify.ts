// Checks, before a cache hit is accepted, that every artifact the entry's outputs point to is
// still in the content-addressed store with the content its digest names. Cheap checks first: the
// blob exists and has the recorded size. Content is re-hashed only when the blob was modified
// after the entry was stored (its mtime is newer): blobs are written once, by copy and rename,
// so a later mtime means someone wrote to it. A blob found corrupted is removed, so that the
// rerun the miss causes stores a good copy instead of finding the bad one under its digest.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import type { ArtifactRef, OutputValue } from '../../model.js';
import type { ArtifactStore } from '../artifacts.js';

export type Verdict = { ok: true } | { ok: false; reason: string };

interface ManifestEntry {
  path: string;
  digest: string;
  size: number;
}

/** Verifies every artifact output; the first problem found is the reason. */
export async function verifyOutputs(outputs: Record<string, OutputValue>, artifacts: ArtifactStore, storedAt: number): Promise<Verdict> {
  const checks = Object.entries(outputs).flatMap(([name, output]) =>
    output.kind === 'artifact' ? [checkArtifact(name, output.artifact, artifacts, storedAt)] : [],
  );
  for (const verdict of await Promise.all(checks)) if (!verdict.ok) return verdict;
  return { ok: true };
}

async function checkArtifact(name: string, ref: ArtifactRef, artifacts: ArtifactStore, storedAt: number): Promise<Verdict> {
  const label = `artifact "${name}" (sha256 ${ref.digest.slice(0, 12)})`;
  if (ref.kind === 'file') return checkBlob(label, ref.digest, ref.size, artifacts, storedAt);
  const manifestPath = artifacts.blobPath(ref.digest);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    return { ok: false, reason: `${label}: its manifest is missing from the artifact store` };
  }
  if (sha256(text) !== ref.digest) {
    await rm(manifestPath, { force: true });
    return { ok: false, reason: `${label}: its manifest no longer matches its digest` };
  }
  let manifest: ManifestEntry[];
  try {
    manifest = JSON.parse(text) as ManifestEntry[];
  } catch {
    return { ok: false, reason: `${label}: its manifest is not JSON` };
  }
  const verdicts = await Promise.all(
    manifest.map((entry) => checkBlob(`${label}, file ${entry.path}`, entry.digest, entry.size, artifacts, storedAt)),
  );
  return verdicts.find((v) => !v.ok) ?? { ok: true };
}

async function checkBlob(label: string, digest: string, size: number, artifacts: ArtifactStore, storedAt: number): Promise<Verdict> {
  const path = artifacts.blobPath(digest);
  let info;
  try {
    info = await stat(path);
  } catch {
    return { ok: false, reason: `${label} is missing from the artifact store` };
  }
  if (!info.isFile()) return { ok: false, reason: `${label} is not a file in the artifact store` };
  if (info.size !== size) {
    await rm(path, { force: true });
    return { ok: false, reason: `${label} has changed: ${info.size} bytes instead of ${size}` };
  }
  if (info.mtimeMs > storedAt && (await hashFile(path)) !== digest) {
    await rm(path, { force: true });
    return { ok: false, reason: `${label} has changed: its content no longer matches its digest` };
  }
  return { ok: true };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
