import { imageRefProblem, tagOfImageRef } from '../rules/image-ref';
import { Construct } from 'constructs';
import * as k8s from './k8s';
import { SCRAPE_LABEL, selectorLabels, workloadLabels } from './labels';
import { ContainerSpec, HttpProbeSpec, PodBlueprint, toKubePodTemplate } from './pod-template';
import { ServiceMonitor } from './service-monitor';

/** flagd's evaluation port (gRPC and Connect/HTTP: the flagd providers' RPC resolver). */
export const FLAGD_PORT = 8013;
/** flagd's management port: /healthz, /readyz and /metrics. */
export const FLAGD_MANAGEMENT_PORT = 8014;

/** Where the flag ConfigMap is mounted in the flagd container (a directory, never a subPath). */
export const FLAGD_FLAGS_DIR = '/etc/flagd';

export interface FlagdProps {
  readonly namespace: string;
  /** The pinned image, `repository:tag` (never `latest`). */
  readonly image: string;
  /** The ConfigMap holding the flagd flag definition. */
  readonly configMapName: string;
  /** The key of the ConfigMap that holds the definition (a `.json` file name). */
  readonly configMapKey: string;
  /** @default flagd (Deployment, Service, `app` label) */
  readonly name?: string;
  /** @default 2 */
  readonly replicas?: number;
  /** Spread pods over zones and nodes. @default true */
  readonly spreadPods?: boolean;
}

/**
 * flagd, the OpenFeature flag daemon, serving one environment's flag definition to the exam
 * services: Deployment and Service `flagd` (port 8013: the flagd providers' RPC resolver), its
 * PodDisruptionBudget and ServiceMonitor (management port 8014).
 *
 * The ConfigMap is mounted as a directory, so the kubelet replaces the file in place when git
 * changes it (a subPath mount is never updated); flagd's file sync (open-feature/flagd
 * `core/pkg/sync/file/filepath_sync.go`) watches the file with fsnotify, re-reads it on the
 * symlink swap the kubelet makes, and pushes the change to connected providers. No restart.
 */
export class Flagd extends Construct {
  public readonly name: string;
  /** The address services give their flagd provider (FLAGD_HOST). */
  public readonly serviceName: string;
  /** The file flagd reads, as its `--uri` names it. */
  public readonly flagsPath: string;
  public readonly blueprint: PodBlueprint;

  constructor(scope: Construct, id: string, props: FlagdProps) {
    super(scope, id);
    this.name = props.name ?? 'flagd';
    this.serviceName = this.name;
    const replicas = props.replicas ?? 2;
    const imageProblem = imageRefProblem(props.image, { requireTag: true });
    if (imageProblem !== undefined) {
      throw new Error(`Flagd ${this.name}: image "${props.image}" is not pinned; expected repository:tag with a version tag, not latest (${imageProblem})`);
    }
    const tag = tagOfImageRef(props.image);
    if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`Flagd ${this.name}: replicas must be a whole number >= 0, got ${replicas}`);
    if (!/^[A-Za-z0-9._-]+\.(json|ya?ml)$/.test(props.configMapKey)) {
      throw new Error(`Flagd ${this.name}: configMapKey "${props.configMapKey}" is not a .json/.yaml file name; expected e.g. flags.flagd.json (flagd reads only those extensions)`);
    }
    this.flagsPath = `${FLAGD_FLAGS_DIR}/${props.configMapKey}`;

    const selector = selectorLabels(this.name);
    const labels = workloadLabels({ name: this.name, component: 'feature-flags', version: tag });
    const probe = (path: string, timing: Omit<HttpProbeSpec, 'path' | 'port'>): HttpProbeSpec => ({ path, port: FLAGD_MANAGEMENT_PORT, ...timing });
    const container: ContainerSpec = {
      name: 'flagd',
      image: props.image,
      args: ['start', '--uri', `file:${this.flagsPath}`, '--port', String(FLAGD_PORT), '--management-port', String(FLAGD_MANAGEMENT_PORT)],
      port: FLAGD_PORT,
      extraPorts: [{ name: 'metrics', port: FLAGD_MANAGEMENT_PORT }],
      requests: { cpu: '50m', memory: '32Mi' },
      limits: { cpu: '200m', memory: '128Mi' },
      // /readyz answers once every sync source has loaded; /healthz once the process serves.
      readinessProbe: probe('/readyz', { initialDelaySeconds: 2, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 }),
      livenessProbe: probe('/healthz', { initialDelaySeconds: 10, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 }),
      scratchMounts: [{ name: 'tmp', mountPath: '/tmp', sizeLimit: '16Mi' }],
      configMapMounts: [{ name: 'flags', configMap: props.configMapName, mountPath: FLAGD_FLAGS_DIR }],
    };
    this.blueprint = { labels, container, spreadSelector: props.spreadPods === false ? undefined : selector };

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: toKubePodTemplate(this.blueprint),
      },
    });
    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
    });
    new k8s.KubeService(this, 'service', {
      metadata: { name: this.serviceName, namespace: props.namespace, labels: { ...labels, [SCRAPE_LABEL]: 'true' } },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: 'http', port: FLAGD_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' },
          { name: 'metrics', port: FLAGD_MANAGEMENT_PORT, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' },
        ],
      },
    });
    new ServiceMonitor(this, 'monitor', { service: this.name, namespace: props.namespace, port: 'metrics' });
  }
}
