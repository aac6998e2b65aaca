/**
 * Where the monitoring add-on runs and how it finds what to scrape (the shared contract of
 * every chart that makes ServiceMonitors or dashboards). Data only.
 */

/** kube-prometheus-stack's Helm release and namespace. */
export const MONITORING_RELEASE = 'kube-prometheus-stack';
export const MONITORING_NAMESPACE = 'monitoring';

/**
 * Prometheus keeps the chart's default selectors, which select ServiceMonitors and
 * PrometheusRules carrying this label (`release: <release name>`).
 */
export const PROMETHEUS_SELECTOR_LABELS: Readonly<Record<string, string>> = { release: MONITORING_RELEASE };

/** Grafana's sidecar loads ConfigMaps with this label, from every namespace. */
export const GRAFANA_DASHBOARD_LABEL = { key: 'grafana_dashboard', value: '1' } as const;

/** The in-cluster addresses the chart's Services get from the release name. */
export const PROMETHEUS_URL = `http://${MONITORING_RELEASE}-prometheus.${MONITORING_NAMESPACE}.svc:9090`;
export const ALERTMANAGER_URL = `http://${MONITORING_RELEASE}-alertmanager.${MONITORING_NAMESPACE}.svc:9093`;
