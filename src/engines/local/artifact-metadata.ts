// What a task says about an artifact output besides its content: metadata from a sidecar file
// `<path>.metadata.json` (any runner) merged with `{ metadata: {...} }` returned under the
// output's name (node tasks; the returned value wins per key). Typed content is checked here too:
// a ClassificationMetrics file that does not follow its format fails the attempt that wrote it.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { parseClassificationMetrics } from '../../spec/classification-metrics.js';
import { errorMessage } from '../../util/error-message.js';
import { isRecord } from '../../util/is-record.js';

/** Suffix of the sidecar file holding an artifact output's metadata. */
const METADATA_SIDECAR = '.metadata.json';

/** The artifact's metadata or a problem to report; never throws for a task's mistake. */
export type MetadataResult = { ok: true; metadata?: Record<string, unknown> } | { ok: false; problem: string };

export async function artifactMetadata(source: string, type: string, returned: unknown): Promise<MetadataResult> {
  if (type === 'ClassificationMetrics') {
    if ((await stat(source)).isDirectory()) return { ok: false, problem: 'a ClassificationMetrics artifact must be one JSON file, found a directory' };
    try {
      parseClassificationMetrics(await readFile(source, 'utf8'));
    } catch (error) {
      return { ok: false, problem: `ClassificationMetrics: ${errorMessage(error)}` };
    }
  }
  let metadata: Record<string, unknown> | undefined;
  const sidecar = `${source}${METADATA_SIDECAR}`;
  if (existsSync(sidecar)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(sidecar, 'utf8'));
    } catch {
      return { ok: false, problem: `${sidecar} is not JSON; write a JSON object of metadata there, or remove it` };
    }
    if (!isRecord(parsed)) return { ok: false, problem: `${sidecar} must hold a JSON object, found ${Array.isArray(parsed) ? 'a list' : typeof parsed}` };
    metadata = parsed;
  }
  // Anything else a node task returns under an artifact output's name is ignored, as before.
  if (isRecord(returned) && 'metadata' in returned) {
    if (!isRecord(returned.metadata)) return { ok: false, problem: `the returned "metadata" must be an object, found ${JSON.stringify(returned.metadata)}` };
    metadata = { ...metadata, ...returned.metadata };
  }
  return metadata === undefined ? { ok: true } : { ok: true, metadata };
}
