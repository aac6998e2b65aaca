import { Construct } from 'constructs';
import * as eso from '../../imports/external-secrets.io';
import { configMapKeyProblem, isDnsLabel } from '../rules/names';
import { commonLabels } from './labels';

/** One key of the Secret and the AWS Secrets Manager JSON secret and property it comes from. */
export interface AwsSecretKey {
  /** The key in the Kubernetes Secret. */
  readonly secretKey: string;
  /** The AWS secret's full name, e.g. `exam-platform/falcosidekick-slack`. */
  readonly remoteKey: string;
  /** The JSON property inside that AWS secret. */
  readonly property: string;
}

export interface NamespaceExternalSecretProps {
  /** The namespace the Secret is made in (the store's conditions must admit it). */
  readonly namespace: string;
  /** The ExternalSecret's and the Secret's name. */
  readonly secretName: string;
  /** The ClusterSecretStore it reads through (an AwsSecretStore with its own IAM role). */
  readonly storeName: string;
  readonly keys: readonly AwsSecretKey[];
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** How often the operator re-reads AWS. @default 1h */
  readonly refreshInterval?: string;
}

const REMOTE_KEY = /^[a-z0-9-]+(\/[a-z0-9-]+)+$/;

/**
 * A platform namespace's Secret from AWS Secrets Manager, nothing secret in git: an
 * ExternalSecret that makes and owns the Secret, read through an existing ClusterSecretStore.
 */
export class NamespaceExternalSecret extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceExternalSecretProps) {
    super(scope, id);
    const who = `NamespaceExternalSecret ${props.namespace}/${props.secretName}`;
    if (!isDnsLabel(props.storeName)) throw new Error(`${who}: store name "${props.storeName}"; expected a Kubernetes name`);
    if (props.keys.length === 0) throw new Error(`${who}: no keys; expected at least one`);
    for (const k of props.keys) {
      // A Secret's keys follow the ConfigMap key rule (alphanumerics, '-', '_', '.').
      const keyProblem = configMapKeyProblem(k.secretKey);
      if (keyProblem !== undefined) throw new Error(`${who}: secret key "${k.secretKey}": ${keyProblem}`);
      if (!REMOTE_KEY.test(k.remoteKey)) throw new Error(`${who}: remote key "${k.remoteKey}"; expected a path such as exam-platform/<name>`);
    }
    new eso.ExternalSecret(this, 'external-secret', {
      metadata: { name: props.secretName, namespace: props.namespace, labels: commonLabels(props.component) },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { kind: eso.ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: props.storeName },
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
