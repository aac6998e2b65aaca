/**
 * The 5-minute promise, measured from the synthesized objects: for every Argo Rollout, the
 * worst-case time from a regression to the abort, and whether the analysis watches the whole
 * release.
 *
 * Upstream semantics (Argo Rollouts AnalysisRun):
 * - a metric is measured every `interval`, first after `initialDelay`;
 * - it fails when its failed measurements exceed `failureLimit`, i.e. at failureLimit+1;
 * - a measurement only turns bad once the query sees the regression; a rate over a range
 *   window `[w]` needs up to `w` for the ratio to cross its threshold.
 * Worst case for one metric: initialDelay + window + (failureLimit + 1) × interval (the first
 * bad measurement can come up to one interval after the window has filled). A Rollout aborts
 * when any metric fails, but a regression may show in one metric only, so the bound of the
 * Rollout is the largest bound of its metrics. Each Rollout's worst case is held to the release
 * promise, MAX_REGRESSION_TO_ABORT_SECONDS (lib/config/release.ts).
 */
import { MAX_REGRESSION_TO_ABORT_SECONDS } from '../config/release';
import type { KubeObject } from '../output/render';
import { maxRangeSeconds } from './promql';

export interface MetricTiming {
  readonly template: string;
  readonly metric: string;
  readonly intervalSeconds: number;
  readonly initialDelaySeconds: number;
  readonly failureLimit: number;
  /** Undefined: measured until the analysis is stopped. */
  readonly count?: number;
  readonly windowSeconds: number;
  readonly worstCaseAbortSeconds: number;
  /** How long the metric keeps measuring; Infinity when it has no count. */
  readonly watchSeconds: number;
}

export interface RolloutTiming {
  readonly namespace: string;
  readonly name: string;
  readonly strategy: 'canary' | 'blueGreen';
  /** Human summary of the steps, e.g. `10%/2m → 25%/5m → 100%`. */
  readonly steps: string;
  /**
   * Canary: the sum of the pauses (Infinity when a pause waits for a person). Blue/green: the
   * pre-promotion analysis before the switch plus the post-promotion analysis after it.
   */
  readonly releaseSeconds: number;
  /** The largest regression-to-abort bound over the analysis that guards live traffic. */
  readonly worstCaseAbortSeconds: number;
  /** The promise the worst case is held to (MAX_REGRESSION_TO_ABORT_SECONDS unless told). */
  readonly abortBoundSeconds: number;
  /** worstCaseAbortSeconds <= abortBoundSeconds. */
  readonly meetsAbortBound: boolean;
  /** The analysis watches the whole release (and, for blue/green, the old color outlives it). */
  readonly coversWholeRelease: boolean;
  /** Why coverage fails, when it does. */
  readonly gaps: readonly string[];
  readonly metrics: readonly MetricTiming[];
}

/** The longest release that ends by itself (pauses that wait for a person excluded), in seconds; 0 without one. */
export function longestRelease(objects: readonly KubeObject[]): number {
  return Math.max(0, ...analyzeRollouts(objects).map((r) => r.releaseSeconds).filter(Number.isFinite));
}

/** Go duration (`30s`, `2m`, `1h30m`, `500ms`) or a bare number of seconds, in seconds. */
export function parseDuration(value: unknown): number {
  if (typeof value === 'number') return value;
  const text = String(value);
  if (/^\d+$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed += m[0].length;
  }
  if (consumed !== text.length || consumed === 0) throw new Error(`not a duration: "${text}"`);
  return total;
}

interface TemplateRef {
  templateName: string;
}
interface Analysis {
  templates?: TemplateRef[];
}
interface Metric {
  name: string;
  interval?: string;
  initialDelay?: string;
  failureLimit?: number | string;
  count?: number | string;
  provider?: { prometheus?: { query?: string } };
}

function metricTimings(objects: readonly KubeObject[], namespace: string, analysis: Analysis | undefined): MetricTiming[] {
  const out: MetricTiming[] = [];
  for (const ref of analysis?.templates ?? []) {
    const template = objects.find(
      (o) => o.kind === 'AnalysisTemplate' && o.metadata.namespace === namespace && o.metadata.name === ref.templateName,
    );
    if (template === undefined) throw new Error(`AnalysisTemplate ${namespace}/${ref.templateName} is referenced but not synthesized`);
    for (const m of (template.spec as { metrics: Metric[] }).metrics) {
      const intervalSeconds = m.interval === undefined ? 0 : parseDuration(m.interval);
      const initialDelaySeconds = m.initialDelay === undefined ? 0 : parseDuration(m.initialDelay);
      const failureLimit = m.failureLimit === undefined ? 0 : Number(m.failureLimit);
      const count = m.count === undefined ? undefined : Number(m.count);
      const query = m.provider?.prometheus?.query;
      const windowSeconds = query === undefined ? 0 : maxRangeSeconds(query);
      out.push({
        template: ref.templateName,
        metric: m.name,
        intervalSeconds,
        initialDelaySeconds,
        failureLimit,
        count,
        windowSeconds,
        worstCaseAbortSeconds: initialDelaySeconds + windowSeconds + (failureLimit + 1) * intervalSeconds,
        watchSeconds: count === undefined ? Infinity : initialDelaySeconds + count * intervalSeconds,
      });
    }
  }
  return out;
}

const maxOf = (xs: readonly number[]): number => xs.reduce((a, b) => Math.max(a, b), 0);

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return 'manual';
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return m === 0 ? `${rest}s` : rest === 0 ? `${m}m` : `${m}m${rest}s`;
}

function analyzeCanary(objects: readonly KubeObject[], ro: KubeObject, canary: Record<string, unknown>): Unbounded {
  const ns = ro.metadata.namespace ?? '';
  const steps = (canary.steps as { setWeight?: number; pause?: { duration?: string } }[] | undefined) ?? [];
  let releaseSeconds = 0;
  const parts: string[] = [];
  for (const step of steps) {
    if (step.setWeight !== undefined) parts.push(`${step.setWeight}%`);
    if (step.pause !== undefined) {
      const d = step.pause.duration === undefined ? Infinity : parseDuration(step.pause.duration);
      releaseSeconds += d;
      parts[parts.length - 1] = `${parts[parts.length - 1] ?? ''}/${formatSeconds(d)}`;
    }
  }
  parts.push('100%');
  const analysis = canary.analysis as (Analysis & { startingStep?: number }) | undefined;
  const metrics = metricTimings(objects, ns, analysis);
  const gaps: string[] = [];
  if (metrics.length === 0) gaps.push('no background analysis');
  if ((analysis?.startingStep ?? 0) > 0) gaps.push(`background analysis starts at step ${analysis?.startingStep}`);
  for (const m of metrics) {
    if (m.watchSeconds < releaseSeconds) {
      gaps.push(`${m.template}/${m.metric} stops after ${formatSeconds(m.watchSeconds)} of a ${formatSeconds(releaseSeconds)} canary`);
    }
  }
  return {
    namespace: ns,
    name: ro.metadata.name,
    strategy: 'canary',
    steps: parts.join(' → '),
    releaseSeconds,
    worstCaseAbortSeconds: metrics.length === 0 ? Infinity : maxOf(metrics.map((m) => m.worstCaseAbortSeconds)),
    coversWholeRelease: gaps.length === 0,
    gaps,
    metrics,
  };
}

function analyzeBlueGreen(objects: readonly KubeObject[], ro: KubeObject, bg: Record<string, unknown>): Unbounded {
  const ns = ro.metadata.namespace ?? '';
  const pre = metricTimings(objects, ns, bg.prePromotionAnalysis as Analysis | undefined);
  const post = metricTimings(objects, ns, bg.postPromotionAnalysis as Analysis | undefined);
  const preSeconds = maxOf(pre.map((m) => m.watchSeconds));
  const postSeconds = maxOf(post.map((m) => m.watchSeconds));
  const scaleDownDelay = Number(bg.scaleDownDelaySeconds ?? 30);
  const gaps: string[] = [];
  if (pre.length === 0) gaps.push('no pre-promotion analysis: the new color is not checked before the switch');
  if (post.length === 0) gaps.push('no post-promotion analysis: nothing verifies the switch');
  if (!Number.isFinite(preSeconds) || !Number.isFinite(postSeconds)) gaps.push('a promotion analysis has no count and never completes');
  if (postSeconds > scaleDownDelay) {
    gaps.push(`the old color is scaled down after ${scaleDownDelay}s, before the ${formatSeconds(postSeconds)} post-promotion analysis ends`);
  }
  const auto = bg.autoPromotionEnabled !== false;
  return {
    namespace: ns,
    name: ro.metadata.name,
    strategy: 'blueGreen',
    steps: `preview → analysis (${formatSeconds(preSeconds)}) → ${auto ? 'auto' : 'manual'} promote → analysis (${formatSeconds(postSeconds)}) → old color down after ${formatSeconds(scaleDownDelay)}`,
    releaseSeconds: preSeconds + postSeconds,
    // Live traffic is guarded by the post-promotion analysis: a failure there switches back.
    worstCaseAbortSeconds: post.length === 0 ? Infinity : maxOf(post.map((m) => m.worstCaseAbortSeconds)),
    coversWholeRelease: gaps.length === 0,
    gaps,
    metrics: [...pre, ...post],
  };
}

type Unbounded = Omit<RolloutTiming, 'abortBoundSeconds' | 'meetsAbortBound'>;

/**
 * One row per Rollout in `objects`, sorted by namespace and name; each worst case is held to
 * `abortBoundSeconds` (@default MAX_REGRESSION_TO_ABORT_SECONDS).
 */
export function analyzeRollouts(objects: readonly KubeObject[], abortBoundSeconds: number = MAX_REGRESSION_TO_ABORT_SECONDS): RolloutTiming[] {
  const rows: Unbounded[] = [];
  for (const ro of objects.filter((o) => o.kind === 'Rollout')) {
    const strategy = (ro.spec as { strategy: { canary?: Record<string, unknown>; blueGreen?: Record<string, unknown> } }).strategy;
    if (strategy.canary) rows.push(analyzeCanary(objects, ro, strategy.canary));
    else if (strategy.blueGreen) rows.push(analyzeBlueGreen(objects, ro, strategy.blueGreen));
    else throw new Error(`Rollout ${ro.metadata.namespace}/${ro.metadata.name} has neither a canary nor a blueGreen strategy`);
  }
  return rows
    .map((r) => ({ ...r, abortBoundSeconds, meetsAbortBound: r.worstCaseAbortSeconds <= abortBoundSeconds }))
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`, 'en'));
}

/** The timing table, as plain text. */
export function formatRolloutTable(rows: readonly RolloutTiming[]): string {
  const header = ['ROLLOUT', 'STRATEGY', 'STEPS', 'RELEASE TIME', 'WORST-CASE ABORT', 'COVERS RELEASE'];
  const body = rows.map((r) => [
    `${r.namespace}/${r.name}`,
    r.strategy,
    r.steps,
    formatSeconds(r.releaseSeconds),
    `${Number.isFinite(r.worstCaseAbortSeconds) ? `${r.worstCaseAbortSeconds}s` : 'never'} ${r.meetsAbortBound ? '<=' : 'EXCEEDS'} ${r.abortBoundSeconds}s`,
    r.coversWholeRelease ? 'yes' : `NO: ${r.gaps.join('; ')}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n') + '\n';
}
