/**
 * What a service's pods expose, as promtool input series: the exam services' request counter
 * (split into a 2xx and a 5xx series), their latency histogram and `up`, for a behaviour that
 * may change from one scrape to the next. Built on series.ts.
 */
import { METRICS } from '../../lib/config/slo';
import { BUCKETS, InputSeries, bucketShares, counter, selector } from './series';

/** Samples per series by default: 30 s apart, 20 minutes. */
export const POINTS = 40;
/** Requests per scrape interval of a service with traffic. */
export const REQUESTS_PER_STEP = 1000;
/** Pods behind a Service. */
export const PODS = 4;

/** How one set of pods behaves during one scrape interval. */
export interface Behaviour {
  /** Requests per step; 0: series exist but no traffic (idle). */
  readonly requests: number;
  /** Share of requests answered 5xx. */
  readonly errorFraction: number;
  /** The p95 latency the histogram encodes, in seconds. */
  readonly p95: number;
  /** Pods answering their scrape, of PODS. */
  readonly podsUp: number;
  /**
   * Whether the 2xx series exists at all: a version that only ever answers 5xx never creates
   * its `status="200"` series. @default true
   */
  readonly successSeries?: boolean;
}

export const HEALTHY: Behaviour = { requests: REQUESTS_PER_STEP, errorFraction: 0.005, p95: 0.15, podsUp: PODS };
export const BROKEN: Behaviour = { requests: REQUESTS_PER_STEP, errorFraction: 0.5, p95: 4, podsUp: 1 };

/** A behaviour per step (index 0 … POINTS), or one for every step. */
export type Timeline = Behaviour | ((step: number) => Behaviour);

const at = (t: Timeline, step: number): Behaviour => (typeof t === 'function' ? t(step) : t);

/** A cumulative series from per-step increments: the expanding notation when constant. */
function cumulative(timeline: Timeline, points: number, perStep: (b: Behaviour) => number): string {
  if (typeof timeline !== 'function') return counter(perStep(timeline), points);
  const values: string[] = [];
  let total = 0;
  for (let step = 0; step <= points; step++) {
    values.push(String(Number(total.toFixed(6))));
    total += perStep(timeline(step + 1));
  }
  return values.join(' ');
}

/**
 * The series a Service's pods expose with `labels` (namespace, service, and e.g. the
 * pod-template hash), behaving as `timeline` says, for `points` scrapes after the first.
 */
export function seriesFor(labels: Readonly<Record<string, string>>, timeline: Timeline, points: number = POINTS): InputSeries[] {
  const first = at(timeline, 0);
  const out: InputSeries[] = [];
  if (first.successSeries !== false) {
    out.push({ series: selector(METRICS.requests, { ...labels, [METRICS.statusLabel]: '200' }), values: cumulative(timeline, points, (b) => b.requests * (1 - b.errorFraction)) });
  }
  out.push({ series: selector(METRICS.requests, { ...labels, [METRICS.statusLabel]: '503' }), values: cumulative(timeline, points, (b) => b.requests * b.errorFraction) });
  BUCKETS.forEach((le, i) =>
    out.push({ series: selector(METRICS.durationBuckets, { ...labels, le: String(le) }), values: cumulative(timeline, points, (b) => b.requests * bucketShares(b.p95)[i]) }),
  );
  out.push({ series: selector(METRICS.durationBuckets, { ...labels, le: '+Inf' }), values: cumulative(timeline, points, (b) => b.requests) });
  for (let pod = 0; pod < PODS; pod++) {
    const values =
      typeof timeline === 'function'
        ? Array.from({ length: points + 1 }, (_x, step) => (pod < timeline(step).podsUp ? '1' : '0')).join(' ')
        : `${pod < first.podsUp ? 1 : 0}x${points}`;
    out.push({ series: selector('up', { ...labels, instance: `10.0.0.${pod + 1}:8000` }), values });
  }
  return out;
}

/** A deterministic pseudo-random sequence in [0, 1) (a linear congruential generator). */
export function pseudoRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface Noise {
  /** Traffic varies by up to ± this share from step to step. */
  readonly trafficJitter: number;
  /** The background error share varies uniformly in [0, this]. */
  readonly maxErrorFraction: number;
  /** The p95 varies uniformly in [low, high] seconds. */
  readonly p95Range: readonly [number, number];
  /** Every `spikeEvery` steps, one step answers `spikeErrorFraction` with 5xx (a pod restart). */
  readonly spikeEvery: number;
  readonly spikeErrorFraction: number;
}

/** A healthy service whose scrapes differ: jittered traffic, errors and latency, brief spikes. */
export function noisy(base: Behaviour, noise: Noise, seed = 42, points = 100): (step: number) => Behaviour {
  const random = pseudoRandom(seed);
  const steps = Array.from({ length: points + 2 }, (_x, step): Behaviour => {
    const [lo, hi] = noise.p95Range;
    return {
      ...base,
      requests: Math.round(base.requests * (1 + noise.trafficJitter * (2 * random() - 1))),
      errorFraction: step > 0 && step % noise.spikeEvery === 0 ? noise.spikeErrorFraction : noise.maxErrorFraction * random(),
      p95: lo + (hi - lo) * random(),
    };
  });
  return (step) => steps[Math.min(step, steps.length - 1)];
}

/** `before` until `step`, then `after`: a regression that starts at a known time. */
export function changesAt(step: number, before: Behaviour, after: Behaviour): (s: number) => Behaviour {
  return (s) => (s < step ? before : after);
}
