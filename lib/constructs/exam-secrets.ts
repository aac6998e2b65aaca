import { Construct } from 'constructs';
import * as eso from '../../imports/external-secrets.io';
import { ENVIRONMENT_NAMES, EnvironmentName, IAM_ROLE_ARN } from '../config/schema';
import { isDnsLabel, isEnvVarName } from '../rules/names';
import { AwsSecretStore } from './aws-secret-store';
import { commonLabels } from './labels';

/** One key of the Secret and where in AWS Secrets Manager its value lives. */
export interface SecretKeySource {
  /** The key in the Kubernetes Secret (what pods reference). */
  readonly secretKey: string;
  /** The AWS secret's name below `exam-system/<environment>/`, e.g. `flagsmith`. */
  readonly remoteName: string;
  /** The JSON property inside that AWS secret, e.g. `database_url`. */
  readonly property: string;
}

/**
 * What Secret `exam-secrets` holds in every environment. The values live in AWS Secrets Manager
 * under `exam-system/<environment>/<remoteName>` (one JSON secret per component).
 */
export const EXAM_SECRET_KEYS: readonly SecretKeySource[] = [
  // Flagsmith, the feature-flag controller (see docs/decisions.md, 'Feature-flag controller').
  { secretKey: 'FLAGSMITH_DATABASE_URL', remoteName: 'flagsmith', property: 'database_url' },
  { secretKey: 'FLAGSMITH_SECRET_KEY', remoteName: 'flagsmith', property: 'secret_key' },
  // The exam services' PostgreSQL login (host and database name are in exam-config-<env>).
  { secretKey: 'DATABASE_USER', remoteName: 'database', property: 'username' },
  { secretKey: 'DATABASE_PASSWORD', remoteName: 'database', property: 'password' },
  // Redis AUTH (host and DB number are in exam-config-<env>).
  { secretKey: 'REDIS_PASSWORD', remoteName: 'redis', property: 'password' },
  // auth-service signs session tokens with it.
  { secretKey: 'JWT_SIGNING_KEY', remoteName: 'auth-service', property: 'jwt_signing_key' },
];


const PROPERTY = /^[a-z0-9_]+$/;
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const DURATION = /^(\d+(h|m|s))+$/;

export interface ExamSecretsProps {
  readonly environment: EnvironmentName;
  /** The app namespace: the only namespace the store serves and where the Secret is made. */
  readonly namespace: string;
  /** AWS region of the environment's Secrets Manager (environment config AWS_REGION). */
  readonly region: string;
  /** @default exam-secrets (ExternalSecret and target Secret) */
  readonly secretName?: string;
  /** @default EXAM_SECRET_KEYS */
  readonly keys?: readonly SecretKeySource[];
  /** How often the operator re-reads AWS (rotation reaches pods within this). @default 1h */
  readonly refreshInterval?: string;
  /** The ServiceAccount whose projected token the operator exchanges for AWS credentials (IRSA). @default external-secrets/external-secrets */
  readonly operatorServiceAccount?: { readonly name: string; readonly namespace: string };
  /**
   * The environment's own IAM role (environment file `secrets.role`), which the store assumes
   * on top of the operator's web identity; its policy allows only `exam-system/<environment>/*`.
   */
  readonly roleArn: string;
}

/**
 * Secrets without secrets in git: a ClusterSecretStore `aws-secrets-manager-<env>` for AWS
 * Secrets Manager in the environment's region, usable only from the environment's namespace
 * (`conditions`), authenticated as the environment's own IAM role: the operator exchanges its
 * ServiceAccount token for its web identity (no static keys), then assumes `role`
 * (external-secrets/external-secrets `providers/v1/aws/auth/auth.go`: `credsFromServiceAccount`,
 * then `stscreds.NewAssumeRoleProvider(..., prov.Role)`), so each store reads with a role whose
 * policy covers that environment's secrets only;
 * and an ExternalSecret `exam-secrets` that makes and owns Secret `exam-secrets` in that
 * namespace from `exam-system/<env>/...`.
 */
export class ExamSecrets extends Construct {
  public readonly secretName: string;
  public readonly storeName: string;
  public readonly keys: readonly SecretKeySource[];

  constructor(scope: Construct, id: string, props: ExamSecretsProps) {
    super(scope, id);
    this.secretName = props.secretName ?? 'exam-secrets';
    this.storeName = `aws-secrets-manager-${props.environment}`;
    this.keys = props.keys ?? EXAM_SECRET_KEYS;
    const refreshInterval = props.refreshInterval ?? '1h';
    const who = `ExamSecrets ${props.environment}`;

    if (!(ENVIRONMENT_NAMES as readonly string[]).includes(props.environment)) {
      throw new Error(`${who}: unknown environment; expected one of ${ENVIRONMENT_NAMES.join(', ')}`);
    }
    if (!AWS_REGION.test(props.region)) {
      throw new Error(`${who}: region "${props.region}" is not an AWS region; expected e.g. us-east-1 (environment config AWS_REGION)`);
    }
    if (props.namespace === '') throw new Error(`${who}: namespace is empty; expected the environment's app namespace`);
    if (!DURATION.test(refreshInterval)) throw new Error(`${who}: refreshInterval "${refreshInterval}" is not a duration; expected e.g. 1h or 15m`);
    if (typeof props.roleArn !== 'string' || !IAM_ROLE_ARN.test(props.roleArn)) {
      throw new Error(`${who}: roleArn "${props.roleArn}" is not an IAM role ARN; expected arn:aws:iam::<account>:role/<name>`);
    }
    if (this.keys.length === 0) throw new Error(`${who}: no keys; expected at least one secret key`);
    const seen = new Set<string>();
    for (const k of this.keys) {
      if (!isEnvVarName(k.secretKey)) throw new Error(`${who}: secret key "${k.secretKey}" is not an env var name; expected A-Z, 0-9, _`);
      if (seen.has(k.secretKey)) throw new Error(`${who}: secret key "${k.secretKey}" is listed twice; expected each key once`);
      seen.add(k.secretKey);
      if (!isDnsLabel(k.remoteName)) throw new Error(`${who}: ${k.secretKey}: remoteName "${k.remoteName}" is invalid; expected lower-case kebab-case`);
      if (!PROPERTY.test(k.property)) throw new Error(`${who}: ${k.secretKey}: property "${k.property}" is invalid; expected lower-case snake_case`);
    }

    const labels = { ...commonLabels('secrets'), 'exam-system.io/environment': props.environment };

    // One environment's store serves one namespace: staging's ExternalSecrets cannot name
    // production's store and read production's secrets; and it reads as the environment's role.
    new AwsSecretStore(this, 'store', {
      name: this.storeName,
      namespaces: [props.namespace],
      region: props.region,
      roleArn: props.roleArn,
      operatorServiceAccount: props.operatorServiceAccount,
      labels,
    });

    new eso.ExternalSecret(this, 'external-secret', {
      metadata: { name: this.secretName, namespace: props.namespace, labels },
      spec: {
        refreshInterval,
        secretStoreRef: { kind: eso.ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: this.storeName },
        target: {
          name: this.secretName,
          // Owner: the Secret is deleted with the ExternalSecret. Retain: if the AWS secret
          // disappears, pods keep the last good value instead of losing the Secret.
          creationPolicy: eso.ExternalSecretSpecTargetCreationPolicy.OWNER,
          deletionPolicy: eso.ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        },
        data: this.keys.map((k) => ({
          secretKey: k.secretKey,
          remoteRef: { key: remoteKey(props.environment, k.remoteName), property: k.property },
        })),
      },
    });
  }
}

/** The AWS Secrets Manager name of one environment's secret. */
export function remoteKey(environment: EnvironmentName, remoteName: string): string {
  return `exam-system/${environment}/${remoteName}`;
}
