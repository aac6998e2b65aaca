/**
 * `get-image <env> <service>`: prints the image (`<tag>@sha256:<hex>`) a service runs in an environment, as its file
 * says. The release workflow uses it so that a slower, older build never replaces a newer one.
 */
import { Command } from 'commander';
import type { ServiceName } from '../../config/catalog';
import { ConfigError, parseEnvironmentFile } from '../../config/load';
import type { EnvironmentName } from '../../config/schema';
import { CliContext, EXIT_OK, UsageError, environmentArgument, environmentsDirOption, line, serviceArgument, withExitCodes } from '../context';
import { environmentFile } from './set-image';

/** The tag a service runs in an environment, as the file says. */
export function getImage(dir: string, env: EnvironmentName, service: ServiceName): string {
  const { file, text } = environmentFile(dir, env);
  try {
    return parseEnvironmentFile(file, text).services[service].tag;
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`${file} is invalid (run validate):\n${err.message}`);
    throw err;
  }
}

export function registerGetImage(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('get-image')
      .description("Print a service's image (<tag>@sha256:<hex>) in an environment.")
      .addArgument(environmentArgument('env', 'environment'))
      .addArgument(serviceArgument())
      .addOption(environmentsDirOption())
      .action((env: EnvironmentName, service: ServiceName, opts: { environmentsDir: string }) => {
        ctx.io.out(line(getImage(opts.environmentsDir, env, service)));
        ctx.exitCode = EXIT_OK;
      }),
  );
}
