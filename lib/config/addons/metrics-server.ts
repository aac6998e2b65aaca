/**
 * metrics-server (chart metrics-server 3.13.1, app 0.8.1): the resource metrics API that HPAs
 * (and KEDA's cpu trigger) read. Values: kubernetes-sigs/metrics-server tag
 * metrics-server-helm-chart-3.13.1, charts/metrics-server/values.yaml.
 */

export interface MetricsServerValues {
  /** Two replicas and a PDB: every HPA stops scaling while the metrics API is down. */
  readonly replicas: number;
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable: number };
}

export const metricsServerValues: MetricsServerValues = {
  replicas: 2,
  podDisruptionBudget: { enabled: true, minAvailable: 1 },
};
