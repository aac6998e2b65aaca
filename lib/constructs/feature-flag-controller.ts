import { Construct } from 'constructs';
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

export interface FeatureFlagControllerProps {
  readonly namespace: string;
  /** The pinned image, `repository:tag` (never `latest`). */
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
}

/**
 * The feature-flag controller (see docs/decisions.md, 'Feature-flag controller'): Flagsmith as Deployment `feature-flag-controller`
 * (2 replicas, the specified resources, port 8000), its PodDisruptionBudget, and Service
 * `feature-flag-service` (80 → 8000).
 * Its database URL and Django secret key come from Secret `exam-secrets`, never from git.
 */
export class FeatureFlagController extends Construct {
  public readonly name: string;
  public readonly serviceName: string;
  public readonly selector: Record<string, string>;
  public readonly blueprint: PodBlueprint;

  constructor(scope: Construct, id: string, props: FeatureFlagControllerProps) {
    super(scope, id);
    this.name = props.name ?? 'feature-flag-controller';
    this.serviceName = props.serviceName ?? 'feature-flag-service';
    const replicas = props.replicas ?? 2;
    const secretName = props.secretName ?? 'exam-secrets';
    const [, tag] = /^[^@]+:([^:/@]+)$/.exec(props.image) ?? [];
    if (tag === undefined || tag.toLowerCase() === 'latest') {
      throw new Error(`FeatureFlagController ${this.name}: image "${props.image}" is not pinned; expected repository:tag with a version tag, not latest`);
    }
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new Error(`FeatureFlagController ${this.name}: replicas must be a whole number >= 0, got ${replicas}`);
    }

    this.selector = selectorLabels(this.name);
    const labels = workloadLabels({ name: this.name, component: 'feature-flags', version: tag });
    const env: EnvVarSpec[] = [
      { name: 'DATABASE_URL', secretKeyRef: { name: secretName, key: 'FLAGSMITH_DATABASE_URL' } },
      { name: 'SECRET_KEY', secretKeyRef: { name: secretName, key: 'FLAGSMITH_SECRET_KEY' } },
      // Two gunicorn workers (the image's default is three) to stay inside the 256Mi limit.
      { name: 'GUNICORN_WORKERS', value: '2' },
    ];
    // Readiness reacts fast; liveness waits out the image's start-up migrations before it may restart the pod.
    const readinessProbe: HttpProbeSpec = { path: FLAGSMITH_READINESS_PATH, port: FLAGSMITH_PORT, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 };
    const livenessProbe: HttpProbeSpec = { path: FLAGSMITH_LIVENESS_PATH, port: FLAGSMITH_PORT, initialDelaySeconds: 90, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 };
    const container: ContainerSpec = {
      name: 'controller',
      image: props.image,
      port: FLAGSMITH_PORT,
      env,
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '200m', memory: '256Mi' },
      readinessProbe,
      livenessProbe,
      // The root filesystem is read-only. The image points PROMETHEUS_MULTIPROC_DIR at
      // /tmp/prometheus, which must exist and be writable; gunicorn's heartbeat files go to /dev/shm.
      scratchMounts: [
        { name: 'tmp', mountPath: '/tmp', sizeLimit: '64Mi' },
        { name: 'prometheus', mountPath: '/tmp/prometheus', sizeLimit: '64Mi' },
      ],
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
  }
}
