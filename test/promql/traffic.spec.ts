/**
 * The synthetic series the PromQL suites stand on, checked by the engine that reads them: the
 * counters' rates, the error share and the histogram's p95 are what the behaviour says, for
 * constant and for changing behaviours.
 */
import { testRules } from './promtool';
import { STEP } from './series';
import { Behaviour, HEALTHY, POINTS, changesAt, noisy, seriesFor } from './traffic';

const LABELS = { namespace: 'ns', service: 'svc' };

function evaluates(input: ReturnType<typeof seriesFor>, checks: { expr: string; eval_time: string; value: number }[]): string {
  const r = testRules({
    rule_files: [],
    evaluation_interval: STEP,
    tests: [
      {
        interval: STEP,
        input_series: input,
        // Equal up to floating-point rounding: |value - expected| < 1e-9.
        promql_expr_test: checks.map((c) => ({ expr: `abs((${c.expr}) - ${c.value}) < bool 1e-9`, eval_time: c.eval_time, exp_samples: [{ labels: '{}', value: 1 }] })),
      },
    ],
  });
  return r.ok ? '' : r.output;
}

const rate = (selector: string) => `sum(rate(${selector}[2m]))`;

describe('synthetic traffic, read back by promtool', () => {
  test('a constant behaviour: requests per second, error share, p95 and pods up', () => {
    const b: Behaviour = { ...HEALTHY, errorFraction: 0.1, p95: 0.3, podsUp: 3 };
    expect(
      evaluates(seriesFor(LABELS, b), [
        { expr: rate('http_requests_total'), eval_time: '10m', value: b.requests / 30 },
        { expr: `${rate('http_requests_total{status="503"}')} / ${rate('http_requests_total')}`, eval_time: '10m', value: 0.1 },
        { expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[2m])))', eval_time: '10m', value: 0.3 },
        { expr: 'sum(up)', eval_time: '10m', value: 3 },
      ]),
    ).toBe('');
  });

  test('a behaviour that changes: the rate follows it once the window has passed', () => {
    const before: Behaviour = { ...HEALTHY, errorFraction: 0 };
    const after: Behaviour = { ...HEALTHY, errorFraction: 0.2, p95: 2 };
    const input = seriesFor(LABELS, changesAt(20, before, after));
    expect(
      evaluates(input, [
        { expr: `(${rate('http_requests_total{status="503"}')} or vector(0))`, eval_time: '9m', value: 0 },
        { expr: `${rate('http_requests_total{status="503"}')} / ${rate('http_requests_total')}`, eval_time: '15m', value: 0.2 },
        { expr: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[2m])))', eval_time: '15m', value: 2 },
      ]),
    ).toBe('');
  });

  test('an errors-only version has no 2xx series at all', () => {
    const input = seriesFor(LABELS, { ...HEALTHY, errorFraction: 1, successSeries: false });
    expect(input.some((s) => s.series.includes('status="200"'))).toBe(false);
    expect(evaluates(input, [{ expr: `${rate('http_requests_total{status="503"}')} / ${rate('http_requests_total')}`, eval_time: '10m', value: 1 }])).toBe('');
  });

  test('noise is deterministic, and varies from scrape to scrape', () => {
    const noise = { trafficJitter: 0.3, maxErrorFraction: 0.03, p95Range: [0.26, 0.45] as const, spikeEvery: 10, spikeErrorFraction: 0.08 };
    const a = noisy(HEALTHY, noise, 7, POINTS);
    const b = noisy(HEALTHY, noise, 7, POINTS);
    expect(Array.from({ length: POINTS }, (_x, i) => a(i))).toEqual(Array.from({ length: POINTS }, (_x, i) => b(i)));
    expect(new Set(Array.from({ length: POINTS }, (_x, i) => a(i).requests)).size).toBeGreaterThan(POINTS / 2);
    expect(a(10).errorFraction).toBe(0.08);
  });
});
