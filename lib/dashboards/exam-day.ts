/**
 * Exam day: what an operator watches while candidates sit exams. Per service of the chosen
 * environment: request rate, error rate, p95, and saturation (CPU and memory against the
 * containers' limits, replicas against the autoscaler's maximum). The Argo CD sync windows
 * that freeze production around the exam sessions are drawn as time regions: they are
 * schedules, not metrics, and come from the same definition the AppProject is built from
 * (lib/config/gitops.ts, examSessionWindows).
 *
 * Saturation reads the kube-prometheus-stack's own exporters: cAdvisor through the kubelet
 * (`container_cpu_usage_seconds_total`, `container_memory_working_set_bytes`) and
 * kube-state-metrics (`kube_pod_container_resource_limits`,
 * `kube_horizontalpodautoscaler_status_current_replicas`, `..._spec_max_replicas`). Every
 * exam container is named after its service.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { SyncWindowSpec } from '../config/gitops';
import { METRICS, RELEASE_SLO } from '../config/slo';
import {
  DashboardJson,
  NAMESPACE_VAR,
  RATE_INTERVAL,
  TimeRegion,
  alternatives,
  datasourceVariable,
  deploymentAnnotation,
  finish,
  namespaceVariable,
  promQuery,
  timeRegionAnnotation,
} from './common';

export interface ExamDayService {
  /** Catalog name: also the container's and the HPA's name. */
  readonly name: string;
  /** Every name its live Service can have (the name; the active Service when blue/green). */
  readonly liveServiceNames: readonly string[];
}

export interface ExamDayProps {
  /** The deployed environments' namespaces (the first is the default). */
  readonly namespaces: readonly string[];
  readonly services: readonly ExamDayService[];
  /** The sync windows to draw (the AppProject's). */
  readonly syncWindows: readonly SyncWindowSpec[];
}

const NS = `namespace="$${NAMESPACE_VAR}"`;

/** Go duration (`5h15m`, as Argo CD writes it) in minutes. */
export function goDurationMinutes(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(text);
  if (m === null || text === '') throw new Error(`sync window duration "${text}" is not hours and minutes; expected e.g. 5h15m`);
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
}

/**
 * A sync window as a Grafana time region. Grafana reads a region's duration with parseDuration
 * (grafana/grafana packages/grafana-data/src/datetime/durationutil.ts), which splits on spaces
 * and takes one number and unit per part: `315m` is 315 minutes, Go's `5h15m` would be nothing.
 */
export function syncWindowRegion(w: SyncWindowSpec): TimeRegion {
  return { mode: 'cron', cronExpr: w.schedule, duration: `${goDurationMinutes(w.duration)}m`, timezone: w.timeZone };
}

export function examDayDashboard(props: ExamDayProps): DashboardJson {
  if (props.services.length === 0) throw new Error('exam day dashboard: no services');
  const live = alternatives(props.services.flatMap((s) => s.liveServiceNames));
  const containers = alternatives(props.services.map((s) => s.name));
  const { requests, durationBuckets, statusLabel, serverErrorStatus } = METRICS;
  const requestSel = (extra = '') => `${requests}{${NS},service=~"${live}"${extra}}`;
  const all = `sum by (service) (rate(${requestSel()}[${RATE_INTERVAL}]))`;
  const errors = `sum by (service) (rate(${requestSel(`,${statusLabel}=~"${serverErrorStatus}"`)}[${RATE_INTERVAL}]))`;
  const limits = (resource: string) => `sum by (container) (kube_pod_container_resource_limits{${NS},container=~"${containers}",resource="${resource}"})`;

  const b = new dashboard.DashboardBuilder('Exam day')
    .description('Request rate, errors, latency and saturation per service; the production sync freeze around exam sessions.')
    .withVariable(datasourceVariable())
    .withVariable(namespaceVariable(props.namespaces));
  for (const w of props.syncWindows) b.annotation(timeRegionAnnotation(`Sync window: ${w.description}`, syncWindowRegion(w), 'rgba(255, 152, 48, 0.25)'));
  b.annotation(deploymentAnnotation());

  let id = 0;
  const panel = (title: string, description: string, unit: string, refs: [string, string][]) => {
    const p = new timeseries.PanelBuilder().id(++id).title(title).description(description).unit(unit).span(12);
    refs.forEach(([expr, legend], i) => p.withTarget(promQuery(String.fromCharCode(65 + i), expr, legend)));
    b.withPanel(p);
  };
  panel('Requests per second', 'Requests served through each live Service.', 'reqps', [[all, '{{service}}']]);
  panel('Error rate (5xx share)', 'Share of requests answered with a server error.', 'percentunit', [[`(\n  ${errors}\n  or\n  0 * ${all}\n)\n/\n${all}`, '{{service}}']]);
  panel(`p${RELEASE_SLO.latencyQuantile * 100} latency`, 'Per live Service.', 's', [
    [`histogram_quantile(${RELEASE_SLO.latencyQuantile}, sum by (service, le) (rate(${durationBuckets}{${NS},service=~"${live}"}[${RATE_INTERVAL}])))`, '{{service}}'],
  ]);
  panel('CPU saturation (usage / limit)', 'CPU used by the service\'s containers over the sum of their CPU limits; near 100% they are throttled.', 'percentunit', [
    [`sum by (container) (rate(container_cpu_usage_seconds_total{${NS},container=~"${containers}"}[${RATE_INTERVAL}]))\n/\n${limits('cpu')}`, '{{container}}'],
  ]);
  panel('Memory saturation (working set / limit)', 'Near 100% a container is OOM-killed.', 'percentunit', [
    [`sum by (container) (container_memory_working_set_bytes{${NS},container=~"${containers}"})\n/\n${limits('memory')}`, '{{container}}'],
  ]);
  panel('Replicas / autoscaler maximum', 'At 100% the autoscaler cannot add pods.', 'percentunit', [
    [
      `max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{${NS},horizontalpodautoscaler=~"${containers}"})\n/\n` +
        `max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{${NS},horizontalpodautoscaler=~"${containers}"})`,
      '{{horizontalpodautoscaler}}',
    ],
  ]);
  return finish(b, 'exam-day', 'Exam system / Exam day');
}
