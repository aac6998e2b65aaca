/** What the canary and blue/green Rollout constructs share. */
import { PodBlueprint } from './pod-template';

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

/** Which AnalysisTemplates an analysis runs, with which args. */
export interface AnalysisRef {
  /** AnalysisTemplate names in the Rollout's namespace. */
  readonly templates: readonly string[];
  /** Template arguments, e.g. `{ 'service-name': 'exam-service-canary' }`. */
  readonly args: Readonly<Record<string, string>>;
}

export function analysisSpec(ref: AnalysisRef) {
  if (ref.templates.length === 0) throw new Error('an analysis needs at least one AnalysisTemplate');
  return {
    templates: ref.templates.map((templateName) => ({ templateName })),
    args: Object.keys(ref.args)
      .sort()
      .map((name) => ({ name, value: ref.args[name] })),
  };
}
