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
 * Header routing on the canary Ingress (see docs/decisions.md, 'Canary steps'): requests with `X-Canary: always` always
 * reach the canary, whatever the weight. Keys are nginx annotations without their prefix.
 */
export const CANARY_INGRESS_ANNOTATIONS: Readonly<Record<string, string>> = {
  'canary-by-header': 'X-Canary',
  'canary-by-header-value': 'always',
};

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
