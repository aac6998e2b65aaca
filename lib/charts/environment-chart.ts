import { App } from 'cdk8s';
import { CONTAINER_PORT, HEALTH_PATH } from '../config/catalog';
import { Environment, ResolvedService } from '../config/load';
import { BLUE_GREEN_SCALE_DOWN_DELAY_SECONDS, CANARY_INGRESS_ANNOTATIONS, CANARY_STEPS, rolloutName } from '../config/release';
import { imageRepository } from '../config/versions';
import { AppNamespace } from '../constructs/app-namespace';
import { EnvironmentConfig } from '../constructs/environment-config';
import { ExamService, ReleaseStrategy } from '../constructs/exam-service';
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
        release: releaseFor(env, s),
        spreadPods: s.replicas >= 2,
        ingress: exposure(env, s),
        autoscaling: s.autoscaling,
      });
    }
  }
}

/** The environment file's strategy choice, made concrete. */
function releaseFor(env: Environment, s: ResolvedService): ReleaseStrategy {
  switch (s.strategy) {
    case 'rolling':
      return { kind: 'rolling' };
    case 'canary':
      return {
        kind: 'canary',
        rolloutName: rolloutName(s.name),
        steps: CANARY_STEPS,
        analysisTemplates: ['success-rate', 'response-time'],
        serviceNameArg: 'service-name',
        ingressAnnotations: CANARY_INGRESS_ANNOTATIONS,
      };
    case 'blueGreen':
      return {
        kind: 'blueGreen',
        rolloutName: rolloutName(s.name),
        activeServiceName: s.definition.activeServiceName ?? s.name,
        autoPromotion: env.release.autoPromotion,
        prePromotionTemplates: ['preview-health'],
        postPromotionTemplates: ['post-promotion'],
        serviceNameArg: 'service-name',
        scaleDownDelaySeconds: BLUE_GREEN_SCALE_DOWN_DELAY_SECONDS,
      };
  }
}

/** Ingress host for services the catalog exposes. */
function exposure(env: Environment, s: ResolvedService): { host: string; tlsSecretName: string } | undefined {
  if (s.definition.ingress === undefined) return undefined;
  const host = s.definition.ingress === 'web' ? env.ingress.webHost : env.ingress.apiHost;
  return { host, tlsSecretName: env.ingress.tlsSecretName };
}
