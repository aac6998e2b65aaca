/**
 * NetworkPolicy semantics over synthesized objects, as the Kubernetes API documents them
 * (networking.k8s.io/v1): which pods a policy selects and for which direction, and whether a
 * given connection is allowed by a set of policies. Pure: no cluster, no clock.
 *
 * The model:
 * - A pod is isolated for a direction when at least one policy in its namespace selects it and
 *   lists that direction in `policyTypes` (defaulted as the API server does: Ingress always,
 *   Egress when the policy has egress rules).
 * - A connection from A to B is allowed when A's egress allows it (A not isolated for egress, or
 *   some egress rule of a policy selecting A matches B and the port) and B's ingress allows it
 *   (likewise). Rules are unions; there is no deny rule.
 * - Peers: `podSelector` alone means pods in the policy's namespace; `namespaceSelector` alone
 *   means every pod in the selected namespaces; both means the selected pods in the selected
 *   namespaces; `ipBlock` matches addresses (used here for endpoints outside the cluster).
 * - Namespaces carry the label `kubernetes.io/metadata.name: <name>` (set by the API server), plus
 *   the labels of their Namespace object when it is part of the output.
 *
 * Only IPv4 ipBlocks are understood; anything else is an error rather than a silent guess.
 */

export type Labels = Readonly<Record<string, string>>;

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** Label selector semantics: every matchLabels pair and every expression must hold; `{}` selects everything. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (selector === undefined) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new Error(`label selector: unknown operator "${e.operator}"; expected In, NotIn, Exists or DoesNotExist`);
    }
  }
  return true;
}

/** Whether a selector is the empty selector (selects everything). */
export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

// ---------------------------------------------------------------------------------------------
// The objects, as synthesized JSON.

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface NetworkPolicyPortJson {
  readonly protocol?: string;
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface NetworkPolicyPeerJson {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface NetworkPolicyJson {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: readonly { readonly from?: readonly NetworkPolicyPeerJson[]; readonly ports?: readonly NetworkPolicyPortJson[] }[];
    readonly egress?: readonly { readonly to?: readonly NetworkPolicyPeerJson[]; readonly ports?: readonly NetworkPolicyPortJson[] }[];
  };
}

/** A named container port of a pod (what named ports in a policy resolve against). */
export interface PodPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

/** A pod (in practice: every pod of one workload, since they share a template). */
export interface PodEndpoint {
  readonly type: 'pod';
  /** For messages, e.g. `Deployment exam-system/auth-service`. */
  readonly name: string;
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  readonly ports: readonly PodPort[];
  /** Pods on the host network are not subject to NetworkPolicy. */
  readonly hostNetwork?: boolean;
}

/** An address outside the pod network (a managed database, an AWS endpoint, the internet). */
export interface IpEndpoint {
  readonly type: 'ip';
  readonly name: string;
  /** Dotted IPv4 address. */
  readonly address: string;
}

export type Endpoint = PodEndpoint | IpEndpoint;

export interface Traffic {
  readonly protocol: Protocol;
  readonly port: number;
}

export type Direction = 'Ingress' | 'Egress';

/** The namespace label every Kubernetes namespace carries. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A pod endpoint outside the synthesized output (the Gateway's Envoy proxies, Prometheus, kube-dns, ...). */
export function externalPod(namespace: string, labels: Labels, ports: readonly PodPort[] = [], namespaceLabels: Labels = {}): PodEndpoint {
  return {
    type: 'pod',
    name: `${namespace}/${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}`,
    namespace,
    namespaceLabels: { ...namespaceLabels, [NAMESPACE_NAME_LABEL]: namespace },
    labels,
    ports,
  };
}

export function ipEndpoint(address: string, name: string = address): IpEndpoint {
  parseIpv4(address);
  return { type: 'ip', name, address };
}

// ---------------------------------------------------------------------------------------------
// IPv4.

function parseIpv4(address: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (m === null || m.slice(1).some((p) => Number(p) > 255)) {
    throw new Error(`network analysis: "${address}" is not a dotted IPv4 address; only IPv4 is supported`);
  }
  return m.slice(1).reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** Parses `a.b.c.d/n`; throws on anything else. */
export function parseCidr(cidr: string): { readonly base: number; readonly bits: number } {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(cidr);
  if (m === null || Number(m[2]) > 32) throw new Error(`network analysis: "${cidr}" is not an IPv4 CIDR such as 10.0.0.0/8 (only IPv4 is supported)`);
  const bits = Number(m[2]);
  const base = parseIpv4(m[1]);
  const size = 2 ** (32 - bits);
  if (base % size !== 0) throw new Error(`network analysis: "${cidr}" has host bits set; expected ${ipv4ToString(base - (base % size))}/${bits}`);
  return { base, bits };
}

function ipv4ToString(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function cidrContains(cidr: string, address: string): boolean {
  const { base, bits } = parseCidr(cidr);
  const ip = parseIpv4(address);
  const size = 2 ** (32 - bits);
  return ip >= base && ip < base + size;
}

// ---------------------------------------------------------------------------------------------
// Selection.

/** The policy types the API server would default for this policy. */
export function policyTypesOf(p: NetworkPolicyJson): readonly Direction[] {
  if (p.spec.policyTypes !== undefined && p.spec.policyTypes.length > 0) {
    for (const t of p.spec.policyTypes) {
      if (t !== 'Ingress' && t !== 'Egress') throw new Error(`NetworkPolicy ${p.metadata.name}: unknown policyType "${t}"; expected Ingress or Egress`);
    }
    return p.spec.policyTypes as Direction[];
  }
  return p.spec.egress !== undefined && p.spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** Whether the policy applies to the pod at all (same namespace, podSelector matches). */
export function policySelectsPod(p: NetworkPolicyJson, pod: PodEndpoint): boolean {
  return !pod.hostNetwork && p.metadata.namespace === pod.namespace && selectorMatches(p.spec.podSelector, pod.labels);
}

/** The policies that isolate the pod, per direction. */
export function policiesSelecting(pod: PodEndpoint, policies: readonly NetworkPolicyJson[]): Record<Direction, readonly NetworkPolicyJson[]> {
  const selecting = policies.filter((p) => policySelectsPod(p, pod));
  return {
    Ingress: selecting.filter((p) => policyTypesOf(p).includes('Ingress')),
    Egress: selecting.filter((p) => policyTypesOf(p).includes('Egress')),
  };
}

function peerMatches(peer: NetworkPolicyPeerJson, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock !== undefined) {
    if (peer.podSelector !== undefined || peer.namespaceSelector !== undefined) {
      throw new Error('NetworkPolicy peer: ipBlock cannot be combined with podSelector or namespaceSelector');
    }
    // Pod IPs are implementation-defined for ipBlock (the API says so); this analysis lets
    // ipBlocks match only endpoints outside the pod network.
    if (other.type !== 'ip') return false;
    if (!cidrContains(peer.ipBlock.cidr, other.address)) return false;
    return !(peer.ipBlock.except ?? []).some((c) => cidrContains(c, other.address));
  }
  if (other.type !== 'pod') return false;
  if (peer.podSelector === undefined && peer.namespaceSelector === undefined) {
    throw new Error('NetworkPolicy peer: expected podSelector, namespaceSelector or ipBlock');
  }
  const namespaceOk =
    peer.namespaceSelector === undefined ? other.namespace === policyNamespace : selectorMatches(peer.namespaceSelector, other.namespaceLabels);
  const podOk = peer.podSelector === undefined ? true : selectorMatches(peer.podSelector, other.labels);
  return namespaceOk && podOk;
}

/** Resolves a policy port against the destination (named ports exist only on pods). */
function portMatches(port: NetworkPolicyPortJson, traffic: Traffic, destination: Endpoint): boolean {
  const protocol = port.protocol ?? 'TCP';
  if (protocol !== traffic.protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'string') {
    if (/^\d+$/.test(port.port)) return Number(port.port) === traffic.port;
    if (destination.type !== 'pod') return false;
    return destination.ports.some((p) => p.name === port.port && p.protocol === traffic.protocol && p.containerPort === traffic.port);
  }
  const end = port.endPort ?? port.port;
  return traffic.port >= port.port && traffic.port <= end;
}

function portsMatch(ports: readonly NetworkPolicyPortJson[] | undefined, traffic: Traffic, destination: Endpoint): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => portMatches(p, traffic, destination));
}

function peersMatch(peers: readonly NetworkPolicyPeerJson[] | undefined, policyNamespace: string, other: Endpoint): boolean {
  if (peers === undefined || peers.length === 0) return true;
  return peers.some((peer) => peerMatches(peer, policyNamespace, other));
}

/** How one side of a connection judged it. */
export interface SideVerdict {
  readonly allowed: boolean;
  /** `not-isolated`, `outside-cluster`, `host-network`, or the names of the policies whose rules allow it. */
  readonly reason: string;
}

export interface TrafficVerdict {
  readonly allowed: boolean;
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
}

function side(pod: Endpoint, direction: Direction, other: Endpoint, traffic: Traffic, destination: Endpoint, policies: readonly NetworkPolicyJson[]): SideVerdict {
  if (pod.type !== 'pod') return { allowed: true, reason: 'outside-cluster' };
  if (pod.hostNetwork) return { allowed: true, reason: 'host-network' };
  const isolating = policiesSelecting(pod, policies)[direction];
  if (isolating.length === 0) return { allowed: true, reason: 'not-isolated' };
  const allowing: string[] = [];
  for (const p of isolating) {
    const ns = p.metadata.namespace ?? '';
    const rules =
      direction === 'Ingress'
        ? (p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports }))
        : (p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
    if (rules.some((r) => peersMatch(r.peers, ns, other) && portsMatch(r.ports, traffic, destination))) allowing.push(p.metadata.name);
  }
  return allowing.length > 0 ? { allowed: true, reason: `allowed by ${allowing.join(', ')}` } : { allowed: false, reason: `denied (isolated by ${isolating.map((p) => p.metadata.name).join(', ')})` };
}

/** Whether `from` may open a connection to `to` on the given port, and why. */
export function evaluateTraffic(policies: readonly NetworkPolicyJson[], from: Endpoint, to: Endpoint, traffic: Traffic): TrafficVerdict {
  const egress = side(from, 'Egress', to, traffic, to, policies);
  const ingress = side(to, 'Ingress', from, traffic, to, policies);
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

export function isAllowed(policies: readonly NetworkPolicyJson[], from: Endpoint, to: Endpoint, traffic: Traffic): boolean {
  return evaluateTraffic(policies, from, to, traffic).allowed;
}

// ---------------------------------------------------------------------------------------------
// Extraction from synthesized objects.

interface AnyObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Labels };
  readonly spec?: unknown;
}

interface PodTemplateJson {
  readonly metadata?: { readonly labels?: Labels };
  readonly spec?: {
    readonly hostNetwork?: boolean;
    readonly containers?: readonly { readonly ports?: readonly { readonly name?: string; readonly containerPort: number; readonly protocol?: string }[] }[];
  };
}

/** Kinds whose pod template sits at `spec.template` (apiVersion/kind). */
const TEMPLATE_KINDS: ReadonlySet<string> = new Set([
  'apps/v1/Deployment',
  'apps/v1/StatefulSet',
  'apps/v1/DaemonSet',
  'apps/v1/ReplicaSet',
  'batch/v1/Job',
  'argoproj.io/v1alpha1/Rollout',
]);

/** The pod template of a workload object, or undefined for objects that run no pods. */
export function podTemplateOf(obj: AnyObject): PodTemplateJson | undefined {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const spec = obj.spec as { template?: PodTemplateJson; jobTemplate?: { spec?: { template?: PodTemplateJson } } } | undefined;
  if (TEMPLATE_KINDS.has(key)) return spec?.template;
  if (key === 'batch/v1/CronJob') return spec?.jobTemplate?.spec?.template;
  return undefined;
}

/** Labels of each Namespace in the output, with the name label the API server adds. */
export function namespaceLabelsOf(objects: readonly AnyObject[]): Map<string, Labels> {
  const out = new Map<string, Labels>();
  for (const o of objects) {
    if (o.apiVersion === 'v1' && o.kind === 'Namespace') {
      out.set(o.metadata.name, { ...(o.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: o.metadata.name });
    }
  }
  return out;
}

/** One endpoint per workload pod template in the output. */
export function podsOf(objects: readonly AnyObject[]): PodEndpoint[] {
  const nsLabels = namespaceLabelsOf(objects);
  const pods: PodEndpoint[] = [];
  for (const o of objects) {
    const t = podTemplateOf(o);
    if (t === undefined) continue;
    const namespace = o.metadata.namespace ?? 'default';
    pods.push({
      type: 'pod',
      name: `${o.kind} ${namespace}/${o.metadata.name}`,
      namespace,
      namespaceLabels: nsLabels.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace },
      labels: t.metadata?.labels ?? {},
      hostNetwork: t.spec?.hostNetwork === true,
      ports: (t.spec?.containers ?? []).flatMap((c) =>
        (c.ports ?? []).map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: (p.protocol ?? 'TCP') as Protocol })),
      ),
    });
  }
  return pods;
}

export function networkPoliciesOf(objects: readonly AnyObject[]): NetworkPolicyJson[] {
  return objects.filter((o) => o.apiVersion === 'networking.k8s.io/v1' && o.kind === 'NetworkPolicy') as unknown as NetworkPolicyJson[];
}

// ---------------------------------------------------------------------------------------------
// Reports.

export interface PodCoverage {
  readonly pod: PodEndpoint;
  /** Names of the policies isolating the pod for ingress. */
  readonly ingress: readonly string[];
  readonly egress: readonly string[];
}

/** For each pod: which policies isolate it, per direction. */
export function coverage(pods: readonly PodEndpoint[], policies: readonly NetworkPolicyJson[]): PodCoverage[] {
  return pods.map((pod) => {
    const s = policiesSelecting(pod, policies);
    return { pod, ingress: s.Ingress.map((p) => p.metadata.name), egress: s.Egress.map((p) => p.metadata.name) };
  });
}

/** Policies whose podSelector matches no pod in the given set (kube-score: networkpolicy-targets-pod). */
export function policiesSelectingNothing(pods: readonly PodEndpoint[], policies: readonly NetworkPolicyJson[]): NetworkPolicyJson[] {
  return policies.filter((p) => !pods.some((pod) => policySelectsPod(p, pod)));
}

/** Every ordered pair (from, to) of the given endpoints between which the traffic is allowed. */
export function allowedPairs(endpoints: readonly Endpoint[], policies: readonly NetworkPolicyJson[], traffic: Traffic): [Endpoint, Endpoint][] {
  const out: [Endpoint, Endpoint][] = [];
  for (const from of endpoints) {
    for (const to of endpoints) {
      if (from !== to && isAllowed(policies, from, to, traffic)) out.push([from, to]);
    }
  }
  return out;
}
