import { Testing } from 'cdk8s';
import { SchemaRegistry } from '../../lib/analysis/schema-validation';
import {
  NetworkPolicyJson,
  evaluateTraffic,
  externalPod,
  ipEndpoint,
  PodEndpoint,
} from '../../lib/analysis/network-coverage';
import { NetworkPolicies, NetworkPoliciesProps } from '../../lib/constructs/network-policies';

const NS = 'exam-test';

const PROPS: NetworkPoliciesProps = {
  namespace: NS,
  workloads: [
    { app: 'web', port: 8000, calls: ['api', 'flags'], exposed: true },
    { app: 'api', port: 8000, calls: ['mailer', 'flags'], database: true, redis: true, awsEndpoints: true },
    { app: 'mailer', port: 9000, calls: ['flags'] },
    { app: 'flags', port: 8000, database: true },
  ],
};

function synth(props: NetworkPoliciesProps = PROPS): NetworkPolicyJson[] {
  const chart = Testing.chart();
  new NetworkPolicies(chart, 'np', props);
  return Testing.synth(chart) as NetworkPolicyJson[];
}

function pod(app: string, port: number, namespace: string = NS): PodEndpoint {
  return externalPod(namespace, { app }, [{ name: 'http', containerPort: port, protocol: 'TCP' }]);
}

const TCP = (port: number) => ({ protocol: 'TCP' as const, port });

describe('NetworkPolicies', () => {
  const policies = synth();
  const byName = new Map(policies.map((p) => [p.metadata.name, p]));

  test('emits typed, schema-valid NetworkPolicies with names and the namespace set', () => {
    const registry = new SchemaRegistry();
    expect(policies.map((p) => p.metadata.name)).toEqual(['default-deny', 'allow-dns', 'api', 'flags', 'mailer', 'web']);
    for (const p of policies) {
      expect(p.apiVersion).toBe('networking.k8s.io/v1');
      expect(p.kind).toBe('NetworkPolicy');
      expect(p.metadata.namespace).toBe(NS);
      expect(registry.validate(p)).toEqual([]);
    }
  });

  test('default-deny selects every pod for both directions and allows nothing', () => {
    const d = byName.get('default-deny')!;
    expect(d.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('allow-dns lets every pod reach kube-dns on UDP and TCP 53, and nothing else', () => {
    const dns = byName.get('allow-dns')!;
    expect(dns.spec.podSelector).toEqual({});
    expect(dns.spec.policyTypes).toEqual(['Egress']);
    expect(dns.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ]);
  });

  test('callers reach callees on the callee port; nothing else inside the namespace', () => {
    const apps = { web: pod('web', 8000), api: pod('api', 8000), mailer: pod('mailer', 9000), flags: pod('flags', 8000) };
    const allowed: string[] = [];
    for (const [from, a] of Object.entries(apps)) {
      for (const [to, b] of Object.entries(apps)) {
        if (from !== to && evaluateTraffic(policies, a, b, TCP(b.ports[0].containerPort)).allowed) allowed.push(`${from}->${to}`);
      }
    }
    expect(allowed.sort()).toEqual(['api->flags', 'api->mailer', 'mailer->flags', 'web->api', 'web->flags'].sort());
    // The callee port only: mailer listens on 9000, so api -> mailer on 8000 is refused.
    expect(evaluateTraffic(policies, apps.api, apps.mailer, TCP(8000)).allowed).toBe(false);
  });

  test("the Gateway's Envoy proxies reach exposed workloads only; Prometheus reaches every workload on its port", () => {
    // The labels Envoy Gateway v1.9.0 puts on its proxy pods, in the controller's namespace
    // (envoyproxy/gateway internal/infrastructure/kubernetes/proxy/testdata/deployments/default.yaml).
    const envoy = externalPod('envoy-gateway-system', {
      'app.kubernetes.io/name': 'envoy',
      'app.kubernetes.io/component': 'proxy',
      'app.kubernetes.io/managed-by': 'envoy-gateway',
      'gateway.envoyproxy.io/owning-gateway-name': 'any',
      'gateway.envoyproxy.io/owning-gateway-namespace': 'any',
    });
    const nginx = externalPod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
    expect(evaluateTraffic(policies, envoy, pod('web', 8000), TCP(8000)).allowed).toBe(true);
    expect(evaluateTraffic(policies, envoy, pod('api', 8000), TCP(8000)).allowed).toBe(false);
    const prometheus = externalPod('monitoring', { 'app.kubernetes.io/name': 'prometheus' });
    const grafana = externalPod('monitoring', { 'app.kubernetes.io/name': 'grafana' });
    expect(evaluateTraffic(policies, nginx, pod('web', 8000), TCP(8000)).allowed).toBe(false);
    expect(evaluateTraffic(policies, prometheus, pod('mailer', 9000), TCP(9000)).allowed).toBe(true);
    expect(evaluateTraffic(policies, prometheus, pod('api', 8000), TCP(8000)).allowed).toBe(true);
    expect(evaluateTraffic(policies, prometheus, pod('api', 8000), TCP(5432)).allowed).toBe(false);
    expect(evaluateTraffic(policies, grafana, pod('api', 8000), TCP(8000)).allowed).toBe(false);
  });

  test('data stores and AWS endpoints only for the workloads that use them, only on their ports', () => {
    const db = ipEndpoint('10.20.30.40', 'database');
    const internet = ipEndpoint('52.216.1.1', 'public S3');
    expect(evaluateTraffic(policies, pod('api', 8000), db, TCP(5432)).allowed).toBe(true);
    expect(evaluateTraffic(policies, pod('api', 8000), db, TCP(6379)).allowed).toBe(true);
    expect(evaluateTraffic(policies, pod('api', 8000), db, TCP(443)).allowed).toBe(true);
    expect(evaluateTraffic(policies, pod('api', 8000), db, TCP(22)).allowed).toBe(false);
    expect(evaluateTraffic(policies, pod('api', 8000), internet, TCP(443)).allowed).toBe(false);
    expect(evaluateTraffic(policies, pod('flags', 8000), db, TCP(5432)).allowed).toBe(true);
    expect(evaluateTraffic(policies, pod('flags', 8000), db, TCP(6379)).allowed).toBe(false);
    expect(evaluateTraffic(policies, pod('web', 8000), db, TCP(5432)).allowed).toBe(false);
    expect(evaluateTraffic(policies, pod('mailer', 9000), db, TCP(5432)).allowed).toBe(false);
  });

  test('another namespace cannot use the same app labels to get in', () => {
    expect(evaluateTraffic(policies, pod('web', 8000, 'elsewhere'), pod('api', 8000), TCP(8000)).allowed).toBe(false);
  });

  test('a workload with no traffic at all gets no policy of its own (default-deny covers it)', () => {
    const names = synth({ namespace: NS, workloads: [{ app: 'batch', port: 8000, scraped: false }] }).map((p) => p.metadata.name);
    expect(names).toEqual(['default-deny', 'allow-dns']);
  });

  test('custom peers and CIDRs are honoured', () => {
    const ps = synth({
      namespace: NS,
      workloads: [{ app: 'api', port: 8000, exposed: true, database: true }],
      gatewayDataPlane: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } },
      databaseCidrs: ['10.8.0.0/16'],
    });
    const traefik = externalPod('traefik', { 'app.kubernetes.io/name': 'traefik' });
    expect(evaluateTraffic(ps, traefik, pod('api', 8000), TCP(8000)).allowed).toBe(true);
    expect(evaluateTraffic(ps, pod('api', 8000), ipEndpoint('10.8.1.1'), TCP(5432)).allowed).toBe(true);
    expect(evaluateTraffic(ps, pod('api', 8000), ipEndpoint('10.9.1.1'), TCP(5432)).allowed).toBe(false);
  });

  test('a workload without a port (a Job) gets egress only, and a separate metrics port is what Prometheus reaches', () => {
    const ps = synth({
      namespace: NS,
      workloads: [
        { app: 'api', port: 8000, calls: ['flagd'] },
        { app: 'flagd', port: 8013, metricsPort: 8014 },
        { app: 'migrate', database: true, scraped: false },
      ],
    });
    const prometheus = externalPod('monitoring', { 'app.kubernetes.io/name': 'prometheus' });
    const migrate = pod('migrate', 8000);
    expect(ps.find((p) => p.metadata.name === 'migrate')!.spec.policyTypes).toEqual(['Egress']);
    expect(evaluateTraffic(ps, migrate, ipEndpoint('10.1.2.3'), TCP(5432)).allowed).toBe(true);
    expect(evaluateTraffic(ps, pod('api', 8000), migrate, TCP(8000)).allowed).toBe(false);
    expect(evaluateTraffic(ps, prometheus, migrate, TCP(8000)).allowed).toBe(false);
    const flagd = externalPod(NS, { app: 'flagd' }, [{ name: 'http', containerPort: 8013, protocol: 'TCP' }, { name: 'metrics', containerPort: 8014, protocol: 'TCP' }]);
    expect(evaluateTraffic(ps, pod('api', 8000), flagd, TCP(8013)).allowed).toBe(true);
    expect(evaluateTraffic(ps, pod('api', 8000), flagd, TCP(8014)).allowed).toBe(false);
    expect(evaluateTraffic(ps, prometheus, flagd, TCP(8014)).allowed).toBe(true);
    expect(evaluateTraffic(ps, prometheus, flagd, TCP(8013)).allowed).toBe(false);
  });

  test.each<[string, Partial<NetworkPoliciesProps>, RegExp]>([
    ['a portless workload that is scraped', { workloads: [{ app: 'job' }] }, /NetworkPolicies exam-test\/job: has no port but is scraped; expected a port, or exposed and scraped false/],
    ['a call to a portless workload', { workloads: [{ app: 'web', port: 8000, calls: ['job'] }, { app: 'job', scraped: false }] }, /web: calls "job", which serves no port/],
    ['a bad metrics port', { workloads: [{ app: 'web', port: 8000, metricsPort: 70000 }] }, /port 70000 is not a TCP port/],
    ['an unknown callee', { workloads: [{ app: 'web', port: 8000, calls: ['nope'] }] }, /NetworkPolicies exam-test\/web: calls unknown app "nope"; expected one of web/],
    ['a duplicate app', { workloads: [{ app: 'web', port: 8000 }, { app: 'web', port: 8000 }] }, /app "web" is listed twice/],
    ['a bad port', { workloads: [{ app: 'web', port: 0 }] }, /port 0 is not a TCP port; expected a whole number from 1 to 65535/],
    ['a bad app name', { workloads: [{ app: 'Web', port: 8000 }] }, /app "Web" is not a Kubernetes name/],
    ['an app named like a shared policy', { workloads: [{ app: 'default-deny', port: 8000 }] }, /clashes with a namespace-wide policy name/],
    ['no workloads', { workloads: [] }, /no workloads; expected every workload of the namespace/],
    ['a malformed CIDR', { databaseCidrs: ['10.0.0.0/33'] }, /databaseCidrs: "10.0.0.0\/33" is not an IPv4 CIDR/],
    ['a CIDR with host bits', { redisCidrs: ['10.0.0.1/8'] }, /redisCidrs: "10.0.0.1\/8" has host bits set/],
    ['an empty CIDR list', { awsEndpointCidrs: [] }, /awsEndpointCidrs is empty; expected at least one CIDR/],
    ['a bad namespace', { namespace: 'Exam' }, /namespace "Exam" is not a Kubernetes name/],
  ])('rejects %s early with an actionable error', (_what, override, message) => {
    expect(() => synth({ ...PROPS, ...override })).toThrow(message);
  });
});
