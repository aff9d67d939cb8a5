// tandem compare RUN RUN... | --experiment NAME: the params that differ and the final metrics of
// runs side by side, the best value per metric starred by its declared direction; --best METRIC
// sorts the runs best first and names the winner. See docs/tracking.md.
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { compareRuns } from '../../tracking/compare.js';
import { comparisonCsv, comparisonFooter, comparisonTable } from '../../tracking/compare-format.js';
import { compareInputs, DEFAULT_COMPARE_LIMIT, loadExperimentRuns, loadRunsForCompare } from '../../tracking/compare-source.js';
import { checkExperimentName } from '../../tracking/experiments.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatTable } from '../format/table.js';
import { writeJson, writeLine } from '../io.js';
import { withStore } from '../runtime.js';
import { positiveInt } from './options.js';

interface CompareOptions {
  experiment?: string;
  best?: string;
  limit: number;
  allParams?: boolean;
  json?: boolean;
  csv?: boolean;
}

export function registerCompare(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('compare')
    .description('compare runs: params that differ and final metrics side by side, best values marked')
    .argument('[runs...]', 'run ids (two or more), or none with --experiment')
    .option('--experiment <name>', "compare an experiment's runs (newest --limit of them)")
    .option('--best <metric>', 'sort runs best first by this metric and name the winner (max assumed if undeclared)')
    .addOption(new Option('--limit <n>', 'with --experiment: at most this many runs').argParser(positiveInt('--limit')).default(DEFAULT_COMPARE_LIMIT))
    .option('--all-params', 'show every param, not only those that differ')
    .addOption(new Option('--json', 'print the comparison as JSON').conflicts('csv'))
    .option('--csv', 'print the comparison as CSV (one column per run)')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem compare train-lx2k9a0b1c2d3 train-lx2k9b7d8e9f0
  $ tandem compare --experiment churn --best accuracy
  $ tandem compare --experiment churn --csv > churn.csv
  $ tandem compare --experiment churn --json | jq '.best'

A metric's final value is its value at the last step. Directions come from the workflow's
metrics: section (max: higher is better, min: lower is better).`,
    )
    .action(async (runIds: string[], options: CompareOptions, command: Command) => {
      const config = await ctx.config(command);
      if (options.experiment === undefined && runIds.length < 2) {
        throw new UsageError('give two or more run ids, or --experiment NAME (tandem runs --json lists runs)');
      }
      if (options.experiment !== undefined && runIds.length > 0) {
        throw new UsageError('give run ids or --experiment, not both');
      }
      const comparison = await withStore(ctx.services, config, async (store) => {
        const runs =
          options.experiment !== undefined
            ? await loadExperimentRuns(store, checkExperimentName(options.experiment), options.limit)
            : await loadRunsForCompare(store, runIds);
        return compareRuns(await compareInputs(store, runs), options.best !== undefined ? { best: options.best } : {});
      });
      if (options.json) writeJson(ctx.io.stdout, comparison);
      else if (options.csv) ctx.io.stdout.write(comparisonCsv(comparison));
      else {
        const table = comparisonTable(comparison, { allParams: options.allParams === true });
        const title = options.experiment !== undefined ? `experiment ${options.experiment}: ` : '';
        writeLine(ctx.io.stdout, `${title}${comparison.runs.length} runs`);
        writeLine(ctx.io.stdout, formatTable(table.header.map((header) => ({ header })), table.rows));
        for (const line of comparisonFooter(comparison)) writeLine(ctx.io.stdout, line);
      }
      setExit(EXIT.ok);
    });
}
