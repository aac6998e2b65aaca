/**
 * One description of a pod (PodBlueprint) and its two renderings: the core PodTemplateSpec
 * (Deployments, DaemonSets) and the Argo Rollouts template. Both are typed; the Rollout CRD's
 * generated types use their own quantity and port classes, so the two renderings cannot share
 * one object, but they share every decision made here.
 */
import * as argo from '../../imports/argoproj.io';
import * as k8s from './k8s';

export interface HttpProbeSpec {
  readonly path: string;
  readonly port: number;
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  /**
   * The Host header the kubelet sends. @default the pod IP (the kubelet's default), which a
   * server that checks Host (Django's ALLOWED_HOSTS) refuses
   */
  readonly host?: string;
}

export interface EnvVarSpec {
  readonly name: string;
  /** A literal value (never a secret). */
  readonly value?: string;
  /** A key of a Secret (provided by an ExternalSecret). */
  readonly secretKeyRef?: { readonly name: string; readonly key: string };
}

/** A ConfigMap mounted as a directory (never by subPath: the kubelet then updates it in place). */
export interface ConfigMapMountSpec {
  /** The volume's name. */
  readonly name: string;
  readonly configMap: string;
  readonly mountPath: string;
}

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  /** The port named `http`. @default none (a Job that serves nothing) */
  readonly port?: number;
  /** More named container ports. @default none */
  readonly extraPorts?: readonly { readonly name: string; readonly port: number }[];
  /** Arguments to the image's entrypoint (its CMD is replaced). @default the image's CMD */
  readonly args?: readonly string[];
  /** ConfigMaps whose keys become environment variables. */
  readonly envFromConfigMaps?: readonly string[];
  readonly env?: readonly EnvVarSpec[];
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
  /** @default none (only for a Job, which runs to completion) */
  readonly readinessProbe?: HttpProbeSpec;
  /** @default none (only for a Job, which runs to completion) */
  readonly livenessProbe?: HttpProbeSpec;
  /** emptyDir volumes mounted read-write (the root filesystem is read-only). */
  readonly scratchMounts: readonly { readonly name: string; readonly mountPath: string; readonly sizeLimit: string }[];
  /** ConfigMaps mounted read-only as directories. @default none */
  readonly configMapMounts?: readonly ConfigMapMountSpec[];
}

export interface PodBlueprint {
  readonly labels: Record<string, string>;
  readonly container: ContainerSpec;
  /** Spread pods over zones and nodes, matching these labels. @default no constraints */
  readonly spreadSelector?: Record<string, string>;
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** `Never` for a Job's pods. @default the API's default, Always */
  readonly restartPolicy?: 'Never' | 'OnFailure';
}

/** UID/GID of the unprivileged user every exam-system container runs as. */
export const RUN_AS_USER = 10001;

/**
 * The probes every exam-system service uses, both HTTP on its health endpoint, and different
 * on purpose (kube-score flags a liveness probe that repeats the readiness probe):
 * - readiness (`/health`) answers "can this pod take traffic now?", dependencies included, and
 *   reacts fast: 3 failures 5 s apart take the pod out of its Services;
 * - liveness (`/health?probe=liveness`) answers "is the process alive?". The query tells a
 *   service it may skip dependency checks, so that a database outage takes pods out of rotation
 *   instead of restarting all of them; a service that ignores the query still gets a slower,
 *   more tolerant check (4 failures 15 s apart) than readiness.
 */
export function standardProbes(path: string, port: number): { readinessProbe: HttpProbeSpec; livenessProbe: HttpProbeSpec } {
  return {
    readinessProbe: { path, port, initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
    livenessProbe: { path: `${path}?probe=liveness`, port, initialDelaySeconds: 20, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 },
  };
}

const podSecurityContext: k8s.PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: RUN_AS_USER,
  runAsGroup: RUN_AS_USER,
  fsGroup: RUN_AS_USER,
  seccompProfile: { type: 'RuntimeDefault' },
};

const containerSecurityContext: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: RUN_AS_USER,
  runAsGroup: RUN_AS_USER,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

function spread(selector: Record<string, string> | undefined) {
  if (selector === undefined) return undefined;
  // Zones first (survive a zone outage), then nodes; ScheduleAnyway so a small cluster still schedules.
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
  }));
}

/**
 * What the two renderings share, as values both type families accept (the CRD's types mirror
 * the core ones wherever no quantity or int-or-string class is involved).
 */
function podBasics(bp: PodBlueprint) {
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: bp.terminationGracePeriodSeconds ?? 30,
    securityContext: { ...podSecurityContext },
    topologySpreadConstraints: spread(bp.spreadSelector),
    restartPolicy: bp.restartPolicy,
  };
}

function containerBasics(c: ContainerSpec) {
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: 'IfNotPresent',
    args: c.args ? [...c.args] : undefined,
    ports: containerPorts(c),
    envFrom: c.envFromConfigMaps?.map((name) => ({ configMapRef: { name } })),
    env: (c.env ?? []).length === 0 ? undefined : c.env?.map((e) => ({
      name: e.name,
      value: e.value,
      valueFrom: e.secretKeyRef ? { secretKeyRef: { name: e.secretKeyRef.name, key: e.secretKeyRef.key } } : undefined,
    })),
    securityContext: containerSecurityContext,
    volumeMounts: [
      ...c.scratchMounts.map((m) => ({ name: m.name, mountPath: m.mountPath })),
      ...(c.configMapMounts ?? []).map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: true })),
    ],
  };
}

function containerPorts(c: ContainerSpec) {
  const ports = [...(c.port === undefined ? [] : [{ name: 'http', port: c.port }]), ...(c.extraPorts ?? [])];
  return ports.length > 0 ? ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })) : undefined;
}

/** The Host header a probe sends, if it sets one. */
function probeHeaders(p: HttpProbeSpec) {
  return p.host === undefined ? undefined : [{ name: 'Host', value: p.host }];
}

/** Every volume: the scratch emptyDirs, then the ConfigMaps (mode 0444: read by any UID). */
function configMapVolumes(c: ContainerSpec) {
  return (c.configMapMounts ?? []).map((m) => ({ name: m.name, configMap: { name: m.configMap, defaultMode: 0o444 } }));
}

const probeTiming = (p: HttpProbeSpec) => ({
  initialDelaySeconds: p.initialDelaySeconds,
  periodSeconds: p.periodSeconds,
  timeoutSeconds: p.timeoutSeconds,
  failureThreshold: p.failureThreshold,
});

/** The core rendering. */
export function toKubePodTemplate(bp: PodBlueprint): k8s.PodTemplateSpec {
  const c = bp.container;
  const probe = (p: HttpProbeSpec | undefined): k8s.Probe | undefined =>
    p === undefined ? undefined : { httpGet: { path: p.path, port: k8s.IntOrString.fromNumber(p.port), httpHeaders: probeHeaders(p) }, ...probeTiming(p) };
  const quantities = (r: { cpu: string; memory: string }) => ({ cpu: k8s.Quantity.fromString(r.cpu), memory: k8s.Quantity.fromString(r.memory) });
  return {
    metadata: { labels: bp.labels },
    spec: {
      ...podBasics(bp),
      containers: [
        {
          ...containerBasics(c),
          resources: { requests: quantities(c.requests), limits: quantities(c.limits) },
          readinessProbe: probe(c.readinessProbe),
          livenessProbe: probe(c.livenessProbe),
        },
      ],
      volumes: [...c.scratchMounts.map((m) => ({ name: m.name, emptyDir: { sizeLimit: k8s.Quantity.fromString(m.sizeLimit) } })), ...configMapVolumes(c)],
    },
  };
}

/** The Argo Rollouts rendering of the same pod. */
export function toRolloutPodTemplate(bp: PodBlueprint): argo.RolloutSpecTemplate {
  const c = bp.container;
  const { readinessProbe: readiness, livenessProbe: liveness } = c;
  return {
    metadata: { labels: bp.labels },
    spec: {
      ...podBasics(bp),
      containers: [
        {
          ...containerBasics(c),
          // The CRD leaves resource maps untyped; the values are the same quantity strings.
          resources: { requests: { ...c.requests }, limits: { ...c.limits } },
          readinessProbe: readiness && {
            httpGet: { path: readiness.path, port: argo.RolloutSpecTemplateSpecContainersReadinessProbeHttpGetPort.fromNumber(readiness.port), httpHeaders: probeHeaders(readiness) },
            ...probeTiming(readiness),
          },
          livenessProbe: liveness && {
            httpGet: { path: liveness.path, port: argo.RolloutSpecTemplateSpecContainersLivenessProbeHttpGetPort.fromNumber(liveness.port), httpHeaders: probeHeaders(liveness) },
            ...probeTiming(liveness),
          },
        },
      ],
      // The CRD leaves volumes untyped (x-kubernetes-preserve-unknown-fields).
      volumes: [...c.scratchMounts.map((m) => ({ name: m.name, emptyDir: { sizeLimit: m.sizeLimit } })), ...configMapVolumes(c)],
    },
  };
}
