import { Construct } from 'constructs';
import * as eso from '../../imports/external-secrets.io';
import { DEFAULT_OPERATOR_SERVICE_ACCOUNT } from './exam-secrets';
import { commonLabels } from './labels';

/** One key of the Secret and the AWS Secrets Manager JSON secret and property it comes from. */
export interface AwsSecretKey {
  /** The key in the Kubernetes Secret. */
  readonly secretKey: string;
  /** The AWS secret's full name, e.g. `exam-system/platform/falcosidekick-slack`. */
  readonly remoteKey: string;
  /** The JSON property inside that AWS secret. */
  readonly property: string;
}

export interface NamespaceExternalSecretProps {
  /** The namespace the Secret is made in, and the only one the store serves. */
  readonly namespace: string;
  /** The ExternalSecret's and the Secret's name. */
  readonly secretName: string;
  readonly keys: readonly AwsSecretKey[];
  /** AWS region of the Secrets Manager. */
  readonly region: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** How often the operator re-reads AWS. @default 1h */
  readonly refreshInterval?: string;
}

const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ENV_VAR = /^[A-Z_][A-Z0-9_]*$/;
const REMOTE_KEY = /^[a-z0-9-]+(\/[a-z0-9-]+)+$/;

/**
 * A platform namespace's Secret from AWS Secrets Manager, nothing secret in git: a
 * ClusterSecretStore `aws-secrets-manager-<namespace>` that serves only that namespace
 * (`conditions`), authenticated with the External Secrets operator's ServiceAccount token, and
 * an ExternalSecret that makes and owns the Secret.
 */
export class NamespaceExternalSecret extends Construct {
  public readonly storeName: string;

  constructor(scope: Construct, id: string, props: NamespaceExternalSecretProps) {
    super(scope, id);
    const who = `NamespaceExternalSecret ${props.namespace}/${props.secretName}`;
    if (!AWS_REGION.test(props.region)) throw new Error(`${who}: region "${props.region}" is not an AWS region; expected e.g. us-east-1`);
    if (props.keys.length === 0) throw new Error(`${who}: no keys; expected at least one`);
    for (const k of props.keys) {
      if (!ENV_VAR.test(k.secretKey)) throw new Error(`${who}: secret key "${k.secretKey}" is not an env var name; expected A-Z, 0-9, _`);
      if (!REMOTE_KEY.test(k.remoteKey)) throw new Error(`${who}: remote key "${k.remoteKey}"; expected a path such as exam-system/platform/<name>`);
    }
    this.storeName = `aws-secrets-manager-${props.namespace}`;
    const labels = commonLabels(props.component);
    const sa = DEFAULT_OPERATOR_SERVICE_ACCOUNT;
    new eso.ClusterSecretStore(this, 'store', {
      metadata: { name: this.storeName, labels },
      spec: {
        conditions: [{ namespaces: [props.namespace] }],
        provider: {
          aws: {
            service: eso.ClusterSecretStoreSpecProviderAwsService.SECRETS_MANAGER,
            region: props.region,
            auth: { jwt: { serviceAccountRef: { name: sa.name, namespace: sa.namespace } } },
          },
        },
      },
    });
    new eso.ExternalSecret(this, 'external-secret', {
      metadata: { name: props.secretName, namespace: props.namespace, labels },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { kind: eso.ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: this.storeName },
        target: {
          name: props.secretName,
          creationPolicy: eso.ExternalSecretSpecTargetCreationPolicy.OWNER,
          deletionPolicy: eso.ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        },
        data: props.keys.map((k) => ({ secretKey: k.secretKey, remoteRef: { key: k.remoteKey, property: k.property } })),
      },
    });
  }
}
