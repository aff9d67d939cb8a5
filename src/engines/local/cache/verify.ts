// Checks, before a cache hit is accepted, that every artifact the entry's outputs point to is
// still in the content-addressed store with the content its digest names. Every blob is re-hashed
// on every hit: a size or mtime check cannot see a bit flipped in place (by a disk, or by a tool
// that restores the mtime it found), and a hit that serves such bytes makes a downstream task
// compute a wrong result in a run that succeeds. Hashing runs at disk speed (bench/cache.ts
// measures it against sha256sum), and the missing or wrong-sized blob is still caught first,
// without reading it. A blob found corrupted is removed, so that the rerun the miss causes stores
// a good copy instead of finding the bad one under its digest.
import { createHash } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import type { ArtifactRef, OutputValue } from '../../model.js';
import { digestFile, type ArtifactStore } from '../artifacts.js';

/** Files of one directory artifact hashed at the same time. */
const FILES_AT_ONCE = 8;

export type Verdict = { ok: true } | { ok: false; reason: string };

interface ManifestEntry {
  path: string;
  digest: string;
  size: number;
}

/** Verifies every artifact output; the first problem found is the reason. */
export async function verifyOutputs(outputs: Record<string, OutputValue>, artifacts: ArtifactStore): Promise<Verdict> {
  const checks = Object.entries(outputs).flatMap(([name, output]) =>
    output.kind === 'artifact' ? [checkArtifact(name, output.artifact, artifacts)] : [],
  );
  for (const verdict of await Promise.all(checks)) if (!verdict.ok) return verdict;
  return { ok: true };
}

async function checkArtifact(name: string, ref: ArtifactRef, artifacts: ArtifactStore): Promise<Verdict> {
  const label = `artifact "${name}" (sha256 ${ref.digest.slice(0, 12)})`;
  if (ref.kind === 'file') return checkBlob(label, ref.digest, ref.size, artifacts);
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
  // A few files at a time: a directory of thousands would otherwise open them all at once.
  for (let start = 0; start < manifest.length; start += FILES_AT_ONCE) {
    const batch = manifest.slice(start, start + FILES_AT_ONCE);
    const verdicts = await Promise.all(batch.map((entry) => checkBlob(`${label}, file ${entry.path}`, entry.digest, entry.size, artifacts)));
    const failed = verdicts.find((v) => !v.ok);
    if (failed) return failed;
  }
  return { ok: true };
}

async function checkBlob(label: string, digest: string, size: number, artifacts: ArtifactStore): Promise<Verdict> {
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
  if ((await digestFile(path)).digest !== digest) {
    await rm(path, { force: true });
    return { ok: false, reason: `${label} has changed: its content no longer matches its digest` };
  }
  return { ok: true };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
