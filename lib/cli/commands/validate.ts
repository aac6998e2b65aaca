/**
 * `validate [env]`: schema-check one or all environment files (all: and the exam calendar),
 * including the rules that span environments (the configuration-management `validate`; see docs/decisions.md, 'Operator CLI
 * commands').
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { ConfigError, loadEnvironments, parseEnvironmentFile } from '../../config/load';
import { ledgerFile, loadLedger } from '../../config/ledger';
import { VERIFYING_ENVIRONMENTS } from '../../config/release-loop';
import type { EnvironmentName } from '../../config/schema';
import { CliContext, EXIT_CHECK_FAILED, EXIT_OK, UsageError, environmentArgument, environmentsDirOption, line, withExitCodes } from '../context';

export interface ValidateResult {
  readonly exitCode: number;
  /** One line per valid environment. */
  readonly valid: readonly string[];
  /** Every problem found, each naming file, field and expectation. */
  readonly problems: readonly string[];
}

/** Whether a problem line involves `name`'s file: it starts with that file, or names it (a clash between two files). */
function isAbout(problem: string, name: string): boolean {
  const file = `${name}.yaml`;
  return new RegExp(`(^|[\\s/\\\\])${file.replace(/\./g, '\\.')}($|[\\s:;,)])`).test(problem);
}

/** Validates every environment file in `dir`, or only `only` (still checked against the others). */
export function validateEnvironments(dir: string, only?: EnvironmentName): ValidateResult {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`${dir}: not a folder; expected the folder of environment files`);
  if (only !== undefined) {
    const file = path.join(dir, `${only}.yaml`);
    if (!fs.existsSync(file)) return { exitCode: EXIT_CHECK_FAILED, valid: [], problems: [`${file}: missing; expected the ${only} environment file`] };
    try {
      parseEnvironmentFile(file);
    } catch (err) {
      if (err instanceof ConfigError) return { exitCode: EXIT_CHECK_FAILED, valid: [], problems: err.problems };
      throw err;
    }
  }
  try {
    const envs = loadEnvironments(dir).filter((e) => only === undefined || e.name === only);
    const valid = envs.map((e) => `${e.file}: valid (namespace ${e.namespace}, ${e.services.length} services, ${e.gitops ? `Argo CD tracks ${e.gitops.targetRevision}` : 'not deployed'})`);
    const calendar = envs[0]?.calendar;
    if (only === undefined && calendar !== undefined) {
      valid.push(`${calendar.file}: valid (${calendar.sessions.length} exam sessions, checked from ${calendar.horizon.from} to ${calendar.horizon.until})`);
    }
    // The ledgers of verified digests (environments/verified/<env>.yaml), which promote reads.
    const ledgerProblems: string[] = [];
    for (const env of VERIFYING_ENVIRONMENTS.filter((e) => only === undefined || e === only)) {
      try {
        const ledger = loadLedger(dir, env);
        const count = Object.values(ledger.verified).reduce((n, entries) => n + (entries?.length ?? 0), 0);
        if (fs.existsSync(ledgerFile(dir, env))) valid.push(`${ledgerFile(dir, env)}: valid (${count} verified digest${count === 1 ? '' : 's'})`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        ledgerProblems.push(...err.problems);
      }
    }
    if (ledgerProblems.length > 0) return { exitCode: EXIT_CHECK_FAILED, valid: [], problems: ledgerProblems };
    return { exitCode: EXIT_OK, valid, problems: [] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const problems = only === undefined ? err.problems : err.problems.filter((p) => isAbout(p, only));
    // Another file's problems do not make this one invalid; say that it is valid on its own.
    if (problems.length === 0 && only !== undefined) {
      return { exitCode: EXIT_OK, valid: [`${path.join(dir, `${only}.yaml`)}: valid (other environment files have problems; run validate without an argument)`], problems: [] };
    }
    return { exitCode: EXIT_CHECK_FAILED, valid: [], problems };
  }
}

export function registerValidate(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('validate')
      .description('Schema-check one or all environment files (and the rules across environments).')
      .addArgument(environmentArgument('env', 'environment to check (default: all)', false))
      .addOption(environmentsDirOption())
      .action((env: EnvironmentName | undefined, opts: { environmentsDir: string }) => {
        const result = validateEnvironments(opts.environmentsDir, env);
        for (const v of result.valid) ctx.io.out(line(v));
        if (result.problems.length > 0) {
          ctx.io.err(line(`invalid configuration (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}):`));
          for (const p of result.problems) ctx.io.err(line(`  ${p}`));
        }
        ctx.exitCode = result.exitCode;
      }),
  );
}
