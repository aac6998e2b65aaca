import { Construct } from 'constructs';
import { ScaledObject as KedaScaledObject } from '../../imports/keda.sh';

/** A floor KEDA's cron scaler holds between two wall-clock crons (robfig/cron, five fields). */
export interface ScheduledFloor {
  /** The trigger's name (unique in the ScaledObject): the exam session's. */
  readonly name: string;
  /** When the floor rises, e.g. `30 7 * * 1-6`. */
  readonly start: string;
  /** When it falls back, same day, e.g. `30 12 * * 1-6`. */
  readonly end: string;
  /** IANA zone both crons are read in. */
  readonly timeZone: string;
  /** The replicas held between start and end. */
  readonly desiredReplicas: number;
}

export interface ScaledObjectProps {
  /** The ScaledObject's name; KEDA names its HPA `keda-hpa-<name>`. */
  readonly name: string;
  readonly namespace: string;
  /** @default none */
  readonly labels?: Record<string, string>;
  /** The workload scaled: a Deployment (apps/v1) or a Rollout (argoproj.io/v1alpha1). */
  readonly target: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The `cpu` trigger's average utilization target, in percent of the requests. */
  readonly targetCPUUtilizationPercentage: number;
  /** One `cron` trigger each. @default none */
  readonly floors?: readonly ScheduledFloor[];
  /** The HPA's scale-down stabilization. @default 300 */
  readonly scaleDownStabilizationSeconds?: number;
  /**
   * The name of the HPA KEDA makes, and whether KEDA may adopt an existing HPA of that name
   * (annotation `scaledobject.keda.sh/transfer-hpa-ownership`). Adopting is how a workload
   * moves from a plain HPA to KEDA: without it KEDA's admission webhook refuses the ScaledObject
   * while the old HPA still exists (kedacore/keda `apis/keda/v1alpha1/scaledobject_webhook.go`,
   * `verifyHpas`), and Argo CD prunes the old HPA only after the last wave (PruneLast).
   * @default `keda-hpa-<name>`, no adoption
   */
  readonly hpa?: { readonly name: string; readonly adoptExisting: boolean };
}

/** KEDA's annotation that lets a ScaledObject take over the existing HPA it names. */
export const TRANSFER_HPA_OWNERSHIP_ANNOTATION = 'scaledobject.keda.sh/transfer-hpa-ownership';

/**
 * A KEDA ScaledObject: CPU scaling like an HPA (the `cpu` trigger), plus one `cron` trigger per
 * scheduled floor. KEDA makes and owns the HPA (`keda-hpa-<name>` unless `hpa.name` says), whose desired count is the
 * largest of the triggers': between a cron trigger's start and end its metric equals
 * `desiredReplicas` against a target of 1 per replica (kedacore/keda
 * `pkg/scalers/cron_scaler.go`), so the workload runs at least that many. No other HPA may
 * target the same workload (the two would fight over its replicas).
 */
export class ScaledObject extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ScaledObjectProps) {
    super(scope, id);
    const where = `ScaledObject ${props.namespace}/${props.name}`;
    if (props.minReplicas < 1 || props.maxReplicas < props.minReplicas) {
      throw new Error(`${where}: expected 1 <= minReplicas (${props.minReplicas}) <= maxReplicas (${props.maxReplicas})`);
    }
    const names = new Set<string>();
    for (const f of props.floors ?? []) {
      if (names.has(f.name)) throw new Error(`${where}: two cron triggers named ${f.name}; expected unique names`);
      names.add(f.name);
      // KEDA's cronMetadata.Validate refuses equal crons and a zero desiredReplicas.
      if (f.start === f.end) throw new Error(`${where}: trigger ${f.name}: start and end are both "${f.start}"; KEDA refuses that`);
      if (f.desiredReplicas < 1 || f.desiredReplicas > props.maxReplicas) {
        throw new Error(`${where}: trigger ${f.name}: desiredReplicas ${f.desiredReplicas} outside 1-${props.maxReplicas} (maxReplicas); the HPA would cap it`);
      }
    }
    this.name = props.name;
    new KedaScaledObject(this, 'resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: props.labels,
        annotations: props.hpa?.adoptExisting === true ? { [TRANSFER_HPA_OWNERSHIP_ANNOTATION]: 'true' } : undefined,
      },
      spec: {
        scaleTargetRef: { apiVersion: props.target.apiVersion, kind: props.target.kind, name: props.target.name },
        minReplicaCount: props.minReplicas,
        maxReplicaCount: props.maxReplicas,
        advanced: {
          horizontalPodAutoscalerConfig: {
            name: props.hpa?.name,
            behavior: { scaleDown: { stabilizationWindowSeconds: props.scaleDownStabilizationSeconds ?? 300 } },
          },
        },
        triggers: [
          { type: 'cpu', metricType: 'Utilization', metadata: { value: String(props.targetCPUUtilizationPercentage) } },
          ...(props.floors ?? []).map((f) => ({
            type: 'cron',
            name: f.name,
            metadata: { timezone: f.timeZone, start: f.start, end: f.end, desiredReplicas: String(f.desiredReplicas) },
          })),
        ],
      },
    });
  }
}
