import { App } from 'cdk8s';
import { SECURITY_NAMESPACE } from '../config/namespaces';
import { policyExceptionReason } from '../config/policy-exceptions';
import { FALCO_IMAGE } from '../config/versions';
import { AppNamespace } from '../constructs/app-namespace';
import { Falco, HttpReceiver } from '../constructs/falco';
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
  }
}
