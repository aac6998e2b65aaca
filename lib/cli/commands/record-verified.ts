/**
 * `record-verified <env> <service> <sha256:hex>`: records in the ledger
 * (environments/verified/<env>.yaml) that this digest of the service ran healthy in <env>, with
 * when and on what evidence. Idempotent: a digest already recorded is left as it was. Written
 * under the ledger's lock through a temporary file, like every environment file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Argument, Command, Option } from 'commander';
import { isMap, isSeq, parseDocument } from 'yaml';
import type { ServiceName } from '../../config/catalog';
import { ConfigError } from '../../config/load';
import { LedgerEntry, emptyLedger, ledgerFile, parseLedger, verification } from '../../config/ledger';
import { VERIFYING_ENVIRONMENTS } from '../../config/release-loop';
import type { EnvironmentName } from '../../config/schema';
import { digestProblem } from '../../rules/image-ref';
import { updateFileAtomic } from '../../io/atomic-file';
import { utcNow } from './dispatch-payload';
import { CliContext, EXIT_OK, UsageError, environmentsDirOption, line, serviceArgument, withExitCodes } from '../context';

/** The ledger text with `entry` appended under the service; comments and order kept. */
export function appendEntry(text: string, service: ServiceName, entry: LedgerEntry): string {
  const doc = parseDocument(text);
  const verified = doc.get('verified', true);
  if (!isMap(verified)) throw new Error('ledger: verified: expected a map');
  verified.flow = false;
  const list = verified.get(service, true);
  const node = doc.createNode({ digest: entry.digest, at: entry.at, evidence: entry.evidence });
  if (isSeq(list)) list.items.push(node);
  else verified.set(service, doc.createNode([node]));
  return doc.toString({ lineWidth: 0 });
}

export interface RecordResult {
  readonly file: string;
  readonly changed: boolean;
  readonly entry: LedgerEntry;
}

/** Validates and records; a digest already in the ledger is not recorded twice. */
export function recordVerified(dir: string, env: EnvironmentName, service: ServiceName, digest: string, at: string, evidence: string): RecordResult {
  if (!VERIFYING_ENVIRONMENTS.includes(env)) throw new UsageError(`${env} does not verify releases; expected ${VERIFYING_ENVIRONMENTS.join(' or ')}`);
  if (digestProblem(digest) !== undefined) throw new UsageError(`invalid digest "${digest}": expected sha256:<64 lowercase hex>`);
  if (Number.isNaN(Date.parse(at)) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(at)) throw new UsageError(`invalid time "${at}": expected RFC 3339 UTC, e.g. 2026-12-01T10:00:00Z`);
  if (evidence.trim() === '' || evidence.includes('\n')) throw new UsageError('invalid evidence: expected one non-empty line');
  const file = ledgerFile(dir, env);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let entry: LedgerEntry = { digest, at, evidence };
  let invalid: ConfigError | undefined;
  let changed = false;
  updateFileAtomic(file, (text) => {
    const current = text ?? emptyLedger(env);
    try {
      const existing = verification(parseLedger(file, current, env), service, digest);
      if (existing !== undefined) {
        entry = existing;
        return undefined;
      }
    } catch (err) {
      if (err instanceof ConfigError) {
        invalid = err;
        return undefined;
      }
      throw err;
    }
    const next = appendEntry(current, service, entry);
    parseLedger(file, next, env);
    changed = true;
    return next;
  });
  if (invalid !== undefined) throw new UsageError(`${file} is invalid; not written:\n${invalid.message}`);
  return { file, changed, entry };
}

export function registerRecordVerified(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('record-verified')
      .description(`Record in environments/verified/<env>.yaml that a digest ran healthy in ${VERIFYING_ENVIRONMENTS.join(' or ')} (idempotent).`)
      .addArgument(new Argument('<env>', 'the environment it ran in').choices(VERIFYING_ENVIRONMENTS))
      .addArgument(serviceArgument())
      .addArgument(new Argument('<digest>', 'sha256:<64 lowercase hex>'))
      .addOption(new Option('--at <time>', 'when the evidence was reported, RFC 3339 UTC (default: now)'))
      .addOption(new Option('--evidence <text>', 'what showed it healthy').default('recorded by hand with cli record-verified'))
      .addOption(environmentsDirOption())
      .action((env: EnvironmentName, service: ServiceName, digest: string, opts: { at?: string; evidence: string; environmentsDir: string }) => {
        const r = recordVerified(opts.environmentsDir, env, service, digest, opts.at ?? utcNow(), opts.evidence);
        ctx.io.out(line(r.changed ? `${env}: recorded ${service} ${digest} as verified (${path.relative(opts.environmentsDir, r.file)})` : `${env}: ${service} ${digest} was already recorded at ${r.entry.at}; nothing to change`));
        ctx.exitCode = EXIT_OK;
      }),
  );
}
