/**
 * `apply-requests <queue> --requests-dir <dir>`: what the release workflow's render job runs.
 * Applies every pending request of a queue (`<dir>/<queue>/<service>.json`, written by the
 * record job from `dispatch-payload` output) to the environment files, with the same commands a
 * person runs: `record-verified`, `set-image`, `promote`. The production queue first applies the
 * pending ledger entries of every verifying environment, so a promotion never waits on the
 * ledger's own pull request. Prints the pull request's body (markdown); `--meta` writes what the
 * pull-request job needs: the title, whether it merges on its own, and the requests main already
 * satisfies (the queue drops them).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Argument, Command, Option } from 'commander';
import { z } from 'zod';
import { SERVICE_NAMES } from '../../config/catalog';
import { AUTO_MERGE_ENVIRONMENTS, PROMOTION_TARGET, VERIFYING_ENVIRONMENTS } from '../../config/release-loop';
import { ENVIRONMENT_NAMES, EnvironmentName } from '../../config/schema';
import { CliContext, EXIT_OK, UsageError, environmentsDirOption, line, withExitCodes } from '../context';
import { ReleaseRequest, ledgerQueue } from './dispatch-payload';
import { promote } from './promote';
import { recordVerified } from './record-verified';
import { setImage } from './set-image';

const env = z.enum(ENVIRONMENT_NAMES);
const svc = z.enum(SERVICE_NAMES);
const requestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('set-image'), queue: env, environment: env, service: svc, image: z.string(), source: z.string() }),
  z.strictObject({ kind: z.literal('record-verified'), queue: z.string(), environment: env, service: svc, digest: z.string(), at: z.string(), evidence: z.string() }),
  z.strictObject({ kind: z.literal('promote'), queue: env, from: env, to: env, service: svc }),
]);

/** Every queue name the workflow may render. */
export const QUEUES: readonly string[] = [...ENVIRONMENT_NAMES, ...VERIFYING_ENVIRONMENTS.map(ledgerQueue)];

export interface Outcome {
  /** The request file, relative to the requests folder. */
  readonly file: string;
  readonly request: ReleaseRequest;
  readonly result: 'changed' | 'satisfied' | 'refused';
  readonly detail: string;
}

export interface ApplyResult {
  readonly title: string;
  readonly autoMerge: boolean;
  readonly outcomes: readonly Outcome[];
}

function readRequests(dir: string, queue: string): { file: string; request: ReleaseRequest }[] {
  const folder = path.join(dir, queue);
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((f) => /^[a-z0-9-]+\.json$/.test(f))
    .sort()
    .map((f) => {
      const file = `${queue}/${f}`;
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(path.join(folder, f), 'utf8'));
      } catch (err) {
        throw new UsageError(`${file}: not valid JSON: ${(err as Error).message}`);
      }
      const r = requestSchema.safeParse(raw);
      if (!r.success) throw new UsageError(`${file}: not a release request: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (r.data.queue !== queue || `${r.data.service}.json` !== f) throw new UsageError(`${file}: expected queue "${queue}" and file <service>.json, found queue "${r.data.queue}" and service "${r.data.service}"`);
      return { file, request: r.data as ReleaseRequest };
    });
}

function applyOne(environmentsDir: string, request: ReleaseRequest): { result: Outcome['result']; detail: string } {
  try {
    switch (request.kind) {
      case 'record-verified': {
        const r = recordVerified(environmentsDir, request.environment, request.service, request.digest, request.at, request.evidence);
        return { result: r.changed ? 'changed' : 'satisfied', detail: `${request.environment} ledger: ${request.service} ${request.digest} (${request.evidence})` };
      }
      case 'set-image': {
        const r = setImage(environmentsDir, request.environment, request.service, request.image);
        return { result: r.changed ? 'changed' : 'satisfied', detail: `${request.environment}: ${request.service} ${r.previous} → ${request.image} (from ${request.source})` };
      }
      case 'promote': {
        const r = promote(environmentsDir, request.from, request.to, [request.service]);
        if (r.refused) return { result: 'refused', detail: `${request.to}: ${request.service} ${r.unverified[0].image} is not verified in ${request.from}; waiting` };
        const c = r.changes[0];
        return { result: c === undefined ? 'satisfied' : 'changed', detail: c === undefined ? `${request.to}: ${request.service} already runs ${request.from}'s image` : `${request.to}: ${request.service} ${c.previous} → ${c.image} (verified in ${request.from})` };
      }
    }
  } catch (err) {
    if (err instanceof UsageError) return { result: 'refused', detail: `${request.service}: ${err.message.split('\n')[0]}` };
    throw err;
  }
}

export function applyRequests(queue: string, requestsDir: string, environmentsDir: string): ApplyResult {
  if (!QUEUES.includes(queue)) throw new UsageError(`unknown queue "${queue}"; expected one of ${QUEUES.join(', ')}`);
  const pending = [
    ...(queue === PROMOTION_TARGET ? VERIFYING_ENVIRONMENTS.flatMap((e) => readRequests(requestsDir, ledgerQueue(e))) : []),
    ...readRequests(requestsDir, queue),
  ];
  // Ledger entries first: a promotion in the same pass may need them.
  const order = (r: ReleaseRequest) => (r.kind === 'record-verified' ? 0 : 1);
  pending.sort((a, b) => order(a.request) - order(b.request) || (a.file < b.file ? -1 : 1));
  const outcomes = pending.map(({ file, request }) => ({ file, request, ...applyOne(environmentsDir, request) }));
  const changed = [...new Set(outcomes.filter((o) => o.result === 'changed' && o.request.queue === queue).map((o) => o.request.service))];
  const ledger = queue.startsWith('verified-');
  const target = (ledger ? queue.slice('verified-'.length) : queue) as EnvironmentName;
  return {
    title: ledger ? `verified(${target}): ${changed.join(', ') || 'nothing new'}` : `release(${queue}): ${changed.join(', ') || 'nothing new'}`,
    autoMerge: ledger || AUTO_MERGE_ENVIRONMENTS.includes(target),
    outcomes,
  };
}

export function pullRequestBody(queue: string, r: ApplyResult): string {
  const rows = r.outcomes.map((o) => `| \`${o.file}\` | ${o.request.kind} | ${o.result} | ${o.detail.replace(/\|/g, '\\|')} |`);
  return [
    `## ${r.title}`,
    '',
    r.autoMerge ? 'Merges on its own once the checks pass.' : `Needs a review by the code owners of ${queue}.`,
    '',
    '| request | kind | result | detail |',
    '|---|---|---|---|',
    ...(rows.length > 0 ? rows : ['| (none) | | | |']),
    '',
  ].join('\n');
}

export function registerApplyRequests(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('apply-requests')
      .description("Apply a queue's pending release requests to the environment files; print the pull request body.")
      .addArgument(new Argument('<queue>', 'the queue').choices(QUEUES))
      .requiredOption('--requests-dir <dir>', 'the checked-out queue branch')
      .addOption(new Option('--queue-commit <sha>', 'the queue branch commit the requests were read from'))
      .addOption(new Option('--meta <file>', 'write the title, auto-merge and the satisfied requests as JSON'))
      .addOption(environmentsDirOption())
      .action((queue: string, opts: { requestsDir: string; queueCommit?: string; meta?: string; environmentsDir: string }) => {
        if (!fs.existsSync(opts.requestsDir)) throw new UsageError(`${opts.requestsDir}: not found; expected the checked-out queue`);
        const r = applyRequests(queue, opts.requestsDir, opts.environmentsDir);
        ctx.io.out(line(pullRequestBody(queue, r)));
        if (opts.meta !== undefined) {
          const own = r.outcomes.filter((o) => o.request.queue === queue);
          const meta = {
            queue,
            queueCommit: opts.queueCommit ?? '',
            title: r.title,
            autoMerge: r.autoMerge,
            satisfied: own.filter((o) => o.result === 'satisfied').map((o) => o.file),
            requests: Object.fromEntries(own.map((o) => [o.file, o.request])),
          };
          fs.writeFileSync(opts.meta, `${JSON.stringify(meta, null, 2)}\n`);
        }
        ctx.exitCode = EXIT_OK;
      }),
  );
}
