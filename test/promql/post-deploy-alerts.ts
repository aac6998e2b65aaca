/**
 * The post-deploy alerts (PrometheusRule `exam-slo-alerts` per namespace) as promtool unit
 * tests: each alert fires exactly when its service breaches its threshold (read from the
 * rule's own expression), only after its `for:`, and never for another service or environment.
 */
import { compare, labelMatchers, topLevelComparison, type Comparator } from '../../lib/analysis/promql';
import { ALERT_NAMES, AlertKind } from '../../lib/constructs/exam-alerts';
import type { KubeObject } from '../../lib/output/render';
import { InputSeries, STEP } from './series';
import { BROKEN, Behaviour, PODS, REQUESTS_PER_STEP, seriesFor } from './traffic';

/** Another environment's namespace: its broken services must not fire this one's alerts. */
export const OTHER_NAMESPACE = 'another-environment';

export interface AlertRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** One alerting rule: which alert, which service, and the threshold it compares against. */
export interface WatchedAlert {
  readonly rule: AlertRule;
  readonly kind: AlertKind;
  readonly service: string;
  readonly op: Comparator;
  readonly threshold: number;
}

export type Problem = 'errors' | 'slow' | 'down';

const KINDS = Object.keys(ALERT_NAMES) as AlertKind[];

function equalityMatcher(expr: string, label: string): string {
  const values = [...new Set(labelMatchers(expr).filter((m) => m.label === label && m.op === '=').map((m) => m.value))];
  if (values.length !== 1) throw new Error(`expected one ${label}="..." matcher in ${expr}, found ${values.length}`);
  return values[0];
}

/** The rule groups of a PrometheusRule, i.e. a rule file promtool reads. */
export function ruleFile(rule: KubeObject): { groups: RuleGroup[] } {
  return { groups: (rule.spec as { groups: RuleGroup[] }).groups };
}

/** Every alert of a PrometheusRule; throws on a rule that is not a known alert with a threshold. */
export function watchedAlerts(rule: KubeObject): WatchedAlert[] {
  const ns = rule.metadata.namespace ?? '';
  return ruleFile(rule).groups.flatMap((g) =>
    g.rules.map((r) => {
      const kind = KINDS.find((k) => ALERT_NAMES[k] === r.alert);
      const cmp = topLevelComparison(r.expr);
      if (kind === undefined || cmp === undefined) throw new Error(`${ns} ${g.name}: rule ${r.alert ?? r.record} is not one of the known alerts with a threshold`);
      if (equalityMatcher(r.expr, 'namespace') !== ns) throw new Error(`${ns} ${g.name} ${r.alert}: does not select namespace="${ns}"`);
      return { rule: r, kind, service: equalityMatcher(r.expr, 'service'), op: cmp.op, threshold: cmp.threshold };
    }),
  );
}

/** The one threshold each kind of alert uses across the services. */
export function thresholds(alerts: readonly WatchedAlert[]): Record<AlertKind, number> {
  return Object.fromEntries(
    KINDS.map((kind) => {
      const values = [...new Set(alerts.filter((a) => a.kind === kind).map((a) => a.threshold))];
      if (values.length !== 1) throw new Error(`alert ${ALERT_NAMES[kind]} has ${values.length} different thresholds`);
      return [kind, values[0]];
    }),
  ) as Record<AlertKind, number>;
}

/** What a service is like with `problem`, given the alert thresholds. */
export function behaviourWith(problem: Problem | undefined, t: Readonly<Record<AlertKind, number>>): Behaviour {
  const healthy: Behaviour = { requests: REQUESTS_PER_STEP, errorFraction: t.errorRate / 4, p95: t.latency * 0.3, podsUp: PODS };
  switch (problem) {
    case undefined:
      return healthy;
    case 'errors':
      return { ...healthy, errorFraction: Math.min(1, t.errorRate * 2) };
    case 'slow':
      return { ...healthy, p95: t.latency * 2 };
    case 'down':
      return { ...healthy, podsUp: PODS - 1 };
  }
}

/** The value each alert's expression computes for a behaviour (what should fire). */
export function trueValues(b: Behaviour): Record<AlertKind, number> {
  return { errorRate: b.errorFraction, successRate: 1 - b.errorFraction, latency: b.p95, availability: b.podsUp / PODS };
}

function expand(template: string, labels: Record<string, string>): string {
  return template.replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_all, name: string) => labels[name] ?? '');
}

/** When a breach has fired: its `for:` (3m) past, the 5m windows full. Before it (1m), it is only pending. */
const EVAL_AT = '6m';
const PENDING_AT = '1m';

/**
 * A promtool unit-test file for one PrometheusRule (written beside it as `rulesFileName`): all
 * healthy, then each problem on every other service (odd, then even positions), so that every
 * service has every problem once while its neighbours are healthy; which alerts fire is
 * computed from the thresholds. Also returns the `service/alert` pairs some scenario fires.
 */
export function alertTests(namespace: string, alerts: readonly WatchedAlert[], rulesFileName: string): { file: unknown; fired: Set<string> } {
  const t = thresholds(alerts);
  const services = [...new Set(alerts.map((a) => a.service))];
  const scenarios: { name: string; problems: Map<string, Problem> }[] = [{ name: 'all healthy: nothing fires', problems: new Map() }];
  for (const problem of ['errors', 'slow', 'down'] as const) {
    for (const parity of [0, 1]) {
      const hit = services.filter((_s, i) => i % 2 === parity);
      if (hit.length > 0) scenarios.push({ name: `${problem}: ${hit.join(', ')}`, problems: new Map(hit.map((s) => [s, problem])) });
    }
  }
  const tests = scenarios.map((sc) => {
    const input: InputSeries[] = [];
    const behaviours = new Map(services.map((s) => [s, behaviourWith(sc.problems.get(s), t)]));
    for (const [s, b] of behaviours) input.push(...seriesFor({ namespace, service: s }, b));
    // The same services broken in another environment must not fire this environment's alerts.
    for (const s of services) input.push(...seriesFor({ namespace: OTHER_NAMESPACE, service: s }, BROKEN));
    const firing = (evalAt: string, afterFor: boolean) =>
      KINDS.map((kind) => ({
        eval_time: evalAt,
        alertname: ALERT_NAMES[kind],
        exp_alerts: afterFor
          ? alerts
              .filter((a) => a.kind === kind && compare(trueValues(behaviours.get(a.service)!)[kind], a.op, a.threshold))
              .map((a) => {
                const seriesLabels = { namespace, service: a.service };
                return {
                  exp_labels: { ...(a.rule.labels ?? {}), ...seriesLabels },
                  exp_annotations: Object.fromEntries(Object.entries(a.rule.annotations ?? {}).map(([k, v]) => [k, expand(v, seriesLabels)])),
                };
              })
          : [],
      }));
    return { name: sc.name, interval: STEP, input_series: input, alert_rule_test: [...firing(PENDING_AT, false), ...firing(EVAL_AT, true)] };
  });
  const fired = new Set(tests.flatMap((x) => x.alert_rule_test.flatMap((a) => a.exp_alerts.map((e) => `${e.exp_labels.service}/${a.alertname}`))));
  return { file: { rule_files: [rulesFileName], evaluation_interval: STEP, tests }, fired };
}
