import { Construct } from 'constructs';
import * as argo from '../../imports/argoproj.io';
import { ROLLOUTS_GATEWAY_API_PLUGIN } from '../config/release';
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
  /**
   * The HTTPRoute, in the Rollout's namespace, one of whose rules lists both the stable and the
   * canary Service: the Argo Rollouts Gateway API plugin sets their weights at every step.
   */
  readonly httpRoute: string;
  /**
   * A header that reaches the canary at any weight: a `setHeaderRoute` step right after the
   * first `setWeight` (when the canary has pods), listed in `managedRoutes`, so the plugin adds
   * the header rule to the route and removes it when the rollout completes or aborts.
   * @default no header route
   */
  readonly headerRoute?: { readonly name: string; readonly header: { readonly name: string; readonly value: string } };
  /** Analysis that runs in the background from the first step until the rollout completes. */
  readonly backgroundAnalysis: AnalysisRef;
}

/**
 * An Argo Rollouts canary on the Gateway API, through the Argo Rollouts Gateway API plugin
 * (`trafficRouting.plugins["argoproj-labs/gatewayAPI"]`). Each `setWeight` becomes the weights
 * of the stable and canary Services in the HTTPRoute; each step is followed by its pause.
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
    const header = props.headerRoute;
    if (header !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(header.name)) {
      throw new Error(`CanaryRollout ${props.name}: header route name "${header.name}" is not a DNS label; expected e.g. canary-by-header (it names a rule of the HTTPRoute)`);
    }
    new argo.Rollout(
      this,
      'rollout',
      rolloutProps(props, {
        canary: {
          stableService: props.stableService,
          canaryService: props.canaryService,
          trafficRouting: {
            managedRoutes: header === undefined ? undefined : [{ name: header.name }],
            plugins: { [ROLLOUTS_GATEWAY_API_PLUGIN]: { httpRoutes: [{ name: props.httpRoute, useHeaderRoutes: header !== undefined }] } },
          },
          analysis: analysisSpec(props.backgroundAnalysis),
          steps: props.steps.flatMap((s, i) => [
            { setWeight: s.setWeight },
            // Right after the first weight: Argo Rollouts removes managed routes while the canary
            // has no available pod (rollout/trafficrouting.go), so the header route waits for them.
            ...(i === 0 && header !== undefined
              ? [{ setHeaderRoute: { name: header.name, match: [{ headerName: header.header.name, headerValue: { exact: header.header.value } }] } }]
              : []),
            { pause: s.pause === undefined ? {} : { duration: argo.RolloutSpecStrategyCanaryStepsPauseDuration.fromString(s.pause) } },
          ]),
        },
      }),
    );
  }
}
