import { App } from 'cdk8s';
import { SERVICES, SERVICE_NAMES } from '../config/catalog';
import { SyncWindowSpec } from '../config/gitops';
import { MONITORING } from '../config/monitoring';
import { rolloutName } from '../config/release';
import { GrafanaDashboard } from '../constructs/grafana-dashboard';
import { DashboardJson } from '../dashboards/common';
import { examDayDashboard } from '../dashboards/exam-day';
import { releaseHealthDashboard } from '../dashboards/release-health';
import { sloDashboard } from '../dashboards/slos';
import { OutputChart } from './output-chart';

export interface MonitoringChartProps {
  /** The deployed environments' namespaces, production first (the dashboards' default). */
  readonly namespaces: readonly string[];
  /** The sync windows the Exam day dashboard draws (the AppProject's). */
  readonly syncWindows: readonly SyncWindowSpec[];
}

/** The dashboards, built from the catalog, the SLOs and the sync windows. */
export function dashboards(props: MonitoringChartProps): DashboardJson[] {
  const services = SERVICE_NAMES.map((name) => ({ name, activeServiceName: SERVICES[name].activeServiceName ?? name }));
  return [
    releaseHealthDashboard({ namespaces: props.namespaces, services: services.map((s) => ({ ...s, rolloutName: rolloutName(s.name) })) }),
    sloDashboard({ namespaces: props.namespaces }),
    examDayDashboard({
      namespaces: props.namespaces,
      services: services.map((s) => ({ name: s.name, liveServiceNames: [...new Set([s.name, s.activeServiceName])] })),
      syncWindows: props.syncWindows,
    }),
  ];
}

/** dist/platform/monitoring/: the Grafana dashboards, in kube-prometheus-stack's namespace. */
export class MonitoringChart extends OutputChart {
  constructor(scope: App, props: MonitoringChartProps) {
    super(scope, 'platform-monitoring', { folder: `platform/${MONITORING.namespace}` });
    for (const d of dashboards(props)) {
      new GrafanaDashboard(this, d.uid, { name: `grafana-dashboard-${d.uid}`, namespace: MONITORING.namespace, uid: d.uid, model: d.model });
    }
  }
}
