/**
 * KEDA (chart keda 2.20.2, app 2.20.2): the ScaledObjects that pre-scale production's
 * exam-traffic services from the exam calendar (lib/config/capacity.ts). Values:
 * kedacore/charts tag v2.20.2, keda/values.yaml. The chart's defaults already pass Pod Security
 * "restricted" (non-root, no privilege escalation, all capabilities dropped, read-only root,
 * RuntimeDefault seccomp), so only availability is set here.
 */

export interface KedaValues {
  /**
   * Two operator replicas: one leads, the other takes over (KEDA's high-availability docs);
   * while no operator runs, no cron trigger raises a floor.
   */
  readonly operator: { readonly replicaCount: number };
  /** The external metrics API the HPAs KEDA makes read: every ScaledObject stops scaling while it is down. */
  readonly metricsServer: { readonly replicaCount: number };
  /** The admission webhooks: they refuse a ScaledObject whose target another HPA already scales. */
  readonly webhooks: { readonly enabled: boolean; readonly replicaCount: number };
  /** A node drain never takes all replicas of a component at once. */
  readonly podDisruptionBudget: {
    readonly operator: { readonly minAvailable: number };
    readonly metricServer: { readonly minAvailable: number };
    readonly webhooks: { readonly minAvailable: number };
  };
}

export const kedaValues: KedaValues = {
  operator: { replicaCount: 2 },
  metricsServer: { replicaCount: 2 },
  webhooks: { enabled: true, replicaCount: 2 },
  podDisruptionBudget: { operator: { minAvailable: 1 }, metricServer: { minAvailable: 1 }, webhooks: { minAvailable: 1 } },
};
