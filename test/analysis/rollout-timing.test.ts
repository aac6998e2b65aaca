import { analyzeRollouts, formatRolloutTable, parseDuration } from '../../lib/analysis/rollout-timing';
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

const objects: KubeObject[] = synthesized().objects.map((o) => o.object);
const rows = analyzeRollouts(objects);

describe('the 5-minute promise', () => {
  test('production runs the three specified Rollouts', () => {
    expect(rows.map((r) => [r.namespace, r.name, r.strategy])).toEqual([
      ['exam-system', 'auth-service-rollout', 'blueGreen'],
      ['exam-system', 'exam-service-rollout', 'canary'],
      ['exam-system', 'frontend-rollout', 'blueGreen'],
    ]);
  });

  test('every Rollout aborts a regression within 300 s, and its analysis covers the whole release', () => {
    console.log(formatRolloutTable(rows));
    for (const r of rows) {
      expect([r.name, r.worstCaseAbortSeconds <= 300]).toEqual([r.name, true]);
      expect([r.name, r.gaps]).toEqual([r.name, []]);
      expect(r.coversWholeRelease).toBe(true);
    }
  });

  test('the canary: the specified steps, 27 minutes, background analysis without an end', () => {
    const canary = rows.find((r) => r.strategy === 'canary')!;
    expect(canary.steps).toBe('10%/2m → 25%/5m → 50%/10m → 75%/10m → 100%');
    expect(canary.releaseSeconds).toBe(27 * 60);
    expect(canary.metrics.map((m) => [m.template, m.metric, m.count])).toEqual([
      ['success-rate', 'success-rate', undefined],
      ['response-time', 'response-time-p95', undefined],
    ]);
    // 2m window + (failureLimit 3 + 1) × 30 s
    expect(canary.worstCaseAbortSeconds).toBe(120 + 4 * 30);
  });

  test('a count of 10 would stop watching after 5 minutes of a 27-minute canary', () => {
    const counted = objects.map((o) => {
      if (o.kind !== 'AnalysisTemplate' || o.metadata.name !== 'success-rate' || o.metadata.namespace !== 'exam-system') return o;
      const copy = JSON.parse(JSON.stringify(o));
      copy.spec.metrics[0].count = 10;
      return copy;
    });
    const canary = analyzeRollouts(counted).find((r) => r.strategy === 'canary')!;
    expect(canary.coversWholeRelease).toBe(false);
    expect(canary.gaps).toEqual(['success-rate/success-rate stops after 5m of a 27m canary']);
  });

  test('a slower failure limit or a wider window breaks the bound', () => {
    const slow = objects.map((o) => {
      if (o.kind !== 'AnalysisTemplate' || o.metadata.namespace !== 'exam-system') return o;
      const copy = JSON.parse(JSON.stringify(o));
      for (const m of copy.spec.metrics) m.failureLimit = 10;
      return copy;
    });
    expect(analyzeRollouts(slow).every((r) => r.worstCaseAbortSeconds > 300)).toBe(true);
  });

  test('blue/green keeps the old color for the whole post-promotion analysis', () => {
    for (const r of rows.filter((x) => x.strategy === 'blueGreen')) {
      const rollout = objects.find((o) => o.kind === 'Rollout' && o.metadata.name === r.name)!;
      const bg = (rollout.spec as { strategy: { blueGreen: { scaleDownDelaySeconds: number } } }).strategy.blueGreen;
      const post = r.metrics.filter((m) => m.count !== undefined).map((m) => m.watchSeconds);
      expect(Math.max(...post)).toBeLessThanOrEqual(bg.scaleDownDelaySeconds);
    }
    const short = objects.map((o) => {
      if (o.kind !== 'Rollout' || o.metadata.name !== 'auth-service-rollout') return o;
      const copy = JSON.parse(JSON.stringify(o));
      copy.spec.strategy.blueGreen.scaleDownDelaySeconds = 60;
      return copy;
    });
    const auth = analyzeRollouts(short).find((r) => r.name === 'auth-service-rollout')!;
    expect(auth.coversWholeRelease).toBe(false);
    expect(auth.gaps[0]).toMatch(/scaled down after 60s/);
  });

  test('durations', () => {
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('2m')).toBe(120);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration(45)).toBe(45);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });
});
