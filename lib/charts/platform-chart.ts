import { App } from 'cdk8s';
import { policyExceptionReason } from '../config/policy-exceptions';
import { FALCO_IMAGE } from '../config/versions';
import { AppNamespace } from '../constructs/app-namespace';
import { Falco } from '../constructs/falco';
import { OutputChart } from './output-chart';

/** The namespace of the runtime security platform (see docs/decisions.md, 'Falco'). */
export const SECURITY_NAMESPACE = 'security-system';

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
   * Alertmanager's base URL, for Falco's program_output.
   * @default http://alertmanager.monitoring.svc.cluster.local:9093
   */
  readonly alertmanagerUrl?: string;
  /**
   * Falco's http_output receiver.
   * @default http://falcosidekick.security-system.svc.cluster.local:2801/
   */
  readonly httpOutputUrl?: string;
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
      alertmanagerUrl: props.alertmanagerUrl,
      httpOutputUrl: props.httpOutputUrl,
    });
  }
}
