/**
 * Falco (see docs/decisions.md, 'Falco'): what real Falco would reject or silently get wrong in a
 * literal reading of the specified manifest, each with
 * a test that fails if it comes back; plus the pod's shape and strict schema validation.
 */
import { App, Testing } from 'cdk8s';
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import { PlatformChart } from '../../lib/charts/platform-chart';
import { SECURITY_NAMESPACE } from '../../lib/config/namespaces';
import { EXAM_RULES_FILE, type FalcoRulesItem } from '../../lib/config/falco-rules';
import { FALCO_IMAGE, FALCO_VERSION } from '../../lib/config/versions';
import {
  CHART_CONTAINER_ENGINE_SOCKETS,
  Falco,
  FALCO_CAPABILITIES,
  FALCO_CONFIG_KEY,
  FALCO_CONFIG_MAP,
  FALCO_DEFAULT_RULES_PATH,
  FALCO_RULES_DIR,
  FALCO_SYSFS_MOUNT,
  falcosidekickReceiver,
  type FalcoProps,
  SEED_HOST_PATHS,
} from '../../lib/constructs/falco';
import { renderObjects } from '../../lib/output/render';

const WATCHED = ['exam-system', 'exam-system-staging', 'exam-system-hotfix'];

interface KubeObj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: unknown;
}
interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}
interface Volume {
  name: string;
  hostPath?: { path: string };
  configMap?: { name: string; items?: { key: string; path: string }[] };
  emptyDir?: object;
}
interface Probe {
  httpGet?: { path: string; port: number | string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}
interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  hostPID?: boolean;
  hostNetwork?: boolean;
  tolerations?: Toleration[];
  volumes: Volume[];
  containers: {
    name: string;
    image: string;
    imagePullPolicy?: string;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    livenessProbe?: Probe;
    readinessProbe?: Probe;
    securityContext?: { privileged?: boolean; capabilities?: { add?: string[]; drop?: string[] }; readOnlyRootFilesystem?: boolean };
    volumeMounts: VolumeMount[];
  }[];
}

function synth(overrides: Partial<FalcoProps> = {}): KubeObj[] {
  const chart = Testing.chart();
  new Falco(chart, 'falco', { namespace: SECURITY_NAMESPACE, watchedNamespaces: WATCHED, image: FALCO_IMAGE, ...overrides });
  return Testing.synth(chart) as KubeObj[];
}

const objects = synth();
const find = (objs: KubeObj[], kind: string, name: string): KubeObj => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (o === undefined) throw new Error(`no ${kind} ${name} among ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
};
const configMap = find(objects, 'ConfigMap', FALCO_CONFIG_MAP);
const cmData = configMap.data as Record<string, string>;
const falcoYaml = parse(cmData[FALCO_CONFIG_KEY]) as Record<string, unknown>;
const daemonSet = find(objects, 'DaemonSet', 'falco');
const podSpec = (daemonSet.spec as { template: { spec: PodSpec; metadata: { annotations?: Record<string, string> } } }).template.spec;
const container = podSpec.containers[0];

/** The volume a mount refers to. */
function volumeOf(mount: VolumeMount): Volume {
  const v = podSpec.volumes.find((x) => x.name === mount.name);
  if (v === undefined) throw new Error(`mount ${mount.mountPath} refers to missing volume ${mount.name}`);
  return v;
}

/** Kubernetes' toleration matching (k8s.io/api core/v1 Toleration.ToleratesTaint). */
function tolerates(tolerations: Toleration[], taint: { key: string; value?: string; effect: string }): boolean {
  return tolerations.some((t) => {
    if (t.effect !== undefined && t.effect !== '' && t.effect !== taint.effect) return false;
    if (t.key !== undefined && t.key !== '' && t.key !== taint.key) return false;
    if (t.operator === 'Exists') return true;
    return (t.operator === undefined || t.operator === 'Equal') && (t.value ?? '') === (taint.value ?? '');
  });
}

describe('what real Falco would reject or silently get wrong in a literal reading', () => {
  test('rules_files (not the deprecated rules_file) lists the default rules and rules.d, in that order', () => {
    expect(falcoYaml).not.toHaveProperty('rules_file');
    const files = falcoYaml.rules_files as string[];
    expect(Array.isArray(files)).toBe(true);
    expect(files).toContain(FALCO_DEFAULT_RULES_PATH);
    expect(files).toContain(FALCO_RULES_DIR);
    expect(files.indexOf(FALCO_DEFAULT_RULES_PATH)).toBeLessThan(files.indexOf(FALCO_RULES_DIR));
  });

  test('no k8s_audit_rules.yaml anywhere (not shipped without the k8saudit plugin, which is not loaded)', () => {
    expect(cmData[FALCO_CONFIG_KEY]).not.toMatch(/k8s_audit_rules/);
    expect(falcoYaml.load_plugins).not.toContain('k8saudit');
  });

  test('falco.yaml is mounted by subPath; nothing hides the image default rules; custom rules go to rules.d', () => {
    const configMount = container.volumeMounts.find((m) => m.mountPath === '/etc/falco/falco.yaml');
    expect(configMount).toMatchObject({ subPath: FALCO_CONFIG_KEY, readOnly: true });
    expect(volumeOf(configMount!).configMap?.name).toBe(FALCO_CONFIG_MAP);

    // A whole-volume mount at /etc/falco, /etc, or the rules file itself would replace the image's falco_rules.yaml.
    for (const m of container.volumeMounts.filter((x) => x.subPath === undefined)) {
      const hides = FALCO_DEFAULT_RULES_PATH === m.mountPath || FALCO_DEFAULT_RULES_PATH.startsWith(`${m.mountPath.replace(/\/$/, '')}/`);
      expect({ mount: m.mountPath, hides }).toEqual({ mount: m.mountPath, hides: false });
    }

    const rulesMount = container.volumeMounts.find((m) => m.mountPath === FALCO_RULES_DIR);
    expect(rulesMount?.readOnly).toBe(true);
    const projected = volumeOf(rulesMount!).configMap;
    expect(projected?.name).toBe(FALCO_CONFIG_MAP);
    // Only rules files land in rules.d (Falco loads every .yaml there), and the custom rules are among them.
    expect(projected?.items?.map((i) => i.path)).toEqual([EXAM_RULES_FILE]);
    expect(projected?.items?.every((i) => i.key !== FALCO_CONFIG_KEY && cmData[i.key] !== undefined)).toBe(true);
  });

  test('the custom rules use Falco priorities: WARNING stays, the specified HIGH becomes ERROR', () => {
    const rules = (parse(cmData[EXAM_RULES_FILE]) as FalcoRulesItem[]).filter((i): i is Extract<FalcoRulesItem, { rule: string }> => 'rule' in i);
    expect(Object.fromEntries(rules.map((r) => [r.rule, r.priority]))).toEqual({
      'Unauthorized Process in Container': 'WARNING',
      'Sensitive File Access in Exam System': 'ERROR',
    });
    expect(cmData[EXAM_RULES_FILE]).not.toMatch(/priority:\s*HIGH/i);
  });

  // falcosecurity/falco falco.yaml (0.44.1): program_output with keep_alive false re-spawns the
  // program for each message; falcosidekick (the add-on) routes to Alertmanager and Slack.
  test('no program_output (a shell per alert); every alert goes to falcosidekick over http_output', () => {
    expect(falcoYaml.program_output).toEqual({ enabled: false });
    expect(cmData[FALCO_CONFIG_KEY]).not.toMatch(/jq |curl /);
    expect(falcoYaml).toMatchObject({ json_output: true, json_include_output_property: true });
    const http = falcoYaml.http_output as { enabled: boolean; url: string };
    expect(http.enabled).toBe(true);
    // falco-exporter has no /events endpoint (it consumed the gRPC output, removed in Falco 0.44).
    expect(http.url).not.toMatch(/falco-exporter|\/events/);
    expect(http.url).toBe('http://falcosidekick.security-system.svc:2801/');
    expect(() => synth({ httpOutput: { ...falcosidekickReceiver('x'), url: "http://am:9093/'; rm -rf /" } })).toThrow(/not a plain http\(s\) URL/);
  });

  // falcosecurity/falco falco.yaml: `append_output: [{suggested_output: true}]` is the default;
  // falcosecurity/rules rules/falco_rules.yaml outputs name no container.* or k8s.* field and
  // rely on it (this file replaces falco.yaml wholesale, so the default must be restated).
  test('append_output keeps the suggested fields, so default-rule alerts carry their container and pod', () => {
    expect(falcoYaml.append_output).toEqual([{ suggested_output: true }]);
  });
});

describe('the Falco DaemonSet', () => {
  test(`image is pinned to Falco ${FALCO_VERSION} (a 0.44.x tag, never latest)`, () => {
    expect(FALCO_VERSION).toMatch(/^0\.44\.\d+$/);
    expect(container.image).toBe(FALCO_IMAGE);
    expect(container.image).toMatch(/^docker\.io\/falcosecurity\/falco:0\.44\.\d+(-debian)?$/);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(() => synth({ image: 'falcosecurity/falco:latest' })).toThrow(/image: expected a pinned image tag, not "latest"/);
    expect(() => synth({ image: 'falcosecurity/falco' })).toThrow(/image: expected a pinned image/);
  });

  test('the driver is modern eBPF, with capabilities instead of a privileged container', () => {
    expect((falcoYaml.engine as { kind: string }).kind).toBe('modern_ebpf');
    const sc = container.securityContext!;
    expect(sc.privileged).toBe(false);
    // Like the chart, the runtime's default capabilities stay: other users' /proc/<pid>/environ
    // (0400) and fd/ (0500) need CAP_DAC_OVERRIDE besides the ptrace check SYS_PTRACE passes
    // (torvalds/linux fs/proc/base.c tgid_base_stuff modes; fs/namei.c generic_permission).
    expect(sc.capabilities?.drop).toBeUndefined();
    expect([...(sc.capabilities?.add ?? [])].sort()).toEqual([...FALCO_CAPABILITIES].sort());
    expect(sc.capabilities?.add).not.toContain('SYS_ADMIN');
    expect(sc.readOnlyRootFilesystem).toBe(true);
    expect(podSpec.hostPID).toBe(false);
    expect(podSpec.hostNetwork).toBe(false);
  });

  test('tolerations let it run on every node, control-plane nodes included', () => {
    const tol = podSpec.tolerations ?? [];
    for (const taint of [
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' },
      { key: 'dedicated', value: 'exam-proctoring', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
    ]) {
      expect({ taint, tolerated: tolerates(tol, taint) }).toEqual({ taint, tolerated: true });
    }
  });

  test('liveness and readiness probe the webserver /healthz that falco.yaml enables, with different timings', () => {
    const web = falcoYaml.webserver as { enabled: boolean; listen_port: number; k8s_healthz_endpoint: string };
    expect(web.enabled).toBe(true);
    for (const probe of [container.livenessProbe, container.readinessProbe]) {
      expect(probe?.httpGet).toEqual({ path: web.k8s_healthz_endpoint, port: web.listen_port });
    }
    expect(web.k8s_healthz_endpoint).toBe('/healthz');
    const timing = (p: Probe | undefined) => [p?.initialDelaySeconds, p?.periodSeconds, p?.timeoutSeconds, p?.failureThreshold];
    expect(timing(container.livenessProbe)).not.toEqual(timing(container.readinessProbe));
    expect(container.livenessProbe!.initialDelaySeconds!).toBeGreaterThan(container.readinessProbe!.initialDelaySeconds!);
  });

  test('requests and limits are set for CPU and memory', () => {
    for (const r of [container.resources?.requests, container.resources?.limits]) {
      expect(Object.keys(r ?? {}).sort()).toEqual(['cpu', 'memory']);
    }
  });

  test('the specified host mounts are all there, read-only, at /host<path>', () => {
    for (const path of SEED_HOST_PATHS) {
      const m = container.volumeMounts.find((x) => x.mountPath === `/host${path}`);
      expect({ path, readOnly: m?.readOnly, hostPath: m && volumeOf(m).hostPath?.path }).toEqual({ path, readOnly: true, hostPath: path });
    }
    // The modern eBPF probe's sysfs, as the chart mounts it (driver.sysfsMountPath).
    const sys = container.volumeMounts.find((x) => x.mountPath === FALCO_SYSFS_MOUNT);
    expect({ readOnly: sys?.readOnly, hostPath: sys && volumeOf(sys).hostPath?.path }).toEqual({ readOnly: true, hostPath: '/sys/kernel' });
    // Nothing else from the host is writable.
    const writableHost = container.volumeMounts.filter((m) => volumeOf(m).hostPath !== undefined && m.readOnly !== true);
    expect(writableHost).toEqual([]);
  });

  test('the container plugin gets each runtime socket it is configured for, mounted read-only under /host', () => {
    const engines = (falcoYaml.plugins as { name: string; init_config: { engines: Record<string, { enabled: boolean; sockets?: string[] }> } }[]).find(
      (p) => p.name === 'container',
    )!.init_config.engines;
    expect(falcoYaml.load_plugins).toEqual(['container']);
    // No config.d fragments merged in: they would load the plugin a second time.
    expect(falcoYaml.config_files).toEqual([]);
    // The plugin's schema requires every engine.
    expect(Object.keys(engines).sort()).toEqual(['bpm', 'containerd', 'cri', 'docker', 'libvirt_lxc', 'lxc', 'podman']);
    const enabledSockets = Object.values(engines).flatMap((e) => (e.enabled ? e.sockets ?? [] : []));
    expect(enabledSockets).toEqual(CHART_CONTAINER_ENGINE_SOCKETS.map((s) => s.socket));
    for (const socket of enabledSockets) {
      const m = container.volumeMounts.find((x) => x.mountPath === `/host${socket}`);
      expect(m?.readOnly).toBe(true);
      expect(volumeOf(m!).hostPath?.path).toBe(socket);
    }

    const crio = synth({ containerEngineSockets: [{ engine: 'cri', socket: '/run/crio/crio.sock' }] });
    const crioPod = (find(crio, 'DaemonSet', 'falco').spec as { template: { spec: PodSpec } }).template.spec;
    expect(crioPod.containers[0].volumeMounts.map((m) => m.mountPath)).toContain('/host/run/crio/crio.sock');
    expect(crioPod.containers[0].volumeMounts.map((m) => m.mountPath)).not.toContain('/host/run/containerd/containerd.sock');
    expect(() => synth({ containerEngineSockets: [] })).toThrow(/no container engine sockets/);
  });

  test('a config change changes the pod template (falco.yaml is a subPath mount, which is never updated in place)', () => {
    const hash = (objs: KubeObj[]) =>
      (find(objs, 'DaemonSet', 'falco').spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations[
        'exam-system.io/falco-config-sha256'
      ];
    // The hash covers exactly what the pod mounts from the ConfigMap: falco.yaml and the rules.
    const data = find(objects, 'ConfigMap', FALCO_CONFIG_MAP).data as Record<string, string>;
    expect(hash(objects)).toBe(createHash('sha256').update(data[FALCO_CONFIG_KEY]).update('\0').update(data[EXAM_RULES_FILE]).digest('hex'));
    expect(hash(synth({ watchedNamespaces: ['exam-system'] }))).not.toBe(hash(objects));
    expect(hash(synth({ httpOutput: { ...falcosidekickReceiver('x'), url: 'http://other:2801/' } }))).not.toBe(hash(objects));
  });
});

describe('identity and RBAC', () => {
  const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];

  test('ServiceAccount falco, with no token mounted (Falco reads no Kubernetes API in this setup)', () => {
    expect(find(objects, 'ServiceAccount', 'falco').automountServiceAccountToken).toBe(false);
    expect(podSpec.serviceAccountName).toBe('falco');
    expect(podSpec.automountServiceAccountToken).toBe(false);
  });

  test('RBAC is minimal: no Role or ClusterRole at all, and no wildcard in any rule that might appear', () => {
    const rbac = objects.filter((o) => RBAC_KINDS.includes(o.kind));
    expect(rbac.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    const wildcards = rbac.flatMap((o) =>
      ((o.rules as { apiGroups?: string[]; resources?: string[]; verbs?: string[] }[] | undefined) ?? []).filter((r) =>
        [...(r.apiGroups ?? []), ...(r.resources ?? []), ...(r.verbs ?? [])].includes('*'),
      ),
    );
    expect(wildcards).toEqual([]);
  });
});

describe('schemas and errors', () => {
  test('every Falco object validates strictly against the Kubernetes 1.28 schemas', () => {
    const registry = new SchemaRegistry();
    const problems = objects.flatMap((o) => registry.validate(o)).map((p) => `${p.object} ${p.field}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['ConfigMap/falco-config', 'DaemonSet/falco', 'NetworkPolicy/falco', 'ServiceAccount/falco']);
    expect(objects.every((o) => o.metadata.namespace === SECURITY_NAMESPACE)).toBe(true);
  });

  test('custom rules that would not load are rejected when the construct is built', () => {
    const bad: FalcoRulesItem[] = [
      { rule: 'Typo', desc: 'd', condition: 'spawned_proces and container', output: 'o %proc.name', priority: 'NOTICE' },
    ];
    expect(() => synth({ rules: bad })).toThrow(/macro "spawned_proces" is defined neither/);
    expect(() => synth({ watchedNamespaces: [] })).toThrow(/no watched namespaces/);
    expect(() => synth({ watchedNamespaces: ['Exam_System'] })).toThrow(/not a DNS label/);
  });
});

describe('PlatformChart', () => {
  const app = new App();
  new PlatformChart(app, { watchedNamespaces: WATCHED });
  const rendered = renderObjects(app);

  test('the security-system Namespace is Pod Security "privileged", with its reason, in the cluster folder', () => {
    const ns = rendered.find((r) => r.object.kind === 'Namespace');
    expect(ns?.path).toBe('platform/cluster/namespace-security-system.yaml');
    const labels = ns!.object.metadata.labels ?? {};
    for (const mode of ['enforce', 'audit', 'warn']) expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe('privileged');
    expect(ns!.object.metadata.annotations?.['exam-system.io/pod-security-exception']).toMatch(/Falco.*BPF/s);
  });

  test('Falco goes to platform/security-system and watches the namespaces it is given', () => {
    expect(rendered.filter((r) => r.object.kind !== 'Namespace').map((r) => r.path)).toEqual([
      'platform/security-system/configmap-falco-config.yaml',
      'platform/security-system/daemonset-falco.yaml',
      'platform/security-system/externalsecret-falcosidekick-slack.yaml',
      'platform/security-system/networkpolicy-falco.yaml',
      'platform/security-system/serviceaccount-falco.yaml',
    ]);
    const cm = rendered.find((r) => r.object.kind === 'ConfigMap')!.object as unknown as { data: Record<string, string> };
    const lists = (parse(cm.data[EXAM_RULES_FILE]) as FalcoRulesItem[]).filter((i): i is Extract<FalcoRulesItem, { list: string }> => 'list' in i);
    expect(lists.find((l) => l.list === 'exam_system_namespaces')?.items).toEqual(WATCHED);
  });
});

describe('the network: out to falcosidekick and DNS only', () => {
  const np = find(objects, 'NetworkPolicy', 'falco') as KubeObj & {
    spec: {
      podSelector: { matchLabels: Record<string, string> };
      policyTypes: string[];
      ingress?: unknown[];
      egress: { to: { podSelector?: { matchLabels: Record<string, string> }; namespaceSelector?: { matchLabels: Record<string, string> } }[]; ports: { protocol: string; port: number }[] }[];
    };
  };

  test('selects the Falco pods, denies all ingress, and allows egress to the receiver port and DNS', () => {
    const podLabels = (daemonSet.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    expect(Object.entries(np.spec.podSelector.matchLabels).every(([k, v]) => podLabels[k] === v)).toBe(true);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toBeUndefined();
    const sidekick = falcosidekickReceiver(SECURITY_NAMESPACE);
    expect(np.spec.egress[0]).toEqual({ to: [{ podSelector: { matchLabels: sidekick.podLabels } }], ports: [{ protocol: 'TCP', port: 2801 }] });
    expect(np.spec.egress[1].to[0].namespaceSelector?.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'kube-system' });
    expect(np.spec.egress[1].ports.map((p) => `${p.protocol}/${p.port}`)).toEqual(['UDP/53', 'TCP/53']);
    expect(np.spec.egress).toHaveLength(2);
  });

  // falcosecurity/charts charts/falcosidekick: Service falcosidekick port 2801, pods labelled
  // app.kubernetes.io/name=falcosidekick, app.kubernetes.io/instance=<release> (release falcosidekick).
  test('the http_output URL names the receiver the policy lets Falco reach', () => {
    const sidekick = falcosidekickReceiver(SECURITY_NAMESPACE);
    expect(sidekick.url).toBe((falcoYaml.http_output as { url: string }).url);
    expect(new URL(sidekick.url).port).toBe(String(sidekick.port));
    expect(sidekick.podLabels).toEqual({ 'app.kubernetes.io/name': 'falcosidekick', 'app.kubernetes.io/instance': 'falcosidekick' });
    expect(() => synth({ httpOutput: { ...sidekick, podLabels: {} } })).toThrow(/podLabels is empty/);
    expect(() => synth({ httpOutput: { ...sidekick, port: 0 } })).toThrow(/not a TCP port/);
  });
});

/**
 * What the upstream chart renders for this setup: falcosecurity/charts tag falco-9.1.0,
 * charts/falco (templates/pod-template.tpl, templates/_helpers.tpl falco.securityContext,
 * falco.containerPluginVolumeMounts, values.yaml collectors.containerEngine), rendered with
 * `--set driver.kind=modern_ebpf --set driver.modernEbpf.leastPrivileged=true`. Recorded here
 * as data (the chart is not vendored); each entry is what the DaemonSet must match.
 */
const CHART_FALCO_9_1_0 = {
  capabilities: { add: ['BPF', 'SYS_RESOURCE', 'PERFMON', 'SYS_PTRACE'] },
  annotations: { 'container.apparmor.security.beta.kubernetes.io/falco': 'unconfined' },
  readOnlyHostMounts: { '/host/etc': '/etc', '/sys/kernel': '/sys/kernel' },
  hostMounts: { '/host/proc': '/proc' },
  socketMounts: [
    '/var/run/docker.sock',
    '/run/podman/podman.sock',
    '/run/host-containerd/containerd.sock',
    '/run/containerd/containerd.sock',
    '/run/crio/crio.sock',
    '/run/k3s/containerd/containerd.sock',
  ],
  engines: {
    docker: ['/var/run/docker.sock'],
    podman: ['/run/podman/podman.sock'],
    containerd: ['/run/host-containerd/containerd.sock'],
    cri: ['/run/containerd/containerd.sock', '/run/crio/crio.sock', '/run/k3s/containerd/containerd.sock', '/run/host-containerd/containerd.sock'],
    lxc: undefined,
    libvirt_lxc: undefined,
    bpm: undefined,
  },
  appendOutput: [{ suggested_output: true }],
  hooks: ['create'],
} as const;

describe('held against the upstream chart (falcosecurity/charts falco-9.1.0, modern_ebpf, leastPrivileged)', () => {
  const annotations = (daemonSet.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
  const plugin = (falcoYaml.plugins as { name: string; init_config: { hooks: string[]; engines: Record<string, { enabled: boolean; sockets?: string[] }> } }[]).find(
    (p) => p.name === 'container',
  )!;

  test('the same capabilities added to the container defaults, not privileged, the same AppArmor annotation', () => {
    expect(container.securityContext?.privileged).not.toBe(true);
    expect([...(container.securityContext?.capabilities?.add ?? [])].sort()).toEqual([...CHART_FALCO_9_1_0.capabilities.add].sort());
    expect(container.securityContext?.capabilities).not.toHaveProperty('drop');
    expect(annotations).toMatchObject(CHART_FALCO_9_1_0.annotations);
  });

  test("every host path the chart mounts is mounted at the same place (read-only here, the chart's /host/proc included)", () => {
    for (const [mountPath, hostPath] of Object.entries({ ...CHART_FALCO_9_1_0.readOnlyHostMounts, ...CHART_FALCO_9_1_0.hostMounts })) {
      const m = container.volumeMounts.find((x) => x.mountPath === mountPath);
      expect({ mountPath, hostPath: m && volumeOf(m).hostPath?.path, readOnly: m?.readOnly }).toEqual({ mountPath, hostPath, readOnly: true });
    }
  });

  test('the container plugin with every runtime socket: the same engines, sockets, hooks and mounts', () => {
    for (const [engine, sockets] of Object.entries(CHART_FALCO_9_1_0.engines)) {
      expect([engine, plugin.init_config.engines[engine]]).toEqual([engine, sockets === undefined ? { enabled: true } : { enabled: true, sockets: [...sockets] }]);
    }
    expect(plugin.init_config.hooks).toEqual([...CHART_FALCO_9_1_0.hooks]);
    for (const socket of CHART_FALCO_9_1_0.socketMounts) {
      const m = container.volumeMounts.find((x) => x.mountPath === `/host${socket}`);
      expect([socket, m && volumeOf(m).hostPath?.path]).toEqual([socket, socket]);
    }
    expect(falcoYaml.append_output).toEqual(CHART_FALCO_9_1_0.appendOutput);
  });
});

/**
 * The rendered falco.yaml for props dist/ does not use (dist/ shows the defaults): another
 * container runtime next to containerd, a higher minimum priority, other receivers.
 */
describe('falco.yaml snapshots across props', () => {
  const falcoYamlOf = (props: Partial<FalcoProps>): string => (find(synth(props), 'ConfigMap', FALCO_CONFIG_MAP).data as Record<string, string>)[FALCO_CONFIG_KEY];

  test.each([
    ['CRI-O and containerd nodes', { containerEngineSockets: [{ engine: 'containerd', socket: '/run/containerd/containerd.sock' }, { engine: 'cri', socket: '/run/crio/crio.sock' }] }],
    ['WARNING and above, to another receiver', { minimumPriority: 'WARNING', httpOutput: { url: 'http://receiver.ops.svc:2801/', port: 2801, podLabels: { app: 'receiver' } } }],
  ] as [string, Partial<FalcoProps>][])('%s', (_label, props) => {
    expect(falcoYamlOf(props)).toMatchSnapshot();
  });
});
