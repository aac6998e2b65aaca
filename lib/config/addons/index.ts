/**
 * The cluster's add-ons: one Argo CD Application each, in project `exam-addons`, synced by the
 * root Application in waves so that every API is installed before its first user. Data only;
 * lib/charts/addons-chart.ts builds the objects. Each add-on's values live in its own file
 * here (one typed tree per add-on); versions are pinned in lib/config/versions.ts.
 *
 * What each chart really installs (its CRDs and object kinds, rendered with `helm template` at
 * KUBERNETES_VERSION) is recorded in lib/config/addon-inventory.json by
 * `npm run charts:render`; the closure test and the project's whitelists rest on it.
 */
import { SECURITY_NAMESPACE } from '../namespaces';
import {
  ARGOCD_NAMESPACE,
  PLATFORM_APPLICATION_NAME,
} from '../gitops';
import { CHARTS, GATEWAY_API_CRDS, GitPathPin, HelmChartPin } from '../versions';
import { argoCdValues } from './argo-cd';
import { argoRolloutsValues } from './argo-rollouts';
import { certManagerValues } from './cert-manager';
import { envoyGatewayCrdsValues, envoyGatewayValues } from './envoy-gateway';
import { externalSecretsValues } from './external-secrets';
import { falcosidekickValues } from './falcosidekick';
import { kubePrometheusStackValues } from './kube-prometheus-stack';
import { kedaValues } from './keda';
import { kyvernoValues } from './kyverno';
import { metricsServerValues } from './metrics-server';
import { MONITORING_NAMESPACE, MONITORING_RELEASE } from '../monitoring';

/** The add-ons' AppProject. */
export const ADDONS_PROJECT_NAME = 'exam-addons';

/** Pod Security Standards level of a namespace an add-on Application creates. */
export type AddonPodSecurity = 'restricted' | 'baseline' | 'privileged';

/**
 * The namespace an add-on Application creates (CreateNamespace=true with
 * managedNamespaceMetadata), with the Pod Security level it enforces: the strictest its pods
 * pass, as the render inventory records (a test holds the two equal). Audit and warn are always
 * `restricted`, so a gap shows in events and the audit log.
 */
export type AddonNamespace =
  | { readonly enforce: 'restricted' }
  | {
      readonly enforce: Exclude<AddonPodSecurity, 'restricted'>;
      /** Why the namespace enforces less than `restricted`. */
      readonly reason: string;
    };

export type AddonSource =
  | { readonly type: 'helm'; readonly chart: HelmChartPin; readonly releaseName: string; readonly values: object }
  | { readonly type: 'git'; readonly git: GitPathPin };

/** A field a controller in the cluster owns, which Argo CD must neither report nor revert. */
export interface AddonIgnoredField {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly jsonPointers: readonly string[];
  readonly reason: string;
}

export interface AddonSpec {
  /** The Application's name. */
  readonly name: string;
  /** What it is for (shown in the docs). */
  readonly purpose: string;
  /** The release namespace (the Application's destination). */
  readonly namespace: string;
  readonly source: AddonSource;
  /**
   * Created by the Application; undefined when another owner makes the namespace first, or when
   * the add-on installs only cluster-scoped objects.
   */
  readonly createNamespace?: AddonNamespace;
  /** @default none */
  readonly ignoreDifferences?: readonly AddonIgnoredField[];
}

export const ADDONS: readonly AddonSpec[] = [
  {
    name: 'gateway-api-crds',
    purpose: 'the standard-channel Gateway API CRDs, installed once for every user (Envoy Gateway, the Rollouts plugin, cert-manager, the routes)',
    namespace: 'kube-system',
    source: { type: 'git', git: GATEWAY_API_CRDS },
  },
  {
    name: 'argo-cd',
    purpose: 'Argo CD managing its own install after the one-time bootstrap: image, argocd-cm (Application health, HTTPRoute diffing), notifications controller',
    namespace: ARGOCD_NAMESPACE,
    source: { type: 'helm', chart: CHARTS.argoCd, releaseName: 'argocd', values: argoCdValues },
  },
  {
    name: 'metrics-server',
    purpose: 'the resource metrics API for HPAs and KEDA',
    namespace: 'kube-system',
    source: { type: 'helm', chart: CHARTS.metricsServer, releaseName: 'metrics-server', values: metricsServerValues },
  },
  {
    name: 'kube-prometheus-stack',
    purpose: 'Prometheus Operator, Prometheus, Alertmanager, Grafana: the analysis and alerting backend',
    namespace: MONITORING_NAMESPACE,
    source: { type: 'helm', chart: CHARTS.kubePrometheusStack, releaseName: MONITORING_RELEASE, values: kubePrometheusStackValues },
    createNamespace: {
      enforce: 'privileged',
      reason: 'prometheus-node-exporter reads every node: hostNetwork, hostPID and read-only hostPath mounts of /, /proc and /sys, which only "privileged" admits',
    },
    ignoreDifferences: [
      {
        group: '',
        kind: 'Secret',
        name: `${MONITORING_RELEASE}-grafana`,
        namespace: MONITORING_NAMESPACE,
        jsonPointers: ['/data/admin-password'],
        reason: 'the grafana chart generates a random admin password on every render; the first one synced is kept',
      },
      {
        group: 'apps',
        kind: 'Deployment',
        name: `${MONITORING_RELEASE}-grafana`,
        namespace: MONITORING_NAMESPACE,
        jsonPointers: ['/spec/template/metadata/annotations/checksum~1secret'],
        reason: "the checksum of that password: without this, every refresh would see a new pod template and self-heal would restart Grafana",
      },
    ],
  },
  {
    name: 'cert-manager',
    purpose: 'certificates for the Gateway listeners (ACME, lib/config/tls.ts)',
    namespace: 'cert-manager',
    source: { type: 'helm', chart: CHARTS.certManager, releaseName: 'cert-manager', values: certManagerValues },
    createNamespace: { enforce: 'restricted' },
  },
  {
    name: 'external-secrets',
    purpose: 'Secrets from AWS Secrets Manager (ExternalSecret, ClusterSecretStore)',
    namespace: 'external-secrets',
    source: { type: 'helm', chart: CHARTS.externalSecrets, releaseName: 'external-secrets', values: externalSecretsValues },
    createNamespace: { enforce: 'restricted' },
  },
  {
    name: 'kyverno',
    purpose: 'admission policies (the release loop verifies image signatures with it)',
    namespace: 'kyverno',
    source: { type: 'helm', chart: CHARTS.kyverno, releaseName: 'kyverno', values: kyvernoValues },
    createNamespace: { enforce: 'restricted' },
  },
  {
    name: 'envoy-gateway-crds',
    purpose: "Envoy Gateway's own CRDs (gateway.envoyproxy.io), without the chart's Gateway API copy",
    namespace: 'envoy-gateway-system',
    source: { type: 'helm', chart: CHARTS.envoyGatewayCrds, releaseName: 'envoy-gateway-crds', values: envoyGatewayCrdsValues },
  },
  {
    name: 'argo-rollouts',
    purpose: 'canary and blue/green releases, with the Gateway API traffic-router plugin',
    namespace: 'argo-rollouts',
    source: { type: 'helm', chart: CHARTS.argoRollouts, releaseName: 'argo-rollouts', values: argoRolloutsValues },
    createNamespace: { enforce: 'restricted' },
  },
  {
    name: 'envoy-gateway',
    purpose: 'the Gateway API implementation: the controller and the Envoy data plane it deploys',
    namespace: 'envoy-gateway-system',
    source: { type: 'helm', chart: CHARTS.envoyGateway, releaseName: 'envoy-gateway', values: envoyGatewayValues },
    createNamespace: { enforce: 'restricted' },
  },
  {
    name: 'keda',
    purpose: "KEDA: production's exam-traffic services scale on CPU and pre-scale from the exam calendar (ScaledObject cron triggers)",
    namespace: 'keda',
    source: { type: 'helm', chart: CHARTS.keda, releaseName: 'keda', values: kedaValues },
    createNamespace: { enforce: 'restricted' },
  },
  {
    name: 'falcosidekick',
    purpose: "Falco's alert fan-out to Alertmanager and Slack",
    namespace: SECURITY_NAMESPACE,
    source: { type: 'helm', chart: CHARTS.falcosidekick, releaseName: 'falcosidekick', values: falcosidekickValues },
  },
];

/** A sync wave of the root Application: what it installs, and why it comes then. */
export interface ApplicationWave {
  readonly wave: number;
  readonly what: string;
  readonly applications: readonly string[];
}

/** The Applications of every deployed environment (`exam-<env>`) sync in the last wave. */
export const ENVIRONMENTS_WAVE_KEY = 'environments';

/**
 * The order the root Application syncs its Applications in. Argo CD moves to the next wave
 * only when every Application of the current one is Healthy (the Application health check in
 * argocd-cm, lib/config/addons/argo-cd.ts). The closure test proves that every API an
 * Application uses is core Kubernetes 1.28 or installed by an Application of an earlier wave.
 */
export const APPLICATION_WAVES: readonly ApplicationWave[] = [
  { wave: 1, what: 'CRDs and APIs nothing depends on: Gateway API, the metrics API', applications: ['gateway-api-crds', 'metrics-server'] },
  { wave: 2, what: 'monitoring: the ServiceMonitor and PrometheusRule APIs the later charts use', applications: ['kube-prometheus-stack'] },
  {
    wave: 3,
    what: 'controllers whose APIs the platform and the environments use, and Argo CD itself (its metrics ServiceMonitor needs the monitoring API)',
    applications: ['argo-cd', 'cert-manager', 'external-secrets', 'kyverno', 'envoy-gateway-crds', 'argo-rollouts', 'keda'],
  },
  { wave: 4, what: 'the Gateway API implementation (needs its CRDs and the Gateway API)', applications: ['envoy-gateway'] },
  { wave: 5, what: 'the platform: namespaces, secret stores, Falco, notification configuration', applications: [PLATFORM_APPLICATION_NAME] },
  { wave: 6, what: 'falcosidekick (its Slack Secret comes from the platform)', applications: ['falcosidekick'] },
  { wave: 7, what: 'the exam system in every deployed environment', applications: [ENVIRONMENTS_WAVE_KEY] },
];

/** The wave of an Application; environment Applications (`exam-<env>`) pass ENVIRONMENTS_WAVE_KEY. */
export function applicationWave(application: string): number {
  const found = APPLICATION_WAVES.find((w) => w.applications.includes(application));
  if (found === undefined) {
    throw new Error(
      `Application ${application} has no sync wave; expected it in APPLICATION_WAVES of lib/config/addons/index.ts (${APPLICATION_WAVES.map((w) => `${w.wave}: ${w.what}`).join('; ')})`,
    );
  }
  return found.wave;
}

export interface AddonSyncOption {
  readonly option: string;
  readonly reason: string;
}

/** The sync options of every add-on Application, each on purpose. */
export const ADDON_SYNC_OPTIONS: readonly AddonSyncOption[] = [
  {
    option: 'ServerSideApply=true',
    reason:
      "large CRDs (Prometheus, Alertmanager, Kyverno's policies, Envoy Gateway's) exceed the 256 KiB last-applied annotation of client-side apply; server-side apply has no such annotation and leaves fields other managers own (webhook CA bundles) alone",
  },
  { option: 'PruneLast=true', reason: 'objects removed from a chart are deleted after the new ones are healthy' },
  { option: 'ApplyOutOfSyncOnly=true', reason: 'a values change applies the objects it changes, not the whole chart' },
  { option: 'RespectIgnoreDifferences=true', reason: 'a sync keeps the fields ignoreDifferences names (e.g. the generated Grafana admin password)' },
  { option: 'FailOnSharedResource=true', reason: 'a sync fails instead of taking over an object another Application manages' },
];

/**
 * Add-ons sync and heal automatically but never prune: a chart upgrade that drops a CRD
 * would delete every object of that kind in the cluster, so a person prunes add-ons by hand.
 */
export const ADDON_AUTOMATED = { enabled: true, prune: false, selfHeal: true } as const;
