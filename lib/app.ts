import { App } from 'cdk8s';
import { AddonsChart, AddonsChartProps } from './charts/addons-chart';
import { ArgoCdBootstrapChart, ArgoCdBootstrapChartProps, ArgoCdChart, ArgoCdChartProps, argoCdView, syncedFolder } from './charts/argocd-chart';
import { EnvironmentChart, EnvironmentChartProps } from './charts/environment-chart';
import { GatewayChart, GatewayChartProps } from './charts/gateway-chart';
import { NotificationSecretStoreChart, NotificationSecretStoreChartProps, NotificationsChart, NotificationsChartProps } from './charts/notifications-chart';
import { MonitoringChart, MonitoringChartProps } from './charts/monitoring-chart';
import { PlatformChart, PlatformChartProps } from './charts/platform-chart';
import { AdmissionChart, AdmissionChartProps } from './charts/admission-chart';
import { applySyncWaves } from './charts/sync-waves';
import { ARGOCD_FOLDER, applicationName, examSessionWindows } from './config/gitops';
import { Environment } from './config/load';
import { longestRelease } from './analysis/rollout-timing';
import { RenderedObject, folderOf, placedOnce, renderObjects } from './output/render';
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

export interface RenderAppOptions {
  /**
   * Keeps each chart's rendered objects, and the release timing, between runs, by their exact
   * input (lib/rules/memo.ts).
   * @default NO_MEMO
   */
  readonly memo?: Memo;
}

/**
 * One chart, rendered on its own: built from `props` in an App of its own, its objects given
 * their sync waves and placed in dist/. The chart receives its props through JSON, exactly the
 * text that keys it in the memo, so nothing but that input (and the code) reaches it: an
 * unchanged input is an unchanged chart.
 */
function renderChart<P>(memo: Memo, id: string, props: P, build: (app: App, props: P) => void): RenderedObject[] {
  const input = JSON.stringify(props);
  return memo.get(`chart:${id}`, input, () => {
    const app = new App({ outdir: 'dist' });
    build(app, JSON.parse(input) as P);
    applySyncWaves(app);
    return renderObjects(app);
  });
}

/**
 * The whole system, rendered: one chart per dist/ folder, every object with its file. Composition
 * only; decisions live in config and charts. A chart that reads others' objects (the release
 * timing, Argo CD's projects) reads them rendered, so each chart is a function of its props.
 */
export function renderApp(envs: readonly Environment[], options: RenderAppOptions = {}): RenderedObject[] {
  const memo = options.memo ?? NO_MEMO;
  const rendered: RenderedObject[] = [];
  const deployed = envs.filter((e) => e.gitops !== undefined);
  for (const env of envs) {
    // An environment without gitops is not synced: its folder carries its own Namespace.
    const props: EnvironmentChartProps = { env, clusterFolder: env.gitops === undefined ? env.name : undefined };
    rendered.push(...renderChart(memo, `environment-${env.name}`, props, (app, p) => new EnvironmentChart(app, p)));
  }
  // The exam-session freeze (from the exam calendar) opens early enough for the longest release to finish.
  const releases = rendered.filter((r) => RELEASE_KINDS.has(r.object.kind) && deployed.some((e) => e.name === folderOf(r))).map((r) => r.object);
  const longestReleaseSeconds = memo.get('longest-release-seconds', JSON.stringify(releases), () => longestRelease(releases));

  const platform: PlatformChartProps = { watchedNamespaces: deployed.map((e) => e.namespace) };
  rendered.push(...renderChart(memo, 'platform', platform, (app, p) => new PlatformChart(app, p)));
  const gateway: GatewayChartProps = { environments: deployed.map(({ name, namespace, ingress }) => ({ name, namespace, ingress })) };
  rendered.push(...renderChart(memo, 'gateway', gateway, (app, p) => new GatewayChart(app, p)));
  // Admission: only images the release loop signed (or listed exceptions) run where Argo CD deploys.
  const admission: AdmissionChartProps = { namespaces: deployed.map((e) => e.namespace) };
  rendered.push(...renderChart(memo, 'admission', admission, (app, p) => new AdmissionChart(app, p)));
  // Notifications, defined once: Argo CD's for the Applications, Argo Rollouts' for the Rollouts.
  const notifications: NotificationsChartProps[] = [
    { controller: ARGOCD_NOTIFICATIONS, subscriptions: APPLICATION_SUBSCRIPTIONS, templates: ARGOCD_TEMPLATES, triggers: ARGOCD_TRIGGERS },
    { controller: ROLLOUTS_NOTIFICATIONS, subscriptions: ROLLOUT_SUBSCRIPTIONS, templates: ROLLOUTS_TEMPLATES, triggers: ROLLOUTS_TRIGGERS },
  ];
  for (const n of notifications) rendered.push(...renderChart(memo, `notifications-${n.controller.namespace}`, n, (app, p) => new NotificationsChart(app, p)));
  // The platform namespaces' one store: notification tokens, and falcosidekick's Slack webhook.
  const store: NotificationSecretStoreChartProps = { namespaces: [ARGOCD_NOTIFICATIONS.namespace, ROLLOUTS_NOTIFICATIONS.namespace, SECURITY_NAMESPACE] };
  rendered.push(...renderChart(memo, 'notification-secret-store', store, (app, p) => new NotificationSecretStoreChart(app, p)));
  const calendar = deployed[0]?.calendar;
  // Dashboards: every deployed environment, production first (the default); production's sync windows.
  const byProductionFirst = [...deployed].sort((a, b) => Number(b.name === 'production') - Number(a.name === 'production'));
  const monitoring: MonitoringChartProps = {
    namespaces: byProductionFirst.map((e) => e.namespace),
    syncWindows:
      calendar !== undefined && deployed.some((e) => e.name === 'production')
        ? examSessionWindows(calendar, ['production'], [applicationName('production')], longestReleaseSeconds)
        : [],
  };
  rendered.push(...renderChart(memo, 'monitoring', monitoring, (app, p) => new MonitoringChart(app, p)));
  // Argo CD reads the objects its Applications sync (every chart above, the folders it syncs), as far as it reads them.
  const argocdProps: ArgoCdChartProps = {
    environments: deployed.map(({ name, namespace, gitops, calendar }) => ({ name, namespace, gitops, calendar })),
    longestReleaseSeconds,
    objects: argoCdView(rendered.filter((r) => syncedFolder(folderOf(r), deployed))),
  };
  const argocd = renderChart(memo, 'argocd', argocdProps, (app, p) => new ArgoCdChart(app, p));
  rendered.push(...argocd);
  // The add-ons can change every environment: frozen during the sessions of any deployed one.
  const addons: AddonsChartProps = calendar === undefined ? {} : { freeze: { calendar, environments: deployed.map((e) => e.name), longestReleaseSeconds } };
  rendered.push(...renderChart(memo, 'addons', addons, (app, p) => new AddonsChart(app, p)));
  const bootstrap: ArgoCdBootstrapChartProps = { folder: ARGOCD_FOLDER, projects: argocd.filter((r) => r.object.kind === 'AppProject').map((r) => r.object.metadata.name) };
  rendered.push(...renderChart(memo, 'argocd-bootstrap', bootstrap, (app, p) => new ArgoCdBootstrapChart(app, p)));
  return placedOnce(rendered);
}
