import { App } from 'cdk8s';
import { ArgoCdBootstrapChart, ArgoCdChart } from './charts/argocd-chart';
import { EnvironmentChart } from './charts/environment-chart';
import { MonitoringChart } from './charts/monitoring-chart';
import { PlatformChart } from './charts/platform-chart';
import { applySyncWaves } from './charts/sync-waves';
import { applicationName, examSessionWindows } from './config/gitops';
import { Environment } from './config/load';

/** The whole system: one chart per dist/ folder. Composition only; decisions live in config and charts. */
export function buildApp(envs: readonly Environment[]): App {
  const app = new App({ outdir: 'dist' });
  for (const env of envs) {
    // An environment without gitops is not synced: its folder carries its own Namespace.
    new EnvironmentChart(app, { env, clusterFolder: env.gitops === undefined ? env.name : undefined });
  }
  new PlatformChart(app, { watchedNamespaces: envs.filter((e) => e.gitops !== undefined).map((e) => e.namespace) });
  // Dashboards: every deployed environment, production first (the default); production's sync windows.
  const deployed = envs.filter((e) => e.gitops !== undefined).sort((a, b) => Number(b.name === 'production') - Number(a.name === 'production'));
  new MonitoringChart(app, {
    namespaces: deployed.map((e) => e.namespace),
    syncWindows: deployed.some((e) => e.name === 'production') ? examSessionWindows([applicationName('production')]) : [],
  });
  // Argo CD reads the other charts' objects: keep it after every chart it deploys.
  const argocd = new ArgoCdChart(app, { environments: envs });
  new ArgoCdBootstrapChart(app, { apps: argocd });
  applySyncWaves(app);
  return app;
}
