import { Construct } from 'constructs';
import * as eso from '../../imports/external-secrets.io';
import { IAM_ROLE_ARN } from '../config/schema';

/** The External Secrets operator's own ServiceAccount (IRSA-annotated by its install). */
export const DEFAULT_OPERATOR_SERVICE_ACCOUNT = { name: 'external-secrets', namespace: 'external-secrets' } as const;

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

export interface AwsSecretStoreProps {
  /** The ClusterSecretStore's name. */
  readonly name: string;
  /** The only namespaces whose ExternalSecrets may use the store (at least one). */
  readonly namespaces: readonly string[];
  /** AWS region of the Secrets Manager it reads. */
  readonly region: string;
  /** The IAM role the store assumes; its policy covers only what these namespaces may read. */
  readonly roleArn: string;
  /** The ServiceAccount whose token the operator exchanges for its web identity. @default external-secrets/external-secrets */
  readonly operatorServiceAccount?: { readonly name: string; readonly namespace: string };
  /** @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A ClusterSecretStore for AWS Secrets Manager that only the given namespaces may use
 * (`conditions`), authenticated as its own IAM role: the operator exchanges its ServiceAccount
 * token for a web identity (no static keys), then assumes `role`, and every call of the store
 * runs as that role (external-secrets/external-secrets `providers/v1/aws/auth/auth.go`:
 * `credsFromServiceAccount`, then `stscreds.NewAssumeRoleProvider(stsclient, prov.Role)`).
 */
export class AwsSecretStore extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: AwsSecretStoreProps) {
    super(scope, id);
    const who = `AwsSecretStore ${props.name}`;
    if (!NAME.test(props.name)) throw new Error(`${who}: name is not a Kubernetes name; expected lower-case letters, digits and "-"`);
    if (props.namespaces.length === 0 || props.namespaces.some((n) => !NAME.test(n))) {
      throw new Error(`${who}: namespaces [${props.namespaces.join(', ')}] is empty or holds a bad name; expected the namespaces that may use the store`);
    }
    if (!AWS_REGION.test(props.region)) throw new Error(`${who}: region "${props.region}" is not an AWS region; expected e.g. us-east-1`);
    if (typeof props.roleArn !== 'string' || !IAM_ROLE_ARN.test(props.roleArn)) {
      throw new Error(`${who}: roleArn "${props.roleArn}" is not an IAM role ARN; expected arn:aws:iam::<account>:role/<name>`);
    }
    const sa = props.operatorServiceAccount ?? DEFAULT_OPERATOR_SERVICE_ACCOUNT;
    this.name = props.name;
    new eso.ClusterSecretStore(this, 'store', {
      metadata: { name: props.name, labels: props.labels ? { ...props.labels } : undefined },
      spec: {
        conditions: [{ namespaces: [...props.namespaces] }],
        provider: {
          aws: {
            service: eso.ClusterSecretStoreSpecProviderAwsService.SECRETS_MANAGER,
            region: props.region,
            role: props.roleArn,
            auth: { jwt: { serviceAccountRef: { name: sa.name, namespace: sa.namespace } } },
          },
        },
      },
    });
  }
}
