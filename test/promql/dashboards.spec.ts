/**
 * Every query of every shipped dashboard (panels and annotations, read back from the
 * synthesized ConfigMaps) parses, and returns the expected values when promtool runs it on one
 * synthetic production world, with the dashboard variables substituted. The SLO dashboard's
 * queries read recorded series, so production's SLO rules run in the same test.
 *
 * The world (30 s scrapes, evaluated at 30 minutes, rate window 2 minutes):
 * - exam-service runs a canary: stable pods (hash s7a9b) 900 requests per step, 4.5 of them 5xx,
 *   p95 0.15 s; canary pods (hash c3d4e) 100 requests per step, 5 of them 5xx, p95 0.8 s (12.5%
 *   of them slower than 0.5 s). Scraped through `exam-service` and `-stable` / `-canary`.
 * - auth-service runs blue/green: active pods (hash a1b2c) 500 per step, 1 of them 5xx, p95
 *   0.2 s, through `auth-service`; preview pods (hash p3q4r) 100 per step, none 5xx, p95 0.3 s,
 *   through `auth-service-preview`.
 * - question-service is a Deployment (no Rollouts hash): 200 per step, 2 of them 5xx, p95 0.3 s.
 * - The same Services in staging fail half their requests: nothing of it may show in production.
 * - Argo Rollouts: exam-service-rollout is Paused with 1 of 4 replicas updated; its current
 *   AnalysisRun (c3d4e, revision 7) has success-rate Failed and response-time Successful, the
 *   previous one (b5f6a, revision 6) succeeded. Argo CD synced exam-production at 29m30s.
 * - exam-service's two pods each use 0.25 CPU of a 0.5 limit and 256 MiB of 512 MiB; its HPA
 *   runs 3 of at most 10 replicas.
 *
 * The controllers' series are written as they export them: argoproj/argo-rollouts
 * controller/metrics/prommetrics.go, rollouts.go and analysis.go (rollout_info with `phase`,
 * analysis_run_metric_phase with one series per phase, 1 for the current one), its
 * ServiceMonitor without honorLabels (argoproj/argo-helm
 * charts/argo-rollouts/templates/controller/servicemonitor.yaml: the Rollout's namespace
 * becomes `exported_namespace`), argoproj/argo-cd controller/metrics/metrics.go
 * (argocd_app_sync_total, argocd_app_info with `dest_namespace`), kube-state-metrics
 * (kube_pod_container_resource_limits, kube_horizontalpodautoscaler_*) and cAdvisor.
 *
 * Expected values are computed by hand in EXPECTED below; promtool compares them after
 * rounding both sides to 2^-20 (about 1e-6), so floating-point noise does not matter.
 */
import { promqlSyntaxErrors } from '../../lib/analysis/promql';
import { METRICS } from '../../lib/config/slo';
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';
import { testRules } from './promtool';
import { BUCKETS, InputSeries, STEP, bucketShares, counter, selector } from './series';

const NS = 'exam-system';
const OTHER_NS = 'exam-system-staging';
const POINTS = 80;
const EVAL_AT = '30m';
const RATE_INTERVAL = '2m';
const VARIABLES: Readonly<Record<string, string>> = { namespace: NS, __rate_interval: RATE_INTERVAL };

// ---------------------------------------------------------------------------------------------
// The shipped dashboards and their queries.

interface Target {
  refId?: string;
  expr?: string;
}
interface Panel {
  title?: string;
  type: string;
  targets?: Target[];
  panels?: Panel[];
}
interface Model {
  uid: string;
  panels: Panel[];
  annotations: { list: { name: string; expr?: string }[] };
}

const { objects } = synthesized();
const rendered = objects.map((o) => o.object);
const models: Model[] = rendered
  .filter((o): o is KubeObject & { data: Record<string, string> } => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1')
  .map((o) => JSON.parse(Object.values(o.data)[0]) as Model);

interface Query {
  readonly key: string;
  readonly expr: string;
}

function queriesOf(m: Model): Query[] {
  const out: Query[] = [];
  const walk = (panels: Panel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr !== undefined) out.push({ key: `${m.uid} | ${p.title} | ${t.refId}`, expr: t.expr });
      walk(p.panels ?? []);
    }
  };
  walk(m.panels);
  for (const a of m.annotations.list) if (a.expr !== undefined) out.push({ key: `${m.uid} | annotation ${a.name}`, expr: a.expr });
  return out;
}

/** Grafana's variable syntax `$name` and `${name}`; `$1` (a label_replace group) is not a variable. */
function substitute(expr: string): string {
  return expr.replace(/\$\{(\w+)\}|\$([A-Za-z_]\w*)/g, (_all, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    const value = VARIABLES[name];
    if (value === undefined) throw new Error(`dashboard query uses $${name}, which the test does not substitute:\n${expr}`);
    return value;
  });
}

// ---------------------------------------------------------------------------------------------
// The synthetic world.

interface Pods {
  readonly namespace: string;
  /** The Services the pods are scraped through (the same pods, once per Service). */
  readonly services: readonly string[];
  readonly hash?: string;
  readonly requestsPerStep: number;
  readonly errorsPerStep: number;
  readonly p95: number;
}

function podSeries(p: Pods): InputSeries[] {
  const out: InputSeries[] = [];
  const shares = bucketShares(p.p95);
  for (const service of p.services) {
    const labels: Record<string, string> = { namespace: p.namespace, service, ...(p.hash ? { rollouts_pod_template_hash: p.hash } : {}) };
    out.push({ series: selector(METRICS.requests, { ...labels, [METRICS.statusLabel]: '200' }), values: counter(p.requestsPerStep - p.errorsPerStep, POINTS) });
    out.push({ series: selector(METRICS.requests, { ...labels, [METRICS.statusLabel]: '503' }), values: counter(p.errorsPerStep, POINTS) });
    BUCKETS.forEach((le, i) => out.push({ series: selector(METRICS.durationBuckets, { ...labels, le: String(le) }), values: counter(p.requestsPerStep * shares[i], POINTS) }));
    out.push({ series: selector(METRICS.durationBuckets, { ...labels, le: '+Inf' }), values: counter(p.requestsPerStep, POINTS) });
  }
  return out;
}

const PODS: readonly Pods[] = [
  { namespace: NS, services: ['exam-service', 'exam-service-stable'], hash: 's7a9b', requestsPerStep: 900, errorsPerStep: 4.5, p95: 0.15 },
  { namespace: NS, services: ['exam-service', 'exam-service-canary'], hash: 'c3d4e', requestsPerStep: 100, errorsPerStep: 5, p95: 0.8 },
  { namespace: NS, services: ['auth-service'], hash: 'a1b2c', requestsPerStep: 500, errorsPerStep: 1, p95: 0.2 },
  { namespace: NS, services: ['auth-service-preview'], hash: 'p3q4r', requestsPerStep: 100, errorsPerStep: 0, p95: 0.3 },
  { namespace: NS, services: ['question-service'], requestsPerStep: 200, errorsPerStep: 2, p95: 0.3 },
  // Staging: the same Services, broken.
  { namespace: OTHER_NS, services: ['exam-service', 'exam-service-stable'], hash: 'zzzzz', requestsPerStep: 1000, errorsPerStep: 500, p95: 4 },
  { namespace: OTHER_NS, services: ['auth-service'], hash: 'yyyyy', requestsPerStep: 1000, errorsPerStep: 500, p95: 4 },
  { namespace: OTHER_NS, services: ['question-service'], requestsPerStep: 1000, errorsPerStep: 500, p95: 4 },
];

const gauge = (value: number) => `${value}x${POINTS}`;
/** A counter that is `before` until `atStep`, then `after`. */
const stepCounter = (before: number, after: number, atStep: number) => `${before}x${atStep - 1} ${after}x${POINTS - atStep}`;

function controllerSeries(): InputSeries[] {
  const rollouts = { namespace: 'argo-rollouts', job: 'argo-rollouts-metrics' };
  const out: InputSeries[] = [
    { series: selector('rollout_info', { ...rollouts, exported_namespace: NS, name: 'exam-service-rollout', strategy: 'canary', traffic_router: 'Nginx', phase: 'Paused' }), values: gauge(1) },
    { series: selector('rollout_info', { ...rollouts, exported_namespace: OTHER_NS, name: 'exam-service-rollout', strategy: 'canary', traffic_router: 'Nginx', phase: 'Completed' }), values: gauge(1) },
    { series: selector('rollout_info_replicas_updated', { ...rollouts, exported_namespace: NS, name: 'exam-service-rollout' }), values: gauge(1) },
    { series: selector('rollout_info_replicas_available', { ...rollouts, exported_namespace: NS, name: 'exam-service-rollout' }), values: gauge(4) },
    { series: selector('rollout_info_replicas_desired', { ...rollouts, exported_namespace: NS, name: 'exam-service-rollout' }), values: gauge(4) },
    { series: selector('analysis_run_info', { ...rollouts, exported_namespace: NS, name: 'exam-service-rollout-c3d4e-7', phase: 'Running' }), values: gauge(1) },
    { series: selector('analysis_run_info', { ...rollouts, exported_namespace: NS, name: 'exam-service-rollout-b5f6a-6', phase: 'Successful' }), values: gauge(1) },
    { series: selector('analysis_run_info', { ...rollouts, exported_namespace: OTHER_NS, name: 'exam-service-rollout-zzzzz-3', phase: 'Failed' }), values: gauge(1) },
    // Step 59 (29m30s): a step completed; a ReplicaSet was scaled (not a release event).
    { series: selector('rollout_events_total', { ...rollouts, exported_namespace: NS, name: 'exam-service-rollout', type: 'Normal', reason: 'RolloutStepCompleted' }), values: stepCounter(2, 3, 59) },
    { series: selector('rollout_events_total', { ...rollouts, exported_namespace: NS, name: 'exam-service-rollout', type: 'Normal', reason: 'ScalingReplicaSet' }), values: stepCounter(5, 6, 59) },
  ];
  const results: Record<string, Record<string, string>> = {
    'exam-service-rollout-c3d4e-7': { 'success-rate': 'Failed', 'response-time': 'Successful' },
    'exam-service-rollout-b5f6a-6': { 'success-rate': 'Successful', 'response-time': 'Successful' },
  };
  for (const [run, metrics] of Object.entries(results)) {
    for (const [metric, current] of Object.entries(metrics)) {
      for (const phase of ['Pending', 'Running', 'Successful', 'Failed', 'Error', 'Inconclusive']) {
        out.push({
          series: selector('analysis_run_metric_phase', { ...rollouts, exported_namespace: NS, name: run, metric, type: 'Prometheus', dry_run: 'false', phase }),
          values: gauge(phase === current ? 1 : 0),
        });
      }
    }
  }
  // Argo CD: production synced at 29m30s; staging too (not production's deployment).
  const argocd = { namespace: 'argocd', job: 'argocd-metrics', project: 'exam-system', dest_server: 'https://kubernetes.default.svc' };
  for (const [app, dest] of [['exam-production', NS], ['exam-staging', OTHER_NS]]) {
    out.push({ series: selector('argocd_app_sync_total', { ...argocd, name: app, phase: 'Succeeded', dry_run: 'false' }), values: stepCounter(3, 4, 59) });
    out.push({ series: selector('argocd_app_info', { ...argocd, name: app, dest_namespace: dest, sync_status: 'Synced', health_status: 'Healthy' }), values: gauge(1) });
  }
  return out;
}

function resourceSeries(): InputSeries[] {
  const out: InputSeries[] = [];
  for (const pod of ['exam-service-rollout-c3d4e-x1', 'exam-service-rollout-s7a9b-x2']) {
    const labels = { namespace: NS, pod, container: 'exam-service' };
    // 0.25 CPU-seconds per second: 7.5 per 30 s step.
    out.push({ series: selector('container_cpu_usage_seconds_total', labels), values: counter(7.5, POINTS) });
    out.push({ series: selector('container_memory_working_set_bytes', labels), values: gauge(256 * 1024 * 1024) });
    out.push({ series: selector('kube_pod_container_resource_limits', { ...labels, resource: 'cpu', unit: 'core' }), values: gauge(0.5) });
    out.push({ series: selector('kube_pod_container_resource_limits', { ...labels, resource: 'memory', unit: 'byte' }), values: gauge(512 * 1024 * 1024) });
    // Another container in the pod, and the same pod name in staging: neither counts.
    out.push({ series: selector('container_cpu_usage_seconds_total', { ...labels, container: 'sidecar' }), values: counter(30, POINTS) });
    out.push({ series: selector('container_cpu_usage_seconds_total', { ...labels, namespace: OTHER_NS }), values: counter(30, POINTS) });
  }
  out.push({ series: selector('kube_horizontalpodautoscaler_status_current_replicas', { namespace: NS, horizontalpodautoscaler: 'exam-service' }), values: gauge(3) });
  out.push({ series: selector('kube_horizontalpodautoscaler_spec_max_replicas', { namespace: NS, horizontalpodautoscaler: 'exam-service' }), values: gauge(10) });
  out.push({ series: selector('kube_horizontalpodautoscaler_status_current_replicas', { namespace: OTHER_NS, horizontalpodautoscaler: 'exam-service' }), values: gauge(10) });
  out.push({ series: selector('kube_horizontalpodautoscaler_spec_max_replicas', { namespace: OTHER_NS, horizontalpodautoscaler: 'exam-service' }), values: gauge(10) });
  return out;
}

// ---------------------------------------------------------------------------------------------
// What each query must return, by hand.

type Sample = readonly [labels: Readonly<Record<string, string>>, value: number];

const HASH = 'rollouts_pod_template_hash';
const PER_SECOND = 1 / 30;
const EMPTY: readonly Sample[] = [];

/**
 * p95 of exam-service's Service (both pod templates in one histogram): cumulative counts per
 * step at le=0.1 are 900 × 0.925 + 100 × 0.875 × 5/7 = 895 and at le=0.25 900 + 75 = 975, so
 * rank 950 falls in (0.1, 0.25]: 0.1 + 0.15 × (950 - 895) / (975 - 895) = 0.203125.
 */
const EXAM_SERVICE_P95 = 0.1 + (0.15 * (950 - 895)) / (975 - 895);

const ROLLOUT_LABELS = { namespace: 'argo-rollouts', job: 'argo-rollouts-metrics', exported_namespace: NS, name: 'exam-service-rollout' };
const sloLabels = (service: string, slo: string) => ({ namespace: NS, service, slo });

function releaseHealth(service: string): Record<string, readonly Sample[]> {
  const row = (title: string, a: readonly Sample[], b?: readonly Sample[]) =>
    b === undefined ? { [`exam-release-health | ${title} | A`]: a } : { [`exam-release-health | ${title} | A`]: a, [`exam-release-health | ${title} | B`]: b };
  const rollout = `${service}-rollout`;
  const byService: Record<string, { successNew: Sample[]; successStable: Sample[]; p95New: Sample[]; p95Stable: Sample[] }> = {
    'exam-service': {
      successNew: [[{ [HASH]: 'c3d4e' }, 1 - 5 / 100]],
      successStable: [[{ [HASH]: 's7a9b' }, 1 - 4.5 / 900]],
      p95New: [[{ [HASH]: 'c3d4e' }, 0.8]],
      p95Stable: [[{ [HASH]: 's7a9b' }, 0.15]],
    },
    // Blue/green: no -stable Service, so the stable side is the active Service.
    'auth-service': {
      successNew: [[{ [HASH]: 'p3q4r' }, 1]],
      successStable: [[{ [HASH]: 'a1b2c' }, 1 - 1 / 500]],
      p95New: [[{ [HASH]: 'p3q4r' }, 0.3]],
      p95Stable: [[{ [HASH]: 'a1b2c' }, 0.2]],
    },
    // A Deployment: no new version, the stable side is all its pods (no hash label).
    'question-service': { successNew: [], successStable: [[{}, 1 - 2 / 200]], p95New: [], p95Stable: [[{}, 0.3]] },
  };
  const s = byService[service] ?? { successNew: [], successStable: [], p95New: [], p95Stable: [] };
  const isExam = service === 'exam-service';
  return {
    ...row(`${service}: success rate, new vs stable`, s.successNew, s.successStable),
    ...row(`${service}: p95 latency, new vs stable`, s.p95New, s.p95Stable),
    ...row(`${rollout}: phase`, isExam ? [[{ phase: 'Paused' }, 1]] : EMPTY),
    ...row(`${rollout}: progress`, isExam ? [[ROLLOUT_LABELS, 1 / 4]] : EMPTY, isExam ? [[ROLLOUT_LABELS, 4 / 4]] : EMPTY),
    ...row(
      `${rollout}: analysis runs`,
      isExam
        ? [
            [{ name: 'exam-service-rollout-c3d4e-7', phase: 'Running' }, 1],
            [{ name: 'exam-service-rollout-b5f6a-6', phase: 'Successful' }, 1],
          ]
        : EMPTY,
    ),
    ...row(
      `${rollout}: analysis metric results`,
      isExam
        ? [
            [{ name: 'exam-service-rollout-c3d4e-7', metric: 'success-rate', phase: 'Failed', [HASH]: 'c3d4e' }, 1],
            [{ name: 'exam-service-rollout-c3d4e-7', metric: 'response-time', phase: 'Successful', [HASH]: 'c3d4e' }, 1],
            [{ name: 'exam-service-rollout-b5f6a-6', metric: 'success-rate', phase: 'Successful', [HASH]: 'b5f6a' }, 1],
            [{ name: 'exam-service-rollout-b5f6a-6', metric: 'response-time', phase: 'Successful', [HASH]: 'b5f6a' }, 1],
          ]
        : EMPTY,
    ),
  };
}

/** Per SLO kind: [service, error ratio, error budget] of the services with traffic. */
const SLI: Record<'availability' | 'latency', [string, number, number][]> = {
  // 9.5 of 1000 requests per step are 5xx through exam-service; 1 of 500; 2 of 200.
  availability: [
    ['exam-service', 9.5 / 1000, 0.001],
    ['auth-service', 1 / 500, 0.001],
    ['question-service', 2 / 200, 0.005],
  ],
  // 12.5 of exam-service's 1000 requests per step are slower than 0.5 s (the canary's); none of the others'.
  latency: [
    ['exam-service', 12.5 / 1000, 0.01],
    ['auth-service', 0, 0.01],
    ['question-service', 0, 0.01],
  ],
};

function sloDashboard(): Record<string, readonly Sample[]> {
  const out: Record<string, readonly Sample[]> = {
    'exam-slos | Objectives | A': [
      [sloLabels('auth-service', 'availability'), 0.999],
      [sloLabels('exam-service', 'availability'), 0.999],
      [sloLabels('question-service', 'availability'), 0.995],
      [sloLabels('proctoring-service', 'availability'), 0.995],
      [sloLabels('analytics-service', 'availability'), 0.995],
      [sloLabels('notification-service', 'availability'), 0.995],
      [sloLabels('frontend-service', 'availability'), 0.995],
      ...['auth-service', 'exam-service', 'question-service', 'proctoring-service', 'analytics-service', 'notification-service', 'frontend-service'].map(
        (s) => [sloLabels(s, 'latency'), 0.99] as Sample,
      ),
    ],
  };
  for (const kind of ['availability', 'latency'] as const) {
    const each = (f: (ratio: number, budget: number) => number): Sample[] => SLI[kind].map(([s, ratio, budget]) => [sloLabels(s, kind), f(ratio, budget)]);
    out[`exam-slos | ${kind} SLI, last 30d | A`] = each((ratio) => 1 - ratio);
    out[`exam-slos | ${kind} error budget left | A`] = each((ratio, budget) => 1 - ratio / budget);
    out[`exam-slos | ${kind} error budget left over time | A`] = each((ratio, budget) => 1 - ratio / budget);
    // The traffic is constant, so every window has the same error ratio.
    out[`exam-slos | ${kind} burn rate over 1h (page at 14.4x) | A`] = each((ratio, budget) => ratio / budget);
    out[`exam-slos | ${kind} burn rate over 6h (page at 6x) | A`] = each((ratio, budget) => ratio / budget);
    out[`exam-slos | ${kind} burn rate over 1d (ticket at 3x) | A`] = each((ratio, budget) => ratio / budget);
    out[`exam-slos | ${kind} burn rate over 3d (ticket at 1x) | A`] = each((ratio, budget) => ratio / budget);
  }
  return out;
}

const DEPLOYMENT: readonly Sample[] = [[{ name: 'exam-production' }, 1]];

const EXPECTED: Record<string, readonly Sample[]> = {
  ...['auth-service', 'exam-service', 'question-service', 'proctoring-service', 'analytics-service', 'notification-service', 'frontend'].reduce(
    (acc, s) => ({ ...acc, ...releaseHealth(s) }),
    {},
  ),
  'exam-release-health | annotation Deployments (Argo CD syncs)': DEPLOYMENT,
  'exam-slos | annotation Deployments (Argo CD syncs)': DEPLOYMENT,
  'exam-release-health | annotation Release events (Argo Rollouts)': [[{ name: 'exam-service-rollout', reason: 'RolloutStepCompleted' }, 1]],
  ...sloDashboard(),
  'exam-day | Requests per second | A': [
    [{ service: 'exam-service' }, 1000 * PER_SECOND],
    [{ service: 'auth-service' }, 500 * PER_SECOND],
    [{ service: 'question-service' }, 200 * PER_SECOND],
  ],
  'exam-day | Error rate (5xx share) | A': [
    [{ service: 'exam-service' }, 9.5 / 1000],
    [{ service: 'auth-service' }, 1 / 500],
    [{ service: 'question-service' }, 2 / 200],
  ],
  'exam-day | p95 latency | A': [
    [{ service: 'exam-service' }, EXAM_SERVICE_P95],
    [{ service: 'auth-service' }, 0.2],
    [{ service: 'question-service' }, 0.3],
  ],
  // Two pods at 0.25 CPU of 0.5 each; 256 of 512 MiB each.
  'exam-day | CPU saturation (usage / limit) | A': [[{ container: 'exam-service' }, (2 * 0.25) / (2 * 0.5)]],
  'exam-day | Memory saturation (working set / limit) | A': [[{ container: 'exam-service' }, (2 * 256) / (2 * 512)]],
  'exam-day | Replicas / autoscaler maximum | A': [[{ horizontalpodautoscaler: 'exam-service' }, 3 / 10]],
  'exam-day | annotation Deployments (Argo CD syncs)': DEPLOYMENT,
};

// ---------------------------------------------------------------------------------------------

/** Both sides are rounded to 2^-20 (Prometheus' round() and the same arithmetic here). */
const NEAREST = 2 ** -20;
const roundLike = (v: number) => Math.floor(v * (1 / NEAREST) + 0.5) / (1 / NEAREST);

function labelText(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
}

const queries = models.flatMap(queriesOf);

describe('dashboard queries', () => {
  test('the three dashboards are shipped, with queries', () => {
    expect(models.map((m) => m.uid).sort()).toEqual(['exam-day', 'exam-release-health', 'exam-slos']);
    expect(queries.length).toBeGreaterThan(60);
  });

  test('every query parses, before and after its variables are substituted', () => {
    for (const q of queries) {
      expect([q.key, promqlSyntaxErrors(substitute(q.expr))]).toEqual([q.key, []]);
      // Grafana sends the text with the variables replaced; the raw text must parse too where a variable is a whole token.
      expect([q.key, promqlSyntaxErrors(q.expr.replace(/\$__rate_interval/g, '5m'))]).toEqual([q.key, []]);
    }
  });

  test('every query has an expectation, and every expectation a query', () => {
    expect(queries.map((q) => q.key).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test('promtool returns the expected values for every query', () => {
    const sloRules = rendered.find((o) => o.kind === 'PrometheusRule' && o.metadata.namespace === NS && o.metadata.name === 'exam-slo-burn-rates');
    expect(sloRules).toBeDefined();
    const input = [...PODS.flatMap(podSeries), ...controllerSeries(), ...resourceSeries()];
    const file = {
      rule_files: ['slo-rules.yaml'],
      evaluation_interval: STEP,
      tests: [
        {
          name: 'dashboards on the synthetic production world',
          interval: STEP,
          input_series: input,
          promql_expr_test: queries.map((q) => ({
            expr: `# ${q.key}\nround(\n${substitute(q.expr)}\n, ${NEAREST})`,
            eval_time: EVAL_AT,
            exp_samples: EXPECTED[q.key].map(([labels, value]) => ({ labels: labelText(labels), value: roundLike(value) })),
          })),
        },
      ],
    };
    const r = testRules(file, { 'slo-rules.yaml': { groups: (sloRules!.spec as { groups: unknown[] }).groups } });
    expect(r.output).toContain('SUCCESS');
    expect(r.ok).toBe(true);
  });
});
