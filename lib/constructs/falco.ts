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
 *   longer has): http_output posts to the Falco HTTP receiver (falcosidekick) instead.
 * - Alertmanager removed API v1 (0.27.0) and its v2 API takes an array of alerts with labels,
 *   not Falco's event: program_output converts the event with jq and posts to /api/v2/alerts.
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
  /** Pinned image reference with a tag (never `latest`). */
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
   * Alertmanager's base URL; program_output posts to <url>/api/v2/alerts.
   * @default http://alertmanager.monitoring.svc.cluster.local:9093
   */
  readonly alertmanagerUrl?: string;
  /**
   * Where http_output posts each event (Falco's JSON, one event per request): a Falco HTTP
   * receiver such as falcosidekick.
   * @default http://falcosidekick.<namespace>.svc.cluster.local:2801/
   */
  readonly httpOutputUrl?: string;
  /**
   * The container runtime sockets of the nodes. Each is mounted read-only at /host<socket> and
   * enabled in the container plugin, which reads pod and namespace names from the runtime.
   * @default containerd at /run/containerd/containerd.sock
   */
  readonly containerEngineSockets?: readonly ContainerEngineSocket[];
  /**
   * Lowest rule priority that produces an alert.
   * @default DEBUG (Falco's default: every rule of the loaded rulesets alerts)
   */
  readonly minimumPriority?: FalcoPriority;
}

const DEFAULT_REQUESTS: ResourceSpec = { cpu: '100m', memory: '512Mi' };
const DEFAULT_LIMITS: ResourceSpec = { cpu: '1000m', memory: '1024Mi' };
const DEFAULT_ALERTMANAGER_URL = 'http://alertmanager.monitoring.svc.cluster.local:9093';
const DEFAULT_SOCKETS: readonly ContainerEngineSocket[] = [{ engine: 'containerd', socket: '/run/containerd/containerd.sock' }];

/** The container plugin's default socket per engine (its README); used for engines left disabled. */
const PLUGIN_DEFAULT_SOCKETS: Readonly<Record<ContainerEngineSocket['engine'], string>> = {
  docker: '/var/run/docker.sock',
  podman: '/run/podman/podman.sock',
  containerd: '/run/containerd/containerd.sock',
  cri: '/run/crio/crio.sock',
};

/**
 * Linux capabilities of the Falco container, instead of `privileged: true` (the upstream chart's
 * least-privileged mode for modern eBPF): BPF loads the eBPF programs and maps, PERFMON attaches
 * them to tracepoints, SYS_RESOURCE raises RLIMIT_MEMLOCK on kernels before 5.11, SYS_PTRACE
 * reads other processes' /proc entries (environ, exe, fds) when building the process table.
 */
export const FALCO_CAPABILITIES = ['BPF', 'PERFMON', 'SYS_PTRACE', 'SYS_RESOURCE'] as const;

/**
 * The jq program that turns one Falco event (json_output) into what Alertmanager's
 * POST /api/v2/alerts accepts: an array of alerts with labels (alertname required) and
 * annotations. Labels identify the alert (rule, priority, node, namespace, pod); Alertmanager
 * drops empty labels. No endsAt: Alertmanager resolves it after its resolve_timeout.
 */
export const ALERTMANAGER_JQ_FILTER =
  '[{labels: {alertname: "FalcoRuntimeEvent", rule: .rule, priority: .priority, source: .source, hostname: .hostname, ' +
  'namespace: (.output_fields["k8s.ns.name"] // ""), pod: (.output_fields["k8s.pod.name"] // "")}, ' +
  'annotations: {summary: .rule, description: .output}}]';

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
      readonly engines: Readonly<Record<string, { readonly enabled: boolean; readonly sockets?: readonly string[] }>>;
    };
  }[];
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
  readonly program_output: { readonly enabled: boolean; readonly keep_alive: boolean; readonly program: string };
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
    throw new Error(`Falco ${what}: "${url}" is not a plain http(s) URL; expected e.g. http://alertmanager.monitoring.svc.cluster.local:9093`);
  }
  return url;
}

/** falco.yaml for these props: a complete file, so nothing depends on the image's own falco.yaml. */
export function falcoConfiguration(props: FalcoProps): FalcoConfiguration {
  const sockets = props.containerEngineSockets ?? DEFAULT_SOCKETS;
  const alertmanager = checkedUrl('alertmanagerUrl', props.alertmanagerUrl ?? DEFAULT_ALERTMANAGER_URL).replace(/\/+$/, '');
  if (/\/api\/v[12]/.test(alertmanager)) {
    throw new Error(`Falco alertmanagerUrl: "${alertmanager}" includes an API path; expected the base URL (the construct appends /api/v2/alerts)`);
  }
  const httpUrl = checkedUrl('httpOutputUrl', props.httpOutputUrl ?? `http://falcosidekick.${props.namespace}.svc.cluster.local:2801/`);

  const socketEngine = (engine: ContainerEngineSocket['engine']) => {
    const mine = sockets.filter((s) => s.engine === engine).map((s) => s.socket);
    // The plugin's schema requires every engine; disabled ones keep their default socket.
    return mine.length > 0 ? { enabled: true, sockets: mine } : { enabled: false, sockets: [PLUGIN_DEFAULT_SOCKETS[engine]] };
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
          engines: {
            docker: socketEngine('docker'),
            podman: socketEngine('podman'),
            containerd: socketEngine('containerd'),
            cri: socketEngine('cri'),
            lxc: { enabled: false },
            libvirt_lxc: { enabled: false },
            bpm: { enabled: false },
          },
        },
      },
    ],
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
    program_output: {
      enabled: true,
      // A new process per event, fed the event's JSON on stdin.
      keep_alive: false,
      program:
        `jq -c '${ALERTMANAGER_JQ_FILTER}' | ` +
        `curl -sS --fail --max-time 5 -X POST -H 'Content-Type: application/json' --data-binary @- ${alertmanager}/api/v2/alerts`,
    },
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
    const tag = props.image.includes('@') ? undefined : props.image.match(/:([^:/]+)$/)?.[1];
    if (tag === undefined || tag === 'latest') {
      throw new Error(`Falco ${props.namespace}/${FALCO_NAME}: image "${props.image}" is not pinned; expected repository:<version>, never latest`);
    }
    const sockets = props.containerEngineSockets ?? DEFAULT_SOCKETS;
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
                  capabilities: { drop: ['ALL'], add: [...FALCO_CAPABILITIES] },
                  // bpf(2) is outside the runtimes' default seccomp profiles on many runtime versions;
                  // this is what the upstream chart's least-privileged mode runs with on a default kubelet.
                  seccompProfile: { type: 'Unconfined' },
                },
                volumeMounts: [
                  ...hostMounts,
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
  }
}
