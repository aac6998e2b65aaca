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
import { analyzeRollouts } from './analysis/rollout-timing';
import type { KubeObject } from './output/render';
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

/** The whole system: one chart per dist/ folder. Composition only; decisions live in config and charts. */
export function buildApp(envs: readonly Environment[]): App {
  const app = new App({ outdir: 'dist' });
  const releases: KubeObject[] = [];
  for (const env of envs) {
    // An environment without gitops is not synced: its folder carries its own Namespace.
    const chart = new EnvironmentChart(app, { env, clusterFolder: env.gitops === undefined ? env.name : undefined });
    // The release timing needs only the Rollouts and their analysis templates: rendered alone, not the whole chart twice.
    if (env.gitops !== undefined) releases.push(...chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && RELEASE_KINDS.has(c.kind)).map((o) => o.toJson() as KubeObject));
  }
  const deployed = envs.filter((e) => e.gitops !== undefined);
  new PlatformChart(app, { watchedNamespaces: deployed.map((e) => e.namespace) });
  new GatewayChart(app, { environments: deployed });
  // Admission: only images the release loop signed (or listed exceptions) run where Argo CD deploys.
  new AdmissionChart(app, { namespaces: deployed.map((e) => e.namespace) });
  // Notifications, defined once: Argo CD's for the Applications, Argo Rollouts' for the Rollouts.
  new NotificationsChart(app, { controller: ARGOCD_NOTIFICATIONS, subscriptions: APPLICATION_SUBSCRIPTIONS, templates: ARGOCD_TEMPLATES, triggers: ARGOCD_TRIGGERS });
  new NotificationsChart(app, { controller: ROLLOUTS_NOTIFICATIONS, subscriptions: ROLLOUT_SUBSCRIPTIONS, templates: ROLLOUTS_TEMPLATES, triggers: ROLLOUTS_TRIGGERS });
  // The platform namespaces' one store: notification tokens, and falcosidekick's Slack webhook.
  new NotificationSecretStoreChart(app, { namespaces: [ARGOCD_NOTIFICATIONS.namespace, ROLLOUTS_NOTIFICATIONS.namespace, SECURITY_NAMESPACE] });
  // The exam-session freeze (from the exam calendar) opens early enough for the longest release to finish.
  const longestReleaseSeconds = Math.max(0, ...analyzeRollouts(releases).map((r) => r.releaseSeconds).filter(Number.isFinite));
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
