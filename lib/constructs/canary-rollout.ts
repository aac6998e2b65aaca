import { Construct } from 'constructs';
import * as argo from '../../imports/argoproj.io';
import { AnalysisRef, RolloutBaseProps, analysisSpec, rolloutProps } from './rollout-common';

/** One canary step: shift traffic, then wait. */
export interface CanaryStep {
  /** Percent of traffic sent to the new version (1-100). */
  readonly setWeight: number;
  /** How long to hold at this weight, as a duration such as `2m`. Omit to wait for a person. */
  readonly pause?: string;
}

export interface CanaryRolloutProps extends RolloutBaseProps {
  readonly steps: readonly CanaryStep[];
  /** Service Argo Rollouts points at the stable pods (e.g. `exam-service-stable`). */
  readonly stableService: string;
  /** Service Argo Rollouts points at the canary pods (e.g. `exam-service-canary`). */
  readonly canaryService: string;
  /** The Ingress whose backend is the stable Service; the controller clones it into the canary Ingress. */
  readonly stableIngress: string;
  /** Annotations the controller adds to the canary Ingress (without the `nginx.ingress.kubernetes.io/` prefix). */
  readonly additionalIngressAnnotations?: Record<string, string>;
  /** Analysis that runs in the background from the first step until the rollout completes. */
  readonly backgroundAnalysis: AnalysisRef;
}

/**
 * An Argo Rollouts canary behind ingress-nginx (see docs/decisions.md, 'Canary steps'). The stable and canary Services
 * belong on the canary strategy, not under `trafficRouting.nginx` where the specified manifest put them:
 * the CRD has no such fields there, so they would be dropped silently.
 */
export class CanaryRollout extends Construct {
  constructor(scope: Construct, id: string, props: CanaryRolloutProps) {
    super(scope, id);
    for (const s of props.steps) {
      if (!Number.isInteger(s.setWeight) || s.setWeight < 1 || s.setWeight > 100) {
        throw new Error(`CanaryRollout ${props.name}: setWeight must be 1-100, got ${s.setWeight}`);
      }
    }
    if (props.steps.length === 0) throw new Error(`CanaryRollout ${props.name}: needs at least one step`);
    new argo.Rollout(
      this,
      'rollout',
      rolloutProps(props, {
        canary: {
          stableService: props.stableService,
          canaryService: props.canaryService,
          trafficRouting: {
            nginx: {
              stableIngress: props.stableIngress,
              additionalIngressAnnotations: props.additionalIngressAnnotations,
            },
          },
          analysis: analysisSpec(props.backgroundAnalysis),
          steps: props.steps.flatMap((s) => [
            { setWeight: s.setWeight },
            { pause: s.pause === undefined ? {} : { duration: argo.RolloutSpecStrategyCanaryStepsPauseDuration.fromString(s.pause) } },
          ]),
        },
      }),
    );
  }
}
