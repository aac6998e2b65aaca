/**
 * The Argo Rollouts AnalysisTemplates of one app namespace (see docs/decisions.md, 'Release analysis'): what a canary or a
 * blue/green release is judged by, queried from the environment's Prometheus.
 *
 * ## No traffic is no evidence
 *
 * With no requests in the window, the queries have nothing to judge:
 * - no series at all (e.g. the canary's pods have not been scraped yet): the Prometheus
 *   provider turns the empty vector into an empty list, `result == []`
 *   (argo-rollouts metricproviders/prometheus: `results := make([]float64, 0, len(value))`);
 * - series without increase: `0 / 0` and histogram_quantile over zero rates give NaN, so
 *   `result == [NaN]`.
 *
 * The specified `result[0] >= 0.95` then either errors (indexing an empty list; Argo counts an
 * Error, and after consecutiveErrorLimit (default 4) errors aborts the rollout: a false
 * abort) or is false for NaN (a Failed measurement: also a false abort, as is "p95 <= 0.5"
 * on NaN). Conditions written as `len(result) == 0 || ...` would instead promote blindly.
 *
 * Decision: no traffic is neither a pass nor a fail. Each metric has a success condition and a
 * failure condition that both need a real number:
 *
 *     successCondition: len(result) > 0 && !isNaN(result[0]) && result[0] >= 0.95
 *     failureCondition: len(result) > 0 && !isNaN(result[0]) && result[0] < 0.95
 *
 * With data exactly one holds. Without data neither does, and Argo Rollouts records the
 * measurement as Inconclusive (utils/evaluate EvaluateResult: "!failCondition &&
 * !successCondition" → Inconclusive). Once a metric's inconclusive measurements exceed its
 * inconclusiveLimit, the AnalysisRun ends Inconclusive and the Rollout pauses
 * (PauseReasonInconclusiveAnalysis) until a person promotes or aborts it: a release nobody
 * uses is not promoted blindly, and an idle hour does not abort a good release.
 *
 * Why the guards are safe in Argo's expression language (expr-lang): `len` is a builtin,
 * `isNaN` is in the evaluation environment (math.IsNaN, since Argo Rollouts v1.0), and `&&`
 * short-circuits (compiled to OpJumpIfFalse), so `result[0]` is never read from an empty list.
 */
import { Construct } from 'constructs';
import * as argo from '../../imports/argoproj.io';
import {
  ANALYSIS_SETTINGS,
  RELEASE_SLO,
  SeriesScope,
  conditionPair,
  latencyQuantileQuery,
  minUpQuery,
  successRateQuery,
} from '../config/slo';
import { httpUrlProblem, isDnsLabel } from '../rules/names';
import { commonLabels } from './labels';

/** Background analysis of a canary: success rate. */
export const SUCCESS_RATE_TEMPLATE = 'success-rate';
/** Background analysis of a canary: p95 latency. */
export const RESPONSE_TIME_TEMPLATE = 'response-time';
/** Blue/green prePromotionAnalysis: the new color's pods are up and answering. */
export const PREVIEW_HEALTH_TEMPLATE = 'preview-health';
/** Blue/green postPromotionAnalysis: success rate and latency, for a bounded time. */
export const POST_PROMOTION_TEMPLATE = 'post-promotion';
/** The argument every template takes: the Service whose pods are judged (the `service` label). */
export const SERVICE_NAME_ARG = 'service-name';
/**
 * The argument every template takes: the new version's pod-template hash. Rollouts fill it
 * with `valueFrom.podTemplateHashValue: Latest`, the hash of the ReplicaSet being released
 * (argo-rollouts utils/analysis/factory.go: BuildArgumentsForRolloutAnalysisRun), and every
 * query keeps only the series whose `rollouts_pod_template_hash` is that hash. The Service
 * alone is not enough: the canary Service selects the stable pods until the canary
 * ReplicaSet is available, and the active Service the old color until the switch
 * (argo-rollouts rollout/service.go), and a rate window keeps their samples for its length
 * afterwards, so a failing new version would be judged on diluted, healthy traffic.
 */
export const POD_TEMPLATE_HASH_ARG = 'pod-template-hash';

/** The canary's background analysis. */
export const CANARY_BACKGROUND_TEMPLATES: readonly string[] = [SUCCESS_RATE_TEMPLATE, RESPONSE_TIME_TEMPLATE];

/** Metric names, as they appear in AnalysisRuns and the Rollout's status. */
export const SUCCESS_RATE_METRIC = 'success-rate';
export const RESPONSE_TIME_METRIC = 'response-time-p95';
export const PREVIEW_UP_METRIC = 'preview-up';

export interface AnalysisTemplatesProps {
  /** The app namespace; the templates live there, next to the Rollouts that use them. */
  readonly namespace: string;
  /**
   * The environment's Prometheus, e.g. http://kube-prometheus-stack-prometheus.monitoring.svc:9090.
   * A full URL: the specified `http://prometheus:9090` resolves only inside the monitoring namespace.
   */
  readonly prometheusAddress: string;
}

const SERVICE_ARG_PLACEHOLDER = `{{args.${SERVICE_NAME_ARG}}}`;
const HASH_ARG_PLACEHOLDER = `{{args.${POD_TEMPLATE_HASH_ARG}}}`;

/**
 * AnalysisTemplates `success-rate`, `response-time`, `preview-health` and `post-promotion` in
 * one namespace, all taking the arguments `service-name` and `pod-template-hash`.
 */
export class AnalysisTemplates extends Construct {
  /** Template names, in creation order. */
  public readonly names: readonly string[];

  constructor(scope: Construct, id: string, props: AnalysisTemplatesProps) {
    super(scope, id);
    if (!isDnsLabel(props.namespace)) {
      throw new Error(`AnalysisTemplates ${props.namespace}: namespace is not a Kubernetes name; expected lower-case letters, digits and "-"`);
    }
    const urlProblem = httpUrlProblem(props.prometheusAddress);
    if (urlProblem !== undefined) throw new Error(`AnalysisTemplates ${props.namespace}: prometheusAddress: ${urlProblem}`);
    const address = props.prometheusAddress.replace(/\/+$/, '');
    const series: SeriesScope = { namespace: props.namespace, service: SERVICE_ARG_PLACEHOLDER, podTemplateHash: HASH_ARG_PLACEHOLDER };
    const s = ANALYSIS_SETTINGS;

    const successRate = (extra: Partial<argo.AnalysisTemplateSpecMetrics>): argo.AnalysisTemplateSpecMetrics => ({
      name: SUCCESS_RATE_METRIC,
      interval: s.interval,
      failureLimit: argo.AnalysisTemplateSpecMetricsFailureLimit.fromNumber(s.failureLimit),
      ...conditionPair('>=', RELEASE_SLO.minSuccessRate),
      provider: { prometheus: { address, query: successRateQuery(series, s.window) } },
      ...extra,
    });
    const responseTime = (extra: Partial<argo.AnalysisTemplateSpecMetrics>): argo.AnalysisTemplateSpecMetrics => ({
      name: RESPONSE_TIME_METRIC,
      interval: s.interval,
      failureLimit: argo.AnalysisTemplateSpecMetricsFailureLimit.fromNumber(s.failureLimit),
      ...conditionPair('<=', RELEASE_SLO.maxLatencySeconds),
      provider: { prometheus: { address, query: latencyQuantileQuery(series, RELEASE_SLO.latencyQuantile, s.window) } },
      ...extra,
    });

    // Background analysis: no count, so it measures until the canary completes (the specified
    // count: 10 stopped after 5 minutes of a 27-minute canary).
    const background = { inconclusiveLimit: argo.AnalysisTemplateSpecMetricsInconclusiveLimit.fromNumber(s.backgroundInconclusiveLimit) };
    // Post-promotion: a count, so the run completes and the blue/green release can finish.
    const bounded = {
      count: argo.AnalysisTemplateSpecMetricsCount.fromNumber(s.postPromotionCount),
      inconclusiveLimit: argo.AnalysisTemplateSpecMetricsInconclusiveLimit.fromNumber(s.postPromotionInconclusiveLimit),
    };

    const templates: Record<string, argo.AnalysisTemplateSpecMetrics[]> = {
      [SUCCESS_RATE_TEMPLATE]: [successRate(background)],
      [RESPONSE_TIME_TEMPLATE]: [responseTime(background)],
      [POST_PROMOTION_TEMPLATE]: [successRate(bounded), responseTime(bounded)],
      [PREVIEW_HEALTH_TEMPLATE]: [
        {
          name: PREVIEW_UP_METRIC,
          interval: s.interval,
          count: argo.AnalysisTemplateSpecMetricsCount.fromNumber(s.previewHealthCount),
          failureLimit: argo.AnalysisTemplateSpecMetricsFailureLimit.fromNumber(s.previewHealthFailureLimit),
          inconclusiveLimit: argo.AnalysisTemplateSpecMetricsInconclusiveLimit.fromNumber(s.previewHealthInconclusiveLimit),
          ...conditionPair('>=', RELEASE_SLO.minUp),
          provider: { prometheus: { address, query: minUpQuery(series) } },
        },
      ],
    };

    this.names = Object.keys(templates);
    for (const [name, metrics] of Object.entries(templates)) {
      new argo.AnalysisTemplate(this, name, {
        metadata: { name, namespace: props.namespace, labels: commonLabels('release-analysis') },
        spec: { args: [{ name: POD_TEMPLATE_HASH_ARG }, { name: SERVICE_NAME_ARG }], metrics },
      });
    }
  }
}
