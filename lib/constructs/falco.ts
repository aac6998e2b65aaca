/**
 * Falco runtime security (see docs/decisions.md, 'Falco'): ServiceAccount `falco`, ConfigMap `falco-config`
 * (falco.yaml and the custom rules) and DaemonSet `falco` on every node.
 *
 * What a literal reading of the specified manifest gets wrong, and what this construct does instead:
 * - `priority: HIGH` is not a Falco priority: the rule gets ERROR (see SEED_PRIORITY_MAPPING).
 * - A ConfigMap mounted over /etc/falco hides the image's default rules (falco_rules.yaml), whose
 *   macros the custom rules use: falco.yaml is mounted by subPath and the custom rules go to
 *   /etc/falco/rules.d, so /etc/falco/falco_rules.yaml stays the image's.
 * - `rules_file` is deprecated: `rules_files` lists the default rules and rules.d.
 * - /etc/falco/k8s_audit_rules.yaml is not shipped without the k8saudit plugin: not listed.
 * - falco-exporter has no /events endpoint (it read Falco's gRPC output, which Falco 0.44 no
 *   longer has): http_output posts every event to falcosidekick (an add-on in this namespace),
 *   which forwards it to Alertmanager and Slack. No program_output: it would start a shell per
 *   event (falco falco.yaml: `keep_alive: false` re-spawns the program for each message).
 * - falco.yaml keeps `append_output: [{suggested_output: true}]` (falco falco.yaml's default):
 *   the default ruleset's outputs (falcosecurity/rules rules/falco_rules.yaml) name no
 *   container or Kubernetes field and rely on it to append the container plugin's.
 * - The DaemonSet follows the upstream chart (falcosecurity/charts falco-9.1.0, rendered with
 *   driver.kind=modern_ebpf and driver.modernEbpf.leastPrivileged=true): the four capabilities
 *   added to the container's defaults, /sys/kernel read-only, and the container plugin with
 *   every runtime socket the chart lists.
 *
 * The pod cannot meet Pod Security "restricted" (it needs host mounts and BPF capabilities), so
 * it does not use pod-template.ts; its spec is written here, typed, and its namespace is the one
 * labelled `privileged` (see PlatformChart).
 */
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { Document } from 'yaml';
import type { ResourceSpec } from '../config/catalog';
import {
  checkRulesFile,
  EXAM_RULES_FILE,
  examSystemRules,
  type FalcoPriority,
  type FalcoRulesItem,
  renderRulesFile,
} from '../config/falco-rules';
import { imageRefProblem, tagOfImageRef } from '../rules/image-ref';
import * as k8s from './k8s';
import { commonLabels, selectorLabels, workloadLabels } from './labels';

/** Object names fixed by the design (see docs/decisions.md, 'Falco'). */
export const FALCO_NAME = 'falco';
export const FALCO_CONFIG_MAP = 'falco-config';
/** Key of falco.yaml in the ConfigMap. */
export const FALCO_CONFIG_KEY = 'falco.yaml';

/** Falco's embedded webserver: /healthz answers once the event sources are open. */
export const FALCO_WEBSERVER_PORT = 8765;
export const FALCO_HEALTH_PATH = '/healthz';

/** Where the image keeps its configuration and default rules. */
export const FALCO_CONFIG_PATH = '/etc/falco/falco.yaml';
export const FALCO_DEFAULT_RULES_PATH = '/etc/falco/falco_rules.yaml';
export const FALCO_RULES_DIR = '/etc/falco/rules.d';

/** The host directories Falco mounts (see docs/decisions.md, 'Falco'), each at /host<path> (the image sets HOST_ROOT=/host). */
export const SEED_HOST_PATHS = ['/dev', '/proc', '/boot', '/lib/modules', '/usr', '/etc'] as const;

/** A container runtime socket the container plugin reads metadata from (pod, namespace, image). */
export interface ContainerEngineSocket {
  /** The container plugin's engine: containerd and cri (CRI-O) on Kubernetes nodes. */
  readonly engine: 'containerd' | 'cri' | 'docker' | 'podman';
  /** Path of the socket on the node, e.g. /run/containerd/containerd.sock. */
  readonly socket: string;
}

export interface FalcoProps {
  /** Namespace of the ServiceAccount, ConfigMap and DaemonSet. */
  readonly namespace: string;
  /** Namespaces the custom rules watch: those of the deployed exam-system environments. */
  readonly watchedNamespaces: readonly string[];
  /** Pinned image reference with a tag (never `latest`), optionally with a digest: `<repository>:<tag>[@sha256:<hex>]`. */
  readonly image: string;
  /**
   * The custom rules file.
   * @default the two custom rules over `watchedNamespaces` (examSystemRules)
   */
  readonly rules?: readonly FalcoRulesItem[];
  /** @default { cpu: '100m', memory: '512Mi' } (the upstream chart's) */
  readonly requests?: ResourceSpec;
  /** @default { cpu: '1000m', memory: '1024Mi' } (the upstream chart's) */
  readonly limits?: ResourceSpec;
  /**
   * Where http_output posts each event (Falco's JSON, one event per request), and the pods the
   * Falco NetworkPolicy lets it reach there.
   * @default falcosidekick (FALCOSIDEKICK_RECEIVER in `namespace`)
   */
  readonly httpOutput?: HttpReceiver;
  /**
   * The container runtime sockets the container plugin tries. Each is mounted read-only at
   * /host<socket>; the plugin reads pod and namespace names from whichever answers.
   * @default every socket of the upstream chart's defaults (CHART_CONTAINER_ENGINE_SOCKETS)
   */
  readonly containerEngineSockets?: readonly ContainerEngineSocket[];
  /**
   * Lowest rule priority that produces an alert.
   * @default DEBUG (Falco's default: every rule of the loaded rulesets alerts)
   */
  readonly minimumPriority?: FalcoPriority;
}

/** An HTTP receiver of Falco events inside the cluster. */
export interface HttpReceiver {
  /** The URL http_output posts to. */
  readonly url: string;
  /** The receiver's pods (in Falco's namespace), for the NetworkPolicy egress rule. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The receiver pods' port (what the NetworkPolicy allows; the Service may map another). */
  readonly port: number;
}

/**
 * falcosidekick, the add-on (chart `falcosidekick`, release `falcosidekick`) in Falco's
 * namespace: Service `falcosidekick` on port 2801, pods labelled with the chart's selector
 * labels (falcosecurity/charts charts/falcosidekick/templates/_helpers.tpl
 * falcosidekick.selectorLabels) listening on 2801 (templates/deployment.yaml).
 */
export function falcosidekickReceiver(namespace: string): HttpReceiver {
  return {
    url: `http://falcosidekick.${namespace}.svc:2801/`,
    podLabels: { 'app.kubernetes.io/name': 'falcosidekick', 'app.kubernetes.io/instance': 'falcosidekick' },
    port: 2801,
  };
}

const DEFAULT_REQUESTS: ResourceSpec = { cpu: '100m', memory: '512Mi' };
const DEFAULT_LIMITS: ResourceSpec = { cpu: '1000m', memory: '1024Mi' };

/**
 * The upstream chart's container engines and sockets (falcosecurity/charts falco-9.1.0
 * charts/falco/values.yaml `collectors.containerEngine.engines`): every engine enabled, so the
 * plugin finds whichever runtime the node has (EKS: containerd at /run/containerd; k3s, CRI-O,
 * Docker and Podman nodes elsewhere).
 */
export const CHART_CONTAINER_ENGINE_SOCKETS: readonly ContainerEngineSocket[] = [
  { engine: 'docker', socket: '/var/run/docker.sock' },
  { engine: 'podman', socket: '/run/podman/podman.sock' },
  { engine: 'containerd', socket: '/run/host-containerd/containerd.sock' },
  { engine: 'cri', socket: '/run/containerd/containerd.sock' },
  { engine: 'cri', socket: '/run/crio/crio.sock' },
  { engine: 'cri', socket: '/run/k3s/containerd/containerd.sock' },
  { engine: 'cri', socket: '/run/host-containerd/containerd.sock' },
];

/** Engines the chart enables that need no socket (they read the host's cgroups and /proc). */
const SOCKETLESS_ENGINES = ['lxc', 'libvirt_lxc', 'bpm'] as const;

/** The upstream chart's sysfs mount for the modern eBPF probe (`driver.sysfsMountPath`). */
export const FALCO_SYSFS_MOUNT = '/sys/kernel';

/**
 * Linux capabilities added to the Falco container's defaults, instead of `privileged: true`
 * (the upstream chart's least-privileged mode for modern eBPF: falcosecurity/charts falco-9.1.0
 * charts/falco/templates/_helpers.tpl `falco.securityContext`): BPF loads the eBPF programs and
 * maps, PERFMON attaches them to tracepoints, SYS_RESOURCE raises RLIMIT_MEMLOCK on kernels
 * before 5.11, SYS_PTRACE passes the ptrace access check on other processes' /proc entries
 * (environ, exe, cwd, fd). Like the chart, nothing is dropped: those entries are also mode 0400
 * or 0500 and owned by the process's user, so root opens them only with the runtime's default
 * CAP_DAC_OVERRIDE (docs/decisions.md).
 */
export const FALCO_CAPABILITIES = ['BPF', 'PERFMON', 'SYS_PTRACE', 'SYS_RESOURCE'] as const;

/** The parts of falco.yaml this deployment sets; every other key keeps Falco's default. */
export interface FalcoConfiguration {
  readonly config_files: readonly string[];
  readonly engine: {
    readonly kind: 'modern_ebpf';
    readonly modern_ebpf: { readonly cpus_for_each_buffer: number; readonly buf_size_preset: number; readonly drop_failed_exit: boolean };
  };
  readonly rules_files: readonly string[];
  readonly load_plugins: readonly string[];
  readonly plugins: readonly {
    readonly name: string;
    readonly library_path: string;
    readonly init_config: {
      readonly label_max_len: number;
      readonly with_size: boolean;
      readonly hooks: readonly string[];
      readonly engines: Readonly<Record<string, { readonly enabled: boolean; readonly sockets?: readonly string[] }>>;
    };
  }[];
  readonly append_output: readonly { readonly suggested_output: boolean }[];
  readonly priority: string;
  readonly json_output: boolean;
  readonly json_include_output_property: boolean;
  readonly json_include_tags_property: boolean;
  readonly json_include_output_fields_property: boolean;
  readonly time_format_iso_8601: boolean;
  readonly buffered_outputs: boolean;
  readonly stdout_output: { readonly enabled: boolean };
  readonly syslog_output: { readonly enabled: boolean };
  readonly file_output: { readonly enabled: boolean };
  readonly http_output: { readonly enabled: boolean; readonly url: string; readonly user_agent: string };
  readonly program_output: { readonly enabled: false };
  readonly webserver: {
    readonly enabled: boolean;
    readonly threadiness: number;
    readonly listen_port: number;
    readonly listen_address: string;
    readonly k8s_healthz_endpoint: string;
    readonly prometheus_metrics_enabled: boolean;
    readonly ssl_enabled: boolean;
  };
  readonly log_stderr: boolean;
  readonly log_syslog: boolean;
  readonly log_level: string;
}

const SAFE_URL = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]+)?(\/[A-Za-z0-9._~/-]*)?$/;

function checkedUrl(what: string, url: string): string {
  if (!SAFE_URL.test(url)) {
    throw new Error(`Falco ${what}: "${url}" is not a plain http(s) URL; expected e.g. http://falcosidekick.security-system.svc:2801/`);
  }
  return url;
}

/** falco.yaml for these props: a complete file, so nothing depends on the image's own falco.yaml. */
export function falcoConfiguration(props: FalcoProps): FalcoConfiguration {
  const sockets = props.containerEngineSockets ?? CHART_CONTAINER_ENGINE_SOCKETS;
  const httpUrl = checkedUrl('httpOutput.url', (props.httpOutput ?? falcosidekickReceiver(props.namespace)).url);

  const socketEngine = (engine: ContainerEngineSocket['engine']) => {
    const mine = sockets.filter((s) => s.engine === engine).map((s) => s.socket);
    // An engine given no socket is disabled, keeping the chart's sockets as its (unused) setting.
    const defaults = CHART_CONTAINER_ENGINE_SOCKETS.filter((s) => s.engine === engine).map((s) => s.socket);
    return mine.length > 0 ? { enabled: true, sockets: mine } : { enabled: false, sockets: defaults };
  };

  return {
    // This file is the whole configuration: the image's /etc/falco/config.d fragments (which load
    // the container plugin and set ISO 8601 time, both set below) are not merged in.
    config_files: [],
    // The modern eBPF probe is compiled into the Falco binary (CO-RE): nothing is downloaded or
    // built on the node, no kernel headers, no kernel module, no init container. It needs a
    // kernel with BTF and BPF ring buffers (>= 5.8 in practice), which every supported managed
    // Kubernetes node image has. The kernel module would need a fully privileged container.
    engine: { kind: 'modern_ebpf', modern_ebpf: { cpus_for_each_buffer: 2, buf_size_preset: 4, drop_failed_exit: false } },
    // Default rules first, then ours (rules.d): our rules use the default ruleset's macros. Not
    // k8s_audit_rules.yaml: Falco ships it only with the k8saudit plugin, which is not set up here.
    rules_files: [FALCO_DEFAULT_RULES_PATH, FALCO_RULES_DIR],
    // The container plugin (bundled with Falco since 0.41) provides container.* and k8s.ns.name /
    // k8s.pod.name from the runtime's labels.
    load_plugins: ['container'],
    plugins: [
      {
        name: 'container',
        library_path: 'libcontainer.so',
        init_config: {
          label_max_len: 100,
          with_size: false,
          // Metadata is read when a container is created, before its first process runs.
          hooks: ['create'],
          engines: {
            docker: socketEngine('docker'),
            podman: socketEngine('podman'),
            containerd: socketEngine('containerd'),
            cri: socketEngine('cri'),
            ...Object.fromEntries(SOCKETLESS_ENGINES.map((e) => [e, { enabled: true }])),
          },
        },
      },
    ],
    // Falco's default: every rule's output gets the fields plugins suggest (the container
    // plugin's container.*, k8s.ns.name, k8s.pod.name), which the default rules rely on.
    append_output: [{ suggested_output: true }],
    priority: (props.minimumPriority ?? 'DEBUG').toLowerCase(),
    json_output: true,
    json_include_output_property: true,
    json_include_tags_property: true,
    json_include_output_fields_property: true,
    time_format_iso_8601: true,
    buffered_outputs: false,
    stdout_output: { enabled: true },
    // No syslog daemon in the container; events go to stdout (kubectl logs) and the outputs below.
    syslog_output: { enabled: false },
    file_output: { enabled: false },
    http_output: { enabled: true, url: httpUrl, user_agent: 'falcosecurity/falco' },
    // falcosidekick routes to Alertmanager and Slack; no shell per event.
    program_output: { enabled: false },
    webserver: {
      enabled: true,
      threadiness: 0,
      listen_port: FALCO_WEBSERVER_PORT,
      listen_address: '0.0.0.0',
      k8s_healthz_endpoint: FALCO_HEALTH_PATH,
      prometheus_metrics_enabled: false,
      ssl_enabled: false,
    },
    log_stderr: true,
    log_syslog: false,
    log_level: 'info',
  };
}

/** falco.yaml as written to the ConfigMap. Deterministic. */
export function renderFalcoConfiguration(config: FalcoConfiguration): string {
  const doc = new Document(config, { aliasDuplicateObjects: false });
  doc.commentBefore = [
    ' Falco configuration (generated; see lib/constructs/falco.ts).',
    ' Mounted by subPath at /etc/falco/falco.yaml: the image keeps /etc/falco/falco_rules.yaml.',
    ' engine.kind modern_ebpf: the CO-RE probe built into Falco, nothing to build or load on the node.',
  ].join('\n');
  return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}

function quantities(r: ResourceSpec): Record<string, k8s.Quantity> {
  return { cpu: k8s.Quantity.fromString(r.cpu), memory: k8s.Quantity.fromString(r.memory) };
}

function volumeName(path: string): string {
  return path.replace(/^\/+/, '').replace(/[^a-z0-9]+/g, '-');
}

export class Falco extends Construct {
  /** The labels the DaemonSet's pods carry and its selector matches. */
  public readonly selector: Record<string, string>;

  constructor(scope: Construct, id: string, props: FalcoProps) {
    super(scope, id);
    const imageProblem = imageRefProblem(props.image, { requireTag: true });
    if (imageProblem !== undefined) throw new Error(`Falco ${props.namespace}/${FALCO_NAME}: image: ${imageProblem}`);
    const tag = tagOfImageRef(props.image);
    const sockets = props.containerEngineSockets ?? CHART_CONTAINER_ENGINE_SOCKETS;
    const receiver = props.httpOutput ?? falcosidekickReceiver(props.namespace);
    if (!Number.isInteger(receiver.port) || receiver.port < 1 || receiver.port > 65535) {
      throw new Error(`Falco ${props.namespace}/${FALCO_NAME}: httpOutput.port ${receiver.port} is not a TCP port; expected 1-65535`);
    }
    if (Object.keys(receiver.podLabels).length === 0) {
      throw new Error(`Falco ${props.namespace}/${FALCO_NAME}: httpOutput.podLabels is empty; expected the receiver pods' labels (an empty selector would allow every pod)`);
    }
    if (sockets.length === 0) {
      throw new Error(`Falco ${props.namespace}/${FALCO_NAME}: no container engine sockets; expected at least the node runtime's (e.g. containerd)`);
    }
    for (const s of sockets) {
      if (!s.socket.startsWith('/') || !s.socket.endsWith('.sock')) {
        throw new Error(`Falco ${props.namespace}/${FALCO_NAME}: socket "${s.socket}" is not an absolute *.sock path; expected e.g. /run/containerd/containerd.sock`);
      }
    }

    const rules = props.rules ?? examSystemRules(props.watchedNamespaces);
    const ruleProblems = checkRulesFile(rules);
    if (ruleProblems.length > 0) {
      throw new Error(`Falco ${props.namespace}/${FALCO_NAME}: the custom rules would not load as intended:\n  ${ruleProblems.join('\n  ')}`);
    }
    const configYaml = renderFalcoConfiguration(falcoConfiguration(props));
    const rulesYaml = renderRulesFile(rules);

    this.selector = selectorLabels(FALCO_NAME);
    const labels = workloadLabels({ name: FALCO_NAME, component: 'runtime-security', version: tag });

    // Falco with the modern eBPF probe and the container plugin reads no Kubernetes API: events
    // come from the kernel, container and pod metadata (k8s.ns.name, k8s.pod.name) from the
    // container runtime's socket. Only the k8smeta plugin (with k8s-metacollector) reads the API,
    // and it is not used. So: no token, and no Role or ClusterRole at all.
    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name: FALCO_NAME, namespace: props.namespace, labels: commonLabels('runtime-security') },
      automountServiceAccountToken: false,
    });

    new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: FALCO_CONFIG_MAP, namespace: props.namespace, labels: commonLabels('runtime-security') },
      data: { [FALCO_CONFIG_KEY]: configYaml, [EXAM_RULES_FILE]: rulesYaml },
    });

    const hostVolumes: k8s.Volume[] = SEED_HOST_PATHS.map((path) => ({ name: `host-${volumeName(path)}`, hostPath: { path } }));
    const hostMounts: k8s.VolumeMount[] = SEED_HOST_PATHS.map((path) => ({ name: `host-${volumeName(path)}`, mountPath: `/host${path}`, readOnly: true }));
    const socketPaths = [...new Set(sockets.map((s) => s.socket))];
    // A read-only bind mount still lets a client connect to the socket.
    const socketVolumes: k8s.Volume[] = socketPaths.map((path) => ({ name: `socket-${volumeName(path)}`, hostPath: { path } }));
    const socketMounts: k8s.VolumeMount[] = socketPaths.map((path) => ({ name: `socket-${volumeName(path)}`, mountPath: `/host${path}`, readOnly: true }));

    const probe = (p: { initialDelaySeconds: number; periodSeconds: number; timeoutSeconds: number; failureThreshold: number }): k8s.Probe => ({
      httpGet: { path: FALCO_HEALTH_PATH, port: k8s.IntOrString.fromNumber(FALCO_WEBSERVER_PORT) },
      ...p,
    });

    new k8s.KubeDaemonSet(this, 'daemon-set', {
      metadata: { name: FALCO_NAME, namespace: props.namespace, labels },
      spec: {
        selector: { matchLabels: this.selector },
        revisionHistoryLimit: 5,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: {
            labels,
            annotations: {
              // falco.yaml is a subPath mount, which a ConfigMap change does not update: a new hash rolls the pods.
              'exam-system.io/falco-config-sha256': createHash('sha256').update(configYaml).update('\0').update(rulesYaml).digest('hex'),
              // Falco reads other processes' /proc entries; the runtime's default AppArmor profile forbids that.
              [`container.apparmor.security.beta.kubernetes.io/${FALCO_NAME}`]: 'unconfined',
            },
          },
          spec: {
            serviceAccountName: FALCO_NAME,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            // Not needed: eBPF sees every process of the node from any namespace, /host/proc is the
            // node's procfs, and the outputs and probes use the pod network. (Outside the host PID
            // namespace Falco 0.44 fills its process table from /host/proc instead of BPF iterators.)
            hostPid: false,
            hostNetwork: false,
            // Every node, control plane included: a node without Falco is a node without detection.
            tolerations: [
              { operator: 'Exists', effect: 'NoSchedule' },
              { operator: 'Exists', effect: 'NoExecute' },
            ],
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: FALCO_NAME,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                command: ['/usr/bin/falco'],
                env: [
                  { name: 'HOST_ROOT', value: '/host' },
                  { name: 'FALCO_HOSTNAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                ],
                ports: [{ name: 'web', containerPort: FALCO_WEBSERVER_PORT, protocol: 'TCP' }],
                resources: { requests: quantities(props.requests ?? DEFAULT_REQUESTS), limits: quantities(props.limits ?? DEFAULT_LIMITS) },
                // Readiness reacts within ~30 s; liveness waits for the first start (rules compile,
                // process table scan) and then only restarts a Falco that is gone for ~1.5 min.
                readinessProbe: probe({ initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
                livenessProbe: probe({ initialDelaySeconds: 60, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 }),
                securityContext: {
                  privileged: false,
                  allowPrivilegeEscalation: false,
                  // Root: it loads eBPF programs and reads every process of the node.
                  runAsUser: 0,
                  runAsNonRoot: false,
                  readOnlyRootFilesystem: true,
                  // The chart's least-privileged set: the runtime's defaults plus these four.
                  capabilities: { add: [...FALCO_CAPABILITIES] },
                  // bpf(2) is outside the runtimes' default seccomp profiles on many runtime versions;
                  // this is what the upstream chart's least-privileged mode runs with on a default kubelet.
                  seccompProfile: { type: 'Unconfined' },
                },
                volumeMounts: [
                  ...hostMounts,
                  // BTF and the tracing interfaces the modern eBPF probe reads.
                  { name: 'sys-kernel', mountPath: FALCO_SYSFS_MOUNT, readOnly: true },
                  ...socketMounts,
                  // Only falco.yaml: the image's /etc/falco/falco_rules.yaml stays visible.
                  { name: 'falco-config', mountPath: FALCO_CONFIG_PATH, subPath: FALCO_CONFIG_KEY, readOnly: true },
                  { name: 'falco-rules', mountPath: FALCO_RULES_DIR, readOnly: true },
                  { name: 'falco-state', mountPath: '/root/.falco' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              ...hostVolumes,
              { name: 'sys-kernel', hostPath: { path: FALCO_SYSFS_MOUNT } },
              ...socketVolumes,
              { name: 'falco-config', configMap: { name: FALCO_CONFIG_MAP, items: [{ key: FALCO_CONFIG_KEY, path: FALCO_CONFIG_KEY }] } },
              // Only the rules key: rules.d is read as rules, so falco.yaml must not appear there.
              { name: 'falco-rules', configMap: { name: FALCO_CONFIG_MAP, items: [{ key: EXAM_RULES_FILE, path: EXAM_RULES_FILE }] } },
              { name: 'falco-state', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
            ],
          },
        },
      },
    });

    // Falco's network: nothing in, and out only to its event receiver and the cluster DNS that
    // resolves the receiver's name. (Probes come from the kubelet on the node.)
    new k8s.KubeNetworkPolicy(this, 'network-policy', {
      metadata: { name: FALCO_NAME, namespace: props.namespace, labels: commonLabels('runtime-security') },
      spec: {
        podSelector: { matchLabels: this.selector },
        policyTypes: ['Ingress', 'Egress'],
        egress: [
          {
            to: [{ podSelector: { matchLabels: { ...receiver.podLabels } } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(receiver.port) }],
          },
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
              { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
            ],
          },
        ],
      },
    });
  }
}
