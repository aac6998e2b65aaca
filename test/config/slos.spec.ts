import { SERVICE_NAMES } from '../../lib/config/catalog';
import { BURN_RATE_WINDOWS, EXPORTED_BUCKETS, SERVICE_SLOS, budgetConsumed, errorBudgetOf, leRegex, validateServiceSlos, windowHours } from '../../lib/config/slos';
import { BUCKETS } from '../promql/series';

/** PromQL regex matchers are fully anchored RE2; for these patterns JavaScript agrees. */
const matches = (regex: string, value: string) => new RegExp(`^(?:${regex.replace(/\\\\/g, '\\')})$`).test(value);

describe('SLOs as data', () => {
  test('99.9% for exam-service and auth-service, 99.5% for the rest; a latency objective for every service', () => {
    expect(Object.keys(SERVICE_SLOS).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const name of SERVICE_NAMES) {
      expect([name, SERVICE_SLOS[name].availability]).toEqual([name, name === 'exam-service' || name === 'auth-service' ? 0.999 : 0.995]);
      expect(SERVICE_SLOS[name].latency.objective).toBe(0.99);
    }
    expect(errorBudgetOf(SERVICE_SLOS['exam-service'], 'availability')).toBe(0.001);
    expect(errorBudgetOf(SERVICE_SLOS.frontend, 'availability')).toBe(0.005);
    expect(() => validateServiceSlos()).not.toThrow();
  });

  test('the workbook policy: each window pair spends 2%, 5%, 10% and 10% of the 30-day budget', () => {
    expect(BURN_RATE_WINDOWS.map(budgetConsumed)).toEqual([0.02, 0.05, 0.1, 0.1]);
    // The short window is 1/12 of the long one.
    for (const w of BURN_RATE_WINDOWS) expect(windowHours(w.longWindow) / windowHours(w.shortWindow)).toBe(12);
    expect(() => windowHours('7m')).toThrow(/unknown window "7m"/);
  });

  test('bad objectives are refused with the service and field', () => {
    const base = SERVICE_SLOS['exam-service'];
    expect(() => validateServiceSlos({ ...SERVICE_SLOS, 'exam-service': { ...base, availability: 99.9 } })).toThrow(
      /lib\/config\/slos.ts: exam-service.availability is 99.9; expected a share between 0.9 and 1/,
    );
    expect(() => validateServiceSlos({ ...SERVICE_SLOS, 'exam-service': { ...base, latency: { thresholdSeconds: 0.3, objective: 0.99 } } })).toThrow(
      /exam-service.latency.thresholdSeconds is 0.3; expected a histogram bucket bound/,
    );
    const { frontend: _omitted, ...rest } = SERVICE_SLOS;
    expect(() => validateServiceSlos(rest)).toThrow(/SERVICE_SLOS has no entry for frontend/);
  });

  test('the exported buckets are the histogram the services export (the suites synthesise the same)', () => {
    expect([...EXPORTED_BUCKETS]).toEqual([...BUCKETS]);
  });

  test('le matchers accept the Prometheus 2 and 3 spellings of a bound, and no other bucket', () => {
    expect(leRegex(1)).toBe('1(\\\\.0+)?');
    expect(leRegex(0.5)).toBe('0\\\\.50*');
    for (const [bound, spellings] of [
      [1, ['1', '1.0', '1.00']],
      [0.5, ['0.5', '0.50']],
      [2.5, ['2.5', '2.50']],
      [10, ['10', '10.0']],
    ] as const) {
      for (const s of spellings) expect([bound, s, matches(leRegex(bound), s)]).toEqual([bound, s, true]);
      for (const other of [...EXPORTED_BUCKETS.filter((b) => b !== bound).map(String), '+Inf', '1e+00', '0.05', '100']) {
        expect([bound, other, matches(leRegex(bound), other)]).toEqual([bound, other, false]);
      }
    }
    expect(() => leRegex(-1)).toThrow(/positive/);
    expect(() => leRegex(1e-7)).toThrow(/no plain decimal spelling/);
  });
});
