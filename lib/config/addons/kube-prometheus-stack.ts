/**
 * The monitoring stack (chart kube-prometheus-stack 88.5.3: Prometheus Operator, Prometheus,
 * Alertmanager, Grafana, kube-state-metrics, node-exporter). Values:
 * prometheus-community/helm-charts tag kube-prometheus-stack-88.5.3,
 * charts/kube-prometheus-stack/values.yaml.
 *
 * Prometheus keeps the chart's default selectors (`serviceMonitorSelectorNilUsesHelmValues`
 * and `ruleSelectorNilUsesHelmValues` stay true): it selects ServiceMonitors and
 * PrometheusRules labelled `release: kube-prometheus-stack`, which every one in dist/ carries.
 */
import { GRAFANA_DASHBOARD_LABEL } from '../monitoring';
import { SLO_PERIOD } from '../slos';

/**
 * Prometheus keeps the SLO period and five days more: the 30-day SLO ratios and the error budget
 * left (lib/config/slos.ts) need a full period of samples, and the margin covers a slow restart.
 */
export const PROMETHEUS_RETENTION = `${SLO_PERIOD.hours / 24 + 5}d`;

export interface KubePrometheusStackValues {
  readonly crds: { readonly enabled: boolean };
  readonly prometheus: {
    readonly prometheusSpec: {
      readonly serviceMonitorSelectorNilUsesHelmValues: true;
      readonly ruleSelectorNilUsesHelmValues: true;
      readonly retention: string;
    };
  };
  readonly grafana: {
    readonly sidecar: {
      readonly dashboards: {
        readonly enabled: boolean;
        readonly label: string;
        readonly labelValue: string;
        /** `ALL`: dashboards from every namespace. */
        readonly searchNamespace: 'ALL';
      };
    };
  };
}

export const kubePrometheusStackValues: KubePrometheusStackValues = {
  crds: { enabled: true },
  prometheus: {
    prometheusSpec: { serviceMonitorSelectorNilUsesHelmValues: true, ruleSelectorNilUsesHelmValues: true, retention: PROMETHEUS_RETENTION },
  },
  grafana: {
    sidecar: {
      dashboards: { enabled: true, label: GRAFANA_DASHBOARD_LABEL.key, labelValue: GRAFANA_DASHBOARD_LABEL.value, searchNamespace: 'ALL' },
    },
  },
};
