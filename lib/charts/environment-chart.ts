import { App } from 'cdk8s';
import { CONTAINER_PORT, HEALTH_PATH } from '../config/catalog';
import { Environment } from '../config/load';
import { imageRepository } from '../config/versions';
import { AppNamespace } from '../constructs/app-namespace';
import { EnvironmentConfig } from '../constructs/environment-config';
import { ExamService } from '../constructs/exam-service';
import { OutputChart } from './output-chart';

export interface EnvironmentChartProps {
  readonly env: Environment;
  /**
   * Where the environment's Namespace is written. Deployed environments leave it to the
   * platform's cluster folder; an environment no Argo CD Application syncs (development)
   * keeps it in its own folder, which is then a complete bundle for a local cluster.
   * @default platform/cluster
   */
  readonly clusterFolder?: string;
}

/** Everything that lives in one environment's namespace: dist/<env>/. */
export class EnvironmentChart extends OutputChart {
  constructor(scope: App, props: EnvironmentChartProps) {
    const { env } = props;
    super(scope, env.name, { folder: env.name, clusterFolder: props.clusterFolder });
    new AppNamespace(this, 'namespace', { name: env.namespace, component: 'environment', labels: { 'exam-system.io/environment': env.name } });
    const config = new EnvironmentConfig(this, 'config', { name: env.configMapName, namespace: env.namespace, data: env.config });
    for (const s of env.services) {
      new ExamService(this, s.name, {
        name: s.name,
        namespace: env.namespace,
        component: s.definition.component,
        imageRepository: imageRepository(s.name),
        tag: s.tag,
        replicas: s.replicas,
        requests: s.requests,
        limits: s.limits,
        port: CONTAINER_PORT,
        healthPath: HEALTH_PATH,
        envFromConfigMaps: [config.name],
        strategy: s.strategy,
      });
    }
  }
}
