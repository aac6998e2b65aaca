/**
 * cert-manager (chart cert-manager v1.21.1, OCI quay.io/jetstack/charts). Values:
 * cert-manager/cert-manager tag v1.21.1, deploy/charts/cert-manager/values.yaml; validated in
 * the tests against the chart's values.schema.json (imports/schemas/values/).
 */
import { MONITORING_SELECTOR_LABELS } from '../monitoring';

export interface CertManagerValues {
  /** The chart installs and keeps the CRDs (its README: `--set crds.enabled=true`). */
  readonly crds: { readonly enabled: boolean; readonly keep: boolean };
  readonly replicaCount: number;
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable: number };
  /**
   * The controller's ControllerConfiguration. `enableGatewayAPI` lets the ACME HTTP-01 solver
   * answer through a Gateway API HTTPRoute (lib/config/tls.ts).
   */
  readonly config: {
    readonly apiVersion: 'controller.config.cert-manager.io/v1alpha1';
    readonly kind: 'ControllerConfiguration';
    readonly enableGatewayAPI: boolean;
  };
  readonly prometheus: {
    readonly enabled: boolean;
    readonly servicemonitor: { readonly enabled: boolean; readonly labels: Readonly<Record<string, string>> };
  };
}

export const certManagerValues: CertManagerValues = {
  crds: { enabled: true, keep: true },
  replicaCount: 2,
  podDisruptionBudget: { enabled: true, minAvailable: 1 },
  config: { apiVersion: 'controller.config.cert-manager.io/v1alpha1', kind: 'ControllerConfiguration', enableGatewayAPI: true },
  prometheus: { enabled: true, servicemonitor: { enabled: true, labels: { ...MONITORING_SELECTOR_LABELS } } },
};
