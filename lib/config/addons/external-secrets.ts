/**
 * External Secrets Operator (chart external-secrets 2.9.0). Values:
 * external-secrets/external-secrets tag helm-chart-2.9.0, deploy/charts/external-secrets/values.yaml;
 * validated in the tests against the chart's values.schema.json (imports/schemas/values/).
 */
import { MONITORING_SELECTOR_LABELS } from '../monitoring';

export interface ExternalSecretsValues {
  readonly installCRDs: boolean;
  readonly replicaCount: number;
  readonly serviceMonitor: {
    readonly enabled: boolean;
    /** `failIfMissing`: a render without the ServiceMonitor CRD fails instead of silently dropping it. */
    readonly renderMode: 'skipIfMissing' | 'failIfMissing' | 'alwaysRender';
    readonly additionalLabels: Readonly<Record<string, string>>;
  };
}

export const externalSecretsValues: ExternalSecretsValues = {
  installCRDs: true,
  replicaCount: 2,
  serviceMonitor: { enabled: true, renderMode: 'failIfMissing', additionalLabels: { ...MONITORING_SELECTOR_LABELS } },
};
