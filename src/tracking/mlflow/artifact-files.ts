// The files of a run's artifacts, as the mirror uploads them: a file artifact is one file at
// `<task>/<name>`; a directory artifact is stored as a manifest of its files (see
// src/engines/local/artifacts.ts), each uploaded at `<task>/<name>/<path in the directory>`.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunArtifactRecord } from '../../store/ports/runs.js';
import { MlflowError } from './errors.js';

export interface ArtifactFile {
  /** Path under the MLflow run's artifact root. */
  artifactPath: string;
  /** Where the content is on this machine. */
  source: string;
  size: number;
}

interface ManifestEntry {
  path: string;
  digest: string;
  size: number;
}

export async function artifactFiles(record: RunArtifactRecord): Promise<ArtifactFile[]> {
  const base = `${record.task}/${record.name}`;
  if (record.kind === 'file') return [{ artifactPath: base, source: record.path, size: record.size }];
  let manifest: ManifestEntry[];
  try {
    manifest = JSON.parse(await readFile(record.path, 'utf8')) as ManifestEntry[];
  } catch (error) {
    throw new MlflowError(
      `cannot read the manifest of directory artifact ${base} at ${record.path} (${(error as NodeJS.ErrnoException).code ?? 'not JSON'}); was the data directory cleaned?`,
      { retryable: false, cause: error },
    );
  }
  // Blobs live side by side under sha256/<first two hex digits>/<digest>.
  const root = dirname(dirname(record.path));
  return manifest.map((entry) => ({
    artifactPath: `${base}/${entry.path}`,
    source: join(root, entry.digest.slice(0, 2), entry.digest),
    size: entry.size,
  }));
}

export async function readArtifactFile(file: ArtifactFile): Promise<Buffer> {
  try {
    return await readFile(file.source);
  } catch (error) {
    throw new MlflowError(
      `cannot read artifact ${file.artifactPath} at ${file.source} (${(error as NodeJS.ErrnoException).code ?? 'error'}); was the data directory cleaned?`,
      { retryable: false, cause: error },
    );
  }
}

/**
 * The proxy path of a run's artifact root: `mlflow-artifacts:/1/abc/artifacts` (or with a host,
 * `mlflow-artifacts://host:5000/1/abc/artifacts`) gives `1/abc/artifacts`. Any other scheme means
 * the server hands out direct store locations (s3://, a local path) that tandem cannot write to.
 */
export function proxyRoot(artifactUri: string | undefined): string {
  const match = artifactUri === undefined ? null : /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(artifactUri);
  if (match === null) {
    throw new MlflowError(
      `the MLflow run's artifact location is ${artifactUri ?? 'unset'}, not served by the tracking server; start the server with --serve-artifacts (the default since MLflow 2.0); an experiment keeps the artifact location it was created with, so also use a new experiment (mlflow.experimentPrefix)`,
      { retryable: false },
    );
  }
  return (match[1] ?? '').replace(/\/+$/, '');
}
