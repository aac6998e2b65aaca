import { App } from 'cdk8s';
import { PDB_MAX_UNAVAILABLE, sessionFloors } from '../config/capacity';
import { CONTAINER_PORT, HEALTH_PATH } from '../config/catalog';
import { Environment, ResolvedService } from '../config/load';
import { GATEWAY_CONTROLLER_NAMESPACE, GATEWAY_NAME, GATEWAY_NAMESPACE, gatewayProxyLabels, listenerName } from '../config/gateway';
import {
  BLUE_GREEN_SCALE_DOWN_DELAY_SECONDS,
  CANARY_HEADER,
  CANARY_HEADER_ROUTE_NAME,
  CANARY_STEPS,
  PREVIEW_HEADER,
  rolloutName,
} from '../config/release';
import { FLAGD_IMAGE, FLAGSMITH_IMAGE, imageRepository } from '../config/versions';
import { SYNC_HOOK_ANNOTATIONS } from '../config/gitops';
import { rolloutNotificationAnnotations } from '../config/notifications';
import {
  AnalysisTemplates,
  CANARY_BACKGROUND_TEMPLATES,
  POD_TEMPLATE_HASH_ARG,
  POST_PROMOTION_TEMPLATE,
  PREVIEW_HEALTH_TEMPLATE,
  SERVICE_NAME_ARG,
} from '../constructs/analysis-templates';
import { AppNamespace } from '../constructs/app-namespace';
import { EnvironmentConfig } from '../constructs/environment-config';
import { ExamSecrets } from '../constructs/exam-secrets';
import { FLAGSMITH_PORT, FeatureFlagController } from '../constructs/feature-flag-controller';
import { FLAGD_JSON_KEY, FeatureFlags } from '../constructs/feature-flags';
import { FLAGD_MANAGEMENT_PORT, FLAGD_PORT, Flagd } from '../constructs/flagd';
import { ExamAlerts } from '../constructs/exam-alerts';
import { ExamService, ExamServiceProps, ReleaseStrategy } from '../constructs/exam-service';
import { SloRules } from '../constructs/slo-rules';
import { NetworkPolicies } from '../constructs/network-policies';
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
    // Secrets come from AWS Secrets Manager through External Secrets; feature flags (docs/decisions.md, 'Feature flags').
    const secrets = new ExamSecrets(this, 'secrets', { environment: env.name, namespace: env.namespace, region: env.config.AWS_REGION, roleArn: env.secrets.role });
    const flags = new FeatureFlags(this, 'feature-flags', { environment: env.name, namespace: env.namespace });
    // The services evaluate exactly the flags in git: flagd serves the ConfigMap (mounted as a
    // directory, so a change reaches it without a restart) to each service's flagd provider.
    const flagd = new Flagd(this, 'flagd', { namespace: env.namespace, image: FLAGD_IMAGE, configMapName: flags.name, configMapKey: FLAGD_JSON_KEY });
    // Flagsmith (docs/decisions.md, 'Feature-flag controller') serves only; its schema migration runs once per sync, as a hook.
    const flagController = new FeatureFlagController(this, 'feature-flag-controller', {
      namespace: env.namespace,
      image: FLAGSMITH_IMAGE,
      secretName: secrets.secretName,
      migrationJobAnnotations: SYNC_HOOK_ANNOTATIONS,
    });
    // The OpenFeature flagd providers' standard settings: the RPC resolver against flagd.
    const flagdProviderEnv = [
      { name: 'FLAGD_HOST', value: `${flagd.serviceName}.${env.namespace}.svc.cluster.local` },
      { name: 'FLAGD_PORT', value: String(FLAGD_PORT) },
      { name: 'FLAGD_RESOLVER', value: 'rpc' },
    ];
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
        env: flagdProviderEnv,
        release: releaseFor(env, s),
        spreadPods: s.replicas >= 2,
        route: routeFor(env, s),
        // Production's exam-traffic services pre-scale from the exam calendar (KEDA); the rest,
        // and every service of staging and hotfix, scale on CPU only (an HPA).
        autoscaling: s.autoscaling && { ...s.autoscaling, floors: sessionFloors(env.calendar, env.name, s.name) },
        pdbMaxUnavailable: PDB_MAX_UNAVAILABLE,
        secretEnv: s.definition.secrets.length > 0 ? { secretName: secrets.secretName, keys: s.definition.secrets } : undefined,
        rolloutAnnotations: rolloutNotificationAnnotations(env.name),
      });
    }
    // Deny everything, then allow the catalog's call graph, every service's flag evaluations
    // (to flagd), the shared Gateway's Envoy proxies to the routed services, Prometheus scrapes,
    // DNS and the data stores. The catalog does not say which backend uses which store, so every
    // backend may reach the database, Redis and the AWS (S3) endpoints; the frontend reaches only
    // other services. Flagsmith and its migration Job reach the database; nothing calls Flagsmith.
    new NetworkPolicies(this, 'network-policies', {
      namespace: env.namespace,
      workloads: [
        ...env.services.map((s) => ({
          app: s.name,
          port: CONTAINER_PORT,
          calls: [...s.definition.calls, flagd.name],
          exposed: routeFor(env, s) !== undefined,
          database: s.definition.component === 'backend',
          redis: s.definition.component === 'backend',
          awsEndpoints: s.definition.component === 'backend',
        })),
        { app: flagd.name, port: FLAGD_PORT, metricsPort: FLAGD_MANAGEMENT_PORT },
        { app: flagController.name, port: FLAGSMITH_PORT, database: true },
        { app: flagController.migrationJobName, database: true, scraped: false },
      ],
      gatewayDataPlane: { namespace: GATEWAY_CONTROLLER_NAMESPACE, podLabels: gatewayProxyLabels(GATEWAY_NAMESPACE, GATEWAY_NAME) },
    });
    // Monitoring (see docs/decisions.md, 'Release analysis' and 'Post-deploy alerts'): what releases are judged by, and the post-deploy alerts.
    new AnalysisTemplates(this, 'analysis-templates', { namespace: env.namespace, prometheusAddress: env.prometheus.address });
    new ExamAlerts(this, 'alerts', {
      namespace: env.namespace,
      environment: env.name,
      services: env.services.map((s) => ({ name: s.name, serviceName: liveServiceName(s) })),
    });
    // The SLOs (lib/config/slos.ts): recorded error ratios and burn-rate alerts.
    new SloRules(this, 'slo-rules', {
      namespace: env.namespace,
      environment: env.name,
      services: env.services.map((s) => ({ name: s.name, serviceName: liveServiceName(s), slo: s.slo })),
    });
  }
}

/** The Service that carries a service's live traffic: the active Service when blue/green. */
function liveServiceName(s: ResolvedService): string {
  return s.strategy === 'blueGreen' ? (s.definition.activeServiceName ?? s.name) : s.name;
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
        analysisTemplates: CANARY_BACKGROUND_TEMPLATES,
        serviceNameArg: SERVICE_NAME_ARG,
        podTemplateHashArg: POD_TEMPLATE_HASH_ARG,
        headerRoute: { name: CANARY_HEADER_ROUTE_NAME, header: CANARY_HEADER },
      };
    case 'blueGreen':
      return {
        kind: 'blueGreen',
        rolloutName: rolloutName(s.name),
        activeServiceName: liveServiceName(s),
        autoPromotion: env.release.autoPromotion,
        prePromotionTemplates: [PREVIEW_HEALTH_TEMPLATE],
        postPromotionTemplates: [POST_PROMOTION_TEMPLATE],
        serviceNameArg: SERVICE_NAME_ARG,
        podTemplateHashArg: POD_TEMPLATE_HASH_ARG,
        scaleDownDelaySeconds: BLUE_GREEN_SCALE_DOWN_DELAY_SECONDS,
        previewHeader: PREVIEW_HEADER,
      };
  }
}

/**
 * The route of a service the catalog exposes, on its environment's listener of the shared
 * Gateway. Only deployed environments are on the Gateway: development (applied to a local
 * cluster) has no route, and is reached with `kubectl port-forward` (see docs/decisions.md).
 */
function routeFor(env: Environment, s: ResolvedService): ExamServiceProps['route'] {
  if (s.definition.ingress === undefined || env.gitops === undefined) return undefined;
  const hostname = s.definition.ingress === 'web' ? env.ingress.webHost : env.ingress.apiHost;
  return { hostname, parent: { gatewayName: GATEWAY_NAME, gatewayNamespace: GATEWAY_NAMESPACE, sectionName: listenerName(env.name, s.definition.ingress) } };
}
