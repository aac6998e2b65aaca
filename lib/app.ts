import { App } from 'cdk8s';
import { EnvironmentChart } from './charts/environment-chart';
import { Environment } from './config/load';

/** The whole system: one chart per dist/ folder. Composition only; decisions live in config and charts. */
export function buildApp(envs: readonly Environment[]): App {
  const app = new App({ outdir: 'dist' });
  for (const env of envs) {
    // An environment without gitops is not synced: its folder carries its own Namespace.
    new EnvironmentChart(app, { env, clusterFolder: env.gitops === undefined ? env.name : undefined });
  }
  return app;
}
