/**
 * The release analysis as Argo Rollouts runs it, turned into promtool unit tests.
 *
 * `analysisRuns` reads the synthesized objects the way the controller does when it creates an
 * AnalysisRun: for each Rollout and each of its analyses (canary background, blue/green pre-
 * and post-promotion), the referenced AnalysisTemplates with the Rollout's arguments resolved.
 * `valueFrom.podTemplateHashValue` becomes the hash of the latest or the stable ReplicaSet
 * (argo-rollouts utils/analysis/factory.go: BuildArgumentsForRolloutAnalysisRun); here those
 * are the fixed values NEW_HASH and STABLE_HASH. A template no Rollout uses is run with example
 * arguments, so every synthesized query is judged.
 *
 * Each metric's success and failure conditions become `(<query>) OP bool THRESHOLD`
 * (lib/analysis/promql.ts conditionAsPromQL), so whether a measurement passes, fails or is
 * inconclusive is computed by Prometheus from the synthesized query and threshold; a scenario
 * only says what should happen.
 */
import { conditionAsPromQL, labelMatchers, parseGuardedCondition, promqlDurationSeconds, substituteArgs } from '../../lib/analysis/promql';
import { POD_TEMPLATE_HASH_LABEL } from '../../lib/config/slo';
import type { KubeObject } from '../../lib/output/render';
import { InputSeries, STEP } from './series';
import { Timeline, seriesFor } from './traffic';

/** The pod-template hash of the ReplicaSet being released (`podTemplateHashValue: Latest`). */
export const NEW_HASH = '7d9f6c5b4';
/** The pod-template hash of the stable ReplicaSet (`podTemplateHashValue: Stable`). */
export const STABLE_HASH = '5c8d7b6f9';
/** Another environment's namespace: its series must never reach this one's analysis. */
export const OTHER_NAMESPACE = 'another-environment';

interface TemplateMetric {
  name: string;
  interval?: string;
  failureLimit?: number;
  successCondition?: string;
  failureCondition?: string;
  provider: { prometheus?: { query?: string } };
}
interface RolloutArg {
  name: string;
  value?: string;
  valueFrom?: { podTemplateHashValue?: 'Latest' | 'Stable'; fieldRef?: unknown };
}
interface RolloutAnalysis {
  templates?: { templateName: string }[];
  args?: RolloutArg[];
}

/** One metric of an AnalysisRun, its query resolved. */
export interface ResolvedMetric {
  readonly name: string;
  readonly query: string;
  readonly successCondition: string;
  readonly failureCondition: string;
  readonly intervalSeconds: number;
  readonly failureLimit: number;
}

/** What one AnalysisRun of one template measures. */
export interface AnalysisRun {
  readonly namespace: string;
  readonly template: string;
  /** Where the arguments come from: `<rollout> <analysis>`, or `example arguments`. */
  readonly origin: string;
  readonly args: Readonly<Record<string, string>>;
  /** The Service whose series the queries read (the `service` matcher). */
  readonly service: string;
  readonly metrics: readonly ResolvedMetric[];
}

function argValue(arg: RolloutArg, where: string): string {
  const from = arg.valueFrom?.podTemplateHashValue;
  if (from === 'Latest') return NEW_HASH;
  if (from === 'Stable') return STABLE_HASH;
  if (arg.value !== undefined) return arg.value;
  throw new Error(`${where}: argument ${arg.name} has neither a value nor a podTemplateHashValue`);
}

/** The one `label="value"` matcher a query has for `label`. */
export function equalityMatcher(query: string, label: string): string {
  const values = [...new Set(labelMatchers(query).filter((m) => m.label === label && m.op === '=').map((m) => m.value))];
  if (values.length !== 1) throw new Error(`expected one ${label}="..." matcher in ${query}, found ${values.length}`);
  return values[0];
}

function resolve(template: KubeObject, origin: string, args: Record<string, string>): AnalysisRun {
  const ns = template.metadata.namespace ?? '';
  const metrics = (template.spec as { metrics: TemplateMetric[] }).metrics.map((m): ResolvedMetric => {
    const where = `AnalysisTemplate ${ns}/${template.metadata.name} metric ${m.name}`;
    if (m.successCondition === undefined || m.failureCondition === undefined) throw new Error(`${where}: expected both a successCondition and a failureCondition`);
    parseGuardedCondition(m.successCondition);
    parseGuardedCondition(m.failureCondition);
    return {
      name: m.name,
      query: substituteArgs(m.provider.prometheus?.query ?? '', args),
      successCondition: m.successCondition,
      failureCondition: m.failureCondition,
      intervalSeconds: promqlDurationSeconds(m.interval ?? '0s'),
      failureLimit: m.failureLimit ?? 0,
    };
  });
  const services = [...new Set(metrics.map((m) => equalityMatcher(m.query, 'service')))];
  if (services.length !== 1) throw new Error(`AnalysisTemplate ${ns}/${template.metadata.name}: metrics read ${services.length} different Services`);
  return { namespace: ns, template: template.metadata.name, origin, args, service: services[0], metrics };
}

/** Every AnalysisRun the synthesized Rollouts can create, plus each unused template once. */
export function analysisRuns(objects: readonly KubeObject[]): AnalysisRun[] {
  const templates = objects.filter((o) => o.kind === 'AnalysisTemplate');
  const runs: AnalysisRun[] = [];
  const used = new Set<string>();
  for (const ro of objects.filter((o) => o.kind === 'Rollout')) {
    const ns = ro.metadata.namespace ?? '';
    const strategy = (ro.spec as { strategy: { canary?: { analysis?: RolloutAnalysis }; blueGreen?: Record<string, RolloutAnalysis | undefined> } }).strategy;
    const analyses: [string, RolloutAnalysis | undefined][] = [
      ['canary analysis', strategy.canary?.analysis],
      ['prePromotionAnalysis', strategy.blueGreen?.prePromotionAnalysis],
      ['postPromotionAnalysis', strategy.blueGreen?.postPromotionAnalysis],
    ];
    for (const [kind, analysis] of analyses) {
      if (analysis === undefined) continue;
      const where = `Rollout ${ns}/${ro.metadata.name} ${kind}`;
      const args = Object.fromEntries((analysis.args ?? []).map((a) => [a.name, argValue(a, where)]));
      for (const ref of analysis.templates ?? []) {
        const template = templates.find((t) => t.metadata.namespace === ns && t.metadata.name === ref.templateName);
        if (template === undefined) throw new Error(`${where}: AnalysisTemplate ${ref.templateName} is not synthesized`);
        used.add(`${ns}/${ref.templateName}`);
        runs.push(resolve(template, `${ro.metadata.name} ${kind}`, args));
      }
    }
  }
  for (const t of templates.filter((x) => !used.has(`${x.metadata.namespace}/${x.metadata.name}`))) {
    const declared = ((t.spec as { args?: { name: string }[] }).args ?? []).map((a) => a.name);
    const args = Object.fromEntries(declared.map((a) => [a, a === 'pod-template-hash' ? NEW_HASH : 'exam-service']));
    runs.push(resolve(t, 'example arguments', args));
  }
  return runs;
}

/** The labels of the judged pods' series: the run's namespace, Service and new pod template. */
export function targetLabels(run: AnalysisRun, podTemplateHash = NEW_HASH): Record<string, string> {
  return { namespace: run.namespace, service: run.service, [POD_TEMPLATE_HASH_LABEL]: podTemplateHash };
}

/** Other Services of the namespace: the canary's or preview's main Service, and a neighbour. */
export function neighboursOf(service: string): string[] {
  const base = service.replace(/-(canary|preview)$/, '');
  return [base === service ? `${service}-canary` : base, service === 'notification-service' ? 'question-service' : 'notification-service'];
}

/** What a measurement of one metric should be in a scenario. */
export type Expected = 'pass' | 'fail' | 'no data (NaN)' | 'no data (empty)';

/** A world of series around one AnalysisRun, and what each metric should measure in it. */
export interface Scenario {
  readonly name: string;
  readonly input: (run: AnalysisRun) => InputSeries[];
  readonly expect: Readonly<Record<string, Expected>>;
}

function expectedSamples(e: Expected, which: 'success' | 'failure'): { labels: string; value: number }[] {
  switch (e) {
    case 'pass':
      return [{ labels: '{}', value: which === 'success' ? 1 : 0 }];
    case 'fail':
      return [{ labels: '{}', value: which === 'success' ? 0 : 1 }];
    case 'no data (NaN)':
      return [{ labels: '{}', value: 0 }];
    case 'no data (empty)':
      return [];
  }
}

/** When a single measurement is judged: 10 minutes in, the windows full of the scenario. */
export const EVAL_AT = '10m';

/** A promtool unit-test file: every metric's success and failure condition, per scenario. */
export function measurementTests(run: AnalysisRun, scenarios: readonly Scenario[]): { rule_files: never[]; evaluation_interval: string; tests: unknown[] } {
  return {
    rule_files: [],
    evaluation_interval: STEP,
    tests: scenarios.map((sc) => ({
      name: sc.name,
      interval: STEP,
      input_series: sc.input(run),
      promql_expr_test: run.metrics.flatMap((m) => {
        const expected = sc.expect[m.name];
        if (expected === undefined) throw new Error(`scenario "${sc.name}" has no expectation for metric ${m.name}; add one`);
        return (['success', 'failure'] as const).map((which) => ({
          expr: `# ${run.template}/${m.name} ${which}Condition, expected ${expected}: ${sc.name}\n${conditionAsPromQL(
            m.query,
            which === 'success' ? m.successCondition : m.failureCondition,
          )}`,
          eval_time: EVAL_AT,
          exp_samples: expectedSamples(expected, which),
        }));
      }),
    })),
  };
}

/**
 * How many of a metric's measurements failed in the `seconds` before `evalAt`: the failure
 * condition evaluated every `interval` by a subquery, as the controller measures, and summed.
 * `(count OP bool limit)` is what the test expects to be 1.
 */
export function failedMeasurements(metric: ResolvedMetric, seconds: number): string {
  return `sum_over_time((${conditionAsPromQL(metric.query, metric.failureCondition)})[${seconds}s:${metric.intervalSeconds}s])`;
}

/**
 * Input series for `points` scrapes in which the judged pods follow `target` and their
 * neighbours and the other environment `others`.
 */
export function aroundTarget(run: AnalysisRun, target: Timeline, others: Timeline, points: number): InputSeries[] {
  return [
    ...seriesFor(targetLabels(run), target, points),
    ...neighboursOf(run.service).flatMap((n) => seriesFor({ ...targetLabels(run), service: n }, others, points)),
    ...seriesFor({ ...targetLabels(run), namespace: OTHER_NAMESPACE }, others, points),
  ];
}
