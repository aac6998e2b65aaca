/**
 * Synthetic Prometheus input series for promtool unit tests: counters that grow by a fixed
 * amount every step, and histograms whose p95 interpolates to an exact value.
 */

/** The scrape interval the series are sampled at. */
export const STEP = '30s';
/** Prometheus' default histogram buckets (client libraries' DefBuckets). */
export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** `metric{k="v",...}` */
export function selector(metric: string, labels: Readonly<Record<string, string>>): string {
  return `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

/** A counter that starts at 0 and grows by `perStep` for `points` steps (promtool expanding notation). */
export function counter(perStep: number, points: number): string {
  return `0+${Number(perStep.toFixed(6))}x${points}`;
}

/**
 * Cumulative bucket shares such that histogram_quantile(0.95) interpolates to exactly `p95`:
 * with the 95th percentile in bucket (lo, hi], share F(lo) = (0.95 - r) / (1 - r) where
 * r = (p95 - lo) / (hi - lo), and F(hi) = 1.
 */
export function bucketShares(p95: number): number[] {
  const hiIndex = BUCKETS.findIndex((b) => b >= p95);
  if (hiIndex <= 0) throw new Error(`p95 ${p95}s is outside the synthetic histogram's buckets`);
  const lo = BUCKETS[hiIndex - 1];
  const hi = BUCKETS[hiIndex];
  const r = (p95 - lo) / (hi - lo);
  if (r >= 0.95) throw new Error(`p95 ${p95}s is too close to a bucket bound to encode`);
  const fLo = (0.95 - r) / (1 - r);
  return BUCKETS.map((_b, i) => (i < hiIndex ? (fLo * (i + 1)) / hiIndex : 1));
}
