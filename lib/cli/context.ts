/**
 * What every CLI command shares: exit codes, output, errors and the common options. Commands
 * write through `CliIo` (never console or process directly), so tests run them in-process.
 */
import * as path from 'node:path';
import { Argument, Command, Option } from 'commander';
import { SERVICE_NAMES } from '../config/catalog';
import { DEFAULT_ENVIRONMENTS_DIR } from '../config/load';
import { ENVIRONMENT_NAMES } from '../config/schema';

export const EXIT_OK = 0;
/** A check failed, or differences were found and `--exit-code` asked to report them. */
export const EXIT_CHECK_FAILED = 1;
/** Bad arguments, or input the command cannot work with (missing or invalid files). */
export const EXIT_USAGE = 2;
/** An unexpected failure inside the CLI (a bug, or an I/O error): like a failed check, not a usage error. */
export const EXIT_INTERNAL = 1;

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  check failed, or differences found with --exit-code (or an internal error)
  2  usage or input error (bad arguments, missing or invalid files)`;

/** Where output goes. */
export interface CliIo {
  /** Standard output (the command's result). */
  readonly out: (text: string) => void;
  /** Standard error (diagnostics). */
  readonly err: (text: string) => void;
}

export const PROCESS_IO: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** A usage or input error: exit code 2, message printed as `error: <message>`. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Shared state of one CLI run: where output goes and the exit code the action chose. */
export interface CliContext {
  readonly io: CliIo;
  exitCode: number;
}

/** The repository's dist/ (the committed manifests). */
export const DEFAULT_DIST_DIR = path.resolve(__dirname, '..', '..', 'dist');

/** `--environments-dir <dir>`: tests and experiments point commands at a copy of environments/. */
export function environmentsDirOption(): Option {
  return new Option('--environments-dir <dir>', 'folder of environment files').default(DEFAULT_ENVIRONMENTS_DIR, 'the repository\'s environments/');
}

export function environmentArgument(name: string, description: string, required = true): Argument {
  return new Argument(required ? `<${name}>` : `[${name}]`, description).choices(ENVIRONMENT_NAMES);
}

export function serviceArgument(): Argument {
  return new Argument('<service>', 'service name').choices(SERVICE_NAMES);
}

/** Adds the exit-code section to a command's --help. */
export function withExitCodes(cmd: Command): Command {
  return cmd.addHelpText('after', EXIT_CODES_HELP);
}

/** Ensures text ends with exactly one newline. */
export function line(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
