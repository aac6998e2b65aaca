import {
  argNames,
  conditionAsPromQL,
  evaluateGuardedCondition,
  labelMatchers,
  maxRangeSeconds,
  measurementPhase,
  parseGuardedCondition,
  promqlDurationSeconds,
  promqlSyntaxErrors,
  substituteArgs,
  topLevelComparison,
} from '../../lib/analysis/promql';
import { ANALYSIS_SETTINGS } from '../../lib/config/slo';
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

const SEED_SUCCESS_RATE =
  'sum(rate(http_requests_total{service="{{args.service-name}}",status!~"5.."}[2m])) /\nsum(rate(http_requests_total{service="{{args.service-name}}"}[2m]))';
const SEED_P95 = 'histogram_quantile(0.95,\n  sum(rate(http_request_duration_seconds_bucket{service="{{args.service-name}}"}[2m])) by (le)\n)';

describe('promqlSyntaxErrors (the official lezer grammar)', () => {
  test('the specified queries parse', () => {
    for (const q of [SEED_SUCCESS_RATE, SEED_P95]) {
      expect(promqlSyntaxErrors(substituteArgs(q, { 'service-name': 'exam-service' }))).toEqual([]);
    }
  });

  test('broken queries are rejected with positions', () => {
    expect(promqlSyntaxErrors('sum(rate(http_requests_total[2m])')).toEqual([
      expect.objectContaining({ line: 1, column: 34, message: 'unexpected end of query' }),
    ]);
    const stray = promqlSyntaxErrors('sum(rate(x[2m]))\n  )');
    expect(stray).toEqual([expect.objectContaining({ line: 2, column: 3 })]);
    expect(stray[0].message).toMatch(/unexpected input near "\)"/);
    expect(promqlSyntaxErrors('x{service="a"')).not.toEqual([]);
    expect(promqlSyntaxErrors('rat(x[2m])')).not.toEqual([]);
    expect(promqlSyntaxErrors('sum(x) by (le')).not.toEqual([]);
    expect(promqlSyntaxErrors('   ')).toEqual([expect.objectContaining({ message: 'empty query' })]);
  });
});

describe('substituteArgs', () => {
  test('resolves {{args.x}} and {{ args.x }} everywhere', () => {
    expect(substituteArgs('a{s="{{args.service-name}}",t="{{ args.service-name }}",u="{{args.other}}"}', { 'service-name': 'exam-service', other: 'o' })).toBe(
      'a{s="exam-service",t="exam-service",u="o"}',
    );
    expect(argNames(SEED_SUCCESS_RATE)).toEqual(['service-name']);
  });

  test('a missing argument is an error, not an empty string', () => {
    expect(() => substituteArgs(SEED_SUCCESS_RATE, {})).toThrow('{{args.service-name}}');
  });
});

describe('maxRangeSeconds', () => {
  test.each([
    [SEED_SUCCESS_RATE, 120],
    [SEED_P95, 120],
    ['rate(x[30s]) / rate(y[5m])', 300],
    ['rate(x[1h30m])', 5400],
    ['max_over_time(rate(x[1m])[10m:30s])', 600],
    ['rate(x[5m] offset 1h)', 300],
    ['x[90]', 90],
    ['min(up{service="a"})', 0],
  ])('%s → %ss', (query, seconds) => {
    expect(maxRangeSeconds(substituteArgs(query, { 'service-name': 's' }))).toBe(seconds);
  });

  test('refuses a query it cannot parse', () => {
    expect(() => maxRangeSeconds('rate(x[2m]')).toThrow(/not valid PromQL/);
  });

  test('PromQL durations', () => {
    expect(promqlDurationSeconds('500ms')).toBe(0.5);
    expect(promqlDurationSeconds('1d2h')).toBe(93600);
    expect(() => promqlDurationSeconds('2 m')).toThrow();
    expect(() => promqlDurationSeconds('2mm')).toThrow();
  });
});

describe('reading queries', () => {
  test('labelMatchers lists every matcher with its operator', () => {
    expect(labelMatchers('sum(rate(a{namespace="ns",status!~"5.."}[2m])) / sum(rate(a{service="s"}[2m]))')).toEqual([
      { label: 'namespace', op: '=', value: 'ns' },
      { label: 'status', op: '!~', value: '5..' },
      { label: 'service', op: '=', value: 's' },
    ]);
  });

  test('topLevelComparison finds what an alert fires on', () => {
    expect(topLevelComparison('sum(a) / sum(b)\n> 0.05')).toEqual({ op: '>', threshold: 0.05, left: 'sum(a) / sum(b)' });
    expect(topLevelComparison('avg(up) < 0.99')).toMatchObject({ op: '<', threshold: 0.99 });
    expect(topLevelComparison('sum(a) / sum(b)')).toBeUndefined();
    expect(topLevelComparison('a > bool 1')).toBeUndefined();
  });
});

describe('Argo Rollouts conditions', () => {
  const success = 'len(result) > 0 && !isNaN(result[0]) && result[0] >= 0.95';
  const failure = 'len(result) > 0 && !isNaN(result[0]) && result[0] < 0.95';

  test('the guarded shape is understood, anything else is refused', () => {
    expect(parseGuardedCondition(success)).toEqual({ op: '>=', threshold: 0.95 });
    expect(() => parseGuardedCondition('result[0] >= 0.95')).toThrow(/unsupported analysis condition/);
    expect(() => parseGuardedCondition('len(result) == 0 || result[0] >= 0.95')).toThrow();
  });

  test('guards: an empty result or NaN never satisfies a condition', () => {
    expect(evaluateGuardedCondition(success, [])).toBe(false);
    expect(evaluateGuardedCondition(success, [NaN])).toBe(false);
    expect(evaluateGuardedCondition(failure, [NaN])).toBe(false);
    expect(evaluateGuardedCondition(success, [0.95])).toBe(true);
    expect(evaluateGuardedCondition(failure, [0.949])).toBe(true);
  });

  test('measurement phases follow EvaluateResult', () => {
    const metric = { successCondition: success, failureCondition: failure };
    expect(measurementPhase(metric, [0.99])).toBe('Successful');
    expect(measurementPhase(metric, [0.9])).toBe('Failed');
    expect(measurementPhase(metric, [])).toBe('Inconclusive');
    expect(measurementPhase(metric, [NaN])).toBe('Inconclusive');
    // A success condition only: no data counts as a failure.
    expect(measurementPhase({ successCondition: success }, [NaN])).toBe('Failed');
    expect(measurementPhase({}, [])).toBe('Successful');
  });

  test('the PromQL form of a condition', () => {
    expect(conditionAsPromQL(' q ', success)).toBe('(q) >= bool 0.95');
  });
});

describe('every query in the whole output', () => {
  const output = synthesized();
  const objects: KubeObject[] = output.objects.map((o) => o.object);
  const templates = objects.filter((o) => o.kind === 'AnalysisTemplate');
  const rules = objects.filter((o) => o.kind === 'PrometheusRule');

  interface Metric {
    name: string;
    provider: { prometheus?: { query?: string } };
  }
  const templateQueries = templates.flatMap((t) => {
    const spec = t.spec as { args?: { name: string }[]; metrics: Metric[] };
    const args = Object.fromEntries((spec.args ?? []).map((a) => [a.name, `example-${a.name}`]));
    return spec.metrics.map((m) => ({
      where: `AnalysisTemplate ${t.metadata.namespace}/${t.metadata.name} metric ${m.name}`,
      raw: m.provider.prometheus?.query ?? '',
      query: substituteArgs(m.provider.prometheus?.query ?? '', args),
    }));
  });
  const ruleQueries = rules.flatMap((r) =>
    (r.spec as { groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[] }).groups.flatMap((g) =>
      g.rules.map((rule) => ({ where: `PrometheusRule ${r.metadata.namespace}/${r.metadata.name} ${g.name} ${rule.alert ?? rule.record}`, query: String(rule.expr) })),
    ),
  );

  test('there are queries in every app namespace', () => {
    for (const ns of output.environments.map((e) => e.namespace)) {
      expect([ns, templateQueries.some((q) => q.where.includes(` ${ns}/`))]).toEqual([ns, true]);
      expect([ns, ruleQueries.some((q) => q.where.includes(` ${ns}/`))]).toEqual([ns, true]);
    }
  });

  test('each parses with the official grammar, args substituted (template args only)', () => {
    const bad = [...templateQueries, ...ruleQueries]
      .map((q) => ({ where: q.where, errors: promqlSyntaxErrors(q.query) }))
      .filter((q) => q.errors.length > 0);
    expect(bad).toEqual([]);
    expect(templateQueries.length).toBeGreaterThan(0);
    expect(ruleQueries.length).toBeGreaterThan(0);
  });

  test('a deliberately broken template query is rejected', () => {
    const broken = templateQueries[0].query.replace(/\)\s*$/, '');
    expect(promqlSyntaxErrors(broken).length).toBeGreaterThan(0);
  });

  test('every analysis query reads the one analysis window (the bound the rollout timing uses)', () => {
    const windows = new Set(templateQueries.filter((q) => q.raw.includes('rate(')).map((q) => maxRangeSeconds(q.query)));
    expect([...windows]).toEqual([promqlDurationSeconds(ANALYSIS_SETTINGS.window)]);
    expect([...windows]).toEqual([90]);
  });
});
