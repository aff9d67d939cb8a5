// tandem lineage ARTIFACT|RUN: where an artifact came from and where it went — the task runs that
// produced and consumed it, with the params and artifacts they consumed — up to --depth task runs
// away in each direction. See docs/tracking.md.
import type { Command } from 'commander';
import { Option } from 'commander';
import { buildLineage, DEFAULT_LINEAGE_DEPTH } from '../../tracking/lineage.js';
import { formatLineage } from '../../tracking/lineage-format.js';
import { resolveLineageRoot } from '../../tracking/lineage-root.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { writeJson, writeLine } from '../io.js';
import { withStore } from '../runtime.js';
import { positiveInt } from './options.js';

interface LineageOptions {
  depth: number;
  upstream?: boolean;
  downstream?: boolean;
  json?: boolean;
}

export function registerLineage(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('lineage')
    .description('show where an artifact came from and where it went (or the lineage of a run or task run)')
    .argument('<ref>', 'artifact digest or prefix (6+ hex digits), RUN/TASK/OUTPUT, RUN/TASK, or RUN')
    .addOption(new Option('--depth <n>', 'how many task runs away to follow, each way').argParser(positiveInt('--depth')).default(DEFAULT_LINEAGE_DEPTH))
    .addOption(new Option('--upstream', 'only where it came from').conflicts('downstream'))
    .option('--downstream', 'only where it went')
    .option('--json', 'print the graph as JSON: root, tasks, artifacts, edges')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem lineage 3f2a9c1b2d4e                  # an artifact, by digest prefix
  $ tandem lineage train-lx2k9a0b1c2d3/train/model --upstream
  $ tandem lineage train-lx2k9a0b1c2d3 --json | jq '.edges'
  $ tandem lineage train-lx2k9a0b1c2d3/prepare --downstream --depth 1

Digests are listed by \`tandem show RUN\` (column SHA256).`,
    )
    .action(async (ref: string, options: LineageOptions, command: Command) => {
      const config = await ctx.config(command);
      const direction = options.upstream ? 'upstream' : options.downstream ? 'downstream' : 'both';
      const graph = await withStore(ctx.services, config, async (store) =>
        buildLineage(store, await resolveLineageRoot(store, ref), { depth: options.depth, direction }),
      );
      if (options.json) writeJson(ctx.io.stdout, graph);
      else for (const line of formatLineage(graph)) writeLine(ctx.io.stdout, line);
      setExit(EXIT.ok);
    });
}
