/**
 * `promote <from> <to> [--service <name>]...`: copies the images (tag and digest) of the named
 * services (every service when none is named) from <from> to <to>, but only digests the ledger
 * of <from> lists as verified. One unverified digest refuses the whole promotion (exit 1), names
 * every unverified one, and writes nothing. Prints what changed.
 */
import { Command, Option } from 'commander';
import { SERVICE_NAMES, ServiceName } from '../../config/catalog';
import { ConfigError, parseEnvironmentFile } from '../../config/load';
import { loadLedger, verification } from '../../config/ledger';
import { VERIFYING_ENVIRONMENTS } from '../../config/release-loop';
import type { EnvironmentName } from '../../config/schema';
import { parseImageVersion } from '../../rules/image-ref';
import { CliContext, EXIT_CHECK_FAILED, EXIT_OK, UsageError, environmentArgument, environmentsDirOption, line, withExitCodes } from '../context';
import { ImageChange, environmentFile, writeImages } from './set-image';

export type PromoteResult =
  | { readonly refused: false; readonly changes: readonly ImageChange[] }
  | { readonly refused: true; readonly unverified: readonly { readonly service: ServiceName; readonly image: string }[] };

export function promote(dir: string, from: EnvironmentName, to: EnvironmentName, services: readonly string[]): PromoteResult {
  if (from === to) throw new UsageError(`promote ${from} ${to}: expected two different environments`);
  if (!VERIFYING_ENVIRONMENTS.includes(from)) throw new UsageError(`${from} verifies nothing; expected a source among ${VERIFYING_ENVIRONMENTS.join(', ')}`);
  const unknown = services.filter((s) => !(SERVICE_NAMES as readonly string[]).includes(s));
  if (unknown.length > 0) throw new UsageError(`unknown service ${unknown.join(', ')}; expected one of ${SERVICE_NAMES.join(', ')}`);
  const selected = (services.length === 0 ? SERVICE_NAMES : [...new Set(services)]) as readonly ServiceName[];
  const { file, text } = environmentFile(dir, from);
  let source;
  let ledger;
  try {
    source = parseEnvironmentFile(file, text);
    ledger = loadLedger(dir, from);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid input (run validate):\n${err.message}`);
    throw err;
  }
  const images = new Map(selected.map((s) => [s, source.services[s].tag]));
  const unverified = [...images].filter(([s, image]) => {
    const digest = parseImageVersion(image).digest;
    return digest === undefined || verification(ledger, s, digest) === undefined;
  });
  if (unverified.length > 0) return { refused: true, unverified: unverified.map(([service, image]) => ({ service, image })) };
  return { refused: false, changes: writeImages(dir, to, images) };
}

export function registerPromote(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('promote')
      .description('Copy verified images (tag and digest) from one environment to another; refuses, writing nothing, when any selected digest is not verified.')
      .addArgument(environmentArgument('from', 'the environment whose verified images are copied'))
      .addArgument(environmentArgument('to', 'the environment to change'))
      .addOption(new Option('--service <name>', 'a service to promote (repeatable; default: every service)').argParser((v: string, prev: string[] = []) => [...prev, v]))
      .addOption(environmentsDirOption())
      .action((from: EnvironmentName, to: EnvironmentName, opts: { service?: string[]; environmentsDir: string }) => {
        const r = promote(opts.environmentsDir, from, to, opts.service ?? []);
        if (r.refused) {
          ctx.io.err(line(`refused: ${to} takes only digests verified in ${from}; nothing written. Not verified:\n${r.unverified.map((u) => `  ${u.service}: ${u.image} (record it with: record-verified ${from} ${u.service} ${parseImageVersion(u.image).digest ?? '<digest>'})`).join('\n')}`));
          ctx.exitCode = EXIT_CHECK_FAILED;
          return;
        }
        ctx.io.out(line(r.changes.length === 0 ? `${to}: already runs these images from ${from}; nothing to change` : r.changes.map((c) => `${to}: ${c.service} ${c.previous} → ${c.image}`).join('\n')));
        ctx.exitCode = EXIT_OK;
      }),
  );
}
