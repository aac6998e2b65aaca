/**
 * Release health: per service, the new version against the stable one while a Rollout ships
 * it, and the Rollout's own state.
 *
 * - Success rate and p95 of the new and the stable version, each grouped by the
 *   `rollouts_pod_template_hash` label (one series per pod template). The new version is what
 *   the canary Service (`<service>-canary`) or the preview Service (`<service>-preview`)
 *   selects, the stable version what the stable Service (`<service>-stable`) selects, or, when
 *   there is none (blue/green, or a rolling Deployment), the service's live Service. Argo
 *   Rollouts points those Services at one pod template each, so each side is one hash.
 * - The Rollout's phase, its progress (updated / desired replicas) and the results of its
 *   analysis runs, from the Argo Rollouts controller's metrics (argoproj/argo-rollouts
 *   controller/metrics/prommetrics.go: `rollout_info{namespace,name,strategy,traffic_router,phase}`,
 *   `rollout_info_replicas_updated`, `analysis_run_info{namespace,name,phase}`,
 *   `analysis_run_metric_phase{namespace,name,metric,type,dry_run,phase}`, `rollout_events_total`).
 *   The controller exports no step index; every completed step is a `RolloutStepCompleted`
 *   event (rollout/canary.go), drawn as an annotation with the other release events.
 * - Deployments (Argo CD syncs of the environment's Application) as annotations.
 */
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { METRICS } from '../config/slo';
import { RELEASE_SLO } from '../config/slo';
import {
  DashboardJson,
  NAMESPACE_VAR,
  RATE_INTERVAL,
  datasourceVariable,
  deploymentAnnotation,
  finish,
  namespaceVariable,
  promAnnotation,
  promQuery,
  promTable,
} from './common';

/** The Prometheus label of the pod template a series comes from (ServiceMonitor podTargetLabels). */
export const POD_TEMPLATE_HASH = 'rollouts_pod_template_hash';

/**
 * The label holding a Rollout's namespace in the controller's metrics. The controller is
 * scraped through its own ServiceMonitor without honorLabels (argoproj/argo-helm
 * charts/argo-rollouts/templates/controller/servicemonitor.yaml), so Prometheus keeps the
 * target's `namespace` (argo-rollouts) and renames the metric's own label `exported_namespace`.
 */
export const ROLLOUTS_NAMESPACE_LABEL = 'exported_namespace';

/** The Rollout events drawn as annotations (argoproj/argo-rollouts utils/conditions/conditions.go). */
export const RELEASE_EVENT_REASONS = ['RolloutUpdated', 'RolloutStepCompleted', 'RolloutPaused', 'RolloutResumed', 'RolloutAborted', 'RolloutCompleted', 'AnalysisRunFailed'];

export interface ReleaseService {
  /** Catalog name, e.g. `exam-service`. */
  readonly name: string;
  /** The Rollout's name, e.g. `exam-service-rollout`. */
  readonly rolloutName: string;
  /** The Service with the live traffic when blue/green (`frontend-service`), else the name. */
  readonly activeServiceName: string;
}

export interface ReleaseHealthProps {
  /** The deployed environments' namespaces (the first is the default). */
  readonly namespaces: readonly string[];
  readonly services: readonly ReleaseService[];
}

const NS = `namespace="$${NAMESPACE_VAR}"`;

function sel(metric: string, matchers: string): string {
  return `${metric}{${NS},${matchers}}`;
}

/** rate() of `metric` over the new version's pods. */
function newRate(s: ReleaseService, metric: string, extra = ''): string {
  return `rate(${sel(metric, `service=~"${s.name}-canary|${s.name}-preview"${extra}`)}[${RATE_INTERVAL}])`;
}

/** rate() of `metric` over the stable version's pods: the stable Service, else the live Service. */
function stableRate(s: ReleaseService, metric: string, extra = ''): string {
  const stable = sel(metric, `service="${s.name}-stable"${extra}`);
  const live = sel(metric, `service=~"${[...new Set([s.name, s.activeServiceName])].join('|')}"${extra}`);
  return `(\n    rate(${stable}[${RATE_INTERVAL}])\n    or\n    (rate(${live}[${RATE_INTERVAL}]) unless on () ${sel(metric, `service="${s.name}-stable"`)})\n  )`;
}

type Side = (s: ReleaseService, metric: string, extra?: string) => string;

/** Success rate per pod template: 1 - 5xx / all (a template answering only 5xx has no non-5xx series). */
function successRate(side: Side, s: ReleaseService): string {
  const { requests, statusLabel, serverErrorStatus } = METRICS;
  const all = `sum by (${POD_TEMPLATE_HASH}) (${side(s, requests)})`;
  const errors = `sum by (${POD_TEMPLATE_HASH}) (${side(s, requests, `,${statusLabel}=~"${serverErrorStatus}"`)})`;
  return `1 - (\n  ${errors}\n  or\n  0 * ${all}\n)\n/\n${all}`;
}

/** The analysis' latency quantile (p95) per pod template. */
function latency(side: Side, s: ReleaseService): string {
  return `histogram_quantile(${RELEASE_SLO.latencyQuantile}, sum by (${POD_TEMPLATE_HASH}, le) (${side(s, METRICS.durationBuckets)}))`;
}

function rolloutSel(metric: string, s: ReleaseService): string {
  return `${metric}{${ROLLOUTS_NAMESPACE_LABEL}="$${NAMESPACE_VAR}",name="${s.rolloutName}"}`;
}

/** AnalysisRuns of a Rollout are named `<rollout>-<pod template hash>-<revision>[-<kind>]` (rollout/analysis.go). */
function analysisSel(metric: string, s: ReleaseService): string {
  return `${metric}{${ROLLOUTS_NAMESPACE_LABEL}="$${NAMESPACE_VAR}",name=~"${s.rolloutName}-.+"}`;
}

function withHash(expr: string, s: ReleaseService): string {
  return `label_replace(${expr}, "${POD_TEMPLATE_HASH}", "$1", "name", "${s.rolloutName}-([a-z0-9]+)-.*")`;
}

const percent = (p: number) => `${p * 100}%`;

export function releaseHealthDashboard(props: ReleaseHealthProps): DashboardJson {
  if (props.services.length === 0) throw new Error('release health dashboard: no services');
  const quantile = `p${RELEASE_SLO.latencyQuantile * 100}`;
  const b = new dashboard.DashboardBuilder('Release health')
    .description('New against stable version per service (told apart by pod template hash), Rollout phase and progress, analysis results, deployments.')
    .withVariable(datasourceVariable())
    .withVariable(namespaceVariable(props.namespaces))
    .annotation(deploymentAnnotation())
    .annotation(
      promAnnotation(
        'Release events (Argo Rollouts)',
        `sum by (name, reason) (increase(rollout_events_total{${ROLLOUTS_NAMESPACE_LABEL}="$${NAMESPACE_VAR}",reason=~"${RELEASE_EVENT_REASONS.join('|')}"}[2m])) > 0`,
        '{{name}}: {{reason}}',
        'purple',
      ),
    );

  let id = 0;
  props.services.forEach((s, i) => {
    const row = new dashboard.RowBuilder(s.name).id(++id);
    const panels: Builder<dashboard.Panel>[] = [];
    panels.push(
      new timeseries.PanelBuilder()
        .id(++id)
        .title(`${s.name}: success rate, new vs stable`)
        .description(`Share of requests not answered 5xx, per pod template. The release analysis fails a new version below ${percent(RELEASE_SLO.minSuccessRate)}.`)
        .unit('percentunit')
        .max(1)
        .span(8)
        .withTarget(promQuery('A', successRate(newRate, s), `new {{${POD_TEMPLATE_HASH}}}`))
        .withTarget(promQuery('B', successRate(stableRate, s), `stable {{${POD_TEMPLATE_HASH}}}`)),
    );
    panels.push(
      new timeseries.PanelBuilder()
        .id(++id)
        .title(`${s.name}: ${quantile} latency, new vs stable`)
        .description(`Per pod template. The release analysis fails a new version above ${RELEASE_SLO.maxLatencySeconds}s.`)
        .unit('s')
        .span(8)
        .withTarget(promQuery('A', latency(newRate, s), `new {{${POD_TEMPLATE_HASH}}}`))
        .withTarget(promQuery('B', latency(stableRate, s), `stable {{${POD_TEMPLATE_HASH}}}`)),
    );
    panels.push(
      new statetimeline.PanelBuilder()
        .id(++id)
        .title(`${s.rolloutName}: phase`)
        .description('The Rollout phase the controller reports (Progressing, Paused, Completed, Abort, Error, Timeout, InvalidSpec). No series: the service is not a Rollout here.')
        .span(8)
        .withTarget(promQuery('A', `max by (phase) (${rolloutSel('rollout_info', s)})`, '{{phase}}')),
    );
    panels.push(
      new timeseries.PanelBuilder()
        .id(++id)
        .title(`${s.rolloutName}: progress`)
        .description('Updated (new version) and available replicas as a share of the desired replicas. Each completed step is a "RolloutStepCompleted" annotation.')
        .unit('percentunit')
        .max(1)
        .span(8)
        .withTarget(promQuery('A', `${rolloutSel('rollout_info_replicas_updated', s)}\n/\n${rolloutSel('rollout_info_replicas_desired', s)}`, 'updated'))
        .withTarget(promQuery('B', `${rolloutSel('rollout_info_replicas_available', s)}\n/\n${rolloutSel('rollout_info_replicas_desired', s)}`, 'available')),
    );
    panels.push(
      new statetimeline.PanelBuilder()
        .id(++id)
        .title(`${s.rolloutName}: analysis runs`)
        .description('Each AnalysisRun of the Rollout and its phase; the pod template hash it judged is part of its name.')
        .span(8)
        .withTarget(promQuery('A', `max by (name, phase) (${analysisSel('analysis_run_info', s)})`, '{{name}} {{phase}}')),
    );
    panels.push(
      new table.PanelBuilder()
        .id(++id)
        .title(`${s.rolloutName}: analysis metric results`)
        .description('The current phase of every metric of every AnalysisRun (Successful, Failed, Inconclusive, Error, Running, Pending), per pod template.')
        .span(8)
        .withTarget(promTable('A', withHash(`max by (name, metric, phase) (${analysisSel('analysis_run_metric_phase', s)}) == 1`, s))),
    );
    // Grafana keeps the panels nested in a row only while the row is collapsed: the first
    // service's row is open, its panels follow it on the dashboard; the others are collapsed.
    if (i === 0) {
      b.withRow(row.collapsed(false));
      for (const p of panels) b.withPanel(p);
    } else {
      for (const p of panels) row.withPanel(p);
      b.withRow(row.collapsed(true));
    }
  });
  return finish(b, 'exam-release-health', 'Exam system / Release health');
}
