import { Construct } from 'constructs';
import * as argo from '../../imports/argoproj.io';
import { AnalysisRef, RolloutBaseProps, analysisSpec, rolloutProps } from './rollout-common';

export interface BlueGreenRolloutProps extends RolloutBaseProps {
  /** The Service that carries live traffic (`auth-service`, `frontend-service` in production). */
  readonly activeService: string;
  /** The Service that reaches the new color before the switch. */
  readonly previewService: string;
  /** Switch as soon as the pre-promotion analysis passes; otherwise a person promotes. */
  readonly autoPromotion: boolean;
  /** Health check of the new color, through the preview Service, before the switch. */
  readonly prePromotionAnalysis: AnalysisRef;
  /** Verification after the switch; a failure switches traffic back. */
  readonly postPromotionAnalysis: AnalysisRef;
  /** How long the previous color keeps running after the switch (instant rollback). */
  readonly scaleDownDelaySeconds: number;
}

/**
 * The blue/green procedure (see docs/decisions.md, 'Blue/green releases'), declaratively: deploy the new color, health-check it
 * through the preview Service, switch the active Service, verify, keep the old color for
 * instant rollback, scale it down after. Argo Rollouts does each step; nothing runs kubectl.
 */
export class BlueGreenRollout extends Construct {
  constructor(scope: Construct, id: string, props: BlueGreenRolloutProps) {
    super(scope, id);
    if (props.activeService === props.previewService) {
      throw new Error(`BlueGreenRollout ${props.name}: activeService and previewService must differ`);
    }
    if (!Number.isInteger(props.scaleDownDelaySeconds) || props.scaleDownDelaySeconds < 30) {
      throw new Error(`BlueGreenRollout ${props.name}: scaleDownDelaySeconds must be a whole number >= 30`);
    }
    new argo.Rollout(
      this,
      'rollout',
      rolloutProps(props, {
        blueGreen: {
          activeService: props.activeService,
          previewService: props.previewService,
          autoPromotionEnabled: props.autoPromotion,
          prePromotionAnalysis: analysisSpec(props.prePromotionAnalysis),
          postPromotionAnalysis: analysisSpec(props.postPromotionAnalysis),
          scaleDownDelaySeconds: props.scaleDownDelaySeconds,
        },
      }),
    );
  }
}
