/**
 * The SLO burn-rate alerts on the real Prometheus engine (promtool), measured: each scenario
 * runs production's generated rules (the service's SLO group and its threshold alerts) on
 * synthetic traffic and asks Prometheus for the first evaluation at which an alert was firing
 * (the ALERTS series the rule manager writes). The expected minute is computed by hand from the
 * window arithmetic in each scenario's comment; the README's "Monitoring" table states the same
 * figures, and this suite checks that it does.
 *
 * Arithmetic used below: with constant traffic and an error share e starting at T0, the error
 * ratio over a window W at T0 + t (t < W, healthy before T0) is e · t / W. An alert pair fires
 * at the first evaluation where both windows exceed burn rate × error budget.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BURN_RATE_WINDOWS, SERVICE_SLOS, SLO_ALERT_NAMES, budgetConsumed, errorBudgetOf } from '../../lib/config/slos';
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';
import { PromtoolResult, testRulesBatch } from './promtool';
import { InputSeries, selector } from './series';
import { Phase, traffic } from './slo-traffic';

interface RuleGroup {
  name: string;
  rules: { alert?: string; record?: string; expr: string }[];
}

const NAMESPACE = 'exam-system';
const { objects } = synthesized();
const rules = objects.map((o) => o.object).filter((o): o is KubeObject & { spec: { groups: RuleGroup[] } } => o.kind === 'PrometheusRule' && o.metadata.namespace === NAMESPACE);

/** The production rule groups of one service: its SLO groups and its threshold alerts. */
function groupsOf(service: string): RuleGroup[] {
  // The alerting groups only: `<service>.slo-period` records the 30-day ratio for the dashboards
  // (test/promql/dashboards.spec.ts), and no alert reads it.
  const names = [`${service}.post-deploy-slo`, `${service}.slo`];
  const groups = rules.flatMap((r) => r.spec.groups).filter((g) => names.includes(g.name));
  expect(groups.map((g) => g.name).sort()).toEqual(names.sort());
  return groups;
}

interface Scenario {
  /** The README's wording of the promise. */
  readonly promise: string;
  readonly service: string;
  /** The Service its live traffic goes through in production. */
  readonly serviceName: string;
  /** Scrape and evaluation step in seconds. */
  readonly step: number;
  readonly requestsPerStep: number;
  readonly phases: readonly Phase[];
  readonly slowAbove?: number;
  readonly leSpelling?: 'client' | 'prometheus3';
  /** Minutes after the incident starts (end of the first phase) at which Prometheus is asked. */
  readonly horizonMinutes: number;
  /** The alert that keeps the promise, and when (minutes after the incident starts) it fires. */
  readonly fires?: { readonly alert: string; readonly minutes: number; readonly bound: number; readonly why: string };
  /** Severities that must not fire at all. */
  readonly silent: readonly ('critical' | 'warning')[];
}

/**
 * Scrapes and rule evaluations once a minute (Prometheus runs them every 30 s): the conditions
 * only grow during an incident, so the first firing minute on this grid is an upper bound of
 * the 30-second one, and the suite runs four times faster.
 */
const HOUR_STEPS_60S = 60;

const SCENARIOS: readonly Scenario[] = [
  {
    promise: '10% errors on exam-service (99.9%)',
    service: 'exam-service',
    serviceName: 'exam-service',
    step: 60,
    requestsPerStep: 2000,
    // 6 healthy hours, so that every page window is full of history.
    phases: [{ steps: 6 * HOUR_STEPS_60S, errorShare: 0 }, { steps: 15, errorShare: 0.1 }],
    horizonMinutes: 15,
    // 1h window: 0.1 · t / 60 > 14.4 × 0.001 = 0.0144  ⇔  t > 8.64 min → first evaluation at 9 min.
    fires: { alert: SLO_ALERT_NAMES.availability.page, minutes: 9, bound: 10, why: '1h and 5m windows at 14.4×' },
    silent: [],
  },
  {
    promise: '2% errors on auth-service (99.9%)',
    service: 'auth-service',
    serviceName: 'auth-service',
    step: 60,
    requestsPerStep: 2000,
    phases: [{ steps: 6 * HOUR_STEPS_60S, errorShare: 0 }, { steps: 50, errorShare: 0.02 }],
    horizonMinutes: 50,
    // 1h window: 0.02 · t / 60 > 0.0144  ⇔  t > 43.2 min → 44 min (evaluations every minute).
    // (6h window: 0.02 · t / 360 > 6 × 0.001 only after 108 min.)
    fires: { alert: SLO_ALERT_NAMES.availability.page, minutes: 44, bound: 45, why: '1h and 5m windows at 14.4×' },
    silent: [],
  },
  {
    promise: '0.05% errors on exam-service (99.9%) for 6 hours',
    service: 'exam-service',
    serviceName: 'exam-service',
    step: 60,
    requestsPerStep: 2000,
    // A burn rate of 0.5: the budget would last 60 days. Nothing pages, nothing opens a ticket.
    phases: [{ steps: 0, errorShare: 0 }, { steps: 6 * HOUR_STEPS_60S, errorShare: 0.0005 }],
    horizonMinutes: 360,
    silent: ['critical', 'warning'],
  },
  {
    promise: 'a slow burn: 2.2% errors on question-service (99.5%)',
    service: 'question-service',
    serviceName: 'question-service',
    // Scraped and evaluated every 5 minutes: three days at 30 s would only make the suite slower.
    step: 300,
    requestsPerStep: 10000,
    // 3 healthy days (the longest ticket window), then 4.4× the budget's rate.
    // 1d window: 0.022 · t / 1440 > 3 × 0.005 = 0.015  ⇔  t > 981.8 min; 3d window:
    // 0.022 · t / 4320 > 0.005  ⇔  t > 981.8 min → first evaluation (every 5 minutes) at 985 min.
    // No page: 0.022 stays below 6 × 0.005 = 0.03; no threshold alert: 2.2% < 5%.
    phases: [{ steps: (3 * 24 * 60) / 5, errorShare: 0 }, { steps: 198, errorShare: 0.022 }],
    horizonMinutes: 990,
    fires: { alert: SLO_ALERT_NAMES.availability.ticket, minutes: 985, bound: 24 * 60, why: '1d and 2h windows at 3×, and 3d and 6h at 1× at the same minute' },
    silent: ['critical'],
  },
  {
    promise: '20% of proctoring-service requests slower than 1 s (`le="1.0"`, as Prometheus 3 stores it)',
    service: 'proctoring-service',
    serviceName: 'proctoring-service',
    step: 60,
    requestsPerStep: 2000,
    slowAbove: 1,
    leSpelling: 'prometheus3',
    phases: [{ steps: 6 * HOUR_STEPS_60S, errorShare: 0, slowShare: 0 }, { steps: 50, errorShare: 0, slowShare: 0.2 }],
    horizonMinutes: 50,
    // Latency budget 1%: 0.2 · t / 60 > 14.4 × 0.01 = 0.144  ⇔  t > 43.2 min → 44 min.
    fires: { alert: SLO_ALERT_NAMES.latency.page, minutes: 44, bound: 45, why: '1h and 5m windows at 14.4×' },
    silent: [],
  },
  {
    promise: 'the same with `le="1"`, as Prometheus 2 stores it',
    service: 'proctoring-service',
    serviceName: 'proctoring-service',
    step: 60,
    requestsPerStep: 2000,
    slowAbove: 1,
    leSpelling: 'client',
    phases: [{ steps: 6 * HOUR_STEPS_60S, errorShare: 0, slowShare: 0 }, { steps: 50, errorShare: 0, slowShare: 0.2 }],
    horizonMinutes: 50,
    fires: { alert: SLO_ALERT_NAMES.latency.page, minutes: 44, bound: 45, why: '1h and 5m windows at 14.4×' },
    silent: [],
  },
];

function duration(seconds: number): string {
  return `${Math.round(seconds)}s`;
}

/** The unit-test file of a scenario, reading its service's rules from `rulesFile`. */
function unitTest(sc: Scenario, rulesFile: string): unknown {
  const input: InputSeries[] = traffic({
    namespace: NAMESPACE,
    service: sc.serviceName,
    requestsPerStep: sc.requestsPerStep,
    phases: sc.phases,
    slowAbove: sc.slowAbove,
    leSpelling: sc.leSpelling,
  });
  const steps = sc.phases.reduce((n, p) => n + p.steps, 0);
  input.push({ series: selector('up', { namespace: NAMESPACE, service: sc.serviceName, instance: '10.0.0.1:8000' }), values: `1x${steps}` });
  const t0 = sc.phases[0].steps * sc.step;
  const end = t0 + sc.horizonMinutes * 60;
  const step = duration(sc.step);
  const tests: unknown[] = [];
  const exprTests: unknown[] = [
    // Nothing fires while the service is healthy.
    ...(t0 > 0 ? [{ expr: `count_over_time(ALERTS{alertstate="firing"}[${duration(t0)}])`, eval_time: duration(t0), exp_samples: [] }] : []),
    ...sc.silent.map((severity) => ({ expr: `count_over_time(ALERTS{severity="${severity}"}[${duration(end)}])`, eval_time: duration(end), exp_samples: [] })),
  ];
  if (sc.fires !== undefined) {
    // The first firing evaluation, in minutes after the incident started.
    exprTests.push({
      expr: `(min(min_over_time(timestamp(ALERTS{alertname="${sc.fires.alert}",alertstate="firing",service="${sc.serviceName}"})[${duration(end - t0)}:${step}])) - ${t0}) / 60`,
      eval_time: duration(end),
      exp_samples: [{ labels: '{}', value: sc.fires.minutes }],
    });
  }
  tests.push({ name: sc.promise, interval: step, input_series: input, promql_expr_test: exprTests });
  return { rule_files: [rulesFile], evaluation_interval: step, tests };
}

// Every scenario in one promtool process (a result per scenario), each with its service's rules.
let judged: PromtoolResult[] | undefined;
function run(sc: Scenario): PromtoolResult {
  judged ??= testRulesBatch(
    SCENARIOS.map((s) => unitTest(s, `rules-${s.service}.yaml`)),
    Object.fromEntries(SCENARIOS.map((s) => [`rules-${s.service}.yaml`, { groups: groupsOf(s.service) }])),
  );
  return judged[SCENARIOS.indexOf(sc)];
}

describe('SLO burn-rate alerts, measured with promtool on production rules', () => {
  test.each(SCENARIOS.map((s) => [s.promise, s] as const))('%s', (_name, sc) => {
    const r = run(sc);
    expect(r.output).toContain('SUCCESS');
    expect(r.ok).toBe(true);
    if (sc.fires) expect(sc.fires.minutes).toBeLessThanOrEqual(sc.fires.bound);
  });

  test('the scenarios use the services and objectives they name', () => {
    expect(errorBudgetOf(SERVICE_SLOS['exam-service'], 'availability')).toBe(0.001);
    expect(errorBudgetOf(SERVICE_SLOS['auth-service'], 'availability')).toBe(0.001);
    expect(errorBudgetOf(SERVICE_SLOS['question-service'], 'availability')).toBe(0.005);
    expect(SERVICE_SLOS['proctoring-service'].latency).toEqual({ thresholdSeconds: 1, objective: 0.99 });
    expect(BURN_RATE_WINDOWS.map((w) => [w.severity, w.burnRate, w.longWindow, w.shortWindow, budgetConsumed(w)])).toEqual([
      ['page', 14.4, '1h', '5m', 0.02],
      ['page', 6, '6h', '30m', 0.05],
      ['ticket', 3, '1d', '2h', 0.1],
      ['ticket', 1, '3d', '6h', 0.1],
    ]);
  });

  test("the README's figures are these measurements", () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const sc of SCENARIOS) {
      const figure = sc.fires ? `\`${sc.fires.alert}\` after ${sc.fires.minutes} min (${sc.fires.why})` : 'nothing fires';
      expect(readme).toContain(`| ${sc.promise} | ${figure} |`);
    }
  });
});
