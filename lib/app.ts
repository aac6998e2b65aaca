import { App } from 'cdk8s';
import { AddonsChart } from './charts/addons-chart';
import { ArgoCdBootstrapChart, ArgoCdChart } from './charts/argocd-chart';
import { EnvironmentChart } from './charts/environment-chart';
import { PlatformChart } from './charts/platform-chart';
import { applySyncWaves } from './charts/sync-waves';
import { ALERTMANAGER_URL } from './config/addons/monitoring-labels';
import { Environment } from './config/load';

/** The whole system: one chart per dist/ folder. Composition only; decisions live in config and charts. */
export function buildApp(envs: readonly Environment[]): App {
  const app = new App({ outdir: 'dist' });
  for (const env of envs) {
    // An environment without gitops is not synced: its folder carries its own Namespace.
    new EnvironmentChart(app, { env, clusterFolder: env.gitops === undefined ? env.name : undefined });
  }
  const production = envs.find((e) => e.name === 'production');
  new PlatformChart(app, {
    watchedNamespaces: envs.filter((e) => e.gitops !== undefined).map((e) => e.namespace),
    // The platform's secrets live in production's AWS region.
    secretsRegion: production?.config.AWS_REGION,
    // The monitoring add-on's Alertmanager (release kube-prometheus-stack in monitoring).
    alertmanagerUrl: ALERTMANAGER_URL,
  });
  // Argo CD reads the other charts' objects: keep it after every chart it deploys.
  const argocd = new ArgoCdChart(app, { environments: envs });
  new AddonsChart(app);
  new ArgoCdBootstrapChart(app, { apps: argocd });
  applySyncWaves(app);
  return app;
}
