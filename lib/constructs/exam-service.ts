import { Construct } from 'constructs';
import { ResourceSpec } from '../config/catalog';
import { Strategy } from '../config/schema';
import * as k8s from './k8s';
import { selectorLabels, workloadLabels } from './labels';
import { ContainerSpec, PodBlueprint, standardProbes, toKubePodTemplate } from './pod-template';

export interface ExamServiceProps {
  /** Deployment, Service and `app` label. */
  readonly name: string;
  readonly namespace: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** Repository without tag, e.g. ghcr.io/org/exam-system/auth-service. */
  readonly imageRepository: string;
  /** Never `latest` (the config schema rejects it). */
  readonly tag: string;
  readonly replicas: number;
  readonly requests: ResourceSpec;
  readonly limits: ResourceSpec;
  /** The container port. */
  readonly port: number;
  /** Path of the HTTP health endpoint probed for readiness and liveness. */
  readonly healthPath: string;
  /** ConfigMaps whose keys become environment variables. @default none */
  readonly envFromConfigMaps?: readonly string[];
  /** How a new version replaces the old. @default rolling */
  readonly strategy?: Strategy;
  /** Spread pods over zones and nodes. @default false */
  readonly spreadPods?: boolean;
}

/**
 * One exam-system microservice: its workload and the Service other pods reach it by.
 * Later capabilities (Rollouts, PDB, autoscaling, monitoring, network policy) hang off here.
 */
export class ExamService extends Construct {
  /** The labels the workload's pods carry and its Services select. */
  public readonly selector: Record<string, string>;
  public readonly blueprint: PodBlueprint;

  constructor(scope: Construct, id: string, props: ExamServiceProps) {
    super(scope, id);
    if (props.replicas < 0 || !Number.isInteger(props.replicas)) {
      throw new Error(`ExamService ${props.name}: replicas must be a whole number >= 0, got ${props.replicas}`);
    }
    this.selector = selectorLabels(props.name);
    const labels = workloadLabels({ name: props.name, component: props.component, version: props.tag });
    const container: ContainerSpec = {
      name: props.name,
      image: `${props.imageRepository}:${props.tag}`,
      port: props.port,
      envFromConfigMaps: props.envFromConfigMaps,
      requests: props.requests,
      limits: props.limits,
      ...standardProbes(props.healthPath, props.port),
      scratchMounts: [{ name: 'tmp', mountPath: '/tmp', sizeLimit: '64Mi' }],
    };
    this.blueprint = { labels, container, spreadSelector: props.spreadPods ? this.selector : undefined };

    const strategy = props.strategy ?? 'rolling';
    if (strategy !== 'rolling') {
      throw new Error(`ExamService ${props.name}: strategy "${strategy}" is not available yet`);
    }
    new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: props.name, namespace: props.namespace, labels },
      spec: {
        replicas: props.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: toKubePodTemplate(this.blueprint),
      },
    });

    new k8s.KubeService(this, 'service', {
      metadata: { name: props.name, namespace: props.namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.selector,
        ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
  }
}
