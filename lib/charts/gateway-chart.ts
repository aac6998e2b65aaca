import { App } from 'cdk8s';
import {
  GATEWAY_CLASS_NAME,
  GATEWAY_CONTROLLER_NAMESPACE,
  GATEWAY_CONTROLLER_NAME,
  GATEWAY_NAME,
  GATEWAY_NAMESPACE,
  HTTP_LISTENER_NAME,
  HTTPS_REDIRECT_ROUTE_NAME,
  gatewayProxyLabels,
  listenerName,
} from '../config/gateway';
import { Environment } from '../config/load';
import { ACME_HTTP01_SOLVER, ACME_ISSUER } from '../config/tls';
import { AcmeClusterIssuer } from '../constructs/acme-cluster-issuer';
import { AppNamespace } from '../constructs/app-namespace';
import { ExamGateway, GatewayHttpsListener } from '../constructs/exam-gateway';
import { GatewayNamespacePolicies } from '../constructs/gateway-namespace-policies';
import { OutputChart } from './output-chart';

/** What the Gateway reads of an environment. */
export type GatewayEnvironment = Pick<Environment, 'name' | 'namespace' | 'ingress'>;

export interface GatewayChartProps {
  /** The deployed environments: each gets an HTTPS listener for its web host and one for its API host. */
  readonly environments: readonly GatewayEnvironment[];
}

/** The listeners of one environment: its web and API hosts, admitting routes from its namespace only. */
export function environmentListeners(env: GatewayEnvironment): GatewayHttpsListener[] {
  return (['web', 'api'] as const).map((exposure) => ({
    name: listenerName(env.name, exposure),
    hostname: exposure === 'web' ? env.ingress.webHost : env.ingress.apiHost,
    tlsSecretName: env.ingress.tlsSecretName,
    routeNamespace: env.namespace,
  }));
}

/**
 * Traffic into the cluster: dist/platform/exam-gateway/ (the shared Gateway, its HTTPS redirect,
 * its Certificates and the namespace's NetworkPolicies) and, in the cluster folder, its Namespace, the GatewayClass of Envoy
 * Gateway and the ACME ClusterIssuer.
 */
export class GatewayChart extends OutputChart {
  constructor(scope: App, props: GatewayChartProps) {
    super(scope, `platform-${GATEWAY_NAMESPACE}`, { folder: `platform/${GATEWAY_NAMESPACE}` });
    if (props.environments.length === 0) throw new Error('GatewayChart: no deployed environment; expected at least one environment with gitops');
    new AppNamespace(this, 'namespace', { name: GATEWAY_NAMESPACE, component: 'gateway' });
    const issuer = new AcmeClusterIssuer(this, 'issuer', {
      name: ACME_ISSUER.name,
      server: ACME_ISSUER.server,
      email: ACME_ISSUER.email,
      accountKeySecretName: ACME_ISSUER.accountKeySecretName,
      http01Gateway: { name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, sectionName: HTTP_LISTENER_NAME },
    });
    new ExamGateway(this, 'gateway', {
      name: GATEWAY_NAME,
      namespace: GATEWAY_NAMESPACE,
      gatewayClassName: GATEWAY_CLASS_NAME,
      gatewayClassController: GATEWAY_CONTROLLER_NAME,
      httpsListeners: props.environments.flatMap(environmentListeners),
      httpListenerName: HTTP_LISTENER_NAME,
      redirectRouteName: HTTPS_REDIRECT_ROUTE_NAME,
      clusterIssuer: issuer.name,
    });
    new GatewayNamespacePolicies(this, 'network-policies', {
      namespace: GATEWAY_NAMESPACE,
      gatewayDataPlane: { namespace: GATEWAY_CONTROLLER_NAMESPACE, podLabels: gatewayProxyLabels(GATEWAY_NAMESPACE, GATEWAY_NAME) },
      solverPodLabels: ACME_HTTP01_SOLVER.podLabels,
      solverPort: ACME_HTTP01_SOLVER.port,
    });
  }
}
