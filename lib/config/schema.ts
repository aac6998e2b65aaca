/**
 * The schema of an environment file (environments/<name>.yaml). People and CI bots edit
 * these files; everything they may write is described here, and anything else is an error.
 */
import { z } from 'zod';
import { SERVICE_NAMES } from './catalog';
import { imageRefProblem } from './image-ref';

export const ENVIRONMENT_NAMES = ['development', 'staging', 'hotfix', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** DNS-1123 label: what Kubernetes accepts as a namespace or Service name. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** An environment variable name (ConfigMap keys become env vars through envFrom). */
const ENV_VAR = /^[A-Z_][A-Z0-9_]*$/;
/**
 * An IAM role ARN (any AWS partition): `arn:aws:iam::<12-digit account>:role/<path/name>`.
 * The one home of this rule: the environment schema and the constructs that take a role use it.
 */
export const IAM_ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

const dnsLabel = z
  .string()
  .max(63, 'expected a Kubernetes name of at most 63 characters')
  .regex(DNS_LABEL, 'expected a Kubernetes name: lower-case letters, digits and "-", starting and ending alphanumeric');

/** `<tag>@sha256:<hex>`, or a bare `<tag>` (only where DIGEST_REQUIRED_ENVIRONMENTS allows). */
export const imageRef = z.string({ error: 'expected an image <tag>@sha256:<64 lowercase hex> (string)' }).superRefine((text, ctx) => {
  const problem = imageRefProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

export const STRATEGIES = ['rolling', 'canary', 'blueGreen'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** A Kubernetes resource quantity, as the API server parses it (e.g. 250m, 1, 512Mi, 1Gi). */
const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const quantity = z
  .string({ error: 'expected a Kubernetes quantity string such as "250m" or "512Mi"' })
  .regex(QUANTITY, 'expected a Kubernetes quantity such as "250m", "1", "512Mi" or "1Gi" (not "512MB")');
const resourceSpec = z.strictObject({ cpu: quantity, memory: quantity });

const serviceSettings = z.strictObject({
  /** The image: `<tag>@sha256:<hex>` (the tag, usually the commit sha, is for people; the digest runs). */
  image: imageRef,
  replicas: z.number().int('expected a whole number of replicas').min(0, 'expected replicas >= 0'),
  /** rolling: a Deployment; canary and blueGreen: an Argo Rollout. @default rolling */
  strategy: z.enum(STRATEGIES).default('rolling'),
  /** Overrides the catalog's requests and limits for this environment. */
  resources: z.strictObject({ requests: resourceSpec.optional(), limits: resourceSpec.optional() }).optional(),
  /** A HorizontalPodAutoscaler between `replicas` and `maxReplicas`. */
  autoscaling: z
    .strictObject({
      maxReplicas: z.number().int().min(1),
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
        ctx.addIssue({ code: 'custom', path: [name], message: 'missing service: every environment runs all seven services' });
      }
    }
  });

const configData = z.record(
  z.string().regex(ENV_VAR, 'expected an environment variable name (A-Z, 0-9, _)'),
  z.string({ error: 'expected a string (quote numbers and booleans: "20", "true")' }),
);

export const environmentSchema = z
  .strictObject({
    /** Must equal the file name. */
    name: z.enum(ENVIRONMENT_NAMES),
    namespace: dnsLabel,
    /** The environment's hosts on the shared Gateway (deployed environments only; see lib/config/gateway.ts). */
    ingress: z.strictObject({
      webHost: z.string().regex(HOSTNAME, 'expected a DNS host name'),
      apiHost: z.string().regex(HOSTNAME, 'expected a DNS host name'),
      /** The Secret, in the Gateway's namespace, a cert-manager Certificate writes the hosts' certificate to (never in git). */
      tlsSecretName: dnsLabel,
    }),
    /** Where Argo Rollouts' analysis and the alerts query Prometheus. */
    prometheus: z.strictObject({
      address: z.url({ error: 'expected an http(s) URL such as http://kube-prometheus-stack-prometheus.monitoring.svc:9090' }),
    }),
    /** Take the ConfigMap data of another environment and override some keys. */
    configFrom: z.enum(ENVIRONMENT_NAMES).optional(),
    /** The environment's ConfigMap `exam-config-<name>` (seed §2.1). */
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
        /** The branch the environment's Application tracks. */
        targetRevision: z.string().min(1),
        /** Argo CD syncs (with prune and self-heal) without a person pressing sync. @default true */
        automated: z.boolean().default(true),
      })
      .optional(),
    services,
  });

export type EnvironmentFile = z.output<typeof environmentSchema>;
export type ServiceSettings = z.output<typeof serviceSettings>;
