import { Construct } from 'constructs';
import { ENVOY_PROXY_LABELS, GATEWAY_CONTROLLER_NAMESPACE } from '../config/gateway';
import * as k8s from './k8s';
import { isDnsLabel } from '../rules/names';
import { commonLabels } from './labels';

/** Pods outside the namespace, found by namespace name and pod labels. */
export interface NetworkPeerSpec {
  /** The peer's namespace (matched through its `kubernetes.io/metadata.name` label). */
  readonly namespace: string;
  /** Labels the peer's pods carry. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** One workload of the namespace and the traffic it needs. */
export interface NetworkedWorkload {
  /** The workload's `app` label: its pods are selected by it, here as everywhere. */
  readonly app: string;
  /**
   * The container port the pods serve on (traffic is matched after Service port translation).
   * @default none: the workload serves nothing (a Job), so nothing may call, expose or scrape it
   */
  readonly port?: number;
  /** The apps of this namespace it calls, on their ports. @default none */
  readonly calls?: readonly string[];
  /** Reached from the internet through the Gateway's data plane. @default false */
  readonly exposed?: boolean;
  /** Scraped by Prometheus on `metricsPort`. @default true */
  readonly scraped?: boolean;
  /** The port Prometheus scrapes. @default port */
  readonly metricsPort?: number;
  /** Opens connections to PostgreSQL. @default false */
  readonly database?: boolean;
  /** Opens connections to Redis. @default false */
  readonly redis?: boolean;
  /** Calls AWS APIs (S3) through the VPC's interface endpoints on 443. @default false */
  readonly awsEndpoints?: boolean;
}

/** The cluster's private address range: where the managed data stores and VPC endpoints live. */
export const DEFAULT_PRIVATE_CIDRS: readonly string[] = ['10.0.0.0/8'];

export interface NetworkPoliciesProps {
  readonly namespace: string;
  /** Every workload of the namespace. A pod of an app missing here can talk to nothing but DNS. */
  readonly workloads: readonly NetworkedWorkload[];
  /**
   * The Gateway data plane that forwards internet traffic to exposed workloads (it connects to
   * the pods' endpoints directly, on the container port).
   * @default every Envoy proxy Envoy Gateway runs (`app.kubernetes.io/{name: envoy, component: proxy, managed-by: envoy-gateway}`) in namespace `envoy-gateway-system`
   */
  readonly gatewayDataPlane?: NetworkPeerSpec;
  /**
   * The Prometheus that scrapes every workload.
   * @default Prometheus pods (`app.kubernetes.io/name: prometheus`) in namespace `monitoring`
   */
  readonly prometheus?: NetworkPeerSpec;
  /**
   * The cluster DNS every pod resolves names with (UDP and TCP 53).
   * @default kube-dns / CoreDNS pods (`k8s-app: kube-dns`) in namespace `kube-system`
   */
  readonly dns?: NetworkPeerSpec;
  /**
   * Where PostgreSQL is reached. The environments' databases are managed services outside the
   * cluster (their hosts are not Services of the namespace), so they are addressed by IP range,
   * not by namespace or pod selectors. Narrow this to the database subnets when they are known.
   * @default the cluster's private range, 10.0.0.0/8
   */
  readonly databaseCidrs?: readonly string[];
  /** @default 5432 */
  readonly databasePort?: number;
  /**
   * Where Redis is reached (a managed service outside the cluster, like the database).
   * @default the cluster's private range, 10.0.0.0/8
   */
  readonly redisCidrs?: readonly string[];
  /** @default 6379 */
  readonly redisPort?: number;
  /**
   * Where the AWS interface (PrivateLink) endpoints answer, for S3. With private DNS enabled on
   * the VPC endpoints, the AWS SDK's regional host names resolve to these private addresses, so
   * workloads never need egress to the internet.
   * @default the cluster's private range, 10.0.0.0/8
   */
  readonly awsEndpointCidrs?: readonly string[];
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Names of the namespace-wide policies; workload policies are named after their app. */
export const DEFAULT_DENY_POLICY = 'default-deny';
export const DNS_POLICY = 'allow-dns';

function checkCidr(where: string, cidr: string): void {
  const m = CIDR.exec(cidr);
  const bad = m === null || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32;
  if (bad) throw new Error(`NetworkPolicies ${where}: "${cidr}" is not an IPv4 CIDR; expected a range such as 10.0.0.0/8`);
  const bits = Number(m[5]);
  const ip = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  if (ip % 2 ** (32 - bits) !== 0) throw new Error(`NetworkPolicies ${where}: "${cidr}" has host bits set; expected the network address of the range`);
}

function checkPort(where: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`NetworkPolicies ${where}: port ${port} is not a TCP port; expected a whole number from 1 to 65535`);
}

function peer(p: NetworkPeerSpec): k8s.NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } },
    podSelector: { matchLabels: { ...p.podLabels } },
  };
}

function tcp(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
}

function ipPeers(cidrs: readonly string[]): k8s.NetworkPolicyPeer[] {
  return cidrs.map((cidr) => ({ ipBlock: { cidr } }));
}

/**
 * The NetworkPolicies of one application namespace: deny everything, then allow exactly what
 * the workloads need.
 *
 * - `default-deny` selects every pod for Ingress and Egress and allows nothing.
 * - `allow-dns` lets every pod resolve names through the cluster DNS.
 * - One policy per workload, named after its app, lists all of that workload's traffic:
 *   ingress from the apps that call it, from the Gateway's proxies when exposed and from
 *   Prometheus; egress to the apps it calls and to the data stores and AWS endpoints it uses.
 *
 * Caveat for the IP-range rules: on a CNI that gives pods addresses from the same private range
 * (the AWS VPC CNI does), those rules also let the pod open connections to other pods on the
 * data-store ports; the other pods' own default-deny ingress still refuses them.
 */
export class NetworkPolicies extends Construct {
  /** The names of the policies emitted, in order. */
  public readonly policyNames: readonly string[];

  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    const ns = props.namespace;
    if (!isDnsLabel(ns)) throw new Error(`NetworkPolicies ${id}: namespace "${ns}" is not a Kubernetes name; expected a DNS label`);
    if (props.workloads.length === 0) throw new Error(`NetworkPolicies ${ns}: no workloads; expected every workload of the namespace`);

    const byApp = new Map<string, NetworkedWorkload>();
    for (const w of props.workloads) {
      if (!isDnsLabel(w.app)) throw new Error(`NetworkPolicies ${ns}: app "${w.app}" is not a Kubernetes name; expected a DNS label`);
      if (w.app === DEFAULT_DENY_POLICY || w.app === DNS_POLICY) throw new Error(`NetworkPolicies ${ns}: app "${w.app}" clashes with a namespace-wide policy name; expected another app name`);
      if (byApp.has(w.app)) throw new Error(`NetworkPolicies ${ns}: app "${w.app}" is listed twice; expected each workload once`);
      if (w.metricsPort !== undefined) checkPort(`${ns}/${w.app} metricsPort`, w.metricsPort);
      if (w.port !== undefined) checkPort(`${ns}/${w.app}`, w.port);
      else if (w.exposed || (w.scraped ?? true)) {
        throw new Error(`NetworkPolicies ${ns}/${w.app}: has no port but is ${w.exposed ? 'exposed' : 'scraped'}; expected a port, or exposed and scraped false`);
      }
      byApp.set(w.app, w);
    }
    for (const w of props.workloads) {
      for (const callee of w.calls ?? []) {
        if (!byApp.has(callee)) {
          throw new Error(`NetworkPolicies ${ns}/${w.app}: calls unknown app "${callee}"; expected one of ${[...byApp.keys()].join(', ')}`);
        }
        if (byApp.get(callee)!.port === undefined) {
          throw new Error(`NetworkPolicies ${ns}/${w.app}: calls "${callee}", which serves no port; expected a callee with a port`);
        }
      }
    }
    const databaseCidrs = props.databaseCidrs ?? DEFAULT_PRIVATE_CIDRS;
    const redisCidrs = props.redisCidrs ?? DEFAULT_PRIVATE_CIDRS;
    const awsCidrs = props.awsEndpointCidrs ?? DEFAULT_PRIVATE_CIDRS;
    for (const [what, cidrs] of [['databaseCidrs', databaseCidrs], ['redisCidrs', redisCidrs], ['awsEndpointCidrs', awsCidrs]] as const) {
      if (cidrs.length === 0) throw new Error(`NetworkPolicies ${ns}: ${what} is empty; expected at least one CIDR`);
      for (const c of cidrs) checkCidr(`${ns} ${what}`, c);
    }
    const databasePort = props.databasePort ?? 5432;
    const redisPort = props.redisPort ?? 6379;
    checkPort(`${ns} databasePort`, databasePort);
    checkPort(`${ns} redisPort`, redisPort);
    const gatewayDataPlane = props.gatewayDataPlane ?? { namespace: GATEWAY_CONTROLLER_NAMESPACE, podLabels: ENVOY_PROXY_LABELS };
    const prometheus = props.prometheus ?? { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } };
    const dns = props.dns ?? { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };
    const labels = commonLabels('network-policy');
    const names: string[] = [];
    const policy = (name: string, spec: k8s.NetworkPolicySpec) => {
      names.push(name);
      new k8s.KubeNetworkPolicy(this, name, { metadata: { name, namespace: ns, labels }, spec });
    };

    policy(DEFAULT_DENY_POLICY, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    policy(DNS_POLICY, {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [peer(dns)],
          ports: [
            { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
            { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
          ],
        },
      ],
    });

    const apps = [...byApp.keys()].sort();
    for (const app of apps) {
      const w = byApp.get(app)!;
      const callers = apps.filter((a) => (byApp.get(a)!.calls ?? []).includes(app));
      const ingress: k8s.NetworkPolicyIngressRule[] = [];
      if (w.port !== undefined) {
        if (callers.length > 0) ingress.push({ from: callers.map((a) => ({ podSelector: { matchLabels: { app: a } } })), ports: [tcp(w.port)] });
        if (w.exposed) ingress.push({ from: [peer(gatewayDataPlane)], ports: [tcp(w.port)] });
        if (w.scraped ?? true) ingress.push({ from: [peer(prometheus)], ports: [tcp(w.metricsPort ?? w.port)] });
      }

      const egress: k8s.NetworkPolicyEgressRule[] = [];
      const callees = [...new Set(w.calls ?? [])].sort();
      const calleePorts = [...new Set(callees.map((c) => byApp.get(c)!.port!))].sort((a, b) => a - b);
      for (const port of calleePorts) {
        const to = callees.filter((c) => byApp.get(c)!.port === port).map((c) => ({ podSelector: { matchLabels: { app: c } } }));
        egress.push({ to, ports: [tcp(port)] });
      }
      if (w.database) egress.push({ to: ipPeers(databaseCidrs), ports: [tcp(databasePort)] });
      if (w.redis) egress.push({ to: ipPeers(redisCidrs), ports: [tcp(redisPort)] });
      if (w.awsEndpoints) egress.push({ to: ipPeers(awsCidrs), ports: [tcp(443)] });

      const policyTypes = [...(ingress.length > 0 ? ['Ingress'] : []), ...(egress.length > 0 ? ['Egress'] : [])];
      if (policyTypes.length === 0) continue; // default-deny already says everything about this app
      policy(app, {
        podSelector: { matchLabels: { app } },
        policyTypes,
        ingress: ingress.length > 0 ? ingress : undefined,
        egress: egress.length > 0 ? egress : undefined,
      });
    }
    this.policyNames = names;
  }
}
