/**
 * The schema of an environment file (environments/<name>.yaml). People and CI bots edit
 * these files; everything they may write is described here, and anything else is an error.
 * What the API server or the platform would refuse is refused here first, with the field and
 * what is expected (the name, host, image and ref rules live in lib/rules/).
 */
import { z } from 'zod';
import { imageVersionProblem, parseImageVersion } from '../rules/image-ref';
import { refNameProblem } from '../rules/git-ref';
import { quantityProblem } from '../rules/quantity';
import { configMapKeyProblem, dnsLabelProblem, hostnameProblem, httpUrlProblem, isEnvVarName, labelValueProblem } from '../rules/names';
import { SERVICE_NAMES } from './catalog';
import { reservedNamespaceProblem } from './namespaces';

export const ENVIRONMENT_NAMES = ['development', 'staging', 'hotfix', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** The largest replica count the API server stores (an int32). */
export const MAX_INT32 = 2_147_483_647;
/**
 * An IAM role ARN (any AWS partition): `arn:aws:iam::<12-digit account>:role/<path/name>`.
 * The one home of this rule: the environment schema and the constructs that take a role use it.
 */
export const IAM_ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** The branch every Argo CD Application tracks: an environment is a folder of dist/, not a branch (docs/decisions.md). */
export const TRACKED_REVISION = 'main';

/** Adds the issue of a `...Problem` rule function (undefined: valid). */
function rule<T>(problem: (value: T) => string | undefined) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message, input: value });
  };
}

const dnsLabel = z.string({ error: 'expected a string' }).superRefine(rule(dnsLabelProblem));

const namespace = dnsLabel.superRefine(rule(reservedNamespaceProblem));

const hostname = z.string({ error: 'expected a DNS host name' }).superRefine(rule(hostnameProblem));

/**
 * `<tag>` or `<tag>@sha256:<64 hex>`. The tag is the pods' `app.kubernetes.io/version` label,
 * so it is held to the label-value rule as well.
 */
const imageVersion = z
  .string({ error: 'expected an image tag as a string (quote a tag YAML reads as a number: "2024.06")' })
  .superRefine(rule(imageVersionProblem))
  .superRefine(rule((v: string) => (imageVersionProblem(v) === undefined ? labelValueProblem(parseImageVersion(v).tag) : undefined)));

export const STRATEGIES = ['rolling', 'canary', 'blueGreen'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** A Kubernetes resource quantity, as the API server parses it (e.g. 250m, 1, 512Mi, 1Gi), not negative. */
const quantity = z.string({ error: 'expected a Kubernetes quantity string such as "250m" or "512Mi"' }).superRefine(rule(quantityProblem));
const resourceSpec = z.strictObject({ cpu: quantity, memory: quantity });

const replicaCount = (what: string, min: number) =>
  z
    .number({ error: `expected a whole number of ${what}` })
    .int(`expected a whole number of ${what}`)
    .min(min, `expected ${what} >= ${min}`)
    .max(MAX_INT32, `expected ${what} <= ${MAX_INT32} (an int32)`);

const serviceSettings = z.strictObject({
  /** The image version: a tag (usually the commit sha the pipeline built), optionally pinned by digest. */
  tag: imageVersion,
  replicas: replicaCount('replicas', 0),
  /** rolling: a Deployment; canary and blueGreen: an Argo Rollout. @default rolling */
  strategy: z.enum(STRATEGIES).default('rolling'),
  /** Overrides the catalog's requests and limits for this environment (requests may not exceed limits). */
  resources: z.strictObject({ requests: resourceSpec.optional(), limits: resourceSpec.optional() }).optional(),
  /** A HorizontalPodAutoscaler between `replicas` and `maxReplicas`. */
  autoscaling: z
    .strictObject({
      maxReplicas: replicaCount('maxReplicas', 1),
      targetCPUUtilizationPercentage: z.number().int().min(1).max(100).default(70),
    })
    .optional(),
});

const services = z
  .record(z.string(), serviceSettings)
  .superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      if (!(SERVICE_NAMES as readonly string[]).includes(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown service "${key}"; expected one of ${SERVICE_NAMES.join(', ')}`,
        });
      }
    }
    for (const name of SERVICE_NAMES) {
      if (!(name in value)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'missing service; expected every environment to run all seven services' });
      }
    }
  });

const configData = z.record(
  z.string().superRefine(
    rule(
      (key: string) =>
        configMapKeyProblem(key) ??
        (isEnvVarName(key) ? undefined : 'expected an environment variable name (A-Z, 0-9, _): ConfigMap keys become env vars through envFrom'),
    ),
  ),
  z.string({ error: 'expected a string (quote numbers and booleans: "20", "true")' }),
);

/** An http(s) URL: Argo Rollouts' Prometheus provider and the alerts speak HTTP only. */
const httpUrl = z.string({ error: 'expected an http(s) URL' }).superRefine(rule(httpUrlProblem));

/** A git ref Argo CD can track: a valid branch name, and `main` (docs/decisions.md). */
const trackedRevision = z
  .string({ error: `expected a git branch name ("${TRACKED_REVISION}")` })
  .superRefine(rule((v: string) => refNameProblem(v, { branch: true })))
  .superRefine(
    rule((v: string) =>
      refNameProblem(v, { branch: true }) !== undefined || v === TRACKED_REVISION
        ? undefined
        : `expected "${TRACKED_REVISION}": every Argo CD Application tracks ${TRACKED_REVISION}, and an environment is its folder of dist/, not a branch; found "${v}"`,
    ),
  );

export const environmentSchema = z
  .strictObject({
    /** Must equal the file name. */
    name: z.enum(ENVIRONMENT_NAMES),
    /** The environment's own namespace: never one of the platform's (lib/config/namespaces.ts). */
    namespace,
    /** The environment's hosts on the shared Gateway (deployed environments only; see lib/config/gateway.ts): two different names, each used by no other environment. */
    ingress: z.strictObject({
      webHost: hostname,
      apiHost: hostname,
      /** The Secret, in the Gateway's namespace, a cert-manager Certificate writes the hosts' certificate to (never in git). */
      tlsSecretName: dnsLabel,
    }),
    /** Where Argo Rollouts' analysis and the alerts query Prometheus. */
    prometheus: z.strictObject({
      address: httpUrl,
    }),
    /** Take the ConfigMap data of another environment and override some keys. */
    configFrom: z.enum(ENVIRONMENT_NAMES).optional(),
    /** The environment's ConfigMap `exam-config-<name>` (at most 1 MiB once configFrom is applied). */
    config: configData,
    /** Blue/green and canary policy. */
    release: z
      .strictObject({
        /** Switch blue/green traffic as soon as the pre-promotion analysis passes. @default true */
        autoPromotion: z.boolean().default(true),
      })
      .prefault({}),
    /** Where the environment's secrets come from. */
    secrets: z.strictObject({
      /**
       * The IAM role the environment's ClusterSecretStore assumes; its policy must allow only
       * `exam-system/<name>/*` in AWS Secrets Manager. Every environment has its own role.
       */
      role: z.string({ error: 'expected an IAM role ARN string' }).regex(IAM_ROLE_ARN, 'expected an IAM role ARN: arn:aws:iam::<12-digit account id>:role/<name>'),
    }),
    /** Argo CD: absent for an environment that is synthesized but not deployed. */
    gitops: z
      .strictObject({
        /** The branch the environment's Application tracks: always `main`. @default main */
        targetRevision: trackedRevision.default(TRACKED_REVISION),
        /** Argo CD syncs (with prune and self-heal) without a person pressing sync. @default true */
        automated: z.boolean().default(true),
      })
      .optional(),
    services,
  });

export type EnvironmentFile = z.output<typeof environmentSchema>;
export type ServiceSettings = z.output<typeof serviceSettings>;
