/**
 * The checks the security pipeline and the best scanners would run on dist/, as pure functions
 * over synthesized objects:
 * - Pod Security Standards "restricted" (Kubernetes v1.28), in full;
 * - Polaris's default checks;
 * - kube-score's cross-object checks (Services, Ingresses, selectors, probes);
 * - the project's own rules (Pod Security admission on every Namespace, pull policy, selector overlap).
 *
 * Check ids are Polaris's where Polaris has the check, the pod-security-admission library's
 * where only the Pod Security Standards have it, and kube-score's where only kube-score has it;
 * each check's `upstream` names the rule it mirrors.
 * Every check returns findings `{ check, object, message }`; exceptions (lib/config/
 * policy-exceptions.ts) turn a finding into an excepted one, never silently.
 */
import { POLICY_EXCEPTIONS, PolicyException } from '../config/policy-exceptions';
import { parseImageRef } from '../rules/image-ref';
import { apiGroupOf, formatObjectId, objectId } from '../rules/objects';
import { LabelSelector, Labels, podTemplateOf, selectorMatches } from './network-coverage';

// ---------------------------------------------------------------------------------------------
// The checks.

export type CheckSource = 'Pod Security Standards (restricted)' | 'Polaris' | 'kube-score' | 'project';

export interface CheckInfo {
  readonly source: CheckSource;
  /**
   * The upstream rule this check mirrors, by its upstream name (and, for the Pod Security
   * Standards, the kubernetes/pod-security-admission file that implements it), so that a
   * finding can be compared with what the scanner in CI reports.
   */
  readonly upstream: string;
  readonly description: string;
}

const PSS: CheckSource = 'Pod Security Standards (restricted)';

/**
 * The local gate: what the scanners in CI (Polaris on dist/, Trivy and TruffleHog for secrets)
 * would say, checked by `npm test` without them (they cannot be installed offline), plus the
 * Pod Security Standards and kube-score rules no CI scanner runs. Each entry names the upstream
 * rule it mirrors; see docs/decisions.md, 'Local policy, Pod Security and secret checks'.
 */
export const CHECKS = {
  // Pod Security Standards, restricted (which includes baseline). Polaris ids where Polaris has the same rule.
  hostProcess: { source: PSS, upstream: 'PSS baseline "HostProcess" (check_windowsHostProcess.go)', description: 'No Windows HostProcess containers.' },
  hostNetworkSet: { source: PSS, upstream: 'Polaris hostNetworkSet; PSS baseline "Host Namespaces" (check_hostNamespaces.go)', description: 'hostNetwork is not set.' },
  hostPIDSet: { source: PSS, upstream: 'Polaris hostPIDSet; PSS baseline "Host Namespaces" (check_hostNamespaces.go)', description: 'hostPID is not set.' },
  hostIPCSet: { source: PSS, upstream: 'Polaris hostIPCSet; PSS baseline "Host Namespaces" (check_hostNamespaces.go)', description: 'hostIPC is not set.' },
  runAsPrivileged: { source: PSS, upstream: 'Polaris runAsPrivileged; PSS baseline "Privileged Containers" (check_privileged.go)', description: 'No privileged container.' },
  hostPortSet: { source: PSS, upstream: 'Polaris hostPortSet; PSS baseline "Host Ports" (check_hostPorts.go)', description: 'No hostPort.' },
  privilegeEscalationAllowed: { source: PSS, upstream: 'Polaris privilegeEscalationAllowed; PSS restricted "Privilege Escalation" (check_allowPrivilegeEscalation.go)', description: 'Every container sets allowPrivilegeEscalation: false.' },
  runAsRootAllowed: { source: PSS, upstream: 'Polaris runAsRootAllowed; PSS restricted "Running as Non-root" (check_runAsNonRoot.go)', description: 'runAsNonRoot: true for every container, at pod or container level, never false.' },
  runAsUser: { source: PSS, upstream: 'PSS restricted "Running as Non-root user" (check_runAsUser.go)', description: 'runAsUser is never 0.' },
  insecureCapabilities: { source: PSS, upstream: 'Polaris insecureCapabilities; PSS restricted "Capabilities" (check_capabilities_restricted.go)', description: 'Every container drops ALL capabilities.' },
  dangerousCapabilities: { source: PSS, upstream: 'Polaris dangerousCapabilities; PSS restricted "Capabilities" (check_capabilities_restricted.go)', description: 'Containers add no capability but NET_BIND_SERVICE.' },
  seccompProfile: { source: PSS, upstream: 'PSS restricted "Seccomp" (check_seccompProfile_restricted.go)', description: 'Seccomp RuntimeDefault or Localhost for every container, at pod or container level; never Unconfined.' },
  restrictedVolumes: { source: PSS, upstream: 'PSS restricted "Volume Types" (check_restrictedVolumes.go)', description: 'Only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes.' },
  sysctls: { source: PSS, upstream: 'PSS baseline "Sysctls" (check_sysctls.go)', description: 'Only the safe sysctls of Kubernetes v1.28.' },
  procMount: { source: PSS, upstream: 'PSS baseline "/proc Mount Type" (check_procMount.go)', description: 'procMount is unset or Default.' },
  appArmorProfile: { source: PSS, upstream: 'PSS baseline "AppArmor" (check_appArmorProfile.go)', description: 'AppArmor is not overridden: runtime/default or a localhost profile only.' },
  seLinuxOptions: { source: PSS, upstream: 'PSS baseline "SELinux" (check_seLinuxOptions.go)', description: 'SELinux type is a container type; user and role are not set.' },
  // Polaris defaults (FairwindsOps/polaris checks/<id>.yaml), run in CI on dist/.
  tagNotSpecified: { source: 'Polaris', upstream: 'Polaris tagNotSpecified; kube-score container-image-tag', description: 'Every image names a tag (or digest), and the tag is not latest.' },
  pullPolicyIfNotPresent: { source: 'project', upstream: 'replaces Polaris pullPolicyNotAlways and kube-score container-image-pull-policy (ignored in CI)', description: 'imagePullPolicy: IfNotPresent: tags are pinned, so a node pulls each once.' },
  readinessProbeMissing: { source: 'Polaris', upstream: 'Polaris readinessProbeMissing; kube-score pod-probes', description: 'Every container of a long-running workload has a readinessProbe.' },
  livenessProbeMissing: { source: 'Polaris', upstream: 'Polaris livenessProbeMissing; kube-score pod-probes', description: 'Every container of a long-running workload has a livenessProbe.' },
  cpuRequestsMissing: { source: 'Polaris', upstream: 'Polaris cpuRequestsMissing; kube-score container-resources', description: 'Every container requests CPU.' },
  cpuLimitsMissing: { source: 'Polaris', upstream: 'Polaris cpuLimitsMissing; kube-score container-resources', description: 'Every container limits CPU.' },
  memoryRequestsMissing: { source: 'Polaris', upstream: 'Polaris memoryRequestsMissing; kube-score container-resources', description: 'Every container requests memory.' },
  memoryLimitsMissing: { source: 'Polaris', upstream: 'Polaris memoryLimitsMissing; kube-score container-resources', description: 'Every container limits memory.' },
  notReadOnlyRootFilesystem: { source: 'Polaris', upstream: 'Polaris notReadOnlyRootFilesystem; kube-score container-security-context-readonlyrootfilesystem', description: 'Every container sets readOnlyRootFilesystem: true.' },
  automountServiceAccountToken: { source: 'Polaris', upstream: 'Polaris automountServiceAccountToken', description: 'Pods set automountServiceAccountToken: false.' },
  deploymentMissingReplicas: { source: 'Polaris', upstream: 'Polaris deploymentMissingReplicas', description: 'In production, every replicated workload runs at least 2 replicas (the HPA minimum when autoscaled).' },
  topologySpreadConstraint: { source: 'Polaris', upstream: 'Polaris topologySpreadConstraint', description: 'In production, replicated workloads spread their own pods over zones or nodes.' },
  missingPodDisruptionBudget: { source: 'Polaris', upstream: 'Polaris missingPodDisruptionBudget; kube-score deployment-has-poddisruptionbudget', description: 'Exactly one PodDisruptionBudget selects the pods of each multi-replica workload.' },
  pdbDisruptionsIsZero: { source: 'Polaris', upstream: 'Polaris pdbDisruptionsIsZero', description: "That PodDisruptionBudget allows at least one eviction at the workload's lowest replica count." },
  // kube-score (zegl/kube-score README_CHECKS.md); no CI scanner runs these.
  'service-targets-pod': { source: 'kube-score', upstream: 'kube-score service-targets-pod', description: "A Service's selector matches some workload's pods in its namespace, and its named target ports exist." },
  'ingress-targets-service': { source: 'kube-score', upstream: 'kube-score ingress-targets-service', description: 'Every Ingress backend names an existing Service of its namespace and one of its ports.' },
  'pod-probes-identical': { source: 'kube-score', upstream: 'kube-score pod-probes-identical', description: 'Readiness and liveness probes use different handlers.' },
  'deployment-pod-selector-labels-match-template-metadata-labels': { source: 'kube-score', upstream: 'kube-score deployment-pod-selector-labels-match-template-metadata-labels', description: "A workload's selector matches its own pod template." },
  // Project rules: no scanner has them.
  'workload-selector-overlap': { source: 'project', upstream: "none (the Kubernetes Deployment documentation's warning against overlapping selectors)", description: "No workload's selector matches another workload's pods in the same namespace." },
  namespacePodSecurityRestricted: { source: 'project', upstream: 'none (the Pod Security admission labels, kubernetes/pod-security-admission api/constants.go)', description: 'Every Namespace enforces, audits and warns Pod Security "restricted".' },
} as const satisfies Record<string, CheckInfo>;

export type CheckId = keyof typeof CHECKS;

export const CHECK_IDS: readonly CheckId[] = Object.keys(CHECKS) as CheckId[];

/** Whether `id` names a check (policy exceptions hold plain strings: config imports nothing above it). */
export function isCheckId(id: string): id is CheckId {
  return Object.hasOwn(CHECKS, id);
}

export interface Finding {
  readonly check: CheckId;
  /** `Kind namespace/name` (`(cluster)` for cluster-scoped objects). */
  readonly object: string;
  readonly message: string;
}

export interface PolicyOptions {
  /** Namespaces held to the production-only checks (replicas, topology spread). */
  readonly productionNamespaces: readonly string[];
  /** @default POLICY_EXCEPTIONS */
  readonly exceptions?: readonly PolicyException[];
}

export interface ExceptedFinding {
  readonly finding: Finding;
  readonly exception: PolicyException;
}

export interface PolicyReport {
  /** Findings no exception covers: each is a failure. */
  readonly findings: readonly Finding[];
  /** Findings an exception covers. */
  readonly excepted: readonly ExceptedFinding[];
  /** Exceptions that matched no finding (stale, or naming a missing object). */
  readonly unusedExceptions: readonly PolicyException[];
}

// ---------------------------------------------------------------------------------------------
// The objects, as synthesized JSON (only the fields the checks read).

export interface PolicyObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Labels;
    readonly annotations?: Labels;
  };
  readonly spec?: unknown;
}

type IntOrString = number | string;

interface SecurityContextJson {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  readonly seccompProfile?: { readonly type?: string; readonly localhostProfile?: string };
  readonly procMount?: string;
  readonly seLinuxOptions?: { readonly type?: string; readonly user?: string; readonly role?: string; readonly level?: string };
  readonly windowsOptions?: { readonly hostProcess?: boolean };
  readonly appArmorProfile?: { readonly type?: string };
  readonly sysctls?: readonly { readonly name: string; readonly value?: string }[];
}

interface ProbeJson {
  readonly httpGet?: { readonly path?: string; readonly port: IntOrString; readonly host?: string; readonly scheme?: string };
  readonly tcpSocket?: { readonly port: IntOrString };
  readonly exec?: { readonly command?: readonly string[] };
  readonly grpc?: { readonly port: number; readonly service?: string };
}

interface ContainerJson {
  readonly name: string;
  readonly image?: string;
  readonly imagePullPolicy?: string;
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number; readonly hostPort?: number; readonly protocol?: string }[];
  readonly resources?: { readonly requests?: Record<string, IntOrString>; readonly limits?: Record<string, IntOrString> };
  readonly readinessProbe?: ProbeJson;
  readonly livenessProbe?: ProbeJson;
  readonly securityContext?: SecurityContextJson;
}

interface PodSpecJson {
  readonly containers?: readonly ContainerJson[];
  readonly initContainers?: readonly ContainerJson[];
  readonly ephemeralContainers?: readonly ContainerJson[];
  readonly volumes?: readonly ({ readonly name: string } & Record<string, unknown>)[];
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly securityContext?: SecurityContextJson;
  readonly automountServiceAccountToken?: boolean;
  readonly topologySpreadConstraints?: readonly { readonly topologyKey: string; readonly labelSelector?: LabelSelector }[];
}

interface PodTemplate {
  readonly metadata: { readonly labels: Labels; readonly annotations: Labels };
  readonly spec: PodSpecJson;
}

interface Workload {
  readonly obj: PolicyObject;
  readonly id: string;
  readonly namespace: string;
  readonly template: PodTemplate;
  /** Runs a replica count (Deployment, StatefulSet, Rollout). */
  readonly replicated: boolean;
  /** Serves until stopped (not a Job): probes apply. */
  readonly longRunning: boolean;
  /** The lowest replica count it runs at: the HPA's minReplicas when autoscaled, else spec.replicas (default 1). */
  readonly minReplicas: number;
  readonly selector?: LabelSelector;
}

interface WorkloadKind {
  readonly replicated: boolean;
  readonly longRunning: boolean;
}

/** The workload kinds whose pods the checks inspect, by apiVersion/kind. */
const WORKLOAD_KINDS: Readonly<Record<string, WorkloadKind>> = {
  'apps/v1/Deployment': { replicated: true, longRunning: true },
  'apps/v1/StatefulSet': { replicated: true, longRunning: true },
  'argoproj.io/v1alpha1/Rollout': { replicated: true, longRunning: true },
  'apps/v1/DaemonSet': { replicated: false, longRunning: true },
  'apps/v1/ReplicaSet': { replicated: true, longRunning: true },
  'batch/v1/Job': { replicated: false, longRunning: false },
  'batch/v1/CronJob': { replicated: false, longRunning: false },
};

interface Context {
  readonly objects: readonly PolicyObject[];
  readonly workloads: readonly Workload[];
  readonly options: PolicyOptions;
}

function buildContext(objects: readonly PolicyObject[], options: PolicyOptions): Context {
  const hpas = objects.filter((o) => apiGroupOf(o.apiVersion) === 'autoscaling' && o.kind === 'HorizontalPodAutoscaler');
  const workloads: Workload[] = [];
  for (const obj of objects) {
    const kind = WORKLOAD_KINDS[`${obj.apiVersion}/${obj.kind}`];
    if (kind === undefined) continue;
    const raw = podTemplateOf(obj);
    if (raw === undefined) continue; // e.g. a Rollout with workloadRef: its Deployment is checked itself
    const namespace = obj.metadata.namespace ?? 'default';
    const spec = (obj.spec ?? {}) as { replicas?: number; selector?: LabelSelector };
    const hpa = hpas.find((h) => {
      const ref = (h.spec as { scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string } } | undefined)?.scaleTargetRef;
      return h.metadata.namespace === obj.metadata.namespace && ref?.kind === obj.kind && ref.name === obj.metadata.name && apiGroupOf(ref.apiVersion ?? '') === apiGroupOf(obj.apiVersion);
    });
    const minReplicas = hpa !== undefined ? ((hpa.spec as { minReplicas?: number }).minReplicas ?? 1) : (spec.replicas ?? 1);
    const rawMeta = raw.metadata as { labels?: Labels; annotations?: Labels } | undefined;
    workloads.push({
      obj,
      id: objectId(obj),
      namespace,
      template: { metadata: { labels: rawMeta?.labels ?? {}, annotations: rawMeta?.annotations ?? {} }, spec: (raw.spec ?? {}) as PodSpecJson },
      replicated: kind.replicated,
      longRunning: kind.longRunning,
      minReplicas,
      selector: spec.selector,
    });
  }
  return { objects, workloads, options };
}

interface RawFinding {
  readonly object: string;
  readonly message: string;
}

type Check = (ctx: Context) => RawFinding[];

// ---------------------------------------------------------------------------------------------
// Helpers.

function allContainers(spec: PodSpecJson): ContainerJson[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

function appContainers(spec: PodSpecJson): ContainerJson[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** A check applied to each container of each workload. */
function perContainer(containers: (spec: PodSpecJson) => readonly ContainerJson[], test: (c: ContainerJson, w: Workload) => string | undefined, filter: (w: Workload) => boolean = () => true): Check {
  return (ctx) =>
    ctx.workloads.filter(filter).flatMap((w) =>
      containers(w.template.spec).flatMap((c) => {
        const message = test(c, w);
        return message === undefined ? [] : [{ object: w.id, message: `container "${c.name}": ${message}` }];
      }),
    );
}

/** A check applied to each workload's pod. */
function perPod(test: (w: Workload) => string | undefined, filter: (w: Workload) => boolean = () => true): Check {
  return (ctx) =>
    ctx.workloads.filter(filter).flatMap((w) => {
      const message = test(w);
      return message === undefined ? [] : [{ object: w.id, message }];
    });
}

function isProduction(ctx: Context, w: Workload): boolean {
  return ctx.options.productionNamespaces.includes(w.namespace);
}

/** A quantity given and non-empty. */
function hasQuantity(r: Record<string, IntOrString> | undefined, key: string): boolean {
  const v = r?.[key];
  return v !== undefined && v !== null && String(v).trim() !== '';
}

/** Scales an IntOrString the way the disruption controller does (percentages round up). */
function scaled(v: IntOrString, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m !== null) return Math.ceil((Number(m[1]) * total) / 100);
  if (/^\d+$/.test(v)) return Number(v);
  throw new Error(`PodDisruptionBudget: "${v}" is neither a number nor a percentage`);
}

/** How many pods the PDB lets be evicted when `replicas` pods are healthy; undefined if it sets neither field. */
export function allowedDisruptions(pdbSpec: { minAvailable?: IntOrString; maxUnavailable?: IntOrString }, replicas: number): number | undefined {
  if (pdbSpec.maxUnavailable !== undefined) return Math.max(0, Math.min(replicas, scaled(pdbSpec.maxUnavailable, replicas)));
  if (pdbSpec.minAvailable !== undefined) return Math.max(0, replicas - scaled(pdbSpec.minAvailable, replicas));
  return undefined;
}

function pdbsSelecting(ctx: Context, w: Workload): PolicyObject[] {
  return ctx.objects.filter(
    (o) =>
      o.apiVersion === 'policy/v1' &&
      o.kind === 'PodDisruptionBudget' &&
      o.metadata.namespace === w.obj.metadata.namespace &&
      selectorMatches((o.spec as { selector?: LabelSelector } | undefined)?.selector, w.template.metadata.labels),
  );
}

function resolvePort(port: IntOrString, c: ContainerJson): IntOrString {
  if (typeof port === 'number' || /^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort ?? port;
}

/** kube-score's notion of identical probes: the same handler (path and port, port, command). */
export function probesIdentical(c: ContainerJson): boolean {
  const r = c.readinessProbe;
  const l = c.livenessProbe;
  if (r === undefined || l === undefined) return false;
  if (r.httpGet !== undefined && l.httpGet !== undefined) {
    return (r.httpGet.path ?? '') === (l.httpGet.path ?? '') && resolvePort(r.httpGet.port, c) === resolvePort(l.httpGet.port, c);
  }
  if (r.tcpSocket !== undefined && l.tcpSocket !== undefined) return resolvePort(r.tcpSocket.port, c) === resolvePort(l.tcpSocket.port, c);
  if (r.exec !== undefined && l.exec !== undefined) return JSON.stringify(r.exec.command ?? []) === JSON.stringify(l.exec.command ?? []);
  if (r.grpc !== undefined && l.grpc !== undefined) return r.grpc.port === l.grpc.port && (r.grpc.service ?? '') === (l.grpc.service ?? '');
  return false;
}

const ALLOWED_VOLUME_TYPES: ReadonlySet<string> = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** The sysctls Pod Security "baseline" (and so "restricted") allows at policy version v1.28. */
const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
]);

const SELINUX_TYPES: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

const SPREAD_KEYS: ReadonlySet<string> = new Set(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

function seLinuxProblem(o: SecurityContextJson['seLinuxOptions'], where: string): string | undefined {
  if (o === undefined) return undefined;
  if (!SELINUX_TYPES.has(o.type ?? '')) return `${where} seLinuxOptions.type "${o.type}" is not a container type (container_t, container_init_t, container_kvm_t)`;
  if (o.user !== undefined && o.user !== '') return `${where} sets seLinuxOptions.user`;
  if (o.role !== undefined && o.role !== '') return `${where} sets seLinuxOptions.role`;
  return undefined;
}

function seccompOk(type: string | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

// ---------------------------------------------------------------------------------------------
// The implementations.

const IMPLEMENTATIONS: Readonly<Record<CheckId, Check>> = {
  hostProcess: (ctx) =>
    ctx.workloads.flatMap((w) => {
      const bad = [
        ...(w.template.spec.securityContext?.windowsOptions?.hostProcess === true ? ['the pod'] : []),
        ...allContainers(w.template.spec)
          .filter((c) => c.securityContext?.windowsOptions?.hostProcess === true)
          .map((c) => `container "${c.name}"`),
      ];
      return bad.map((b) => ({ object: w.id, message: `${b} sets windowsOptions.hostProcess: true` }));
    }),
  hostNetworkSet: perPod((w) => (w.template.spec.hostNetwork === true ? 'hostNetwork: true shares the node network namespace' : undefined)),
  hostPIDSet: perPod((w) => (w.template.spec.hostPID === true ? "hostPID: true shares the node's process namespace" : undefined)),
  hostIPCSet: perPod((w) => (w.template.spec.hostIPC === true ? "hostIPC: true shares the node's IPC namespace" : undefined)),
  runAsPrivileged: perContainer(allContainers, (c) => (c.securityContext?.privileged === true ? 'privileged: true' : undefined)),
  hostPortSet: perContainer(allContainers, (c) => {
    const p = (c.ports ?? []).find((x) => x.hostPort !== undefined && x.hostPort !== 0);
    return p === undefined ? undefined : `hostPort ${p.hostPort} binds a port on the node`;
  }),
  privilegeEscalationAllowed: perContainer(allContainers, (c) =>
    c.securityContext?.allowPrivilegeEscalation === false ? undefined : `allowPrivilegeEscalation is ${String(c.securityContext?.allowPrivilegeEscalation ?? 'unset')}; expected false`,
  ),
  runAsRootAllowed: (ctx) =>
    ctx.workloads.flatMap((w) => {
      const pod = w.template.spec.securityContext?.runAsNonRoot;
      if (pod === false) return [{ object: w.id, message: 'the pod sets runAsNonRoot: false' }];
      return allContainers(w.template.spec).flatMap((c) => {
        const own = c.securityContext?.runAsNonRoot;
        if (own === true || (own === undefined && pod === true)) return [];
        return [{ object: w.id, message: `container "${c.name}": runAsNonRoot is ${own === false ? 'false' : 'unset at pod and container level'}; expected true` }];
      });
    }),
  runAsUser: (ctx) =>
    ctx.workloads.flatMap((w) => [
      ...(w.template.spec.securityContext?.runAsUser === 0 ? [{ object: w.id, message: 'the pod sets runAsUser: 0 (root)' }] : []),
      ...allContainers(w.template.spec)
        .filter((c) => c.securityContext?.runAsUser === 0)
        .map((c) => ({ object: w.id, message: `container "${c.name}": runAsUser: 0 (root)` })),
    ]),
  insecureCapabilities: perContainer(allContainers, (c) =>
    (c.securityContext?.capabilities?.drop ?? []).includes('ALL') ? undefined : 'capabilities.drop does not include ALL',
  ),
  dangerousCapabilities: perContainer(allContainers, (c) => {
    const extra = (c.securityContext?.capabilities?.add ?? []).filter((x) => x !== 'NET_BIND_SERVICE');
    return extra.length === 0 ? undefined : `capabilities.add includes ${extra.join(', ')}; only NET_BIND_SERVICE is allowed`;
  }),
  seccompProfile: (ctx) =>
    ctx.workloads.flatMap((w) => {
      const out: RawFinding[] = [];
      const podType = w.template.spec.securityContext?.seccompProfile?.type;
      if (podType !== undefined && !seccompOk(podType)) out.push({ object: w.id, message: `the pod's seccompProfile.type is ${podType}; expected RuntimeDefault or Localhost` });
      for (const [k, v] of Object.entries(w.template.metadata.annotations)) {
        if ((k === 'seccomp.security.alpha.kubernetes.io/pod' || k.startsWith('container.seccomp.security.alpha.kubernetes.io/')) && v === 'unconfined') {
          out.push({ object: w.id, message: `annotation ${k}: unconfined` });
        }
      }
      for (const c of allContainers(w.template.spec)) {
        const own = c.securityContext?.seccompProfile?.type;
        if (own !== undefined && !seccompOk(own)) out.push({ object: w.id, message: `container "${c.name}": seccompProfile.type is ${own}; expected RuntimeDefault or Localhost` });
        else if (own === undefined && !seccompOk(podType)) out.push({ object: w.id, message: `container "${c.name}": no seccomp profile at pod or container level; expected RuntimeDefault` });
      }
      return out;
    }),
  restrictedVolumes: (ctx) =>
    ctx.workloads.flatMap((w) =>
      (w.template.spec.volumes ?? []).flatMap((v) => {
        const types = Object.keys(v).filter((k) => k !== 'name');
        const bad = types.filter((t) => !ALLOWED_VOLUME_TYPES.has(t));
        return bad.length === 0 ? [] : [{ object: w.id, message: `volume "${v.name}" is of type ${bad.join(', ')}; restricted allows ${[...ALLOWED_VOLUME_TYPES].join(', ')}` }];
      }),
    ),
  sysctls: perPod((w) => {
    const bad = (w.template.spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((n) => !SAFE_SYSCTLS.has(n));
    return bad.length === 0 ? undefined : `unsafe sysctls ${bad.join(', ')}`;
  }),
  procMount: perContainer(allContainers, (c) => {
    const p = c.securityContext?.procMount;
    return p === undefined || p === 'Default' ? undefined : `procMount: ${p}; expected Default`;
  }),
  appArmorProfile: (ctx) =>
    ctx.workloads.flatMap((w) => {
      const out: RawFinding[] = [];
      for (const [k, v] of Object.entries(w.template.metadata.annotations)) {
        if (k.startsWith(APPARMOR_ANNOTATION) && v !== 'runtime/default' && !v.startsWith('localhost/')) {
          out.push({ object: w.id, message: `annotation ${k}: ${v}; expected runtime/default or localhost/<profile>` });
        }
      }
      const typeOk = (t: string | undefined) => t === undefined || t === 'RuntimeDefault' || t === 'Localhost';
      const podType = w.template.spec.securityContext?.appArmorProfile?.type;
      if (!typeOk(podType)) out.push({ object: w.id, message: `the pod's appArmorProfile.type is ${podType}` });
      for (const c of allContainers(w.template.spec)) {
        const t = c.securityContext?.appArmorProfile?.type;
        if (!typeOk(t)) out.push({ object: w.id, message: `container "${c.name}": appArmorProfile.type is ${t}` });
      }
      return out;
    }),
  seLinuxOptions: (ctx) =>
    ctx.workloads.flatMap((w) => {
      const problems = [
        seLinuxProblem(w.template.spec.securityContext?.seLinuxOptions, 'the pod'),
        ...allContainers(w.template.spec).map((c) => seLinuxProblem(c.securityContext?.seLinuxOptions, `container "${c.name}"`)),
      ];
      return problems.filter((p): p is string => p !== undefined).map((message) => ({ object: w.id, message }));
    }),

  tagNotSpecified: perContainer(allContainers, (c) => {
    if (c.image === undefined || c.image === '') return 'no image';
    const { tag, digest } = parseImageRef(c.image);
    if (tag !== undefined && tag.toLowerCase() === 'latest') return `image ${c.image} uses the latest tag; expected a pinned tag`;
    if (tag === undefined && digest === undefined) return `image ${c.image} has no tag; expected a pinned tag`;
    return undefined;
  }),
  pullPolicyIfNotPresent: perContainer(allContainers, (c) =>
    c.imagePullPolicy === 'IfNotPresent' ? undefined : `imagePullPolicy is ${c.imagePullPolicy ?? 'unset'}; expected IfNotPresent (tags are pinned)`,
  ),
  readinessProbeMissing: perContainer((s) => s.containers ?? [], (c) => (c.readinessProbe === undefined ? 'no readinessProbe' : undefined), (w) => w.longRunning),
  livenessProbeMissing: perContainer((s) => s.containers ?? [], (c) => (c.livenessProbe === undefined ? 'no livenessProbe' : undefined), (w) => w.longRunning),
  cpuRequestsMissing: perContainer(appContainers, (c) => (hasQuantity(c.resources?.requests, 'cpu') ? undefined : 'no CPU request')),
  cpuLimitsMissing: perContainer(appContainers, (c) => (hasQuantity(c.resources?.limits, 'cpu') ? undefined : 'no CPU limit')),
  memoryRequestsMissing: perContainer(appContainers, (c) => (hasQuantity(c.resources?.requests, 'memory') ? undefined : 'no memory request')),
  memoryLimitsMissing: perContainer(appContainers, (c) => (hasQuantity(c.resources?.limits, 'memory') ? undefined : 'no memory limit')),
  notReadOnlyRootFilesystem: perContainer(appContainers, (c) =>
    c.securityContext?.readOnlyRootFilesystem === true ? undefined : 'readOnlyRootFilesystem is not true',
  ),
  automountServiceAccountToken: perPod((w) =>
    w.template.spec.automountServiceAccountToken === false ? undefined : `automountServiceAccountToken is ${String(w.template.spec.automountServiceAccountToken ?? 'unset')}; expected false`,
  ),
  deploymentMissingReplicas: (ctx) =>
    ctx.workloads
      .filter((w) => w.replicated && isProduction(ctx, w) && w.minReplicas < 2)
      .map((w) => ({ object: w.id, message: `runs ${w.minReplicas} replica(s) at its lowest in production; expected at least 2` })),
  topologySpreadConstraint: (ctx) =>
    ctx.workloads
      .filter((w) => w.replicated && isProduction(ctx, w))
      .filter((w) => !(w.template.spec.topologySpreadConstraints ?? []).some((t) => SPREAD_KEYS.has(t.topologyKey) && selectorMatches(t.labelSelector, w.template.metadata.labels)))
      .map((w) => ({ object: w.id, message: 'no topologySpreadConstraint over kubernetes.io/hostname or topology.kubernetes.io/zone that selects its own pods' })),
  missingPodDisruptionBudget: (ctx) =>
    ctx.workloads
      .filter((w) => w.replicated && w.minReplicas >= 2)
      .flatMap((w) => {
        const pdbs = pdbsSelecting(ctx, w);
        if (pdbs.length === 1) return [];
        const message =
          pdbs.length === 0
            ? `runs ${w.minReplicas}+ replicas and no PodDisruptionBudget selects its pods`
            : `${pdbs.length} PodDisruptionBudgets select its pods (${pdbs.map((p) => p.metadata.name).join(', ')}); the eviction API refuses pods covered by more than one`;
        return [{ object: w.id, message }];
      }),
  pdbDisruptionsIsZero: (ctx) =>
    ctx.workloads
      .filter((w) => w.replicated && w.minReplicas >= 2)
      .flatMap((w) => {
        const pdbs = pdbsSelecting(ctx, w);
        if (pdbs.length !== 1) return [];
        const spec = (pdbs[0].spec ?? {}) as { minAvailable?: IntOrString; maxUnavailable?: IntOrString };
        const allowed = allowedDisruptions(spec, w.minReplicas);
        if (allowed === undefined) return [{ object: objectId(pdbs[0]), message: 'sets neither minAvailable nor maxUnavailable' }];
        if (allowed >= 1) return [];
        return [{ object: objectId(pdbs[0]), message: `allows ${allowed} evictions of ${w.id} at ${w.minReplicas} replicas; node drains would block` }];
      }),

  'service-targets-pod': (ctx) =>
    ctx.objects
      .filter((o) => o.apiVersion === 'v1' && o.kind === 'Service')
      .flatMap((s) => {
        const spec = (s.spec ?? {}) as { type?: string; selector?: Labels; ports?: readonly { port: number; targetPort?: IntOrString; name?: string }[] };
        if (spec.type === 'ExternalName') return [];
        const selector = spec.selector ?? {};
        if (Object.keys(selector).length === 0) return [{ object: objectId(s), message: 'has no selector; expected one matching a workload of its namespace' }];
        const targets = ctx.workloads.filter((w) => w.obj.metadata.namespace === s.metadata.namespace && selectorMatches({ matchLabels: selector }, w.template.metadata.labels));
        if (targets.length === 0) return [{ object: objectId(s), message: `selector ${JSON.stringify(selector)} matches no workload's pods in ${s.metadata.namespace}` }];
        return (spec.ports ?? [])
          .filter((p) => typeof p.targetPort === 'string' && !/^\d+$/.test(p.targetPort))
          .filter((p) => !targets.some((w) => appContainers(w.template.spec).some((c) => (c.ports ?? []).some((cp) => cp.name === p.targetPort))))
          .map((p) => ({ object: objectId(s), message: `port ${p.port} targets the named port "${String(p.targetPort)}", which no selected container declares` }));
      }),
  'ingress-targets-service': (ctx) => {
    const services = ctx.objects.filter((o) => o.apiVersion === 'v1' && o.kind === 'Service');
    return ctx.objects
      .filter((o) => o.apiVersion === 'networking.k8s.io/v1' && o.kind === 'Ingress')
      .flatMap((ing) => {
        type Backend = { service?: { name: string; port?: { number?: number; name?: string } } };
        const spec = (ing.spec ?? {}) as { defaultBackend?: Backend; rules?: readonly { http?: { paths?: readonly { path?: string; backend: Backend }[] } }[] };
        const backends: { where: string; backend: Backend }[] = [
          ...(spec.defaultBackend !== undefined ? [{ where: 'defaultBackend', backend: spec.defaultBackend }] : []),
          ...(spec.rules ?? []).flatMap((r, i) => (r.http?.paths ?? []).map((p, j) => ({ where: `rules[${i}].paths[${j}] (${p.path ?? '/'})`, backend: p.backend }))),
        ];
        if (backends.length === 0) return [{ object: objectId(ing), message: 'has no backend' }];
        return backends.flatMap(({ where, backend }) => {
          if (backend.service === undefined) return [];
          const svc = services.find((s) => s.metadata.namespace === ing.metadata.namespace && s.metadata.name === backend.service!.name);
          if (svc === undefined) return [{ object: objectId(ing), message: `${where}: Service "${backend.service.name}" does not exist in ${ing.metadata.namespace}` }];
          const ports = ((svc.spec as { ports?: readonly { port: number; name?: string }[] } | undefined)?.ports ?? []);
          const want = backend.service.port;
          const ok = want?.number !== undefined ? ports.some((p) => p.port === want.number) : want?.name !== undefined ? ports.some((p) => p.name === want.name) : false;
          return ok ? [] : [{ object: objectId(ing), message: `${where}: Service "${backend.service.name}" has no port ${want?.number ?? want?.name ?? '(none given)'}` }];
        });
      });
  },
  'pod-probes-identical': perContainer(
    (s) => s.containers ?? [],
    (c) => (probesIdentical(c) ? 'readinessProbe and livenessProbe use the same handler; a dependency blip that should only take the pod out of rotation would also restart it' : undefined),
  ),
  'workload-selector-overlap': (ctx) =>
    ctx.workloads.flatMap((a) =>
      ctx.workloads
        .filter((b) => b !== a && b.obj.metadata.namespace === a.obj.metadata.namespace && a.selector !== undefined && selectorMatches(a.selector, b.template.metadata.labels))
        .map((b) => ({ object: a.id, message: `its selector also matches the pods of ${b.id}` })),
    ),
  'deployment-pod-selector-labels-match-template-metadata-labels': (ctx) =>
    ctx.workloads
      .filter((w) => w.selector !== undefined && !selectorMatches(w.selector, w.template.metadata.labels))
      .map((w) => ({ object: w.id, message: `selector ${JSON.stringify(w.selector)} does not match its pod template's labels` })),

  namespacePodSecurityRestricted: (ctx) =>
    ctx.objects
      .filter((o) => o.apiVersion === 'v1' && o.kind === 'Namespace')
      .flatMap((ns) =>
        ['enforce', 'audit', 'warn']
          .filter((mode) => ns.metadata.labels?.[`pod-security.kubernetes.io/${mode}`] !== 'restricted')
          .map((mode) => ({
            object: objectId(ns),
            message: `pod-security.kubernetes.io/${mode} is ${ns.metadata.labels?.[`pod-security.kubernetes.io/${mode}`] ?? 'unset'}; expected restricted`,
          })),
      ),
};

// ---------------------------------------------------------------------------------------------
// Running.

function exceptionMatches(e: PolicyException, f: Finding): boolean {
  return e.check === f.check && f.object === formatObjectId(e.kind, e.namespace, e.name);
}

function run(ids: readonly CheckId[], objects: readonly PolicyObject[], options: PolicyOptions): PolicyReport {
  const ctx = buildContext(objects, options);
  const exceptions = options.exceptions ?? POLICY_EXCEPTIONS;
  for (const e of exceptions) {
    if (!isCheckId(e.check)) throw new Error(`policy exception for ${formatObjectId(e.kind, e.namespace, e.name)}: unknown check "${e.check}"; expected one of ${CHECK_IDS.join(', ')}`);
    if (e.reason.trim() === '') throw new Error(`policy exception ${e.check} on ${formatObjectId(e.kind, e.namespace, e.name)}: empty reason; expected why it is needed`);
  }
  const findings: Finding[] = [];
  const excepted: ExceptedFinding[] = [];
  const used = new Set<PolicyException>();
  for (const id of ids) {
    for (const raw of IMPLEMENTATIONS[id](ctx)) {
      const finding: Finding = { check: id, object: raw.object, message: raw.message };
      const exception = exceptions.find((e) => exceptionMatches(e, finding));
      if (exception === undefined) {
        findings.push(finding);
      } else {
        excepted.push({ finding, exception });
        used.add(exception);
      }
    }
  }
  const unusedExceptions = exceptions.filter((e) => (ids as readonly string[]).includes(e.check) && !used.has(e));
  return { findings, excepted, unusedExceptions };
}

/** Runs every check over the objects. */
export function checkPolicies(objects: readonly PolicyObject[], options: PolicyOptions): PolicyReport {
  return run(CHECK_IDS, objects, options);
}

/** Runs one check; the findings no exception covers. */
export function runCheck(id: CheckId, objects: readonly PolicyObject[], options: PolicyOptions): Finding[] {
  return [...run([id], objects, options).findings];
}

/** One line per finding, for test and CLI output. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.check}: ${f.object}: ${f.message}`).join('\n');
}
