import { Construct } from 'constructs';
import { ResourceSpec } from '../config/catalog';
import { formatImageRef, imageVersionProblem, parseImageVersion } from '../rules/image-ref';
import { BlueGreenRollout } from './blue-green-rollout';
import { CanaryRollout, CanaryStep } from './canary-rollout';
import { ExamHttpRoute, HeaderRule, RouteBackend, RouteParent } from './exam-http-route';
import { PodTemplateHashArg, RolloutBaseProps } from './rollout-common';
import * as k8s from './k8s';
import { SCRAPE_LABEL, selectorLabels, workloadLabels } from './labels';
import { ContainerSpec, EnvVarSpec, PodBlueprint, standardProbes, toKubePodTemplate } from './pod-template';
import { ServiceMonitor } from './service-monitor';

/** A plain Deployment with a rolling update. */
export interface RollingRelease {
  readonly kind: 'rolling';
}

/** An Argo Rollouts canary on the service's HTTPRoute (Gateway API plugin), analysed in the background. */
export interface CanaryRelease {
  readonly kind: 'canary';
  readonly rolloutName: string;
  readonly steps: readonly CanaryStep[];
  /** AnalysisTemplates run for the whole rollout against the canary Service. */
  readonly analysisTemplates: readonly string[];
  /** The templates' argument that names the Service whose metrics are judged. */
  readonly serviceNameArg: string;
  /**
   * The templates' argument that receives the released pods' pod-template hash
   * (`valueFrom.podTemplateHashValue: Latest`), so only the new version's series are judged.
   */
  readonly podTemplateHashArg: string;
  /** A header that reaches the canary at any weight (a managed header route). @default none */
  readonly headerRoute?: { readonly name: string; readonly header: { readonly name: string; readonly value: string } };
}

/** An Argo Rollouts blue/green with analysis before and after the switch. */
export interface BlueGreenRelease {
  readonly kind: 'blueGreen';
  readonly rolloutName: string;
  /** The Service carrying live traffic. */
  readonly activeServiceName: string;
  readonly autoPromotion: boolean;
  /** Templates run against the preview Service before the switch. */
  readonly prePromotionTemplates: readonly string[];
  /** Templates run against the active Service after the switch. */
  readonly postPromotionTemplates: readonly string[];
  readonly serviceNameArg: string;
  /** As for a canary: the argument that receives the new color's pod-template hash (Latest). */
  readonly podTemplateHashArg: string;
  readonly scaleDownDelaySeconds: number;
  /** Requests with this header reach the preview Service through the route. @default no preview rule */
  readonly previewHeader?: { readonly name: string; readonly value: string };
}

/** The pod-template hash of the ReplicaSet being released (canary, or blue/green new color). */
const LATEST: PodTemplateHashArg = { podTemplateHashValue: 'Latest' };

export type ReleaseStrategy = RollingRelease | CanaryRelease | BlueGreenRelease;

/** The port of every Service of an ExamService (it forwards to the container's named port `http`). */
export const SERVICE_PORT = 80;

export interface ExamServiceProps {
  /** Service, `app` label, and the Deployment's name when rolling. */
  readonly name: string;
  readonly namespace: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** Repository without tag, e.g. ghcr.io/org/exam-system/auth-service. */
  readonly imageRepository: string;
  /** The image version: `<tag>` or `<tag>@sha256:<hex>` (lib/rules/image-ref.ts); never `latest`. The tag labels the pods. */
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
  /** Literal environment variables (never secrets), e.g. where the flag provider connects. @default none */
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  /** Environment variables read from keys of a Secret (made by an ExternalSecret). @default none */
  readonly secretEnv?: { readonly secretName: string; readonly keys: readonly string[] };
  /** How a new version replaces the old. @default { kind: 'rolling' } */
  readonly release?: ReleaseStrategy;
  /** Spread pods over zones and nodes. @default false */
  readonly spreadPods?: boolean;
  /** Serve the service on a Gateway listener, through an HTTPRoute named after it. @default not exposed */
  readonly route?: { readonly hostname: string; readonly parent: RouteParent };
  /** A HorizontalPodAutoscaler from `replicas` up to `maxReplicas`. @default fixed replicas */
  readonly autoscaling?: { readonly maxReplicas: number; readonly targetCPUUtilizationPercentage: number };
  /** Annotations for the Rollout (e.g. notification subscriptions). @default none */
  readonly rolloutAnnotations?: Readonly<Record<string, string>>;
}

/**
 * One exam-system microservice and its whole family: the workload (Deployment, or a canary or
 * blue/green Rollout), the Services that reach it, its HTTPRoute, a PodDisruptionBudget, an
 * optional HorizontalPodAutoscaler, and the ServiceMonitor that scrapes it. (Its NetworkPolicy
 * and alerts are per namespace: see NetworkPolicies and ExamAlerts.)
 */
export class ExamService extends Construct {
  /** The labels the workload's pods carry and its Services select. */
  public readonly selector: Record<string, string>;
  public readonly blueprint: PodBlueprint;
  /** The workload, for scaleTargetRef: apiVersion, kind and name. */
  public readonly workload: { readonly apiVersion: string; readonly kind: string; readonly name: string };

  constructor(scope: Construct, id: string, props: ExamServiceProps) {
    super(scope, id);
    if (props.replicas < 0 || !Number.isInteger(props.replicas)) {
      throw new Error(`ExamService ${props.name}: replicas must be a whole number >= 0, got ${props.replicas}`);
    }
    const release = props.release ?? { kind: 'rolling' };
    this.selector = selectorLabels(props.name);
    const versionProblem = imageVersionProblem(props.tag);
    if (versionProblem !== undefined) throw new Error(`ExamService ${props.name}: tag "${props.tag}": ${versionProblem}`);
    const version = parseImageVersion(props.tag);
    const labels = workloadLabels({ name: props.name, component: props.component, version: version.tag });
    const container: ContainerSpec = {
      name: props.name,
      image: formatImageRef({ repository: props.imageRepository, ...version }),
      port: props.port,
      envFromConfigMaps: props.envFromConfigMaps,
      env: [
        ...(props.env ?? []).map((e): EnvVarSpec => ({ name: e.name, value: e.value })),
        ...(props.secretEnv?.keys ?? []).map((key): EnvVarSpec => ({ name: key, secretKeyRef: { name: props.secretEnv!.secretName, key } })),
      ],
      requests: props.requests,
      limits: props.limits,
      ...standardProbes(props.healthPath, props.port),
      scratchMounts: [{ name: 'tmp', mountPath: '/tmp', sizeLimit: '64Mi' }],
    };
    this.blueprint = { labels, container, spreadSelector: props.spreadPods ? this.selector : undefined };
    const service = (name: string, scrape: boolean) => this.service(props, labels, name, scrape);

    const rolloutBase = (name: string): RolloutBaseProps => ({
      name,
      namespace: props.namespace,
      labels,
      annotations: props.rolloutAnnotations,
      selector: this.selector,
      replicas: props.replicas,
      pod: this.blueprint,
    });
    const port = (service: string, weight?: number): RouteBackend => ({ service, port: SERVICE_PORT, weight });
    let routeBackends: RouteBackend[];
    const headerRules: HeaderRule[] = [];
    switch (release.kind) {
      case 'rolling': {
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
        this.workload = { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name };
        service(props.name, true);
        routeBackends = [port(props.name)];
        break;
      }
      case 'canary': {
        // In-cluster callers keep using `<name>`, which reaches stable and canary pods alike
        // (in proportion to their pod counts); ingress traffic is split by weight.
        service(props.name, true);
        const stable = `${props.name}-stable`;
        const canary = `${props.name}-canary`;
        service(stable, false);
        // Scraped on its own, so the analysis judges the canary's pods only (the Prometheus
        // Operator labels those series service="<name>-canary").
        service(canary, true);
        if (props.route === undefined) {
          throw new Error(`ExamService ${props.name}: a canary needs props.route (the HTTPRoute whose weights the Gateway API plugin sets)`);
        }
        new CanaryRollout(this, 'rollout', {
          ...rolloutBase(release.rolloutName),
          steps: release.steps,
          stableService: stable,
          canaryService: canary,
          httpRoute: props.name,
          headerRoute: release.headerRoute,
          backgroundAnalysis: { templates: release.analysisTemplates, args: { [release.serviceNameArg]: canary, [release.podTemplateHashArg]: LATEST } },
        });
        this.workload = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: release.rolloutName };
        // All traffic on stable until the first step; the plugin owns the weights from then on.
        routeBackends = [port(stable, 100), port(canary, 0)];
        break;
      }
      case 'blueGreen': {
        const preview = `${props.name}-preview`;
        service(release.activeServiceName, true);
        service(preview, true);
        if (release.activeServiceName !== props.name) {
          // Keep `<name>` resolvable in every environment: a DNS alias of the active Service.
          new k8s.KubeService(this, 'alias', {
            metadata: { name: props.name, namespace: props.namespace, labels },
            spec: { type: 'ExternalName', externalName: `${release.activeServiceName}.${props.namespace}.svc.cluster.local` },
          });
        }
        new BlueGreenRollout(this, 'rollout', {
          ...rolloutBase(release.rolloutName),
          activeService: release.activeServiceName,
          previewService: preview,
          autoPromotion: release.autoPromotion,
          prePromotionAnalysis: { templates: release.prePromotionTemplates, args: { [release.serviceNameArg]: preview, [release.podTemplateHashArg]: LATEST } },
          postPromotionAnalysis: { templates: release.postPromotionTemplates, args: { [release.serviceNameArg]: release.activeServiceName, [release.podTemplateHashArg]: LATEST } },
          scaleDownDelaySeconds: release.scaleDownDelaySeconds,
        });
        this.workload = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: release.rolloutName };
        // Live traffic to the active Service; the preview header reaches the new color before the switch.
        routeBackends = [port(release.activeServiceName)];
        if (release.previewHeader !== undefined) headerRules.push({ name: 'preview', header: release.previewHeader, backend: port(preview) });
        break;
      }
    }

    if (props.route !== undefined) {
      new ExamHttpRoute(this, 'route', {
        name: props.name,
        namespace: props.namespace,
        labels,
        hostname: props.route.hostname,
        parent: props.route.parent,
        backends: routeBackends,
        headerRules,
      });
    }

    new ServiceMonitor(this, 'monitor', { service: props.name, namespace: props.namespace });

    // Voluntary disruptions (node drains) take at most one pod at a time, and always can.
    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: props.name, namespace: props.namespace, labels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selector } },
    });

    if (props.autoscaling !== undefined) {
      if (props.autoscaling.maxReplicas < props.replicas) {
        throw new Error(`ExamService ${props.name}: autoscaling.maxReplicas (${props.autoscaling.maxReplicas}) must be >= replicas (${props.replicas})`);
      }
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
        metadata: { name: props.name, namespace: props.namespace, labels },
        spec: {
          scaleTargetRef: { ...this.workload },
          minReplicas: Math.max(props.replicas, 1),
          maxReplicas: props.autoscaling.maxReplicas,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.autoscaling.targetCPUUtilizationPercentage } },
            },
          ],
          // Scale down slowly: a surge of exam takers comes in waves.
          behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
      });
    }
  }

  private service(props: ExamServiceProps, labels: Record<string, string>, name: string, scrape: boolean): void {
    new k8s.KubeService(this, `service-${name}`, {
      metadata: { name, namespace: props.namespace, labels: { ...labels, [SCRAPE_LABEL]: String(scrape) } },
      spec: {
        type: 'ClusterIP',
        selector: this.selector,
        ports: [{ name: 'http', port: SERVICE_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
  }
}
