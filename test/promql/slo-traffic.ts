/**
 * Synthetic traffic over long periods for the SLO suites: counters that change rate at given
 * steps (a healthy baseline, then an incident), written in promtool's expanding notation.
 */
import { METRICS } from '../../lib/config/slo';
import { InputSeries, selector } from './series';

export interface Segment {
  /** Increments in this segment (one per step). */
  readonly steps: number;
  /** The amount the counter grows by each step. */
  readonly perStep: number;
}

/** A counter starting at `start` that grows by each segment's `perStep`, one segment after another. */
export function piecewiseCounter(start: number, segments: readonly Segment[]): string {
  const parts = [String(start)];
  let value = start;
  for (const s of segments) {
    if (s.steps <= 0) continue;
    const first = round(value + s.perStep);
    parts.push(`${first}+${round(s.perStep)}x${s.steps - 1}`);
    value = round(value + s.perStep * s.steps);
  }
  return parts.join(' ');
}

function round(x: number): number {
  return Number(x.toFixed(6));
}

export interface Phase {
  /** Steps this phase lasts. */
  readonly steps: number;
  /** Share of requests answered 5xx. */
  readonly errorShare: number;
  /** Share of requests slower than `slowAbove` (they land in the next bucket up). */
  readonly slowShare?: number;
}

export interface TrafficProps {
  readonly namespace: string;
  readonly service: string;
  /** Requests per step. */
  readonly requestsPerStep: number;
  readonly phases: readonly Phase[];
  /** The latency threshold (a bucket bound) that slow requests exceed. */
  readonly slowAbove?: number;
  /** How the `le` labels are spelt: as a client exposes them (`1`) or as Prometheus 3 stores them (`1.0`). */
  readonly leSpelling?: 'client' | 'prometheus3';
}

/** Bucket bounds of the synthetic histogram: the threshold and a slower one, and +Inf. */
function leText(bound: number, spelling: 'client' | 'prometheus3'): string {
  return spelling === 'prometheus3' && Number.isInteger(bound) ? `${bound}.0` : String(bound);
}

/**
 * Requests (status 200 and 503) and a request-duration histogram for one Service: fast
 * requests fall in the `slowAbove` bucket, slow ones only in `+Inf`. The 503 counter starts at
 * 100, as if the service had failed some requests long ago: its series exists from the start.
 */
export function traffic(p: TrafficProps): InputSeries[] {
  const scope = { namespace: p.namespace, service: p.service };
  const perPhase = (share: (ph: Phase) => number) => p.phases.map((ph) => ({ steps: ph.steps, perStep: p.requestsPerStep * share(ph) }));
  const out: InputSeries[] = [
    { series: selector(METRICS.requests, { ...scope, [METRICS.statusLabel]: '200' }), values: piecewiseCounter(0, perPhase((ph) => 1 - ph.errorShare)) },
    { series: selector(METRICS.requests, { ...scope, [METRICS.statusLabel]: '503' }), values: piecewiseCounter(100, perPhase((ph) => ph.errorShare)) },
  ];
  if (p.slowAbove !== undefined) {
    const spelling = p.leSpelling ?? 'client';
    out.push({ series: selector(METRICS.durationBuckets, { ...scope, le: leText(p.slowAbove, spelling) }), values: piecewiseCounter(0, perPhase((ph) => 1 - (ph.slowShare ?? 0))) });
    out.push({ series: selector(METRICS.durationBuckets, { ...scope, le: '+Inf' }), values: piecewiseCounter(0, perPhase(() => 1)) });
  }
  return out;
}
