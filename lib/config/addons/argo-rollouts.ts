/**
 * Argo Rollouts (chart argo-rollouts 2.41.0, which ships v1.9.0; the controller runs v1.9.1)
 * with the Gateway API traffic-router plugin. Values: argoproj/argo-helm tag
 * argo-rollouts-2.41.0, charts/argo-rollouts/values.yaml.
 */
import { ARGO_ROLLOUTS_VERSION, ROLLOUTS_GATEWAYAPI_PLUGIN_VERSION } from '../versions';
import { MONITORING_SELECTOR_LABELS } from '../monitoring';

/** The name the plugin reads its Rollout configuration under (pkg/plugin/plugin.go, PluginName). */
export const GATEWAY_API_PLUGIN_NAME = 'argoproj-labs/gatewayAPI';

/**
 * The plugin binary the controller downloads at startup (release asset of
 * argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi; the nodes are linux/amd64). The
 * release publishes no checksum, so the entry carries no `sha256`: an open pin
 * (docs/decisions.md).
 */
export const GATEWAY_API_PLUGIN_LOCATION = `https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/${ROLLOUTS_GATEWAYAPI_PLUGIN_VERSION}/gatewayapi-plugin-linux-amd64`;

export interface TrafficRouterPlugin {
  readonly name: string;
  readonly location: string;
  readonly sha256?: string;
}

export interface ArgoRolloutsValues {
  readonly installCRDs: boolean;
  readonly keepCRDs: boolean;
  readonly controller: {
    readonly image: { readonly tag: string };
    readonly trafficRouterPlugins: readonly TrafficRouterPlugin[];
    readonly metrics: {
      readonly enabled: boolean;
      readonly serviceMonitor: { readonly enabled: boolean; readonly additionalLabels: Readonly<Record<string, string>> };
    };
  };
  /**
   * Provider RBAC: only the Gateway API rules (get/list/watch/update on the route kinds). The
   * plugin's route clients call only Get, List and Update (pkg/plugin/httproute.go and the
   * other route files at v0.15.0), so no `patch` is added.
   */
  readonly providerRBAC: {
    readonly enabled: boolean;
    readonly providers: Readonly<Record<
      'istio' | 'smi' | 'ambassador' | 'awsLoadBalancerController' | 'awsAppMesh' | 'traefik' | 'apisix' | 'contour' | 'glooPlatform' | 'gatewayAPI',
      boolean
    >>;
  };
  /** argo-rollouts-notification-configmap and its Secret are synthesized into dist/platform/argo-rollouts/. */
  readonly notifications: { readonly configmap: { readonly create: false }; readonly secret: { readonly create: false } };
  readonly dashboard: { readonly enabled: boolean };
}

export const argoRolloutsValues: ArgoRolloutsValues = {
  installCRDs: true,
  keepCRDs: true,
  controller: {
    image: { tag: ARGO_ROLLOUTS_VERSION },
    trafficRouterPlugins: [{ name: GATEWAY_API_PLUGIN_NAME, location: GATEWAY_API_PLUGIN_LOCATION }],
    metrics: { enabled: true, serviceMonitor: { enabled: true, additionalLabels: { ...MONITORING_SELECTOR_LABELS } } },
  },
  providerRBAC: {
    enabled: true,
    providers: {
      istio: false,
      smi: false,
      ambassador: false,
      awsLoadBalancerController: false,
      awsAppMesh: false,
      traefik: false,
      apisix: false,
      contour: false,
      glooPlatform: false,
      gatewayAPI: true,
    },
  },
  notifications: { configmap: { create: false }, secret: { create: false } },
  dashboard: { enabled: false },
};
