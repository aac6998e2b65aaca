/**
 * Every image and version the manifests pin, in one place. Exam-system tags come from the
 * environment files; the repository they are pulled from is fixed here.
 */

/** The exam system's images: ghcr.io/<org>/exam-system/<service> (see docs/decisions.md, 'Image names and the container port'). */
export const EXAM_SYSTEM_REGISTRY = 'ghcr.io/exam-platform/exam-system';

export function imageRepository(service: string): string {
  return `${EXAM_SYSTEM_REGISTRY}/${service}`;
}

/**
 * Flagsmith, the feature-flag controller (see docs/decisions.md, 'Feature-flag controller': `flagsmith/flagsmith`, the unified API +
 * dashboard image). 2.238.0 is the appVersion of Flagsmith's own Helm chart 0.82.0; Docker Hub
 * tags are the release version without a leading "v". Its ENTRYPOINT is `run-docker.sh`, whose
 * `serve` (the Deployment) and `migrate` (the migration Job) this project runs; later releases
 * replace the entrypoint with the `flagsmith` CLI, so check both commands when bumping.
 */
// renovate: datasource=docker depName=docker.io/flagsmith/flagsmith
export const FLAGSMITH_VERSION = '2.238.0';
export const FLAGSMITH_IMAGE = `docker.io/flagsmith/flagsmith:${FLAGSMITH_VERSION}`;

/**
 * Falco (see docs/decisions.md, 'Falco'). 0.44.1 is the latest 0.44.x patch release (2026-06, after 0.44.0 of
 * 2026-05-26; Falco's website and Helm chart 9.1.0 moved to it). The `-debian` variant of the
 * same release is used because its image installs jq and curl, which program_output needs to
 * post alerts to Alertmanager; the default variant is a minimal image built for Falco alone.
 */
// renovate: datasource=docker depName=docker.io/falcosecurity/falco
export const FALCO_VERSION = '0.44.1';
export const FALCO_IMAGE = `docker.io/falcosecurity/falco:${FALCO_VERSION}-debian`;

/**
 * flagd, the OpenFeature flag daemon that evaluates ConfigMap `feature-flags` for the exam
 * services (the same evaluator as @openfeature/flagd-core, which the tests run). v0.16.1 is
 * the flagd release of 2026-07-27; its image runs a static binary on distroless.
 */
// renovate: datasource=docker depName=ghcr.io/open-feature/flagd extractVersion=^v(?<version>.+)$
export const FLAGD_VERSION = '0.16.1';
export const FLAGD_IMAGE = `ghcr.io/open-feature/flagd:v${FLAGD_VERSION}`;

// ---------------------------------------------------------------------------------------------
// The cluster and its add-ons (docs/decisions.md, "Cluster from zero").

/**
 * The Kubernetes minor the cluster runs: the oldest minor that is still supported upstream
 * (1.34 reached end of life on 2026-10-27; 1.35 is supported until 2027-02-28) and that every
 * add-on accepts. Each add-on's own floor is lower or equal: cert-manager's and External
 * Secrets' CRDs use `selectableFields` (1.31+), metrics-server 0.8 needs 1.31+, Envoy Gateway
 * 1.9 is tested on 1.33-1.36, KEDA 2.20 on 1.33-1.35 (its ceiling rules out 1.36), and the
 * charts' `kubeVersion` constraints are all >= 1.25 or lower. The charts are rendered with
 * `helm template --kube-version` at this version. The objects synthesized here keep the 1.28
 * API surface of cdk8s-plus-28, which a 1.35 API server serves unchanged.
 */
export const KUBERNETES_VERSION = '1.35.0';

/** The Argo CD release the project runs and imports/ was generated from (the argo-cd chart lags it). */
export const ARGOCD_VERSION = 'v3.5.1';

/** The Argo Rollouts controller release (the argo-rollouts chart 2.41.0 ships v1.9.0). */
export const ARGO_ROLLOUTS_VERSION = 'v1.9.1';

/** The Argo Rollouts Gateway API traffic-router plugin (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi). */
export const ROLLOUTS_GATEWAYAPI_PLUGIN_VERSION = 'v0.15.0';

/** The standard-channel Gateway API CRDs (kubernetes-sigs/gateway-api, config/crd/standard). */
export const GATEWAY_API_VERSION = 'v1.6.1';

/**
 * A Helm chart pinned to one exact version. `repoURL` is what an Argo CD Application names:
 * an https chart repository, or an OCI registry path written without `oci://` (Argo CD treats a
 * repoURL without a scheme as OCI: argoproj/argo-cd util/helm/client.go, IsHelmOciRepo). Docker
 * Hub is written as its registry host, registry-1.docker.io, as Argo CD's Helm docs show it.
 */
export interface HelmChartPin {
  readonly repoURL: string;
  readonly chart: string;
  /** The exact chart version (never a range). */
  readonly version: string;
  /** The chart's published values.schema.json at this version, if it ships one. */
  readonly valuesSchemaUrl?: string;
}

/** Every add-on chart, pinned. */
export const CHARTS = {
  argoCd: { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '10.1.1' },
  argoRollouts: { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-rollouts', version: '2.41.0' },
  externalSecrets: {
    repoURL: 'https://charts.external-secrets.io',
    chart: 'external-secrets',
    version: '2.9.0',
    valuesSchemaUrl: 'https://raw.githubusercontent.com/external-secrets/external-secrets/helm-chart-2.9.0/deploy/charts/external-secrets/values.schema.json',
  },
  kubePrometheusStack: { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '88.5.3' },
  certManager: {
    repoURL: 'quay.io/jetstack/charts',
    chart: 'cert-manager',
    version: 'v1.21.1',
    valuesSchemaUrl: 'https://raw.githubusercontent.com/cert-manager/cert-manager/v1.21.1/deploy/charts/cert-manager/values.schema.json',
  },
  envoyGateway: { repoURL: 'registry-1.docker.io/envoyproxy', chart: 'gateway-helm', version: 'v1.9.0' },
  envoyGatewayCrds: { repoURL: 'registry-1.docker.io/envoyproxy', chart: 'gateway-crds-helm', version: 'v1.9.0' },
  kyverno: { repoURL: 'https://kyverno.github.io/kyverno/', chart: 'kyverno', version: '3.9.0' },
  falcosidekick: { repoURL: 'https://falcosecurity.github.io/charts', chart: 'falcosidekick', version: '0.14.0' },
  metricsServer: { repoURL: 'https://kubernetes-sigs.github.io/metrics-server/', chart: 'metrics-server', version: '3.13.1' },
  keda: { repoURL: 'https://kedacore.github.io/charts', chart: 'keda', version: '2.20.2' },
} as const satisfies Record<string, HelmChartPin>;

/** A git source pinned to a tag: the standard Gateway API CRDs are not packaged as a chart. */
export interface GitPathPin {
  readonly repoURL: string;
  readonly revision: string;
  readonly path: string;
}

export const GATEWAY_API_CRDS: GitPathPin = {
  repoURL: 'https://github.com/kubernetes-sigs/gateway-api.git',
  revision: GATEWAY_API_VERSION,
  path: 'config/crd/standard',
};
