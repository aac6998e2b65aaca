/**
 * What every dashboard shares: the Prometheus data source variable, the environment
 * (namespace) variable, and small builders for Prometheus queries and annotations. Dashboards
 * are built with the Grafana Foundation SDK's typed builders and returned as plain JSON, which
 * lib/constructs/grafana-dashboard.ts ships in a ConfigMap for Grafana's dashboard sidecar.
 */
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';

/** A built dashboard: what the ConfigMap carries. */
export interface DashboardJson {
  readonly uid: string;
  readonly title: string;
  /** The dashboard model, as Grafana stores it. */
  readonly model: dashboard.Dashboard;
}

/** Tags every dashboard of this repository carries (Grafana's search filters by them). */
export const DASHBOARD_TAGS = ['exam-system', 'generated'];

/** The data source variable: every panel queries the Prometheus the user picks (default: the stack's). */
export const DATASOURCE_VAR = 'datasource';
export const PROMETHEUS: { readonly type: string; readonly uid: string } = { type: 'prometheus', uid: `\${${DATASOURCE_VAR}}` };

/** The environment picker: its value is the environment's namespace. */
export const NAMESPACE_VAR = 'namespace';

/** Grafana's own built-in data source, which serves time regions. */
export const GRAFANA_BUILTIN = { type: 'grafana', uid: '-- Grafana --' } as const;

/**
 * Grafana's rate window variable: at least four scrape intervals, so rate() always has two
 * samples. Tests substitute it (and every other variable) before running a query.
 */
export const RATE_INTERVAL = '$__rate_interval';

export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DATASOURCE_VAR).label('Data source').type('prometheus');
}

/** A single-choice variable listing the deployed environments' namespaces (first is the default). */
export function namespaceVariable(namespaces: readonly string[]): dashboard.CustomVariableBuilder {
  if (namespaces.length === 0) throw new Error('dashboards: no namespaces; expected at least one deployed environment');
  return new dashboard.CustomVariableBuilder(NAMESPACE_VAR)
    .label('Environment (namespace)')
    .values(namespaces.join(','))
    .current({ text: namespaces[0], value: namespaces[0], selected: true });
}

/** A Prometheus query of a panel: a range query with a legend. */
export function promQuery(refId: string, expr: string, legend: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().datasource(PROMETHEUS).refId(refId).expr(expr).legendFormat(legend).range();
}

/** A Prometheus instant query rendered as a table (one row per series). */
export function promTable(refId: string, expr: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().datasource(PROMETHEUS).refId(refId).expr(expr).format(prometheus.PromQueryFormat.Table).instant();
}

/** An annotation whose events are the samples of a Prometheus query. */
export function promAnnotation(name: string, expr: string, title: string, color: string): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder().name(name).datasource(PROMETHEUS).enable(true).iconColor(color).expr(expr).titleFormat(title).step('1m');
}

/**
 * Deployments: Argo CD syncs of the Application whose destination is the chosen namespace
 * (argoproj/argo-cd controller/metrics/metrics.go: `argocd_app_sync_total{name,phase,dry_run,...}`
 * and `argocd_app_info{name,dest_namespace,...}`).
 */
export function deploymentAnnotation(): dashboard.AnnotationQueryBuilder {
  return promAnnotation(
    'Deployments (Argo CD syncs)',
    `sum by (name) (increase(argocd_app_sync_total{phase="Succeeded",dry_run!="true"}[2m])) > 0\n` +
      `and on (name)\nmax by (name) (argocd_app_info{dest_namespace="$${NAMESPACE_VAR}"})`,
    'Synced {{name}}',
    'blue',
  );
}

/** Grafana's time-region query (built-in data source): a recurring window drawn on every panel. */
export interface TimeRegion {
  readonly mode: 'cron';
  /** When the region starts (5-field cron), in `timezone`. */
  readonly cronExpr: string;
  /** How long it lasts, e.g. `315m`. */
  readonly duration: string;
  readonly timezone: string;
}

interface TimeRegionQuery extends Dataquery {
  readonly refId: string;
  readonly queryType: 'timeRegions';
  readonly timeRegion: TimeRegion;
}

/** The SDK has no builder for the built-in data source's queries; this is the one it would generate. */
export class TimeRegionQueryBuilder implements Builder<Dataquery> {
  constructor(private readonly region: TimeRegion) {}

  build(): TimeRegionQuery {
    return { refId: 'Anno', queryType: 'timeRegions', timeRegion: { ...this.region }, _implementsDataqueryVariant() {} };
  }
}

/** An annotation drawing a recurring time region (e.g. a sync window). */
export function timeRegionAnnotation(name: string, region: TimeRegion, color: string): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder().name(name).datasource(GRAFANA_BUILTIN).enable(true).iconColor(color).target(new TimeRegionQueryBuilder(region));
}

/** Finishes a dashboard: uid, tags, time range, and JSON without the SDK's function members. */
export function finish(builder: dashboard.DashboardBuilder, uid: string, title: string, from = 'now-6h'): DashboardJson {
  const model = JSON.parse(
    JSON.stringify(builder.uid(uid).title(title).tags(DASHBOARD_TAGS).timezone('browser').refresh('1m').time({ from, to: 'now' }).readonly().build()),
  ) as dashboard.Dashboard;
  return { uid, title, model };
}

/** `a|b|c` for a label regex of exact names (Kubernetes names need no escaping). */
export function alternatives(names: readonly string[]): string {
  return [...new Set(names)].join('|');
}
