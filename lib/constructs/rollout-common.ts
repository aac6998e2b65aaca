/** What the canary and blue/green Rollout constructs share. */
import * as argo from '../../imports/argoproj.io';
import { PodBlueprint, toRolloutPodTemplate } from './pod-template';

/** Props every Rollout takes, whatever its strategy. */
export interface RolloutBaseProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** E.g. notification subscriptions. @default none */
  readonly annotations?: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly replicas: number;
  readonly pod: PodBlueprint;
}

/**
 * An argument the controller fills when it creates the AnalysisRun: the pod-template hash of
 * the `Latest` (being released) or the `Stable` ReplicaSet (argo-rollouts
 * utils/analysis/factory.go: BuildArgumentsForRolloutAnalysisRun).
 */
export interface PodTemplateHashArg {
  readonly podTemplateHashValue: 'Latest' | 'Stable';
}

/** Which AnalysisTemplates an analysis runs, with which args. */
export interface AnalysisRef {
  /** AnalysisTemplate names in the Rollout's namespace. */
  readonly templates: readonly string[];
  /**
   * Template arguments, e.g. `{ 'service-name': 'exam-service-canary', 'pod-template-hash':
   * { podTemplateHashValue: 'Latest' } }`.
   */
  readonly args: Readonly<Record<string, string | PodTemplateHashArg>>;
}

export function analysisSpec(ref: AnalysisRef) {
  if (ref.templates.length === 0) throw new Error('an analysis needs at least one AnalysisTemplate');
  return {
    templates: ref.templates.map((templateName) => ({ templateName })),
    args: Object.keys(ref.args)
      .sort()
      .map((name) => {
        const arg = ref.args[name];
        return typeof arg === 'string' ? { name, value: arg } : { name, valueFrom: { podTemplateHashValue: arg.podTemplateHashValue } };
      }),
  };
}

/** A Rollout's props: the shared metadata, selector and pod template, plus a strategy. */
export function rolloutProps(props: RolloutBaseProps, strategy: argo.RolloutSpecStrategy): argo.RolloutProps {
  return {
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: props.annotations },
    spec: {
      replicas: props.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: props.selector },
      template: toRolloutPodTemplate(props.pod),
      strategy,
    },
  };
}
