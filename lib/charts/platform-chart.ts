import { App } from 'cdk8s';
import { SECURITY_NAMESPACE } from '../config/namespaces';
import { policyExceptionReason } from '../config/policy-exceptions';
import { FALCO_IMAGE } from '../config/versions';
import { AppNamespace } from '../constructs/app-namespace';
import { Falco, HttpReceiver } from '../constructs/falco';
import { NamespaceExternalSecret } from '../constructs/namespace-external-secret';
import { FALCOSIDEKICK_SLACK_REMOTE, FALCOSIDEKICK_SLACK_SECRET } from '../config/addons/falcosidekick';
import { NOTIFICATION_SECRETS } from '../config/notifications';
import { OutputChart } from './output-chart';

/**
 * Why security-system is the one namespace below Pod Security "restricted": the reason lives
 * with the other policy exceptions and is written on the Namespace next to its labels.
 */
export const SECURITY_NAMESPACE_PSA_REASON = policyExceptionReason('namespacePodSecurityRestricted', 'Namespace', null, SECURITY_NAMESPACE);

export interface PlatformChartProps {
  /**
   * The namespaces Falco's custom rules watch: those of every deployed environment
   * (e.g. `envs.filter((e) => e.gitops !== undefined).map((e) => e.namespace)`).
   */
  readonly watchedNamespaces: readonly string[];
  /**
   * Falco's http_output receiver.
   * @default falcosidekick in security-system (falcosidekickReceiver)
   */
  readonly httpOutput?: HttpReceiver;
  /**
   * Folder under dist/ for the Namespace.
   * @default platform/cluster
   */
  readonly clusterFolder?: string;
}

/** Runtime security: dist/platform/security-system/ (and its Namespace in the cluster folder). */
export class PlatformChart extends OutputChart {
  constructor(scope: App, props: PlatformChartProps) {
    super(scope, 'platform-security-system', { folder: `platform/${SECURITY_NAMESPACE}`, clusterFolder: props.clusterFolder });
    new AppNamespace(this, 'namespace', {
      name: SECURITY_NAMESPACE,
      component: 'runtime-security',
      podSecurity: 'privileged',
      podSecurityReason: SECURITY_NAMESPACE_PSA_REASON,
    });
    new Falco(this, 'falco', {
      namespace: SECURITY_NAMESPACE,
      watchedNamespaces: props.watchedNamespaces,
      image: FALCO_IMAGE,
      httpOutput: props.httpOutput,
    });
    // falcosidekick (an add-on, lib/config/addons/falcosidekick.ts) reads its Slack webhook from
    // this Secret, read through the platform namespaces' store (its own IAM role).
    new NamespaceExternalSecret(this, 'falcosidekick-slack', {
      namespace: SECURITY_NAMESPACE,
      secretName: FALCOSIDEKICK_SLACK_SECRET.name,
      storeName: NOTIFICATION_SECRETS.storeName,
      keys: [{ secretKey: FALCOSIDEKICK_SLACK_SECRET.key, remoteKey: FALCOSIDEKICK_SLACK_REMOTE.key, property: FALCOSIDEKICK_SLACK_REMOTE.property }],
      component: 'runtime-security',
    });
  }
}
