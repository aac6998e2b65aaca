/**
 * `dispatch-payload <type> [--event <file>]`: validates the event that started the release
 * workflow and turns it into the requests to record. The workflow passes only the event file's
 * path (`$GITHUB_EVENT_PATH`); no payload value is ever interpolated into a shell command.
 *
 * Types: `image-published` and `rollout-verified` read `client_payload` (repository_dispatch);
 * `set-image` and `promote` read `inputs` (workflow_dispatch). A malformed payload exits 2 with
 * every problem named (`client_payload.<field>: expected ...`) and produces no request, so the
 * workflow records nothing.
 */
import * as fs from 'node:fs';
import { Argument, Command, Option } from 'commander';
import { z } from 'zod';
import { environmentForRef } from '../../config/branches';
import { SERVICE_NAMES, ServiceName } from '../../config/catalog';
import { ConfigError, loadEnvironments } from '../../config/load';
import { DISPATCH_TYPES, MANUAL_REQUESTS, PROMOTION_TARGET, VERIFYING_ENVIRONMENTS, serviceRepository } from '../../config/release-loop';
import { ENVIRONMENT_NAMES, EnvironmentName } from '../../config/schema';
import { imageRepository } from '../../config/versions';
import { formatImageRef, imageRefProblem, imageVersionProblem, parseImageRef, parseImageVersion } from '../../rules/image-ref';
import { CliContext, EXIT_OK, UsageError, environmentsDirOption, line, withExitCodes } from '../context';

export const PAYLOAD_TYPES = [...DISPATCH_TYPES, ...MANUAL_REQUESTS] as const;
export type PayloadType = (typeof PAYLOAD_TYPES)[number];

/** One durable request: recorded on the queue branch as `<queue>/<service>.json`. */
export type ReleaseRequest =
  | {
      readonly kind: 'set-image';
      readonly queue: EnvironmentName;
      readonly environment: EnvironmentName;
      readonly service: ServiceName;
      readonly image: string;
      readonly source: string;
    }
  | {
      readonly kind: 'record-verified';
      readonly queue: string;
      readonly environment: EnvironmentName;
      readonly service: ServiceName;
      readonly digest: string;
      readonly at: string;
      readonly evidence: string;
    }
  | {
      readonly kind: 'promote';
      readonly queue: EnvironmentName;
      readonly from: EnvironmentName;
      readonly to: EnvironmentName;
      readonly service: ServiceName;
    };

/** The queue of a ledger: its pull request merges on its own, apart from the promotion. */
export function ledgerQueue(env: EnvironmentName): string {
  return `verified-${env}`;
}

export interface DispatchResult {
  /** Why nothing is requested (a ref that deploys nothing directly), or undefined. */
  readonly note?: string;
  readonly requests: readonly ReleaseRequest[];
}

const SHA = /^[0-9a-f]{40}$/;
const RUN_URL = /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/actions\/runs\/\d+(\/attempts\/\d+)?$/;
const REF = /^refs\/(heads|tags)\/[^\s\\~^:?*[]+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const service = z.string({ error: 'expected a service name (string)' }).refine((s) => (SERVICE_NAMES as readonly string[]).includes(s), {
  message: `expected one of ${SERVICE_NAMES.join(', ')}`,
});
const environment = z.enum(ENVIRONMENT_NAMES, { error: `expected one of ${ENVIRONMENT_NAMES.join(', ')}` });
const text = (what: string, re: RegExp) => z.string({ error: `expected ${what} (string)` }).regex(re, `expected ${what}`);

const imagePublished = z.strictObject({
  service,
  /** `<repository>:<tag>@sha256:<hex>` as built, or `<tag>@sha256:<hex>`. */
  image: z.string({ error: 'expected <repository>:<tag>@sha256:<64 lowercase hex> (string)' }),
  ref: text('a full git ref such as refs/heads/develop', REF),
  sha: text('the 40-hex commit sha the image was built from', SHA),
  repository: z.string({ error: 'expected the calling repository owner/name (string)' }),
  run_url: text('https://github.com/<owner>/<repo>/actions/runs/<id>', RUN_URL).optional(),
});

const rolloutVerified = z.strictObject({
  namespace: text('a namespace (DNS label)', DNS_LABEL),
  rollout: text('the Rollout name (DNS label)', DNS_LABEL),
  service,
  /** The image of the Rollout's own spec: `<repository>:<tag>@sha256:<hex>`. */
  image: z.string({ error: 'expected <repository>:<tag>@sha256:<64 lowercase hex> (string)' }),
  revision: text('the Rollout revision (digits)', /^\d{1,10}$/),
  /** When the Rollout completed; Argo Rollouts' templates have no clock, so by default: when it was received. */
  at: z.iso.datetime({ error: 'expected an RFC 3339 UTC time such as 2026-12-01T10:00:00Z' }).optional(),
});

const manualSetImage = z.strictObject({
  request: z.literal('set-image').optional(),
  environment,
  service,
  image: z.string({ error: 'expected <tag>@sha256:<64 lowercase hex> (string)' }),
  from: z.string().optional(),
});

const manualPromote = z.strictObject({
  request: z.literal('promote').optional(),
  from: environment,
  environment,
  /** Comma- or space-separated service names; empty for every service. */
  service: z.string().default(''),
  image: z.string().optional(),
});

/** Now, to the second, in UTC: when a record was made (an input of the ledger, never of synth). */
export function utcNow(): string {
  // eslint-disable-next-line no-restricted-syntax -- the CLI's clock stamps a ledger entry; synth never reads it
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function issues(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? i.keys : [];
    const where = [prefix, ...i.path.map(String), ...(keys.length === 1 ? keys : [])].join('.');
    return `${where}: ${i.code === 'unrecognized_keys' ? `unknown field (a typo?): ${i.message}` : i.message}`;
  });
}

function fail(problems: readonly string[]): never {
  throw new UsageError(`invalid dispatch payload; nothing recorded:\n  ${problems.join('\n  ')}`);
}

/** A built image, checked against the service's repository; returns `<tag>@sha256:<hex>`. */
function builtImage(field: string, image: string, svc: ServiceName): string {
  let tag: string | undefined;
  let digest: string | undefined;
  if (image.split('@')[0].includes('/')) {
    const problem = imageRefProblem(image, { requireTag: true });
    if (problem !== undefined) fail([`${field}: ${problem}`]);
    const ref = parseImageRef(image);
    if (ref.repository !== imageRepository(svc)) fail([`${field}: expected the repository ${imageRepository(svc)} of ${svc}, found ${ref.repository}`]);
    ({ tag, digest } = ref);
  } else {
    const problem = imageVersionProblem(image);
    if (problem !== undefined) fail([`${field}: ${problem}`]);
    ({ tag, digest } = parseImageVersion(image));
  }
  if (digest === undefined) fail([`${field}: expected a digest-pinned image <tag>@sha256:<64 lowercase hex>, found "${image}"`]);
  return formatImageRef({ tag, digest });
}

/** Validates an event (the parsed `$GITHUB_EVENT_PATH`) of `type`; returns the requests. */
export function requestsFromEvent(type: PayloadType, event: unknown, environmentsDir: string, now: () => string = utcNow): DispatchResult {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) fail(['(event): expected a JSON object']);
  const ev = event as Record<string, unknown>;
  if (type === 'image-published' || type === 'rollout-verified') {
    if (ev.action !== undefined && ev.action !== type) fail([`action: expected the event type "${type}", found "${String(ev.action)}"`]);
    if (typeof ev.client_payload !== 'object' || ev.client_payload === null) fail(['client_payload: expected an object']);
  } else if (typeof ev.inputs !== 'object' || ev.inputs === null) {
    fail(['inputs: expected the workflow_dispatch inputs object']);
  }
  switch (type) {
    case 'image-published': {
      const r = imagePublished.safeParse(ev.client_payload);
      if (!r.success) fail(issues('client_payload', r.error));
      const p = r.data;
      const svc = p.service as ServiceName;
      if (p.repository !== serviceRepository(svc)) fail([`client_payload.repository: expected ${serviceRepository(svc)}, the repository of ${svc}; found ${p.repository}`]);
      const image = builtImage('client_payload.image', p.image, svc);
      const target = environmentForRef(p.ref);
      if (!target.deploy) {
        return { note: `${p.ref} deploys nothing directly (${target.environment === PROMOTION_TARGET ? 'production takes only promoted, verified digests' : `${target.environment} is not deployed`})`, requests: [] };
      }
      return { requests: [{ kind: 'set-image', queue: target.environment, environment: target.environment, service: svc, image, source: `${p.repository}@${p.sha} (${p.ref})` }] };
    }
    case 'rollout-verified': {
      const r = rolloutVerified.safeParse(ev.client_payload);
      if (!r.success) fail(issues('client_payload', r.error));
      const p = r.data;
      const svc = p.service as ServiceName;
      let envs;
      try {
        envs = loadEnvironments(environmentsDir);
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(`invalid configuration (run validate)\n${err.message}`);
        throw err;
      }
      const env = envs.find((e) => e.namespace === p.namespace);
      if (env === undefined || !VERIFYING_ENVIRONMENTS.includes(env.name)) {
        fail([`client_payload.namespace: expected the namespace of ${VERIFYING_ENVIRONMENTS.join(' or ')} (${envs.filter((e) => VERIFYING_ENVIRONMENTS.includes(e.name)).map((e) => e.namespace).join(', ')}), found ${p.namespace}`]);
      }
      const image = builtImage('client_payload.image', p.image, svc);
      const digest = parseImageVersion(image).digest as string;
      const evidence = `Rollout ${p.namespace}/${p.rollout} revision ${p.revision} completed (every step and analysis passed) running ${image}`;
      return {
        requests: [
          { kind: 'record-verified', queue: ledgerQueue(env.name), environment: env.name, service: svc, digest, at: p.at ?? now(), evidence },
          { kind: 'promote', queue: PROMOTION_TARGET, from: env.name, to: PROMOTION_TARGET, service: svc },
        ],
      };
    }
    case 'set-image': {
      const r = manualSetImage.safeParse(ev.inputs);
      if (!r.success) fail(issues('inputs', r.error));
      const p = r.data;
      if (p.environment === PROMOTION_TARGET) fail([`inputs.environment: ${PROMOTION_TARGET} takes only promoted, verified digests; expected ${ENVIRONMENT_NAMES.filter((e) => e !== PROMOTION_TARGET).join(', ')} (use promote)`]);
      const problem = imageVersionProblem(p.image);
      if (problem !== undefined) fail([`inputs.image: ${problem}`]);
      return { requests: [{ kind: 'set-image', queue: p.environment, environment: p.environment, service: p.service as ServiceName, image: p.image, source: 'workflow_dispatch' }] };
    }
    case 'promote': {
      const r = manualPromote.safeParse(ev.inputs);
      if (!r.success) fail(issues('inputs', r.error));
      const p = r.data;
      if (p.from === p.environment) fail([`inputs.environment: expected an environment other than the source ${p.from}`]);
      const names = p.service.split(/[\s,]+/).filter((s) => s !== '');
      const unknown = names.filter((n) => !(SERVICE_NAMES as readonly string[]).includes(n));
      if (unknown.length > 0) fail([`inputs.service: unknown service ${unknown.join(', ')}; expected names from ${SERVICE_NAMES.join(', ')} (empty for all)`]);
      const services = (names.length === 0 ? SERVICE_NAMES : names) as readonly ServiceName[];
      return { requests: services.map((s) => ({ kind: 'promote', queue: p.environment, from: p.from, to: p.environment, service: s })) };
    }
  }
}

/** `requests=<json>` and `queues=<json>` lines for $GITHUB_OUTPUT (single-line JSON). */
export function dispatchGithubOutput(result: DispatchResult): string {
  const queues = [...new Set(result.requests.map((r) => r.queue))].sort();
  return `requests=${JSON.stringify(result.requests)}\nqueues=${JSON.stringify(queues)}\n`;
}

export function registerDispatchPayload(program: Command, ctx: CliContext): void {
  withExitCodes(
    program
      .command('dispatch-payload')
      .description('Validate the release workflow\'s event (repository_dispatch client_payload or workflow_dispatch inputs) and print the requests to record.')
      .addArgument(new Argument('<type>', 'event type').choices(PAYLOAD_TYPES))
      .addOption(new Option('--event <file>', 'the event JSON (default: $GITHUB_EVENT_PATH)'))
      .addOption(new Option('--github-output', 'print requests= and queues= lines for $GITHUB_OUTPUT'))
      .addOption(environmentsDirOption())
      .action((type: PayloadType, opts: { event?: string; githubOutput?: boolean; environmentsDir: string }) => {
        const file = opts.event ?? process.env.GITHUB_EVENT_PATH;
        if (file === undefined || file === '') throw new UsageError('no event: pass --event <file> or set GITHUB_EVENT_PATH');
        if (!fs.existsSync(file)) throw new UsageError(`${file}: not found; expected the event JSON`);
        let event: unknown;
        try {
          event = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch (err) {
          throw new UsageError(`${file}: not valid JSON: ${(err as Error).message}`);
        }
        const result = requestsFromEvent(type, event, opts.environmentsDir);
        if (result.note !== undefined) ctx.io.err(line(result.note));
        ctx.io.out(opts.githubOutput === true ? dispatchGithubOutput(result) : line(JSON.stringify(result.requests, null, 2)));
        ctx.exitCode = EXIT_OK;
      }),
  );
}
