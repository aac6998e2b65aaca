/**
 * The monitoring add-on this project installs: kube-prometheus-stack, Helm release
 * `kube-prometheus-stack` in namespace `monitoring`. Its Prometheus keeps the chart's default
 * selectors (`serviceMonitorSelectorNilUsesHelmValues`, `ruleSelectorNilUsesHelmValues`: true),
 * which select ServiceMonitors and PrometheusRules labelled `release: <the Helm release>` in
 * every namespace (prometheus-community/helm-charts
 * charts/kube-prometheus-stack/templates/prometheus/prometheus.yaml). Every ServiceMonitor and
 * PrometheusRule this project writes therefore carries MONITORING_SELECTOR_LABELS.
 */
export const MONITORING = {
  /** The Helm release (and Argo CD Application) name of kube-prometheus-stack. */
  release: 'kube-prometheus-stack',
  namespace: 'monitoring',
  /** The chart's Prometheus Service: `<release>-prometheus`, port 9090. */
  prometheusUrl: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
} as const;

/** The labels the add-on's Prometheus selects ServiceMonitors and PrometheusRules by. */
export const MONITORING_SELECTOR_LABELS: Readonly<Record<string, string>> = { release: MONITORING.release };

/** kube-prometheus-stack's Helm release and namespace (the add-on's Application uses them). */
export const MONITORING_RELEASE = MONITORING.release;
export const MONITORING_NAMESPACE = MONITORING.namespace;

/** Grafana's sidecar loads ConfigMaps with this label, from every namespace. */
export const GRAFANA_DASHBOARD_LABEL = { key: 'grafana_dashboard', value: '1' } as const;

/** The in-cluster addresses the chart's Services get from the release name. */
export const PROMETHEUS_URL = MONITORING.prometheusUrl;
export const ALERTMANAGER_URL = `http://${MONITORING.release}-alertmanager.${MONITORING.namespace}.svc:9093`;
