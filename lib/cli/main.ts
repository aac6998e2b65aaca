/**
 * The operator CLI: one entry point (`npm run cli -- <command>`), `--help` on every command,
 * documented exit codes. Each command lives in lib/cli/commands/ and keeps its logic in exported
 * pure functions; this file only wires them and maps errors to exit codes.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load';
import { CliContext, CliIo, EXIT_CODES_HELP, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, PROCESS_IO, UsageError, line } from './context';
import { registerCalendar } from './commands/calendar';
import { registerDiff } from './commands/diff';
import { registerDispatchPayload } from './commands/dispatch-payload';
import { registerEnvForBranch } from './commands/env-for-branch';
import { registerGetImage } from './commands/get-image';
import { registerPlan } from './commands/plan';
import { registerPolarisConfig } from './commands/polaris-config';
import { registerPromote } from './commands/promote';
import { registerRecordVerified } from './commands/record-verified';
import { registerApplyRequests } from './commands/apply-requests';
import { registerRollouts } from './commands/rollouts';
import { registerSetImage } from './commands/set-image';
import { registerValidate } from './commands/validate';

/** The program with every command registered; output and exit codes go through `ctx`. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('cli')
    .usage('<command> [options]   (run as: npm run cli -- <command>)')
    .description('Operate the exam system\'s delivery: validate and compare environments, preview manifest changes, bump image tags, map branches to environments.')
    .exitOverride()
    .configureOutput({ writeOut: ctx.io.out, writeErr: ctx.io.err })
    .showHelpAfterError('(add --help for usage)')
    .helpCommand(true)
    .addHelpText('after', EXIT_CODES_HELP);
  registerValidate(program, ctx);
  registerDiff(program, ctx);
  registerPlan(program, ctx);
  registerSetImage(program, ctx);
  registerGetImage(program, ctx);
  registerEnvForBranch(program, ctx);
  registerRollouts(program, ctx);
  registerCalendar(program, ctx);
  registerPolarisConfig(program, ctx);
  registerDispatchPayload(program, ctx);
  registerRecordVerified(program, ctx);
  registerPromote(program, ctx);
  registerApplyRequests(program, ctx);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export function runCli(argv: readonly string[], io: CliIo = PROCESS_IO): number {
  const ctx: CliContext = { io, exitCode: EXIT_OK };
  const program = buildProgram(ctx);
  try {
    program.parse([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help, `help [command]` and --version exit 0; a missing command shows help and is a usage error.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.err(line(`error: ${err.message}`));
      return EXIT_USAGE;
    }
    // Anything else is a bug or an environment failure (I/O), not the caller's input.
    io.err(line(`error: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
    return EXIT_INTERNAL;
  }
}

/**
 * Stops quietly when the reader of stdout has gone (`cli plan | head -1`): the rest of the
 * output has nowhere to go, and that is not an error of the command.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK);
  });
}

if (require.main === module) {
  exitQuietlyOnClosedPipe();
  process.exitCode = runCli(process.argv.slice(2));
}
