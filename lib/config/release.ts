/**
 * How releases progress (see docs/decisions.md, 'Canary steps' and 'Blue/green releases'): the canary steps and the blue/green timings. The same in
 * every environment; an environment file only chooses each service's strategy.
 */

/** The canary (see docs/decisions.md, 'Canary steps'): 10% for 2 minutes, 25% for 5, 50% for 10, 75% for 10, then 100%. */
export const CANARY_STEPS = [
  { setWeight: 10, pause: '2m' },
  { setWeight: 25, pause: '5m' },
  { setWeight: 50, pause: '10m' },
  { setWeight: 75, pause: '10m' },
] as const;

/**
 * The name the Argo Rollouts Gateway API traffic-router plugin is registered under in the
 * controller's `trafficRouterPlugins`, and the key of its config under a Rollout's
 * `trafficRouting.plugins` (rollouts-plugin-trafficrouter-gatewayapi v0.15.0,
 * pkg/plugin/plugin.go: PluginName).
 */
export const ROLLOUTS_GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/**
 * The canary's header route: the managed route (a rule the plugin adds to the HTTPRoute) that
 * sends requests with `X-Canary: always` to the canary whatever the weight, as the nginx
 * `canary-by-header` annotations did (see docs/decisions.md).
 */
export const CANARY_HEADER_ROUTE_NAME = 'canary-by-header';

/**
 * Headers that reach a release's new version through the live host: the canary's header route
 * and the blue/green preview rule. Anyone who sends the header reaches the new version; these
 * are test switches, not access control.
 */
export const CANARY_HEADER = { name: 'X-Canary', value: 'always' } as const;
export const PREVIEW_HEADER = { name: 'X-Preview', value: 'always' } as const;

/**
 * How long the previous blue/green color keeps running after the switch. It must outlast the
 * post-promotion analysis (checked by lib/analysis/rollout-timing.ts), so that a failed
 * verification switches back to pods that are still there.
 */
export const BLUE_GREEN_SCALE_DOWN_DELAY_SECONDS = 600;

/** Rollout name for a service: exam-service's is `exam-service-rollout` (see docs/decisions.md, 'Canary steps'). */
export function rolloutName(service: string): string {
  return `${service}-rollout`;
}

/**
 * The release promise: from the moment a new version regresses to the abort that returns all
 * traffic to the stable version, at most this long, for every Rollout. Checked against the
 * synthesized AnalysisTemplates by lib/analysis/rollout-timing.ts (see docs/decisions.md).
 */
export const MAX_REGRESSION_TO_ABORT_SECONDS = 180;
