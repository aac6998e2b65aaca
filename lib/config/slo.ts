/**
 * The exam system's service-level thresholds and release-analysis settings, in one place:
 * the canary/blue-green analysis and the post-deploy alerts (see docs/decisions.md, 'Release
 * analysis' and 'Post-deploy alerts'). Every
 * PromQL query the manifests carry is built by one function below, so each query text exists
 * once and the AnalysisTemplates and the alerts cannot drift apart.
 */
import { isDnsLabel } from '../rules/names';

/** What every exam service exposes on `/metrics` (see docs/decisions.md, 'Metrics the services expose'). */
export const METRICS = {
  /** Counter of handled HTTP requests, labelled with the response `status` code. */
  requests: 'http_requests_total',
  /** Histogram of request durations in seconds (its `_bucket` series carry `le`). */
  durationBuckets: 'http_request_duration_seconds_bucket',
  /** The label holding the HTTP status code. */
  statusLabel: 'status',
  /** Server errors: what counts against the success rate. */
  serverErrorStatus: '5..',
} as const;

/**
 * The pod label Argo Rollouts stamps on every pod of a Rollout's ReplicaSet, one value per pod
 * template (argo-rollouts pkg/apis/rollouts/v1alpha1/types.go: DefaultRolloutUniqueLabelKey).
 * The ServiceMonitors copy it onto every series (`podTargetLabels`).
 */
export const POD_TEMPLATE_HASH_POD_LABEL = 'rollouts-pod-template-hash';

/**
 * The Prometheus label a pod label becomes through `podTargetLabels`: the Prometheus Operator
 * replaces every character outside [a-zA-Z0-9_] with `_` (prometheus-operator
 * pkg/prometheus/promcfg.go: sanitizeLabelName).
 */
export function prometheusLabelName(podLabel: string): string {
  return podLabel.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** `rollouts_pod_template_hash`: which ReplicaSet (pod template) a series comes from. */
export const POD_TEMPLATE_HASH_LABEL = prometheusLabelName(POD_TEMPLATE_HASH_POD_LABEL);

/**
 * Which series a query reads. `service` is the Prometheus Operator's `service` target label:
 * the name of the Kubernetes Service through which the pods were discovered (so the canary
 * Service's series are the canary pods only). `namespace` keeps environments apart when one
 * Prometheus scrapes them all: every environment has Services of the same names.
 */
export interface SeriesScope {
  /** A namespace name. */
  readonly namespace: string;
  /** A Service name, or an Argo Rollouts placeholder such as `{{args.service-name}}`. */
  readonly service: string;
  /**
   * Only the pods of one pod template (ReplicaSet): a `rollouts-pod-template-hash` value, or a
   * placeholder such as `{{args.pod-template-hash}}`. @default every pod behind the Service
   */
  readonly podTemplateHash?: string;
}

const ARG = /^\{\{args\.(.+)\}\}$/;

/** The validated label matchers of a scope, `{namespace="...",service="..."<extra>}`. */
export function matchers(scope: SeriesScope, extra = ''): string {
  if (!isDnsLabel(scope.namespace)) throw new Error(`SLO query: namespace "${scope.namespace}" is not a Kubernetes name`);
  if (!isDnsLabel(scope.service) && !isDnsLabel(ARG.exec(scope.service)?.[1] ?? '')) {
    throw new Error(`SLO query: service "${scope.service}" is neither a Kubernetes name nor an {{args.x}} placeholder`);
  }
  let hash = '';
  if (scope.podTemplateHash !== undefined) {
    if (!/^[a-z0-9]+$/.test(scope.podTemplateHash) && !ARG.test(scope.podTemplateHash)) {
      throw new Error(`SLO query: pod template hash "${scope.podTemplateHash}" is neither a hash nor an {{args.x}} placeholder`);
    }
    hash = `,${POD_TEMPLATE_HASH_LABEL}="${scope.podTemplateHash}"`;
  }
  return `{namespace="${scope.namespace}",service="${scope.service}"${hash}${extra}}`;
}

function by(labels: readonly string[]): string {
  return labels.length === 0 ? '' : ` by (${labels.join(', ')}) `;
}

/**
 * Share of requests that did not end in a server error (status!~"5..") over `window`.
 * `groupBy` keeps labels in the result (the alerts keep namespace and service).
 *
 * Written as 1 - errors / all, with a missing error series counted as 0 errors (`or 0 * all`,
 * which keeps the groups' labels): a version whose every answer is a 5xx has no non-5xx series
 * at all, and "non-5xx / all" would be an empty result, i.e. no data and Inconclusive, where
 * it must fail. With no request series at all the result stays empty, and with series but no
 * traffic it is 0/0 = NaN: no traffic is still no evidence.
 */
export function successRateQuery(scope: SeriesScope, window: string, groupBy: readonly string[] = []): string {
  const { requests, statusLabel, serverErrorStatus } = METRICS;
  const all = `sum${by(groupBy)}(rate(${requests}${matchers(scope)}[${window}]))`;
  return (
    `1 - (\n` +
    `  sum${by(groupBy)}(rate(${requests}${matchers(scope, `,${statusLabel}=~"${serverErrorStatus}"`)}[${window}]))\n` +
    `  or 0 * ${all}\n` +
    `)\n` +
    `/\n` +
    `${all}`
  );
}

/** Share of requests that ended in a server error (status=~"5..") over `window`. */
export function errorRateQuery(scope: SeriesScope, window: string, groupBy: readonly string[] = []): string {
  const { requests, statusLabel, serverErrorStatus } = METRICS;
  return (
    `sum${by(groupBy)}(rate(${requests}${matchers(scope, `,${statusLabel}=~"${serverErrorStatus}"`)}[${window}]))\n` +
    `/\n` +
    `sum${by(groupBy)}(rate(${requests}${matchers(scope)}[${window}]))`
  );
}

/** The `quantile` (e.g. 0.95) of request durations in seconds over `window`. */
export function latencyQuantileQuery(scope: SeriesScope, quantile: number, window: string, groupBy: readonly string[] = []): string {
  if (!(quantile > 0 && quantile < 1)) throw new Error(`SLO query: quantile ${quantile} must be between 0 and 1`);
  return `histogram_quantile(${quantile}, sum${by([...groupBy, 'le'])}(rate(${METRICS.durationBuckets}${matchers(scope)}[${window}])))`;
}

/** The lowest `up` of the scraped pods: 1 when every pod answered its last scrape. */
export function minUpQuery(scope: SeriesScope): string {
  return `min(up${matchers(scope)})`;
}

/** The share of scraped pods that answered their last scrape (avg(up)). */
export function availabilityQuery(scope: SeriesScope, groupBy: readonly string[] = []): string {
  return `avg${by(groupBy)}(up${matchers(scope)})`;
}

export type Comparator = '>' | '>=' | '<' | '<=';

const NEGATION: Readonly<Record<Comparator, Comparator>> = { '>': '<=', '>=': '<', '<': '>=', '<=': '>' };

/**
 * An Argo Rollouts condition on the first sample of a Prometheus result that holds only when
 * there is a number to judge: an empty result or NaN (no traffic) makes it false.
 */
export function guardedCondition(op: Comparator, threshold: number): string {
  if (!Number.isFinite(threshold)) throw new Error(`analysis condition: threshold ${threshold} is not a number`);
  return `len(result) > 0 && !isNaN(result[0]) && result[0] ${op} ${threshold}`;
}

/**
 * The success and failure conditions of a metric: the guarded comparison and its guarded
 * negation. With data, exactly one holds; without data neither does, so the measurement is
 * Inconclusive (see lib/constructs/analysis-templates.ts).
 */
export function conditionPair(op: Comparator, threshold: number): { readonly successCondition: string; readonly failureCondition: string } {
  return { successCondition: guardedCondition(op, threshold), failureCondition: guardedCondition(NEGATION[op], threshold) };
}

/** Thresholds a release must meet while Argo Rollouts analyses it (see docs/decisions.md, 'Release analysis'). */
export const RELEASE_SLO = {
  /** Success rate of at least 95%. */
  minSuccessRate: 0.95,
  /** The quantile judged for latency (p95). */
  latencyQuantile: 0.95,
  /** p95 latency of at most 0.5 s. */
  maxLatencySeconds: 0.5,
  /** Every preview pod answers its scrape. */
  minUp: 1,
} as const;

/** Thresholds of the running system, as the post-deploy monitor checks them (see docs/decisions.md, 'Post-deploy alerts'). */
export const POST_DEPLOY_SLO = {
  /** Error rate above 5%. */
  maxErrorRate: 0.05,
  /** p95 above 2 s. */
  maxLatencySeconds: 2,
  latencyQuantile: 0.95,
  /** Success rate below 95%. */
  minSuccessRate: 0.95,
  /** Availability (avg(up)) below 99%. */
  minAvailability: 0.99,
  /** The monitor's queries use rates over 5 minutes. */
  window: '5m',
  /**
   * How long a breach must last before the alert fires. The post-deploy monitor rolls back after 3
   * consecutive failed checks one minute apart, i.e. after 3 minutes of breach.
   */
  for: '3m',
} as const;

/** How Argo Rollouts measures (see docs/decisions.md, 'Release analysis'). */
export const ANALYSIS_SETTINGS = {
  /** Time between measurements. */
  interval: '30s',
  /**
   * A metric fails at its failureLimit+1-th failed measurement, i.e. the 3rd (the count is
   * cumulative over the run). With the 90 s window: worst case 90 + 3 × 30 = 180 s from a
   * regression to the abort (lib/analysis/rollout-timing.ts computes it from the objects).
   */
  failureLimit: 2,
  /**
   * The rate window of the analysis queries: 90 s, three scrapes 30 s apart (a 2-minute window
   * with four failed measurements took up to 240 s to abort; see docs/decisions.md).
   */
  window: '90s',
  /**
   * No-data measurements a background analysis tolerates before it pauses the rollout.
   * Argo Rollouts starts the background AnalysisRun as soon as the update starts and takes the
   * first measurement at once, before the first canary pod is ready; rate() then needs two
   * scrapes (30 s apart) of it. About 2 minutes of "no data" at the start of every canary is
   * therefore normal, and with the default limit of 0 every release would pause at its first
   * measurement. The count is cumulative over the run, so a canary that keeps receiving no
   * traffic still pauses, after the 5th no-data measurement.
   */
  backgroundInconclusiveLimit: 4,
  /** Blue/green post-promotion: 10 measurements × 30 s = 5 minutes, then the run completes. */
  postPromotionCount: 10,
  /**
   * No-data measurements the post-promotion analysis tolerates. It starts as soon as the active
   * Service points at the new color; the series scraped through the active Service for the new
   * pod template appear after the next service discovery refresh and two scrapes, so the first
   * measurements may be empty. A 5th no-data measurement ends the run Inconclusive.
   */
  postPromotionInconclusiveLimit: 4,
  /** Blue/green pre-promotion health: 4 measurements × 30 s. */
  previewHealthCount: 4,
  /**
   * One failed preview scrape is tolerated (a blip); a second aborts the release before any
   * user sees the new color.
   */
  previewHealthFailureLimit: 1,
  /**
   * The pre-promotion run starts when the preview pods are available, possibly before their
   * first scrape: one no-data measurement is tolerated, and at least 3 of the 4 must then be
   * real successes.
   */
  previewHealthInconclusiveLimit: 1,
} as const;
