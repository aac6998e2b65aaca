import { ApiObject, App } from 'cdk8s';
import { AddonsChart } from './charts/addons-chart';
import { ArgoCdBootstrapChart, ArgoCdChart } from './charts/argocd-chart';
import { EnvironmentChart } from './charts/environment-chart';
import { GatewayChart } from './charts/gateway-chart';
import { NotificationSecretStoreChart, NotificationsChart } from './charts/notifications-chart';
import { MonitoringChart } from './charts/monitoring-chart';
import { PlatformChart } from './charts/platform-chart';
import { AdmissionChart } from './charts/admission-chart';
import { applySyncWaves } from './charts/sync-waves';
import { applicationName, examSessionWindows } from './config/gitops';
import { Environment } from './config/load';
import { longestRelease } from './analysis/rollout-timing';
import type { KubeObject } from './output/render';
import { Memo, NO_MEMO } from './rules/memo';
import { SECURITY_NAMESPACE } from './config/namespaces';
import {
  APPLICATION_SUBSCRIPTIONS,
  ARGOCD_NOTIFICATIONS,
  ARGOCD_TEMPLATES,
  ARGOCD_TRIGGERS,
  ROLLOUTS_NOTIFICATIONS,
  ROLLOUTS_TEMPLATES,
  ROLLOUTS_TRIGGERS,
  ROLLOUT_SUBSCRIPTIONS,
} from './config/notifications';

/** The kinds the release timing (lib/analysis/rollout-timing.ts) reads. */
const RELEASE_KINDS: ReadonlySet<string> = new Set(['Rollout', 'AnalysisTemplate']);

export interface BuildAppOptions {
  /**
   * Keeps the results of the pure steps between runs: the release timing, the notification
   * engine's YAML (lib/rules/memo.ts).
   * @default NO_MEMO
   */
  readonly memo?: Memo;
}

/**
 * The Rollouts and analysis templates of a chart, rendered alone for the release timing (not the
 * whole chart twice).
 */
function releaseObjects(chart: EnvironmentChart): KubeObject[] {
  return chart.node
    .findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && RELEASE_KINDS.has(c.kind))
    .map((o) => o.toJson() as KubeObject);
}

/** The whole system: one chart per dist/ folder. Composition only; decisions live in config and charts. */
export function buildApp(envs: readonly Environment[], options: BuildAppOptions = {}): App {
  const memo = options.memo ?? NO_MEMO;
  const app = new App({ outdir: 'dist' });
  const releaseCharts: EnvironmentChart[] = [];
  for (const env of envs) {
    // An environment without gitops is not synced: its folder carries its own Namespace.
    const chart = new EnvironmentChart(app, { env, clusterFolder: env.gitops === undefined ? env.name : undefined });
    if (env.gitops !== undefined) releaseCharts.push(chart);
  }
  const deployed = envs.filter((e) => e.gitops !== undefined);
  // The exam-session freeze (from the exam calendar) opens early enough for the longest release to finish.
  // A pure function of the deployed environments (their charts' only input): kept by their JSON.
  const longestReleaseSeconds = memo.get('longest-release-seconds', JSON.stringify(deployed), () => longestRelease(releaseCharts.flatMap(releaseObjects)));
  new PlatformChart(app, { watchedNamespaces: deployed.map((e) => e.namespace), memo });
  new GatewayChart(app, { environments: deployed });
  // Admission: only images the release loop signed (or listed exceptions) run where Argo CD deploys.
  new AdmissionChart(app, { namespaces: deployed.map((e) => e.namespace) });
  // Notifications, defined once: Argo CD's for the Applications, Argo Rollouts' for the Rollouts.
  new NotificationsChart(app, { controller: ARGOCD_NOTIFICATIONS, subscriptions: APPLICATION_SUBSCRIPTIONS, templates: ARGOCD_TEMPLATES, triggers: ARGOCD_TRIGGERS, memo });
  new NotificationsChart(app, { controller: ROLLOUTS_NOTIFICATIONS, subscriptions: ROLLOUT_SUBSCRIPTIONS, templates: ROLLOUTS_TEMPLATES, triggers: ROLLOUTS_TRIGGERS, memo });
  // The platform namespaces' one store: notification tokens, and falcosidekick's Slack webhook.
  new NotificationSecretStoreChart(app, { namespaces: [ARGOCD_NOTIFICATIONS.namespace, ROLLOUTS_NOTIFICATIONS.namespace, SECURITY_NAMESPACE] });
  const calendar = envs[0]?.calendar;
  const frozen = deployed.map((e) => e.name);
  // Dashboards: every deployed environment, production first (the default); production's sync windows.
  const byProductionFirst = [...deployed].sort((a, b) => Number(b.name === 'production') - Number(a.name === 'production'));
  new MonitoringChart(app, {
    namespaces: byProductionFirst.map((e) => e.namespace),
    syncWindows:
      calendar !== undefined && deployed.some((e) => e.name === 'production')
        ? examSessionWindows(calendar, ['production'], [applicationName('production')], longestReleaseSeconds)
        : [],
  });
  // Argo CD reads the other charts' objects: keep it after every chart it deploys.
  const argocd = new ArgoCdChart(app, { environments: envs, longestReleaseSeconds });
  // The add-ons can change every environment: frozen during the sessions of any deployed one.
  new AddonsChart(app, { freeze: (applications) => (calendar === undefined ? [] : examSessionWindows(calendar, frozen, applications, longestReleaseSeconds)) });
  new ArgoCdBootstrapChart(app, { apps: argocd });
  applySyncWaves(app);
  return app;
}
