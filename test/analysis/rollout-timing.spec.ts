import { maxRangeSeconds } from '../../lib/analysis/promql';
import { analyzeRollouts, formatRolloutTable, parseDuration } from '../../lib/analysis/rollout-timing';
import { MAX_REGRESSION_TO_ABORT_SECONDS } from '../../lib/config/release';
import { KubeObject } from '../../lib/output/render';
import { synthesized } from '../support/synthesized';

const objects: KubeObject[] = synthesized().objects.map((o) => o.object);
const rows = analyzeRollouts(objects);

describe('the 5-minute promise', () => {
  test('production runs the three specified Rollouts', () => {
    expect(rows.filter((r) => r.namespace === 'exam-system').map((r) => [r.namespace, r.name, r.strategy])).toEqual([
      ['exam-system', 'auth-service-rollout', 'blueGreen'],
      ['exam-system', 'exam-service-rollout', 'canary'],
      ['exam-system', 'frontend-rollout', 'blueGreen'],
    ]);
  });

  test('staging and hotfix run the same Rollouts as production (docs/decisions.md, The release loop)', () => {
    const of = (ns: string) => rows.filter((r) => r.namespace === ns).map((r) => [r.name, r.strategy]);
    expect(of('exam-system-staging')).toEqual(of('exam-system'));
    expect(of('exam-system-hotfix')).toEqual(of('exam-system'));
  });

  test('every Rollout aborts a regression within 180 s, and its analysis covers the whole release', () => {
    expect(MAX_REGRESSION_TO_ABORT_SECONDS).toBe(180);
    for (const r of rows) {
      expect([r.name, r.worstCaseAbortSeconds, r.meetsAbortBound]).toEqual([r.name, r.worstCaseAbortSeconds, true]);
      expect(r.worstCaseAbortSeconds).toBeLessThanOrEqual(180);
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
    // Recomputed from the synthesized templates: window + (failureLimit + 1) × interval, the
    // largest over the metrics (argo-rollouts analysis/analysis.go: a metric fails once its
    // failed measurements exceed failureLimit; measurements come every interval).
    const templates = objects.filter((o) => o.kind === 'AnalysisTemplate' && o.metadata.namespace === 'exam-system' && ['success-rate', 'response-time'].includes(o.metadata.name));
    const bounds = templates.flatMap((t) =>
      (t.spec as { metrics: { interval: string; failureLimit: number; provider: { prometheus: { query: string } } }[] }).metrics.map(
        (m) => maxRangeSeconds(m.provider.prometheus.query) + (m.failureLimit + 1) * parseDuration(m.interval),
      ),
    );
    expect(bounds).toHaveLength(2);
    expect(canary.worstCaseAbortSeconds).toBe(Math.max(...bounds));
  });

  test('the blue/green rows: post-promotion guards live traffic, with its own inconclusive limit', () => {
    for (const r of rows.filter((x) => x.strategy === 'blueGreen')) {
      const post = objects.find((o) => o.kind === 'AnalysisTemplate' && o.metadata.namespace === r.namespace && o.metadata.name === 'post-promotion')!;
      const metrics = (post.spec as { metrics: { interval: string; failureLimit: number; inconclusiveLimit?: number; provider: { prometheus: { query: string } } }[] }).metrics;
      expect(r.worstCaseAbortSeconds).toBe(Math.max(...metrics.map((m) => maxRangeSeconds(m.provider.prometheus.query) + (m.failureLimit + 1) * parseDuration(m.interval))));
      for (const m of metrics) expect(m.inconclusiveLimit).toBeGreaterThan(0);
    }
  });

  test('the table marks a Rollout over the bound, and the bound is a parameter', () => {
    expect(formatRolloutTable(rows)).toMatch(/exam-service-rollout .* 180s <= 180s/);
    const strict = analyzeRollouts(objects, 150);
    expect(strict.every((r) => !r.meetsAbortBound)).toBe(true);
    expect(formatRolloutTable(strict)).toMatch(/exam-service-rollout .* 180s EXCEEDS 150s/);
  });

  test('the setHeaderRoute step takes no time and does not shift the pauses (it completes at once: argo-rollouts v1.9.1 rollout/canary.go)', () => {
    const ro = objects.find((o) => o.kind === 'Rollout' && o.metadata.name === 'exam-service-rollout')!;
    const steps = (ro.spec as { strategy: { canary: { steps: Record<string, unknown>[] } } }).strategy.canary.steps;
    expect(steps.some((s) => s.setHeaderRoute !== undefined)).toBe(true);
    const without = objects.map((o) =>
      o !== ro ? o : { ...o, spec: { ...(o.spec as object), strategy: { canary: { ...(o.spec as { strategy: { canary: object } }).strategy.canary, steps: steps.filter((s) => s.setHeaderRoute === undefined) } } } },
    );
    const a = rows.find((r) => r.name === 'exam-service-rollout')!;
    const b = analyzeRollouts(without).find((r) => r.name === 'exam-service-rollout')!;
    expect([b.steps, b.releaseSeconds]).toEqual([a.steps, a.releaseSeconds]);
  });

  test('a count of 10 would stop watching after 5 minutes of a 27-minute canary', () => {
    const counted = objects.map((o) => {
      if (o.kind !== 'AnalysisTemplate' || o.metadata.name !== 'success-rate' || o.metadata.namespace !== 'exam-system') return o;
      const copy = JSON.parse(JSON.stringify(o));
      copy.spec.metrics[0].count = 10;
      return copy;
    });
    const canary = analyzeRollouts(counted).find((r) => r.strategy === 'canary' && r.namespace === 'exam-system')!;
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
    expect(analyzeRollouts(slow).filter((r) => r.namespace === 'exam-system').every((r) => r.worstCaseAbortSeconds > 300 && !r.meetsAbortBound)).toBe(true);
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
