import { Construct } from 'constructs';
import * as k8s from './k8s';
import { commonLabels } from './labels';
import { NamespaceExternalSecret } from './namespace-external-secret';

/** One key of the notification Secret and where in AWS Secrets Manager it lives. */
export interface NotificationSecretSource {
  /** The key in the Secret (`$<key>` in a service's settings). */
  readonly key: string;
  /** The JSON property of the AWS secret. */
  readonly property: string;
}

export interface NotificationsConfigProps {
  /** The controller's namespace (argocd, argo-rollouts). */
  readonly namespace: string;
  /** The ConfigMap the controller reads: `service.*`, `template.*` and `trigger.*` entries. */
  readonly configMapName: string;
  readonly data: Readonly<Record<string, string>>;
  /** The Secret the controller reads tokens from, made by an ExternalSecret. */
  readonly secretName: string;
  /** The ClusterSecretStore the ExternalSecret reads through. */
  readonly storeName: string;
  /** The AWS secret holding the tokens. */
  readonly remoteKey: string;
  readonly keys: readonly NotificationSecretSource[];
  /** @default 1h */
  readonly refreshInterval?: string;
}

const KEY = /^[A-Za-z0-9._-]+$/;
const CONFIG_KEY = /^(service\.[a-z]+(\.[a-z0-9-]+)?|template\.[a-z0-9-]+|trigger\.[a-z0-9-]+|context|subscriptions|defaultTriggers(\.[a-z0-9-]+)?)$/;

/**
 * The notification configuration of an Argo CD or Argo Rollouts controller, owned by this
 * repository: the ConfigMap it reads, and an ExternalSecret that makes its Secret from AWS
 * Secrets Manager (no token in git). Every `$key` a service's settings reference must be one of
 * the Secret's keys.
 */
export class NotificationsConfig extends Construct {
  constructor(scope: Construct, id: string, props: NotificationsConfigProps) {
    super(scope, id);
    const who = `NotificationsConfig ${props.namespace}/${props.configMapName}`;
    if (props.keys.length === 0) throw new Error(`${who}: no secret keys; expected the tokens its services use`);
    const keys = new Set<string>();
    for (const k of props.keys) {
      if (!KEY.test(k.key) || keys.has(k.key)) throw new Error(`${who}: secret key "${k.key}" is invalid or listed twice; expected unique [A-Za-z0-9._-] keys`);
      keys.add(k.key);
    }
    for (const [name, value] of Object.entries(props.data)) {
      if (!CONFIG_KEY.test(name)) throw new Error(`${who}: data key "${name}" is not a notifications setting; expected service.<type>[.<name>], template.<name> or trigger.<name>`);
      if (!name.startsWith('service.')) continue;
      for (const ref of value.match(/\$[\w-]+/g) ?? []) {
        if (!keys.has(ref.slice(1))) throw new Error(`${who}: ${name} references ${ref}, which is not a key of Secret ${props.secretName}; expected one of ${[...keys].join(', ')}`);
      }
    }
    const labels = commonLabels('notifications');
    new k8s.KubeConfigMap(this, 'configmap', {
      metadata: { name: props.configMapName, namespace: props.namespace, labels },
      data: { ...props.data },
    });
    new NamespaceExternalSecret(this, 'secret', {
      namespace: props.namespace,
      secretName: props.secretName,
      storeName: props.storeName,
      keys: props.keys.map((k) => ({ secretKey: k.key, remoteKey: props.remoteKey, property: k.property })),
      component: 'notifications',
      refreshInterval: props.refreshInterval,
    });
  }
}
