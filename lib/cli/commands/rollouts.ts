/**
 * `rollouts`: the timing table of every Argo Rollout (lib/analysis/rollout-timing.ts): steps,
 * release time, worst-case time from a regression to the abort, and whether the analysis covers
 * the whole release; `--exit-code` fails on a gap or a worst case above the release promise
 * (MAX_REGRESSION_TO_ABORT_SECONDS).
 */
import { Command, Option } from 'commander';
import { analyzeRollouts, formatRolloutTable } from '../../analysis/rollout-timing';
import { ConfigError } from '../../config/load';
import { synthObjects } from '../../synth';
import { CliContext, EXIT_CHECK_FAILED, EXIT_OK, UsageError, environmentsDirOption, withExitCodes } from '../context';

export function rolloutReport(environmentsDir: string): { readonly table: string; readonly uncovered: number } {
  let objects;
  try {
    objects = synthObjects({ environmentsDir }).objects.map((o) => o.object);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`cannot synthesize: invalid configuration (run validate)\n${err.message}`);
    throw err;
  }
  const rows = analyzeRollouts(objects);
  return {
    table: rows.length === 0 ? 'No Rollouts: every service uses a rolling Deployment.\n' : formatRolloutTable(rows),
    uncovered: rows.filter((r) => !r.coversWholeRelease || !r.meetsAbortBound).length,
  };
}

export function registerRollouts(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('rollouts')
      .description('Print the timing table of every Argo Rollout: steps, release time, worst-case abort time, and analysis coverage.')
      .addOption(new Option('--exit-code', 'exit with 1 when an analysis does not cover its whole release or a worst-case abort exceeds the bound'))
      .addOption(environmentsDirOption())
      .action((opts: { exitCode?: boolean; environmentsDir: string }) => {
        const { table, uncovered } = rolloutReport(opts.environmentsDir);
        ctx.io.out(table);
        ctx.exitCode = uncovered > 0 && opts.exitCode === true ? EXIT_CHECK_FAILED : EXIT_OK;
      }),
  );
}
