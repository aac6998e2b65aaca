import { Construct } from 'constructs';
import { FEATURE_FLAGS, FeatureFlagModel, featuresDocument, flagdDefinition, renderJson } from '../config/feature-flags';
import { ENVIRONMENT_NAMES, EnvironmentName } from '../config/schema';
import * as k8s from './k8s';
import { commonLabels } from './labels';

/** The ConfigMap's keys. */
export const FEATURES_JSON_KEY = 'features.json';
export const FLAGD_JSON_KEY = 'flags.flagd.json';

export interface FeatureFlagsProps {
  /** The app namespace. */
  readonly namespace: string;
  /** The environment the flagd definition is resolved for (environment gate, kill switches). */
  readonly environment: EnvironmentName;
  /** The flags. @default FEATURE_FLAGS (the exam system's flags) */
  readonly model?: FeatureFlagModel;
  /** @default feature-flags */
  readonly name?: string;
}

/**
 * ConfigMap `feature-flags` (docs/decisions.md, 'Feature flags'): `features.json` is the specified document; `flags.flagd.json`
 * is the same flags as an OpenFeature flagd definition for this environment, which flagd (see
 * Flagd) reads from a directory mount and serves to the services.
 */
export class FeatureFlags extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: FeatureFlagsProps) {
    super(scope, id);
    this.name = props.name ?? 'feature-flags';
    if (!(ENVIRONMENT_NAMES as readonly string[]).includes(props.environment)) {
      throw new Error(`FeatureFlags ${this.name}: unknown environment "${props.environment}"; expected one of ${ENVIRONMENT_NAMES.join(', ')}`);
    }
    if (props.namespace === '') {
      throw new Error(`FeatureFlags ${this.name}: namespace is empty; expected the environment's app namespace`);
    }
    const model = props.model ?? FEATURE_FLAGS;
    new k8s.KubeConfigMap(this, 'configmap', {
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: { ...commonLabels('feature-flags'), 'exam-system.io/environment': props.environment },
      },
      data: {
        [FEATURES_JSON_KEY]: renderJson(featuresDocument(model)),
        [FLAGD_JSON_KEY]: renderJson(flagdDefinition(model, props.environment)),
      },
    });
  }
}
