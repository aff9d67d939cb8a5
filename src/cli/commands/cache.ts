// tandem cache ls | rm | prune: inspect and trim the embedded engine's component cache. Entries
// only point at artifacts in the content-addressed store; removing an entry never deletes
// artifact content (runs may still refer to it), it only makes the next run of the task execute.
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { NotFoundError, UsageError } from '../../errors.js';
import { durationMs } from '../../spec/duration.js';
import type { CacheEntryFilter, CacheEntryRecord, CacheStore } from '../../store/ports/cache.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatBytes, formatTimestamp } from '../format/duration.js';
import { formatTable } from '../format/table.js';
import { writeJson, writeLine } from '../io.js';
import { withStore } from '../runtime.js';
import { positiveInt } from './options.js';

const KEY_PREFIX = /^[0-9a-f]{6,64}$/;

interface LsOptions {
  workflow?: string;
  limit?: number;
  json?: boolean;
}

export function registerCache(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const cache = program
    .command('cache')
    .description('list, remove and prune cached task results (tasks with a `cache` block)')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem cache ls
  $ tandem cache rm 3d7fd1a78c4d
  $ tandem cache prune --older-than 7d

A task is cached when it (or defaults) has a cache block; see docs/caching.md.
\`tandem run --no-cache\` runs every task and refreshes the cache.`,
    );

  cache
    .command('ls')
    .description('list cache entries, newest first')
    .option('--workflow <name>', 'only entries produced by runs of this workflow')
    .addOption(new Option('--limit <n>', 'at most this many entries').argParser(positiveInt('--limit')))
    .option('--json', 'print the entries as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem cache ls
  $ tandem cache ls --workflow ml-training --limit 10
  $ tandem cache ls --json | jq '.[] | select(.hits == 0) | .key'`,
    )
    .action(async (options: LsOptions, command: Command) => {
      const config = await ctx.config(command);
      const filter: CacheEntryFilter = {};
      if (options.workflow !== undefined) filter.workflow = options.workflow;
      if (options.limit !== undefined) filter.limit = options.limit;
      const entries = await withStore(ctx.services, config, (store) => store.listCacheEntries(filter));
      if (options.json) writeJson(ctx.io.stdout, entries);
      else if (entries.length === 0) writeLine(ctx.io.stdout, 'no cache entries');
      else writeLine(ctx.io.stdout, formatEntries(entries));
      setExit(EXIT.ok);
    });

  cache
    .command('rm')
    .description('remove cache entries by key (or a unique prefix of at least 6 hex digits, as `cache ls` shows)')
    .argument('<key...>', 'cache keys or key prefixes')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem cache rm 3d7fd1a78c4d
  $ tandem cache rm 3d7fd1a78c4d a91023cc316e

Exit status 3 when a key matches no entry (nothing is removed), 2 when a prefix matches several.`,
    )
    .action(async (keys: string[], _options: unknown, command: Command) => {
      const config = await ctx.config(command);
      const removed = await withStore(ctx.services, config, async (store) => store.deleteCacheEntries(await resolveKeys(store, keys)));
      writeLine(ctx.io.stdout, `removed ${removed} cache entr${removed === 1 ? 'y' : 'ies'}`);
      setExit(EXIT.ok);
    });

  cache
    .command('prune')
    .description('remove cache entries created longer ago than a duration')
    .addOption(new Option('--older-than <duration>', 'e.g. 12h, 7d, 30m').argParser(parseDuration).makeOptionMandatory())
    .addHelpText(
      'after',
      `
Examples:
  $ tandem cache prune --older-than 7d
  $ tandem cache prune --older-than 1h30m`,
    )
    .action(async (options: { olderThan: number }, command: Command) => {
      const config = await ctx.config(command);
      const cutoff = Date.now() - options.olderThan;
      const removed = await withStore(ctx.services, config, (store) => store.pruneCacheEntries(cutoff));
      writeLine(ctx.io.stdout, `removed ${removed} cache entr${removed === 1 ? 'y' : 'ies'} created before ${formatTimestamp(cutoff)}`);
      setExit(EXIT.ok);
    });
}

function parseDuration(value: string): number {
  try {
    return durationMs(value.trim());
  } catch {
    throw new InvalidArgumentError(`expected a duration such as 30m, 12h or 7d, got ${JSON.stringify(value)}`);
  }
}

/** Full keys for the given keys or prefixes; every one must match exactly one entry. */
async function resolveKeys(store: CacheStore, given: readonly string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const raw of given) {
    const prefix = raw.trim().toLowerCase();
    if (!KEY_PREFIX.test(prefix)) throw new UsageError(`${JSON.stringify(raw)} is not a cache key: expected 6 to 64 hex digits, as \`tandem cache ls\` shows`);
    const matches = await store.listCacheEntries({ keyPrefix: prefix, limit: 2 });
    if (matches.length === 0) throw new NotFoundError('cache entry', raw);
    if (matches.length > 1) throw new UsageError(`cache key prefix ${raw} matches several entries; give more digits (see \`tandem cache ls\`)`);
    keys.push(matches[0]!.key);
  }
  return keys;
}

function formatEntries(entries: readonly CacheEntryRecord[]): string {
  const rows = entries.map((entry) => {
    const outputs = Object.values(entry.outputs);
    const bytes = outputs.reduce((sum, output) => sum + (output.kind === 'artifact' ? output.artifact.size : 0), 0);
    return [
      entry.key.slice(0, 12),
      entry.workflow,
      entry.task,
      entry.runId,
      formatTimestamp(entry.createdAt),
      String(entry.hits),
      Object.keys(entry.outputs).join(',') || '-',
      formatBytes(bytes),
    ];
  });
  const columns = [
    { header: 'KEY' },
    { header: 'WORKFLOW' },
    { header: 'TASK' },
    { header: 'RUN' },
    { header: 'CREATED' },
    { header: 'HITS', align: 'right' as const },
    { header: 'OUTPUTS' },
    { header: 'ARTIFACTS', align: 'right' as const },
  ];
  return formatTable(columns, rows);
}
