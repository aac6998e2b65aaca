import { Construct } from 'constructs';
import { imageRefProblem, tagOfImageRef } from '../rules/image-ref';
import * as k8s from './k8s';
import { selectorLabels, workloadLabels } from './labels';
import { ContainerSpec, EnvVarSpec, HttpProbeSpec, PodBlueprint, toKubePodTemplate } from './pod-template';

/** The port Flagsmith's API (gunicorn) listens on. */
export const FLAGSMITH_PORT = 8000;

/**
 * Flagsmith's health endpoints (flagsmith-common's core URLs): liveness answers from the process
 * alone; readiness runs django-health-check (database, cache), so a pod that lost its database
 * leaves the Service without being restarted.
 */
export const FLAGSMITH_LIVENESS_PATH = '/health/liveness';
export const FLAGSMITH_READINESS_PATH = '/health/readiness';

/**
 * The commands of the pinned image's entrypoint (Flagsmith `api/scripts/run-docker.sh` at
 * v2.238.0): its default CMD `migrate-and-serve` migrates the database, bootstraps and then
 * serves, in every replica at once on every start. `serve` only waits for the database and
 * starts gunicorn; `migrate` runs the migrations (and createcachetable) and exits.
 */
export const FLAGSMITH_SERVE_ARGS: readonly string[] = ['serve'];
export const FLAGSMITH_MIGRATE_ARGS: readonly string[] = ['migrate'];

export interface FeatureFlagControllerProps {
  readonly namespace: string;
  /** The pinned image, `<repository>:<tag>[@sha256:<hex>]` (never `latest`). */
  readonly image: string;
  /** The Secret (made by an ExternalSecret) holding FLAGSMITH_DATABASE_URL and FLAGSMITH_SECRET_KEY. @default exam-secrets */
  readonly secretName?: string;
  /** @default 2 (see docs/decisions.md, 'Feature-flag controller') */
  readonly replicas?: number;
  /** @default feature-flag-controller */
  readonly name?: string;
  /** @default feature-flag-service */
  readonly serviceName?: string;
  /** Spread pods over zones and nodes. @default true */
  readonly spreadPods?: boolean;
  /** The migration Job's name (and `app` label). @default feature-flag-migrations */
  readonly migrationJobName?: string;
  /**
   * Annotations of the migration Job, e.g. the Argo CD hook that runs it once per sync.
   * @default none
   */
  readonly migrationJobAnnotations?: Readonly<Record<string, string>>;
}

/**
 * The feature-flag controller (docs/decisions.md, 'Feature-flag controller'): Flagsmith as Deployment `feature-flag-controller`
 * (2 replicas, the specified resources, port 8000), its PodDisruptionBudget, Service
 * `feature-flag-service` (80 → 8000), and Job `feature-flag-migrations`, which migrates the
 * database once (the Deployment only serves).
 *
 * Flagsmith's settings (`api/app/settings/common.py`) read the key from `DJANGO_SECRET_KEY`
 * (else every replica invents its own, and sessions break across replicas) and accept only
 * the Host headers of `DJANGO_ALLOWED_HOSTS` (default: none, so Django answers 400 to every
 * request). The allowed hosts are the Service's names and `localhost` (`kubectl port-forward`);
 * the probes send `Host: <service>`. Database URL and key come from Secret `exam-secrets`.
 */
export class FeatureFlagController extends Construct {
  public readonly name: string;
  public readonly serviceName: string;
  public readonly selector: Record<string, string>;
  public readonly blueprint: PodBlueprint;
  public readonly migrationJobName: string;
  public readonly migrationBlueprint: PodBlueprint;

  constructor(scope: Construct, id: string, props: FeatureFlagControllerProps) {
    super(scope, id);
    this.name = props.name ?? 'feature-flag-controller';
    this.serviceName = props.serviceName ?? 'feature-flag-service';
    const replicas = props.replicas ?? 2;
    const secretName = props.secretName ?? 'exam-secrets';
    const imageProblem = imageRefProblem(props.image, { requireTag: true });
    if (imageProblem !== undefined) throw new Error(`FeatureFlagController ${this.name}: image: ${imageProblem}`);
    const tag = tagOfImageRef(props.image);
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new Error(`FeatureFlagController ${this.name}: replicas must be a whole number >= 0, got ${replicas}`);
    }

    this.selector = selectorLabels(this.name);
    const labels = workloadLabels({ name: this.name, component: 'feature-flags', version: tag });
    const djangoEnv: EnvVarSpec[] = [
      { name: 'DATABASE_URL', secretKeyRef: { name: secretName, key: 'FLAGSMITH_DATABASE_URL' } },
      { name: 'DJANGO_SECRET_KEY', secretKeyRef: { name: secretName, key: 'FLAGSMITH_SECRET_KEY' } },
    ];
    const env: EnvVarSpec[] = [
      ...djangoEnv,
      { name: 'DJANGO_ALLOWED_HOSTS', value: flagsmithAllowedHosts(this.serviceName, props.namespace).join(',') },
      // Two gunicorn workers (the image's default is three) to stay inside the specified 256Mi limit.
      { name: 'GUNICORN_WORKERS', value: '2' },
    ];
    // Readiness reacts fast; liveness is slower and more tolerant. No migrations at start any more.
    const host = this.serviceName;
    const readinessProbe: HttpProbeSpec = { path: FLAGSMITH_READINESS_PATH, port: FLAGSMITH_PORT, host, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 };
    const livenessProbe: HttpProbeSpec = { path: FLAGSMITH_LIVENESS_PATH, port: FLAGSMITH_PORT, host, initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 };
    // The root filesystem is read-only. The image points PROMETHEUS_MULTIPROC_DIR at
    // /tmp/prometheus, which must exist and be writable; gunicorn's heartbeat files go to /dev/shm.
    const scratchMounts = [
      { name: 'tmp', mountPath: '/tmp', sizeLimit: '64Mi' },
      { name: 'prometheus', mountPath: '/tmp/prometheus', sizeLimit: '64Mi' },
    ];
    const container: ContainerSpec = {
      name: 'controller',
      image: props.image,
      args: FLAGSMITH_SERVE_ARGS,
      port: FLAGSMITH_PORT,
      env,
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '200m', memory: '256Mi' },
      readinessProbe,
      livenessProbe,
      scratchMounts,
    };
    this.blueprint = { labels, container, spreadSelector: props.spreadPods === false ? undefined : this.selector };

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: toKubePodTemplate(this.blueprint),
      },
    });

    // Voluntary disruptions (node drains) take at most one controller pod at a time, and always can.
    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selector } },
    });

    new k8s.KubeService(this, 'service', {
      metadata: { name: this.serviceName, namespace: props.namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selector,
        ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromNumber(FLAGSMITH_PORT), protocol: 'TCP' }],
      },
    });

    // The schema migration, once per sync rather than in each replica at each start. A Job's pod
    // template cannot change once created: the hook annotations (BeforeHookCreation) make Argo CD
    // delete the previous Job before it creates the new one.
    this.migrationJobName = props.migrationJobName ?? 'feature-flag-migrations';
    const jobLabels = workloadLabels({ name: this.migrationJobName, component: 'feature-flags', version: tag });
    this.migrationBlueprint = {
      labels: jobLabels,
      restartPolicy: 'Never',
      container: {
        name: 'migrate',
        image: props.image,
        args: FLAGSMITH_MIGRATE_ARGS,
        env: djangoEnv,
        requests: { cpu: '100m', memory: '128Mi' },
        limits: { cpu: '500m', memory: '256Mi' },
        scratchMounts,
      },
    };
    new k8s.KubeJob(this, 'migrations', {
      metadata: {
        name: this.migrationJobName,
        namespace: props.namespace,
        labels: jobLabels,
        annotations: props.migrationJobAnnotations && Object.keys(props.migrationJobAnnotations).length > 0 ? { ...props.migrationJobAnnotations } : undefined,
      },
      spec: {
        // A failed migration is retried twice, then the sync fails and says so; 15 minutes at most.
        backoffLimit: 2,
        activeDeadlineSeconds: 900,
        template: toKubePodTemplate(this.migrationBlueprint),
      },
    });
  }
}

/** The Host headers Flagsmith answers: its Service's DNS names, and localhost for `kubectl port-forward`. */
export function flagsmithAllowedHosts(serviceName: string, namespace: string): string[] {
  return [serviceName, `${serviceName}.${namespace}`, `${serviceName}.${namespace}.svc`, `${serviceName}.${namespace}.svc.cluster.local`, 'localhost'];
}
