/**
 * Argo CD managing its own install (chart argo-cd). The chart lags the application (10.1.1
 * ships v3.4.4), so the image is pinned to the release the imports come from. Values: see
 * the chart's values.yaml at argoproj/argo-helm tag argo-cd-10.1.1 (charts/argo-cd/values.yaml).
 */
import { MONITORING_SELECTOR_LABELS } from '../monitoring';
import { ARGOCD_VERSION } from '../versions';

/**
 * Application health (argoproj/argo-cd docs/operator-manual/health.md, "Argo CD App"): Argo CD
 * 1.8 stopped assessing the health of Application objects, so without this check an app of
 * apps moves to the next sync wave as soon as a child Application is created, not when its
 * resources are healthy. With it, the root's waves hold until each add-on is Healthy.
 */
export const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

/**
 * The Rollouts Gateway API plugin rewrites the weights of an HTTPRoute's backendRefs during a
 * canary and labels the route `rollouts.argoproj.io/gatewayapi-canary: in-progress` meanwhile
 * (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi docs/installation.md, v0.15.0).
 * Argo CD must not revert those rules while the label is set.
 */
export const HTTPROUTE_IGNORE_DIFFERENCES = `jqPathExpressions:
  - select(.metadata.labels["rollouts.argoproj.io/gatewayapi-canary"] == "in-progress") | .spec.rules
`;

/** Webhook CA bundles are injected in the cluster (cert-manager's cainjector, ESO's cert-controller, kube-prometheus-stack's patch job). */
export const WEBHOOK_CA_IGNORE_DIFFERENCES = `jqPathExpressions:
  - .webhooks[]?.clientConfig.caBundle
`;

export const CRD_CA_IGNORE_DIFFERENCES = `jqPathExpressions:
  - .spec.conversion.webhook.clientConfig.caBundle
`;

export interface ArgoCdValues {
  readonly global: { readonly image: { readonly tag: string } };
  readonly crds: { readonly install: boolean; readonly keep: boolean };
  readonly configs: {
    /** Keys of argocd-cm, merged over the chart's defaults. */
    readonly cm: Readonly<Record<string, string | boolean>>;
  };
  /**
   * The application controller's metrics (argocd_app_info, argocd_app_sync_total: the release
   * dashboards' sync annotations), scraped through a ServiceMonitor the add-on's Prometheus selects.
   */
  readonly controller: {
    readonly metrics: { readonly enabled: boolean; readonly serviceMonitor: { readonly enabled: boolean; readonly additionalLabels: Readonly<Record<string, string>> } };
  };
  readonly notifications: {
    readonly enabled: boolean;
    /** argocd-notifications-cm and argocd-notifications-secret are synthesized into dist/platform/argocd/. */
    readonly cm: { readonly create: false };
    readonly secret: { readonly create: false };
  };
}

export const argoCdValues: ArgoCdValues = {
  global: { image: { tag: ARGOCD_VERSION } },
  crds: { install: true, keep: true },
  configs: {
    cm: {
      'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA,
      'resource.customizations.ignoreDifferences.gateway.networking.k8s.io_HTTPRoute': HTTPROUTE_IGNORE_DIFFERENCES,
      'resource.customizations.ignoreDifferences.admissionregistration.k8s.io_MutatingWebhookConfiguration': WEBHOOK_CA_IGNORE_DIFFERENCES,
      'resource.customizations.ignoreDifferences.admissionregistration.k8s.io_ValidatingWebhookConfiguration': WEBHOOK_CA_IGNORE_DIFFERENCES,
      'resource.customizations.ignoreDifferences.apiextensions.k8s.io_CustomResourceDefinition': CRD_CA_IGNORE_DIFFERENCES,
    },
  },
  controller: { metrics: { enabled: true, serviceMonitor: { enabled: true, additionalLabels: { ...MONITORING_SELECTOR_LABELS } } } },
  notifications: { enabled: true, cm: { create: false }, secret: { create: false } },
};
