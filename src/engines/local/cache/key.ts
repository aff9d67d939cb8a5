// The cache key: sha256 over the canonical JSON of everything that decides a task's result, and
// nothing that does not. In: the runner (normalized, so an absent default and the default itself
// are the same), files it names (by content), the image, the resolved inputs with artifacts as
// their content digests, the values its templates reference, the forEach item, the output
// declarations, and the cache block's version and extra key values. Out: the task's name, the
// run, the workflow, retry/timeout/when and descriptions — so a key is shared across runs and
// workflows. See docs/caching.md.
import { canonicalJson, sha256Hex } from './canonical.js';

/** Bumped when what goes into a key changes, so keys of an older tandem never match by accident. */
const CACHE_KEY_SCHEME = 'tandem-cache/1';

export interface KeyIngredients {
  /** The runner's fields, normalized, with `kind` (process, script or node). */
  runner: Record<string, unknown>;
  /** Content digests of files named by the runner (module, command, arguments), by path as written. */
  files: Record<string, string>;
  /** The task's image (or defaults.image), when given. */
  image?: string;
  /** Resolved inputs: params after templates; artifacts as `{ artifact: { digest, kind } }`. */
  inputs: Record<string, unknown>;
  /** Values the runner's templates reference (`params.n`, `tasks.prep.outputs.rows`...). */
  references: Record<string, unknown>;
  /** Present for a forEach iteration: the item, which the task also sees as $TANDEM_ITEM. */
  item?: { value: unknown };
  /** Output declarations without their descriptions. */
  outputs: Record<string, unknown>;
  version?: string;
  /** The cache block's `key` values, rendered. */
  extra: unknown[];
}

/** The key: 64 hex digits. */
export function cacheKey(ingredients: KeyIngredients): string {
  return sha256Hex(canonicalJson({ scheme: CACHE_KEY_SCHEME, ...ingredients }));
}
