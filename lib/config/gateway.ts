/**
 * Traffic into the cluster: the one shared Gateway API Gateway that serves every deployed
 * environment, the implementation behind it (Envoy Gateway) and the names routes attach to.
 * Data only; the objects are built by lib/charts/gateway-chart.ts and the environment charts.
 */
import type { EnvironmentName } from './schema';

/** The namespace of the shared Gateway and its Certificates (a platform namespace). */
export const GATEWAY_NAMESPACE = 'exam-gateway';

/** The one Gateway every deployed environment's HTTPRoutes attach to. */
export const GATEWAY_NAME = 'exam-gateway';

/** The GatewayClass of Envoy Gateway. Its chart makes none, so this repository does. */
export const GATEWAY_CLASS_NAME = 'eg';

/**
 * The controller name Envoy Gateway reconciles GatewayClasses for (envoyproxy/gateway v1.9.0,
 * api/v1alpha1/envoygateway_types.go: GatewayControllerName).
 */
export const GATEWAY_CONTROLLER_NAME = 'gateway.envoyproxy.io/gatewayclass-controller';

/** Where Envoy Gateway runs its controller and, by default, the Envoy proxies of every Gateway. */
export const GATEWAY_CONTROLLER_NAMESPACE = 'envoy-gateway-system';

/**
 * The labels Envoy Gateway puts on every Envoy proxy pod it runs (envoyproxy/gateway v1.9.0:
 * internal/infrastructure/kubernetes/proxy/resource.go, EnvoyAppLabel).
 */
export const ENVOY_PROXY_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'envoy',
  'app.kubernetes.io/component': 'proxy',
  'app.kubernetes.io/managed-by': 'envoy-gateway',
};

/**
 * The labels of the proxy pods of one Gateway: ENVOY_PROXY_LABELS plus the owning-gateway
 * labels (internal/gatewayapi/helpers.go). NetworkPolicies admit exactly these pods.
 */
export function gatewayProxyLabels(gatewayNamespace: string = GATEWAY_NAMESPACE, gatewayName: string = GATEWAY_NAME): Record<string, string> {
  return {
    ...ENVOY_PROXY_LABELS,
    'gateway.envoyproxy.io/owning-gateway-name': gatewayName,
    'gateway.envoyproxy.io/owning-gateway-namespace': gatewayNamespace,
  };
}

/** What a service is exposed as: the environment's web host or its API host. */
export type Exposure = 'web' | 'api';

/** The HTTPS listener of one environment's host, e.g. `production-web`: routes name it as sectionName. */
export function listenerName(environment: EnvironmentName, exposure: Exposure): string {
  return `${environment}-${exposure}`;
}

/** The plain-HTTP listener: it redirects to HTTPS and serves the ACME HTTP-01 challenges. */
export const HTTP_LISTENER_NAME = 'http';

/** The HTTPRoute (in the Gateway's namespace) that answers every plain-HTTP request with a redirect. */
export const HTTPS_REDIRECT_ROUTE_NAME = 'https-redirect';
