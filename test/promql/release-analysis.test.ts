/**
 * Every synthesized AnalysisTemplate, with the arguments the synthesized Rollouts pass, judged
 * by the Prometheus engine (promtool) on synthetic series. The module is
 * test/promql/release-analysis.ts; the series come from test/promql/traffic.ts.
 *
 * Upstream behaviour these cases rest on:
 * - argo-rollouts rollout/service.go (reconcileStableAndCanaryService, ensureSVCTargets): the
 *   canary Service selects the stable pods until the canary ReplicaSet is available, and the
 *   blue/green active Service the old color until the switch; hence the "diluted" case.
 * - argo-rollouts rollout/analysis.go (createAnalysisRun, for the canary background run and the
 *   blue/green pre- and post-promotion runs alike) and utils/analysis/factory.go
 *   (BuildArgumentsForRolloutAnalysisRun(args, c.stableRS, c.newRS, ...)): `podTemplateHashValue:
 *   Latest` is the new ReplicaSet's rollouts-pod-template-hash, `Stable` the stable one's.
 * - prometheus-operator pkg/prometheus/promcfg.go: `podTargetLabels` copies the pod label onto
 *   every series as `rollouts_pod_template_hash` (sanitizeLabelName).
 * - argo-rollouts analysis/analysis.go (assessMetricFailureInconclusiveOrError): a metric fails
 *   once its failed measurements exceed failureLimit; utils/evaluate/evaluate.go: neither
 *   condition true is Inconclusive; metricproviders/prometheus/prometheus.go: an empty vector is
 *   an empty result, so an errors-only version must not make the success rate empty (the
 *   "errors only" case).
 */
import { analyzeRollouts } from '../../lib/analysis/rollout-timing';
import { parseGuardedCondition } from '../../lib/analysis/promql';
import { MAX_REGRESSION_TO_ABORT_SECONDS } from '../../lib/config/release';
import { POD_TEMPLATE_HASH_LABEL, RELEASE_SLO } from '../../lib/config/slo';
import { PREVIEW_UP_METRIC, RESPONSE_TIME_METRIC, SUCCESS_RATE_METRIC } from '../../lib/constructs/analysis-templates';
import { synthesized } from '../support/synthesized';
import { PromtoolResult, testRules, testRulesBatch } from './promtool';
import {
  AnalysisRun,
  NEW_HASH,
  OTHER_NAMESPACE,
  STABLE_HASH,
  Scenario,
  aroundTarget,
  analysisRuns,
  failedMeasurements,
  measurementTests,
  neighboursOf,
  targetLabels,
} from './release-analysis';
import { STEP } from './series';
import { BROKEN, Behaviour, HEALTHY, PODS, REQUESTS_PER_STEP, changesAt, noisy, seriesFor } from './traffic';

const objects = synthesized().objects.map((o) => o.object);
const runs = analysisRuns(objects);
const timing = analyzeRollouts(objects);

/** The series of the judged pods (`target`), their neighbours and another environment. */
function world(run: AnalysisRun, target: Behaviour | undefined, neighbours: Behaviour, otherEnvironment: Behaviour) {
  return [
    ...(target === undefined ? [] : seriesFor(targetLabels(run), target)),
    ...neighboursOf(run.service).flatMap((n) => seriesFor({ ...targetLabels(run), service: n }, neighbours)),
    ...seriesFor({ ...targetLabels(run), namespace: OTHER_NAMESPACE }, otherEnvironment),
  ];
}

const FAILING: Behaviour = { ...HEALTHY, errorFraction: 0.3, p95: 4, podsUp: 1 };

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'healthy release passes',
    input: (run) => world(run, HEALTHY, HEALTHY, HEALTHY),
    expect: { [SUCCESS_RATE_METRIC]: 'pass', [RESPONSE_TIME_METRIC]: 'pass', [PREVIEW_UP_METRIC]: 'pass' },
  },
  {
    name: '10% of requests failing fails success-rate',
    input: (run) => world(run, { ...HEALTHY, errorFraction: 0.1 }, HEALTHY, HEALTHY),
    expect: { [SUCCESS_RATE_METRIC]: 'fail', [RESPONSE_TIME_METRIC]: 'pass', [PREVIEW_UP_METRIC]: 'pass' },
  },
  {
    name: 'p95 of about 2 s fails response-time',
    input: (run) => world(run, { ...HEALTHY, p95: 2 }, HEALTHY, HEALTHY),
    expect: { [SUCCESS_RATE_METRIC]: 'pass', [RESPONSE_TIME_METRIC]: 'fail', [PREVIEW_UP_METRIC]: 'pass' },
  },
  {
    name: 'errors of another Service or environment do not leak in',
    input: (run) => world(run, HEALTHY, BROKEN, BROKEN),
    expect: { [SUCCESS_RATE_METRIC]: 'pass', [RESPONSE_TIME_METRIC]: 'pass', [PREVIEW_UP_METRIC]: 'pass' },
  },
  {
    name: "another Service's or environment's busier, healthy traffic does not mask a bad release",
    input: (run) => world(run, { ...HEALTHY, errorFraction: 0.1, p95: 2, podsUp: PODS - 1 }, { ...HEALTHY, requests: REQUESTS_PER_STEP * 10 }, { ...HEALTHY, requests: REQUESTS_PER_STEP * 10 }),
    expect: { [SUCCESS_RATE_METRIC]: 'fail', [RESPONSE_TIME_METRIC]: 'fail', [PREVIEW_UP_METRIC]: 'fail' },
  },
  {
    // The canary Service still selects the stable pods (9x the traffic, healthy) while the
    // new version fails: the same namespace and service labels, another pod-template hash.
    name: 'diluted: stable pods with 9x healthy traffic behind the same Service do not hide a failing new version',
    input: (run) => [
      ...world(run, FAILING, HEALTHY, HEALTHY),
      ...seriesFor(targetLabels(run, STABLE_HASH), { ...HEALTHY, requests: REQUESTS_PER_STEP * 9 }),
    ],
    expect: { [SUCCESS_RATE_METRIC]: 'fail', [RESPONSE_TIME_METRIC]: 'fail', [PREVIEW_UP_METRIC]: 'fail' },
  },
  {
    // Its 2xx series never appears: "non-5xx / all" would be empty (Inconclusive).
    name: 'errors only: a new version that answers nothing but 5xx fails success-rate',
    input: (run) => world(run, { ...HEALTHY, errorFraction: 1, successSeries: false }, HEALTHY, HEALTHY),
    expect: { [SUCCESS_RATE_METRIC]: 'fail', [RESPONSE_TIME_METRIC]: 'pass', [PREVIEW_UP_METRIC]: 'pass' },
  },
  {
    name: 'no traffic is inconclusive',
    input: (run) => world(run, { ...HEALTHY, requests: 0 }, HEALTHY, HEALTHY),
    expect: { [SUCCESS_RATE_METRIC]: 'no data (NaN)', [RESPONSE_TIME_METRIC]: 'no data (NaN)', [PREVIEW_UP_METRIC]: 'pass' },
  },
  {
    name: 'new pods not scraped yet are inconclusive (others broken, the stable pods healthy)',
    input: (run) => [...world(run, undefined, BROKEN, BROKEN), ...seriesFor(targetLabels(run, STABLE_HASH), HEALTHY)],
    expect: { [SUCCESS_RATE_METRIC]: 'no data (empty)', [RESPONSE_TIME_METRIC]: 'no data (empty)', [PREVIEW_UP_METRIC]: 'no data (empty)' },
  },
  {
    name: 'a pod down fails preview-health',
    input: (run) => world(run, { ...HEALTHY, podsUp: PODS - 1 }, HEALTHY, HEALTHY),
    expect: { [SUCCESS_RATE_METRIC]: 'pass', [RESPONSE_TIME_METRIC]: 'pass', [PREVIEW_UP_METRIC]: 'fail' },
  },
];

const failure = (r: { ok: boolean; output: string }) => (r.ok ? '' : r.output);

describe('release analysis, judged by promtool', () => {
  test('every Rollout analysis and every template is covered', () => {
    expect(runs.filter((r) => r.origin !== 'example arguments').length).toBeGreaterThan(0);
    for (const t of objects.filter((o) => o.kind === 'AnalysisTemplate')) {
      expect(runs.some((r) => r.namespace === t.metadata.namespace && r.template === t.metadata.name)).toBe(true);
    }
    // The Rollouts pass the new pods' hash: every query is scoped to it.
    for (const run of runs.filter((r) => r.origin !== 'example arguments')) {
      expect([run.origin, run.args['pod-template-hash']]).toEqual([run.origin, NEW_HASH]);
    }
  });

  // Every run's unit-test file, judged in one promtool process (a result per file).
  let judged: PromtoolResult[] | undefined;
  const judgement = (i: number) => (judged ??= testRulesBatch(runs.map((run) => measurementTests(run, SCENARIOS))))[i];

  test.each(runs.map((r, i) => [`${r.namespace} ${r.template} (${r.origin})`, i] as const))('%s', (_name, i) => {
    expect(failure(judgement(i))).toBe('');
  });

  test('without the pod-template-hash matcher the diluted case would pass: the scoping is what catches it', () => {
    const run = runs.find((r) => r.origin.includes('canary analysis') && r.metrics.some((m) => m.name === SUCCESS_RATE_METRIC))!;
    const unscoped: AnalysisRun = {
      ...run,
      metrics: run.metrics.map((m) => ({ ...m, query: m.query.replace(new RegExp(`,${POD_TEMPLATE_HASH_LABEL}="[a-z0-9]+"`, 'g'), '') })),
    };
    expect(unscoped.metrics[0].query).not.toContain(POD_TEMPLATE_HASH_LABEL);
    const diluted = SCENARIOS.find((s) => s.name.startsWith('diluted'))!;
    expect(failure(testRules(measurementTests(unscoped, [{ ...diluted, expect: { [SUCCESS_RATE_METRIC]: 'pass' } }])))).toBe('');
  });
});

/**
 * The timing promise, measured by the engine: the measurements the controller takes every
 * `interval` are replayed with a subquery over the failure condition, and the failures counted
 * against `failureLimit` (argo-rollouts analysis/analysis.go).
 */
describe('regression to abort, and no false abort on noise', () => {
  // Only the analyses that guard live traffic: canary background and blue/green post-promotion.
  // Production's are replayed; staging and hotfix run the same templates and arguments (below).
  const guardingIn = (ns: string) => runs.filter((r) => r.namespace === ns && /canary analysis|postPromotionAnalysis/.test(r.origin));
  const guarding = guardingIn('exam-system');
  const thresholdOf = (run: AnalysisRun, metric: string) => parseGuardedCondition(run.metrics.find((m) => m.name === metric)!.successCondition).threshold;

  /** Just past the release threshold: the slowest regression the analysis must still catch. */
  const regressionFor = (run: AnalysisRun, metric: string): Behaviour =>
    metric === SUCCESS_RATE_METRIC
      ? { ...HEALTHY, errorFraction: 1 - thresholdOf(run, metric) + 0.01 }
      : { ...HEALTHY, p95: thresholdOf(run, metric) * 1.2 };

  /** 40 minutes of scrapes. */
  const LONG = 80;
  const NOISE = { trafficJitter: 0.3, maxErrorFraction: 0.03, p95Range: [0.26, 0.45] as const, spikeEvery: 10, spikeErrorFraction: 0.08 };

  test('the noise is noise: single scrapes cross the thresholds, the average does not', () => {
    const steps = Array.from({ length: LONG }, (_x, i) => noisy(HEALTHY, NOISE, 42, LONG)(i + 1));
    expect(steps.some((b) => b.errorFraction > 1 - RELEASE_SLO.minSuccessRate)).toBe(true);
    const mean = steps.reduce((n, b) => n + b.errorFraction * b.requests, 0) / steps.reduce((n, b) => n + b.requests, 0);
    expect(mean).toBeLessThan(1 - RELEASE_SLO.minSuccessRate);
  });

  test('there are guarding analyses in production', () => {
    expect(guarding.map((r) => r.origin).sort()).toEqual([
      'auth-service-rollout postPromotionAnalysis',
      'exam-service-rollout canary analysis',
      'exam-service-rollout canary analysis',
      'frontend-rollout postPromotionAnalysis',
    ]);
  });

  test('staging and hotfix are guarded by the same analyses, with the same queries and thresholds (docs/decisions.md, The release loop)', () => {
    const shape = (ns: string) => guardingIn(ns).map((r) => ({ origin: r.origin, template: r.template, metrics: r.metrics.map((m) => ({ name: m.name, successCondition: m.successCondition })) }));
    expect(shape('exam-system-staging')).toEqual(shape('exam-system'));
    expect(shape('exam-system-hotfix')).toEqual(shape('exam-system'));
  });

  test.each(guarding.map((r) => [`${r.namespace} ${r.template} (${r.origin})`, r] as const))('%s', (_name, run) => {
    const rollout = timing.find((t) => t.namespace === run.namespace && run.origin.startsWith(`${t.name} `))!;
    // The bound the rollouts table prints, derived from the synthesized objects.
    expect(rollout.worstCaseAbortSeconds).toBeLessThanOrEqual(MAX_REGRESSION_TO_ABORT_SECONDS);
    const bound = rollout.worstCaseAbortSeconds;
    const REGRESSION_STEP = 40; // the first bad scrape interval ends at 20m
    const startSeconds = (REGRESSION_STEP - 1) * 30;
    const tests = run.metrics.map((m) => ({
      name: `${m.name}: a regression just past the threshold aborts within ${bound}s, a noisy healthy version never does`,
      interval: STEP,
      input_series: aroundTarget(run, changesAt(REGRESSION_STEP, HEALTHY, regressionFor(run, m.name)), HEALTHY, LONG),
      promql_expr_test: [
        {
          // Healthy before the regression: no failed measurement in the 15 minutes before it.
          expr: `# no failure before the regression\n${failedMeasurements(m, 900)} == bool 0`,
          eval_time: `${startSeconds}s`,
          exp_samples: [{ labels: '{}', value: 1 }],
        },
        {
          expr: `# more than failureLimit (${m.failureLimit}) failed measurements within ${bound}s\n${failedMeasurements(m, bound)} > bool ${m.failureLimit}`,
          eval_time: `${startSeconds + bound}s`,
          exp_samples: [{ labels: '{}', value: 1 }],
        },
      ],
    }));
    const noise = run.metrics.map((m) => ({
      name: `${m.name}: 39 minutes of noisy healthy traffic stay within failureLimit (${m.failureLimit})`,
      interval: STEP,
      input_series: aroundTarget(run, noisy(HEALTHY, NOISE, 42, LONG), BROKEN, LONG),
      promql_expr_test: [
        {
          expr: `${failedMeasurements(m, 39 * 60)} <= bool ${m.failureLimit}`,
          eval_time: '39m30s',
          exp_samples: [{ labels: '{}', value: 1 }],
        },
      ],
    }));
    expect(failure(testRules({ rule_files: [], evaluation_interval: STEP, tests: [...tests, ...noise] }))).toBe('');
  });
});
