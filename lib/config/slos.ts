/**
 * Service-level objectives as data: per service, an availability objective and a latency
 * objective over a 30-day period, and the multi-window, multi-burn-rate alerting policy that
 * guards them (Google SRE workbook, "Alerting on SLOs", table 5-8). The recording rules, the
 * alerts (lib/constructs/slo-rules.ts) and the SLO dashboard (lib/dashboards/) are all generated
 * from what is here, and every PromQL text they carry is built by one function below.
 *
 * Why these objectives, windows and SLI definitions: docs/decisions.md, "Observability as code".
 */
import { SERVICE_NAMES, ServiceName } from './catalog';
import { REPO_URL, WIRING_REVISION } from './gitops';
import { METRICS, SeriesScope, matchers } from './slo';

/** The SLO period: every objective is judged over the last 30 days. */
export const SLO_PERIOD = { window: '30d', hours: 30 * 24 } as const;

/**
 * The upper bounds (`le`) of the request-duration histogram every exam service exports: the
 * client libraries' default buckets. A latency threshold must be one of them, or the latency
 * SLI would read a bucket that does not exist and be empty.
 */
export const EXPORTED_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** "`objective` of requests are served within `thresholdSeconds`". */
export interface LatencyObjective {
  /** A bucket bound of EXPORTED_BUCKETS, in seconds. */
  readonly thresholdSeconds: number;
  /** The share of requests that must be that fast, e.g. 0.99. */
  readonly objective: number;
}

export interface ServiceSlo {
  /** The share of requests that must not end in a server error (5xx), e.g. 0.999. */
  readonly availability: number;
  readonly latency: LatencyObjective;
}

/**
 * The objectives. exam-service (candidates' answers and submissions) and auth-service (nobody
 * starts an exam without signing in) promise 99.9%: 43 minutes of errors a month. The others
 * promise 99.5% (3.6 hours): a degraded report, notification or proctoring signal does not stop
 * an exam. Interactive paths answer 99% of requests within 0.5 s, the release analysis' own
 * latency bar; proctoring (media signals) within 1 s; reports and notifications within 2.5 s.
 */
export const SERVICE_SLOS: Readonly<Record<ServiceName, ServiceSlo>> = {
  'auth-service': { availability: 0.999, latency: { thresholdSeconds: 0.5, objective: 0.99 } },
  'exam-service': { availability: 0.999, latency: { thresholdSeconds: 0.5, objective: 0.99 } },
  'question-service': { availability: 0.995, latency: { thresholdSeconds: 0.5, objective: 0.99 } },
  'proctoring-service': { availability: 0.995, latency: { thresholdSeconds: 1, objective: 0.99 } },
  'analytics-service': { availability: 0.995, latency: { thresholdSeconds: 2.5, objective: 0.99 } },
  'notification-service': { availability: 0.995, latency: { thresholdSeconds: 2.5, objective: 0.99 } },
  frontend: { availability: 0.995, latency: { thresholdSeconds: 0.5, objective: 0.99 } },
};

/** The two SLOs of every service. */
export const SLO_KINDS = ['availability', 'latency'] as const;
export type SloKind = (typeof SLO_KINDS)[number];

/** The objective (a share of good requests) of one SLO of one service. */
export function objectiveOf(slo: ServiceSlo, kind: SloKind): number {
  return kind === 'availability' ? slo.availability : slo.latency.objective;
}

/** The error budget: the share of requests allowed to be bad (1 - objective). */
export function errorBudgetOf(slo: ServiceSlo, kind: SloKind): number {
  return round(1 - objectiveOf(slo, kind));
}

/** Throws with the service and field when one service's objectives are not usable. */
export function validateServiceSlo(name: string, slo: ServiceSlo): void {
  for (const [field, value] of [['availability', slo.availability], ['latency.objective', slo.latency.objective]] as const) {
    if (!(value > 0.9 && value < 1)) throw new Error(`lib/config/slos.ts: ${name}.${field} is ${value}; expected a share between 0.9 and 1 (e.g. 0.999)`);
  }
  if (!EXPORTED_BUCKETS.includes(slo.latency.thresholdSeconds as (typeof EXPORTED_BUCKETS)[number])) {
    throw new Error(`lib/config/slos.ts: ${name}.latency.thresholdSeconds is ${slo.latency.thresholdSeconds}; expected a histogram bucket bound, one of ${EXPORTED_BUCKETS.join(', ')}`);
  }
}

/** Every catalog service has objectives, and each is usable. */
export function validateServiceSlos(slos: Readonly<Record<string, ServiceSlo>> = SERVICE_SLOS): void {
  for (const name of SERVICE_NAMES) if (slos[name] === undefined) throw new Error(`lib/config/slos.ts: SERVICE_SLOS has no entry for ${name}; expected one per catalog service`);
  for (const [name, slo] of Object.entries(slos)) validateServiceSlo(name, slo);
}

// ---------------------------------------------------------------------------------------------
// The alerting policy: multiwindow, multi-burn-rate (SRE workbook, table 5-8).

/** `page`: someone acts now (severity critical); `ticket`: someone acts this working day (warning). */
export type BurnSeverity = 'page' | 'ticket';

export interface BurnRateWindow {
  readonly severity: BurnSeverity;
  /** How many times faster than "exactly the budget over the period" the budget burns. */
  readonly burnRate: number;
  /** The window that proves the burn is significant... */
  readonly longWindow: string;
  /** ...and the window (1/12 of it) that proves it is still going on, so the alert resets fast. */
  readonly shortWindow: string;
}

/**
 * Each pair fires when both windows burn faster than `burnRate`. Page: 2% of the 30-day budget
 * gone in 1 hour (14.4×) or 5% in 6 hours (6×); ticket: 10% in 1 day (3×) or 10% in 3 days (1×).
 */
export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { severity: 'page', burnRate: 14.4, longWindow: '1h', shortWindow: '5m' },
  { severity: 'page', burnRate: 6, longWindow: '6h', shortWindow: '30m' },
  { severity: 'ticket', burnRate: 3, longWindow: '1d', shortWindow: '2h' },
  { severity: 'ticket', burnRate: 1, longWindow: '3d', shortWindow: '6h' },
];

/** The Prometheus `severity` label of each kind of alert (the threshold alerts use the same two). */
export const SEVERITY_LABEL: Readonly<Record<BurnSeverity, 'critical' | 'warning'>> = { page: 'critical', ticket: 'warning' };

const HOURS: Readonly<Record<string, number>> = { '5m': 5 / 60, '30m': 0.5, '1h': 1, '2h': 2, '6h': 6, '1d': 24, '3d': 72, '30d': 720 };

/** A window of this file in hours. */
export function windowHours(window: string): number {
  const h = HOURS[window];
  if (h === undefined) throw new Error(`lib/config/slos.ts: unknown window "${window}"; expected one of ${Object.keys(HOURS).join(', ')}`);
  return h;
}

/** The share of the period's error budget a window pair has burnt when it fires. */
export function budgetConsumed(w: BurnRateWindow): number {
  return round((w.burnRate * windowHours(w.longWindow)) / SLO_PERIOD.hours);
}

/** Every window the alerts read an error ratio over, shortest first. */
export const SLI_WINDOWS: readonly string[] = [...new Set(BURN_RATE_WINDOWS.flatMap((w) => [w.shortWindow, w.longWindow]))].sort((a, b) => windowHours(a) - windowHours(b));

/**
 * How often the period's error ratio and the error budget are recorded. The 30-day ratio reads
 * 30 days of samples and moves slowly; no alert reads it (only the dashboards do), so a group of
 * its own evaluates it every 5 minutes instead of every 30 seconds.
 */
export const PERIOD_RULES_INTERVAL = '5m';

/** Alert names: one page and one ticket alert per SLO kind. Each has docs/runbooks/<name>.md. */
export const SLO_ALERT_NAMES: Readonly<Record<SloKind, Readonly<Record<BurnSeverity, string>>>> = {
  availability: { page: 'ExamAvailabilityBudgetFastBurn', ticket: 'ExamAvailabilityBudgetSlowBurn' },
  latency: { page: 'ExamLatencyBudgetFastBurn', ticket: 'ExamLatencyBudgetSlowBurn' },
};

// ---------------------------------------------------------------------------------------------
// Recording rules and their PromQL.

/** The labels every recorded SLO series carries (besides `slo`). */
export const SLO_GROUP_BY = ['namespace', 'service'] as const;

/** Recorded series: the error ratio of an SLO over a window, and its error budget (1 - objective). */
export const RECORDS = {
  errorRatio: (window: string): string => `slo:sli_error:ratio_rate${window}`,
  errorBudget: 'slo:error_budget:ratio',
} as const;

/**
 * A regular expression matching every spelling of a bucket bound as an `le` label value:
 * Prometheus 2 stores what the target exposes (`1`, `0.5`), Prometheus 3 normalises classic
 * histogram bounds to floats (`1.0`), so `le="1"` would match nothing on one of them.
 */
export function leRegex(bound: number): string {
  if (!(bound > 0) || !Number.isFinite(bound)) throw new Error(`le bound ${bound} must be a positive number`);
  const text = String(bound);
  if (!/^\d+(\.\d+)?$/.test(text)) throw new Error(`le bound ${bound} has no plain decimal spelling`);
  const [int, frac] = text.split('.');
  return frac === undefined ? `${int}(\\\\.0+)?` : `${int}\\\\.${frac}0*`;
}

const BY = `sum by (${SLO_GROUP_BY.join(', ')})`;

/**
 * The share of requests slower than `thresholdSeconds` over `window`: requests in the `+Inf`
 * bucket (all of them) minus those in the threshold's bucket, over all of them.
 */
export function latencyErrorRatioQuery(scope: SeriesScope, thresholdSeconds: number, window: string): string {
  const bucket = METRICS.durationBuckets;
  const all = `${BY} (rate(${bucket}${matchers(scope, ',le="+Inf"')}[${window}]))`;
  const fast = `${BY} (rate(${bucket}${matchers(scope, `,le=~"${leRegex(thresholdSeconds)}"`)}[${window}]))`;
  return `(\n  ${all}\n  -\n  ${fast}\n)\n/\n${all}`;
}

/**
 * The share of requests that ended in a server error over `window`. A service that never
 * answered a 5xx has no 5xx series at all: `or 0 * all` counts that as 0 errors (keeping the
 * groups' labels), so its SLI is 0, not missing. With no request series the result is empty,
 * and with series but no traffic it is 0/0 = NaN: neither burns budget nor fires.
 */
export function availabilityErrorRatioQuery(scope: SeriesScope, window: string): string {
  const { requests, statusLabel, serverErrorStatus } = METRICS;
  const all = `${BY} (rate(${requests}${matchers(scope)}[${window}]))`;
  const errors = `${BY} (rate(${requests}${matchers(scope, `,${statusLabel}=~"${serverErrorStatus}"`)}[${window}]))`;
  return `(\n  ${errors}\n  or\n  0 * ${all}\n)\n/\n${all}`;
}

/** The error ratio (bad requests / all requests) of one SLO over `window`. */
export function sliErrorRatioQuery(kind: SloKind, scope: SeriesScope, slo: ServiceSlo, window: string): string {
  return kind === 'availability' ? availabilityErrorRatioQuery(scope, window) : latencyErrorRatioQuery(scope, slo.latency.thresholdSeconds, window);
}

/** The matchers that select one SLO's recorded series. */
export function recordedSelector(kind: SloKind, scope: SeriesScope): string {
  return matchers(scope, `,slo="${kind}"`);
}

/**
 * The alert condition of one severity: any of its window pairs burns faster than its rate
 * over both windows. Thresholds are burn rate × error budget, written as numbers.
 */
export function burnRateAlertExpr(kind: SloKind, scope: SeriesScope, slo: ServiceSlo, severity: BurnSeverity): string {
  const sel = recordedSelector(kind, scope);
  const budget = errorBudgetOf(slo, kind);
  return BURN_RATE_WINDOWS.filter((w) => w.severity === severity)
    .map((w) => {
      const threshold = round(w.burnRate * budget);
      return `(\n  ${RECORDS.errorRatio(w.longWindow)}${sel} > ${threshold}\nand\n  ${RECORDS.errorRatio(w.shortWindow)}${sel} > ${threshold}\n)`;
    })
    .join('\nor\n');
}

// ---------------------------------------------------------------------------------------------
// Runbooks.

/** Where runbooks live in this repository: one Markdown file per alert name. */
export const RUNBOOK_DIR = 'docs/runbooks';

/** The runbook of an alert, on the branch the platform is read from. */
export function runbookUrl(alert: string): string {
  if (!/^[A-Z][A-Za-z0-9]+$/.test(alert)) throw new Error(`runbook: "${alert}" is not an alert name; expected UpperCamelCase`);
  return `${REPO_URL.replace(/\.git$/, '')}/blob/${WIRING_REVISION}/${RUNBOOK_DIR}/${alert}.md`;
}

/** Rounds away binary noise (14.4 × 0.001 = 0.014400000000000001). */
function round(x: number): number {
  return Number(x.toPrecision(12));
}
